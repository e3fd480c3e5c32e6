import DataLoader from 'dataloader';
import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { canSeeChannel, type Identity } from '../../../shared/auth';
import { forbidden } from '../../../shared/errors';
import type { OrderStore, StoredOrder } from '../store/order-store';
import { Order } from './types';

export interface OrdersContext {
  identity: Identity | null;
  requestId: string;
  orders: OrderStore;
  orderLoader: DataLoader<string, StoredOrder | null>;
}

export function createOrdersContext(orders: OrderStore, identity: Identity | null, requestId: string): OrdersContext {
  return { identity, requestId, orders, orderLoader: new DataLoader((ids) => orders.byIds(ids)) };
}

export function toGraph(order: StoredOrder): Order {
  return {
    ...order,
    channel: { code: order.channel },
    lines: order.lines.map((line) => ({ sku: { code: line.sku }, quantity: line.quantity })),
  };
}

@Resolver(() => Order)
export class OrderResolver {
  @Authorized('orders:read')
  @Query(() => Order, { nullable: true })
  async order(@Arg('channel', () => ID) channel: string, @Arg('externalId', () => ID) externalId: string, @Ctx() ctx: OrdersContext): Promise<Order | null> {
    if (!canSeeChannel(ctx.identity, channel)) return null;
    const order = await ctx.orders.byExternalId(channel, externalId);
    return order && toGraph(order);
  }
}

/**
 * An order reached through another entity obeys the same rule as a direct read: a key bound to
 * other channels gets an error, never the order.
 */
export const orderReference = {
  __resolveReference: async (reference: { id: string }, ctx: OrdersContext) => {
    const order = await ctx.orderLoader.load(reference.id);
    if (!order) return null;
    if (!canSeeChannel(ctx.identity, order.channel)) throw forbidden(`This API key may not read orders of channel "${order.channel}"`);
    return toGraph(order);
  },
};
