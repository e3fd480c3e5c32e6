import type { EntityManager } from 'typeorm';
import { execute, insertIgnore, type Database } from '../../../shared/database';
import type { OutageFallback } from '../domain/connector-settings';
import { HEALTHY, type ChannelHealth } from '../domain/outage';

/** A channel's health as stored, with the fallback applied while it is DOWN. */
export interface StoredHealth extends ChannelHealth {
  downSince: number | null;
  fallback: OutageFallback | null;
  /** Units every other channel is shown fewer of while this one is DOWN (BUFFER_OTHER_CHANNELS). */
  holdBackUnits: number;
  /** This subgraph asked inventory to pause the channel, and must lift that pause. */
  pausedBySync: boolean;
}

export const UP: StoredHealth = { ...HEALTHY, downSince: null, fallback: null, holdBackUnits: 0, pausedBySync: false };

const ms = (value: string | null) => (value ? Date.parse(value) : null);
const iso = (value: number | null) => (value === null ? null : new Date(value).toISOString());

function toHealth(row: Record<string, any>): StoredHealth {
  return {
    state: row.state, failingSince: ms(row.failing_since), consecutiveFailures: Number(row.consecutive_failures), lastSuccessAt: ms(row.last_success_at),
    lastError: row.last_error, downSince: ms(row.down_since), fallback: row.fallback, holdBackUnits: Number(row.hold_back_units), pausedBySync: Boolean(Number(row.paused_by_sync)),
  };
}

/** Each channel's reachability, written only by the process holding the channel's lease. */
export class ChannelHealthStore {
  constructor(private readonly db: Database) {}

  async get(channel: string): Promise<StoredHealth> {
    const [row] = await this.db.query('SELECT * FROM channel_health WHERE channel_code = ?', [channel]);
    return row ? toHealth(row) : UP;
  }

  async all(): Promise<Map<string, StoredHealth>> {
    const rows = await this.db.query('SELECT * FROM channel_health');
    return new Map(rows.map((row) => [row.channel_code as string, toHealth(row)]));
  }

  async save(em: EntityManager, channel: string, health: StoredHealth): Promise<void> {
    await execute(em, insertIgnore(this.db.dialect, 'channel_health', ['channel_code', 'state', 'consecutive_failures', 'hold_back_units', 'paused_by_sync', 'updated_at']), [
      channel, 'UP', 0, 0, 0, new Date().toISOString(),
    ]);
    await em.query(
      `UPDATE channel_health SET state = ?, failing_since = ?, down_since = ?, last_success_at = ?, last_error = ?, consecutive_failures = ?, fallback = ?,
        hold_back_units = ?, paused_by_sync = ?, updated_at = ? WHERE channel_code = ?`,
      [health.state, iso(health.failingSince), iso(health.downSince), iso(health.lastSuccessAt), health.lastError?.slice(0, 1000) ?? null, health.consecutiveFailures,
        health.fallback, health.holdBackUnits, health.pausedBySync ? 1 : 0, new Date().toISOString(), channel],
    );
  }

  /** Units a channel's listings are held back by: what the DOWN channels other than it ask for. */
  async holdBackFor(channel: string): Promise<number> {
    const [row] = await this.db.query("SELECT COALESCE(SUM(hold_back_units), 0) AS units FROM channel_health WHERE channel_code <> ? AND state = 'DOWN'", [channel]);
    return Number(row?.units ?? 0);
  }
}

/**
 * Which process pushes to a channel: one at a time, so the channel's rate limit is kept by one
 * client however many replicas run, and a replica that dies hands over when its lease lapses.
 */
export class LeaseStore {
  constructor(private readonly db: Database) {}

  async hold(channel: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    return this.db.transaction(async (em) => {
      await execute(em, insertIgnore(this.db.dialect, 'channel_lease', ['channel_code', 'holder', 'lease_until']), [channel, null, 0]);
      const held = await execute(em, 'UPDATE channel_lease SET holder = ?, lease_until = ? WHERE channel_code = ? AND (holder = ? OR holder IS NULL OR lease_until < ?)', [
        holder, now + ttlMs, channel, holder, now,
      ]);
      return held === 1;
    });
  }

  async release(channel: string, holder: string): Promise<void> {
    await this.db.transaction((em) => em.query('UPDATE channel_lease SET holder = NULL, lease_until = 0 WHERE channel_code = ? AND holder = ?', [channel, holder]));
  }
}
