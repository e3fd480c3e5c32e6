import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { assertChannel } from '../../../shared/auth';
import { badInput } from '../../../shared/errors';
import { loadListings } from '../store/catalog-copy';
import type { InventoryContext } from './context';
import { Availability, Channel } from './types';

const MAX_SKUS = 500;

@Resolver(() => Availability)
export class AvailabilityResolver {
  @Authorized('availability:read')
  @Query(() => [Availability], { description: 'One entry per requested SKU, in order.' })
  async availability(
    @Arg('channel', () => ID) channel: string,
    @Arg('skus', () => [ID]) skus: string[],
    @Ctx() ctx: InventoryContext,
  ): Promise<Availability[]> {
    assertChannel(ctx.identity, channel);
    if (skus.length > MAX_SKUS) throw badInput(`at most ${MAX_SKUS} SKUs per query, got ${skus.length}`, { field: 'skus' });
    await ctx.reader.assertKnown(channel, [...new Set(skus)]);
    const values = await ctx.availabilityLoader.loadMany(skus.map((sku) => ({ channel, sku })));
    return skus.map((sku, index) => {
      const value = values[index];
      if (value instanceof Error) throw value;
      return { sku: { code: sku }, channel: { code: channel } as Channel, available: value };
    });
  }

  @Authorized('availability:read')
  @Query(() => [Availability], { description: "One entry per channel product reference, in order: the mapped SKU's availability in whole listings (a 3-pack shows floor(available / 3))." })
  async availabilityForListings(
    @Arg('channel', () => ID) channel: string,
    @Arg('externalIds', () => [ID]) externalIds: string[],
    @Ctx() ctx: InventoryContext,
  ): Promise<Availability[]> {
    assertChannel(ctx.identity, channel);
    if (externalIds.length > MAX_SKUS) throw badInput(`at most ${MAX_SKUS} listings per query, got ${externalIds.length}`, { field: 'externalIds' });
    await ctx.reader.assertKnown(channel, []);
    const listings = await loadListings(ctx.db, channel, [...new Set(externalIds)]);
    const unknown = externalIds.filter((id) => !listings.has(id));
    if (unknown.length) throw badInput(`Unknown listing ${unknown.map((id) => `"${id}"`).join(', ')} on channel ${channel}`, { channel, externalIds: unknown });
    return Promise.all(externalIds.map(async (id) => {
      const listing = listings.get(id)!;
      const units = await ctx.availabilityLoader.load({ channel, sku: listing.sku });
      return { sku: { code: listing.sku }, channel: { code: channel } as Channel, available: Math.floor(units / listing.unitsPerListing) };
    }));
  }
}
