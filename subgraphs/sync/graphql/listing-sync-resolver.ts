import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { assertChannel, canSeeChannel } from '../../../shared/auth';
import { badInput } from '../../../shared/errors';
import { listingQuantity } from '../domain/listing-quantity';
import type { SyncState } from '../domain/push-plan';
import type { ListingSyncRow } from '../store/sync-reader';
import type { SyncContext } from './context';
import { Channel, ListingSync, ParkedPush, Sku, SyncStatus } from './types';

const date = (value: string | null) => (value ? new Date(value) : null);

export function toListingSync(row: ListingSyncRow, holdBack: number): ListingSync {
  return {
    channel: { code: row.channel } as Channel,
    externalId: row.externalId,
    sku: { code: row.sku } as Sku,
    unitsPerListing: row.unitsPerListing,
    status: row.status,
    quantity: listingQuantity(row.available, row.unitsPerListing, holdBack),
    lastPushedQuantity: row.pushedQuantity,
    lastPushedAt: date(row.pushedAt),
    acknowledged: row.status === 'ACKNOWLEDGED',
    pendingSince: date(row.pendingSince),
    attempts: row.attempts,
    lastError: row.lastError,
    lastAttemptAt: date(row.lastAttemptAt),
    channelQuantity: row.channelQuantity,
    drift: row.drift ? { channelQuantity: row.drift.quantity, since: new Date(row.drift.since), lastSeenAt: new Date(row.drift.seenAt) } : null,
  };
}

@Resolver(() => ListingSync)
export class ListingSyncResolver {
  @Authorized('availability:read')
  @Query(() => ListingSync, { nullable: true, description: "A listing's sync state on its channel; null for a listing stockgraph does not know." })
  async listingSync(@Arg('channel', () => ID) channel: string, @Arg('externalId', () => ID) externalId: string, @Ctx() ctx: SyncContext): Promise<ListingSync | null> {
    if (!canSeeChannel(ctx.identity, channel)) return null;
    const row = await ctx.listingLoader.load({ channel, externalId });
    return row && toListingSync(row, await ctx.holdBackLoader.load(channel));
  }

  @Authorized('availability:read')
  @Query(() => [ListingSync], { description: "A channel's listings in externalId order, optionally only those in one status; page with `after` (the last externalId seen)." })
  async syncStates(
    @Arg('channel', () => ID) channel: string,
    @Ctx() ctx: SyncContext,
    @Arg('status', () => SyncStatus, { nullable: true }) status?: SyncState | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first?: number | null,
    @Arg('after', () => ID, { nullable: true }) after?: string | null,
  ): Promise<ListingSync[]> {
    assertChannel(ctx.identity, channel);
    const limit = first ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badInput(`first must be from 1 to 1000, got ${limit}`, { field: 'first' });
    const [rows, holdBack] = await Promise.all([ctx.reader.byChannel(channel, status ?? null, limit, after ?? null), ctx.holdBackLoader.load(channel)]);
    return rows.map((row) => toListingSync(row, holdBack));
  }

  @Authorized('alerts:read')
  @Query(() => [ParkedPush], { description: 'Pushes to the channel that kept failing and wait, with their errors (the oldest thousand).' })
  async parkedPushes(@Arg('channel', () => ID) channel: string, @Ctx() ctx: SyncContext): Promise<ParkedPush[]> {
    assertChannel(ctx.identity, channel);
    const parked = await ctx.reader.parked(channel);
    return parked.map((push) => ({ ...push, channel: { code: channel } as Channel, parkedAt: new Date(push.parkedAt) }));
  }

  @Authorized('inventory:write')
  @Mutation(() => Int, { description: 'Pushes the parked listings of a channel again now, with their current values; returns how many.' })
  async retryParkedPushes(@Arg('channel', () => ID) channel: string, @Ctx() ctx: SyncContext): Promise<number> {
    assertChannel(ctx.identity, channel);
    const count = await ctx.queue.unpark(channel, Date.now(), 0);
    ctx.engine.wake([channel]);
    return count;
  }
}
