import type { Database } from '../../shared/database';
import type { TestSystem } from './system';
import { openAccessStore } from '../../gateway/access';

/** Columns and tables that move on their own (relay lease and progress, consumers, last use), not because of a mutation. */
const MOVING_TABLES = new Set(['processed_event', 'outbox_state', 'migrations', 'typeorm_metadata', 'audit_log']);
const MOVING_COLUMNS = new Set(['last_used_at']);

async function tablesOf(db: Database): Promise<string[]> {
  const rows = db.dialect === 'sqlite'
    ? await db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    : await db.query('SHOW TABLES');
  return rows.map((row: Record<string, string>) => Object.values(row)[0]).filter((name) => !MOVING_TABLES.has(name)).sort();
}

async function dump(db: Database): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const table of await tablesOf(db)) {
    const rows = await db.query(`SELECT * FROM ${table}`);
    tables[table] = rows
      .map((row: Record<string, unknown>) => JSON.stringify(Object.entries(row).filter(([column]) => !MOVING_COLUMNS.has(column)).sort()))
      .sort();
  }
  return tables;
}

/**
 * Every row of every database the system owns (the four subgraphs and the gateway's keys),
 * to compare before and after something that must change nothing.
 */
export async function everyRow(system: TestSystem): Promise<Record<string, Record<string, unknown[]>>> {
  const access = await openAccessStore(system.config);
  try {
    const state: Record<string, Record<string, unknown[]>> = { gateway: await dump(access.db) };
    for (const [name, runtime] of Object.entries(system.subgraphs)) state[name] = await dump(runtime.db);
    return state;
  } finally {
    await access.db.close();
  }
}

/** Waits until background work (outbox relays, consumers) has settled, so a later comparison sees only the test's own changes. */
export async function settledRows(system: TestSystem): Promise<Record<string, Record<string, unknown[]>>> {
  let previous = JSON.stringify(await everyRow(system));
  for (let attempt = 0; attempt < 50; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const current = JSON.stringify(await everyRow(system));
    if (current === previous) return JSON.parse(current);
    previous = current;
  }
  throw new Error('the databases kept changing');
}
