import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { assertChannel, canSeeChannel } from '../../../shared/auth';
import { notFound } from '../../../shared/errors';
import type { OrdersContext } from './context';
import { toGraph } from './order-resolver';
import { ImportOrderInput, Order, RecordReturnInput, RecordShipmentInput } from './types';

/** An order the key may not see does not exist for it: no hint that it does. */
async function visibleOrder(ctx: OrdersContext, orderId: string): Promise<void> {
  const order = await ctx.orderLoader.load(orderId);
  if (!order || !canSeeChannel(ctx.identity, order.channel)) throw notFound(`No order ${orderId}`, { orderId });
}

@Resolver(() => Order)
export class OrderMutationResolver {
  @Authorized('orders:write')
  @Mutation(() => Order, { description: 'Idempotent on (channel, externalId): a repeat returns the same order, a changed one is an IDEMPOTENCY_CONFLICT. Never refused for lack of stock.' })
  async importOrder(@Arg('input', () => ImportOrderInput) input: ImportOrderInput, @Ctx() ctx: OrdersContext): Promise<Order> {
    assertChannel(ctx.identity, input.channel);
    return toGraph(await ctx.intake.importOrder(input));
  }

  @Authorized('orders:write')
  @Mutation(() => Order, { description: 'Releases whatever the order still holds. Canceling a canceled order changes nothing.' })
  async cancelOrder(@Arg('channel', () => ID) channel: string, @Arg('externalId', () => ID) externalId: string, @Ctx() ctx: OrdersContext): Promise<Order> {
    assertChannel(ctx.identity, channel);
    const order = await ctx.orders.byExternalId(channel, externalId);
    if (!order) throw notFound(`No order ${externalId} on channel ${channel}`, { channel, externalId });
    return toGraph(await ctx.fulfilment.cancel(order.id));
  }

  @Authorized('orders:write')
  @Mutation(() => Order, { description: 'Units leave a location: its onHand and committed go down. Only units committed there for this order can ship.' })
  async recordShipment(@Arg('input', () => RecordShipmentInput) input: RecordShipmentInput, @Ctx() ctx: OrdersContext): Promise<Order> {
    await visibleOrder(ctx, input.orderId);
    return toGraph(await ctx.fulfilment.recordShipment(input));
  }

  @Authorized('orders:write')
  @Mutation(() => Order, { description: 'Units come back to a location: resellable ones add to available, the others to damaged.' })
  async recordReturn(@Arg('input', () => RecordReturnInput) input: RecordReturnInput, @Ctx() ctx: OrdersContext): Promise<Order> {
    await visibleOrder(ctx, input.orderId);
    return toGraph(await ctx.fulfilment.recordReturn(input));
  }
}
