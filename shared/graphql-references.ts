import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

/**
 * GraphQL types more than one subgraph declares the same way: the entities a subgraph only refers
 * to by key (federation references it cannot resolve, owned by catalog or inventory), the order
 * line orders and routing both serve, and the helper that turns a list of values into an enum.
 */

/** An object of `values` keyed by themselves, as `registerEnumType` takes an enum. */
export const enumOf = <T extends readonly string[]>(values: T) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T[number]]: K };

@Directive('@key(fields: "code", resolvable: false)')
@ObjectType('Sku')
export class SkuReference {
  @Field(() => ID) code!: string;
}

@Directive('@key(fields: "code", resolvable: false)')
@ObjectType('Channel')
export class ChannelReference {
  @Field(() => ID) code!: string;
}

@Directive('@key(fields: "code", resolvable: false)')
@ObjectType('Location')
export class LocationReference {
  @Field(() => ID) code!: string;
}

@Directive('@shareable')
@ObjectType()
export class OrderLine {
  @Field(() => SkuReference) sku!: SkuReference;
  @Field(() => Int) quantity!: number;
}
