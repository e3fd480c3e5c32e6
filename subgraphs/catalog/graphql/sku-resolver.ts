import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { canSeeChannel } from '../../../shared/auth';
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
    return ctx.store.upsertSku(input);
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
}

/** Resolves `Sku.title` (and the rest) for entities other subgraphs return by code. */
export const skuReference = {
  __resolveReference: async (reference: { code: string }, ctx: CatalogContext) =>
    (await ctx.skuLoader.load(reference.code)) ?? { code: reference.code, title: reference.code },
};
