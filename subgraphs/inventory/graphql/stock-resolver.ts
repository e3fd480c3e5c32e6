import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { assertChannel } from '../../../shared/auth';
import { available } from '../domain/stock';
import type { InventoryContext } from './context';
import { Availability, Channel, InventoryEventInput, Location, RecordEventsResult, Sku, StockLevel } from './types';

@Resolver(() => Sku)
export class SkuStockResolver {
  @Authorized('inventory:write')
  @Mutation(() => RecordEventsResult)
  recordInventoryEvents(@Arg('events', () => [InventoryEventInput]) events: InventoryEventInput[], @Ctx() ctx: InventoryContext): Promise<RecordEventsResult> {
    return ctx.events.record(events);
  }

  @Authorized('availability:read')
  @FieldResolver(() => [StockLevel])
  async stock(@Root() sku: Sku, @Ctx() ctx: InventoryContext): Promise<StockLevel[]> {
    const levels = (await ctx.reader.stockLevels([sku.code])).get(sku.code) ?? [];
    return levels.map(({ location, figures }) => ({
      ...figures,
      available: available(figures),
      sku: { code: sku.code },
      location: { code: location } as Location,
    }));
  }

  @Authorized('availability:read')
  @FieldResolver(() => Availability)
  async availability(@Root() sku: Sku, @Arg('channel', () => ID) channel: string, @Ctx() ctx: InventoryContext): Promise<Availability> {
    assertChannel(ctx.identity, channel);
    const value = await ctx.availabilityLoader.load({ channel, sku: sku.code });
    return { sku: { code: sku.code }, channel: { code: channel } as Channel, available: value };
  }
}

export const skuReference = {
  __resolveReference: (reference: { code: string }) => ({ code: reference.code }),
};
