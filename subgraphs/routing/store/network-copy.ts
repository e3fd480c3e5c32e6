import type { EntityManager } from 'typeorm';
import { insertIgnore, placeholders, type Dialect, type Queryable } from '../../../shared/database';

/**
 * Routing's copy of the shipping network, fed by inventory's events: each channel's locations
 * in preference order (the only places its orders may go), and each location's country.
 */
export async function saveChannel(em: EntityManager, dialect: Dialect, channel: { code: string; locations: string[] }): Promise<void> {
  const now = new Date().toISOString();
  await em.query(insertIgnore(dialect, 'routing_channel', ['code', 'locations', 'updated_at']), [channel.code, '[]', now]);
  await em.query('UPDATE routing_channel SET locations = ?, updated_at = ? WHERE code = ?', [JSON.stringify(channel.locations), now, channel.code]);
}

export async function saveLocation(em: EntityManager, dialect: Dialect, location: { code: string; country?: string | null }): Promise<void> {
  await em.query(insertIgnore(dialect, 'routing_location', ['code', 'country']), [location.code, location.country ?? null]);
  await em.query('UPDATE routing_location SET country = ? WHERE code = ?', [location.country ?? null, location.code]);
}

/** The channel's locations in preference order; null for a channel routing has not heard of. */
export async function channelLocations(q: Queryable, channel: string): Promise<string[] | null> {
  const rows = await q.query('SELECT locations FROM routing_channel WHERE code = ?', [channel]);
  return rows[0] ? (JSON.parse(rows[0].locations) as string[]) : null;
}

export async function locationCountries(q: Queryable, codes: readonly string[]): Promise<Map<string, string | null>> {
  if (codes.length === 0) return new Map();
  const rows = await q.query(`SELECT code, country FROM routing_location WHERE code IN (${placeholders(codes)})`, [...codes]);
  return new Map(rows.map((row) => [row.code as string, (row.country as string | null) ?? null]));
}
