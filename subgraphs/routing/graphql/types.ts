import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

@Directive('@key(fields: "code", resolvable: false)')
@ObjectType()
export class Sku {
  @Field(() => ID) code!: string;
}

@Directive('@key(fields: "code", resolvable: false)')
@ObjectType()
export class Location {
  @Field(() => ID) code!: string;
}

@Directive('@key(fields: "id")')
@ObjectType()
export class Order {
  @Field(() => ID) id!: string;
}

@Directive('@shareable')
@ObjectType()
export class OrderLine {
  @Field(() => Sku) sku!: Sku;
  @Field(() => Int) quantity!: number;
}

@ObjectType()
export class Assignment {
  @Field(() => Location) location!: Location;
  @Field(() => [OrderLine]) lines!: OrderLine[];
}

@ObjectType({ description: 'Which locations ship an order, and why.' })
export class RoutingDecision {
  @Field(() => Order) order!: Order;
  @Field(() => [Assignment]) assignments!: Assignment[];
  @Field({ description: 'More than one location ships this order.' }) split!: boolean;
  @Field(() => [OrderLine], { description: 'Units no eligible location can cover.' }) backordered!: OrderLine[];
  @Field(() => [String], { description: 'Human-readable: why these locations.' }) reasons!: string[];
  @Field(() => Date) decidedAt!: Date;
}
