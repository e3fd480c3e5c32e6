import type { Database } from '../../../shared/database';
import { badInput } from '../../../shared/errors';
import { enqueue, type OutboxRelay } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { publishAvailability } from './availability-feed';

export const LOCATION_KINDS = ['WAREHOUSE', 'STORE', 'THIRD_PARTY', 'MARKETPLACE_FULFILLMENT'] as const;

export interface LocationInput {
  code: string;
  name: string;
  kind: (typeof LOCATION_KINDS)[number];
  country: string;
  postalCode?: string | null;
}

export interface ChannelInput {
  code: string;
  name: string;
  locations: string[];
  bufferUnits?: number | null;
  paused?: boolean | null;
}

function requireText(field: string, value: string, max: number): void {
  if (value.trim() === '' || value.length > max) throw badInput(`${field} must be 1 to ${max} characters`, { field });
}

/** Locations and channel rules: the set-up that decides what each channel may sell. */
export class SetupStore {
  constructor(private readonly db: Database, private readonly relay: OutboxRelay) {}

  async upsertLocation(input: LocationInput): Promise<LocationInput> {
    requireText('code', input.code, 100);
    requireText('name', input.name, 200);
    if (!/^[A-Z]{2}$/.test(input.country)) throw badInput(`country must be an ISO 3166-1 alpha-2 code such as "US", got "${input.country}"`, { field: 'country' });
    if (!LOCATION_KINDS.includes(input.kind)) throw badInput(`unknown location kind ${input.kind}`, { field: 'kind' });
    const now = new Date().toISOString();
    await this.db.transaction(async (em) => {
      const exists = await em.query('SELECT code FROM location WHERE code = ?', [input.code]);
      const values = [input.name, input.kind, input.country, input.postalCode ?? null, now];
      if (exists.length) await em.query('UPDATE location SET name = ?, kind = ?, country = ?, postal_code = ?, updated_at = ? WHERE code = ?', [...values, input.code]);
      else await em.query('INSERT INTO location (name, kind, country, postal_code, updated_at, code) VALUES (?, ?, ?, ?, ?, ?)', [...values, input.code]);
    });
    return input;
  }

  async upsertChannel(input: ChannelInput): Promise<void> {
    requireText('code', input.code, 100);
    requireText('name', input.name, 200);
    const bufferUnits = input.bufferUnits ?? 0;
    if (!Number.isInteger(bufferUnits) || bufferUnits < 0) throw badInput(`bufferUnits must be a whole number of at least 0, got ${bufferUnits}`, { field: 'bufferUnits' });
    if (new Set(input.locations).size !== input.locations.length) throw badInput('a location is listed twice', { field: 'locations' });
    await this.db.transaction(async (em) => {
      if (input.locations.length) {
        const found = await em.query(`SELECT code FROM location WHERE code IN (${input.locations.map(() => '?').join(',')})`, input.locations);
        const known = new Set(found.map((row: { code: string }) => row.code));
        const unknown = input.locations.filter((code) => !known.has(code));
        if (unknown.length) throw badInput(`Unknown location ${unknown.join(', ')}`, { locations: unknown });
      }
      const now = new Date().toISOString();
      const exists = await em.query('SELECT code FROM channel WHERE code = ?', [input.code]);
      const values = [input.name, bufferUnits, input.paused ? 1 : 0, now, input.code];
      if (exists.length) await em.query('UPDATE channel SET name = ?, buffer_units = ?, paused = ?, updated_at = ? WHERE code = ?', values);
      else await em.query('INSERT INTO channel (name, buffer_units, paused, updated_at, code) VALUES (?, ?, ?, ?, ?)', values);
      await em.query('DELETE FROM channel_location WHERE channel_code = ?', [input.code]);
      for (const [rank, location] of input.locations.entries()) {
        await em.query('INSERT INTO channel_location (channel_code, location_code, preference) VALUES (?, ?, ?)', [input.code, location, rank]);
      }
      await enqueue(em, TOPICS.channelUpserted, `channel:${input.code}`, { code: input.code, name: input.name, locations: input.locations, bufferUnits, paused: Boolean(input.paused) });
      // A rule change moves this channel's availability of every SKU it could sell.
      const skus = await em.query('SELECT code FROM sku_ref');
      await publishAvailability(em, this.db.dialect, skus.map((row: { code: string }) => row.code), [input.code]);
    });
    await this.relay.flush();
  }

  async locations(codes: readonly string[]): Promise<Map<string, LocationInput>> {
    if (codes.length === 0) return new Map();
    const rows = await this.db.query(`SELECT code, name, kind, country, postal_code FROM location WHERE code IN (${codes.map(() => '?').join(',')})`, [...codes]);
    return new Map(rows.map((row) => [row.code, { code: row.code, name: row.name, kind: row.kind, country: row.country, postalCode: row.postal_code }]));
  }
}
