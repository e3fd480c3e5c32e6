import crypto from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { flatMapped, flatten, unique } from '../../../shared/arrays';
import { insertStatements, NO_WRITES, placeholders, readAll, type Database, type PendingWrites } from '../../../shared/database';
import { badInput, DomainError, idempotencyConflict, notFound } from '../../../shared/errors';
import { GroupCommit, type Outcome } from '../../../shared/group-commit';
import { newId } from '../../../shared/ids';
import { holdGroups } from '../../../shared/metrics';
import type { OutboxRelay } from '../../../shared/outbox';
import { allocate, explodeLines, type Allocation, type ComponentLine, type Shortfall } from '../domain/availability';
import { channelAvailable } from '../domain/availability';
import { availabilityWrites } from './availability-feed';
import { channelRulesFrom, channelRulesRead, compositionsFrom, compositionsRead, knownSkusFrom, knownSkusRead } from './catalog-copy';
import { endHolds } from './hold-endings';
import { GUESSES, GuessedWrong, lockedReads, sameBasis, sameSet, storedKeyReads, type Basis } from './hold-reads';
import { keptAfter, KeptReadsPause, keptStillTrue, NO_STATEMENTS, type KeptReads } from './kept-reads';
import { countHeld, fencedFrom, heldRowsOf, heldStatements, ringFences } from './ring-fence';
import { feedRowsFrom, toldAfter } from './stock-feed';
import { reservedMoveWrites, stockRead, type StockRead } from './stock-store';

export type ReservationStatus = 'ACTIVE' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';

export interface Reservation {
  id: string;
  channel: string;
  status: ReservationStatus;
  expiresAt: Date;
  lines: ComponentLine[];
}

export interface ReserveInput {
  channel: string;
  lines: ComponentLine[];
  ttlSeconds?: number | null;
  idempotencyKey: string;
}

const MAX_TTL_SECONDS = 7 * 24 * 3600;

function insufficient(shortfalls: Shortfall[]): DomainError {
  const detail = shortfalls.map((s) => `${s.sku}: ${s.requested} requested, ${s.available} available`).join('; ');
  return new DomainError('INSUFFICIENT_STOCK', `Not enough stock to reserve: ${detail}`, { shortfalls });
}

function requestHash(input: ReserveInput, ttlSeconds: number): string {
  const lines = [...input.lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.quantity - b.quantity));
  return crypto.createHash('sha256').update(JSON.stringify({ channel: input.channel, lines, ttlSeconds })).digest('hex');
}

interface HoldRequest {
  input: ReserveInput;
  ttlSeconds: number;
  hash: string;
}

/** What a hold request came to: a new reservation, or a key already stored (to replay). */
type HoldResult = { held: Reservation } | { stored: { id: string; hash: string } };

/** Holds at most this many requests in one transaction. */
const MAX_GROUP = 500;
/** The most groups that read after kept reads missed, before one tries them again (see `KeptReadsPause`). */
const MAX_KEPT_PAUSE = 64;
/** The sweeper expires at most this many holds in one transaction. */
export const EXPIRY_BATCH = 500;

/**
 * Holds at checkout, in groups (group commit). Requests that arrive while a hold transaction
 * runs wait for it, then go together in the next one: it locks the stock rows of all their SKUs
 * in key order, decides each request in arrival order with the pure `allocate` against figures
 * that already count the requests decided before it, and applies the accepted ones with one
 * conditional UPDATE per stock row that only succeeds while the units are still sellable.
 * Each request holds all its lines or none; a refused request costs the others nothing. A
 * group whose statements fail (say another process stored one of its keys first) is rolled
 * back and each of its requests runs alone. On MySQL a group is two round trips: its start
 * carries the catalog reads and the locked reads, and its writes carry a guard and the COMMIT,
 * so nothing is committed unless every conditional UPDATE took its units.
 */
export class ReservationStore {
  private readonly groups: GroupCommit<HoldRequest, HoldResult>;
  /**
   * The channels of the rules the last group read. The next group's locked reads, sent with its
   * start, name them for the availability it reads; rules seldom change, and when they have, the
   * group starts again (MySQL) or reads again (SQLite) with the new ones.
   */
  private channelCodes: readonly string[] = [];
  /**
   * What the last group on MySQL read and left, when the next group of the same SKUs may decide
   * from it in one request (`KeptReads`); null otherwise, and while kept reads are paused.
   */
  private kept: Kept | null = null;
  /** Groups of SKUs whose kept reads keep going out of date read for a while instead. */
  private readonly keptPause = new KeptReadsPause(MAX_KEPT_PAUSE);

  constructor(private readonly db: Database, private readonly relay: OutboxRelay) {
    // One group at a time, so requests are decided in arrival order and groups grow under load.
    // (On MySQL, overlapping groups measured slower: on a hot SKU they queue on its row lock anyway,
    // and smaller groups cost more statements per hold.)
    this.groups = new GroupCommit((requests) => this.holdGroup(requests), { concurrency: 1, maxGroup: MAX_GROUP });
  }

  async reserve(input: ReserveInput): Promise<Reservation> {
    const ttlSeconds = input.ttlSeconds ?? 600;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
      throw badInput(`ttlSeconds must be a whole number from 1 to ${MAX_TTL_SECONDS}, got ${ttlSeconds}`, { field: 'ttlSeconds' });
    }
    if (!input.idempotencyKey || input.idempotencyKey.length > 200) throw badInput('idempotencyKey must be 1 to 200 characters', { field: 'idempotencyKey' });
    if (input.lines.length === 0) throw badInput('a reservation needs at least one line', { field: 'lines' });
    // reservation_line is keyed by (reservation, SKU): a repeated SKU would fail on insert as an internal error.
    if (new Set(input.lines.map((line) => line.sku)).size !== input.lines.length) throw badInput('a SKU is listed on more than one line', { field: 'lines' });
    for (const line of input.lines) {
      if (!Number.isInteger(line.quantity) || line.quantity < 1) {
        throw badInput(`quantity must be a whole number of at least 1, got ${line.quantity} for ${line.sku}`, { field: 'quantity', sku: line.sku });
      }
    }
    const hash = requestHash(input, ttlSeconds);
    try {
      const result = await this.groups.submit({ input, ttlSeconds, hash });
      if ('stored' in result) return await this.replay(result.stored, hash);
      // Answered once it commits: the hold and the new availability are durable and readable, and
      // their events leave the outbox within 25 ms, with those of the holds around it,
      // without the checkout waiting for what other subgraphs do with them (embedded, publishing
      // runs their consumers; scaled out it never waited).
      this.relay.flushSoon();
      return result.held;
    } catch (error) {
      // Two requests with one key raced in different groups or processes; the loser answers with
      // what the winner stored. Looked up after a shortage too: the winner's own hold may be what
      // left the loser short.
      const raced = await this.findByKey(input.channel, input.idempotencyKey);
      if (raced) return this.replay(raced, hash);
      throw error;
    }
  }

  private async replay(existing: { id: string; hash: string }, hash: string): Promise<Reservation> {
    if (existing.hash !== hash) {
      throw idempotencyConflict('This idempotencyKey was already used for a different reservation', { reservationId: existing.id });
    }
    return (await this.get(existing.id))!;
  }

  private async findByKey(channel: string, key: string): Promise<{ id: string; hash: string } | null> {
    const rows = await this.db.query('SELECT id, payload_hash FROM reservation WHERE channel_code = ? AND idempotency_key = ?', [channel, key]);
    return rows[0] ? { id: rows[0].id, hash: rows[0].payload_hash } : null;
  }

  /**
   * Holds a group in one transaction. `guess` is what its locked reads cover: by default the SKUs
   * asked for (none a bundle); a group whose SKUs turn out otherwise starts again with them.
   */
  private async holdGroup(requests: HoldRequest[], guess?: Basis, attempt = 0): Promise<Outcome<HoldResult>[]> {
    const requested = unique(flatMapped(requests, (request) => request.input.lines.map((line) => line.sku)));
    const reads = this.kept && !guess && sameSet(requested, this.kept.skus) ? this.kept.reads() : null;
    this.kept = null;
    if (reads) {
      try {
        const result = await this.holdFromKept(requests, reads);
        holdGroups.inc({ path: 'kept' });
        this.keptPause.kept();
        return result;
      } catch {
        // Out of date, or the group needed more than was kept: nothing was committed; it reads as usual.
        holdGroups.inc({ path: 'kept_missed' });
        this.keptPause.missed(requested);
      }
    }
    try {
      // Every channel's rules (publishing the new availability needs them all), with the SKUs and
      // the bundles around them, and the reads the group decides from, locking their stock rows:
      // on MySQL all of them travel with the transaction's start.
      const ahead: Basis = guess ?? { skus: requested, channels: this.channelCodes };
      const described = unique([...requested, ...ahead.skus]);
      const catalog = [channelRulesRead(), knownSkusRead(requested), compositionsRead(described)];
      let keep: Kept | null = null;
      const result = await this.db.transactionCommitting([...catalog, ...lockedReads(this.db.dialect, ahead, requests.map((request) => request.input))], async (em, rows) => {
        const decided = await this.hold(em, requests, described, rows.slice(0, catalog.length), { basis: ahead, rows: rows.slice(catalog.length) }, attempt);
        keep = decided.keep;
        return decided;
      });
      if (this.keptPause.mayKeep(requested)) this.kept = keep;
      holdGroups.inc({ path: 'read' });
      return result;
    } catch (error) {
      if (error instanceof GuessedWrong) return this.holdGroup(requests, error.basis, attempt + 1);
      if (requests.length === 1) return [{ ok: false, error }];
      return Promise.all(requests.map(async (request) => (await this.holdGroup([request]))[0]));
    }
  }

  /**
   * Holds a group in one request (MySQL), deciding from what the last group of the same SKUs read
   * and left; throws, having committed nothing, when any of it is no longer so.
   */
  private async holdFromKept(requests: HoldRequest[], kept: KeptReads): Promise<Outcome<HoldResult>[]> {
    const basis: Basis = { skus: kept.skus, published: kept.skus, channels: [...channelRulesFrom(kept.catalog[0]).keys()] };
    const { result, last, keep } = await this.hold(NO_STATEMENTS, requests, kept.skus, kept.catalog, { basis, rows: kept.locked, held: kept.held }, 0);
    await this.db.commitInOneRequest(keptStillTrue(kept, new Date()), last);
    this.kept = keep;
    return result;
  }

  /**
   * Decides the group's holds under their stock rows' locks; returns the outcomes and the writes to
   * send with the COMMIT, and what the next group of the same SKUs may decide from (MySQL).
   * `described` are the SKUs whose bundle structure was read; `ahead.held`, what channels hold of
   * SKUs with dedicated allocations, when the group decides from kept reads.
   */
  private async hold(
    em: EntityManager, requests: HoldRequest[], described: string[], [ruleRows, knownRows, compositionRows]: any[][], ahead: { basis: Basis; rows: any[][]; held?: readonly any[] },
    attempt: number,
  ): Promise<{ result: Outcome<HoldResult>[]; last: PendingWrites; keep: Kept | null }> {
    const dialect = this.db.dialect;
    const rules = channelRulesFrom(ruleRows);
    const known = knownSkusFrom(knownRows);
    const compositions = compositionsFrom(compositionRows);
    const outcomes: (Outcome<HoldResult> | null)[] = requests.map(({ input }) => {
      if (!rules.has(input.channel)) return { ok: false, error: badInput(`Unknown channel "${input.channel}"`, { channel: input.channel }) };
      const unknown = input.lines.map((line) => line.sku).filter((sku) => !known.has(sku));
      if (unknown.length) return { ok: false, error: badInput(`Unknown SKU ${unknown.map((s) => `"${s}"`).join(', ')}`, { skus: unknown }) };
      return null;
    });
    const needsOf = requests.map(({ input }, index) =>
      outcomes[index] ? [] : explodeLines(input.lines, (sku) => compositions.components.get(sku) ?? []));
    const skus = unique(flatten(needsOf).map((need) => need.sku));
    // With the stock, what was last published of everything the group can change (the SKUs and
    // the bundles made of them): then nothing is read after the group's writes.
    const published = unique([...skus, ...flatMapped(skus, (sku) => compositions.bundlesOf.get(sku) ?? [])]);
    const basis: Basis = { skus, published, channels: [...rules.keys()] };
    this.channelCodes = basis.channels;
    // Read with the start when the group's SKUs are what it guessed. Otherwise, on MySQL, it rolls
    // back and starts again knowing them, so its stock rows are always locked in key order, all at
    // once (a bundle's components can sort before the SKUs it guessed); on SQLite, whose one writer
    // takes no row locks, it reads them now.
    const guessed = skus.length > 0 && sameBasis(basis, ahead.basis);
    if (skus.length > 0 && !guessed && dialect === 'mysql' && attempt < GUESSES) throw new GuessedWrong(basis);
    const inputs = requests.map((request) => request.input);
    const [stockRows = [], expiredRows = [], allocationRows = [], availabilityRows = [], toldRows = [], ...keyRows] = skus.length === 0 ? []
      : guessed ? ahead.rows : await readAll(em, dialect, lockedReads(dialect, basis, inputs));
    const read = stockRead(stockRows, expiredRows);
    const stored = new Map<string, { id: string; hash: string }>();
    storedKeyReads(inputs).forEach(({ channel }, index) => {
      for (const row of keyRows[index] ?? []) stored.set(`${channel}|${row.idempotency_key}`, { id: row.id, hash: row.payload_hash });
    });
    const now = new Date();
    const fences = await ringFences(em, dialect, allocationRows, now, guessed ? ahead.held : undefined);

    const accepted: { request: HoldRequest; reservation: Reservation; allocations: Allocation[] }[] = [];
    const keyed = new Map<string, { id: string; hash: string }>();
    for (const [index, request] of requests.entries()) {
      if (outcomes[index]) continue;
      const { input } = request;
      const key = `${input.channel}|${input.idempotencyKey}`;
      const earlier = stored.get(key) ?? keyed.get(key);
      if (earlier) {
        outcomes[index] = { ok: true, value: { stored: earlier } };
        continue;
      }
      const rule = rules.get(input.channel)!;
      const allocations: Allocation[] = [];
      const shortfalls: Shortfall[] = [];
      for (const need of needsOf[index]) {
        const stock = read.stock.get(need.sku) ?? new Map();
        const fenced = fencedFrom(fences, rule.code, need.sku);
        const taken = rule.paused ? null : allocate(rule, need.sku, stock, need.quantity, fenced);
        if (taken) allocations.push(...taken);
        else shortfalls.push({ sku: need.sku, requested: need.quantity, available: channelAvailable(rule, stock, fenced) });
      }
      if (shortfalls.length) {
        outcomes[index] = { ok: false, error: insufficient(shortfalls) };
        continue;
      }
      // Decided: the requests after this one see these units as held.
      for (const part of allocations) {
        read.stock.get(part.sku)!.get(part.location)!.reserved += part.quantity;
        countHeld(fences, part.sku, input.channel, part.quantity);
      }
      const reservation: Reservation = {
        id: newId(), channel: input.channel, status: 'ACTIVE', expiresAt: new Date(now.getTime() + request.ttlSeconds * 1000), lines: input.lines,
      };
      keyed.set(key, { id: reservation.id, hash: request.hash });
      accepted.push({ request, reservation, allocations });
      outcomes[index] = { ok: true, value: { held: reservation } };
    }
    const result = outcomes as Outcome<HoldResult>[];
    /**
     * What the next group of these SKUs may decide from (MySQL), once `read` is as this group leaves
     * it and routing was `told` this; made only if a group of the same SKUs comes next.
     */
    const keep = (told: () => readonly any[], changes: Parameters<typeof keptAfter>[0]['changes']): Kept | null => (dialect === 'mysql' && guessed ? {
      skus,
      reads: () => keptAfter({ skus, catalog: [ruleRows, knownRows, compositionRows], locked: [stockRows, expiredRows, allocationRows, availabilityRows, toldRows], read, held: heldRowsOf(fences), told: told(), changes }),
    } : null);
    if (accepted.length === 0) return { result, last: NO_WRITES, keep: keep(() => toldRows, []) };
    // Made first: it advances `read` past the writes, which the stock feed below is made from.
    const writes = this.writes(read, accepted, now);
    const feed = feedRowsFrom(read, skus, toldRows);
    const changing = unique(flatMapped(accepted, (hold) => hold.allocations.map((part) => part.sku)));
    const { changes, last } = await availabilityWrites(em, dialect, changing, undefined, {
      covers: new Set(skus), stock: read.stock, fences, rules, compositions: { of: new Set(described), value: compositions },
      told: { of: new Set(published), availability: availabilityRows, feed },
    }, writes);
    // Routing is told of the rows of the SKUs whose units moved (`stockChangeEvents`); the others' stay as read.
    const told = () => [...toldAfter(feed.filter((row) => changing.includes(row.sku))), ...toldRows.filter((row: { sku_code: string }) => !changing.includes(row.sku_code))];
    return { result, last, keep: keep(told, changes) };
  }

  /**
   * What stores the accepted holds of a group: one conditional UPDATE per stock row, their ledger
   * entries, their rows and what their channels now hold, to be sent together (with publishing's
   * reads after them, in one round trip on MySQL).
   */
  private writes(read: StockRead, accepted: { request: HoldRequest; reservation: Reservation; allocations: Allocation[] }[], now: Date): PendingWrites {
    const at = now.toISOString();
    return reservedMoveWrites(read, flatMapped(accepted, ({ reservation, allocations }) => allocations.map((part) => ({
      sku: part.sku, location: part.location, quantity: part.quantity,
      movement: { type: 'RESERVE', source: 'reservation', idempotencyKey: reservation.id, occurredAt: now },
    }))), [
      ...insertStatements('reservation', ['id', 'channel_code', 'idempotency_key', 'payload_hash', 'status', 'expires_at', 'created_at', 'updated_at'],
        accepted.map(({ request, reservation }) => [reservation.id, reservation.channel, request.input.idempotencyKey, request.hash, 'ACTIVE', reservation.expiresAt.toISOString(), at, at])),
      ...insertStatements('reservation_line', ['reservation_id', 'line_no', 'sku_code', 'quantity'],
        flatMapped(accepted, ({ reservation }) => reservation.lines.map((line, index) => [reservation.id, index, line.sku, line.quantity]))),
      ...insertStatements('reservation_allocation', ['reservation_id', 'sku_code', 'location_code', 'quantity'],
        flatMapped(accepted, ({ reservation, allocations }) => allocations.map((part) => [reservation.id, part.sku, part.location, part.quantity]))),
      ...heldStatements(this.db.dialect, flatMapped(accepted, ({ reservation, allocations }) => allocations.map((part) => ({ channel: reservation.channel, sku: part.sku, units: part.quantity })))),
    ]);
  }

  async release(id: string): Promise<Reservation> {
    const found = await this.get(id);
    if (!found) throw notFound(`No reservation ${id}`, { id });
    if (found.status === 'CONFIRMED') throw badInput(`Reservation ${id} was confirmed by an order; cancel the order instead`, { id });
    if (found.status === 'RELEASED' || found.status === 'EXPIRED') return found;
    await endHolds(this.db, [id], 'RELEASED');
    await this.relay.flush();
    return (await this.get(id))!;
  }

  /**
   * Turns due holds EXPIRED and returns their units, up to `limit` of them in one transaction;
   * run by the sweeper until fewer than `limit` are due. Returns how many expired.
   */
  async expireDue(now = new Date(), limit = EXPIRY_BATCH): Promise<number> {
    const due = await this.db.query("SELECT id FROM reservation WHERE status = 'ACTIVE' AND expires_at <= ? ORDER BY expires_at LIMIT ?", [now.toISOString(), limit]);
    if (due.length === 0) return 0;
    const expired = await endHolds(this.db, due.map((row: { id: string }) => row.id), 'EXPIRED');
    await this.relay.flush();
    return expired;
  }

  async get(id: string): Promise<Reservation | null> {
    return (await this.getMany([id]))[0] ?? null;
  }

  async getMany(ids: readonly string[]): Promise<(Reservation | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query(`SELECT id, channel_code, status, expires_at FROM reservation WHERE id IN (${placeholders(ids)})`, [...ids]);
    const lines = await this.db.query(`SELECT reservation_id, sku_code, quantity FROM reservation_line WHERE reservation_id IN (${placeholders(ids)}) ORDER BY reservation_id, line_no`, [...ids]);
    const now = Date.now();
    const byId = new Map<string, Reservation>();
    for (const row of rows) {
      const expiresAt = new Date(row.expires_at);
      // A lapsed hold is EXPIRED the moment it lapses, whether or not the sweeper has run.
      const status = row.status === 'ACTIVE' && expiresAt.getTime() <= now ? 'EXPIRED' : row.status;
      byId.set(row.id, { id: row.id, channel: row.channel_code, status, expiresAt, lines: [] });
    }
    for (const line of lines) byId.get(line.reservation_id)?.lines.push({ sku: line.sku_code, quantity: Number(line.quantity) });
    return ids.map((id) => byId.get(id) ?? null);
  }
}

/** The SKUs of the last group on MySQL, and what the next group of the same SKUs may decide from (null when it may not). */
interface Kept {
  skus: readonly string[];
  reads(): KeptReads | null;
}
