import { Arg, Authorized, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { canSeeChannel } from '../../../shared/auth';
import { assertChannel } from '../../../shared/auth';
import type { AvailabilityChange as Change } from '../store/availability-feed';
import type { InventoryContext } from './context';
import { AvailabilityChange, Channel } from './types';

const toGraph = (change: Change): AvailabilityChange => ({
  sku: { code: change.sku }, channel: { code: change.channel } as Channel, available: change.available, cursor: change.cursor, at: new Date(change.at),
});

@Resolver()
export class AvailabilitySubscriptionResolver {
  @Authorized('availability:read')
  @Query(() => AvailabilityChange, { nullable: true, description: 'One change from the availability change log, by its cursor.' })
  async availabilityChange(
    @Arg('cursor', () => ID) cursor: string,
    @Ctx() ctx: InventoryContext,
    @Arg('sku', () => ID, { nullable: true, description: 'With channel: what the change is about; a snapshot entry (whose cursor is the position it is current as of) resolves to the current value.' }) sku?: string | null,
    @Arg('channel', () => ID, { nullable: true }) channel?: string | null,
  ): Promise<AvailabilityChange | null> {
    const change = await ctx.changes.byCursor(cursor);
    if (change && (!sku || (change.sku === sku && change.channel === channel))) return canSeeChannel(ctx.identity, change.channel) ? toGraph(change) : null;
    if (!sku || !channel || !canSeeChannel(ctx.identity, channel)) return null;
    const [available] = await ctx.availabilityLoader.loadMany([{ channel, sku }]);
    if (available instanceof Error) throw available;
    return toGraph({ cursor, channel, sku, available, at: new Date().toISOString() });
  }

  @Authorized('availability:read')
  @Subscription(() => AvailabilityChange, {
    description: 'Every change of availability on the channel, for every cause. `after` replays what a reconnecting client missed.',
    subscribe: ({ args, context }) => {
      const ctx = context as InventoryContext;
      assertChannel(ctx.identity, args.channel);
      return ctx.changes.subscribe({ channel: args.channel, skus: args.skus, after: args.after, snapshot: args.snapshot });
    },
  })
  availabilityChanged(
    @Root() change: Change,
    @Arg('channel', () => ID) _channel: string,
    @Arg('skus', () => [ID], { nullable: true }) _skus?: string[] | null,
    @Arg('after', () => ID, { nullable: true }) _after?: string | null,
    @Arg('snapshot', () => Boolean, { nullable: true, defaultValue: false, description: 'Start with the current value of every SKU asked for, then live changes.' }) _snapshot?: boolean | null,
  ): AvailabilityChange {
    return toGraph(change);
  }
}
