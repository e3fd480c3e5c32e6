import type { EntityManager } from 'typeorm';
import { placeholders, type Dialect, type Queryable } from '../../../shared/database';
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
 * Applies a figure unless a newer one is already kept: events of one SKU and location may
 * arrive out of order or twice, and the version (inventory's ledger position) says which is
 * current. Returns whether the sellable quantity went up, which may let backorders ship.
 */
export async function applyStockFigure(em: EntityManager, dialect: Dialect, figure: StockFigure): Promise<boolean> {
  const [kept] = await em.query(`SELECT sellable, version FROM stock_copy WHERE sku_code = ? AND location_code = ?${dialect === 'mysql' ? ' FOR UPDATE' : ''}`, [figure.sku, figure.location]);
  if (kept && Number(kept.version) > figure.version) return false;
  // One statement either way; the guard keeps a newer figure that another transaction wrote in between.
  const upsert = dialect === 'mysql'
    ? `INSERT INTO stock_copy (sku_code, location_code, sellable, incoming, version) VALUES (?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE sellable = IF(VALUES(version) >= version, VALUES(sellable), sellable),
         incoming = IF(VALUES(version) >= version, VALUES(incoming), incoming), version = GREATEST(version, VALUES(version))`
    : `INSERT INTO stock_copy (sku_code, location_code, sellable, incoming, version) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (sku_code, location_code) DO UPDATE SET sellable = excluded.sellable, incoming = excluded.incoming, version = excluded.version
       WHERE excluded.version >= stock_copy.version`;
  await em.query(upsert, [figure.sku, figure.location, figure.sellable, JSON.stringify(figure.incoming), figure.version]);
  return figure.sellable > Number(kept?.sellable ?? 0);
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
