import type { EntityManager } from 'typeorm';
import { NO_WRITES, plainWrites, writeAll, type Database } from '../../../shared/database';
import { enqueue } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { decideRouting, formatLines } from '../domain/decide-routing';
import { unshipped, type Placement } from '../domain/late-risk';
import type { LocationOption } from '../domain/location-profile';
import type { Line } from '../domain/routing-rules';
import { promiseWindow } from '../domain/shipping-promise';
import { channelLocations, locationCountries } from './network-copy';
import { backordersOf, insertOrder, lockOrder, olderBackorders, updateOrder, type AcceptedOrder, type RoutingOrder } from './order-copy';
import { loadRouting } from './rules-store';
import { applyStockFigures, keptStockRead, loadStockCopy, stockFigureWrites, type StockFigure } from './stock-copy';

/** Decisions inventory may refuse in a row (stock moving under them) before the order waits as a backorder. */
export const MAX_REFUSALS = 10;

export interface ReservationConfirmed {
  orderId: string;
  reservationId: string;
  outcome: string;
  committed: { location: string; lines: Line[] }[];
  order: AcceptedOrder;
}

export interface CommitRefused {
  orderId: string;
  sequence: number;
  shortages: { sku: string; location: string; wanted: number; sellable: number }[];
  stock: StockFigure[];
}

export const flatten = (groups: readonly { location: string; lines: Line[] }[]): Placement[] =>
  groups.flatMap((group) => group.lines.map((line) => ({ location: group.location, sku: line.sku, quantity: line.quantity })));

/** Units of `all` not in `placed`. */
function remainder(all: readonly Line[], placed: readonly Placement[]): Line[] {
  const left = new Map<string, number>();
  for (const line of all) left.set(line.sku, (left.get(line.sku) ?? 0) + line.quantity);
  for (const placement of placed) left.set(placement.sku, (left.get(placement.sku) ?? 0) - placement.quantity);
  return [...left].filter(([, quantity]) => quantity > 0).map(([sku, quantity]) => ({ sku, quantity }));
}

/** Units committed and not yet shipped, grouped by location. */
function heldOf(order: RoutingOrder): { location: string; lines: Line[] }[] {
  const locations = [...unshipped(order).keys()];
  return locations.map((location) => ({
    location,
    lines: order.committed.filter((p) => p.location === location).map((p) => ({ sku: p.sku, quantity: p.quantity })),
  }));
}

/**
 * Turns orders into decisions: reads routing's copies of the channel's locations, rules and
 * stock, lets the pure `decideRouting` choose, and sends the decision to inventory through the
 * outbox in the same transaction. Inventory commits it or refuses it (stock moved); a refusal
 * brings fresh figures and routing decides again. Every method runs inside the caller's
 * transaction and returns whether it wrote an event.
 */
export class OrderRouter {
  constructor(private readonly db: Database) {}

  async accepted(em: EntityManager, accepted: AcceptedOrder, now: Date): Promise<boolean> {
    if (!(await insertOrder(em, this.db.dialect, accepted))) return false;
    // An order confirming a reservation waits for inventory to turn the hold into its commitment first.
    if (accepted.reservationId) return false;
    const order = await lockOrder(em, this.db.dialect, accepted.orderId);
    return this.decide(em, order!, now, []);
  }

  async reservationConfirmed(em: EntityManager, confirmed: ReservationConfirmed, now: Date): Promise<boolean> {
    await insertOrder(em, this.db.dialect, confirmed.order);
    const order = await lockOrder(em, this.db.dialect, confirmed.orderId);
    if (!order || order.state !== 'AWAITING_RESERVATION') return false;
    order.committed = flatten(confirmed.committed);
    order.backordered = remainder(order.units, order.committed);
    const preface = confirmed.outcome === 'CONFIRMED'
      ? [`Confirms reservation ${confirmed.reservationId}: ${confirmed.committed.map((group) => `${formatLines(group.lines)} already held at ${group.location}`).join('; ') || 'nothing of this order was held'}`]
      : [`Reservation ${confirmed.reservationId} could not be confirmed (${confirmed.outcome.toLowerCase().replace(/_/g, ' ')}): the order takes stock anew`];
    return this.decide(em, order, now, preface);
  }

  async refused(em: EntityManager, refusal: CommitRefused, now: Date): Promise<boolean> {
    await applyStockFigures(em, this.db.dialect, refusal.stock);
    const order = await lockOrder(em, this.db.dialect, refusal.orderId);
    if (!order || order.state !== 'DECIDING' || order.sequence !== refusal.sequence) return false;
    order.refusals += 1;
    const moved = refusal.shortages.map((s) => `${s.location} had ${s.sellable} of ${s.wanted} × ${s.sku}`).join(', ');
    const giveUp = order.refusals >= MAX_REFUSALS;
    const preface = giveUp
      ? [`Stock kept moving under ${order.refusals} decisions in a row (${moved}): the order waits as a backorder and is routed again when stock arrives`]
      : [`Stock moved before decision ${refusal.sequence} could be committed (${moved}): decided again`];
    return this.decide(em, order, now, preface, new Map(), giveUp);
  }

  /**
   * Keeps routing's copy of each location's stock. Where sellable units appeared, the oldest
   * orders waiting for that SKU on channels selling from that location are routed again, in
   * turn, each taking what the ones before left. Figures come in batches (a receipt of a
   * thousand SKUs), so the backorders are looked up once for all of them. On MySQL the kept
   * figures are read (and locked) with the transaction's start, and when no figure raised the
   * sellable units (a sale), the copy's write travels with the COMMIT: two round trips.
   */
  async stockChanged(figures: StockFigure[], now: Date): Promise<boolean> {
    return this.db.transactionCommitting([keptStockRead(this.db.dialect, figures)], async (em, [kept]) => {
      const { writes, raised } = stockFigureWrites(this.db.dialect, figures, kept);
      if (raised.length === 0) return { result: false, last: plainWrites(writes) };
      await writeAll(em, writes);
      return { result: await this.routeArrivals(em, raised, now), last: NO_WRITES };
    });
  }

  /** Routes again the backorders that figures raising the sellable units may let ship. */
  private async routeArrivals(em: EntityManager, arrived: StockFigure[], now: Date): Promise<boolean> {
    const waiting = await backordersOf(em, [...new Set(arrived.map((figure) => figure.sku))]);
    const claims = new Map<string, number>();
    let decided = false;
    for (const figure of arrived) {
      for (const candidate of waiting.filter((order) => order.backordered.some((line) => line.sku === figure.sku))) {
        if (figure.sellable - (claims.get(`${figure.location}|${figure.sku}`) ?? 0) <= 0) break;
        const order = await lockOrder(em, this.db.dialect, candidate.orderId);
        if (!order || order.state !== 'BACKORDERED') continue;
        if (!((await channelLocations(em, order.channel)) ?? []).includes(figure.location)) continue;
        decided = (await this.decide(em, order, now, [`${figure.sku} arrived at ${figure.location}: the backordered units are routed again`], claims)) || decided;
      }
    }
    return decided;
  }

  /**
   * Decides where the order's uncommitted units go and sends that to inventory. `claims`
   * (location|sku → units) are units decided for other orders in the same pass, not yet
   * committed, so not yet gone from the copy; they are added to as this decision places units.
   */
  async decide(em: EntityManager, order: RoutingOrder, now: Date, preface: string[], claims = new Map<string, number>(), giveUp = false): Promise<boolean> {
    const locations = await channelLocations(em, order.channel);
    // Orders only accepts orders of channels it has heard of; routing hears of them from the same event, maybe a little later.
    if (!locations) throw new Error(`routing has not heard of channel ${order.channel} yet; the order will be routed on redelivery`);
    const routing = await loadRouting(em, order.channel, locations);
    const skus = [...new Set(order.backordered.map((line) => line.sku))];
    const stock = await loadStockCopy(em, skus, locations);
    const countries = await locationCountries(em, locations);
    const options: LocationOption[] = locations.map((code, rank) => {
      const copy = stock.get(code)!;
      const sellable = new Map([...copy.sellable].map(([sku, quantity]) => [sku, giveUp ? 0 : quantity - (claims.get(`${code}|${sku}`) ?? 0)]));
      return { code, rank, country: countries.get(code) ?? null, rule: routing.ruleFor(code), sellable, incoming: copy.incoming };
    });
    const request = {
      channel: order.channel, need: order.backordered, destination: order.destination, window: promiseWindow(order.promise, order.placedAt),
      strategies: routing.strategies, options, now, held: heldOf(order),
    };
    let outcome = decideRouting(request);
    // Only a backorder is dated from incoming stock, and older backorders get that stock first: look them up only then.
    if (outcome.backordered.length) outcome = decideRouting({ ...request, claimedIncoming: await olderBackorders(em, outcome.backordered.map((line) => line.sku), order) });
    for (const assignment of outcome.assignments) {
      for (const line of assignment.lines) claims.set(`${assignment.location}|${line.sku}`, (claims.get(`${assignment.location}|${line.sku}`) ?? 0) + line.quantity);
    }
    order.sequence += 1;
    order.state = 'DECIDING';
    order.pending = { reasons: [...preface, ...outcome.reasons], promisedShipDate: outcome.promisedShipDate?.toISOString() ?? null, atRisk: outcome.atRisk };
    await updateOrder(em, order);
    await enqueue(em, TOPICS.routingDecided, `order:${order.orderId}`, {
      orderId: order.orderId, channel: order.channel, externalId: order.externalId, sequence: order.sequence,
      assignments: outcome.assignments, backordered: outcome.backordered, decidedAt: now.toISOString(),
    });
    return true;
  }
}
