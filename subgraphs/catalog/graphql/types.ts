import { Directive, Field, ID, InputType, Int, ObjectType } from 'type-graphql';

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A stock-keeping unit: simple, or a bundle, kit or multipack made of other SKUs.' })
export class Sku {
  @Field(() => ID) code!: string;
  @Field() title!: string;
}

@ObjectType()
export class BundleComponent {
  @Field(() => Sku) sku!: Sku;
  @Field(() => Int) quantity!: number;
}

@Directive('@key(fields: "code", resolvable: false)')
@ObjectType()
export class Channel {
  @Field(() => ID) code!: string;
}

@ObjectType({ description: "One channel's product reference, mapped to exactly one SKU." })
export class ChannelListing {
  @Field(() => Channel) channel!: Channel;
  @Field(() => ID) externalId!: string;
  @Field(() => Sku) sku!: Sku;
  @Field(() => Int) unitsPerListing!: number;
}

@InputType()
export class BundleComponentInput {
  @Field(() => ID) sku!: string;
  @Field(() => Int) quantity!: number;
}

@InputType()
export class UpsertSkuInput {
  @Field(() => ID) code!: string;
  @Field() title!: string;
  @Field(() => [BundleComponentInput], { nullable: true }) components?: BundleComponentInput[] | null;
}

@InputType()
export class UpsertListingInput {
  @Field(() => ID) channel!: string;
  @Field(() => ID) externalId!: string;
  @Field(() => ID) sku!: string;
  @Field(() => Int, { nullable: true, defaultValue: 1 }) unitsPerListing?: number | null;
}
