import type { EntityManager } from 'typeorm';
import { execute, type Database } from './database';

/** Rows deleted per transaction when pruning, so a long backlog never holds the write lock for long. */
export const PRUNE_CHUNK = 2000;

/**
 * Deletes consumers' records of events applied before `olderThan`, `chunk` rows a transaction,
 * and returns how many went. A record only has to outlive the redeliveries of its event, which
 * come within seconds while the system runs: a relay publishes again what it published but had
 * not marked when it stopped, at its next drain, and an event a consumer took and did not
 * acknowledge goes to a live consumer after `EVENT_CLAIM_IDLE_MS`. The retention is days (the
 * relay's maintenance passes `PROCESSED_EVENT_RETENTION_HOURS`), and its first pass runs a minute
 * after the process starts, once those redeliveries are through.
 */
export function pruneProcessedEvents(db: Database, olderThan: Date, chunk = PRUNE_CHUNK): Promise<number> {
  const before = olderThan.toISOString();
  // Oldest first, through the age index; DELETE ... LIMIT is in MariaDB, MySQL and the SQLite build better-sqlite3 ships.
  return deleteInChunks(db, chunk, (em) => execute(em, 'DELETE FROM processed_event WHERE processed_at < ? ORDER BY processed_at LIMIT ?', [before, chunk]));
}

/**
 * Runs `deleteChunk` (which deletes at most `chunk` rows and says how many) in a transaction of
 * its own, again and again until it deletes fewer than `chunk`; returns how many rows went in all.
 */
export async function deleteInChunks(db: Database, chunk: number, deleteChunk: (em: EntityManager) => Promise<number>): Promise<number> {
  let removed = 0;
  for (;;) {
    const gone = await db.transaction(deleteChunk);
    removed += gone;
    if (gone < chunk) return removed;
  }
}
