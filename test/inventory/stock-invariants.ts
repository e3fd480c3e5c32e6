import type { Database } from '../../shared/database';
import { BUCKETS, type Bucket, type StockFigures } from '../../subgraphs/inventory/domain/stock';

const COLUMN: Record<Bucket, string> = {
  onHand: 'on_hand', committed: 'committed', reserved: 'reserved', damaged: 'damaged',
  qualityControl: 'quality_control', safetyStock: 'safety_stock', incoming: 'incoming',
};

export interface StoredStock {
  figures: StockFigures;
  lastCountAt: string | null;
}

/** `sku|location` → the stock row as stored. */
export async function readStockRows(db: Database): Promise<Map<string, StoredStock>> {
  const rows = await db.query(`SELECT * FROM stock_level ORDER BY sku_code, location_code`);
  const result = new Map<string, StoredStock>();
  for (const row of rows) {
    const figures = {} as StockFigures;
    for (const bucket of BUCKETS) figures[bucket] = Number(row[COLUMN[bucket]]);
    result.set(`${row.sku_code}|${row.location_code}`, { figures, lastCountAt: row.last_count_at ?? null });
  }
  return result;
}

/** `sku|location` → the sum of every ledger entry's deltas. */
async function ledgerSums(db: Database): Promise<Map<string, StockFigures & { entries: number }>> {
  const sums = BUCKETS.map((b) => `SUM(d_${COLUMN[b]}) AS ${COLUMN[b]}`).join(', ');
  const rows = await db.query(`SELECT sku_code, location_code, COUNT(*) AS entries, ${sums} FROM ledger_entry GROUP BY sku_code, location_code`);
  const result = new Map<string, StockFigures & { entries: number }>();
  for (const row of rows) {
    const figures = { entries: Number(row.entries) } as StockFigures & { entries: number };
    for (const bucket of BUCKETS) figures[bucket] = Number(row[COLUMN[bucket]]);
    result.set(`${row.sku_code}|${row.location_code}`, figures);
  }
  return result;
}

/** `sku|location` → units allocated to reservations that are still ACTIVE in the table. */
export async function activeAllocations(db: Database): Promise<Map<string, number>> {
  const rows = await db.query(
    `SELECT a.sku_code, a.location_code, SUM(a.quantity) AS quantity FROM reservation_allocation a
     JOIN reservation r ON r.id = a.reservation_id WHERE r.status = 'ACTIVE' GROUP BY a.sku_code, a.location_code`,
  );
  return new Map(rows.map((row) => [`${row.sku_code}|${row.location_code}`, Number(row.quantity)]));
}

/** `sku|channel` → units a channel holds: its ACTIVE reservations' units and its orders' open commitments, summed from their rows. */
async function heldByChannel(db: Database): Promise<Map<string, number>> {
  const rows = await db.query(
    `SELECT a.sku_code, r.channel_code, a.quantity AS units FROM reservation_allocation a JOIN reservation r ON r.id = a.reservation_id WHERE r.status = 'ACTIVE'
     UNION ALL SELECT sku_code, channel_code, open AS units FROM order_commitment WHERE open > 0`,
  );
  const result = new Map<string, number>();
  for (const row of rows) result.set(`${row.sku_code}|${row.channel_code}`, (result.get(`${row.sku_code}|${row.channel_code}`) ?? 0) + Number(row.units));
  return result;
}

/**
 * The stored invariants of the inventory core; returns every violation found, empty when sound:
 * no bucket below zero, every row equal to the sum of its ledger, `reserved` equal to the
 * units of ACTIVE reservations, and each channel's running total of what it holds equal to its
 * reservations and open commitments.
 */
export async function storedViolations(db: Database): Promise<string[]> {
  const [stock, ledger, held, byChannel, totals] = await Promise.all([
    readStockRows(db), ledgerSums(db), activeAllocations(db), heldByChannel(db), db.query('SELECT sku_code, channel_code, units FROM channel_held WHERE units <> 0'),
  ]);
  const problems: string[] = [];
  const kept = new Map(totals.map((row) => [`${row.sku_code}|${row.channel_code}`, Number(row.units)]));
  for (const key of new Set([...kept.keys(), ...byChannel.keys()])) {
    if ((kept.get(key) ?? 0) !== (byChannel.get(key) ?? 0)) problems.push(`${key}: the channel holds ${byChannel.get(key) ?? 0} but its running total says ${kept.get(key) ?? 0}`);
  }
  for (const [key, { figures }] of stock) {
    for (const bucket of BUCKETS) {
      if (figures[bucket] < 0) problems.push(`${key}: ${bucket} is ${figures[bucket]}`);
    }
    const sums = ledger.get(key);
    for (const bucket of BUCKETS) {
      const summed = sums?.[bucket] ?? 0;
      if (summed !== figures[bucket]) problems.push(`${key}: ${bucket} is ${figures[bucket]} but its ledger sums to ${summed}`);
    }
    const reserved = held.get(key) ?? 0;
    if (reserved !== figures.reserved) problems.push(`${key}: reserved is ${figures.reserved} but ACTIVE reservations hold ${reserved}`);
  }
  for (const key of ledger.keys()) if (!stock.has(key)) problems.push(`${key}: ledger entries without a stock row`);
  for (const key of held.keys()) if (!stock.has(key)) problems.push(`${key}: reservations hold units without a stock row`);
  return problems;
}

/** Units of `sku` reserved at any location, as stored. */
export async function reservedOf(db: Database, sku: string): Promise<number> {
  const [row] = await db.query('SELECT COALESCE(SUM(reserved), 0) AS reserved FROM stock_level WHERE sku_code = ?', [sku]);
  return Number(row.reserved);
}
