import type { Destination, Line, LocationRule } from './routing-rules';
import { cutoffPassed, shipDay, transitTo, type Transit } from './shipping-calendar';
import { promiseBreach, type PromiseWindow } from './shipping-promise';

export interface IncomingLot {
  quantity: number;
  expectedAt: Date;
}

/** One of the channel's locations as routing sees it: its rules and its stock, from routing's own copies. */
export interface LocationOption {
  code: string;
  /** Position in the channel's preference list, 0 first. */
  rank: number;
  country: string | null;
  rule: LocationRule;
  /** Units sellable now, by SKU. */
  sellable: ReadonlyMap<string, number>;
  /** Expected receipts, by SKU. */
  incoming: ReadonlyMap<string, readonly IncomingLot[]>;
}

/** How well one location serves what is still to be placed. */
export interface LocationProfile {
  option: LocationOption;
  shipDay: number;
  cutoffPassed: boolean;
  transit: Transit;
  deliveryDay: number;
  /** Why it cannot keep the promise; null when it can (or there is none). */
  breach: string | null;
  /** Units of each needed SKU it can ship now. */
  take: Line[];
  units: number;
  /** Units still to place: what `units` is out of. */
  needed: number;
  covers: boolean;
  shortOf: { sku: string; has: number; needs: number }[];
  /** Sellable units of the needed SKUs it holds, whatever the quantities asked. */
  stockOfOrder: number;
}

export function profileLocation(option: LocationOption, need: readonly Line[], destination: Destination, window: PromiseWindow, now: Date): LocationProfile {
  const day = shipDay(now, option.rule);
  const transit = transitTo(option.rule, destination, option.country);
  const take: Line[] = [];
  const shortOf: LocationProfile['shortOf'] = [];
  let units = 0;
  let needed = 0;
  let stockOfOrder = 0;
  for (const line of need) {
    const has = Math.max(0, option.sellable.get(line.sku) ?? 0);
    const taken = Math.min(has, line.quantity);
    needed += line.quantity;
    stockOfOrder += has;
    if (taken > 0) {
      take.push({ sku: line.sku, quantity: taken });
      units += taken;
    }
    if (taken < line.quantity) shortOf.push({ sku: line.sku, has, needs: line.quantity });
  }
  return {
    option, shipDay: day, cutoffPassed: cutoffPassed(now, option.rule), transit, deliveryDay: day + transit.days,
    breach: promiseBreach(window, day, transit.days), take, units, needed, covers: shortOf.length === 0, shortOf, stockOfOrder,
  };
}

export const describeShort = (profile: LocationProfile): string =>
  profile.shortOf.map((s) => `${s.sku}: has ${s.has}, needs ${s.needs}`).join('; ');
