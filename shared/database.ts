import fs from 'node:fs';
import path from 'node:path';
import { DataSource, type EntityManager, type MixedList } from 'typeorm';
import { flatten } from './arrays';
import type { Config } from './config';
import { walCheckpointer, WRITER_AUTOCHECKPOINT_PAGES } from './wal-checkpointer';

export type Dialect = 'sqlite' | 'mysql';

export interface DatabaseSpec {
  /** The owning subgraph (or `gateway`): names the SQLite file or the MySQL database. */
  name: string;
  entities: MixedList<Function>;
  migrations: MixedList<Function>;
}

const MYSQL_RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/**
 * One subgraph's database. Writes go through `transaction`; reads through `manager`.
 *
 * SQLite (embedded): better-sqlite3 is one synchronous connection, so TypeORM would interleave
 * two concurrent transactions on it. Transactions are therefore run one after another on the
 * writer connection, while reads use a second connection that, in WAL mode, sees only
 * committed data. This queue only serialises use of the single connection; correctness of a
 * hold still comes from the conditional statements inside the transaction.
 * MySQL: a connection pool; transactions run concurrently and are retried on deadlock.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  /** Statements sent so far, BEGIN and COMMIT included: feeds the benchmark and metrics. */
  queries = 0;

  constructor(
    readonly name: string,
    readonly dialect: Dialect,
    readonly writer: DataSource,
    private readonly reader: DataSource,
    /** The SQLite file, checkpointed by `walCheckpointer` while this is open. */
    private readonly file?: string,
  ) {
    // TypeORM hands every statement of every query runner to its logger, whatever `logging` says.
    for (const source of new Set([writer, reader])) {
      const logQuery = source.logger.logQuery.bind(source.logger);
      source.logger.logQuery = (...args) => {
        this.queries++;
        return logQuery(...args);
      };
    }
  }

  get manager(): EntityManager {
    return this.reader.manager;
  }

  /** Plain read query with `?` placeholders (both dialects accept them). */
  query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.reader.query(sql, params);
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.transactionReading([], work);
  }

  /**
   * A transaction that begins with `first`, reads that need nothing decided yet, and hands their
   * rows to `work`. On MySQL the reads travel with the transaction's start, so setting READ
   * COMMITTED, starting and reading are one round trip instead of three; the COMMIT is a round trip
   * of its own. On SQLite they run first inside the transaction.
   */
  transactionReading<T>(first: readonly Statement[], work: (em: EntityManager, rows: any[][]) => Promise<T>): Promise<T> {
    if (this.dialect === 'sqlite') {
      const run = this.queue.then(() => this.writer.transaction(async (em) => work(em, await readAll(em, 'sqlite', first))));
      this.queue = run.catch(() => undefined);
      return run;
    }
    return this.withDeadlockRetry(() => this.mysqlTransaction(first, work));
  }

  /**
   * A transaction whose work ends with writes that nothing in it reads or decides after: `work`
   * returns them (`last`) with its result. On MySQL they travel with the COMMIT, in one round
   * trip instead of two, so the rows they lock are held one round trip less; each statement of
   * `last.mustChangeOne` is followed by a guard that fails the request before it reaches the
   * COMMIT unless that statement changed exactly one row (or one guard checks `last.holds` after
   * them all), and then nothing is committed. On
   * SQLite they are written and checked, then committed.
   */
  transactionCommitting<T>(first: readonly Statement[], work: (em: EntityManager, rows: any[][]) => Promise<{ result: T; last: PendingWrites }>): Promise<T> {
    if (this.dialect === 'sqlite') {
      return this.transactionReading(first, async (em, rows) => {
        const { result, last } = await work(em, rows);
        await writePending(em, last);
        return result;
      });
    }
    return this.withDeadlockRetry(() => this.mysqlTransaction(first, work, async (em, { result, last }) => {
      last.verify(await commitWith(em, last));
      return result;
    }));
  }

  /**
   * TypeORM starts a transaction with two requests (SET TRANSACTION, then START TRANSACTION) and
   * cannot add reads to them, so the query runner's transaction is run here with plain SQL. It is
   * marked active, so nothing inside starts another; nothing in this code base nests transactions.
   * `commit` ends it, from what `work` returned.
   */
  private async mysqlTransaction<W, T>(
    first: readonly Statement[], work: (em: EntityManager, rows: any[][]) => Promise<W>,
    commit: (em: EntityManager, done: W) => Promise<T> = async (em, done) => { await em.query('COMMIT'); return done as unknown as T; },
  ): Promise<T> {
    const runner = this.writer.createQueryRunner();
    const state = runner as { isTransactionActive: boolean };
    try {
      const results = await sendTogether(runner.manager, [
        { sql: 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED', params: [] }, { sql: 'START TRANSACTION', params: [] }, ...first,
      ]);
      state.isTransactionActive = true;
      const result = await commit(runner.manager, await work(runner.manager, results.slice(2)));
      state.isTransactionActive = false;
      return result;
    } catch (error) {
      // Also when the start itself failed part-way: ROLLBACK without a transaction does nothing.
      state.isTransactionActive = false;
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async withDeadlockRetry<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ??
          (error as { code?: string }).code;
        if (!code || !MYSQL_RETRYABLE.has(code) || tries >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * tries));
      }
    }
  }

  async ping(): Promise<void> {
    await this.reader.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.queue;
    // First, so the worker's connection is closed before these and the last one out cleans up.
    if (this.file) await walCheckpointer.remove(this.file);
    if (this.reader !== this.writer && this.reader.isInitialized) await this.reader.destroy();
    if (this.writer.isInitialized) await this.writer.destroy();
  }
}

export function mysqlDatabaseName(databaseUrl: string, name: string): string {
  const prefix = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'stock';
  return `${prefix}_${name}`;
}

async function ensureMysqlDatabase(databaseUrl: string, database: string): Promise<void> {
  const mysql = await import('mysql2/promise');
  const url = new URL(databaseUrl);
  url.pathname = '/';
  const connection = await mysql.createConnection({ uri: url.toString() });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
}

/** Prepared statements kept per SQLite connection. */
const STATEMENT_CACHE_SIZE = 2000;

/** Opens (and migrates) a subgraph's database: SQLite under DATA_DIR, or MySQL when DATABASE_URL is set. */
export async function openDatabase(
  config: Pick<Config, 'dataDir' | 'databaseUrl'>,
  spec: DatabaseSpec,
): Promise<Database> {
  const common = { entities: spec.entities, migrations: spec.migrations, logging: false as const };
  if (config.databaseUrl) {
    const database = mysqlDatabaseName(config.databaseUrl, spec.name);
    await ensureMysqlDatabase(config.databaseUrl, database);
    const url = new URL(config.databaseUrl);
    url.pathname = `/${database}`;
    const source = new DataSource({
      ...common,
      type: 'mysql',
      url: url.toString(),
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: false,
      poolSize: 20,
      migrationsTransactionMode: 'each',
      // writeAll sends a transaction's writes in one round trip; every value is still bound by the driver.
      multipleStatements: true,
    });
    await source.initialize();
    await source.runMigrations();
    // Every database may commit guarded writes (COMMIT_GUARD): its one row is what the guard collides with.
    // The key's name is in the duplicate-key message on MariaDB and MySQL alike (the table's is not).
    await source.query('CREATE TABLE IF NOT EXISTS commit_guard (id INT NOT NULL, CONSTRAINT commit_guard_row UNIQUE (id))');
    await source.query('INSERT IGNORE INTO commit_guard (id) VALUES (0)');
    return new Database(spec.name, 'mysql', source, source);
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const file = path.join(config.dataDir, `${spec.name}.sqlite`);
  const prepareDatabase = (db: any) => {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    // Checkpoints run on a worker thread (see wal-checkpointer.ts); commits only append to the log.
    db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  };
  // TypeORM keeps 100 prepared statements by default, first in first out. Statements with an IN
  // list or many VALUES rows differ in text with the size of a group, so the working set is a
  // few hundred: with 100, most statements were prepared anew on every run.
  const sqlite = { type: 'better-sqlite3' as const, database: file, prepareDatabase, statementCacheSize: STATEMENT_CACHE_SIZE };
  const writer = new DataSource({ ...common, ...sqlite });
  await writer.initialize();
  await writer.runMigrations({ transaction: 'each' });
  const reader = new DataSource({ ...common, ...sqlite, migrations: [] });
  await reader.initialize();
  await walCheckpointer.add(file);
  return new Database(spec.name, 'sqlite', writer, reader, file);
}

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
function sendTogether(q: Queryable, statements: readonly Statement[]): Promise<any[]> {
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

/** Sends `last` and the COMMIT in one request (MySQL), each must-change statement guarded; returns how many rows each of `last` changed. */
async function commitWith(em: EntityManager, last: PendingWrites): Promise<number[]> {
  if (last.statements.length === 0) {
    await em.query('COMMIT');
    return [];
  }
  const must = new Set(last.holds ? [] : last.mustChangeOne ?? []);
  const sent: Statement[] = [];
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
