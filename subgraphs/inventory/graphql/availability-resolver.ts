import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { assertChannel } from '../../../shared/auth';
import { badInput } from '../../../shared/errors';
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
}
