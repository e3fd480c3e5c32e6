// What a hold is measured against: the raw conditional UPDATE, and the bare rows a recorded hold leaves.
import { insertStatements } from '../shared/database';
import { newId } from '../shared/ids';
import { LEDGER_COLUMNS } from '../subgraphs/inventory/store/stock-store';
import type { TestSystem } from '../test/support/system';
import { inventoryMysqlUrl, openInventorySqlite } from './inventory-db';

export const HOT_SKU = 'HOT';
/** Far more than any phase can hold, so no hold ever fails for lack of stock. */
export const HOT_STOCK = 1_000_000_000;
/** The statement a hold boils down to: take one unit while one is sellable. */
const RAW_HOLD = 'UPDATE stock_level SET reserved = reserved + 1 WHERE sku_code = ? AND location_code = ? AND on_hand - committed - reserved - damaged - quality_control - safety_stock >= 1';

/** The raw conditional UPDATE, on the system's own inventory database, with its own connections. */
export interface RawHolder {
  hold(sku: string): Promise<boolean>;
  close(): Promise<void>;
}

function rawSqlite(system: TestSystem): RawHolder {
  // better-sqlite3 is synchronous: one connection, as the engine has one writer; callers take turns.
  const connection = openInventorySqlite(system);
  const statement = connection.prepare(RAW_HOLD);
  return {
    hold: async (sku) => statement.run(sku, 'east').changes === 1,
    close: async () => { connection.close(); },
  };
}

async function rawMysql(system: TestSystem, connections: number): Promise<RawHolder> {
  const mysql = await import('mysql2/promise');
  const pool = mysql.createPool({ uri: inventoryMysqlUrl(system), connectionLimit: connections });
  return {
    hold: async (sku) => {
      const [result] = await pool.query(RAW_HOLD, [sku, 'east']);
      return (result as { affectedRows: number }).affectedRows === 1;
    },
    close: () => pool.end(),
  };
}

/**
 * The raw conditional UPDATE on the system's inventory database: on SQLite one `better-sqlite3`
 * connection (synchronous, so callers take turns, as the engine's single writer makes them), on
 * MySQL a pool of `connections`.
 */
export async function rawHolder(system: TestSystem, connections: number): Promise<RawHolder> {
  return system.config.databaseUrl ? rawMysql(system, connections) : rawSqlite(system);
}

/** The columns of the rows a grouped hold leaves, table by table. */
const BARE_TABLES = {
  reservation: ['id', 'channel_code', 'idempotency_key', 'payload_hash', 'status', 'expires_at', 'created_at', 'updated_at'],
  reservation_line: ['reservation_id', 'line_no', 'sku_code', 'quantity'],
  reservation_allocation: ['reservation_id', 'sku_code', 'location_code', 'quantity'],
  ledger_entry: LEDGER_COLUMNS,
} as const;

/** The rows `group` one-unit holds of the hot SKU leave, numbered from `first`, per table of `BARE_TABLES`. */
function bareHoldRows(group: number, first: number, tag: string): Record<keyof typeof BARE_TABLES, unknown[][]> {
  const now = new Date();
  const at = now.toISOString();
  // Held for 600 s like the engine's: a hold that lapsed here would give the sweeper work in the phases after.
  const expiresAt = new Date(now.getTime() + 600_000).toISOString();
  const rows: Record<keyof typeof BARE_TABLES, unknown[][]> = { reservation: [], reservation_line: [], reservation_allocation: [], ledger_entry: [] };
  for (let i = 0; i < group; i++) {
    const id = newId();
    rows.reservation.push([id, 'web', `bare-${tag}-${first + i}`, '0'.repeat(64), 'ACTIVE', expiresAt, at, at]);
    rows.reservation_line.push([id, 0, HOT_SKU, 1]);
    rows.reservation_allocation.push([id, HOT_SKU, 'east', 1]);
    rows.ledger_entry.push([HOT_SKU, 'east', 'RESERVE', null, 'reservation', id, at, at, 0, 0, 1, 0, 0, 0, 0, HOT_STOCK, 0, first + i, 0, 0, 0, 0]);
  }
  return rows;
}

/** One unit of the hot SKU taken `n` times over, the way a group takes its units: one conditional UPDATE. */
const TAKE_MANY = RAW_HOLD.replace('reserved + 1', 'reserved + ?').replace('>= 1', '>= ?');

/**
 * The least a hold can cost: the rows a grouped hold leaves (its reservation, line, allocation
 * and ledger entry, and one UPDATE of the stock row per group), written in transactions of
 * `group` holds on a connection of its own, with no decision, no idempotency check, no
 * availability and no events: how far the raw UPDATE is from anything that records each hold.
 * On SQLite a bare loop of prepared statements; on MySQL one request a transaction (its start,
 * a multi-row INSERT a table, the UPDATE and the COMMIT), as the engine sends its writes.
 * `write(i)` writes the i-th transaction.
 */
export async function bareRows(system: TestSystem, group: number): Promise<{ write: (i: number) => Promise<boolean>; close: () => Promise<void> }> {
  const tag = Math.random().toString(36).slice(2, 8);
  const tables = Object.keys(BARE_TABLES) as (keyof typeof BARE_TABLES)[];
  if (system.config.databaseUrl) {
    const mysql = await import('mysql2/promise');
    const connection = await mysql.createConnection({ uri: inventoryMysqlUrl(system), multipleStatements: true });
    return {
      write: async (i) => {
        const rows = bareHoldRows(group, i * group, tag);
        const statements = [
          { sql: 'START TRANSACTION', params: [] },
          ...tables.flatMap((table) => insertStatements(table, BARE_TABLES[table], rows[table])),
          { sql: TAKE_MANY, params: [group, HOT_SKU, 'east', group] },
          { sql: 'COMMIT', params: [] },
        ];
        const results = await connection.query(statements.map((statement) => statement.sql).join(';\n'), statements.flatMap((statement) => statement.params));
        return (results[0] as { affectedRows: number }[])[statements.length - 2].affectedRows === 1;
      },
      close: () => connection.end(),
    };
  }
  const connection = openInventorySqlite(system);
  const take = connection.prepare(TAKE_MANY);
  const inserts = tables.map((table) => [table, connection.prepare(insertStatements(table, BARE_TABLES[table], [BARE_TABLES[table].map(() => null)])[0].sql)] as const);
  const hold = connection.transaction((i: number) => {
    if (take.run(group, HOT_SKU, 'east', group).changes !== 1) return false;
    const rows = bareHoldRows(group, i * group, tag);
    for (const [table, insert] of inserts) for (const row of rows[table]) insert.run(row);
    return true;
  });
  return { write: async (i) => hold(i), close: async () => { connection.close(); } };
}
