import crypto from 'node:crypto';
import type { Database } from '../../../shared/database';
import { badInput, idempotencyConflict } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import type { Logger } from '../../../shared/logger';
import { enqueue, type OutboxRelay } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { explode, lineShapeProblems, resolveLines, type LineInput } from '../domain/order-lines';
import { catalogView, exists } from './catalog-copy';
import type { OrderStore, StoredOrder } from './order-store';

export interface ImportOrderInput {
  channel: string;
  externalId: string;
  lines: LineInput[];
  shipTo: { country: string; postalCode?: string | null };
  reservationId?: string | null;
  placedAt?: Date | null;
  shipBy?: Date | null;
  deliverBy?: Date | null;
  express?: boolean | null;
}

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** The order as the channel sent it, in one canonical form: a retry hashes the same, a changed order does not. */
function payloadHash(input: ImportOrderInput): string {
  const lines = input.lines
    .map((line) => ({ sku: line.sku ?? null, listing: line.listingExternalId ?? null, quantity: line.quantity }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return crypto.createHash('sha256').update(JSON.stringify({
    channel: input.channel, externalId: input.externalId, lines, country: input.shipTo.country, postalCode: input.shipTo.postalCode ?? null,
    reservationId: input.reservationId ?? null, placedAt: iso(input.placedAt), shipBy: iso(input.shipBy), deliverBy: iso(input.deliverBy), express: Boolean(input.express),
  })).digest('hex');
}

/**
 * Order intake. An order from a channel is a sale that already happened: it is checked for
 * sense (known channel, SKUs and listings, whole quantities), never for stock. The order, its
 * lines and the `orders.order-accepted` event commit in one transaction; routing and inventory
 * act on the event, so a crash after the commit loses nothing and commits nothing twice.
 */
export class OrderIntake {
  constructor(private readonly db: Database, private readonly relay: OutboxRelay, private readonly orders: OrderStore, private readonly logger: Logger) {}

  async importOrder(input: ImportOrderInput): Promise<StoredOrder> {
    const hash = payloadHash(input);
    const existing = await this.orders.byExternalId(input.channel, input.externalId);
    if (existing) return this.replay(existing, hash);
    const id = newId();
    const order = await this.validate(input);
    try {
      await this.db.transaction(async (em) => {
        const now = new Date().toISOString();
        const placedAt = iso(input.placedAt) ?? now;
        await em.query(
          `INSERT INTO channel_order (id, channel_code, external_id, status, ship_country, ship_postal_code, reservation_id, payload_hash, placed_at, updated_at,
            ship_by, deliver_by, express, routed_sequence, accepted_at) VALUES (?, ?, ?, 'ACCEPTED', ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
          [id, input.channel, input.externalId, input.shipTo.country, input.shipTo.postalCode ?? null, input.reservationId ?? null, hash, placedAt, now,
            iso(input.shipBy), iso(input.deliverBy), input.express ? 1 : 0, now],
        );
        for (const [index, line] of order.lines.entries()) {
          const components = order.components.get(line.sku);
          await em.query('INSERT INTO order_line (order_id, line_no, sku_code, quantity, shipped, returned, components) VALUES (?, ?, ?, ?, 0, 0, ?)', [
            id, index, line.sku, line.quantity, components?.length ? JSON.stringify(components) : null,
          ]);
        }
        await enqueue(em, TOPICS.orderAccepted, `order:${id}`, {
          orderId: id, channel: input.channel, externalId: input.externalId, placedAt, shipTo: { country: input.shipTo.country, postalCode: input.shipTo.postalCode ?? null },
          shipBy: iso(input.shipBy), deliverBy: iso(input.deliverBy), express: Boolean(input.express), reservationId: input.reservationId ?? null,
          units: explode(order.lines, (sku) => order.components.get(sku)),
        });
      });
    } catch (error) {
      // Two imports of one order raced: the unique (channel, externalId) let one in; answer with it.
      const raced = await this.orders.byExternalId(input.channel, input.externalId);
      if (raced) return this.replay(raced, hash);
      throw error;
    }
    await this.publish();
    return (await this.orders.byIds([id]))[0]!;
  }

  /** Publishes after commit. In the embedded topology this routes and commits the order before it returns; if the bus fails, the relay retries later and the order stays ACCEPTED meanwhile. */
  async publish(): Promise<void> {
    await this.relay.flush().catch((error) => this.logger.warn('orders outbox flush failed; the relay retries', { error: String(error) }));
  }

  private replay(existing: StoredOrder, hash: string): StoredOrder {
    if (existing.payloadHash !== hash) {
      throw idempotencyConflict(`Order ${existing.externalId} of channel ${existing.channel} was already imported with different contents`, { orderId: existing.id });
    }
    return existing;
  }

  private async validate(input: ImportOrderInput) {
    const problems: string[] = [];
    const details: Record<string, unknown> = {};
    if (!input.externalId || input.externalId.length > 200) problems.push('externalId must be 1 to 200 characters');
    if (!/^[A-Z]{2}$/.test(input.shipTo.country)) problems.push(`shipTo.country must be an ISO 3166-1 alpha-2 code such as "US", got "${input.shipTo.country}"`);
    if ((input.shipTo.postalCode ?? '').length > 20) problems.push('shipTo.postalCode must be at most 20 characters');
    if (input.reservationId != null && (input.reservationId.length === 0 || input.reservationId.length > 36)) problems.push('reservationId must be 1 to 36 characters');
    problems.push(...lineShapeProblems(input.lines));
    if (!(await exists(this.db, 'channel_copy', input.channel))) {
      problems.push(`Unknown channel "${input.channel}"`);
      details.channel = input.channel;
    }
    if (problems.length) throw badInput(`Invalid order: ${problems.join('; ')}`, { problems, ...details });
    const skus = input.lines.filter((line) => line.sku).map((line) => line.sku!);
    const listings = input.lines.filter((line) => line.listingExternalId).map((line) => line.listingExternalId!);
    const catalog = await catalogView(this.db, input.channel, skus, listings);
    const resolved = resolveLines(input.lines, catalog);
    if (resolved.unknownSkus.length) problems.push(`Unknown SKU ${resolved.unknownSkus.map((sku) => `"${sku}"`).join(', ')}`);
    if (resolved.unknownListings.length) problems.push(`Unknown listing ${resolved.unknownListings.map((ref) => `"${ref}"`).join(', ')} on channel ${input.channel}`);
    if (problems.length) throw badInput(`Invalid order: ${problems.join('; ')}`, { problems, skus: resolved.unknownSkus, listings: resolved.unknownListings });
    return { lines: resolved.lines, components: catalog.components };
  }
}
