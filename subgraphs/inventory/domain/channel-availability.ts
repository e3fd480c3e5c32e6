import { bundleAvailable, channelAvailable, type ChannelRule, type ComponentLine, type StockByLocation } from './availability';
import type { StockFigures } from './stock';

const NO_STOCK: StockByLocation = new Map<string, StockFigures>();

/** Availability on one channel of each SKU asked for, simple or bundle. */
export function availabilityFor(
  rule: ChannelRule,
  skus: readonly string[],
  stock: ReadonlyMap<string, StockByLocation>,
  components: ReadonlyMap<string, ComponentLine[]>,
  ringFenced: (sku: string) => number = () => 0,
): Map<string, number> {
  const simple = (sku: string) => channelAvailable(rule, stock.get(sku) ?? NO_STOCK, ringFenced(sku));
  const result = new Map<string, number>();
  for (const sku of skus) {
    const parts = components.get(sku);
    result.set(sku, parts && parts.length ? bundleAvailable(parts, simple) : simple(sku));
  }
  return result;
}
