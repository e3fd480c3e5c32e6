import type { Destination, LocationRule } from './routing-rules';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Days are whole UTC days counted from the epoch: the calendar every cut-off and promise is read in. */
export const dayOf = (date: Date): number => Math.floor(date.getTime() / DAY_MS);
export const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The day a location hands an order to the carrier when it starts on it at `at`: today while
 * the cut-off has not passed, otherwise tomorrow, then its handling days. Every day ships.
 */
export function shipDay(at: Date, rule: Pick<LocationRule, 'handlingDays' | 'cutoffHourUtc'>): number {
  const today = dayOf(at);
  const hour = (at.getTime() - today * DAY_MS) / HOUR_MS;
  const start = rule.cutoffHourUtc === null || hour < rule.cutoffHourUtc ? today : today + 1;
  return start + rule.handlingDays;
}

/** Whether the cut-off of `at`'s day has already passed. */
export function cutoffPassed(at: Date, rule: Pick<LocationRule, 'cutoffHourUtc'>): boolean {
  return rule.cutoffHourUtc !== null && (at.getTime() - dayOf(at) * DAY_MS) / HOUR_MS >= rule.cutoffHourUtc;
}

/** The moment a parcel leaves on its ship day: the cut-off, or the last moment of that day without one. */
export function shipDeadline(day: number, rule: Pick<LocationRule, 'cutoffHourUtc'>): Date {
  return new Date(day * DAY_MS + Math.min((rule.cutoffHourUtc ?? 24) * HOUR_MS, DAY_MS - 1));
}

export interface Transit {
  days: number;
  /** Which rule gave the figure, for the reasons. */
  basis: string;
}

/**
 * Transit days from a location to a destination: the most specific matching rule (the longest
 * postal prefix, then the country), else the location's default, else 2 days at home, 5 abroad.
 */
export function transitTo(rule: LocationRule, destination: Destination, locationCountry: string | null): Transit {
  const postal = (destination.postalCode ?? '').toUpperCase().replace(/\s+/g, '');
  let best: { days: number; prefix: string } | null = null;
  for (const transit of rule.transit) {
    if (transit.country !== destination.country) continue;
    const prefix = (transit.postalPrefix ?? '').toUpperCase().replace(/\s+/g, '');
    if (!postal.startsWith(prefix)) continue;
    if (!best || prefix.length > best.prefix.length) best = { days: transit.days, prefix };
  }
  if (best) return { days: best.days, basis: best.prefix ? `${destination.country} ${best.prefix}*` : destination.country };
  if (rule.defaultTransitDays !== null) return { days: rule.defaultTransitDays, basis: 'its default' };
  const domestic = locationCountry !== null && locationCountry === destination.country;
  return { days: domestic ? 2 : 5, basis: domestic ? 'domestic default' : 'international default' };
}
