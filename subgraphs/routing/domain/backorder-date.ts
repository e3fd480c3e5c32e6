import type { LocationOption } from './location-profile';
import type { Line } from './routing-rules';
import { shipDay, transitTo } from './shipping-calendar';
import type { Destination } from './routing-rules';

export interface RestockEstimate {
  /** The day the last backordered unit can leave, once the incoming stock it waits for has arrived. */
  shipDay: number;
  /** The location whose receipt completes the order, and the transit from it. */
  location: string;
  transitDays: number;
}

/**
 * The earliest honest ship day for backordered units, from the stock expected at the channel's
 * locations. Incoming units already promised to older backorders (`claimed`, per SKU) go to
 * them first. Null when the expected stock does not cover every unit.
 */
export function earliestRestock(
  backordered: readonly Line[],
  options: readonly LocationOption[],
  destination: Destination,
  now: Date,
  claimed: ReadonlyMap<string, number> = new Map(),
): RestockEstimate | null {
  let latest: RestockEstimate | null = null;
  for (const line of backordered) {
    const lots = options
      .flatMap((option) => (option.incoming.get(line.sku) ?? []).map((lot) => ({ option, lot })))
      .sort((a, b) => a.lot.expectedAt.getTime() - b.lot.expectedAt.getTime() || a.option.rank - b.option.rank);
    let skip = claimed.get(line.sku) ?? 0;
    let still = line.quantity;
    let completing: RestockEstimate | null = null;
    for (const { option, lot } of lots) {
      const free = Math.max(0, lot.quantity - skip);
      skip = Math.max(0, skip - lot.quantity);
      if (free === 0) continue;
      still -= free;
      // Every lot that contributes must have arrived and been handled; a later lot may ship sooner from a faster location.
      const arrives = new Date(Math.max(now.getTime(), lot.expectedAt.getTime()));
      const day = shipDay(arrives, option.rule);
      if (!completing || day > completing.shipDay) {
        completing = { shipDay: day, location: option.code, transitDays: transitTo(option.rule, destination, option.country).days };
      }
      if (still <= 0) break;
    }
    if (!completing || still > 0) return null;
    if (!latest || completing.shipDay > latest.shipDay) latest = completing;
  }
  return latest;
}
