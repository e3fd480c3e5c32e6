import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { canSeeChannel, hasScope } from '../../../shared/auth';
import { forbidden } from '../../../shared/errors';
import type { StoredOrder } from '../store/order-store';
import type { OrdersContext } from './context';
import { Order, OrderReturn, Shipment } from './types';

export function toGraph(order: StoredOrder): Order {
  return {
    id: order.id, channel: { code: order.channel }, externalId: order.externalId, status: order.status, shipTo: order.shipTo, placedAt: order.placedAt,
    shipBy: order.shipBy, deliverBy: order.deliverBy, express: order.express, reservationId: order.reservationId,
    lines: order.lines.map((line) => ({ sku: { code: line.sku }, quantity: line.quantity })),
    progress: order.lines.map((line) => ({ sku: { code: line.sku }, quantity: line.quantity, shipped: line.shipped, returned: line.returned })),
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

  @Authorized('orders:read')
  @Query(() => Order, { nullable: true, description: 'An order by the id importOrder gave it.' })
  async orderById(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdersContext): Promise<Order | null> {
    const order = await ctx.orderLoader.load(id);
    return order && canSeeChannel(ctx.identity, order.channel) ? toGraph(order) : null;
  }

  @Authorized('orders:read')
  @FieldResolver(() => [Shipment], { description: 'Oldest first.' })
  async shipments(@Root() order: Order, @Ctx() ctx: OrdersContext): Promise<Shipment[]> {
    return (await ctx.shipmentLoader.load(order.id)).map((shipment) => ({
      ...shipment, location: { code: shipment.location }, lines: shipment.lines.map((line) => ({ sku: { code: line.sku }, quantity: line.quantity })),
    }));
  }

  @Authorized('orders:read')
  @FieldResolver(() => [OrderReturn], { description: 'Oldest first.' })
  async returns(@Root() order: Order, @Ctx() ctx: OrdersContext): Promise<OrderReturn[]> {
    return (await ctx.returnLoader.load(order.id)).map((received) => ({
      ...received, location: { code: received.location }, lines: received.lines.map((line) => ({ ...line, sku: { code: line.sku } })),
    }));
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
    // Reached from another subgraph (a routing decision's order), no @Authorized guards it: check the scope here.
    if (!hasScope(ctx.identity, 'orders:read')) throw forbidden('This API key lacks the scope orders:read', { scopes: ['orders:read'] });
    if (!canSeeChannel(ctx.identity, order.channel)) throw forbidden(`This API key may not read orders of channel "${order.channel}"`);
    return toGraph(order);
  },
};
