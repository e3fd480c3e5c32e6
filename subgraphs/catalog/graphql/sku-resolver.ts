import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertChannel, canSeeChannel } from '../../../shared/auth';
import { badInput } from '../../../shared/errors';
import type { CatalogContext } from './context';
import { BundleComponent, ChannelListing, Sku, UpsertSkuInput } from './types';

@Resolver(() => Sku)
export class SkuResolver {
  @Authorized()
  @Query(() => Sku, { nullable: true })
  sku(@Arg('code', () => ID) code: string, @Ctx() ctx: CatalogContext): Promise<Sku | null> {
    return ctx.skuLoader.load(code);
  }

  @Authorized('catalog:write')
  @Mutation(() => Sku)
  upsertSku(@Arg('input', () => UpsertSkuInput) input: UpsertSkuInput, @Ctx() ctx: CatalogContext): Promise<Sku> {
    return ctx.skus.upsert(input);
  }

  @Authorized()
  @Query(() => [Sku], { description: 'Active SKUs with no listing on the channel.' })
  unlistedSkus(
    @Arg('channel', () => ID) channel: string,
    @Ctx() ctx: CatalogContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 500 }) first?: number | null,
  ): Promise<Sku[]> {
    assertChannel(ctx.identity, channel);
    const limit = first ?? 500;
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw badInput(`first must be from 1 to 5000, got ${limit}`, { field: 'first' });
    return ctx.skus.unlisted(channel, limit);
  }

  @FieldResolver(() => [BundleComponent])
  async components(@Root() sku: Sku, @Ctx() ctx: CatalogContext): Promise<BundleComponent[]> {
    const lines = await ctx.componentsLoader.load(sku.code);
    return lines.map((line) => ({ sku: { code: line.sku } as Sku, quantity: line.quantity }));
  }

  @FieldResolver(() => [ChannelListing])
  async listings(@Root() sku: Sku, @Ctx() ctx: CatalogContext): Promise<ChannelListing[]> {
    const listings = await ctx.listingsLoader.load(sku.code);
    return listings
      .filter((listing) => canSeeChannel(ctx.identity, listing.channel))
      .map((listing) => ({ ...listing, channel: { code: listing.channel }, sku: { code: listing.sku } as Sku }));
  }

  // Synchronous when the SKU was loaded already (by the query or by __resolveReference), so a
  // page of entities resolves without a promise per field.
  @FieldResolver(() => String)
  title(@Root() sku: Sku, @Ctx() ctx: CatalogContext): string | Promise<string> {
    return sku.title ?? ctx.skuLoader.load(sku.code).then((found) => found?.title ?? sku.code);
  }

  @FieldResolver(() => Boolean)
  retired(@Root() sku: Sku, @Ctx() ctx: CatalogContext): boolean | Promise<boolean> {
    return sku.retired ?? ctx.skuLoader.load(sku.code).then((found) => found?.retired ?? false);
  }
}

/**
 * Another subgraph's SKU reference resolves here, loaded in one batch with the other references
 * of the request. A code the catalog does not know (possible only for data older than the
 * catalog's copy) still resolves, titled by its code, so a missing title never nulls the whole
 * response.
 */
export const skuReference = {
  __resolveReference: async (reference: { code: string }, ctx: CatalogContext): Promise<Sku> =>
    (await ctx.skuLoader.load(reference.code)) ?? { code: reference.code, title: reference.code, retired: false },
};
