/** The buckets of one SKU at one location. */
export interface StockFigures {
  onHand: number;
  committed: number;
  reserved: number;
  damaged: number;
  qualityControl: number;
  safetyStock: number;
  incoming: number;
}

export const BUCKETS = ['onHand', 'committed', 'reserved', 'damaged', 'qualityControl', 'safetyStock', 'incoming'] as const;
export type Bucket = (typeof BUCKETS)[number];
export type Deltas = Partial<Record<Bucket, number>>;

export const EMPTY_STOCK: StockFigures = Object.freeze({
  onHand: 0, committed: 0, reserved: 0, damaged: 0, qualityControl: 0, safetyStock: 0, incoming: 0,
});

/** Units that can be sold now. Negative when a count found fewer units than are held. */
export function sellableRaw(stock: StockFigures): number {
  return stock.onHand - stock.committed - stock.reserved - stock.damaged - stock.qualityControl - stock.safetyStock;
}

/** The contract's `available`: sellable now, never below zero. */
export function available(stock: StockFigures): number {
  return Math.max(0, sellableRaw(stock));
}

export function applyDeltas(stock: StockFigures, deltas: Deltas): StockFigures {
  const next = { ...stock };
  for (const bucket of BUCKETS) next[bucket] += deltas[bucket] ?? 0;
  return next;
}

/** The first bucket that would be negative, if any. */
export function negativeBucket(stock: StockFigures): Bucket | null {
  return BUCKETS.find((bucket) => stock[bucket] < 0) ?? null;
}
