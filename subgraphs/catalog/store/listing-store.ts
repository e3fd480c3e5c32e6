import type { EntityManager } from 'typeorm';
import { insertRows, placeholders, type Database } from '../../../shared/database';
import { badInput } from '../../../shared/errors';
import { enqueue, enqueueMany, type OutboxRelay } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { validateListings, type ImportRow, type RowProblem } from '../domain/listing-import';
import { checkText } from './sku-store';

export interface Listing {
  channel: string;
  externalId: string;
  sku: string;
  unitsPerListing: number;
}

export interface ImportOutcome {
  applied: number;
  rejected: RowProblem[];
}

const IMPORT_CHUNK = 400;

function toListing(row: { channel_code: string; external_id: string; sku_code: string; units_per_listing: number }): Listing {
  return { channel: row.channel_code, externalId: row.external_id, sku: row.sku_code, unitsPerListing: Number(row.units_per_listing) };
}

/**
 * Channel listings: each (channel, externalId) maps to exactly one SKU. A refused remapping is
 * recorded as a conflict event (in its own transaction, since the refused write rolls back) so
 * inventory raises a MAPPING_CONFLICT alert naming both SKUs.
 */
export class ListingStore {
  constructor(private readonly db: Database, private readonly relay: Pick<OutboxRelay, 'flush'>) {}

  async ofSkus(codes: readonly string[]): Promise<Listing[]> {
    if (codes.length === 0) return [];
    const rows = await this.db.query(
      `SELECT channel_code, external_id, sku_code, units_per_listing FROM listing WHERE sku_code IN (${placeholders(codes)}) ORDER BY channel_code, external_id`,
      [...codes],
    );
    return rows.map(toListing);
  }

  async get(channel: string, externalId: string): Promise<Listing | null> {
    const rows = await this.db.query('SELECT channel_code, external_id, sku_code, units_per_listing FROM listing WHERE channel_code = ? AND external_id = ?', [channel, externalId]);
    return rows[0] ? toListing(rows[0]) : null;
  }

  /** Listings whose SKU is missing from the catalog or retired: they sell something that is not there. */
  async orphaned(channel: string | null, limit: number): Promise<(Listing & { problem: 'MISSING_SKU' | 'RETIRED_SKU' })[]> {
    const rows = await this.db.query(
      `SELECT l.channel_code, l.external_id, l.sku_code, l.units_per_listing, s.code AS found, s.retired FROM listing l
       LEFT JOIN sku s ON s.code = l.sku_code WHERE (s.code IS NULL OR s.retired = 1)${channel ? ' AND l.channel_code = ?' : ''}
       ORDER BY l.channel_code, l.external_id LIMIT ${Math.floor(limit)}`,
      channel ? [channel] : [],
    );
    return rows.map((row) => ({ ...toListing(row), problem: row.found == null ? 'MISSING_SKU' : 'RETIRED_SKU' }));
  }

  async upsert(input: Listing): Promise<Listing> {
    checkText('externalId', input.externalId, 200);
    if (!Number.isInteger(input.unitsPerListing) || input.unitsPerListing < 1) {
      throw badInput(`unitsPerListing must be a whole number of at least 1, got ${input.unitsPerListing}`, { field: 'unitsPerListing' });
    }
    let conflict: { mappedSku: string } | null = null;
    try {
      await this.db.transaction(async (em) => {
        await this.assertExists(em, 'channel_ref', input.channel, 'channel');
        await this.assertExists(em, 'sku', input.sku, 'SKU');
        const current = await em.query('SELECT sku_code FROM listing WHERE channel_code = ? AND external_id = ?', [input.channel, input.externalId]);
        if (current[0] && current[0].sku_code !== input.sku) {
          conflict = { mappedSku: current[0].sku_code };
          throw badInput(
            `Listing ${input.externalId} on channel ${input.channel} already maps to SKU ${current[0].sku_code}; it cannot also map to ${input.sku}`,
            { channel: input.channel, externalId: input.externalId, mappedSku: current[0].sku_code, requestedSku: input.sku },
          );
        }
        await this.write(em, [input], current[0] ? [input] : []);
      });
    } catch (error) {
      if (conflict) await this.recordConflict(input, (conflict as { mappedSku: string }).mappedSku);
      throw error;
    } finally {
      await this.relay.flush();
    }
    return input;
  }

  private async recordConflict(input: Listing, mappedSku: string): Promise<void> {
    await this.db.transaction((em) =>
      enqueue(em, TOPICS.mappingConflict, `listing:${input.channel}:${input.externalId}`, {
        channel: input.channel, externalId: input.externalId, mappedSku, requestedSku: input.sku,
      }),
    );
  }

  /**
   * Imports many listings at once. Every row is checked first; nothing is written unless all are
   * valid, or with `partial` the valid ones are written and the others reported by line.
   */
  async import(rows: readonly ImportRow[], partial: boolean, parseProblems: RowProblem[] = []): Promise<ImportOutcome> {
    const outcome = await this.db.transaction(async (em) => {
      const facts = await this.importFacts(em, rows);
      const { valid, problems } = validateListings(rows, facts);
      const rejected = [...parseProblems, ...problems].sort((a, b) => a.line - b.line);
      if (rejected.length && !partial) return { applied: 0, rejected };
      const updates = valid.filter((row) => facts.existing.has(`${row.channel}|${row.externalId}`));
      await this.write(em, valid, updates);
      return { applied: valid.length, rejected };
    });
    await this.relay.flush();
    return outcome;
  }

  private async importFacts(em: EntityManager, rows: readonly ImportRow[]) {
    const skus = [...new Set(rows.map((row) => row.sku).filter(Boolean))];
    const knownSkus = new Set<string>();
    for (let i = 0; i < skus.length; i += IMPORT_CHUNK) {
      const chunk = skus.slice(i, i + IMPORT_CHUNK);
      for (const row of await em.query(`SELECT code FROM sku WHERE code IN (${placeholders(chunk)})`, chunk)) knownSkus.add(row.code);
    }
    const knownChannels = new Set<string>((await em.query('SELECT code FROM channel_ref')).map((row: { code: string }) => row.code));
    const existing = new Map<string, string>();
    const channels = [...new Set(rows.map((row) => row.channel))].filter((channel) => knownChannels.has(channel));
    for (const channel of channels) {
      const ids = [...new Set(rows.filter((row) => row.channel === channel).map((row) => row.externalId))];
      for (let i = 0; i < ids.length; i += IMPORT_CHUNK) {
        const chunk = ids.slice(i, i + IMPORT_CHUNK);
        const found = await em.query(`SELECT external_id, sku_code FROM listing WHERE channel_code = ? AND external_id IN (${placeholders(chunk)})`, [channel, ...chunk]);
        for (const row of found) existing.set(`${channel}|${row.external_id}`, row.sku_code);
      }
    }
    return { knownSkus, knownChannels, existing };
  }

  /** Inserts new listings and updates existing ones in bulk, with one event per listing. */
  private async write(em: EntityManager, listings: readonly Listing[], existing: readonly Listing[]): Promise<void> {
    const now = new Date().toISOString();
    const isExisting = new Set(existing.map((listing) => `${listing.channel}|${listing.externalId}`));
    const fresh = listings.filter((listing) => !isExisting.has(`${listing.channel}|${listing.externalId}`));
    await insertRows(em, 'listing', ['channel_code', 'external_id', 'sku_code', 'units_per_listing', 'updated_at'],
      fresh.map((listing) => [listing.channel, listing.externalId, listing.sku, listing.unitsPerListing, now]), { rowsPerStatement: IMPORT_CHUNK });
    for (const listing of existing) {
      await em.query('UPDATE listing SET units_per_listing = ?, updated_at = ? WHERE channel_code = ? AND external_id = ?', [
        listing.unitsPerListing, now, listing.channel, listing.externalId,
      ]);
    }
    await enqueueMany(em, listings.map((listing) => ({
      topic: TOPICS.listingUpserted,
      key: `listing:${listing.channel}:${listing.externalId}`,
      payload: { channel: listing.channel, externalId: listing.externalId, sku: listing.sku, unitsPerListing: listing.unitsPerListing },
    })));
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
