import type { EntityManager } from 'typeorm';
import { unique } from '../../../shared/arrays';
import { insertStatements, placeholders, type Dialect, type Statement } from '../../../shared/database';

/**
 * Sync's own copies, fed by events: listings (which SKU, how many units each), channels
 * (whether their owner paused them) and each SKU's availability per channel. A change marks
 * the listings it moves as due: `version` goes up and `due_at` is set unless it already is, so
 * a listing keeps its place in the queue however many changes pile up behind it (coalescing).
 * A parked listing stays parked; it is pushed with its newest value when it is retried.
 */
const MARK_DUE = `version = version + 1, due_at = CASE WHEN state = 'PARKED' THEN NULL ELSE COALESCE(due_at, ?) END, pending_since = COALESCE(pending_since, ?)`;

export interface AvailabilityChange {
  channel: string;
  sku: string;
  available: number;
  /** Its publication sequence; 0 when unknown, which always applies. */
  seq: number;
}

/**
 * What applying a run of `inventory.availability-changed` events writes; a value older than the
 * one held (redelivered out of order) changes nothing. Only the newest change of each channel
 * and SKU in the run can survive it, so the run costs one read of what is held and two writes
 * per channel whatever its length: the newer values (guarded again, for a consumer in another
 * process) and their listings marked due. Returns the writes, for the caller to send (with its
 * COMMIT, on MySQL), and the channels with a listing that may have moved.
 */
export async function availabilityWrites(em: EntityManager, dialect: Dialect, changes: readonly AvailabilityChange[], now: string): Promise<{ writes: Statement[]; moved: Set<string> }> {
  const writes: Statement[] = [];
  const moved = new Set<string>();
  const last = new Map<string, AvailabilityChange>();
  for (const change of changes) {
    const key = `${change.channel}|${change.sku}`;
    const kept = last.get(key);
    if (!kept || change.seq === 0 || (kept.seq !== 0 && change.seq > kept.seq)) last.set(key, change);
  }
  if (last.size === 0) return { writes, moved };
  const byChannel = new Map<string, AvailabilityChange[]>();
  for (const change of last.values()) {
    if (!byChannel.has(change.channel)) byChannel.set(change.channel, []);
    byChannel.get(change.channel)!.push(change);
  }
  const channels = [...byChannel.keys()];
  const skus = unique([...last.values()].map((change) => change.sku));
  const rows = await em.query(
    `SELECT channel_code, sku_code, seq FROM channel_availability WHERE channel_code IN (${placeholders(channels)}) AND sku_code IN (${placeholders(skus)})`,
    [...channels, ...skus],
  );
  const held = new Map<string, number>(rows.map((row: { channel_code: string; sku_code: string; seq: number }) => [`${row.channel_code}|${row.sku_code}`, Number(row.seq)]));
  const suffix = dialect === 'mysql'
    ? 'ON DUPLICATE KEY UPDATE available = IF(VALUES(seq) = 0 OR seq < VALUES(seq), VALUES(available), available), seq = IF(VALUES(seq) = 0 OR seq < VALUES(seq), VALUES(seq), seq)'
    : 'ON CONFLICT (channel_code, sku_code) DO UPDATE SET available = excluded.available, seq = excluded.seq WHERE excluded.seq = 0 OR channel_availability.seq < excluded.seq';
  for (const [channel, latest] of byChannel) {
    const newer = latest.filter((change) => {
      const seq = held.get(`${channel}|${change.sku}`);
      return seq === undefined || change.seq === 0 || seq < change.seq;
    });
    if (newer.length === 0) continue;
    writes.push(...insertStatements('channel_availability', ['channel_code', 'sku_code', 'available', 'seq'], newer.map((change) => [channel, change.sku, change.available, change.seq]), { suffix }));
    const due = newer.map((change) => change.sku);
    writes.push({ sql: `UPDATE listing_sync SET ${MARK_DUE} WHERE channel_code = ? AND sku_code IN (${placeholders(due)})`, params: [now, now, channel, ...due] });
    moved.add(channel);
  }
  return { writes, moved };
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
