import { GuardedWriteError, openDatabase, writeAll, writeThenRead, type Database } from '../../shared/database';
import { dropTestDatabases, testConfig } from '../support/config';

/** writeAll on SQLite, or on MySQL when TEST_MYSQL_URL is set. */
const config = testConfig();
let db: Database;

beforeAll(async () => {
  db = await openDatabase(config, { name: 'writes', entities: [], migrations: [] });
  await db.transaction((em) => em.query('CREATE TABLE counter (name VARCHAR(20) PRIMARY KEY, n INTEGER NOT NULL)'));
});
afterAll(async () => {
  await db.close();
  await dropTestDatabases(config);
});

describe('writes sent together', () => {
  it('applies them in order and tells how many rows each changed, in one round trip on MySQL', async () => {
    const before = db.queries;
    const changed = await db.transaction((em) => writeAll(em, [
      { sql: 'INSERT INTO counter (name, n) VALUES (?, ?), (?, ?)', params: ['a', 1, 'b', 1] },
      { sql: 'UPDATE counter SET n = n + ? WHERE name = ?', params: [5, 'a'] },
      { sql: 'UPDATE counter SET n = n + 1 WHERE name = ? AND n > ?', params: ['b', 100] },
    ]));
    expect(changed).toEqual([2, 1, 0]);
    // The start (on MySQL one request that also sets the isolation level), the writes and COMMIT.
    const sent = db.queries - before;
    expect(sent).toBe(db.dialect === 'mysql' ? 3 : 5);
    expect(await db.query('SELECT name, n FROM counter ORDER BY name')).toEqual([{ name: 'a', n: 6 }, { name: 'b', n: 1 }]);
  });

  it('leaves nothing behind when one of them fails', async () => {
    await expect(db.transaction((em) => writeAll(em, [
      { sql: 'UPDATE counter SET n = 100 WHERE name = ?', params: ['a'] },
      { sql: 'INSERT INTO counter (name, n) VALUES (?, ?)', params: ['b', 9] },
    ]))).rejects.toThrow();
    expect(await db.query('SELECT name, n FROM counter ORDER BY name')).toEqual([{ name: 'a', n: 6 }, { name: 'b', n: 1 }]);
  });

  it('reads what the writes before them left, in the same round trip on MySQL', async () => {
    const before = db.queries;
    const { changed, rows } = await db.transaction((em) => writeThenRead(em, db.dialect, [
      { sql: 'INSERT INTO counter (name, n) VALUES (?, ?)', params: ['c', 1] },
      { sql: 'UPDATE counter SET n = n + ? WHERE name IN (?, ?)', params: [10, 'a', 'c'] },
    ], [
      { sql: 'SELECT name, n FROM counter WHERE name IN (?, ?) ORDER BY name', params: ['a', 'c'] },
      { sql: 'SELECT COUNT(*) AS rows_now FROM counter', params: [] },
    ]));
    expect(changed).toEqual([1, 2]);
    expect(rows[0].map((row: { name: string; n: number }) => [row.name, Number(row.n)])).toEqual([['a', 16], ['c', 11]]);
    expect(Number(rows[1][0].rows_now)).toBe(3);
    // The start, the statements (one request on MySQL) and COMMIT.
    expect(db.queries - before).toBe(db.dialect === 'mysql' ? 3 : 6);
    await db.transaction((em) => writeAll(em, [{ sql: 'DELETE FROM counter WHERE name = ?', params: ['c'] }, { sql: 'UPDATE counter SET n = n - 10 WHERE name = ?', params: ['a'] }]));
  });
});

describe('a transaction that begins with reads', () => {
  const total = { sql: 'SELECT SUM(n) AS total FROM counter', params: [] };

  it('hands their rows to its work, read with the start in one request on MySQL', async () => {
    const before = db.queries;
    const seen = await db.transactionReading([total, { sql: 'SELECT name FROM counter WHERE name = ?', params: ['b'] }],
      async (_em, [sums, names]) => [Number(sums[0].total), names.map((row: { name: string }) => row.name)]);
    expect(seen).toEqual([7, ['b']]);
    // MySQL: the start with both reads, then COMMIT. SQLite: BEGIN, each read, COMMIT.
    expect(db.queries - before).toBe(db.dialect === 'mysql' ? 2 : 4);
  });

  // SQLite has one writer, so no other connection can commit in between.
  (config.databaseUrl ? it : it.skip)('runs at READ COMMITTED on MySQL: a later read sees what another connection committed in between', async () => {
    const [first, second] = await db.transactionReading([total], async (em, [sums]) => {
      // A connection of the pool other than this transaction's.
      await db.writer.query('UPDATE counter SET n = n + 100 WHERE name = ?', ['b']);
      const [again] = await em.query(total.sql);
      return [Number(sums[0].total), Number(again.total)];
    });
    expect([first, second]).toEqual([7, 107]);
    await db.transaction((em) => em.query('UPDATE counter SET n = n - 100 WHERE name = ?', ['b']));
  });

  it('rolls back what its work wrote when the work fails, and leaves no transaction open', async () => {
    await expect(db.transactionReading([total], async (em) => {
      await em.query('INSERT INTO counter (name, n) VALUES (?, ?)', ['z', 1]);
      throw new Error('refused');
    })).rejects.toThrow('refused');
    // Matched by its message: better-sqlite3 raises a statement it cannot prepare with an error made in
    // the first test file that loaded it, which is no `Error` of this file's realm.
    await expect(db.transactionReading([{ sql: 'SELECT * FROM no_such_table', params: [] }], async () => 1))
      .rejects.toMatchObject({ message: expect.stringContaining('no_such_table') });
    expect(await db.query('SELECT name FROM counter ORDER BY name')).toEqual([{ name: 'a' }, { name: 'b' }]);
    if (db.dialect === 'mysql') {
      const open = await db.query(`SELECT COUNT(*) AS open FROM information_schema.innodb_trx t
        JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE p.db = DATABASE()`);
      expect(open).toEqual([{ open: 0 }]);
    }
    expect(await db.transactionReading([total], async (_em, [sums]) => Number(sums[0].total))).toBe(7);
  });
});

describe('a transaction whose last writes go with its COMMIT', () => {
  const take = (name: string, atLeast: number) => ({ sql: 'UPDATE counter SET n = n - 1 WHERE name = ? AND n >= ?', params: [name, atLeast] });
  const add = (name: string) => ({ sql: 'INSERT INTO counter (name, n) VALUES (?, ?)', params: [name, 1] });
  /** Last writes as a hold makes them: the conditional UPDATE must change its row, the check says so too. */
  const guarded = (statements: { sql: string; params: unknown[] }[]) => ({
    statements,
    mustChangeOne: [0],
    verify: (changed: readonly number[]) => {
      if (changed[0] !== 1) throw new Error('the first write changed no row');
    },
  });
  const openTransactions = async () => {
    const [row] = await db.query(`SELECT COUNT(*) AS open FROM information_schema.innodb_trx t
      JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE p.db = DATABASE()`);
    return Number(row.open);
  };

  it('commits them in one request with the COMMIT on MySQL, and answers what the work decided', async () => {
    const before = db.queries;
    const answer = await db.transactionCommitting([{ sql: 'SELECT n FROM counter WHERE name = ?', params: ['a'] }],
      async (_em, [[row]]) => ({ result: `a had ${Number(row.n)}`, last: guarded([take('a', 1), add('g')]) }));
    expect(answer).toBe('a had 6');
    // MySQL: the start with its read, then the writes with the COMMIT. SQLite: BEGIN, the read, each write, COMMIT.
    expect(db.queries - before).toBe(db.dialect === 'mysql' ? 2 : 5);
    expect(await db.query('SELECT name, n FROM counter ORDER BY name')).toEqual([{ name: 'a', n: 5 }, { name: 'b', n: 1 }, { name: 'g', n: 1 }]);
    await db.transaction((em) => writeAll(em, [{ sql: 'DELETE FROM counter WHERE name = ?', params: ['g'] }, { sql: 'UPDATE counter SET n = 6 WHERE name = ?', params: ['a'] }]));
  });

  it('commits nothing when a write that must change one row changes none, neither before nor after it', async () => {
    await expect(db.transactionCommitting([], async (em) => {
      await em.query('INSERT INTO counter (name, n) VALUES (?, ?)', ['w', 1]);
      return { result: null, last: guarded([take('b', 100), add('h')]) };
    })).rejects.toThrow(db.dialect === 'mysql' ? GuardedWriteError : Error);
    expect(await db.query('SELECT name, n FROM counter ORDER BY name')).toEqual([{ name: 'a', n: 6 }, { name: 'b', n: 1 }]);
    if (db.dialect === 'mysql') expect(await openTransactions()).toBe(0);
  });

  it('checks a condition on what the writes left with one guard when it is given, and commits nothing when it fails', async () => {
    const aIs = (n: number) => ({ sql: '(SELECT n FROM counter WHERE name = ?) = ?', params: ['a', n] });
    const before = db.queries;
    await db.transactionCommitting([], async () => ({ result: null, last: { ...guarded([take('a', 1), add('j')]), holds: aIs(5) } }));
    // MySQL: the start, then the writes, the guard and the COMMIT. SQLite: BEGIN, each write, the condition, COMMIT.
    expect(db.queries - before).toBe(db.dialect === 'mysql' ? 2 : 5);
    expect(await db.query('SELECT name, n FROM counter ORDER BY name')).toEqual([{ name: 'a', n: 5 }, { name: 'b', n: 1 }, { name: 'j', n: 1 }]);
    // The condition decides alone: every statement changed its row, and the check after the answer says nothing.
    const wrong = { ...guarded([take('a', 1), add('k')]), holds: aIs(99), verify: () => undefined };
    await expect(db.transactionCommitting([], async () => ({ result: null, last: wrong }))).rejects.toThrow(GuardedWriteError);
    expect(await db.query('SELECT name, n FROM counter ORDER BY name')).toEqual([{ name: 'a', n: 5 }, { name: 'b', n: 1 }, { name: 'j', n: 1 }]);
    await db.transaction((em) => writeAll(em, [{ sql: 'DELETE FROM counter WHERE name = ?', params: ['j'] }, { sql: 'UPDATE counter SET n = 6 WHERE name = ?', params: ['a'] }]));
  });

  it('refuses by the must-change list alone, whatever the check says', async () => {
    const unchecked = { ...guarded([add('i'), take('b', 100)]), mustChangeOne: [1], verify: () => undefined };
    await expect(db.transactionCommitting([], async () => ({ result: null, last: unchecked }))).rejects.toThrow(GuardedWriteError);
    expect(await db.query('SELECT name FROM counter ORDER BY name')).toEqual([{ name: 'a' }, { name: 'b' }]);
  });
});

describe('writes committed together, with nothing read first', () => {
  const rows = () => db.query('SELECT name, n FROM counter ORDER BY name');

  it('commits them all, in one request on MySQL', async () => {
    const before = db.queries;
    await db.writeTogether([
      { sql: 'INSERT INTO counter (name, n) VALUES (?, ?)', params: ['w', 1] },
      { sql: 'UPDATE counter SET n = n + 1 WHERE name = ?', params: ['a'] },
    ]);
    // MySQL: the start, the writes and the COMMIT. SQLite: BEGIN, each write, COMMIT.
    expect(db.queries - before).toBe(db.dialect === 'mysql' ? 1 : 4);
    expect(await rows()).toEqual([{ name: 'a', n: 7 }, { name: 'b', n: 1 }, { name: 'w', n: 1 }]);
  });

  it('commits none of them when one fails, and leaves no transaction open for what comes next', async () => {
    await expect(db.writeTogether([
      { sql: 'UPDATE counter SET n = 100 WHERE name = ?', params: ['w'] },
      { sql: 'INSERT INTO counter (name, n) VALUES (?, ?)', params: ['a', 9] },
    ])).rejects.toThrow();
    expect(await rows()).toEqual([{ name: 'a', n: 7 }, { name: 'b', n: 1 }, { name: 'w', n: 1 }]);
    if (db.dialect === 'mysql') {
      const open = await db.query(`SELECT COUNT(*) AS open FROM information_schema.innodb_trx t
        JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE p.db = DATABASE()`);
      expect(open).toEqual([{ open: 0 }]);
    }
    await db.writeTogether([{ sql: 'DELETE FROM counter WHERE name = ?', params: ['w'] }, { sql: 'UPDATE counter SET n = 6 WHERE name = ?', params: ['a'] }]);
    expect(await rows()).toEqual([{ name: 'a', n: 6 }, { name: 'b', n: 1 }]);
  });
});
