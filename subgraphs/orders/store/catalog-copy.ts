import type { EntityManager } from 'typeorm';
import { placeholders, upsertRows, type Dialect, type Queryable } from '../../../shared/database';
import type { CatalogView, Line } from '../domain/order-lines';

/*
 * Orders' own copies of what it checks an order against, fed by events: SKUs and their
 * components (catalog), listings (catalog), channels and locations (inventory).
 */

/** Inserts or replaces one row in a single statement: a copy is written for every catalog event, thousands at a time in a bulk import. */
async function upsert(em: EntityManager, dialect: Dialect, table: string, keys: Record<string, unknown>, values: Record<string, unknown>): Promise<void> {
  const columns = [...Object.keys(keys), ...Object.keys(values)];
  const updates = Object.keys(values).length ? Object.keys(values) : Object.keys(keys).slice(0, 1);
  const onConflict = dialect === 'mysql'
    ? `ON DUPLICATE KEY UPDATE ${updates.map((column) => `${column} = VALUES(${column})`).join(', ')}`
    : `ON CONFLICT (${Object.keys(keys).join(', ')}) DO UPDATE SET ${updates.map((column) => `${column} = excluded.${column}`).join(', ')}`;
  await em.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders(columns)}) ${onConflict}`, [...Object.values(keys), ...Object.values(values)]);
}

export const saveSku = (em: EntityManager, dialect: Dialect, sku: { code: string; components?: Line[] }) =>
  upsert(em, dialect, 'sku_copy', { code: sku.code }, { components: JSON.stringify(sku.components ?? []) });

export interface ListingCopy {
  channel: string;
  externalId: string;
  sku: string;
  unitsPerListing: number;
}

/** Writes listings 500 rows a statement: a bulk listing import sends ten thousand at once. */
export async function saveListings(em: EntityManager, dialect: Dialect, listings: readonly ListingCopy[]): Promise<void> {
  await upsertRows(em, dialect, 'listing_copy', ['channel_code', 'external_id'], ['sku_code', 'units_per_listing'],
    listings.map((listing) => [listing.channel, listing.externalId, listing.sku, listing.unitsPerListing]));
}

export const saveChannel = (em: EntityManager, dialect: Dialect, channel: { code: string; name: string }) =>
  upsert(em, dialect, 'channel_copy', { code: channel.code }, { name: channel.name });

export const saveLocation = (em: EntityManager, dialect: Dialect, location: { code: string }) => upsert(em, dialect, 'location_copy', { code: location.code }, {});

/** The SKUs and the channel's listings an order's lines refer to, as orders knows them. */
export async function catalogView(q: Queryable, channel: string, skus: readonly string[], listingIds: readonly string[]): Promise<CatalogView> {
  const listings = new Map<string, { sku: string; unitsPerListing: number }>();
  if (listingIds.length) {
    const rows = await q.query(`SELECT external_id, sku_code, units_per_listing FROM listing_copy WHERE channel_code = ? AND external_id IN (${placeholders(listingIds)})`, [channel, ...listingIds]);
    for (const row of rows) listings.set(row.external_id, { sku: row.sku_code, unitsPerListing: Number(row.units_per_listing) });
  }
  const wanted = [...new Set([...skus, ...[...listings.values()].map((listing) => listing.sku)])];
  const components = new Map<string, Line[]>();
  if (wanted.length) {
    const rows = await q.query(`SELECT code, components FROM sku_copy WHERE code IN (${placeholders(wanted)})`, wanted);
    for (const row of rows) components.set(row.code, JSON.parse(row.components));
  }
  return { components, listings };
}

export async function exists(q: Queryable, table: 'channel_copy' | 'location_copy', code: string): Promise<boolean> {
  return (await q.query(`SELECT 1 AS found FROM ${table} WHERE code = ?`, [code])).length > 0;
}
