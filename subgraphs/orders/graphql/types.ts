import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ORDER_STATUSES } from '../domain/order-status';
import { enumOf, SkuReference as Sku, ChannelReference as Channel, LocationReference as Location, OrderLine } from '../../../shared/graphql-references';

export const OrderStatus = enumOf(ORDER_STATUSES);
registerEnumType(OrderStatus, { name: 'OrderStatus' });

@Directive('@shareable')
@ObjectType()
export class Address {
  @Field() country!: string;
  @Field(() => String, { nullable: true }) postalCode!: string | null;
}

@ObjectType({ description: 'One order line and what became of it.' })
export class OrderLineProgress {
  @Field(() => Sku) sku!: Sku;
  @Field(() => Int) quantity!: number;
  @Field(() => Int) shipped!: number;
  @Field(() => Int) returned!: number;
}

@ObjectType()
export class Shipment {
  @Field(() => ID) id!: string;
  @Field(() => Location) location!: Location;
  @Field(() => [OrderLine]) lines!: OrderLine[];
  @Field(() => String, { nullable: true }) trackingNumber!: string | null;
  @Field(() => Date) shippedAt!: Date;
}

@ObjectType()
export class ReturnedLine {
  @Field(() => Sku) sku!: Sku;
  @Field(() => Int) quantity!: number;
  @Field() resellable!: boolean;
}

@ObjectType()
export class OrderReturn {
  @Field(() => ID) id!: string;
  @Field(() => Location) location!: Location;
  @Field(() => [ReturnedLine]) lines!: ReturnedLine[];
  @Field(() => Date) receivedAt!: Date;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A sale a channel made, from intake to shipment.' })
export class Order {
  @Field(() => ID) id!: string;
  @Field(() => Channel) channel!: Channel;
  @Field(() => ID) externalId!: string;
  @Field(() => OrderStatus) status!: keyof typeof OrderStatus;
  @Field(() => [OrderLine], { description: 'What was ordered, in SKU units (a listing line counts its units per listing).' }) lines!: OrderLine[];
  @Field(() => Address) shipTo!: Address;
  @Field(() => Date) placedAt!: Date;
  @Field(() => Date, { nullable: true, description: 'The latest ship date promised to the buyer.' }) shipBy!: Date | null;
  @Field(() => Date, { nullable: true, description: 'The latest delivery date promised to the buyer.' }) deliverBy!: Date | null;
  @Field({ description: 'Express: promised to ship the day it was placed.' }) express!: boolean;
  @Field(() => ID, { nullable: true, description: 'The reservation this order confirmed.' }) reservationId!: string | null;
  @Field(() => [OrderLineProgress]) progress!: OrderLineProgress[];
}

@InputType()
export class OrderLineInput {
  @Field(() => ID, { nullable: true }) sku?: string | null;
  @Field(() => ID, { nullable: true }) listingExternalId?: string | null;
  @Field(() => Int) quantity!: number;
}

@InputType()
export class AddressInput {
  @Field() country!: string;
  @Field(() => String, { nullable: true }) postalCode?: string | null;
}

@InputType()
export class ImportOrderInput {
  @Field(() => ID) channel!: string;
  @Field(() => ID) externalId!: string;
  @Field(() => [OrderLineInput], { description: 'Exactly one of sku / listingExternalId per line.' }) lines!: OrderLineInput[];
  @Field(() => AddressInput) shipTo!: AddressInput;
  @Field(() => ID, { nullable: true, description: 'Confirm this reservation instead of taking stock anew.' }) reservationId?: string | null;
  @Field(() => Date, { nullable: true }) placedAt?: Date | null;
  @Field(() => Date, { nullable: true, description: 'The latest ship date the channel promised.' }) shipBy?: Date | null;
  @Field(() => Date, { nullable: true, description: 'The latest delivery date the channel promised.' }) deliverBy?: Date | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Promised to ship the day it was placed.' }) express?: boolean | null;
}

@InputType()
export class RecordShipmentInput {
  @Field(() => ID) orderId!: string;
  @Field(() => ID) location!: string;
  @Field(() => [OrderLineInput]) lines!: OrderLineInput[];
  @Field(() => String, { nullable: true }) trackingNumber?: string | null;
  @Field(() => ID, { nullable: true, description: 'A retry with the same key records the shipment once.' }) idempotencyKey?: string | null;
}

@InputType()
export class ReturnLineInput {
  @Field(() => ID) sku!: string;
  @Field(() => Int) quantity!: number;
  @Field() resellable!: boolean;
}

@InputType()
export class RecordReturnInput {
  @Field(() => ID) orderId!: string;
  @Field(() => ID) location!: string;
  @Field(() => [ReturnLineInput]) lines!: ReturnLineInput[];
  @Field(() => ID, { nullable: true, description: 'A retry with the same key records the return once.' }) idempotencyKey?: string | null;
}
