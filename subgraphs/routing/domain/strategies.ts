import type { LocationProfile } from './location-profile';
import type { Strategy } from './routing-rules';
import { isoDay } from './shipping-calendar';

export const STRATEGY_LABEL: Record<Strategy, string> = {
  KEEP_PROMISE: 'keep the promise',
  FEWEST_SHIPMENTS: 'fewest shipments',
  CLOSEST: 'closest',
  FASTEST: 'fastest',
  RANKED: 'ranked locations',
  MOST_STOCK: 'most stock',
};

/** Negative when `a` serves better than `b` under the strategy, 0 when it cannot tell them apart. */
export function compareBy(strategy: Strategy, a: LocationProfile, b: LocationProfile): number {
  switch (strategy) {
    case 'KEEP_PROMISE': return Number(a.breach !== null) - Number(b.breach !== null);
    // Among locations that each ship the whole order this never separates them; in a split it puts first the one that leaves least to place.
    case 'FEWEST_SHIPMENTS': return b.units - a.units;
    case 'CLOSEST': return a.transit.days - b.transit.days;
    case 'FASTEST': return a.deliveryDay - b.deliveryDay;
    case 'RANKED': return a.option.rank - b.option.rank;
    case 'MOST_STOCK': return b.stockOfOrder - a.stockOfOrder;
  }
}

/** The channel's strategies, then its preference order, then the code: the order is always total. */
const chain = (strategies: readonly Strategy[]): Strategy[] => [...strategies, ...(strategies.includes('RANKED') ? [] : ['RANKED' as const])];

export function rankProfiles(profiles: readonly LocationProfile[], strategies: readonly Strategy[]): LocationProfile[] {
  const order = chain(strategies);
  return [...profiles].sort((a, b) => {
    for (const strategy of order) {
      const difference = compareBy(strategy, a, b);
      if (difference !== 0) return difference;
    }
    return a.option.code < b.option.code ? -1 : a.option.code > b.option.code ? 1 : 0;
  });
}

/** The first strategy that put `winner` before `loser`, or null when only the code did. */
export function decidingStrategy(strategies: readonly Strategy[], winner: LocationProfile, loser: LocationProfile): Strategy | null {
  return chain(strategies).find((strategy) => compareBy(strategy, winner, loser) !== 0) ?? null;
}

/** Why `winner` went before `loser`, in the words of the rule that decided it. */
export function explain(strategy: Strategy | null, winner: LocationProfile, loser: LocationProfile): string {
  const w = winner.option.code;
  const l = loser.option.code;
  switch (strategy) {
    case 'KEEP_PROMISE': return `${l} ${loser.breach}${loser.cutoffPassed ? ` (its ${loser.option.rule.cutoffHourUtc}:00 UTC cut-off has passed)` : ''}; ${w} ships ${isoDay(winner.shipDay)}`;
    case 'FEWEST_SHIPMENTS': return `${w} can ship ${winner.units} of the ${winner.needed} units still to place, ${l} ${loser.units}`;
    case 'CLOSEST': return `${w} is ${winner.transit.days} transit days away, ${l} ${loser.transit.days}`;
    case 'FASTEST': return `${w} delivers ${isoDay(winner.deliveryDay)}, ${l} ${isoDay(loser.deliveryDay)}`;
    case 'RANKED': return `${w} ranks #${winner.option.rank + 1} among the channel's locations, ${l} #${loser.option.rank + 1}`;
    case 'MOST_STOCK': return `${w} holds ${winner.stockOfOrder} units of the order's SKUs, ${l} ${loser.stockOfOrder}`;
    case null: return `they tie on every rule and ${w} comes first by code`;
  }
}

export const labelOf = (strategy: Strategy | null): string => (strategy ? STRATEGY_LABEL[strategy] : 'tie');
