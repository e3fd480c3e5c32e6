import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { assertChannel } from '../../../shared/auth';
import type { InventoryContext } from './context';
import { Channel, ChannelAllocationInput, ChannelKind, Location, UpsertChannelInput, UpsertLocationInput } from './types';

@Resolver(() => Channel)
export class ChannelResolver {
  @Authorized('inventory:write')
  @Mutation(() => Location)
  async upsertLocation(@Arg('input', () => UpsertLocationInput) input: UpsertLocationInput, @Ctx() ctx: InventoryContext): Promise<Location> {
    return ctx.setup.upsertLocation(input);
  }

  @Authorized('inventory:write')
  @Mutation(() => Channel)
  async upsertChannel(@Arg('input', () => UpsertChannelInput) input: UpsertChannelInput, @Ctx() ctx: InventoryContext): Promise<Channel> {
    assertChannel(ctx.identity, input.code);
    await ctx.setup.upsertChannel(input);
    return { code: input.code } as Channel;
  }

  @FieldResolver(() => String)
  async name(@Root() channel: Channel, @Ctx() ctx: InventoryContext): Promise<string> {
    return (await ctx.channelLoader.load(channel.code))?.name ?? channel.code;
  }

  @FieldResolver(() => ChannelKind)
  async kind(@Root() channel: Channel, @Ctx() ctx: InventoryContext): Promise<string> {
    return (await ctx.channelLoader.load(channel.code))?.kind ?? 'WEBSTORE';
  }

  @FieldResolver(() => [Location])
  async locations(@Root() channel: Channel, @Ctx() ctx: InventoryContext): Promise<Location[]> {
    const rule = await ctx.channelLoader.load(channel.code);
    const locations = await ctx.locationLoader.loadMany(rule?.locations ?? []);
    return locations.filter((location): location is Location => Boolean(location) && !(location instanceof Error));
  }

  @FieldResolver(() => Int)
  async bufferUnits(@Root() channel: Channel, @Ctx() ctx: InventoryContext): Promise<number> {
    return (await ctx.channelLoader.load(channel.code))?.bufferUnits ?? 0;
  }

  @FieldResolver(() => Int, { nullable: true })
  async maxUnits(@Root() channel: Channel, @Ctx() ctx: InventoryContext): Promise<number | null> {
    return (await ctx.channelLoader.load(channel.code))?.maxUnits ?? null;
  }

  @FieldResolver(() => Int, { nullable: true })
  async sharePercent(@Root() channel: Channel, @Ctx() ctx: InventoryContext): Promise<number | null> {
    return (await ctx.channelLoader.load(channel.code))?.sharePercent ?? null;
  }

  @Authorized('inventory:write')
  @Mutation(() => Channel, { description: 'Sets aside units of a SKU that only this channel can see and sell.' })
  async setChannelAllocation(@Arg('input', () => ChannelAllocationInput) input: ChannelAllocationInput, @Ctx() ctx: InventoryContext): Promise<Channel> {
    assertChannel(ctx.identity, input.channel);
    await ctx.setup.setAllocation(input.channel, input.sku, input.units);
    return { code: input.channel } as Channel;
  }

  @FieldResolver(() => Boolean)
  async paused(@Root() channel: Channel, @Ctx() ctx: InventoryContext): Promise<boolean> {
    return (await ctx.channelLoader.load(channel.code))?.paused ?? false;
  }
}

export const channelReference = {
  __resolveReference: (reference: { code: string }) => ({ code: reference.code }),
};

export const locationReference = {
  __resolveReference: (reference: { code: string }) => ({ code: reference.code }),
};
