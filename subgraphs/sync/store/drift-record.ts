import { execute, placeholders, type Database } from '../../../shared/database';
import { raiseOnce, resolveIfOpen } from './open-alerts';

/** A listing as the reconciler compares it: only one settled (nothing due, last push accepted) can be judged. */
export interface SettledListing {
  externalId: string;
  sku: string;
  unitsPerListing: number;
  version: number;
  settled: boolean;
  pushedAt: number | null;
  available: number | null;
  driftSince: number | null;
}

export interface DriftFinding {
  externalId: string;
  sku: string;
  version: number;
  observed: number;
  message: string;
}

const ms = (value: string | null) => (value ? Date.parse(value) : null);

/** Drift found by comparing what channels show with what stockgraph computes, kept on each listing. */
export class DriftRecord {
  constructor(private readonly db: Database) {}

  /** The channel's listings in externalId order, `limit` after `after`. */
  async listings(channel: string, after: string | null, limit: number): Promise<SettledListing[]> {
    const rows = await this.db.query(
      `SELECT l.external_id, l.sku_code, l.units_per_listing, l.version, l.state, l.due_at, l.pushed_at, l.drift_since, a.available
       FROM listing_sync l LEFT JOIN channel_availability a ON a.channel_code = l.channel_code AND a.sku_code = l.sku_code
       WHERE l.channel_code = ?${after === null ? '' : ' AND l.external_id > ?'} ORDER BY l.external_id LIMIT ${Math.floor(limit)}`,
      after === null ? [channel] : [channel, after],
    );
    return rows.map((row) => ({
      externalId: row.external_id, sku: row.sku_code, unitsPerListing: Number(row.units_per_listing), version: Number(row.version),
      settled: row.due_at == null && row.state === 'ACKNOWLEDGED', pushedAt: ms(row.pushed_at), available: row.available == null ? null : Number(row.available), driftSince: ms(row.drift_since),
    }));
  }

  /**
   * Records drift on listings that did not move while the channel was read (same version), with
   * one DRIFT alert per SKU and channel until it is over. `correct`: the listing is pushed again
   * over the channel's figure, which is what it is compared against.
   */
  async record(channel: string, findings: readonly DriftFinding[], correct: boolean, now: number): Promise<number> {
    if (findings.length === 0) return 0;
    const at = new Date(now).toISOString();
    return this.db.transaction(async (em) => {
      let recorded = 0;
      for (const finding of findings) {
        const again = correct ? `, state = 'PENDING', version = version + 1, due_at = ?, pending_since = COALESCE(pending_since, ?)` : '';
        const changed = await execute(em,
          `UPDATE listing_sync SET drift_quantity = ?, drift_since = COALESCE(drift_since, ?), drift_seen_at = ?, channel_quantity = ?${again} WHERE channel_code = ? AND external_id = ? AND version = ?`,
          [finding.observed, at, at, finding.observed, ...(correct ? [at, at] : []), channel, finding.externalId, finding.version],
        );
        // A listing that changed while the channel was read is judged next time, not now.
        if (changed === 0) continue;
        recorded++;
        await raiseOnce(em, this.db.dialect, { kind: 'DRIFT', channel, sku: finding.sku, message: finding.message });
      }
      return recorded;
    });
  }

  /** Listings found back in line: their drift is over, and so is a SKU's DRIFT alert once none of its listings drifts. */
  async clear(channel: string, listings: readonly { externalId: string; sku: string }[]): Promise<boolean> {
    if (listings.length === 0) return false;
    return this.db.transaction(async (em) => {
      let resolved = false;
      const ids = listings.map((listing) => listing.externalId);
      await em.query(`UPDATE listing_sync SET drift_quantity = NULL, drift_since = NULL, drift_seen_at = NULL WHERE channel_code = ? AND external_id IN (${placeholders(ids)})`, [channel, ...ids]);
      for (const sku of new Set(listings.map((listing) => listing.sku))) {
        const [{ n }] = await em.query('SELECT COUNT(*) AS n FROM listing_sync WHERE channel_code = ? AND sku_code = ? AND drift_since IS NOT NULL', [channel, sku]);
        if (Number(n) === 0) resolved = (await resolveIfOpen(em, 'DRIFT', channel, sku, `Every listing of SKU ${sku} on ${channel} shows what stockgraph computes again`)) || resolved;
      }
      return resolved;
    });
  }
}
