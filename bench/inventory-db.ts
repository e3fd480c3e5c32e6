// Connections of a benchmark's own to the system's inventory database, beside the engine's.
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { mysqlDatabaseName } from '../shared/database';
import type { TestSystem } from '../test/support/system';

/** A connection of its own to the system's inventory database, set up as the engine's are. */
export function openInventorySqlite(system: TestSystem): SqliteDatabase.Database {
  const connection = new SqliteDatabase(path.join(system.config.dataDir, 'inventory.sqlite'));
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = NORMAL');
  connection.pragma('busy_timeout = 10000');
  return connection;
}

/** The system's inventory database on MySQL. */
export function inventoryMysqlUrl(system: TestSystem): string {
  const url = new URL(system.config.databaseUrl!);
  url.pathname = `/${mysqlDatabaseName(system.config.databaseUrl!, 'inventory')}`;
  return url.toString();
}

const UNPUBLISHED = "SELECT COUNT(*) AS n FROM outbox WHERE seq IS NULL OR seq > (SELECT published_through FROM outbox_state WHERE name = 'relay')";

/**
 * Waits until every event written to inventory's outbox so far has been published (and so, on
 * the embedded bus, consumed). On a connection of its own, so its polls are not counted among
 * the engine's statements.
 */
export async function outboxWatch(system: TestSystem): Promise<{ published: () => Promise<void>; close: () => Promise<void> }> {
  let unpublished: () => Promise<number>;
  let close: () => Promise<void>;
  if (system.config.databaseUrl) {
    const mysql = await import('mysql2/promise');
    const connection = await mysql.createConnection({ uri: inventoryMysqlUrl(system) });
    unpublished = async () => Number(((await connection.query(UNPUBLISHED))[0] as { n: number }[])[0].n);
    close = () => connection.end();
  } else {
    const connection = openInventorySqlite(system);
    const statement = connection.prepare(UNPUBLISHED);
    unpublished = async () => Number((statement.get() as { n: number }).n);
    close = async () => { connection.close(); };
  }
  const published = async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const left = await unpublished();
      if (left === 0) return;
      if (Date.now() > deadline) throw new Error(`inventory's outbox still held ${left} unpublished events after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  return { published, close };
}
