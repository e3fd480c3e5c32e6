import type { EntityManager } from 'typeorm';
import { placeholders, upsertStatements, type Dialect, type Queryable, type Statement } from '../../../shared/database';
import type { OutboxEvent } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { sellableRaw, type StockFigures } from '../domain/stock';
import type { StockRead } from './stock-store';

/** What one location can sell of one SKU now, and what it expects: routing's view of stock. */
export interface StockFigure {
  sku: string;
  location: string;
  sellable: number;
  incoming: { quantity: number; expectedAt: string }[];
  /** The row's count of changes: figures of one SKU and location with a higher version are newer. */
  version: number;
}

/** One stock row as routing's feed sees it: its figures and version now, and what routing was last told. */
export interface FeedRow {
  sku: string;
  location: string;
  sellable: number;
  incoming: number;
  version: number;
  told: { sellable: number; incoming: number; version: number } | null;
}

/**
 * The stock rows of the given SKUs with their version and what routing was last told, read in
 * one statement so figure and version belong together. Sellable counts every hold as stored (a
 * lapsed hold stops counting when the sweep changes the row, which moves the version).
 */
async function readFeed(q: Queryable, skus: readonly string[]): Promise<FeedRow[]> {
  if (skus.length === 0) return [];
  const read = feedRead(skus);
  return feedRowsOf(await q.query(read.sql, read.params));
}

/** The read of `readFeed` (SKUs not empty), for callers that send it with other reads. */
export function feedRead(skus: readonly string[]): Statement {
  return {
    sql: `SELECT s.sku_code, s.location_code, s.on_hand - s.committed - s.reserved - s.damaged - s.quality_control - s.safety_stock AS sellable, s.incoming,
       s.version, f.sellable AS told_sellable, f.incoming AS told_incoming, f.version AS told_version
     FROM stock_level s LEFT JOIN stock_feed_state f ON f.sku_code = s.sku_code AND f.location_code = s.location_code
     WHERE s.sku_code IN (${placeholders([...new Set(skus)])}) ORDER BY s.sku_code, s.location_code`,
    params: [...new Set(skus)],
  };
}

/** What routing was last told of the rows of the given SKUs (SKUs not empty): read with a group's locked reads. */
export function toldRead(skus: readonly string[]): Statement {
  const unique = [...new Set(skus)];
  return { sql: `SELECT sku_code, location_code, sellable, incoming, version FROM stock_feed_state WHERE sku_code IN (${placeholders(unique)})`, params: unique };
}

/**
 * The feed rows of the given SKUs from figures the caller holds under the rows' locks and has
 * advanced past its own writes (`StockRead.raw` and `versions`), and what `toldRead` returned:
 * what `feedRead` would find, with no read after the writes.
 */
export function feedRowsFrom(read: StockRead, skus: readonly string[], told: readonly any[]): FeedRow[] {
  const toldOf = new Map(told.map((row) => [`${row.sku_code}|${row.location_code}`, row]));
  const rows: FeedRow[] = [];
  for (const sku of [...new Set(skus)].sort()) {
    for (const [location, figures] of [...(read.raw.get(sku) ?? new Map<string, StockFigures>())].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const key = `${sku}|${location}`;
      const last = toldOf.get(key);
      rows.push({
        sku, location, sellable: Math.max(0, sellableRaw(figures)), incoming: figures.incoming, version: read.versions.get(key) ?? 0,
        told: last ? { sellable: Number(last.sellable), incoming: Number(last.incoming), version: Number(last.version) } : null,
      });
    }
  }
  return rows;
}

/** The feed rows of what `feedRead` returned. */
export function feedRowsOf(rows: readonly any[]): FeedRow[] {
  return rows.map((row) => ({
    sku: row.sku_code, location: row.location_code, sellable: Math.max(0, Number(row.sellable)), incoming: Number(row.incoming), version: Number(row.version ?? 0),
    told: row.told_version == null ? null : { sellable: Number(row.told_sellable), incoming: Number(row.told_incoming), version: Number(row.told_version) },
  }));
}

async function incomingLots(q: Queryable, pairs: { sku: string; location: string }[]): Promise<Map<string, StockFigure['incoming']>> {
  const lots = new Map<string, StockFigure['incoming']>();
  const skus = [...new Set(pairs.map((pair) => pair.sku))];
  if (skus.length === 0) return lots;
  const rows = await q.query(
    `SELECT sku_code, location_code, quantity_open, expected_at FROM incoming_stock WHERE quantity_open > 0 AND sku_code IN (${placeholders(skus)}) ORDER BY expected_at, id`,
    skus,
  );
  for (const row of rows) {
    const key = `${row.sku_code}|${row.location_code}`;
    if (!lots.has(key)) lots.set(key, []);
    lots.get(key)!.push({ quantity: Number(row.quantity_open), expectedAt: row.expected_at });
  }
  return lots;
}

const toFigure = (row: FeedRow, lots: Map<string, StockFigure['incoming']>): StockFigure => ({
  sku: row.sku, location: row.location, sellable: row.sellable, incoming: row.incoming > 0 ? lots.get(`${row.sku}|${row.location}`) ?? [] : [], version: row.version,
});

/** Current figures of every location of the given SKUs, e.g. for a refused commitment. */
export async function stockFigures(q: Queryable, skus: readonly string[]): Promise<StockFigure[]> {
  const rows = await readFeed(q, skus);
  const lots = await incomingLots(q, rows.filter((row) => row.incoming > 0));
  return rows.map((row) => toFigure(row, lots));
}

/** Whether routing is told this row's figures (they moved since it was last told, or it never was): `stockChangeEvents` tells it. */
const toldAnew = (row: FeedRow): boolean => !row.told
  || ((row.sellable !== row.told.sellable || row.incoming !== row.told.incoming) && row.version >= row.told.version);

/** What `toldRead` finds once `stockChangeEvents` of these rows is written: for a caller that keeps it instead of reading it again. */
export function toldAfter(rows: readonly FeedRow[]): { sku_code: string; location_code: string; sellable: number; incoming: number; version: number }[] {
  return rows.map((row) => {
    const told = toldAnew(row) ? row : row.told!;
    return { sku_code: row.sku, location_code: row.location, sellable: told.sellable, incoming: told.incoming, version: told.version };
  });
}

/**
 * Inside a transaction that may have moved stock: from its SKUs' feed rows (`feedRowsOf` of what
 * `feedRead` returned, or `feedRowsFrom`), finds every location whose sellable or incoming
 * units differ from what routing was last told, and returns the
 * `inventory.stock-changed` events and the writes recording them as told, both for the caller
 * to write in the same transaction (with its own writes, in one round trip on MySQL). Called
 * wherever availability is published, so no stock change is missed.
 */
export async function stockChangeEvents(em: EntityManager, dialect: Dialect, rows: readonly FeedRow[]): Promise<{ events: OutboxEvent[]; writes: Statement[] }> {
  const changed = rows.filter(toldAnew);
  if (changed.length === 0) return { events: [], writes: [] };
  const lots = await incomingLots(em, changed.filter((row) => row.incoming > 0));
  return {
    events: changed.map((row) => ({ topic: TOPICS.stockChanged, key: `stock:${row.sku}:${row.location}`, payload: toFigure(row, lots) })),
    writes: upsertStatements(dialect, 'stock_feed_state', ['sku_code', 'location_code'], ['sellable', 'incoming', 'version'],
      changed.map((row) => [row.sku, row.location, row.sellable, row.incoming, row.version])),
  };
}
