/** Units of one SKU. */
export interface Line {
  sku: string;
  quantity: number;
}

/** Where an order goes. */
export interface Destination {
  country: string;
  postalCode: string | null;
}

/** Transit days from a location to a country, or to the part of it whose postal codes start with `postalPrefix`. */
export interface TransitRule {
  country: string;
  postalPrefix: string | null;
  days: number;
}

/** How one location ships for a channel. */
export interface LocationRule {
  location: string;
  /** Whole days between picking up an order and handing it to the carrier; 0 ships the same day. */
  handlingDays: number;
  /** Orders started at or after this UTC hour wait for the next day; null: no cut-off. */
  cutoffHourUtc: number | null;
  /** Transit days where no transit rule matches; null: 2 within the location's country, 5 abroad. */
  defaultTransitDays: number | null;
  transit: TransitRule[];
}

export const STRATEGIES = ['KEEP_PROMISE', 'FEWEST_SHIPMENTS', 'CLOSEST', 'FASTEST', 'RANKED', 'MOST_STOCK'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What a channel gets until its rules are set: keep promises, ship whole, deliver soonest, then the channel's preference. */
export const DEFAULT_STRATEGIES: readonly Strategy[] = ['KEEP_PROMISE', 'FEWEST_SHIPMENTS', 'FASTEST', 'RANKED'];

export const defaultLocationRule = (location: string): LocationRule => ({
  location, handlingDays: 0, cutoffHourUtc: null, defaultTransitDays: null, transit: [],
});

/** A channel's routing rules: the strategies in the order they decide, and each location's shipping times. */
export interface ChannelRouting {
  channel: string;
  strategies: Strategy[];
  locations: LocationRule[];
}

/** Every problem with a set of rules, in words a caller can act on; empty when they are valid. */
export function routingRuleProblems(rules: ChannelRouting, channelLocations: readonly string[]): string[] {
  const problems: string[] = [];
  if (rules.strategies.length === 0) problems.push('at least one strategy is needed');
  const unknownStrategies = rules.strategies.filter((s) => !STRATEGIES.includes(s));
  if (unknownStrategies.length) problems.push(`unknown strategy ${unknownStrategies.join(', ')}`);
  if (new Set(rules.strategies).size !== rules.strategies.length) problems.push('a strategy is listed twice');
  const seen = new Set<string>();
  for (const rule of rules.locations) {
    if (seen.has(rule.location)) problems.push(`location ${rule.location} is listed twice`);
    seen.add(rule.location);
    if (!channelLocations.includes(rule.location)) problems.push(`${rule.location} is not one of channel ${rules.channel}'s locations (${channelLocations.join(', ') || 'none'})`);
    if (!Number.isInteger(rule.handlingDays) || rule.handlingDays < 0 || rule.handlingDays > 60) problems.push(`${rule.location}: handlingDays must be a whole number from 0 to 60`);
    if (rule.cutoffHourUtc !== null && (!Number.isInteger(rule.cutoffHourUtc) || rule.cutoffHourUtc < 0 || rule.cutoffHourUtc > 24)) {
      problems.push(`${rule.location}: cutoffHourUtc must be a whole hour from 0 to 24`);
    }
    if (rule.defaultTransitDays !== null && (!Number.isInteger(rule.defaultTransitDays) || rule.defaultTransitDays < 0 || rule.defaultTransitDays > 90)) {
      problems.push(`${rule.location}: defaultTransitDays must be a whole number from 0 to 90`);
    }
    for (const transit of rule.transit) {
      if (!/^[A-Z]{2}$/.test(transit.country)) problems.push(`${rule.location}: transit country must be an ISO 3166-1 alpha-2 code, got "${transit.country}"`);
      if (!Number.isInteger(transit.days) || transit.days < 0 || transit.days > 90) problems.push(`${rule.location}: transit days must be a whole number from 0 to 90`);
      if (transit.postalPrefix !== null && (transit.postalPrefix.length === 0 || transit.postalPrefix.length > 20)) problems.push(`${rule.location}: postalPrefix must be 1 to 20 characters`);
    }
  }
  return problems;
}
