import { Directive, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ChannelReference as Channel } from '../../../shared/graphql-references';

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A stock-keeping unit: simple, or a bundle, kit or multipack made of other SKUs.' })
export class Sku {
  @Field(() => ID) code!: string;
  @Field() title!: string;
  @Field({ description: 'A retired SKU is kept for history; its listings are reported as orphaned.' }) retired!: boolean;
}

@ObjectType()
export class BundleComponent {
  @Field(() => Sku) sku!: Sku;
  @Field(() => Int) quantity!: number;
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
  @Field(() => Boolean, { nullable: true, defaultValue: false }) retired?: boolean | null;
}

@InputType()
export class UpsertListingInput {
  @Field(() => ID) channel!: string;
  @Field(() => ID) externalId!: string;
  @Field(() => ID) sku!: string;
  @Field(() => Int, { nullable: true, defaultValue: 1 }) unitsPerListing?: number | null;
}

@ObjectType({ description: 'A listing that sells a SKU the catalog no longer has (MISSING_SKU) or has retired (RETIRED_SKU).' })
export class OrphanedListing {
  @Field(() => ChannelListing) listing!: ChannelListing;
  @Field() problem!: string;
}

@InputType()
export class ListingRowInput {
  @Field(() => ID) channel!: string;
  @Field(() => ID) externalId!: string;
  @Field(() => ID) sku!: string;
  @Field(() => Int, { nullable: true, defaultValue: 1 }) unitsPerListing?: number | null;
}

@InputType({ description: 'Either CSV text (header: channel,externalId,sku,unitsPerListing) or rows; every row is checked before any is written.' })
export class ImportListingsInput {
  @Field(() => String, { nullable: true }) csv?: string | null;
  @Field(() => [ListingRowInput], { nullable: true }) rows?: ListingRowInput[] | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Write the valid rows even when others are rejected.' }) partial?: boolean | null;
}

@ObjectType()
export class ImportRowError {
  @Field(() => Int, { description: 'Line in the CSV (header is line 1), or position in `rows` counting from 1.' }) line!: number;
  @Field() reason!: string;
}

@ObjectType()
export class ImportListingsResult {
  @Field(() => Int) applied!: number;
  @Field(() => [ImportRowError]) rejected!: ImportRowError[];
}
