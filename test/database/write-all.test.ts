import { openDatabase, writeAll, writeThenRead, type Database } from '../../shared/database';
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
    // BEGIN and COMMIT (MySQL also sets the isolation level), and the writes.
    const sent = db.queries - before;
    expect(sent).toBe(db.dialect === 'mysql' ? 4 : 5);
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
    // BEGIN and COMMIT (MySQL also sets the isolation level), and the statements: one request on MySQL.
    expect(db.queries - before).toBe(db.dialect === 'mysql' ? 4 : 6);
    await db.transaction((em) => writeAll(em, [{ sql: 'DELETE FROM counter WHERE name = ?', params: ['c'] }, { sql: 'UPDATE counter SET n = n - 10 WHERE name = ?', params: ['a'] }]));
  });
});
