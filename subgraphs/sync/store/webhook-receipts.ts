import crypto from 'node:crypto';
import { execute, insertIgnore, type Database } from '../../../shared/database';
import type { ChannelOrder } from '../domain/channel-order';
import { publishAlert, publishChannelOrder } from '../events/published';

export type ReceiptOutcome = 'accepted' | 'duplicate';

/**
 * Webhooks received, by channel and webhook id: a channel that delivers the same webhook again
 * (it retries until it hears 200) changes nothing the second time. The receipt and the order
 * event commit together, so an order is never forwarded twice nor lost between the two.
 */
export class WebhookReceipts {
  constructor(private readonly db: Database) {}

  async record(channel: string, webhookId: string, topic: string, body: Buffer, outcome: { order: ChannelOrder } | { ignored: string } | { refused: string }): Promise<ReceiptOutcome> {
    const status = 'order' in outcome ? 'FORWARDED' : 'ignored' in outcome ? 'IGNORED' : 'REFUSED';
    const detail = 'order' in outcome ? null : ('ignored' in outcome ? outcome.ignored : outcome.refused).slice(0, 1000);
    return this.db.transaction(async (em) => {
      const inserted = await execute(em, insertIgnore(this.db.dialect, 'webhook_receipt', ['channel_code', 'webhook_id', 'topic', 'status', 'body_sha256', 'detail', 'received_at']), [
        channel, webhookId, topic, status, crypto.createHash('sha256').update(body).digest('hex'), detail, new Date().toISOString(),
      ]);
      if (inserted === 0) return 'duplicate';
      if ('order' in outcome) await publishChannelOrder(em, outcome.order);
      if ('refused' in outcome) {
        // Each refused order is its own alert: there is nothing that later resolves it but a person.
        await publishAlert(em, { kind: 'SYNC_FAILED', channel, sku: null, message: `A ${topic} webhook from ${channel} (${webhookId}) could not become an order: ${outcome.refused}`, resolved: false });
      }
      return 'accepted';
    });
  }

  /** Listings of the channel that the given references name, to find the unmapped ones before forwarding an order. */
  async knownListings(channel: string, externalIds: readonly string[]): Promise<Set<string>> {
    if (externalIds.length === 0) return new Set();
    const rows = await this.db.query(`SELECT external_id FROM listing_sync WHERE channel_code = ? AND external_id IN (${externalIds.map(() => '?').join(', ')})`, [channel, ...externalIds]);
    return new Set(rows.map((row) => row.external_id as string));
  }
}
