import crypto from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { insertIgnore, type Database } from '../../../shared/database';
import { badInput, idempotencyConflict, notFound } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import type { Logger } from '../../../shared/logger';
import { enqueue, type OutboxRelay } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { planCancel, planReturn, planShipment, statusAfterRouting, type Plan, type ReturnItem } from '../domain/fulfilment';
import { lineShapeProblems, resolveLines, type Line, type LineInput } from '../domain/order-lines';
import { catalogView, exists } from './catalog-copy';
import type { OrderStore, StoredOrder } from './order-store';

export interface ShipmentInput {
  orderId: string;
  location: string;
  lines: LineInput[];
  trackingNumber?: string | null;
  idempotencyKey?: string | null;
}

export interface ReturnInput {
  orderId: string;
  location: string;
  lines: ReturnItem[];
  idempotencyKey?: string | null;
}

/** What inventory reports once a routing decision is committed (`inventory.order-committed`). */
export interface RoutingOutcome {
  orderId: string;
  sequence: number;
  committed: { location: string; lines: Line[] }[];
  backordered: Line[];
}

const hashOf = (value: unknown) => crypto.createHash('sha256').update(JSON.stringify(value)).digest('hex');

function unwrap<T>(plan: Plan<T>): T {
  if (!plan.ok) throw badInput(plan.problems.join('; '), { problems: plan.problems });
  return plan.value;
}

/**
 * What happens to an order after intake: cancellation, shipments, returns, and routing's
 * outcome. Orders checks each against the order's lifecycle and records it with its event in
 * one transaction; inventory applies the stock effect from the event.
 */
export class Fulfilment {
  constructor(private readonly db: Database, private readonly relay: OutboxRelay, private readonly orders: OrderStore, private readonly logger: Logger) {}

  private async lock(em: EntityManager, orderId: string): Promise<StoredOrder> {
    const rows = await em.query(`SELECT id FROM channel_order WHERE id = ?${this.db.dialect === 'mysql' ? ' FOR UPDATE' : ''}`, [orderId]);
    if (!rows.length) throw notFound(`No order ${orderId}`, { orderId });
    return (await this.orders.byIds([orderId], em))[0]!;
  }

  private async finish(orderId: string): Promise<StoredOrder> {
    await this.relay.flush().catch((error) => this.logger.warn('orders outbox flush failed; the relay retries', { error: String(error) }));
    return (await this.orders.byIds([orderId]))[0]!;
  }

  async cancel(orderId: string): Promise<StoredOrder> {
    await this.db.transaction(async (em) => {
      const order = await this.lock(em, orderId);
      if (!unwrap(planCancel(order.status)).changes) return;
      await em.query("UPDATE channel_order SET status = 'CANCELED', updated_at = ? WHERE id = ?", [new Date().toISOString(), orderId]);
      await enqueue(em, TOPICS.orderCanceled, `order:${orderId}`, { orderId, channel: order.channel, externalId: order.externalId });
    });
    return this.finish(orderId);
  }

  async recordShipment(input: ShipmentInput): Promise<StoredOrder> {
    const problems = lineShapeProblems(input.lines);
    if (!input.location) problems.push('location is required');
    if ((input.trackingNumber ?? '').length > 200) problems.push('trackingNumber must be at most 200 characters');
    if ((input.idempotencyKey ?? '').length > 200) problems.push('idempotencyKey must be at most 200 characters');
    if (problems.length) throw badInput(`Invalid shipment: ${problems.join('; ')}`, { problems });
    const hash = hashOf({ location: input.location, lines: input.lines, trackingNumber: input.trackingNumber ?? null });
    await this.db.transaction(async (em) => {
      const order = await this.lock(em, input.orderId);
      if (await this.seen(em, 'shipment', input.orderId, input.idempotencyKey, hash)) return;
      const lines = await this.resolve(order, input.lines);
      const plan = unwrap(planShipment(order.status, order.lines, await this.orders.allocations(order.id, em), input.location, lines));
      const id = newId();
      const now = new Date().toISOString();
      await em.query('INSERT INTO shipment (id, order_id, location_code, tracking_number, idempotency_key, payload_hash, shipped_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        id, order.id, input.location, input.trackingNumber ?? null, input.idempotencyKey ?? null, hash, now,
      ]);
      for (const [index, line] of lines.entries()) {
        await em.query('INSERT INTO shipment_line (shipment_id, line_no, sku_code, quantity) VALUES (?, ?, ?, ?)', [id, index, line.sku, line.quantity]);
        await em.query('UPDATE order_line SET shipped = shipped + ? WHERE order_id = ? AND sku_code = ?', [line.quantity, order.id, line.sku]);
      }
      for (const unit of plan.units) {
        await em.query('UPDATE order_allocation SET shipped = shipped + ? WHERE order_id = ? AND location_code = ? AND sku_code = ?', [unit.quantity, order.id, input.location, unit.sku]);
      }
      await em.query('UPDATE channel_order SET status = ?, updated_at = ? WHERE id = ?', [plan.status, now, order.id]);
      await enqueue(em, TOPICS.shipmentRecorded, `order:${order.id}`, {
        orderId: order.id, channel: order.channel, shipmentId: id, location: input.location, units: plan.units, orderStatus: plan.status,
      });
    });
    return this.finish(input.orderId);
  }

  async recordReturn(input: ReturnInput): Promise<StoredOrder> {
    const problems = lineShapeProblems(input.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })));
    if ((input.idempotencyKey ?? '').length > 200) problems.push('idempotencyKey must be at most 200 characters');
    if (!(await exists(this.db, 'location_copy', input.location))) problems.push(`Unknown location "${input.location}"`);
    if (problems.length) throw badInput(`Invalid return: ${problems.join('; ')}`, { problems });
    const hash = hashOf({ location: input.location, lines: input.lines });
    await this.db.transaction(async (em) => {
      const order = await this.lock(em, input.orderId);
      if (await this.seen(em, 'order_return', input.orderId, input.idempotencyKey, hash)) return;
      const plan = unwrap(planReturn(order.lines, input.lines));
      const id = newId();
      const now = new Date().toISOString();
      await em.query('INSERT INTO order_return (id, order_id, location_code, idempotency_key, payload_hash, received_at) VALUES (?, ?, ?, ?, ?, ?)', [
        id, order.id, input.location, input.idempotencyKey ?? null, hash, now,
      ]);
      for (const [index, line] of input.lines.entries()) {
        await em.query('INSERT INTO return_line (return_id, line_no, sku_code, quantity, resellable) VALUES (?, ?, ?, ?, ?)', [id, index, line.sku, line.quantity, line.resellable ? 1 : 0]);
        await em.query('UPDATE order_line SET returned = returned + ? WHERE order_id = ? AND sku_code = ?', [line.quantity, order.id, line.sku]);
      }
      await em.query('UPDATE channel_order SET updated_at = ? WHERE id = ?', [now, order.id]);
      await enqueue(em, TOPICS.returnRecorded, `order:${order.id}`, { orderId: order.id, channel: order.channel, returnId: id, location: input.location, units: plan.units });
    });
    return this.finish(input.orderId);
  }

  /** Applies routing's committed outcome: where the order's units are held, and whether it is routed or still backordered. */
  async applyRouting(em: EntityManager, outcome: RoutingOutcome): Promise<void> {
    const rows = await em.query(`SELECT status, routed_sequence FROM channel_order WHERE id = ?${this.db.dialect === 'mysql' ? ' FOR UPDATE' : ''}`, [outcome.orderId]);
    if (!rows.length || outcome.sequence <= Number(rows[0].routed_sequence)) return;
    for (const group of outcome.committed) {
      for (const line of group.lines) {
        await em.query(insertIgnore(this.db.dialect, 'order_allocation', ['order_id', 'location_code', 'sku_code', 'committed', 'shipped']), [outcome.orderId, group.location, line.sku, 0, 0]);
        await em.query('UPDATE order_allocation SET committed = ? WHERE order_id = ? AND location_code = ? AND sku_code = ?', [line.quantity, outcome.orderId, group.location, line.sku]);
      }
    }
    const next = statusAfterRouting(rows[0].status, outcome.backordered.length > 0);
    await em.query('UPDATE channel_order SET status = ?, routed_sequence = ?, updated_at = ? WHERE id = ?', [next ?? rows[0].status, outcome.sequence, new Date().toISOString(), outcome.orderId]);
  }

  /** Whether this idempotency key already recorded the same request; a different request under it is a conflict. */
  private async seen(em: EntityManager, table: 'shipment' | 'order_return', orderId: string, key: string | null | undefined, hash: string): Promise<boolean> {
    if (!key) return false;
    const rows = await em.query(`SELECT payload_hash FROM ${table} WHERE order_id = ? AND idempotency_key = ?`, [orderId, key]);
    if (!rows.length) return false;
    if (rows[0].payload_hash !== hash) throw idempotencyConflict(`idempotencyKey ${key} was already used for a different ${table === 'shipment' ? 'shipment' : 'return'} of this order`, { orderId });
    return true;
  }

  /** Shipment lines by SKU or by the channel's listing, as SKU units; unknown references are named. */
  private async resolve(order: StoredOrder, lines: LineInput[]): Promise<Line[]> {
    const catalog = await catalogView(this.db, order.channel, lines.filter((l) => l.sku).map((l) => l.sku!), lines.filter((l) => l.listingExternalId).map((l) => l.listingExternalId!));
    // A SKU on the order is known even if the catalog copy has since lost it.
    for (const line of order.lines) if (!catalog.components.has(line.sku)) (catalog.components as Map<string, Line[]>).set(line.sku, line.components ?? []);
    const resolved = resolveLines(lines, catalog);
    const unknown = [...resolved.unknownSkus.map((sku) => `Unknown SKU "${sku}"`), ...resolved.unknownListings.map((ref) => `Unknown listing "${ref}" on channel ${order.channel}`)];
    if (unknown.length) throw badInput(unknown.join('; '), { skus: resolved.unknownSkus, listings: resolved.unknownListings });
    return resolved.lines;
  }
}
