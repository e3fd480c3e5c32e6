import type { EntityManager } from 'typeorm';
import type { Database } from '../../../shared/database';
import { badInput } from '../../../shared/errors';
import { enqueue, type OutboxRelay } from '../../../shared/outbox';
import { compositionProblems, type ComponentLine } from '../domain/composition';
import { TOPICS } from '../../../shared/topics';

export interface Sku {
  code: string;
  title: string;
}
export interface Listing {
  channel: string;
  externalId: string;
  sku: string;
  unitsPerListing: number;
}

const placeholders = (values: unknown[]) => values.map(() => '?').join(',');
const MAX_CODE = 100;

function checkCode(what: string, value: string, max = MAX_CODE): void {
  if (value.trim() === '' || value.length > max) throw badInput(`${what} must be 1 to ${max} characters`, { field: what });
}

/** Reads and writes the catalog's own tables; every write publishes its event through the outbox. */
export class CatalogStore {
  constructor(private readonly db: Database, private readonly relay: OutboxRelay) {}

  async skus(codes: readonly string[]): Promise<Sku[]> {
    if (codes.length === 0) return [];
    return this.db.query<Sku>(`SELECT code, title FROM sku WHERE code IN (${placeholders([...codes])})`, [...codes]);
  }

  async components(codes: readonly string[]): Promise<Map<string, ComponentLine[]>> {
    const result = new Map<string, ComponentLine[]>(codes.map((code) => [code, []]));
    if (codes.length === 0) return result;
    const rows = await this.db.query<{ sku_code: string; component_code: string; quantity: number }>(
      `SELECT sku_code, component_code, quantity FROM sku_component WHERE sku_code IN (${placeholders([...codes])}) ORDER BY sku_code, component_code`,
      [...codes],
    );
    for (const row of rows) result.get(row.sku_code)?.push({ sku: row.component_code, quantity: Number(row.quantity) });
    return result;
  }

  async listingsOfSkus(codes: readonly string[]): Promise<Listing[]> {
    if (codes.length === 0) return [];
    const rows = await this.db.query(
      `SELECT channel_code, external_id, sku_code, units_per_listing FROM listing WHERE sku_code IN (${placeholders([...codes])}) ORDER BY channel_code, external_id`,
      [...codes],
    );
    return rows.map(toListing);
  }

  async listing(channel: string, externalId: string): Promise<Listing | null> {
    const rows = await this.db.query(
      'SELECT channel_code, external_id, sku_code, units_per_listing FROM listing WHERE channel_code = ? AND external_id = ?',
      [channel, externalId],
    );
    return rows[0] ? toListing(rows[0]) : null;
  }

  async upsertSku(input: { code: string; title: string; components?: ComponentLine[] | null }): Promise<Sku> {
    checkCode('code', input.code);
    checkCode('title', input.title, 500);
    const components = input.components ?? [];
    await this.db.transaction(async (em) => {
      const referenced = components.map((line) => line.sku);
      const known = referenced.length
        ? await em.query(`SELECT code FROM sku WHERE code IN (${placeholders(referenced)})`, referenced)
        : [];
      const bundles = referenced.length
        ? await em.query(`SELECT DISTINCT sku_code FROM sku_component WHERE sku_code IN (${placeholders(referenced)})`, referenced)
        : [];
      const usedAs = await em.query('SELECT 1 AS used FROM sku_component WHERE component_code = ? LIMIT 1', [input.code]);
      const problems = compositionProblems(input.code, components, {
        known: new Set(known.map((row: { code: string }) => row.code)),
        bundles: new Set(bundles.map((row: { sku_code: string }) => row.sku_code)),
        usedAsComponent: usedAs.length > 0,
      });
      if (problems.length > 0) throw badInput(`Invalid SKU ${input.code}: ${problems.join('; ')}`, { problems });
      const now = new Date().toISOString();
      const existing = await em.query('SELECT code FROM sku WHERE code = ?', [input.code]);
      if (existing.length) await em.query('UPDATE sku SET title = ?, updated_at = ? WHERE code = ?', [input.title, now, input.code]);
      else await em.query('INSERT INTO sku (code, title, created_at, updated_at) VALUES (?, ?, ?, ?)', [input.code, input.title, now, now]);
      await em.query('DELETE FROM sku_component WHERE sku_code = ?', [input.code]);
      for (const line of components) {
        await em.query('INSERT INTO sku_component (sku_code, component_code, quantity) VALUES (?, ?, ?)', [input.code, line.sku, line.quantity]);
      }
      await enqueue(em, TOPICS.skuUpserted, `sku:${input.code}`, { code: input.code, title: input.title, components });
    });
    await this.relay.flush();
    return { code: input.code, title: input.title };
  }

  async upsertListing(input: Listing): Promise<Listing> {
    checkCode('externalId', input.externalId, 200);
    if (!Number.isInteger(input.unitsPerListing) || input.unitsPerListing < 1) {
      throw badInput(`unitsPerListing must be a whole number of at least 1, got ${input.unitsPerListing}`, { field: 'unitsPerListing' });
    }
    await this.db.transaction(async (em) => {
      await this.assertExists(em, 'channel_ref', input.channel, 'channel');
      await this.assertExists(em, 'sku', input.sku, 'SKU');
      const current = await em.query('SELECT sku_code FROM listing WHERE channel_code = ? AND external_id = ?', [input.channel, input.externalId]);
      if (current[0] && current[0].sku_code !== input.sku) {
        throw badInput(
          `Listing ${input.externalId} on channel ${input.channel} already maps to SKU ${current[0].sku_code}; it cannot also map to ${input.sku}`,
          { channel: input.channel, externalId: input.externalId, mappedSku: current[0].sku_code, requestedSku: input.sku },
        );
      }
      const now = new Date().toISOString();
      if (current[0]) {
        await em.query('UPDATE listing SET units_per_listing = ?, updated_at = ? WHERE channel_code = ? AND external_id = ?', [
          input.unitsPerListing, now, input.channel, input.externalId,
        ]);
      } else {
        await em.query('INSERT INTO listing (channel_code, external_id, sku_code, units_per_listing, updated_at) VALUES (?, ?, ?, ?, ?)', [
          input.channel, input.externalId, input.sku, input.unitsPerListing, now,
        ]);
      }
      await enqueue(em, TOPICS.listingUpserted, `listing:${input.channel}:${input.externalId}`, input);
    });
    await this.relay.flush();
    return input;
  }

  /** Applies a channel event from inventory to the catalog's copy. */
  async saveChannel(em: EntityManager, channel: { code: string; name: string }): Promise<void> {
    const existing = await em.query('SELECT code FROM channel_ref WHERE code = ?', [channel.code]);
    if (existing.length) await em.query('UPDATE channel_ref SET name = ? WHERE code = ?', [channel.name, channel.code]);
    else await em.query('INSERT INTO channel_ref (code, name) VALUES (?, ?)', [channel.code, channel.name]);
  }

  private async assertExists(em: EntityManager, table: string, code: string, what: string): Promise<void> {
    const rows = await em.query(`SELECT code FROM ${table} WHERE code = ?`, [code]);
    if (rows.length === 0) throw badInput(`Unknown ${what} "${code}"`, { [what === 'SKU' ? 'sku' : what]: code });
  }
}

function toListing(row: { channel_code: string; external_id: string; sku_code: string; units_per_listing: number }): Listing {
  return {
    channel: row.channel_code,
    externalId: row.external_id,
    sku: row.sku_code,
    unitsPerListing: Number(row.units_per_listing),
  };
}
