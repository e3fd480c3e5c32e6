import type { StockFigures } from './stock';

/** Units expected at a location, not yet received. */
export interface IncomingLot {
  sku: string;
  location: string;
  quantity: number;
  expectedAt: Date;
}

/**
 * The stock as it will be by `date` if every lot due by then arrives: due lots join onHand.
 * Lots already overdue count as due; nothing else about the stock changes.
 */
export function stockBy(
  stock: ReadonlyMap<string, ReadonlyMap<string, StockFigures>>,
  lots: readonly IncomingLot[],
  date: Date,
): Map<string, Map<string, StockFigures>> {
  const result = new Map<string, Map<string, StockFigures>>();
  for (const [sku, byLocation] of stock) result.set(sku, new Map([...byLocation].map(([location, figures]) => [location, { ...figures }])));
  for (const lot of lots) {
    if (lot.expectedAt.getTime() > date.getTime()) continue;
    if (!result.has(lot.sku)) result.set(lot.sku, new Map());
    const byLocation = result.get(lot.sku)!;
    const figures = byLocation.get(lot.location) ?? { onHand: 0, committed: 0, reserved: 0, damaged: 0, qualityControl: 0, safetyStock: 0, incoming: 0 };
    byLocation.set(lot.location, { ...figures, onHand: figures.onHand + lot.quantity, incoming: Math.max(0, figures.incoming - lot.quantity) });
  }
  return result;
}

/**
 * The earliest expected receipt that would add to what a channel can sell: the first due date
 * at which availability rises, and by how much. Null when nothing incoming would add to it.
 */
export function nextIncoming(available: number, lots: readonly IncomingLot[], availableBy: (date: Date) => number): { quantity: number; expectedAt: Date } | null {
  const dates = [...new Set(lots.map((lot) => lot.expectedAt.getTime()))].sort((a, b) => a - b);
  for (const time of dates) {
    const later = availableBy(new Date(time));
    if (later > available) return { quantity: later - available, expectedAt: new Date(time) };
  }
  return null;
}
