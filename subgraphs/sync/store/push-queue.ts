import type { EntityManager } from 'typeorm';
import { placeholders, type Database } from '../../../shared/database';
import { retryDelay } from '../domain/backoff';
import type { ConnectorSettings } from '../domain/connector-settings';
import type { DueListing } from '../domain/push-plan';
import type { ChannelError } from '../connectors/connector';
import { raiseOnce, resolveIfOpen } from './open-alerts';

export interface QueuedListing extends DueListing {
  sku: string;
}

export interface Pushed {
  externalId: string;
  version: number;
  quantity: number;
}

export interface FailedPush extends Pushed {
  error: ChannelError;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The push queue: listings whose `due_at` has come. Only the process holding a channel's lease
 * takes from it; consumers on any replica add to it. An acknowledgement settles a listing only
 * if no newer change arrived while its push was in flight (the version it pushed is still the
 * current one); otherwise it stays due and its newest value goes next.
 */
export class PushQueue {
  constructor(private readonly db: Database) {}

  async due(channel: string, now: number, limit: number): Promise<QueuedListing[]> {
    const rows = await this.db.query(
      `SELECT l.external_id, l.sku_code, l.units_per_listing, l.version, l.state, l.pushed_quantity, l.channel_quantity, l.due_at, a.available
       FROM listing_sync l LEFT JOIN channel_availability a ON a.channel_code = l.channel_code AND a.sku_code = l.sku_code
       WHERE l.channel_code = ? AND l.due_at IS NOT NULL AND l.due_at <= ? ORDER BY l.due_at LIMIT ${Math.floor(limit)}`,
      [channel, iso(now)],
    );
    return rows.map((row) => ({
      externalId: row.external_id, sku: row.sku_code, unitsPerListing: Number(row.units_per_listing), version: Number(row.version), state: row.state,
      pushedQuantity: row.pushed_quantity == null ? null : Number(row.pushed_quantity), channelQuantity: row.channel_quantity == null ? null : Number(row.channel_quantity),
      dueAt: row.due_at, available: row.available == null ? null : Number(row.available),
    }));
  }

  /** The soonest moment a listing of the channel falls due, for a worker with nothing to do now. */
  async nextDue(channel: string): Promise<number | null> {
    const [row] = await this.db.query('SELECT MIN(due_at) AS next FROM listing_sync WHERE channel_code = ? AND due_at IS NOT NULL', [channel]);
    return row?.next ? Date.parse(row.next) : null;
  }

  /** Listings whose newest value is what the channel already accepted: nothing to send. */
  async settleUnchanged(channel: string, listings: readonly Pushed[]): Promise<void> {
    if (listings.length === 0) return;
    await this.db.transaction(async (em) => {
      for (const listing of listings) {
        await em.query('UPDATE listing_sync SET due_at = NULL, pending_since = NULL WHERE channel_code = ? AND external_id = ? AND version = ?', [channel, listing.externalId, listing.version]);
      }
    });
  }

  /**
   * The channel accepted these values. `claimedAt`: when they were read; a listing that changed
   * since is due again from then, behind the listings that waited longer (a SKU that sells all
   * the time must not take every turn of a channel that takes one listing per request).
   * Returns whether it resolved an alert (an event to publish).
   */
  async acknowledge(channel: string, pushed: readonly Pushed[], claimedAt: number, now: number): Promise<boolean> {
    if (pushed.length === 0) return false;
    return this.db.transaction(async (em) => {
      const ids = pushed.map((listing) => listing.externalId);
      const before = await em.query(`SELECT external_id, sku_code, drift_since FROM listing_sync WHERE channel_code = ? AND external_id IN (${placeholders(ids)})`, [channel, ...ids]);
      for (const listing of pushed) {
        await em.query(
          `UPDATE listing_sync SET pushed_quantity = ?, pushed_at = ?, channel_quantity = ?, state = 'ACKNOWLEDGED', attempts = 0, last_error = NULL, last_attempt_at = ?,
            due_at = CASE WHEN version = ? THEN NULL ELSE ? END, pending_since = CASE WHEN version = ? THEN NULL ELSE ? END,
            drift_quantity = NULL, drift_since = NULL, drift_seen_at = NULL
           WHERE channel_code = ? AND external_id = ?`,
          [listing.quantity, iso(now), listing.quantity, iso(now), listing.version, iso(claimedAt), listing.version, iso(claimedAt), channel, listing.externalId],
        );
      }
      await em.query(`UPDATE parked_push SET resolved_at = ? WHERE channel_code = ? AND resolved_at IS NULL AND external_id IN (${placeholders(ids)})`, [iso(now), channel, ...ids]);
      const skus = [...new Set(before.map((row: { sku_code: string }) => row.sku_code))] as string[];
      const drifted = new Set<string>(before.filter((row: { drift_since: string | null }) => row.drift_since).map((row: { sku_code: string }) => row.sku_code));
      return resolveSettled(em, channel, skus, drifted);
    });
  }

  /**
   * Records failed pushes: a throttled one waits what the channel asked; a refused one is
   * parked at once; any other is retried after a jittered backoff until it has failed
   * `maxAttempts` times, then parked with its error and a SYNC_FAILED alert.
   */
  async fail(channel: string, failed: readonly FailedPush[], settings: ConnectorSettings, now: number): Promise<number> {
    if (failed.length === 0) return 0;
    return this.db.transaction(async (em) => {
      const ids = failed.map((listing) => listing.externalId);
      const rows = await em.query(`SELECT external_id, sku_code, attempts FROM listing_sync WHERE channel_code = ? AND external_id IN (${placeholders(ids)})`, [channel, ...ids]);
      const held = new Map<string, { sku: string; attempts: number }>(rows.map((row: { external_id: string; sku_code: string; attempts: number }) => [row.external_id, { sku: row.sku_code, attempts: Number(row.attempts) }]));
      let parked = 0;
      for (const listing of failed) {
        const row = held.get(listing.externalId);
        if (!row) continue;
        const message = listing.error.message.slice(0, 1000);
        if (listing.error.kind === 'throttled') {
          const at = iso(now + (listing.error.retryAfterMs ?? settings.retry.baseMs));
          await em.query(`UPDATE listing_sync SET due_at = ?, last_error = ?, last_attempt_at = ? WHERE channel_code = ? AND external_id = ?`, [at, message, iso(now), channel, listing.externalId]);
          continue;
        }
        const attempts = listing.error.kind === 'rejected' ? Math.max(row.attempts + 1, settings.retry.maxAttempts) : row.attempts + 1;
        if (attempts < settings.retry.maxAttempts) {
          const at = iso(now + retryDelay(attempts, settings.retry));
          await em.query(`UPDATE listing_sync SET state = 'RETRYING', attempts = ?, due_at = ?, last_error = ?, last_attempt_at = ? WHERE channel_code = ? AND external_id = ?`, [
            attempts, at, message, iso(now), channel, listing.externalId,
          ]);
          continue;
        }
        parked++;
        await em.query(`UPDATE listing_sync SET state = 'PARKED', attempts = ?, due_at = NULL, last_error = ?, last_attempt_at = ? WHERE channel_code = ? AND external_id = ?`, [
          attempts, message, iso(now), channel, listing.externalId,
        ]);
        await em.query('INSERT INTO parked_push (channel_code, external_id, quantity, error, attempts, parked_at) VALUES (?, ?, ?, ?, ?, ?)', [
          channel, listing.externalId, listing.quantity, message, attempts, iso(now),
        ]);
        await raiseOnce(em, this.db.dialect, {
          kind: 'SYNC_FAILED', channel, sku: row.sku,
          message: `Pushing ${listing.quantity} for listing ${listing.externalId} (SKU ${row.sku}) to ${channel} failed ${attempts} time${attempts === 1 ? '' : 's'}: ${message}. Parked; it is pushed again with the current value when the channel recovers.`,
        });
      }
      return parked;
    });
  }

  /**
   * Parked listings of the channel become due again with their newest value. `attempts` left
   * before they park again: all of them after an outage, one for the periodic retry of refusals.
   */
  async unpark(channel: string, now: number, attemptsUsed: number, parkedBefore?: number): Promise<number> {
    return this.db.transaction(async (em) => {
      const params: unknown[] = [attemptsUsed, iso(now), iso(now), channel];
      let filter = '';
      if (parkedBefore !== undefined) { filter = ' AND last_attempt_at <= ?'; params.push(iso(parkedBefore)); }
      const [{ n }] = await em.query(`SELECT COUNT(*) AS n FROM listing_sync WHERE channel_code = ? AND state = 'PARKED'${filter}`, params.slice(3));
      if (Number(n) === 0) return 0;
      await em.query(`UPDATE listing_sync SET state = 'PENDING', attempts = ?, due_at = ?, pending_since = COALESCE(pending_since, ?) WHERE channel_code = ? AND state = 'PARKED'${filter}`, params);
      return Number(n);
    });
  }

  /** One listing of the channel, to ask the channel something when nothing is due. */
  async anyListing(channel: string): Promise<string | null> {
    const [row] = await this.db.query('SELECT external_id FROM listing_sync WHERE channel_code = ? LIMIT 1', [channel]);
    return row?.external_id ?? null;
  }
}

/**
 * After pushes of these SKUs were accepted: a SYNC_FAILED alert about a SKU with no parked
 * listing left, and a DRIFT alert about one with no drifting listing left, are resolved.
 */
async function resolveSettled(em: EntityManager, channel: string, skus: readonly string[], drifted: Set<string>): Promise<boolean> {
  let resolved = false;
  if (skus.length === 0) return resolved;
  const open = await em.query(`SELECT kind, sku_key FROM open_alert WHERE channel_code = ? AND sku_key IN (${placeholders(skus)})`, [channel, ...skus]);
  for (const alert of open as { kind: 'SYNC_FAILED' | 'DRIFT'; sku_key: string }[]) {
    if (alert.kind === 'DRIFT' && !drifted.has(alert.sku_key)) continue;
    const column = alert.kind === 'DRIFT' ? 'drift_since IS NOT NULL' : "state = 'PARKED'";
    const [{ n }] = await em.query(`SELECT COUNT(*) AS n FROM listing_sync WHERE channel_code = ? AND sku_code = ? AND ${column}`, [channel, alert.sku_key]);
    if (Number(n) > 0) continue;
    const message = alert.kind === 'DRIFT'
      ? `Every listing of SKU ${alert.sku_key} on ${channel} shows what stockgraph computes again`
      : `Every listing of SKU ${alert.sku_key} on ${channel} accepted its current quantity again`;
    resolved = (await resolveIfOpen(em, alert.kind, channel, alert.sku_key, message)) || resolved;
  }
  return resolved;
}
