import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { InventoryContext } from './context';
import { Availability, Incoming } from './types';

/** Back-order promises: when more stock arrives for a channel, and how much it can sell by a date. */
@Resolver(() => Availability)
export class LeadTimeResolver {
  @FieldResolver(() => Incoming, { nullable: true, description: 'The earliest expected receipt that would add to `available`.' })
  async nextIncoming(@Root() availability: Availability, @Ctx() ctx: InventoryContext): Promise<Incoming | null> {
    const lead = await ctx.leadTimeLoader.load({ channel: availability.channel.code, sku: availability.sku.code });
    return lead.nextIncoming;
  }

  @FieldResolver(() => Int, { description: 'What the channel could sell by `date`, counting the incoming units due by then.' })
  async availableBy(@Root() availability: Availability, @Arg('date', () => Date) date: Date, @Ctx() ctx: InventoryContext): Promise<number> {
    const lead = await ctx.leadTimeLoader.load({ channel: availability.channel.code, sku: availability.sku.code, by: date });
    return lead.availableBy ?? 0;
  }
}
