import type { EntityManager } from 'typeorm';
import { execute, insertIgnore, type Dialect } from '../../../shared/database';

/**
 * Sync's own copies, fed by events: listings (which SKU, how many units each), channels
 * (whether their owner paused them) and each SKU's availability per channel. A change marks
 * the listings it moves as due: `version` goes up and `due_at` is set unless it already is, so
 * a listing keeps its place in the queue however many changes pile up behind it (coalescing).
 * A parked listing stays parked; it is pushed with its newest value when it is retried.
 */
const MARK_DUE = `version = version + 1, due_at = CASE WHEN state = 'PARKED' THEN NULL ELSE COALESCE(due_at, ?) END, pending_since = COALESCE(pending_since, ?)`;

/**
 * Applies `inventory.availability-changed`; a value older than the one held (redelivered out of
 * order) changes nothing. Returns whether it applied. The common case, a newer value for a known
 * pair, is one conditional UPDATE.
 */
export async function applyAvailability(em: EntityManager, dialect: Dialect, change: { channel: string; sku: string; available: number }, seq: number, now: string): Promise<boolean> {
  let applied = await execute(em, 'UPDATE channel_availability SET available = ?, seq = ? WHERE channel_code = ? AND sku_code = ? AND (seq < ? OR ? = 0)', [
    change.available, seq, change.channel, change.sku, seq, seq,
  ]);
  if (applied === 0) {
    // Either the pair is new, or what is held is newer: the insert tells which.
    applied = await execute(em, insertIgnore(dialect, 'channel_availability', ['channel_code', 'sku_code', 'available', 'seq']), [change.channel, change.sku, change.available, seq]);
  }
  if (applied === 0) return false;
  await em.query(`UPDATE listing_sync SET ${MARK_DUE} WHERE channel_code = ? AND sku_code = ?`, [now, now, change.channel, change.sku]);
  return true;
}

/** Applies `catalog.listing-upserted`: a new listing is due at once; a remapped one is due again. */
export async function applyListing(em: EntityManager, listing: { channel: string; externalId: string; sku: string; unitsPerListing: number }, now: string): Promise<void> {
  const [held] = await em.query('SELECT sku_code, units_per_listing FROM listing_sync WHERE channel_code = ? AND external_id = ?', [listing.channel, listing.externalId]);
  if (!held) {
    await em.query(
      `INSERT INTO listing_sync (channel_code, external_id, sku_code, units_per_listing, version, state, due_at, pending_since, attempts) VALUES (?, ?, ?, ?, 1, 'PENDING', ?, ?, 0)`,
      [listing.channel, listing.externalId, listing.sku, listing.unitsPerListing, now, now],
    );
    return;
  }
  if (held.sku_code === listing.sku && Number(held.units_per_listing) === listing.unitsPerListing) return;
  await em.query(`UPDATE listing_sync SET sku_code = ?, units_per_listing = ?, ${MARK_DUE} WHERE channel_code = ? AND external_id = ?`, [
    listing.sku, listing.unitsPerListing, now, now, listing.channel, listing.externalId,
  ]);
}

/** Applies `inventory.channel-upserted`: remembers whether the channel's owner paused it. */
export async function applyChannel(em: EntityManager, channel: { code: string; paused: boolean }, now: string): Promise<void> {
  const [held] = await em.query('SELECT code FROM channel_copy WHERE code = ?', [channel.code]);
  if (held) await em.query('UPDATE channel_copy SET paused = ?, updated_at = ? WHERE code = ?', [channel.paused ? 1 : 0, now, channel.code]);
  else await em.query('INSERT INTO channel_copy (code, paused, updated_at) VALUES (?, ?, ?)', [channel.code, channel.paused ? 1 : 0, now]);
}

export async function pausedByOwner(em: EntityManager, channel: string): Promise<boolean> {
  const [row] = await em.query('SELECT paused FROM channel_copy WHERE code = ?', [channel]);
  return Boolean(Number(row?.paused ?? 0));
}

/** Every listing of the channel must be pushed again with its current value (after an outage: re-sync). */
export async function resyncChannel(em: EntityManager, channel: string, now: string): Promise<void> {
  await em.query(`UPDATE listing_sync SET state = CASE WHEN state = 'PARKED' THEN state ELSE 'PENDING' END, ${MARK_DUE} WHERE channel_code = ?`, [now, now, channel]);
}

/** The listings of every other channel are due: what they may show changed (a hold-back began or ended). */
export async function recomputeOtherChannels(em: EntityManager, channel: string, now: string): Promise<void> {
  await em.query(`UPDATE listing_sync SET ${MARK_DUE} WHERE channel_code <> ?`, [now, now, channel]);
}
