import { applyDeltas, negativeBucket, sellableRaw, type Deltas, type StockFigures } from './stock';

export const EVENT_TYPES = ['RECEIPT', 'ADJUSTMENT', 'COUNT', 'DAMAGE', 'QUALITY_HOLD', 'QUALITY_RELEASE', 'WRITE_OFF', 'RETURN', 'INCOMING'] as const;
export type InventoryEventType = (typeof EVENT_TYPES)[number];

export interface InventoryEvent {
  type: InventoryEventType;
  quantity: number;
  damagedQuantity?: number | null;
  occurredAt: Date;
  expectedAt?: Date | null;
}

export type EventOutcome =
  | { ok: true; deltas: Deltas; next: StockFigures; countedBelowHeld: boolean }
  | { ok: false; code: 'BAD_USER_INPUT' | 'STALE' | 'INSUFFICIENT_STOCK'; message: string };

const reject = (code: 'BAD_USER_INPUT' | 'STALE' | 'INSUFFICIENT_STOCK', message: string): EventOutcome => ({ ok: false, code, message });

/**
 * What one inventory event does to the buckets of its SKU at its location.
 *
 * Policy for stock that would go below zero: every event that would drive a bucket negative is
 * rejected, except COUNT, which records what is physically there. A count below the units
 * already held (committed, reserved, damaged, in quality control) is applied, leaves
 * `available` at 0 and is raised as a NEGATIVE_STOCK alert, because refusing a physical count
 * would keep a number everybody knows is wrong.
 */
export function applyInventoryEvent(stock: StockFigures, event: InventoryEvent, lastCountAt: Date | null): EventOutcome {
  const q = event.quantity;
  const damaged = event.damagedQuantity ?? 0;
  if (!Number.isInteger(q)) return reject('BAD_USER_INPUT', `quantity must be a whole number, got ${q}`);
  if (!Number.isInteger(damaged) || damaged < 0) return reject('BAD_USER_INPUT', `damagedQuantity must be a whole number of at least 0`);
  if (event.damagedQuantity != null && event.type !== 'RECEIPT' && event.type !== 'RETURN') {
    return reject('BAD_USER_INPUT', 'damagedQuantity applies only to RECEIPT and RETURN');
  }
  if (event.type === 'ADJUSTMENT') {
    if (q === 0) return reject('BAD_USER_INPUT', 'an ADJUSTMENT needs a non-zero quantity');
  } else if (event.type === 'COUNT') {
    if (q < 0) return reject('BAD_USER_INPUT', `a COUNT cannot be negative, got ${q}`);
  } else if (q < 1) {
    return reject('BAD_USER_INPUT', `quantity must be at least 1 for ${event.type}, got ${q}`);
  }
  // Only RECEIPT and RETURN carry damaged units; without this guard a negative ADJUSTMENT (damaged 0) was refused.
  if (damaged > 0 && damaged > q) return reject('BAD_USER_INPUT', `damagedQuantity (${damaged}) cannot exceed quantity (${q})`);
  if (event.type === 'INCOMING' && !event.expectedAt) return reject('BAD_USER_INPUT', 'INCOMING needs expectedAt');

  let deltas: Deltas;
  switch (event.type) {
    case 'RECEIPT':
      deltas = { onHand: q, damaged, incoming: -Math.min(stock.incoming, q) };
      break;
    case 'RETURN':
      deltas = { onHand: q, damaged };
      break;
    case 'ADJUSTMENT':
      if (q < 0 && sellableRaw(stock) + q < 0) {
        return reject('INSUFFICIENT_STOCK', `cannot remove ${-q}: only ${Math.max(0, sellableRaw(stock))} units are free at this location`);
      }
      deltas = { onHand: q };
      break;
    case 'COUNT':
      if (lastCountAt && event.occurredAt.getTime() < lastCountAt.getTime()) {
        return reject('STALE', `a count from ${lastCountAt.toISOString()} is newer than this one (${event.occurredAt.toISOString()})`);
      }
      deltas = { onHand: q - stock.onHand };
      break;
    case 'DAMAGE':
      if (sellableRaw(stock) + stock.safetyStock < q) {
        return reject('INSUFFICIENT_STOCK', `cannot mark ${q} damaged: only ${Math.max(0, sellableRaw(stock) + stock.safetyStock)} units are free`);
      }
      deltas = { damaged: q };
      break;
    case 'QUALITY_HOLD':
      if (sellableRaw(stock) + stock.safetyStock < q) {
        return reject('INSUFFICIENT_STOCK', `cannot hold ${q} for quality control: only ${Math.max(0, sellableRaw(stock) + stock.safetyStock)} units are free`);
      }
      deltas = { qualityControl: q };
      break;
    case 'QUALITY_RELEASE':
      if (stock.qualityControl < q) return reject('INSUFFICIENT_STOCK', `only ${stock.qualityControl} units are in quality control`);
      deltas = { qualityControl: -q };
      break;
    case 'WRITE_OFF':
      if (stock.damaged < q) return reject('INSUFFICIENT_STOCK', `only ${stock.damaged} damaged units can be written off`);
      deltas = { damaged: -q, onHand: -q };
      break;
    case 'INCOMING':
      deltas = { incoming: q };
      break;
  }
  const next = applyDeltas(stock, deltas);
  const negative = negativeBucket(next);
  if (negative) return reject('INSUFFICIENT_STOCK', `${negative} would fall below zero`);
  const held = next.committed + next.reserved + next.damaged + next.qualityControl;
  return { ok: true, deltas, next, countedBelowHeld: event.type === 'COUNT' && next.onHand < held };
}
