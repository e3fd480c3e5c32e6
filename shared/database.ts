import fs from 'node:fs';
import path from 'node:path';
import { DataSource, type EntityManager, type MixedList } from 'typeorm';
import type { Config } from './config';
import { commitWith, plainWrites, readAll, sendTogether, writeAll, writePending, type Dialect, type PendingWrites, type Statement } from './statements';
import { walCheckpointer, WRITER_AUTOCHECKPOINT_PAGES } from './wal-checkpointer';

export * from './statements';

export interface DatabaseSpec {
  /** The owning subgraph (or `gateway`): names the SQLite file or the MySQL database. */
  name: string;
  entities: MixedList<Function>;
  migrations: MixedList<Function>;
}

const MYSQL_RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
/** How every MySQL transaction here starts: reading committed data, so each statement sees what committed before it. */
const START_READ_COMMITTED: readonly Statement[] = [
  { sql: 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED', params: [] }, { sql: 'START TRANSACTION', params: [] },
];

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
   * MySQL: a transaction of one request, for writes decided without reading (from figures the
   * caller kept): the start, `checks` (which fail the request unless what the writes were decided
   * from is still so, like the guards of `transactionCommitting`), `last` with its guards, and the
   * COMMIT. When any statement fails, nothing is committed, the transaction is rolled back and the
   * error thrown, for the caller to start again the usual way.
   */
  async commitInOneRequest(checks: readonly Statement[], last: PendingWrites): Promise<void> {
    if (this.dialect !== 'mysql') throw new Error('commitInOneRequest() is for MySQL');
    const runner = this.writer.createQueryRunner();
    try {
      last.verify(await commitWith(runner.manager, last, [...START_READ_COMMITTED, ...checks]));
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * Writes `statements` in one transaction, all or none: on MySQL one request (its start, the
   * writes and the COMMIT), on SQLite in the writer's turn. For writes that need nothing read
   * first, such as appending to a log or moving a mark.
   */
  writeTogether(statements: readonly Statement[]): Promise<void> {
    if (this.dialect === 'sqlite') return this.transaction(async (em) => { await writeAll(em, statements); });
    return this.withDeadlockRetry(() => this.commitInOneRequest([], plainWrites(statements)));
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
      const results = await sendTogether(runner.manager, [...START_READ_COMMITTED, ...first]);
      state.isTransactionActive = true;
      const result = await commit(runner.manager, await work(runner.manager, results.slice(START_READ_COMMITTED.length)));
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

