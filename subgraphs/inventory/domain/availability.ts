import { available, type StockFigures } from './stock';

/** What a channel may sell from: its locations in preference order, and its rules. */
export interface ChannelRule {
  code: string;
  locations: string[];
  bufferUnits: number;
  paused: boolean;
}

export interface ComponentLine {
  sku: string;
  quantity: number;
}

export type StockByLocation = ReadonlyMap<string, StockFigures>;

/** The contract's channel availability for a simple SKU: its locations' sellable stock, less the buffer. */
export function channelAvailable(rule: ChannelRule, stock: StockByLocation): number {
  if (rule.paused) return 0;
  let pooled = 0;
  for (const location of rule.locations) {
    const figures = stock.get(location);
    if (figures) pooled += available(figures);
  }
  return Math.max(0, pooled - rule.bufferUnits);
}

/** A bundle sells as many as its scarcest component allows. */
export function bundleAvailable(components: ComponentLine[], componentAvailable: (sku: string) => number): number {
  if (components.length === 0) return 0;
  return Math.min(...components.map((line) => Math.floor(componentAvailable(line.sku) / line.quantity)));
}

export interface Allocation {
  sku: string;
  location: string;
  quantity: number;
}

export interface Shortfall {
  sku: string;
  requested: number;
  available: number;
}

/**
 * Takes `quantity` units of one SKU for a channel from its locations in preference order,
 * splitting across locations when the first cannot cover it. Null when the channel's
 * availability is short.
 */
export function allocate(rule: ChannelRule, sku: string, stock: StockByLocation, quantity: number): Allocation[] | null {
  if (channelAvailable(rule, stock) < quantity) return null;
  const allocations: Allocation[] = [];
  let remaining = quantity;
  for (const location of rule.locations) {
    if (remaining === 0) break;
    const figures = stock.get(location);
    const take = figures ? Math.min(available(figures), remaining) : 0;
    if (take > 0) {
      allocations.push({ sku, location, quantity: take });
      remaining -= take;
    }
  }
  return remaining === 0 ? allocations : null;
}

/** Replaces bundle lines by their components, merging quantities of the same SKU. */
export function explodeLines(lines: ComponentLine[], compositionOf: (sku: string) => ComponentLine[]): ComponentLine[] {
  const totals = new Map<string, number>();
  for (const line of lines) {
    const components = compositionOf(line.sku);
    const parts = components.length ? components.map((c) => ({ sku: c.sku, quantity: c.quantity * line.quantity })) : [line];
    for (const part of parts) totals.set(part.sku, (totals.get(part.sku) ?? 0) + part.quantity);
  }
  return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, quantity]) => ({ sku, quantity }));
}
