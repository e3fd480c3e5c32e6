import type { EntityManager } from 'typeorm';
import { flatMapped } from '../../../shared/arrays';
import { execute, insertIgnore, insertStatements, placeholders, readAll, writeAll, type Dialect, type PendingWrites, type Queryable, type Statement } from '../../../shared/database';
import { BUCKETS, EMPTY_STOCK, applyDeltas, type Deltas, type StockFigures } from '../domain/stock';

/** sku → location → figures. */
export type StockMap = Map<string, Map<string, StockFigures>>;

const COLUMN: Record<(typeof BUCKETS)[number], string> = {
  onHand: 'on_hand', committed: 'committed', reserved: 'reserved', damaged: 'damaged',
  qualityControl: 'quality_control', safetyStock: 'safety_stock', incoming: 'incoming',
};
/** The stock columns as stored. */
export const STOCK_COLUMNS = BUCKETS.map((bucket) => COLUMN[bucket]);
const SELECT_STOCK = `SELECT sku_code, location_code, ${STOCK_COLUMNS.join(', ')}, last_count_at, version FROM stock_level`;
const SELLABLE_SQL = 'on_hand - committed - reserved - damaged - quality_control - safety_stock';

export interface StockRead {
  /** Buckets as stored: what the ledger adds up to. */
  raw: StockMap;
  /** Buckets as they count now: holds past their expiry no longer reserve anything. */
  stock: StockMap;
  /** `sku|location` → units still in `reserved` for holds that have expired but not been swept. */
  expired: Map<string, number>;
  lastCountAt: Map<string, string | null>;
  /** `sku|location` → the row's version (its count of changes), advanced with `raw`. */
  versions: Map<string, number>;
}

function figuresOf(row: Record<string, unknown>): StockFigures {
  const figures = {} as StockFigures;
  for (const bucket of BUCKETS) figures[bucket] = Number(row[COLUMN[bucket]]);
  return figures;
}

/**
 * Loads the buckets of the given SKUs at every location. `reserved` counts only live holds: a
 * hold past its expiry stops counting at once, before the sweeper turns it EXPIRED. With
 * `lock` (inside a transaction on MySQL) the rows are locked in primary-key order, the one
 * order every path uses, so two holds never wait on each other in a cycle.
 */
export async function loadStock(q: Queryable, dialect: Dialect, skus: readonly string[], options: { lock?: boolean; now?: Date } = {}): Promise<StockRead> {
  const [rows, expired] = await readAll(q, dialect, stockReads(dialect, skus, options));
  return stockRead(rows ?? [], expired ?? []);
}

/** The two reads of `loadStock` (none for no SKUs), for callers that send more reads with them. */
export function stockReads(dialect: Dialect, skus: readonly string[], options: { lock?: boolean; now?: Date } = {}): Statement[] {
  if (skus.length === 0) return [];
  const sorted = [...new Set(skus)].sort();
  const lock = options.lock && dialect === 'mysql' ? ' FOR UPDATE' : '';
  return [
    { sql: `${SELECT_STOCK} WHERE sku_code IN (${placeholders(sorted)}) ORDER BY sku_code, location_code${lock}`, params: sorted },
    lapsedRead(sorted, 'location_code', options.now),
  ];
}

/**
 * The units still held by holds of the SKUs that have lapsed but not been swept, per SKU and
 * `per` (a location, or the holding channel), as `quantity`. Driven from the (status, expires_at)
 * index: lapsed-but-unswept holds are few, while a hot SKU has thousands of allocations. In
 * SQLite CROSS JOIN fixes that order; MySQL reads it as JOIN.
 */
export function lapsedRead(skus: readonly string[], per: 'location_code' | 'channel_code', now = new Date()): Statement {
  const column = per === 'location_code' ? 'a.location_code' : 'r.channel_code';
  return {
    sql: `SELECT a.sku_code, ${column}, SUM(a.quantity) AS quantity FROM reservation r
     CROSS JOIN reservation_allocation a ON a.reservation_id = r.id
     WHERE r.status = 'ACTIVE' AND r.expires_at <= ? AND a.sku_code IN (${placeholders(skus)})
     GROUP BY a.sku_code, ${column}`,
    params: [now.toISOString(), ...skus],
  };
}

/** The StockRead of the rows `stockReads` returned: the stock rows, and the units of lapsed holds at each. */
export function stockRead(rows: readonly any[], expired: readonly any[]): StockRead {
  const raw: StockMap = new Map();
  const stock: StockMap = new Map();
  const expiredHeld = new Map<string, number>();
  const lastCountAt = new Map<string, string | null>();
  const versions = new Map<string, number>();
  for (const row of rows) {
    if (!stock.has(row.sku_code)) { stock.set(row.sku_code, new Map()); raw.set(row.sku_code, new Map()); }
    stock.get(row.sku_code)!.set(row.location_code, figuresOf(row));
    raw.get(row.sku_code)!.set(row.location_code, figuresOf(row));
    lastCountAt.set(`${row.sku_code}|${row.location_code}`, row.last_count_at ?? null);
    versions.set(`${row.sku_code}|${row.location_code}`, Number(row.version ?? 0));
  }
  for (const row of expired) {
    const figures = stock.get(row.sku_code)?.get(row.location_code);
    if (figures) {
      figures.reserved -= Number(row.quantity);
      expiredHeld.set(`${row.sku_code}|${row.location_code}`, Number(row.quantity));
    }
  }
  return { raw, stock, expired: expiredHeld, lastCountAt, versions };
}

/** The rows `stockReads` would find of the SKUs, from `read` as it stands (advanced past the caller's writes): the inverse of `stockRead`, for rows as stored. */
export function stockRowsOf(read: StockRead, skus: readonly string[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const sku of [...new Set(skus)].sort()) {
    for (const [location, figures] of [...(read.raw.get(sku) ?? new Map<string, StockFigures>())].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const key = `${sku}|${location}`;
      const row: Record<string, unknown> = { sku_code: sku, location_code: location };
      for (const bucket of BUCKETS) row[COLUMN[bucket]] = figures[bucket];
      rows.push({ ...row, last_count_at: read.lastCountAt.get(key) ?? null, version: read.versions.get(key) ?? 0 });
    }
  }
  return rows;
}


/** The figures of one row as stored (what its ledger adds up to); zeros for a row not read. */
export const rawFigures = (read: StockRead, sku: string, location: string): StockFigures => read.raw.get(sku)?.get(location) ?? { ...EMPTY_STOCK };

export async function ensureStockRow(em: EntityManager, dialect: Dialect, sku: string, location: string): Promise<void> {
  await em.query(insertIgnore(dialect, 'stock_level', ['sku_code', 'location_code', 'updated_at']), [sku, location, new Date().toISOString()]);
}

export interface Movement {
  sku: string;
  location: string;
  type: string;
  source: string;
  idempotencyKey: string;
  occurredAt: Date;
  reason?: string | null;
}

/** How a movement changes its row: only while `requireSellable` units are sellable, or setting the last count. */
interface RowOptions {
  requireSellable?: number;
  expiredHeld?: number;
  lastCountAt?: Date;
}

/**
 * Applies bucket deltas to one stock row and writes the ledger entry that explains them;
 * `before` is the row as stored (StockRead.raw), so the entry's figures add up to the row.
 * `requireSellable` makes the update conditional: it changes the row only while at least that
 * many units are sellable (counting `expiredHeld` units of lapsed holds as free), and returns
 * false otherwise, so a hold can never take a unit that is not there.
 */
export async function moveStock(
  em: EntityManager,
  movement: Movement,
  before: StockFigures,
  deltas: Deltas,
  options: RowOptions = {},
): Promise<boolean> {
  const update = stockRowUpdate(movement.sku, movement.location, deltas, options);
  if ((await execute(em, update.sql, update.params)) !== 1) return false;
  // Only once the row changed: a refused movement leaves no entry behind.
  const ledger = new LedgerRows();
  ledger.add(movement.sku, movement.location, movement, deltas, applyDeltas(before, deltas));
  await writeAll(em, ledger.statements());
  return true;
}

/** The (conditional) UPDATE of one stock row that a movement makes. */
function stockRowUpdate(sku: string, location: string, deltas: Deltas, options: RowOptions): Statement {
  const sets = BUCKETS.filter((b) => deltas[b]).map((b) => `${COLUMN[b]} = ${COLUMN[b]} + ?`);
  const values: unknown[] = BUCKETS.filter((b) => deltas[b]).map((b) => deltas[b]);
  if (options.lastCountAt) {
    sets.push('last_count_at = ?');
    values.push(options.lastCountAt.toISOString());
  }
  let sql = `UPDATE stock_level SET ${[...sets, 'version = version + 1', 'updated_at = ?'].join(', ')} WHERE sku_code = ? AND location_code = ?`;
  const params: unknown[] = [...values, new Date().toISOString(), sku, location];
  if (options.requireSellable !== undefined) {
    sql += ` AND ${SELLABLE_SQL} + ? >= ?`;
    params.push(options.expiredHeld ?? 0, options.requireSellable);
  }
  return { sql, params };
}

/** One hold's change to the units reserved at one stock row, and the ledger entry that explains it. */
export interface ReservedMove {
  sku: string;
  location: string;
  /** Units added to `reserved` (negative to return them). */
  quantity: number;
  movement: Omit<Movement, 'sku' | 'location'>;
}

/**
 * Changes `reserved` for many holds at once, under the rows' locks: one UPDATE per stock row
 * for its total, which when it takes units only succeeds while that many are sellable (counting
 * units of lapsed holds as free), then one ledger entry per move, in the order given, each with
 * the row's figures once it applies. Advances `read.raw` and `read.versions` to what is
 * written. `along` are the caller's own writes of the same change (its reservations, say).
 * Returns the writes for the
 * caller to send together (`writeAll`, or with the reads after them: `writeThenRead`), in one
 * round trip on MySQL, and the check of what they changed.
 */
export function reservedMoveWrites(read: StockRead, moves: readonly ReservedMove[], along: readonly Statement[] = []): PendingWrites {
  const totals = new Map<string, { sku: string; location: string; quantity: number }>();
  for (const move of moves) {
    const key = `${move.sku}|${move.location}`;
    const total = totals.get(key) ?? { sku: move.sku, location: move.location, quantity: 0 };
    total.quantity += move.quantity;
    totals.set(key, total);
  }
  const updates = [...totals].filter(([, total]) => total.quantity !== 0).map(([key, total]) => {
    read.versions.set(key, (read.versions.get(key) ?? 0) + 1);
    return {
      total,
      statement: stockRowUpdate(total.sku, total.location, { reserved: total.quantity },
        total.quantity > 0 ? { requireSellable: total.quantity, expiredHeld: read.expired.get(key) ?? 0 } : {}),
    };
  });
  // The rows whose units were taken, at the version their UPDATE leaves: found at it only if it applied.
  const taken = updates.filter((update) => update.total.quantity > 0)
    .map(({ total }) => ({ sku: total.sku, location: total.location, version: read.versions.get(`${total.sku}|${total.location}`)! }));
  const ledger = new LedgerRows();
  for (const move of moves) {
    const figures = rawFigures(read, move.sku, move.location);
    figures.reserved += move.quantity;
    ledger.add(move.sku, move.location, move.movement, { reserved: move.quantity }, figures);
  }
  return {
    statements: [...updates.map((update) => update.statement), ...ledger.statements(), ...along],
    mustChangeOne: updates.flatMap((update, index) => (update.total.quantity > 0 ? [index] : [])),
    holds: taken.length ? versionsAre(taken) : undefined,
    verify: (changed) => {
      for (const [index, { total }] of updates.entries()) {
        // Unreachable while rows are locked; kept so holds can never oversell even if that changes.
        // (Whatever was written with it is rolled back with the transaction.)
        if (total.quantity > 0 && changed[index] !== 1) throw new Error(`stock of ${total.sku} at ${total.location} moved under a hold's lock`);
      }
    },
  };
}

/** That each stock row is at the given version (rows are locked, so it is one the transaction wrote). */
function versionsAre(rows: readonly { sku: string; location: string; version: number }[]): Statement {
  return {
    sql: `(SELECT COUNT(*) FROM stock_level WHERE ${rows.map(() => '(sku_code = ? AND location_code = ? AND version = ?)').join(' OR ')}) = ?`,
    params: [...flatMapped(rows, (row) => [row.sku, row.location, row.version]), rows.length],
  };
}

export const LEDGER_COLUMNS = [
  'sku_code', 'location_code', 'event_type', 'reason', 'source', 'idempotency_key', 'occurred_at', 'recorded_at',
  ...STOCK_COLUMNS.map((column) => `d_${column}`), ...STOCK_COLUMNS,
];

/**
 * Ledger entries in the making, in order, each row taking the figures as they are when it is
 * added (so a caller moving one row many times passes the same figures, advanced, with no copy).
 * The entries of a hold group share one `occurredAt`, whose text is made once; rows are filled by
 * loops, a quarter of the cost of spreading mapped arrays, per entry of every hold.
 */
class LedgerRows {
  private readonly rows: unknown[][] = [];
  private readonly recordedAt = new Date().toISOString();
  private occurred: Date | null = null;
  private occurredText = '';

  add(sku: string, location: string, movement: Omit<Movement, 'sku' | 'location'>, deltas: Deltas, after: StockFigures): void {
    if (movement.occurredAt !== this.occurred) {
      this.occurred = movement.occurredAt;
      this.occurredText = movement.occurredAt.toISOString();
    }
    const row: unknown[] = [sku, location, movement.type, movement.reason ?? null, movement.source, movement.idempotencyKey, this.occurredText, this.recordedAt];
    for (const bucket of BUCKETS) row.push(deltas[bucket] ?? 0);
    for (const bucket of BUCKETS) row.push(after[bucket]);
    this.rows.push(row);
  }

  /** The entries, a few hundred to a statement. */
  statements(): Statement[] {
    return insertStatements('ledger_entry', LEDGER_COLUMNS, this.rows);
  }
}

export interface LedgerEntry {
  id: number;
  sku: string;
  location: string;
  type: string;
  reason: string | null;
  source: string;
  idempotencyKey: string;
  occurredAt: string;
  recordedAt: string;
  deltas: StockFigures;
  after: StockFigures;
}

/** The ledger of one SKU, newest first, `after` an entry id for paging. */
export async function readLedger(q: Queryable, sku: string, location: string | null, first: number, after: number | null): Promise<LedgerEntry[]> {
  const where = ['sku_code = ?'];
  const params: unknown[] = [sku];
  if (location) { where.push('location_code = ?'); params.push(location); }
  if (after !== null) { where.push('id < ?'); params.push(after); }
  const rows = await q.query(`SELECT * FROM ledger_entry WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${Math.floor(first)}`, params);
  return rows.map((row) => {
    const deltas = {} as StockFigures;
    for (const bucket of BUCKETS) deltas[bucket] = Number(row[`d_${COLUMN[bucket]}`]);
    return {
      id: Number(row.id), sku: row.sku_code, location: row.location_code, type: row.event_type, reason: row.reason,
      source: row.source, idempotencyKey: row.idempotency_key, occurredAt: row.occurred_at, recordedAt: row.recorded_at,
      deltas, after: figuresOf(row),
    };
  });
}
