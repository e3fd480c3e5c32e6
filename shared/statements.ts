import type { EntityManager } from 'typeorm';
import { flatten } from './arrays';

/**
 * SQL statements as values: built by the stores, sent together in one round trip on MySQL (one
 * after another on SQLite, in process), and the checks of what they changed.
 */
export type Dialect = 'sqlite' | 'mysql';

/** The dialect of the database an EntityManager talks to. */
export const dialectOf = (em: EntityManager): Dialect => (em.connection.options.type === 'mysql' ? 'mysql' : 'sqlite');

/** Runs a write inside the caller's transaction and returns how many rows it changed. */
export async function execute(em: EntityManager, sql: string, params: unknown[] = []): Promise<number> {
  if (!em.queryRunner) throw new Error('execute() must run inside a transaction');
  const result = await em.queryRunner.query(sql, params, true);
  return Number(result.affected ?? 0);
}

/** `?, ?, ?` for an IN list. */
export const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/** One SQL statement and its `?` values. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * The statements inserting many rows, `rowsPerStatement` to a statement (500 by default keeps
 * the bound values far under either engine's limit); `suffix` ends each statement (an ON
 * CONFLICT clause, say).
 */
export function insertStatements(
  table: string, columns: readonly string[], rows: readonly unknown[][], options: { rowsPerStatement?: number; suffix?: string } = {},
): Statement[] {
  const { rowsPerStatement = 500, suffix = '' } = options;
  const tuple = `(${placeholders(columns)})`;
  const statements: Statement[] = [];
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const chunk = rows.slice(start, start + rowsPerStatement);
    statements.push({ sql: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}${suffix && ` ${suffix}`}`, params: flatten(chunk) });
  }
  return statements;
}

/** Inserts many rows inside the caller's transaction (see `insertStatements`). */
export async function insertRows(
  em: EntityManager, table: string, columns: readonly string[], rows: readonly unknown[][], options: { rowsPerStatement?: number; suffix?: string } = {},
): Promise<void> {
  for (const statement of insertStatements(table, columns, rows, options)) await em.query(statement.sql, statement.params);
}

/** Sends statements as one request (MySQL, which allows several): one result each, in order. */
export function sendTogether(q: Queryable, statements: readonly Statement[]): Promise<any[]> {
  return q.query(statements.map((statement) => statement.sql).join(';\n'), flatten(statements.map((statement) => statement.params)));
}

/**
 * Runs write statements in order inside the caller's transaction and returns how many rows each
 * changed. On MySQL they travel together, in one round trip (the connection allows multiple
 * statements): under a hot row's lock, every round trip saved shortens the time the next
 * transaction waits. On SQLite, in process, they run one after another.
 */
export async function writeAll(em: EntityManager, statements: readonly Statement[]): Promise<number[]> {
  if (statements.length === 0) return [];
  if (statements.length === 1 || dialectOf(em) !== 'mysql') {
    const changed: number[] = [];
    for (const statement of statements) changed.push(await execute(em, statement.sql, statement.params));
    return changed;
  }
  const results: { affectedRows?: number }[] = await sendTogether(em, statements);
  return results.map((result) => Number(result.affectedRows ?? 0));
}

/** Writes waiting to be sent, and the check of how many rows each changed (it throws to roll back). */
export interface PendingWrites {
  statements: readonly Statement[];
  verify(changed: readonly number[]): void;
  /**
   * The statements (by index) that must change exactly one row, which `verify` checks: with
   * `Database.transactionCommitting` on MySQL a guard in SQL checks them before the COMMIT.
   */
  mustChangeOne?: readonly number[];
  /**
   * A condition in SQL (with its parameters) that holds once the writes applied as decided, and
   * implies what `mustChangeOne` says: when set, `transactionCommitting` checks it with one guard
   * before the COMMIT on MySQL, instead of one guard per statement of `mustChangeOne`.
   */
  holds?: Statement;
}

/** No writes: what a transaction's work returns to `transactionCommitting` when it has nothing left to write. */
export const NO_WRITES: PendingWrites = { statements: [], verify: () => undefined };

/** Writes with no row count to check: they apply as they are, whatever each changes. */
export const plainWrites = (statements: readonly Statement[]): PendingWrites => ({ statements, verify: () => undefined });

/**
 * The guard after a statement that must change exactly one row: it inserts the row that
 * `commit_guard` always holds, which fails as a duplicate key, unless that statement changed one
 * row. A failed statement ends a multi-statement request, so what follows (the COMMIT) never runs.
 * Duplicate keys fail whatever the server's sql_mode.
 */
const COMMIT_GUARD: Statement = { sql: 'INSERT INTO commit_guard (id) SELECT 0 FROM DUAL WHERE ROW_COUNT() <> 1', params: [] };

/** Thrown when a write of `PendingWrites.mustChangeOne` changed no row or more than one, or `holds` did not: its transaction is rolled back. */
export class GuardedWriteError extends Error {
  constructor() {
    super('A write that had to change exactly one row did not; the transaction was rolled back');
  }
}

/**
 * Sends `last` and the COMMIT in one request (MySQL), each must-change statement guarded; returns
 * how many rows each of `last` changed. `before` go first in the same request (the start of a
 * transaction of one request, with its checks).
 */
export async function commitWith(em: EntityManager, last: PendingWrites, before: readonly Statement[] = []): Promise<number[]> {
  if (last.statements.length === 0 && before.length === 0) {
    await em.query('COMMIT');
    return [];
  }
  const must = new Set(last.holds ? [] : last.mustChangeOne ?? []);
  const sent: Statement[] = [...before];
  const positions: number[] = [];
  last.statements.forEach((statement, index) => {
    positions.push(sent.length);
    sent.push(statement);
    if (must.has(index)) sent.push(COMMIT_GUARD);
  });
  if (last.holds) sent.push({ sql: `INSERT INTO commit_guard (id) SELECT 0 FROM DUAL WHERE NOT (${last.holds.sql})`, params: last.holds.params });
  sent.push({ sql: 'COMMIT', params: [] });
  let results: { affectedRows?: number }[];
  try {
    results = await sendTogether(em, sent);
  } catch (error) {
    const driverError = (error as { driverError?: { code?: string; sqlMessage?: string } }).driverError;
    if (driverError?.code === 'ER_DUP_ENTRY' && driverError.sqlMessage?.includes('commit_guard_row')) throw new GuardedWriteError();
    throw error;
  }
  return positions.map((position) => Number(results[position].affectedRows ?? 0));
}

/** Sends pending writes on their own (`writeAll`) and checks what they changed. */
export async function writePending(em: EntityManager, pending: PendingWrites): Promise<void> {
  const changed = await writeAll(em, pending.statements);
  if (pending.mustChangeOne?.some((index) => changed[index] !== 1)) throw new GuardedWriteError();
  if (pending.holds) {
    const [row] = await em.query(`SELECT CASE WHEN ${pending.holds.sql} THEN 1 ELSE 0 END AS ok`, [...pending.holds.params]);
    if (Number(row.ok) !== 1) throw new GuardedWriteError();
  }
  pending.verify(changed);
}

/**
 * Runs writes, then reads that see them, inside the caller's transaction; on MySQL all in one
 * round trip (writes and reads in order, as `writeAll` and `readAll` each would). Returns how
 * many rows each write changed and the rows of each read.
 */
export async function writeThenRead(em: EntityManager, dialect: Dialect, writes: readonly Statement[], reads: readonly Statement[]): Promise<{ changed: number[]; rows: any[][] }> {
  if (dialect !== 'mysql' || writes.length === 0 || reads.length === 0) {
    return { changed: await writeAll(em, writes), rows: await readAll(em, dialect, reads) };
  }
  const results = await sendTogether(em, [...writes, ...reads]);
  return { changed: results.slice(0, writes.length).map((result: { affectedRows?: number }) => Number(result.affectedRows ?? 0)), rows: results.slice(writes.length) };
}

/** The statements inserting many rows, or where a row with the same key exists, setting its `updateColumns` to the new values. */
export function upsertStatements(
  dialect: Dialect, table: string, keyColumns: readonly string[], updateColumns: readonly string[], rows: readonly unknown[][],
): Statement[] {
  const suffix = dialect === 'mysql'
    ? `ON DUPLICATE KEY UPDATE ${updateColumns.map((column) => `${column} = VALUES(${column})`).join(', ')}`
    : `ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET ${updateColumns.map((column) => `${column} = excluded.${column}`).join(', ')}`;
  return insertStatements(table, [...keyColumns, ...updateColumns], rows, { suffix });
}

/** Inserts many rows, or where a row with the same key exists, sets its `updateColumns` to the new values. */
export async function upsertRows(
  em: EntityManager, dialect: Dialect, table: string, keyColumns: readonly string[], updateColumns: readonly string[], rows: readonly unknown[][],
): Promise<void> {
  await writeAll(em, upsertStatements(dialect, table, keyColumns, updateColumns, rows));
}

/** Inserts a row unless its primary key exists, in either dialect. */
export function insertIgnore(dialect: Dialect, table: string, columns: string[]): string {
  const verb = dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  return `${verb} INTO ${table} (${columns.join(', ')}) VALUES (${placeholders(columns)})`;
}

/** Inserts one row inside the caller's transaction and returns its generated id. */
export async function insertReturningId(em: EntityManager, sql: string, params: unknown[]): Promise<number> {
  if (!em.queryRunner) throw new Error('insertReturningId() must run inside a transaction');
  const result = await em.queryRunner.query(sql, params, true);
  const raw = result.raw as { insertId?: number } | number | bigint;
  return Number(typeof raw === 'object' && raw !== null ? raw.insertId : raw);
}

/** Anything that runs SQL: a Database for reads, an EntityManager inside a transaction. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any[]>;
}

/**
 * Runs reads in order and returns the rows of each; on MySQL they travel together, in one
 * round trip, and still run one after another (a locking read first locks, then the reads after
 * it see what committed before it got the lock).
 */
export async function readAll(q: Queryable, dialect: Dialect, statements: readonly Statement[]): Promise<any[][]> {
  if (statements.length > 1 && dialect === 'mysql') {
    return sendTogether(q, statements);
  }
  const results: any[][] = [];
  for (const statement of statements) results.push(await q.query(statement.sql, statement.params));
  return results;
}
