import { placeholders, type Database } from '../../../shared/database';
import type { SyncState } from '../domain/push-plan';

export interface ListingSyncRow {
  channel: string;
  externalId: string;
  sku: string;
  unitsPerListing: number;
  /** As shown: an acknowledged listing with a newer value waiting is PENDING. */
  status: SyncState;
  available: number | null;
  pendingSince: string | null;
  pushedQuantity: number | null;
  pushedAt: string | null;
  channelQuantity: number | null;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  drift: { quantity: number; since: string; seenAt: string } | null;
}

const COLUMNS = `l.channel_code, l.external_id, l.sku_code, l.units_per_listing, l.state, l.due_at, l.pending_since, l.pushed_quantity, l.pushed_at, l.channel_quantity,
  l.attempts, l.last_error, l.last_attempt_at, l.drift_quantity, l.drift_since, l.drift_seen_at, a.available`;
const FROM = 'FROM listing_sync l LEFT JOIN channel_availability a ON a.channel_code = l.channel_code AND a.sku_code = l.sku_code';

const STATUS_FILTER: Record<SyncState, string> = {
  PENDING: "(l.state = 'PENDING' OR (l.state = 'ACKNOWLEDGED' AND l.due_at IS NOT NULL))",
  ACKNOWLEDGED: "l.state = 'ACKNOWLEDGED' AND l.due_at IS NULL",
  RETRYING: "l.state = 'RETRYING'",
  PARKED: "l.state = 'PARKED'",
};

const int = (value: unknown) => (value == null ? null : Number(value));

function toRow(row: Record<string, any>): ListingSyncRow {
  const status = row.state === 'ACKNOWLEDGED' && row.due_at != null ? 'PENDING' : row.state;
  return {
    channel: row.channel_code, externalId: row.external_id, sku: row.sku_code, unitsPerListing: Number(row.units_per_listing), status, available: int(row.available),
    pendingSince: row.pending_since, pushedQuantity: int(row.pushed_quantity), pushedAt: row.pushed_at, channelQuantity: int(row.channel_quantity),
    attempts: Number(row.attempts), lastError: row.last_error, lastAttemptAt: row.last_attempt_at,
    drift: row.drift_since ? { quantity: Number(row.drift_quantity), since: row.drift_since, seenAt: row.drift_seen_at } : null,
  };
}

/** What the graph shows of sync: listing states, parked pushes, queue sizes. */
export class SyncReader {
  constructor(private readonly db: Database) {}

  async listings(keys: readonly { channel: string; externalId: string }[]): Promise<(ListingSyncRow | null)[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.query(
      `SELECT ${COLUMNS} ${FROM} WHERE ${keys.map(() => '(l.channel_code = ? AND l.external_id = ?)').join(' OR ')}`,
      keys.flatMap((key) => [key.channel, key.externalId]),
    );
    const found = new Map(rows.map((row) => [`${row.channel_code}|${row.external_id}`, toRow(row)]));
    return keys.map((key) => found.get(`${key.channel}|${key.externalId}`) ?? null);
  }

  /** A channel's listings in externalId order, `first` after `after`, optionally in one status. */
  async byChannel(channel: string, status: SyncState | null, first: number, after: string | null): Promise<ListingSyncRow[]> {
    const where = ['l.channel_code = ?'];
    const params: unknown[] = [channel];
    if (status) where.push(STATUS_FILTER[status]);
    if (after !== null) { where.push('l.external_id > ?'); params.push(after); }
    const rows = await this.db.query(`SELECT ${COLUMNS} ${FROM} WHERE ${where.join(' AND ')} ORDER BY l.external_id LIMIT ${Math.floor(first)}`, params);
    return rows.map(toRow);
  }

  async parked(channel: string): Promise<{ externalId: string; quantity: number; error: string; attempts: number; parkedAt: string }[]> {
    const rows = await this.db.query('SELECT external_id, quantity, error, attempts, parked_at FROM parked_push WHERE channel_code = ? AND resolved_at IS NULL ORDER BY id LIMIT 1000', [channel]);
    return rows.map((row) => ({ externalId: row.external_id, quantity: Number(row.quantity), error: row.error, attempts: Number(row.attempts), parkedAt: row.parked_at }));
  }

  /** Listings waiting to be pushed and parked, per channel. */
  async counts(channels: readonly string[]): Promise<Map<string, { pending: number; parked: number }>> {
    const counts = new Map(channels.map((channel) => [channel, { pending: 0, parked: 0 }]));
    if (channels.length === 0) return counts;
    const rows = await this.db.query(
      `SELECT channel_code, SUM(CASE WHEN due_at IS NOT NULL THEN 1 ELSE 0 END) AS pending, SUM(CASE WHEN state = 'PARKED' THEN 1 ELSE 0 END) AS parked
       FROM listing_sync WHERE channel_code IN (${placeholders(channels)}) GROUP BY channel_code`,
      [...channels],
    );
    for (const row of rows) counts.set(row.channel_code, { pending: Number(row.pending ?? 0), parked: Number(row.parked ?? 0) });
    return counts;
  }
}
