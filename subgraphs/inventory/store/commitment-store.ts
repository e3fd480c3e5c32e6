import type { EntityManager } from 'typeorm';
import { insertIgnore, type Dialect } from '../../../shared/database';
import { enqueue } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import type { ComponentLine } from '../domain/availability';
import { EMPTY_STOCK, sellableRaw } from '../domain/stock';
import { recordAlert, resolveAlerts } from './alert-store';
import { publishAvailability } from './availability-feed';
import { changeHeld } from './ring-fence';
import { stockFigures } from './stock-feed';
import { loadStock, moveStock, rawFigures } from './stock-store';

export type Line = ComponentLine;

/** Units placed at a location: what routing decides and inventory commits. */
export interface LocationLines {
  location: string;
  lines: Line[];
}

/** A routing decision to commit (`routing.decided`). */
export interface RoutingDecision {
  orderId: string;
  channel: string;
  externalId: string;
  sequence: number;
  assignments: LocationLines[];
  backordered: Line[];
}

export interface OrderRow {
  state: 'OPEN' | 'CLOSED';
  appliedSequence: number;
}


/**
 * Takes the order's own row, creating it: every change to one order's stock (confirmation,
 * commitment, shipment, cancellation) runs one after another, and always locks this row before
 * any stock row, so two of them never wait on each other in a cycle.
 */
export async function lockOrderStock(em: EntityManager, dialect: Dialect, orderId: string, channel: string): Promise<OrderRow> {
  await em.query(insertIgnore(dialect, 'order_stock', ['order_id', 'channel_code', 'state', 'applied_sequence', 'updated_at']), [orderId, channel, 'OPEN', 0, new Date().toISOString()]);
  const [row] = await em.query(`SELECT state, applied_sequence FROM order_stock WHERE order_id = ?${dialect === 'mysql' ? ' FOR UPDATE' : ''}`, [orderId]);
  return { state: row.state, appliedSequence: Number(row.applied_sequence) };
}

/** Adds units to the order's commitment at a location. */
export async function addCommitment(em: EntityManager, dialect: Dialect, orderId: string, channel: string, sku: string, location: string, quantity: number): Promise<void> {
  await em.query(insertIgnore(dialect, 'order_commitment', ['order_id', 'sku_code', 'location_code', 'channel_code', 'committed', 'open']), [orderId, sku, location, channel, 0, 0]);
  await em.query('UPDATE order_commitment SET committed = committed + ?, open = open + ? WHERE order_id = ? AND sku_code = ? AND location_code = ?', [quantity, quantity, orderId, sku, location]);
  await changeHeld(em, dialect, [{ channel, sku, units: quantity }]);
}

/** Every unit ever committed for the order, by location: what its routing decision shows. */
export async function committedOf(em: EntityManager, orderId: string): Promise<LocationLines[]> {
  const rows = await em.query('SELECT location_code, sku_code, committed FROM order_commitment WHERE order_id = ? AND committed > 0 ORDER BY location_code, sku_code', [orderId]);
  const byLocation = new Map<string, Line[]>();
  for (const row of rows) {
    if (!byLocation.has(row.location_code)) byLocation.set(row.location_code, []);
    byLocation.get(row.location_code)!.push({ sku: row.sku_code, quantity: Number(row.committed) });
  }
  return [...byLocation].map(([location, lines]) => ({ location, lines }));
}

function parts(assignments: LocationLines[]): { sku: string; location: string; quantity: number }[] {
  const totals = new Map<string, number>();
  for (const assignment of assignments) {
    for (const line of assignment.lines) totals.set(`${line.sku}|${assignment.location}`, (totals.get(`${line.sku}|${assignment.location}`) ?? 0) + line.quantity);
  }
  return [...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, quantity]) => {
    const [sku, location] = key.split('|');
    return { sku, location, quantity };
  });
}

/**
 * Order commitments: inventory, the single writer of stock, turns routing decisions into
 * committed units, all of a decision or none, and releases them when an order is canceled.
 */
export class CommitmentStore {
  constructor(private readonly dialect: Dialect) {}

  /**
   * Commits a decision atomically: the SKUs' stock rows are locked in key order and every
   * assignment must still be sellable; if any is not (stock moved since routing decided),
   * nothing is committed and routing hears `inventory.commit-refused` with fresh figures.
   * Units no location had are backordered and raised as OVERSOLD, once per order and SKU.
   */
  async applyDecision(em: EntityManager, decision: RoutingDecision): Promise<void> {
    const order = await lockOrderStock(em, this.dialect, decision.orderId, decision.channel);
    if (order.state === 'CLOSED' || decision.sequence <= order.appliedSequence) return;
    const wanted = parts(decision.assignments);
    const skus = [...new Set(wanted.map((part) => part.sku))];
    const read = await loadStock(em, this.dialect, skus, { lock: true });
    const shortages = wanted
      .map((part) => ({ ...part, sellable: sellableRaw(read.stock.get(part.sku)?.get(part.location) ?? EMPTY_STOCK) }))
      .filter((part) => part.sellable < part.quantity);
    if (shortages.length) {
      await enqueue(em, TOPICS.commitRefused, `order:${decision.orderId}`, {
        orderId: decision.orderId, channel: decision.channel, sequence: decision.sequence,
        shortages: shortages.map((s) => ({ sku: s.sku, location: s.location, wanted: s.quantity, sellable: Math.max(0, s.sellable) })),
        stock: await stockFigures(em, skus),
      });
      return;
    }
    const now = new Date();
    for (const part of wanted) {
      const committed = await moveStock(
        em,
        { sku: part.sku, location: part.location, type: 'COMMIT', source: 'order', idempotencyKey: `${decision.orderId}:${decision.sequence}`, occurredAt: now, reason: `order ${decision.externalId} on ${decision.channel}` },
        rawFigures(read, part.sku, part.location),
        { committed: part.quantity },
        { requireSellable: part.quantity, expiredHeld: read.expired.get(`${part.sku}|${part.location}`) ?? 0 },
      );
      // The rows are locked and were checked above: a miss means something is wrong, so undo it all and let the event come again.
      if (!committed) throw new Error(`stock of ${part.sku} at ${part.location} moved under a locked commitment`);
      await addCommitment(em, this.dialect, decision.orderId, decision.channel, part.sku, part.location, part.quantity);
    }
    await em.query('UPDATE order_stock SET applied_sequence = ?, updated_at = ? WHERE order_id = ?', [decision.sequence, now.toISOString(), decision.orderId]);
    await this.alertOversold(em, decision);
    if (skus.length) await publishAvailability(em, this.dialect, skus);
    await enqueue(em, TOPICS.orderCommitted, `order:${decision.orderId}`, {
      orderId: decision.orderId, channel: decision.channel, sequence: decision.sequence,
      committed: await committedOf(em, decision.orderId), backordered: decision.backordered,
    });
  }

  /** Releases every unit the order still holds; the order takes nothing more. */
  async release(em: EntityManager, orderId: string, channel: string): Promise<void> {
    const order = await lockOrderStock(em, this.dialect, orderId, channel);
    if (order.state === 'CLOSED') return;
    const held = await em.query('SELECT sku_code, location_code, channel_code, open FROM order_commitment WHERE order_id = ? AND open > 0 ORDER BY sku_code, location_code', [orderId]);
    const skus = [...new Set(held.map((row: { sku_code: string }) => row.sku_code))] as string[];
    const read = await loadStock(em, this.dialect, skus, { lock: true });
    const now = new Date();
    for (const row of held) {
      await moveStock(em, { sku: row.sku_code, location: row.location_code, type: 'CANCEL', source: 'order', idempotencyKey: orderId, occurredAt: now, reason: 'order canceled' },
        rawFigures(read, row.sku_code, row.location_code), { committed: -Number(row.open) });
    }
    await em.query('UPDATE order_commitment SET open = 0 WHERE order_id = ?', [orderId]);
    await changeHeld(em, this.dialect, held.map((row: { sku_code: string; channel_code: string; open: number }) => ({ channel: row.channel_code, sku: row.sku_code, units: -Number(row.open) })));
    await em.query("UPDATE order_stock SET state = 'CLOSED', updated_at = ? WHERE order_id = ?", [now.toISOString(), orderId]);
    const alerts = await em.query('SELECT alert_id FROM order_alert WHERE order_id = ?', [orderId]);
    await resolveAlerts(em, alerts.map((row: { alert_id: number }) => Number(row.alert_id)));
    await em.query('DELETE FROM order_alert WHERE order_id = ?', [orderId]);
    if (skus.length) await publishAvailability(em, this.dialect, skus);
  }

  /** OVERSOLD once per order and SKU while units wait; resolved once none of that SKU waits any more. */
  private async alertOversold(em: EntityManager, decision: RoutingDecision): Promise<void> {
    const raised = new Map<string, number>((await em.query('SELECT sku_code, alert_id FROM order_alert WHERE order_id = ?', [decision.orderId]))
      .map((row: { sku_code: string; alert_id: number }) => [row.sku_code, Number(row.alert_id)]));
    const waiting = new Set(decision.backordered.map((line) => line.sku));
    for (const line of decision.backordered) {
      if (raised.has(line.sku)) continue;
      const id = await recordAlert(em, {
        kind: 'OVERSOLD', sku: line.sku, channel: decision.channel, location: null,
        message: `Order ${decision.externalId} on ${decision.channel} is oversold: ${line.quantity} × ${line.sku} backordered, no location of the channel has them`,
      });
      await em.query('INSERT INTO order_alert (order_id, sku_code, alert_id) VALUES (?, ?, ?)', [decision.orderId, line.sku, id]);
    }
    const covered = [...raised].filter(([sku]) => !waiting.has(sku));
    await resolveAlerts(em, covered.map(([, id]) => id));
    for (const [sku] of covered) await em.query('DELETE FROM order_alert WHERE order_id = ? AND sku_code = ?', [decision.orderId, sku]);
  }
}
