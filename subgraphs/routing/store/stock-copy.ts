import type { EntityManager } from 'typeorm';
import { insertStatements, placeholders, writeAll, type Dialect, type Queryable, type Statement } from '../../../shared/database';
import type { IncomingLot } from '../domain/location-profile';

/** What inventory said one location can sell of one SKU (`inventory.stock-changed`). */
export interface StockFigure {
  sku: string;
  location: string;
  sellable: number;
  incoming: { quantity: number; expectedAt: string }[];
  version: number;
}

export interface LocationStock {
  sellable: Map<string, number>;
  incoming: Map<string, IncomingLot[]>;
}

/**
 * The read `stockFigureWrites` decides from: what is kept of the figures' SKUs, in key order,
 * locking those rows on MySQL.
 */
export function keptStockRead(dialect: Dialect, figures: readonly StockFigure[]): Statement {
  const skus = [...new Set(figures.map((figure) => figure.sku))].sort();
  return {
    sql: `SELECT sku_code, location_code, sellable, version FROM stock_copy WHERE sku_code IN (${placeholders(skus)}) ORDER BY sku_code, location_code${dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
    params: skus,
  };
}

/**
 * Applies figures unless a newer one is already kept: events of one SKU and location may
 * arrive out of order or twice, and the version (inventory's ledger position) says which is
 * current. From what is kept (`keptStockRead`), applies the figures in the order given and
 * returns the one statement writing the result, whose guard keeps a newer figure another
 * transaction wrote in between, with the figures that raised the sellable quantity, which may
 * let backorders ship.
 */
export function stockFigureWrites(dialect: Dialect, figures: readonly StockFigure[], keptRows: readonly Record<string, unknown>[]): { writes: Statement[]; raised: StockFigure[] } {
  const kept = new Map<string, { sellable: number; version: number }>(
    keptRows.map((row) => [`${row.sku_code}|${row.location_code}`, { sellable: Number(row.sellable), version: Number(row.version) }]),
  );
  const raised: StockFigure[] = [];
  const latest = new Map<string, StockFigure>();
  for (const figure of figures) {
    const key = `${figure.sku}|${figure.location}`;
    const before = kept.get(key);
    if (before && before.version > figure.version) continue;
    if (figure.sellable > (before?.sellable ?? 0)) raised.push(figure);
    kept.set(key, { sellable: figure.sellable, version: figure.version });
    latest.set(key, figure);
  }
  const suffix = dialect === 'mysql'
    ? `ON DUPLICATE KEY UPDATE sellable = IF(VALUES(version) >= version, VALUES(sellable), sellable),
         incoming = IF(VALUES(version) >= version, VALUES(incoming), incoming), version = GREATEST(version, VALUES(version))`
    : `ON CONFLICT (sku_code, location_code) DO UPDATE SET sellable = excluded.sellable, incoming = excluded.incoming, version = excluded.version
       WHERE excluded.version >= stock_copy.version`;
  const writes = insertStatements('stock_copy', ['sku_code', 'location_code', 'sellable', 'incoming', 'version'],
    [...latest.values()].map((figure) => [figure.sku, figure.location, figure.sellable, JSON.stringify(figure.incoming), figure.version]), { suffix });
  return { writes, raised };
}

/** Applies figures inside the caller's transaction (see `stockFigureWrites`); returns those that raised the sellable quantity. */
export async function applyStockFigures(em: EntityManager, dialect: Dialect, figures: readonly StockFigure[]): Promise<StockFigure[]> {
  if (figures.length === 0) return [];
  const read = keptStockRead(dialect, figures);
  const { writes, raised } = stockFigureWrites(dialect, figures, await em.query(read.sql, [...read.params]));
  await writeAll(em, writes);
  return raised;
}

/** Per location, the sellable units and incoming lots of the given SKUs. */
export async function loadStockCopy(q: Queryable, skus: readonly string[], locations: readonly string[]): Promise<Map<string, LocationStock>> {
  const result = new Map<string, LocationStock>(locations.map((location) => [location, { sellable: new Map(), incoming: new Map() }]));
  if (skus.length === 0 || locations.length === 0) return result;
  const rows = await q.query(
    `SELECT sku_code, location_code, sellable, incoming FROM stock_copy WHERE sku_code IN (${placeholders(skus)}) AND location_code IN (${placeholders(locations)})`,
    [...skus, ...locations],
  );
  for (const row of rows) {
    const stock = result.get(row.location_code)!;
    stock.sellable.set(row.sku_code, Number(row.sellable));
    const lots = JSON.parse(row.incoming) as { quantity: number; expectedAt: string }[];
    if (lots.length) stock.incoming.set(row.sku_code, lots.map((lot) => ({ quantity: lot.quantity, expectedAt: new Date(lot.expectedAt) })));
  }
  return result;
}
