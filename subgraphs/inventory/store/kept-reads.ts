import type { EntityManager } from 'typeorm';
import { flatMapped } from '../../../shared/arrays';
import { placeholders, type Statement } from '../../../shared/database';
import type { AvailabilityChange } from './availability-feed';
import { sameSet } from './hold-reads';
import { allocatedSkus } from './ring-fence';
import { STOCK_COLUMNS, stockReads, stockRowsOf, type StockRead } from './stock-store';

/**
 * On MySQL a hold group reads with its transaction's start and sends its writes with the COMMIT:
 * two requests, the first of them a dozen statements. When the next group holds the same SKUs it
 * may decide from what this one read and left instead, and send one request: the start, a check
 * that all of it is still so (made under the stock rows' locks), its writes and the COMMIT. When
 * the check fails nothing is committed, and the group reads and decides again the usual way.
 *
 * Only groups whose SKUs are in no bundle, have no lapsed holds not yet swept and no units
 * incoming are kept: for them, what a group decides from is all in the rows below (with a
 * dedicated allocation, what each channel holds of the SKU too), and the check compares each by
 * content.
 */
export interface KeptReads {
  /** The SKUs, sorted. */
  skus: string[];
  /** The channel rules, known SKUs and bundle structure, as the group's catalog reads returned them. */
  catalog: any[][];
  /** The locked reads' rows as the group left them: stock, lapsed holds (none), dedicated allocations, what was published, what routing was told. */
  locked: any[][];
  /** What each channel holds of the SKUs with dedicated allocations, as the group left it (`heldRead`'s rows). */
  held: any[];
}

/**
 * When kept reads keep going out of date (another process holds the same SKUs, say), groups of
 * those SKUs stop trying them for a while: after a miss one group reads and keeps nothing, after
 * a second miss in a row two, then four, up to `max`. A group that decides from kept reads ends
 * the streak; a group of other SKUs ends the pause. A miss costs one request, so under steady
 * contention it costs one request every `max` groups.
 */
export class KeptReadsPause {
  private skus: readonly string[] = [];
  private groups = 0;
  private missesInARow = 0;

  constructor(private readonly max: number) {}

  /** A group of `skus` found what it kept out of date. */
  missed(skus: readonly string[]): void {
    const inARow = sameSet(skus, this.skus) ? this.missesInARow : 0;
    this.skus = skus;
    this.groups = Math.min(2 ** inARow, this.max);
    this.missesInARow = inARow + 1;
  }

  /** A group decided from kept reads. */
  kept(): void {
    this.missesInARow = 0;
  }

  /** Whether a group of `skus` that read may keep what it leaves for the next; counts it toward the pause. */
  mayKeep(skus: readonly string[]): boolean {
    if (!sameSet(skus, this.skus)) {
      this.skus = [];
      this.groups = 0;
      this.missesInARow = 0;
    }
    if (this.groups === 0) return true;
    this.groups--;
    return false;
  }
}

/** Thrown by `NO_STATEMENTS`: a group deciding from kept reads needed a statement of its own, so it starts again the usual way. */
export class KeptReadsFellShort extends Error {
  constructor() {
    super('a hold group deciding from kept reads needed to read; it starts again with reads');
  }
}

/** What a group deciding from kept reads is given as its EntityManager: it refuses every statement. */
export const NO_STATEMENTS = { query: () => Promise.reject(new KeptReadsFellShort()) } as unknown as EntityManager;

/** What a group can keep for the next, or null when it is not a group whose reads can be kept (see `KeptReads`). */
export function keptAfter(group: {
  skus: readonly string[];
  catalog: any[][];
  /** The locked reads as the group made them (before its writes). */
  locked: any[][];
  /** The stock as the group leaves it. */
  read: StockRead;
  /** What each channel holds of the SKUs with dedicated allocations once the group commits. */
  held: readonly any[];
  /** What routing was told of the stock rows once the group commits (`toldRead`'s rows). */
  told: readonly any[];
  /** The availability the group published. */
  changes: readonly Omit<AvailabilityChange, 'cursor'>[];
}): KeptReads | null {
  const [, , compositionRows] = group.catalog;
  const [stockRows, lapsedRows, allocationRows, availabilityRows] = group.locked;
  if (compositionRows.length || lapsedRows.length) return null;
  if (stockRows.some((row: { incoming: unknown }) => Number(row.incoming) !== 0)) return null;
  const published = new Map<string, { channel_code: string; sku_code: string; available: number }>();
  for (const row of availabilityRows) published.set(`${row.channel_code}|${row.sku_code}`, { channel_code: row.channel_code, sku_code: row.sku_code, available: Number(row.available) });
  for (const change of group.changes) published.set(`${change.channel}|${change.sku}`, { channel_code: change.channel, sku_code: change.sku, available: change.available });
  const skus = [...group.skus].sort();
  return { skus, catalog: group.catalog, locked: [stockRowsOf(group.read, skus), [], allocationRows, [...published.values()], [...group.told]], held: [...group.held] };
}

/** A column compared by content: its SQL (byte for byte for text) and the value a kept row has for it. */
interface Compared {
  sql: string;
  value: (row: any) => unknown;
}

const text = (column: string, nullable = false): Compared => ({
  sql: nullable ? `BINARY COALESCE(${column}, '')` : `BINARY ${column}`, value: (row) => (nullable ? row[column] ?? '' : row[column]),
});
const number = (column: string, nullable = false): Compared => ({
  sql: nullable ? `COALESCE(${column}, -1)` : column, value: (row) => (row[column] == null ? -1 : Number(row[column])),
});

/** That `table`'s rows matching `where` are exactly `rows`, compared on `columns` (which include the key): one subquery. */
function exactly(table: string, where: Statement, columns: Compared[], rows: readonly any[]): Statement {
  if (rows.length === 0) return { sql: `(SELECT COUNT(*) FROM ${table} WHERE ${where.sql}) = 0`, params: where.params };
  const tuple = `(${placeholders(columns)})`;
  return {
    sql: `(SELECT COUNT(*) = ? AND SUM((${columns.map((column) => column.sql).join(', ')}) IN (${rows.map(() => tuple).join(', ')})) = ? FROM ${table} WHERE ${where.sql})`,
    params: [rows.length, ...flatMapped(rows, (row) => columns.map((column) => column.value(row))), rows.length, ...where.params],
  };
}

/**
 * The statements that start a group deciding from `kept`, before its writes: its stock rows
 * locked in key order (as every path locks them), then one guard that fails the request unless
 * every row the group decides from is as kept (the dedicated allocations and what each channel
 * holds of their SKUs included), no hold of its SKUs has lapsed by `now`, and none of them has
 * become part of a bundle.
 */
export function keptStillTrue(kept: KeptReads, now: Date): Statement[] {
  const [ruleRows, knownRows] = kept.catalog;
  const [stockRows, , allocationRows, publishedRows, toldRows] = kept.locked;
  const allocated = allocatedSkus(allocationRows);
  const skus = { sql: placeholders(kept.skus), params: kept.skus };
  const channels = [...new Map(ruleRows.map((row: { code: string }) => [row.code, row])).values()];
  const channelCodes = channels.map((row: any) => row.code as string);
  const all: Statement = { sql: '1 = 1', params: [] };
  const conditions: Statement[] = [
    exactly('channel', all, [text('code'), text('name'), text('kind', true), number('buffer_units'), number('paused'), number('max_units', true), number('share_percent', true)], channels),
    exactly('channel_location', all, [text('channel_code'), text('location_code'), number('preference')],
      ruleRows.filter((row: { location_code: string | null }) => row.location_code != null).map((row: any) => ({ channel_code: row.code, location_code: row.location_code, preference: row.preference }))),
    exactly('sku_ref', { sql: `code IN (${skus.sql})`, params: skus.params }, [text('code')], knownRows),
    { sql: `NOT EXISTS (SELECT 1 FROM bundle_component WHERE bundle_code IN (${skus.sql}) OR component_code IN (${skus.sql}))`, params: [...skus.params, ...skus.params] },
    exactly('stock_level', { sql: `sku_code IN (${skus.sql})`, params: skus.params },
      [text('sku_code'), text('location_code'), ...STOCK_COLUMNS.map((column) => number(column)), number('version')], stockRows),
    {
      sql: `NOT EXISTS (SELECT 1 FROM reservation r JOIN reservation_allocation a ON a.reservation_id = r.id
        WHERE r.status = 'ACTIVE' AND r.expires_at <= ? AND a.sku_code IN (${skus.sql}))`,
      params: [now.toISOString(), ...skus.params],
    },
    exactly('channel_allocation', { sql: `units > 0 AND sku_code IN (${skus.sql})`, params: skus.params }, [text('sku_code'), text('channel_code'), number('units')], allocationRows),
    ...(allocated.length ? [exactly('channel_held', { sql: `units <> 0 AND sku_code IN (${placeholders(allocated)})`, params: allocated },
      [text('sku_code'), text('channel_code'), number('units')], kept.held)] : []),
    exactly('availability_state', { sql: `channel_code IN (${placeholders(channelCodes)}) AND sku_code IN (${skus.sql})`, params: [...channelCodes, ...skus.params] },
      [text('channel_code'), text('sku_code'), number('available')], publishedRows),
    exactly('stock_feed_state', { sql: `sku_code IN (${skus.sql})`, params: skus.params },
      [text('sku_code'), text('location_code'), number('sellable'), number('incoming'), number('version')], toldRows),
  ];
  return [
    stockReads('mysql', kept.skus, { lock: true })[0],
    {
      sql: `INSERT INTO commit_guard (id) SELECT 0 FROM DUAL WHERE NOT (${conditions.map((condition) => `(${condition.sql})`).join('\n AND ')})`,
      params: flatMapped(conditions, (condition) => condition.params),
    },
  ];
}
