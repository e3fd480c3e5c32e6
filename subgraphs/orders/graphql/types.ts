import { Directive, Field, ID, ObjectType, Int, registerEnumType } from 'type-graphql';
import { ORDER_STATUSES } from '../domain/order-status';

export const OrderStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, s])) as { [K in (typeof ORDER_STATUSES)[number]]: K };
registerEnumType(OrderStatus, { name: 'OrderStatus' });

@Directive('@key(fields: "code", resolvable: false)')
@ObjectType()
export class Sku {
  @Field(() => ID) code!: string;
}

@Directive('@key(fields: "code", resolvable: false)')
@ObjectType()
export class Channel {
  @Field(() => ID) code!: string;
}

@Directive('@shareable')
@ObjectType()
export class OrderLine {
  @Field(() => Sku) sku!: Sku;
  @Field(() => Int) quantity!: number;
}

@Directive('@shareable')
@ObjectType()
export class Address {
  @Field() country!: string;
  @Field(() => String, { nullable: true }) postalCode!: string | null;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A sale a channel made, from intake to shipment.' })
export class Order {
  @Field(() => ID) id!: string;
  @Field(() => Channel) channel!: Channel;
  @Field(() => ID) externalId!: string;
  @Field(() => OrderStatus) status!: keyof typeof OrderStatus;
  @Field(() => [OrderLine]) lines!: OrderLine[];
  @Field(() => Address) shipTo!: Address;
  @Field(() => Date) placedAt!: Date;
}
