import type { EventBus } from '../../../shared/event-bus';
import { DomainError } from '../../../shared/errors';
import type { Logger } from '../../../shared/logger';
import { TOPICS } from '../../../shared/topics';
import type { OrdersServices } from '../graphql/context';

type ChannelOrder =
  | { action: 'create'; channel: string; externalId: string; lines: { listingExternalId: string; quantity: number }[]; shipTo: { country: string; postalCode: string | null }; placedAt: string | null }
  | { action: 'cancel'; channel: string; externalId: string };

/**
 * Orders a channel reported to sync (order webhooks), imported or canceled as through the graph.
 * Both are idempotent on (channel, externalId), so a redelivered event changes nothing. An order
 * refused as invalid (an unknown listing, other contents under the same id) is logged, not
 * retried: delivering it again would get the same answer and hold up the events behind it.
 */
export async function consumeChannelOrders(bus: EventBus, services: OrdersServices, logger: Logger): Promise<void> {
  await bus.consume('orders.channel-orders', [TOPICS.channelOrderReceived], async (event) => {
    const order = event.payload as ChannelOrder;
    try {
      if (order.action === 'create') {
        await services.intake.importOrder({
          channel: order.channel, externalId: order.externalId, lines: order.lines, shipTo: order.shipTo, placedAt: order.placedAt ? new Date(order.placedAt) : null,
        });
        return;
      }
      const existing = await services.orders.byExternalId(order.channel, order.externalId);
      if (!existing) {
        logger.warn('channel canceled an order stockgraph never imported', { channel: order.channel, externalId: order.externalId });
        return;
      }
      await services.fulfilment.cancel(existing.id);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      logger.error('channel order refused', { channel: order.channel, externalId: order.externalId, action: order.action, code: error.extensions.code, error: error.message });
    }
  });
}
