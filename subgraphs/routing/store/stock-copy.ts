import type { EntityManager } from 'typeorm';
import { execute, insertIgnore, placeholders, type Dialect, type Queryable } from '../../../shared/database';
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
  const lock = dialect === 'mysql' ? ' FOR UPDATE' : '';
  await em.query(insertIgnore(dialect, 'stock_copy', ['sku_code', 'location_code', 'sellable', 'incoming', 'version']), [figure.sku, figure.location, 0, '[]', -1]);
  const [row] = await em.query(`SELECT sellable, version FROM stock_copy WHERE sku_code = ? AND location_code = ?${lock}`, [figure.sku, figure.location]);
  if (Number(row.version) > figure.version) return false;
  const changed = await execute(em, 'UPDATE stock_copy SET sellable = ?, incoming = ?, version = ? WHERE sku_code = ? AND location_code = ? AND version <= ?', [
    figure.sellable, JSON.stringify(figure.incoming), figure.version, figure.sku, figure.location, figure.version,
  ]);
  return changed === 1 && figure.sellable > Number(row.sellable);
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
