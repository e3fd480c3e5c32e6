import type { EntityManager } from 'typeorm';
import { placeholders, type Queryable, type Statement } from '../../../shared/database';
import type { ChannelRule, ComponentLine } from '../domain/availability';

type Rules = Map<string, ChannelRule & { name: string; kind: string }>;

/** Channel rules keyed by code, each with its locations in preference order. */
export async function loadChannelRules(q: Queryable, codes?: readonly string[]): Promise<Rules> {
  if (codes && codes.length === 0) return new Map();
  const read = channelRulesRead(codes);
  return channelRulesFrom(await q.query(read.sql, read.params));
}

/** The read of `loadChannelRules`, for callers that send it with other reads. */
export function channelRulesRead(codes?: readonly string[]): Statement {
  const filter = codes ? ` WHERE c.code IN (${placeholders(codes)})` : '';
  return {
    sql: `SELECT c.code, c.name, c.kind, c.buffer_units, c.paused, c.max_units, c.share_percent, cl.location_code, cl.preference FROM channel c
     LEFT JOIN channel_location cl ON cl.channel_code = c.code${filter} ORDER BY c.code, cl.preference`,
    params: codes ? [...codes] : [],
  };
}

export function channelRulesFrom(rows: readonly any[]): Rules {
  const rules: Rules = new Map();
  for (const row of rows) {
    if (!rules.has(row.code)) {
      rules.set(row.code, {
        code: row.code, name: row.name, kind: row.kind ?? 'WEBSTORE', bufferUnits: Number(row.buffer_units), paused: Boolean(Number(row.paused)), locations: [],
        maxUnits: row.max_units == null ? null : Number(row.max_units), sharePercent: row.share_percent == null ? null : Number(row.share_percent),
      });
    }
    if (row.location_code) rules.get(row.code)!.locations.push(row.location_code);
  }
  return rules;
}

export interface Compositions {
  /** bundle → its components; absent for a simple SKU. */
  components: Map<string, ComponentLine[]>;
  /** component → the bundles that contain it. */
  bundlesOf: Map<string, string[]>;
}

/** The bundle structure around the given SKUs: their own components and the bundles they are part of. */
export async function loadCompositions(q: Queryable, skus: readonly string[]): Promise<Compositions> {
  if (skus.length === 0) return compositionsFrom([]);
  const read = compositionsRead(skus);
  return compositionsFrom(await q.query(read.sql, read.params));
}

/** The read of `loadCompositions` (SKUs not empty): every component of each bundle that is, or contains, one of the SKUs. */
export function compositionsRead(skus: readonly string[]): Statement {
  return {
    sql: `SELECT bundle_code, component_code, quantity FROM bundle_component WHERE bundle_code IN (
       SELECT bundle_code FROM bundle_component WHERE bundle_code IN (${placeholders(skus)}) OR component_code IN (${placeholders(skus)})
     ) ORDER BY bundle_code, component_code`,
    params: [...skus, ...skus],
  };
}

export function compositionsFrom(rows: readonly any[]): Compositions {
  const components = new Map<string, ComponentLine[]>();
  const bundlesOf = new Map<string, string[]>();
  for (const row of rows) {
    if (!components.has(row.bundle_code)) components.set(row.bundle_code, []);
    components.get(row.bundle_code)!.push({ sku: row.component_code, quantity: Number(row.quantity) });
    if (!bundlesOf.has(row.component_code)) bundlesOf.set(row.component_code, []);
    bundlesOf.get(row.component_code)!.push(row.bundle_code);
  }
  return { components, bundlesOf };
}

export async function knownSkus(q: Queryable, skus: readonly string[]): Promise<Set<string>> {
  if (skus.length === 0) return new Set();
  const read = knownSkusRead(skus);
  return knownSkusFrom(await q.query(read.sql, read.params));
}

export const knownSkusRead = (skus: readonly string[]): Statement => ({ sql: `SELECT code FROM sku_ref WHERE code IN (${placeholders(skus)})`, params: [...skus] });
export const knownSkusFrom = (rows: readonly any[]) => new Set(rows.map((row) => row.code as string));

/** Applies a catalog SKU event to inventory's copy: the SKU exists, with this composition. */
export async function saveSkuCopy(em: EntityManager, sku: { code: string; components: ComponentLine[] }): Promise<void> {
  const now = new Date().toISOString();
  const exists = await em.query('SELECT code FROM sku_ref WHERE code = ?', [sku.code]);
  if (exists.length) await em.query('UPDATE sku_ref SET updated_at = ? WHERE code = ?', [now, sku.code]);
  else await em.query('INSERT INTO sku_ref (code, updated_at) VALUES (?, ?)', [sku.code, now]);
  await em.query('DELETE FROM bundle_component WHERE bundle_code = ?', [sku.code]);
  for (const line of sku.components) {
    await em.query('INSERT INTO bundle_component (bundle_code, component_code, quantity) VALUES (?, ?, ?)', [sku.code, line.sku, line.quantity]);
  }
}

export interface ListingCopy {
  channel: string;
  externalId: string;
  sku: string;
  unitsPerListing: number;
}

/** Applies a catalog listing event: this reference on this channel sells `unitsPerListing` of the SKU. */
export async function saveListingCopy(em: EntityManager, listing: ListingCopy): Promise<void> {
  await em.query('DELETE FROM listing_ref WHERE channel_code = ? AND external_id = ?', [listing.channel, listing.externalId]);
  await em.query('INSERT INTO listing_ref (channel_code, external_id, sku_code, units_per_listing) VALUES (?, ?, ?, ?)', [
    listing.channel, listing.externalId, listing.sku, listing.unitsPerListing,
  ]);
}

export async function loadListings(q: Queryable, channel: string, externalIds: readonly string[]): Promise<Map<string, ListingCopy>> {
  if (externalIds.length === 0) return new Map();
  const rows = await q.query(
    `SELECT channel_code, external_id, sku_code, units_per_listing FROM listing_ref WHERE channel_code = ? AND external_id IN (${placeholders(externalIds)})`,
    [channel, ...externalIds],
  );
  return new Map(rows.map((row) => [row.external_id, { channel: row.channel_code, externalId: row.external_id, sku: row.sku_code, unitsPerListing: Number(row.units_per_listing) }]));
}
