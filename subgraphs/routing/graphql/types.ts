import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { STRATEGIES } from '../domain/routing-rules';
import { enumOf, LocationReference as Location, ChannelReference as Channel, OrderLine } from '../../../shared/graphql-references';

export const RoutingStrategy = enumOf(STRATEGIES);
registerEnumType(RoutingStrategy, {
  name: 'RoutingStrategy',
  description: 'How routing chooses among locations, applied in the order a channel lists them.',
  valuesConfig: {
    KEEP_PROMISE: { description: 'Only locations that can ship (and deliver) by the promised date, while any can.' },
    FEWEST_SHIPMENTS: { description: 'In a split, the location that ships most of what remains first. A location that covers the whole order always beats a split.' },
    CLOSEST: { description: 'Fewest transit days to the destination.' },
    FASTEST: { description: 'Earliest delivery: ship day (handling, cut-off) plus transit.' },
    RANKED: { description: "The channel's preference order of its locations." },
    MOST_STOCK: { description: "The location holding the most units of the order's SKUs." },
  },
});

@Directive('@key(fields: "id")')
@ObjectType()
export class Order {
  @Field(() => ID) id!: string;
}

@ObjectType()
export class Assignment {
  @Field(() => Location) location!: Location;
  @Field(() => [OrderLine]) lines!: OrderLine[];
}

@ObjectType({ description: 'Which locations ship an order, and why.' })
export class RoutingDecision {
  @Field(() => ID, { description: 'This version of the decision: a re-route after stock arrives records a new one.' }) id!: string;
  @Field(() => Order) order!: Order;
  @Field(() => [Assignment], { description: 'Every unit committed for the order so far, by location.' }) assignments!: Assignment[];
  @Field({ description: 'More than one location ships this order.' }) split!: boolean;
  @Field(() => [OrderLine], { description: 'Units no eligible location can cover.' }) backordered!: OrderLine[];
  @Field(() => [String], { description: 'Human-readable: why these locations.' }) reasons!: string[];
  @Field(() => Date) decidedAt!: Date;
  @Field(() => Date, { nullable: true, description: 'When the last parcel is due to leave (the cut-off of its ship day); null while backordered units have no incoming stock to wait for.' })
  promisedShipDate!: Date | null;
  @Field({ description: "The buyer's promise (ship-by, deliver-by or express) cannot be kept: promisedShipDate is the earliest honest date." }) atRisk!: boolean;
}

@ObjectType()
export class TransitTime {
  @Field({ description: 'ISO 3166-1 alpha-2 destination country.' }) country!: string;
  @Field(() => String, { nullable: true, description: 'Only destinations whose postal code starts with this (a zone); null: the whole country.' }) postalPrefix!: string | null;
  @Field(() => Int) days!: number;
}

@ObjectType({ description: 'How one location ships for a channel.' })
export class LocationRouting {
  @Field(() => Location) location!: Location;
  @Field(() => Int, { description: 'Days from starting on an order to handing it to the carrier; 0 ships the same day.' }) handlingDays!: number;
  @Field(() => Int, { nullable: true, description: 'Orders started at or after this UTC hour ship a day later; null: no cut-off.' }) cutoffHourUtc!: number | null;
  @Field(() => Int, { nullable: true, description: 'Transit days where no transit rule matches; null: 2 within the location\'s country, 5 abroad.' }) defaultTransitDays!: number | null;
  @Field(() => [TransitTime]) transit!: TransitTime[];
}

@ObjectType({ description: "A channel's routing rules: its strategies in order, and every one of its locations' shipping times (set or default)." })
export class RoutingRules {
  @Field(() => Channel) channel!: Channel;
  @Field(() => [RoutingStrategy]) strategies!: (keyof typeof RoutingStrategy)[];
  @Field(() => [LocationRouting]) locations!: LocationRouting[];
}

@ObjectType({ description: 'An order at risk of shipping late, and where its waiting units are.' })
export class LateShipmentRisk {
  @Field(() => Order) order!: Order;
  @Field(() => Channel) channel!: Channel;
  @Field(() => [Location], { description: 'Locations holding units of the order not yet shipped.' }) locations!: Location[];
  @Field(() => Date, { nullable: true, description: 'When routing last promised the order would ship; null when backordered with no incoming stock.' }) promisedShipDate!: Date | null;
  @Field() reason!: string;
}

@InputType()
export class TransitTimeInput {
  @Field() country!: string;
  @Field(() => String, { nullable: true }) postalPrefix?: string | null;
  @Field(() => Int) days!: number;
}

@InputType()
export class LocationRoutingInput {
  @Field(() => ID) location!: string;
  @Field(() => Int, { nullable: true, defaultValue: 0 }) handlingDays?: number | null;
  @Field(() => Int, { nullable: true }) cutoffHourUtc?: number | null;
  @Field(() => Int, { nullable: true }) defaultTransitDays?: number | null;
  @Field(() => [TransitTimeInput], { nullable: true, defaultValue: [] }) transit?: TransitTimeInput[] | null;
}

@InputType()
export class RoutingRulesInput {
  @Field(() => ID) channel!: string;
  @Field(() => [RoutingStrategy], { description: 'Applied in this order; ties fall to the channel\'s preference order.' }) strategies!: (keyof typeof RoutingStrategy)[];
  @Field(() => [LocationRoutingInput], { nullable: true, defaultValue: [], description: "Locations left out ship by the defaults: same day, no cut-off, default transit." })
  locations?: LocationRoutingInput[] | null;
}
