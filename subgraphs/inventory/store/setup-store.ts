import type { Database } from '../../../shared/database';
import { badInput } from '../../../shared/errors';
import { enqueue, type OutboxRelay } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { publishAvailability } from './availability-feed';
import { setAllocation } from './ring-fence';
import { loadStock } from './stock-store';

export const LOCATION_KINDS = ['WAREHOUSE', 'STORE', 'THIRD_PARTY', 'MARKETPLACE_FULFILLMENT'] as const;

export interface LocationInput {
  code: string;
  name: string;
  kind: (typeof LOCATION_KINDS)[number];
  country: string;
  postalCode?: string | null;
}

export const CHANNEL_KINDS = ['MARKETPLACE', 'WEBSTORE', 'POINT_OF_SALE', 'B2B'] as const;

export interface ChannelInput {
  code: string;
  name: string;
  kind?: (typeof CHANNEL_KINDS)[number] | null;
  locations: string[];
  bufferUnits?: number | null;
  paused?: boolean | null;
  maxUnits?: number | null;
  sharePercent?: number | null;
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
      // Orders checks returns against its copy of locations; routing reads the country for transit times.
      await enqueue(em, TOPICS.locationUpserted, `location:${input.code}`, {
        code: input.code, name: input.name, kind: input.kind, country: input.country, postalCode: input.postalCode ?? null,
      });
    });
    await this.relay.flush();
    return input;
  }

  async upsertChannel(input: ChannelInput): Promise<void> {
    requireText('code', input.code, 100);
    requireText('name', input.name, 200);
    const bufferUnits = input.bufferUnits ?? 0;
    if (!Number.isInteger(bufferUnits) || bufferUnits < 0) throw badInput(`bufferUnits must be a whole number of at least 0, got ${bufferUnits}`, { field: 'bufferUnits' });
    if (new Set(input.locations).size !== input.locations.length) throw badInput('a location is listed twice', { field: 'locations' });
    if (input.maxUnits != null && (!Number.isInteger(input.maxUnits) || input.maxUnits < 0)) {
      throw badInput(`maxUnits must be a whole number of at least 0, got ${input.maxUnits}`, { field: 'maxUnits' });
    }
    if (input.sharePercent != null && (!Number.isInteger(input.sharePercent) || input.sharePercent < 0 || input.sharePercent > 100)) {
      throw badInput(`sharePercent must be a whole number from 0 to 100, got ${input.sharePercent}`, { field: 'sharePercent' });
    }
    await this.db.transaction(async (em) => {
      if (input.locations.length) {
        const found = await em.query(`SELECT code FROM location WHERE code IN (${input.locations.map(() => '?').join(',')})`, input.locations);
        const known = new Set(found.map((row: { code: string }) => row.code));
        const unknown = input.locations.filter((code) => !known.has(code));
        if (unknown.length) throw badInput(`Unknown location ${unknown.join(', ')}`, { locations: unknown });
      }
      const now = new Date().toISOString();
      const exists = await em.query('SELECT code FROM channel WHERE code = ?', [input.code]);
      const values = [input.name, input.kind ?? 'WEBSTORE', bufferUnits, input.paused ? 1 : 0, input.maxUnits ?? null, input.sharePercent ?? null, now, input.code];
      if (exists.length) await em.query('UPDATE channel SET name = ?, kind = ?, buffer_units = ?, paused = ?, max_units = ?, share_percent = ?, updated_at = ? WHERE code = ?', values);
      else await em.query('INSERT INTO channel (name, kind, buffer_units, paused, max_units, share_percent, updated_at, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', values);
      await em.query('DELETE FROM channel_location WHERE channel_code = ?', [input.code]);
      for (const [rank, location] of input.locations.entries()) {
        await em.query('INSERT INTO channel_location (channel_code, location_code, preference) VALUES (?, ?, ?)', [input.code, location, rank]);
      }
      await enqueue(em, TOPICS.channelUpserted, `channel:${input.code}`, {
        code: input.code, name: input.name, kind: input.kind ?? 'WEBSTORE', locations: input.locations, bufferUnits, paused: Boolean(input.paused),
        maxUnits: input.maxUnits ?? null, sharePercent: input.sharePercent ?? null,
      });
      // A rule change moves this channel's availability of every SKU it could sell.
      const skus = await em.query('SELECT code FROM sku_ref');
      await publishAvailability(em, this.db.dialect, skus.map((row: { code: string }) => row.code), [input.code]);
    });
    await this.relay.flush();
  }

  /**
   * Sets aside `units` of a SKU for one channel: no other channel sees or sells them until the
   * channel has used them. 0 removes the allocation.
   */
  async setAllocation(channel: string, sku: string, units: number): Promise<void> {
    if (!Number.isInteger(units) || units < 0) throw badInput(`units must be a whole number of at least 0, got ${units}`, { field: 'units' });
    await this.db.transaction(async (em) => {
      if (!(await em.query('SELECT code FROM channel WHERE code = ?', [channel])).length) throw badInput(`Unknown channel "${channel}"`, { channel });
      if (!(await em.query('SELECT code FROM sku_ref WHERE code = ?', [sku])).length) throw badInput(`Unknown SKU "${sku}"`, { sku });
      if ((await em.query('SELECT 1 AS b FROM bundle_component WHERE bundle_code = ? LIMIT 1', [sku])).length) {
        throw badInput(`${sku} is a bundle; allocate its components`, { sku });
      }
      // Lock the SKU's stock rows like a hold does, so no hold decides against a half-set fence.
      await loadStock(em, this.db.dialect, [sku], { lock: true });
      await setAllocation(em, channel, sku, units);
      await publishAvailability(em, this.db.dialect, [sku]);
    });
    await this.relay.flush();
  }

  async locations(codes: readonly string[]): Promise<Map<string, LocationInput>> {
    if (codes.length === 0) return new Map();
    const rows = await this.db.query(`SELECT code, name, kind, country, postal_code FROM location WHERE code IN (${codes.map(() => '?').join(',')})`, [...codes]);
    return new Map(rows.map((row) => [row.code, { code: row.code, name: row.name, kind: row.kind, country: row.country, postalCode: row.postal_code }]));
  }
}
