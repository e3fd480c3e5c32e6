import { available, type StockFigures } from './stock';

/** What a channel may sell from: its locations in preference order, and its rules. */
export interface ChannelRule {
  code: string;
  locations: string[];
  bufferUnits: number;
  paused: boolean;
  /** Promotion cap: show at most this many units of any SKU. */
  maxUnits?: number | null;
  /** Promotion share: show at most this percentage of the pooled sellable units. */
  sharePercent?: number | null;
}

export interface ComponentLine {
  sku: string;
  quantity: number;
}

export type StockByLocation = ReadonlyMap<string, StockFigures>;

/**
 * What a channel may sell of a simple SKU: the sellable stock of its locations, less its
 * buffer, less the units other channels have set aside and not yet used (`ringFenced`), then
 * capped by its share of the pool and its unit cap. Never negative; 0 while paused.
 */
export function channelAvailable(rule: ChannelRule, stock: StockByLocation, ringFenced = 0): number {
  if (rule.paused) return 0;
  let pooled = 0;
  for (const location of rule.locations) {
    const figures = stock.get(location);
    if (figures) pooled += available(figures);
  }
  let value = pooled - rule.bufferUnits - ringFenced;
  if (rule.sharePercent != null) value = Math.min(value, Math.floor((pooled * rule.sharePercent) / 100));
  if (rule.maxUnits != null) value = Math.min(value, rule.maxUnits);
  return Math.max(0, value);
}

/**
 * Units of one SKU set aside for other channels and not yet held by them: a dedicated
 * allocation belongs to its channel until that channel holds it, so no other channel can see
 * or sell it. `allocations` and `held` are per channel.
 */
export function ringFencedFor(channel: string, allocations: ReadonlyMap<string, number>, held: ReadonlyMap<string, number>): number {
  let fenced = 0;
  for (const [owner, units] of allocations) {
    if (owner !== channel) fenced += Math.max(0, units - (held.get(owner) ?? 0));
  }
  return fenced;
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
export function allocate(rule: ChannelRule, sku: string, stock: StockByLocation, quantity: number, ringFenced = 0): Allocation[] | null {
  if (channelAvailable(rule, stock, ringFenced) < quantity) return null;
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
