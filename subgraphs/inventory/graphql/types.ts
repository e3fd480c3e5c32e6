import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { EVENT_TYPES } from '../domain/inventory-event';
import { ALERT_KINDS } from '../store/alert-store';
import { CHANNEL_KINDS, LOCATION_KINDS } from '../store/setup-store';
import { enumOf } from '../../../shared/graphql-references';

export const LocationKind = enumOf(LOCATION_KINDS);
registerEnumType(LocationKind, { name: 'LocationKind' });
export const ChannelKind = enumOf(CHANNEL_KINDS);
registerEnumType(ChannelKind, { name: 'ChannelKind' });
export const InventoryEventType = enumOf(EVENT_TYPES);
registerEnumType(InventoryEventType, { name: 'InventoryEventType' });
export const ReservationStatus = enumOf(['ACTIVE', 'CONFIRMED', 'RELEASED', 'EXPIRED'] as const);
registerEnumType(ReservationStatus, { name: 'ReservationStatus' });
export const AlertKind = enumOf(ALERT_KINDS);
registerEnumType(AlertKind, { name: 'AlertKind' });

@Directive('@key(fields: "code")')
@ObjectType()
export class Sku {
  @Field(() => ID) code!: string;
}

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A place that holds stock: warehouse, store, 3PL or marketplace fulfilment centre.' })
export class Location {
  @Field(() => ID) code!: string;
  @Field() name!: string;
  @Field(() => LocationKind) kind!: keyof typeof LocationKind;
  @Field({ description: 'ISO 3166-1 alpha-2' }) country!: string;
  @Field(() => String, { nullable: true }) postalCode?: string | null;
}

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A sales channel and the stock rules it sells under.' })
export class Channel {
  @Field(() => ID) code!: string;
  @Field() name!: string;
  @Field(() => ChannelKind) kind!: keyof typeof ChannelKind;
  @Field(() => [Location], { description: 'Locations whose stock this channel may sell, in preference order.' }) locations!: Location[];
  @Field(() => Int) bufferUnits!: number;
  @Field() paused!: boolean;
  @Field(() => Int, { nullable: true, description: 'Promotion cap: at most this many units of a SKU are shown.' }) maxUnits?: number | null;
  @Field(() => Int, { nullable: true, description: 'Promotion share: at most this percentage of the pooled sellable units is shown.' }) sharePercent?: number | null;
}

@ObjectType()
export class StockLevel {
  @Field(() => Sku) sku!: Sku;
  @Field(() => Location) location!: Location;
  @Field(() => Int) onHand!: number;
  @Field(() => Int, { description: 'onHand - committed - reserved - damaged - qualityControl - safetyStock, never below 0' }) available!: number;
  @Field(() => Int) committed!: number;
  @Field(() => Int) reserved!: number;
  @Field(() => Int) damaged!: number;
  @Field(() => Int) qualityControl!: number;
  @Field(() => Int) safetyStock!: number;
  @Field(() => Int) incoming!: number;
}

@ObjectType()
export class Incoming {
  @Field(() => Int) quantity!: number;
  @Field(() => Date) expectedAt!: Date;
}

@ObjectType()
export class Availability {
  @Field(() => Sku) sku!: Sku;
  @Field(() => Channel) channel!: Channel;
  @Field(() => Int, { description: 'What this channel may sell now, never negative.' }) available!: number;
}

@ObjectType({ description: 'The seven buckets of a SKU at a location (or their change in one movement).' })
export class Buckets {
  @Field(() => Int) onHand!: number;
  @Field(() => Int) committed!: number;
  @Field(() => Int) reserved!: number;
  @Field(() => Int) damaged!: number;
  @Field(() => Int) qualityControl!: number;
  @Field(() => Int) safetyStock!: number;
  @Field(() => Int) incoming!: number;
}

@ObjectType({ description: 'One immutable ledger entry: what changed a stock bucket, why, and the figures after.' })
export class Movement {
  @Field(() => ID) id!: string;
  @Field(() => Location) location!: Location;
  @Field({ description: 'An inventory event type, or RESERVE, RELEASE, EXPIRE.' }) type!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field() source!: string;
  @Field(() => ID) idempotencyKey!: string;
  @Field(() => Date) occurredAt!: Date;
  @Field(() => Date) recordedAt!: Date;
  @Field(() => Buckets) change!: Buckets;
  @Field(() => Buckets) after!: Buckets;
}

@ObjectType()
export class MovementPage {
  @Field(() => [Movement], { description: 'Newest first.' }) movements!: Movement[];
  @Field(() => ID, { nullable: true, description: 'Pass as `after` for the next page; null on the last page.' }) nextCursor!: string | null;
}

@ObjectType()
export class ReservationLine {
  @Field(() => Sku) sku!: Sku;
  @Field(() => Int) quantity!: number;
}

@ObjectType()
export class Reservation {
  @Field(() => ID) id!: string;
  @Field(() => Channel) channel!: Channel;
  @Field(() => ReservationStatus) status!: keyof typeof ReservationStatus;
  @Field(() => Date) expiresAt!: Date;
  @Field(() => [ReservationLine]) lines!: ReservationLine[];
}

@ObjectType()
export class RejectedEvent {
  @Field(() => ID) idempotencyKey!: string;
  @Field() code!: string;
  @Field() message!: string;
}

@ObjectType()
export class RecordEventsResult {
  @Field(() => Int) applied!: number;
  @Field(() => Int) duplicates!: number;
  @Field(() => [RejectedEvent]) rejected!: RejectedEvent[];
}

@ObjectType()
export class Alert {
  @Field(() => ID) id!: string;
  @Field(() => AlertKind) kind!: keyof typeof AlertKind;
  @Field(() => Sku, { nullable: true }) sku?: Sku | null;
  @Field(() => Channel, { nullable: true }) channel?: Channel | null;
  @Field(() => Location, { nullable: true }) location?: Location | null;
  @Field() message!: string;
  @Field(() => Date) raisedAt!: Date;
  @Field(() => Date, { nullable: true }) resolvedAt?: Date | null;
}

@ObjectType()
export class AvailabilityChange {
  @Field(() => Sku) sku!: Sku;
  @Field(() => Channel) channel!: Channel;
  @Field(() => Int) available!: number;
  @Field(() => ID, { description: 'Pass as `after` to resume from this change.' }) cursor!: string;
  @Field(() => Date) at!: Date;
}

@InputType()
export class UpsertLocationInput {
  @Field(() => ID) code!: string;
  @Field() name!: string;
  @Field(() => LocationKind) kind!: keyof typeof LocationKind;
  @Field() country!: string;
  @Field(() => String, { nullable: true }) postalCode?: string | null;
}

@InputType()
export class UpsertChannelInput {
  @Field(() => ID) code!: string;
  @Field() name!: string;
  @Field(() => ChannelKind, { nullable: true, defaultValue: 'WEBSTORE' }) kind?: keyof typeof ChannelKind | null;
  @Field(() => [ID]) locations!: string[];
  @Field(() => Int, { nullable: true, defaultValue: 0 }) bufferUnits?: number | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false }) paused?: boolean | null;
  @Field(() => Int, { nullable: true, description: 'Show at most this many units of a SKU (null: no cap).' }) maxUnits?: number | null;
  @Field(() => Int, { nullable: true, description: 'Show at most this percentage (0-100) of the pooled sellable units (null: all).' }) sharePercent?: number | null;
}

@InputType()
export class ChannelAllocationInput {
  @Field(() => ID) channel!: string;
  @Field(() => ID) sku!: string;
  @Field(() => Int, { description: 'Units set aside for this channel alone; 0 removes the allocation.' }) units!: number;
}

@InputType()
export class InventoryEventInput {
  @Field(() => ID) idempotencyKey!: string;
  @Field() source!: string;
  @Field(() => InventoryEventType) type!: keyof typeof InventoryEventType;
  @Field(() => ID) sku!: string;
  @Field(() => ID) location!: string;
  @Field(() => Int) quantity!: number;
  @Field(() => Int, { nullable: true }) damagedQuantity?: number | null;
  @Field(() => Date) occurredAt!: Date;
  @Field(() => Date, { nullable: true }) expectedAt?: Date | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
}

@InputType()
export class ReservationLineInput {
  @Field(() => ID) sku!: string;
  @Field(() => Int) quantity!: number;
}

@InputType()
export class ReserveInput {
  @Field(() => ID) channel!: string;
  @Field(() => [ReservationLineInput]) lines!: ReservationLineInput[];
  @Field(() => Int, { nullable: true, defaultValue: 600 }) ttlSeconds?: number | null;
  @Field(() => ID) idempotencyKey!: string;
}
