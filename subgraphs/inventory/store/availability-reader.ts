import type { Database } from '../../../shared/database';
import { badInput } from '../../../shared/errors';
import { availabilityFor } from '../domain/channel-availability';
import type { StockFigures } from '../domain/stock';
import { loadChannelRules, loadCompositions } from './catalog-copy';
import { loadStock } from './stock-store';

export interface AvailabilityKey {
  channel: string;
  sku: string;
}

/**
 * Reads availability for many (channel, SKU) pairs in a fixed number of queries, whatever
 * their count: channel rules, compositions, stock and lapsed holds, each one query.
 */
export class AvailabilityReader {
  constructor(private readonly db: Database) {}

  async availability(keys: readonly AvailabilityKey[]): Promise<number[]> {
    const channels = [...new Set(keys.map((key) => key.channel))];
    const skus = [...new Set(keys.map((key) => key.sku))];
    const [rules, compositions] = await Promise.all([loadChannelRules(this.db, channels), loadCompositions(this.db, skus)]);
    const simple = new Set<string>();
    for (const sku of skus) {
      const parts = compositions.components.get(sku);
      if (parts?.length) parts.forEach((part) => simple.add(part.sku));
      else simple.add(sku);
    }
    const { stock } = await loadStock(this.db, this.db.dialect, [...simple]);
    const perChannel = new Map<string, Map<string, number>>();
    for (const channel of channels) {
      const rule = rules.get(channel);
      if (!rule) continue;
      perChannel.set(channel, availabilityFor(rule, skus, stock, compositions.components));
    }
    return keys.map((key) => perChannel.get(key.channel)?.get(key.sku) ?? 0);
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
    const rows = await this.db.query(`SELECT code FROM sku_ref WHERE code IN (${skus.map(() => '?').join(',')})`, [...skus]);
    const known = new Set(rows.map((row) => row.code));
    const unknown = skus.filter((sku) => !known.has(sku));
    if (unknown.length) throw badInput(`Unknown SKU ${unknown.map((s) => `"${s}"`).join(', ')}`, { skus: unknown });
  }
}
