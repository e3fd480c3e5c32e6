import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { badInput } from '../../../shared/errors';
import { readLedger } from '../store/stock-store';
import { assertChannel } from '../../../shared/auth';
import { available } from '../domain/stock';
import type { InventoryContext } from './context';
import { Availability, Channel, InventoryEventInput, Location, MovementPage, RecordEventsResult, Sku, StockLevel } from './types';

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

  @Authorized('availability:read')
  @FieldResolver(() => MovementPage, { description: 'The ledger of this SKU, newest first, optionally at one location.' })
  async movements(
    @Root() sku: Sku,
    @Ctx() ctx: InventoryContext,
    @Arg('location', () => ID, { nullable: true }) location?: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first?: number | null,
    @Arg('after', () => ID, { nullable: true }) after?: string | null,
  ): Promise<MovementPage> {
    const size = first ?? 20;
    if (!Number.isInteger(size) || size < 1 || size > 500) throw badInput(`first must be from 1 to 500, got ${size}`, { field: 'first' });
    const cursor = after == null ? null : Number(after);
    if (cursor !== null && (!Number.isInteger(cursor) || cursor < 1)) throw badInput(`Invalid cursor "${after}"`, { field: 'after' });
    const entries = await readLedger(ctx.db, sku.code, location ?? null, size + 1, cursor);
    const page = entries.slice(0, size);
    return {
      movements: page.map((entry) => ({
        ...entry,
        id: String(entry.id),
        location: { code: entry.location } as Location,
        occurredAt: new Date(entry.occurredAt),
        recordedAt: new Date(entry.recordedAt),
        change: entry.deltas,
      })),
      nextCursor: entries.length > size ? String(page[page.length - 1].id) : null,
    };
  }
}

export const skuReference = {
  __resolveReference: (reference: { code: string }) => ({ code: reference.code }),
};
