import { placeholders, type Database } from '../../../shared/database';
import { badInput } from '../../../shared/errors';
import type { ChannelRule } from '../domain/availability';
import { availabilityFor } from '../domain/channel-availability';
import { nextIncoming, stockBy, type IncomingLot } from '../domain/lead-time';
import type { StockFigures } from '../domain/stock';
import { loadChannelRules, loadCompositions, type Compositions } from './catalog-copy';
import { fencedFrom, loadRingFences, type RingFences } from './ring-fence';
import { loadStock, type StockMap } from './stock-store';

export interface AvailabilityKey {
  channel: string;
  sku: string;
}

export interface LeadTimeKey extends AvailabilityKey {
  /** Count lots due by this date; omitted: only the next receipt is asked for. */
  by?: Date;
}

export interface LeadTime {
  nextIncoming: { quantity: number; expectedAt: Date } | null;
  availableBy: number | null;
}

interface Snapshot {
  rules: Map<string, ChannelRule>;
  compositions: Compositions;
  stock: StockMap;
  fences: RingFences;
  simple: string[];
}

/**
 * Reads availability for many (channel, SKU) pairs in a fixed number of queries, whatever
 * their count: channel rules, compositions, stock, lapsed holds and allocations, each one query.
 */
export class AvailabilityReader {
  constructor(private readonly db: Database) {}

  private async snapshot(channels: string[], skus: string[]): Promise<Snapshot> {
    const [rules, compositions] = await Promise.all([loadChannelRules(this.db, channels), loadCompositions(this.db, skus)]);
    const simple = new Set<string>();
    for (const sku of skus) {
      const parts = compositions.components.get(sku);
      if (parts?.length) parts.forEach((part) => simple.add(part.sku));
      else simple.add(sku);
    }
    const [{ stock }, fences] = await Promise.all([loadStock(this.db, this.db.dialect, [...simple]), loadRingFences(this.db, this.db.dialect, [...simple])]);
    return { rules, compositions, stock, fences, simple: [...simple] };
  }

  private values(snapshot: Snapshot, channel: string, skus: string[], stock: StockMap = snapshot.stock): Map<string, number> {
    const rule = snapshot.rules.get(channel);
    if (!rule) return new Map();
    return availabilityFor(rule, skus, stock, snapshot.compositions.components, (sku) => fencedFrom(snapshot.fences, channel, sku));
  }

  async availability(keys: readonly AvailabilityKey[]): Promise<number[]> {
    const channels = [...new Set(keys.map((key) => key.channel))];
    const skus = [...new Set(keys.map((key) => key.sku))];
    const snapshot = await this.snapshot(channels, skus);
    const perChannel = new Map(channels.map((channel) => [channel, this.values(snapshot, channel, skus)]));
    return keys.map((key) => perChannel.get(key.channel)?.get(key.sku) ?? 0);
  }

  /** When more stock arrives for a channel, from the schedule of incoming lots at its locations. */
  async leadTimes(keys: readonly LeadTimeKey[]): Promise<LeadTime[]> {
    const channels = [...new Set(keys.map((key) => key.channel))];
    const skus = [...new Set(keys.map((key) => key.sku))];
    const snapshot = await this.snapshot(channels, skus);
    const lots = await this.openLots(snapshot.simple);
    return keys.map((key) => {
      const rule = snapshot.rules.get(key.channel);
      if (!rule) return { nextIncoming: null, availableBy: null };
      const relevant = lots.filter((lot) => rule.locations.includes(lot.location) && this.partOf(snapshot, key.sku).has(lot.sku));
      const at = (date: Date) => this.values(snapshot, key.channel, [key.sku], stockBy(snapshot.stock, relevant, date)).get(key.sku) ?? 0;
      const now = this.values(snapshot, key.channel, [key.sku]).get(key.sku) ?? 0;
      return { nextIncoming: nextIncoming(now, relevant, at), availableBy: key.by ? at(key.by) : null };
    });
  }

  private partOf(snapshot: Snapshot, sku: string): Set<string> {
    const parts = snapshot.compositions.components.get(sku);
    return new Set(parts?.length ? parts.map((part) => part.sku) : [sku]);
  }

  private async openLots(skus: string[]): Promise<IncomingLot[]> {
    if (skus.length === 0) return [];
    const rows = await this.db.query(`SELECT sku_code, location_code, quantity_open, expected_at FROM incoming_stock WHERE quantity_open > 0 AND sku_code IN (${placeholders(skus)})`, skus);
    return rows.map((row) => ({ sku: row.sku_code, location: row.location_code, quantity: Number(row.quantity_open), expectedAt: new Date(row.expected_at) }));
  }

  async stockLevels(skus: readonly string[]): Promise<Map<string, { location: string; figures: StockFigures }[]>> {
    const { stock } = await loadStock(this.db, this.db.dialect, skus);
    const result = new Map<string, { location: string; figures: StockFigures }[]>();
    for (const sku of skus) {
      result.set(sku, [...(stock.get(sku) ?? new Map()).entries()].map(([location, figures]) => ({ location, figures })));
    }
    return result;
  }

  /** Throws BAD_USER_INPUT naming what the caller asked for that does not exist. */
  async assertKnown(channel: string, skus: readonly string[]): Promise<void> {
    const rules = await loadChannelRules(this.db, [channel]);
    if (!rules.has(channel)) throw badInput(`Unknown channel "${channel}"`, { channel });
    if (skus.length === 0) return;
    const rows = await this.db.query(`SELECT code FROM sku_ref WHERE code IN (${placeholders(skus)})`, [...skus]);
    const known = new Set(rows.map((row) => row.code));
    const unknown = skus.filter((sku) => !known.has(sku));
    if (unknown.length) throw badInput(`Unknown SKU ${unknown.map((s) => `"${s}"`).join(', ')}`, { skus: unknown });
  }
}
