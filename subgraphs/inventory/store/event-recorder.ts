import crypto from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Database } from '../../../shared/database';
import type { OutboxRelay } from '../../../shared/outbox';
import { applyInventoryEvent, EVENT_TYPES, type InventoryEventType } from '../domain/inventory-event';
import { EMPTY_STOCK } from '../domain/stock';
import { raiseAlert } from './alert-store';
import { publishAvailability } from './availability-feed';
import { knownSkus } from './catalog-copy';
import { ensureStockRow, loadStock, moveStock } from './stock-store';

export interface InventoryEventInput {
  idempotencyKey: string;
  source: string;
  type: InventoryEventType;
  sku: string;
  location: string;
  quantity: number;
  damagedQuantity?: number | null;
  occurredAt: Date;
  expectedAt?: Date | null;
  reason?: string | null;
}

export interface RecordResult {
  applied: number;
  duplicates: number;
  rejected: { idempotencyKey: string; code: string; message: string }[];
}

class Rejection extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function payloadHash(event: InventoryEventInput): string {
  const { idempotencyKey: _key, source: _source, ...payload } = event;
  const canonical = JSON.stringify({
    ...payload,
    occurredAt: payload.occurredAt.toISOString(),
    expectedAt: payload.expectedAt ? payload.expectedAt.toISOString() : null,
    damagedQuantity: payload.damagedQuantity ?? null,
    reason: payload.reason ?? null,
  });
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

/**
 * Applies stock events one by one, each in its own transaction: the stock row is locked, the
 * domain rule decides the deltas, and the ledger entry, the idempotency record and the
 * availability changes commit together. A replay of the same (source, key) is a duplicate;
 * the same key with another payload is rejected with IDEMPOTENCY_CONFLICT.
 */
export class EventRecorder {
  constructor(private readonly db: Database, private readonly relay: OutboxRelay) {}

  async record(events: InventoryEventInput[]): Promise<RecordResult> {
    const result: RecordResult = { applied: 0, duplicates: 0, rejected: [] };
    for (const event of events) {
      try {
        const outcome = await this.recordOne(event);
        if (outcome === 'duplicate') result.duplicates++;
        else result.applied++;
      } catch (error) {
        if (!(error instanceof Rejection)) throw error;
        result.rejected.push({ idempotencyKey: event.idempotencyKey, code: error.code, message: error.message });
      }
    }
    await this.relay.flush();
    return result;
  }

  private async recordOne(event: InventoryEventInput): Promise<'applied' | 'duplicate'> {
    if (!event.idempotencyKey || event.idempotencyKey.length > 200) throw new Rejection('BAD_USER_INPUT', 'idempotencyKey must be 1 to 200 characters');
    if (!event.source || event.source.length > 100) throw new Rejection('BAD_USER_INPUT', 'source must be 1 to 100 characters');
    if (!EVENT_TYPES.includes(event.type)) throw new Rejection('BAD_USER_INPUT', `unknown event type ${event.type}`);
    if (Number.isNaN(event.occurredAt.getTime())) throw new Rejection('BAD_USER_INPUT', 'occurredAt is not a valid date');
    const hash = payloadHash(event);
    const dialect = this.db.dialect;
    return this.db.transaction(async (em) => {
      const seen = await em.query('SELECT payload_hash FROM inventory_event WHERE source = ? AND idempotency_key = ?', [event.source, event.idempotencyKey]);
      if (seen.length) {
        if (seen[0].payload_hash === hash) return 'duplicate';
        throw new Rejection('IDEMPOTENCY_CONFLICT', `event ${event.idempotencyKey} from ${event.source} was already recorded with a different payload`);
      }
      if ((await knownSkus(em, [event.sku])).size === 0) throw new Rejection('BAD_USER_INPUT', `Unknown SKU "${event.sku}"`);
      const location = await em.query('SELECT code FROM location WHERE code = ?', [event.location]);
      if (!location.length) throw new Rejection('BAD_USER_INPUT', `Unknown location "${event.location}"`);
      const bundle = await em.query('SELECT 1 AS b FROM bundle_component WHERE bundle_code = ? LIMIT 1', [event.sku]);
      if (bundle.length) throw new Rejection('BAD_USER_INPUT', `${event.sku} is a bundle; record stock of its components`);

      await ensureStockRow(em, dialect, event.sku, event.location);
      const read = await loadStock(em, dialect, [event.sku], { lock: true });
      const live = read.stock.get(event.sku)?.get(event.location) ?? { ...EMPTY_STOCK };
      const stored = read.raw.get(event.sku)?.get(event.location) ?? { ...EMPTY_STOCK };
      const lastCount = read.lastCountAt.get(`${event.sku}|${event.location}`);
      const outcome = applyInventoryEvent(live, event, lastCount ? new Date(lastCount) : null);
      if (!outcome.ok) throw new Rejection(outcome.code, outcome.message);
      await moveStock(em, { ...event, type: event.type }, stored, outcome.deltas, {
        lastCountAt: event.type === 'COUNT' ? event.occurredAt : undefined,
      });
      await this.scheduleIncoming(em, event, -(outcome.deltas.incoming ?? 0));
      await em.query('INSERT INTO inventory_event (source, idempotency_key, payload_hash, outcome, recorded_at) VALUES (?, ?, ?, ?, ?)', [
        event.source, event.idempotencyKey, hash, 'APPLIED', new Date().toISOString(),
      ]);
      if (outcome.countedBelowHeld) {
        await raiseAlert(em, {
          kind: 'NEGATIVE_STOCK', sku: event.sku, channel: null, location: event.location,
          message: `Count of ${event.quantity} ${event.sku} at ${event.location} is below the ${outcome.next.committed + outcome.next.reserved + outcome.next.damaged + outcome.next.qualityControl} units already held`,
        });
      }
      await publishAvailability(em, dialect, [event.sku]);
      return 'applied';
    });
  }

  /**
   * Keeps the schedule of incoming lots in step with the `incoming` bucket: INCOMING adds a lot
   * due at `expectedAt`; a receipt closes `received` units of the earliest open lots.
   */
  private async scheduleIncoming(em: EntityManager, event: InventoryEventInput, received: number): Promise<void> {
    if (event.type === 'INCOMING') {
      await em.query('INSERT INTO incoming_stock (sku_code, location_code, quantity_open, expected_at, reference) VALUES (?, ?, ?, ?, ?)', [
        event.sku, event.location, event.quantity, event.expectedAt!.toISOString(), `${event.source}:${event.idempotencyKey}`.slice(0, 300),
      ]);
      return;
    }
    let remaining = received;
    if (remaining <= 0) return;
    const lots = await em.query('SELECT id, quantity_open FROM incoming_stock WHERE sku_code = ? AND location_code = ? AND quantity_open > 0 ORDER BY expected_at, id', [event.sku, event.location]);
    for (const lot of lots) {
      if (remaining === 0) break;
      const closed = Math.min(remaining, Number(lot.quantity_open));
      await em.query('UPDATE incoming_stock SET quantity_open = quantity_open - ? WHERE id = ?', [closed, lot.id]);
      remaining -= closed;
    }
  }
}
