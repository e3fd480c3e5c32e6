import fs from 'node:fs';
import { openDatabase } from '../../shared/database';
import { ConfigError, loadConfig } from '../../shared/config';
import { parseListingCsv } from './domain/listing-import';
import { ListingStore } from './store/listing-store';
import { ChannelRefRow, ListingRow, SkuComponentRow, SkuRow } from './store/entities';
import { catalogMigrations } from './store/migrations';

const USAGE = 'Usage: npm run import -- listings FILE.csv [--partial]';

/**
 * Imports a listings spreadsheet straight into the catalog's database (SQLite under DATA_DIR,
 * or MySQL with DATABASE_URL). The events it writes wait in the catalog's outbox: a running
 * system publishes them within a moment, a stopped one when it next starts.
 */
async function main(argv: string[]): Promise<number> {
  const [kind, file, ...flags] = argv;
  if (kind !== 'listings' || !file || flags.some((flag) => flag !== '--partial')) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const { rows, problems } = parseListingCsv(fs.readFileSync(file, 'utf8'));
  const db = await openDatabase(config, { name: 'catalog', entities: [SkuRow, SkuComponentRow, ChannelRefRow, ListingRow], migrations: catalogMigrations });
  try {
    const store = new ListingStore(db, { flush: async () => undefined });
    const outcome = await store.import(rows, flags.includes('--partial'), problems);
    for (const problem of outcome.rejected) console.error(`line ${problem.line}: ${problem.reason}`);
    console.log(`${outcome.applied} of ${rows.length} rows applied; ${outcome.rejected.length} rejected${outcome.rejected.length && !flags.includes('--partial') ? ' (nothing applied: fix them, or use --partial)' : ''}`);
    return outcome.rejected.length ? 1 : 0;
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code)).catch((error) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
});
