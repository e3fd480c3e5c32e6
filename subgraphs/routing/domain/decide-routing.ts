import { earliestRestock } from './backorder-date';
import { describeShort, profileLocation, type LocationOption, type LocationProfile } from './location-profile';
import { defaultLocationRule, type Destination, type Line, type Strategy } from './routing-rules';
import { isoDay, shipDeadline } from './shipping-calendar';
import { describePromise, hasPromise, promiseBreach, type PromiseWindow } from './shipping-promise';
import { decidingStrategy, explain, labelOf, rankProfiles } from './strategies';

export interface RoutingRequest {
  channel: string;
  /** Units still to place (bundles already broken into their components). */
  need: readonly Line[];
  destination: Destination;
  window: PromiseWindow;
  strategies: readonly Strategy[];
  /** The channel's locations, and only those, in its preference order. */
  options: readonly LocationOption[];
  now: Date;
  /** Incoming units of each SKU already promised to older backorders. */
  claimedIncoming?: ReadonlyMap<string, number>;
  /** Units already committed and not yet shipped (earlier decisions, a confirmed reservation): they count toward the ship date and the promise. */
  held?: readonly { location: string; lines: Line[] }[];
}

export interface RoutingOutcome {
  assignments: { location: string; lines: Line[] }[];
  backordered: Line[];
  reasons: string[];
  /** When the last parcel is due to leave; null while backordered units have no incoming stock to wait for. */
  promisedShipDate: Date | null;
  /** The buyer's promise cannot be kept; `promisedShipDate` is then the earliest honest date. */
  atRisk: boolean;
}

/**
 * The ship date and promise check of units placed at the given locations, and of the units
 * already held elsewhere for the order: the order leaves when its last parcel does.
 */
function shipDateOf(request: RoutingRequest, placed: LocationProfile[]): { promisedShipDate: Date | null; atRisk: boolean; last: { day: number } | null } {
  const held = (request.held ?? []).filter((entry) => entry.lines.some((line) => line.quantity > 0)).map((entry) => {
    const option = request.options.find((candidate) => candidate.code === entry.location)
      ?? { code: entry.location, rank: request.options.length, country: null, rule: defaultLocationRule(entry.location), sellable: new Map(), incoming: new Map() };
    return profileLocation(option, [], request.destination, request.window, request.now);
  });
  let atRisk = false;
  let last: { day: number; deadline: Date } | null = null;
  for (const profile of [...held, ...placed]) {
    if (profile.breach) atRisk = true;
    if (!last || profile.shipDay > last.day) last = { day: profile.shipDay, deadline: shipDeadline(profile.shipDay, profile.option.rule) };
  }
  return { promisedShipDate: last?.deadline ?? null, atRisk, last };
}

export const formatLines = (lines: readonly Line[]): string => lines.map((line) => `${line.quantity} × ${line.sku}`).join(', ');

function merge(lines: readonly Line[]): Line[] {
  const totals = new Map<string, number>();
  for (const line of lines) if (line.quantity > 0) totals.set(line.sku, (totals.get(line.sku) ?? 0) + line.quantity);
  return [...totals].map(([sku, quantity]) => ({ sku, quantity }));
}

interface Pick {
  profile: LocationProfile;
  lines: Line[];
}

/** One location ships everything: the strategies, in the channel's order, choose among those that can. */
function pickWhole(whole: LocationProfile[], others: LocationProfile[], strategies: readonly Strategy[], reasons: string[]): Pick {
  const [chosen, ...rest] = rankProfiles(whole, strategies);
  reasons.push(`${chosen.option.code} ships the whole order${whole.length === 1 ? ': the only location that can' : ''}`);
  for (const other of rest) {
    const strategy = decidingStrategy(strategies, chosen, other);
    reasons.push(`${other.option.code} passed over (${labelOf(strategy)}): ${explain(strategy, chosen, other)}`);
  }
  for (const other of others) reasons.push(`${other.option.code} passed over: cannot ship the whole order alone (${describeShort(other)})`);
  return { profile: chosen, lines: chosen.take };
}

/** No location ships everything: take from one location at a time, the best for what remains first. */
function pickSplit(request: RoutingRequest, profiles: LocationProfile[], remaining: Map<string, number>, reasons: string[]): Pick[] {
  reasons.push('No single location can ship the whole order, so it is split');
  const picks: Pick[] = [];
  let pool = profiles.map((profile) => profile.option);
  for (const profile of profiles) if (profile.units === 0) reasons.push(`${profile.option.code} passed over: none of the order's units in stock`);
  while ([...remaining.values()].some((quantity) => quantity > 0)) {
    const need = [...remaining].filter(([, quantity]) => quantity > 0).map(([sku, quantity]) => ({ sku, quantity }));
    const candidates = pool.map((option) => profileLocation(option, need, request.destination, request.window, request.now)).filter((p) => p.units > 0);
    if (candidates.length === 0) break;
    const [best, next] = rankProfiles(candidates, request.strategies);
    const strategy = next ? decidingStrategy(request.strategies, best, next) : null;
    reasons.push(`${best.option.code} ships ${formatLines(best.take)}${next ? ` (before ${next.option.code} by ${labelOf(strategy)}: ${explain(strategy, best, next)})` : ''}`);
    for (const line of best.take) remaining.set(line.sku, remaining.get(line.sku)! - line.quantity);
    picks.push({ profile: best, lines: best.take });
    pool = pool.filter((option) => option !== best.option);
  }
  return picks;
}

/**
 * Routes the units of an order still to place: to one location when any can ship them all
 * (the channel's strategies choose which), split across locations only when none can, and the
 * rest backordered with the earliest honest ship date incoming stock allows. Every choice and
 * every location passed over is explained in `reasons`.
 */
export function decideRouting(request: RoutingRequest): RoutingOutcome {
  const need = merge(request.need);
  const reasons: string[] = [];
  if (need.length === 0) return { assignments: [], backordered: [], reasons: [], ...shipDateOf(request, []) };
  if (request.options.length === 0) reasons.push(`Channel ${request.channel} has no locations to ship from`);
  else reasons.push(`Only channel ${request.channel}'s locations were considered: ${request.options.map((option) => option.code).join(', ')}`);
  if (hasPromise(request.window)) reasons.push(`Promise: ${describePromise(request.window)}`);

  const profiles = request.options.map((option) => profileLocation(option, need, request.destination, request.window, request.now));
  const whole = profiles.filter((profile) => profile.covers);
  const remaining = new Map(need.map((line) => [line.sku, line.quantity]));
  let picks: Pick[];
  if (whole.length > 0) {
    picks = [pickWhole(whole, profiles.filter((profile) => !profile.covers), request.strategies, reasons)];
    remaining.clear();
  } else {
    picks = profiles.length ? pickSplit(request, profiles, remaining, reasons) : [];
  }
  const backordered = [...remaining].filter(([, quantity]) => quantity > 0).map(([sku, quantity]) => ({ sku, quantity }));

  for (const pick of picks) {
    if (pick.profile.breach) reasons.push(`At risk of shipping late: no location that can ship these units keeps the promise; ${pick.profile.option.code} ${pick.profile.breach}`);
  }
  let { promisedShipDate, atRisk, last } = shipDateOf(request, picks.map((pick) => pick.profile));
  if (backordered.length > 0) {
    reasons.push(`${formatLines(backordered)} backordered: no location of channel ${request.channel} can ship ${backordered.length === 1 && backordered[0].quantity === 1 ? 'it' : 'them'} now`);
    const restock = earliestRestock(backordered, request.options, request.destination, request.now, request.claimedIncoming);
    if (restock) {
      const option = request.options.find((o) => o.code === restock.location)!;
      reasons.push(`Incoming stock lets the backordered units ship ${isoDay(restock.shipDay)} from ${restock.location}`);
      if (!last || restock.shipDay > last.day) promisedShipDate = shipDeadline(restock.shipDay, option.rule);
      const breach = promiseBreach(request.window, restock.shipDay, restock.transitDays);
      if (breach) {
        atRisk = true;
        reasons.push(`At risk of shipping late: the backordered units ${breach.replace(/^ships/, 'ship').replace(/^delivers/, 'deliver')}`);
      }
    } else {
      promisedShipDate = null;
      reasons.push('No incoming stock covers the backordered units yet, so no honest ship date can be given');
      if (hasPromise(request.window)) {
        atRisk = true;
        reasons.push(`At risk of shipping late: the promise (${describePromise(request.window)}) cannot be confirmed`);
      }
    }
  }
  return {
    assignments: picks.map((pick) => ({ location: pick.profile.option.code, lines: pick.lines })),
    backordered,
    reasons,
    promisedShipDate,
    atRisk,
  };
}
