import express, { type Request, type Response } from 'express';
import type { Logger } from '../../shared/logger';
import type { OutboxRelay } from '../../shared/outbox';
import { resolveSecret } from './domain/connector-settings';
import { SHOPIFY_ORDER_TOPICS, shopifyChannelOrder } from './domain/channel-order';
import { verifyShopifySignature } from './domain/webhook-signature';
import type { ConnectorStore } from './store/connector-store';
import type { WebhookReceipts } from './store/webhook-receipts';

const BODY_LIMIT = '2mb';

/**
 * Order webhooks from channels, at POST /webhooks/shopify/:channel. The body is read raw,
 * because the signature covers the exact bytes; a missing or wrong X-Shopify-Hmac-Sha256 gets
 * 401 and changes nothing. An accepted webhook is recorded by its X-Shopify-Webhook-Id together
 * with the order event in one transaction, so a redelivery is answered 200 and ignored.
 */
export function webhookRouter(deps: { connectors: ConnectorStore; receipts: WebhookReceipts; relay: Pick<OutboxRelay, 'flush'>; logger: Logger }): express.Router {
  const router = express.Router();
  router.post('/webhooks/shopify/:channel', express.raw({ type: () => true, limit: BODY_LIMIT }), async (req: Request, res: Response) => {
    const channel = String(req.params.channel);
    try {
      const settings = await deps.connectors.get(channel);
      const secret = settings?.kind === 'SHOPIFY' ? resolveSecret(settings.credentials.webhookSecret) : undefined;
      if (!secret) {
        res.status(404).json({ error: `no Shopify connector with a webhook secret for channel ${channel}` });
        return;
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!verifyShopifySignature(body, req.get('x-shopify-hmac-sha256'), secret)) {
        deps.logger.warn('webhook refused: bad signature', { channel });
        res.status(401).json({ error: 'invalid X-Shopify-Hmac-Sha256' });
        return;
      }
      const webhookId = req.get('x-shopify-webhook-id');
      const topic = req.get('x-shopify-topic') ?? '';
      if (!webhookId || webhookId.length > 200) {
        res.status(400).json({ error: 'X-Shopify-Webhook-Id is required' });
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        res.status(400).json({ error: 'the body is not JSON' });
        return;
      }
      const outcome = await outcomeOf(deps.receipts, channel, topic, payload, settings!.shopify!.defaultCountry);
      const recorded = await deps.receipts.record(channel, webhookId, topic, body, outcome);
      if (recorded === 'accepted') await deps.relay.flush();
      res.status(200).json({ status: recorded, ...('refused' in outcome ? { refused: outcome.refused } : {}) });
    } catch (error) {
      // 500: the channel retries the delivery later; nothing was recorded.
      deps.logger.error('webhook failed', { channel, error: String(error) });
      res.status(500).json({ error: 'internal error' });
    }
  });
  return router;
}

/** What to do with a verified webhook: forward an order whose every line maps to a listing stockgraph knows. */
async function outcomeOf(receipts: WebhookReceipts, channel: string, topic: string, payload: unknown, defaultCountry: string) {
  if (!(SHOPIFY_ORDER_TOPICS as readonly string[]).includes(topic)) return { ignored: `topic ${topic || '(none)'} is not an order topic` };
  const order = shopifyChannelOrder(channel, topic, (payload ?? {}) as never, defaultCountry);
  if ('refused' in order) return order;
  if (order.action === 'create') {
    const known = await receipts.knownListings(channel, order.lines.map((line) => line.listingExternalId));
    const unmapped = order.lines.filter((line) => !known.has(line.listingExternalId)).map((line) => line.listingExternalId);
    if (unmapped.length) return { refused: `order ${order.externalId} names variant ${unmapped.join(', ')}, which no listing of ${channel} maps to a SKU` };
  }
  return { order };
}
