import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from './database';
import { walCheckpointer, WRITER_AUTOCHECKPOINT_PAGES } from './wal-checkpointer';

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SQLite checkpoints off the event loop', () => {
  let dir: string;
  let db: Database;
  let file: string;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wal-'));
    db = await openDatabase({ dataDir: dir, databaseUrl: undefined }, { name: 'ledger', entities: [], migrations: [] });
    file = path.join(dir, 'ledger.sqlite');
    await db.transaction((em) => em.query('CREATE TABLE entry (id INTEGER PRIMARY KEY, body TEXT)'));
  });

  afterEach(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed pages into the database file from the worker, not from the commits', async () => {
    const writerSetting = await db.transaction((em) => em.query('PRAGMA wal_autocheckpoint'));
    expect(Object.values(writerSetting[0])).toEqual([WRITER_AUTOCHECKPOINT_PAGES]);
    const before = fs.statSync(file).size;
    // About 3,000 pages of 4 KiB: three times what a writer would have checkpointed on its own by default.
    const body = 'x'.repeat(4000);
    for (let batch = 0; batch < 30; batch++) {
      await db.transaction(async (em) => {
        for (let row = 0; row < 100; row++) await em.query('INSERT INTO entry (body) VALUES (?)', [body]);
      });
    }
    // Far under the writers' own threshold, so only the worker can have moved the pages.
    await until(() => fs.statSync(file).size > before + 10_000_000 && (walCheckpointer.checkpointed.get(file) ?? 0) > 2_500, 30_000);
    expect(walCheckpointer.failures.get(file)).toBeUndefined();
    const [{ n }] = await db.query('SELECT COUNT(*) AS n FROM entry');
    expect(n).toBe(3000);
  });

  it('stops its worker once the last database closes, and starts it again for the next', async () => {
    expect(walCheckpointer.running).toBe(true);
    await db.close();
    expect(walCheckpointer.running).toBe(false);
    db = await openDatabase({ dataDir: dir, databaseUrl: undefined }, { name: 'ledger', entities: [], migrations: [] });
    expect(walCheckpointer.running).toBe(true);
  });
});
