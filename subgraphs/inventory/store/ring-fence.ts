import type { EntityManager } from 'typeorm';
import { insertStatements, placeholders, readAll, writeAll, type Dialect, type Queryable, type Statement } from '../../../shared/database';
import { ringFencedFor } from '../domain/availability';
import { lapsedRead } from './stock-store';

/** sku → channel → units; the dedicated allocations and what each channel holds now. */
export interface RingFences {
  allocations: Map<string, Map<string, number>>;
  held: Map<string, Map<string, number>>;
}

/** How many units of `sku` other channels have set aside from `channel`. */
export function fencedFrom(fences: RingFences, channel: string, sku: string): number {
  const allocations = fences.allocations.get(sku);
  return allocations ? ringFencedFor(channel, allocations, fences.held.get(sku) ?? new Map()) : 0;
}

/** Counts units a hold has just taken toward what its channel holds, where the SKU has dedicated allocations. */
export function countHeld(fences: RingFences, sku: string, channel: string, units: number): void {
  if (!fences.allocations.has(sku)) return;
  const held = fences.held.get(sku) ?? new Map<string, number>();
  fences.held.set(sku, held);
  held.set(channel, (held.get(channel) ?? 0) + units);
}

function nest(rows: { sku_code: string; channel_code: string; units: number }[]): Map<string, Map<string, number>> {
  const result = new Map<string, Map<string, number>>();
  for (const row of rows) {
    if (!result.has(row.sku_code)) result.set(row.sku_code, new Map());
    const byChannel = result.get(row.sku_code)!;
    byChannel.set(row.channel_code, (byChannel.get(row.channel_code) ?? 0) + Number(row.units));
  }
  return result;
}

/** The read of the SKUs' dedicated allocations, for callers that send it with other reads. */
export function allocationRead(skus: readonly string[]): Statement {
  return { sql: `SELECT sku_code, channel_code, units FROM channel_allocation WHERE units > 0 AND sku_code IN (${placeholders(skus)})`, params: [...skus] };
}

/**
 * Loads dedicated allocations of the SKUs and, only where there are some, the units each
 * channel holds now: its running total in `channel_held` less the units of its holds that have
 * lapsed but not been swept yet (they stop counting at once), both read by key, so the cost
 * does not grow with the SKU's history. Read under the SKUs' stock-row locks, as every hold
 * is, so the figures cannot move while a hold decides.
 */
export async function loadRingFences(q: Queryable, dialect: Dialect, skus: readonly string[], now = new Date()): Promise<RingFences> {
  if (skus.length === 0) return { allocations: new Map(), held: new Map() };
  const read = allocationRead(skus);
  return ringFences(q, dialect, await q.query(read.sql, read.params), now);
}

/** The SKUs of the allocations `allocationRead` returned. */
export const allocatedSkus = (allocationRows: readonly any[]): string[] => [...new Set(allocationRows.map((row) => row.sku_code as string))];

/** The read of what channels hold of the allocated SKUs (`channel_held`'s rows that are not 0). */
function heldRead(allocated: readonly string[]): Statement {
  return { sql: `SELECT sku_code, channel_code, units FROM channel_held WHERE units <> 0 AND sku_code IN (${placeholders(allocated)})`, params: [...allocated] };
}

/**
 * The fences of the allocations `allocationRead` returned: reads what the allocated channels hold,
 * if there are any. `kept` are `channel_held`'s rows as a hold group left them when it saw no
 * lapsed hold of the SKUs (see `KeptReads`): then nothing is read.
 */
export async function ringFences(q: Queryable, dialect: Dialect, allocationRows: readonly any[], now = new Date(), kept?: readonly any[]): Promise<RingFences> {
  if (allocationRows.length === 0) return { allocations: new Map(), held: new Map() };
  if (kept) return { allocations: nest([...allocationRows]), held: nest([...kept]) };
  const allocated = allocatedSkus(allocationRows);
  const [held, lapsed] = await readAll(q, dialect, [heldRead(allocated), lapsedRead(allocated, 'channel_code', now)]);
  const lapsedUnits = lapsed.map((row) => ({ sku_code: row.sku_code, channel_code: row.channel_code, units: -Number(row.quantity) }));
  return { allocations: nest([...allocationRows]), held: nest([...held, ...lapsedUnits]) };
}

/** What channels hold of the allocated SKUs as `fences` counts it, as `heldRead`'s rows. */
export function heldRowsOf(fences: RingFences): { sku_code: string; channel_code: string; units: number }[] {
  return [...fences.held].flatMap(([sku, byChannel]) => [...byChannel].filter(([, units]) => units !== 0)
    .map(([channel, units]) => ({ sku_code: sku, channel_code: channel, units })));
}

/** A change to the units a channel holds of a SKU (see `channel_held`). */
export interface HeldChange {
  channel: string;
  sku: string;
  units: number;
}

/**
 * The statement adding changes to what channels hold, to run in the caller's transaction: every
 * path that holds, releases, expires, confirms, commits, ships or cancels units writes it beside
 * the stock it moves, under the same stock-row locks (so its rows, too, are taken in SKU order).
 */
export function heldStatements(dialect: Dialect, changes: readonly HeldChange[]): Statement[] {
  const totals = new Map<string, [string, string, number]>();
  for (const change of changes) {
    const key = `${change.sku}|${change.channel}`;
    const total = totals.get(key) ?? [change.sku, change.channel, 0];
    total[2] += change.units;
    totals.set(key, total);
  }
  const rows = [...totals.values()].filter(([, , units]) => units !== 0).sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const suffix = dialect === 'mysql' ? 'ON DUPLICATE KEY UPDATE units = units + VALUES(units)' : 'ON CONFLICT (sku_code, channel_code) DO UPDATE SET units = channel_held.units + excluded.units';
  return insertStatements('channel_held', ['sku_code', 'channel_code', 'units'], rows, { suffix });
}

/** Adds changes to what channels hold (see `heldStatements`). */
export async function changeHeld(em: EntityManager, dialect: Dialect, changes: readonly HeldChange[]): Promise<void> {
  await writeAll(em, heldStatements(dialect, changes));
}

export async function setAllocation(em: EntityManager, channel: string, sku: string, units: number): Promise<void> {
  await em.query('DELETE FROM channel_allocation WHERE channel_code = ? AND sku_code = ?', [channel, sku]);
  if (units > 0) await em.query('INSERT INTO channel_allocation (channel_code, sku_code, units) VALUES (?, ?, ?)', [channel, sku, units]);
}
