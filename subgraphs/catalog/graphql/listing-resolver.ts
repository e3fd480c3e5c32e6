import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertChannel, canSeeChannel } from '../../../shared/auth';
import type { CatalogContext } from './context';
import { ChannelListing, Sku, UpsertListingInput } from './types';

@Resolver(() => ChannelListing)
export class ListingResolver {
  @Authorized()
  @Query(() => ChannelListing, { nullable: true })
  async listing(
    @Arg('channel', () => ID) channel: string,
    @Arg('externalId', () => ID) externalId: string,
    @Ctx() ctx: CatalogContext,
  ): Promise<ChannelListing | null> {
    if (!canSeeChannel(ctx.identity, channel)) return null;
    const listing = await ctx.store.listing(channel, externalId);
    return listing && { ...listing, channel: { code: listing.channel }, sku: { code: listing.sku } as Sku };
  }

  @Authorized('catalog:write')
  @Mutation(() => ChannelListing)
  async upsertListing(@Arg('input', () => UpsertListingInput) input: UpsertListingInput, @Ctx() ctx: CatalogContext): Promise<ChannelListing> {
    assertChannel(ctx.identity, input.channel);
    const listing = await ctx.store.upsertListing({ ...input, unitsPerListing: input.unitsPerListing ?? 1 });
    return { ...listing, channel: { code: listing.channel }, sku: { code: listing.sku } as Sku };
  }

  @FieldResolver(() => Sku)
  async sku(@Root() listing: ChannelListing, @Ctx() ctx: CatalogContext): Promise<Sku> {
    return (await ctx.skuLoader.load(listing.sku.code)) ?? listing.sku;
  }
}
