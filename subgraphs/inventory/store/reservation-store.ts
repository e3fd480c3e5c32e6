import crypto from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { placeholders, type Database } from '../../../shared/database';
import { badInput, DomainError, idempotencyConflict, notFound } from '../../../shared/errors';
import type { OutboxRelay } from '../../../shared/outbox';
import { allocate, explodeLines, type Allocation, type ComponentLine, type Shortfall } from '../domain/availability';
import { channelAvailable } from '../domain/availability';
import { EMPTY_STOCK } from '../domain/stock';
import { publishAvailability } from './availability-feed';
import { knownSkus, loadChannelRules, loadCompositions } from './catalog-copy';
import { fencedFrom, loadRingFences } from './ring-fence';
import { loadStock, moveStock, type StockRead } from './stock-store';

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
const NOT_RETRYABLE = Symbol('reserved elsewhere');

function insufficient(shortfalls: Shortfall[]): DomainError {
  const detail = shortfalls.map((s) => `${s.sku}: ${s.requested} requested, ${s.available} available`).join('; ');
  return new DomainError('INSUFFICIENT_STOCK', `Not enough stock to reserve: ${detail}`, { shortfalls });
}

function requestHash(input: ReserveInput, ttlSeconds: number): string {
  const lines = [...input.lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.quantity - b.quantity));
  return crypto.createHash('sha256').update(JSON.stringify({ channel: input.channel, lines, ttlSeconds })).digest('hex');
}

/**
 * Holds at checkout. A hold is one transaction that locks the SKUs' stock rows in key order,
 * decides the allocation with the pure `allocate`, and applies each part with a conditional
 * UPDATE that only succeeds while the units are still sellable. All lines hold or none do.
 */
export class ReservationStore {
  constructor(private readonly db: Database, private readonly relay: OutboxRelay) {}

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
    const existing = await this.findByKey(input.channel, input.idempotencyKey);
    if (existing) return this.replay(existing, hash);
    try {
      const reservation = await this.db.transaction((em) => this.hold(em, input, ttlSeconds, hash));
      await this.relay.flush();
      return reservation;
    } catch (error) {
      // Two requests with one key raced; the loser answers with what the winner stored. Looked up
      // after a shortage too: the winner's own hold may be what left the loser short.
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

  private async hold(em: EntityManager, input: ReserveInput, ttlSeconds: number, hash: string): Promise<Reservation> {
    const dialect = this.db.dialect;
    const rules = await loadChannelRules(em, [input.channel]);
    const rule = rules.get(input.channel);
    if (!rule) throw badInput(`Unknown channel "${input.channel}"`, { channel: input.channel });
    const requested = [...new Set(input.lines.map((line) => line.sku))];
    const known = await knownSkus(em, requested);
    const unknown = requested.filter((sku) => !known.has(sku));
    if (unknown.length) throw badInput(`Unknown SKU ${unknown.map((s) => `"${s}"`).join(', ')}`, { skus: unknown });
    const compositions = await loadCompositions(em, requested);
    const needs = explodeLines(input.lines, (sku) => compositions.components.get(sku) ?? []);

    const read = await loadStock(em, dialect, needs.map((need) => need.sku), { lock: true });
    const fences = await loadRingFences(em, needs.map((need) => need.sku));
    const allocations: Allocation[] = [];
    const shortfalls: Shortfall[] = [];
    for (const need of needs) {
      const stock = read.stock.get(need.sku) ?? new Map();
      const fenced = fencedFrom(fences, rule.code, need.sku);
      const taken = rule.paused ? null : allocate(rule, need.sku, stock, need.quantity, fenced);
      if (taken) allocations.push(...taken);
      else shortfalls.push({ sku: need.sku, requested: need.quantity, available: channelAvailable(rule, stock, fenced) });
    }
    if (shortfalls.length) throw Object.assign(insufficient(shortfalls), { [NOT_RETRYABLE]: true });

    const id = crypto.randomUUID();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    for (const part of allocations) {
      const held = await moveStock(
        em,
        { sku: part.sku, location: part.location, type: 'RESERVE', source: 'reservation', idempotencyKey: id, occurredAt: now },
        raw(read, part.sku, part.location),
        { reserved: part.quantity },
        { requireSellable: part.quantity, expiredHeld: read.expired.get(`${part.sku}|${part.location}`) ?? 0 },
      );
      // Unreachable while rows are locked; kept so a hold can never oversell even if that changes.
      if (!held) throw Object.assign(insufficient([{ sku: part.sku, requested: part.quantity, available: 0 }]), { [NOT_RETRYABLE]: true });
    }
    await em.query('INSERT INTO reservation (id, channel_code, idempotency_key, payload_hash, status, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      id, input.channel, input.idempotencyKey, hash, 'ACTIVE', expiresAt.toISOString(), now.toISOString(), now.toISOString(),
    ]);
    for (const [index, line] of input.lines.entries()) {
      await em.query('INSERT INTO reservation_line (reservation_id, line_no, sku_code, quantity) VALUES (?, ?, ?, ?)', [id, index, line.sku, line.quantity]);
    }
    for (const part of allocations) {
      await em.query('INSERT INTO reservation_allocation (reservation_id, sku_code, location_code, quantity) VALUES (?, ?, ?, ?)', [id, part.sku, part.location, part.quantity]);
    }
    await publishAvailability(em, dialect, needs.map((need) => need.sku));
    return { id, channel: input.channel, status: 'ACTIVE', expiresAt, lines: input.lines };
  }

  async release(id: string): Promise<Reservation> {
    const found = await this.get(id);
    if (!found) throw notFound(`No reservation ${id}`, { id });
    if (found.status === 'CONFIRMED') throw badInput(`Reservation ${id} was confirmed by an order; cancel the order instead`, { id });
    if (found.status === 'RELEASED' || found.status === 'EXPIRED') return found;
    await this.db.transaction((em) => this.end(em, id, 'RELEASED'));
    await this.relay.flush();
    return (await this.get(id))!;
  }

  /** Turns due holds EXPIRED and returns their units; run by the sweeper. Returns how many expired. */
  async expireDue(now = new Date(), limit = 200): Promise<number> {
    const due = await this.db.query("SELECT id FROM reservation WHERE status = 'ACTIVE' AND expires_at <= ? ORDER BY expires_at LIMIT ?", [now.toISOString(), limit]);
    for (const row of due) await this.db.transaction((em) => this.end(em, row.id, 'EXPIRED'));
    if (due.length) await this.relay.flush();
    return due.length;
  }

  /** Releases or expires one ACTIVE hold: locks its rows, returns its units, records why. */
  private async end(em: EntityManager, id: string, outcome: 'RELEASED' | 'EXPIRED'): Promise<void> {
    const dialect = this.db.dialect;
    const parts = await em.query('SELECT sku_code, location_code, quantity FROM reservation_allocation WHERE reservation_id = ? ORDER BY sku_code, location_code', [id]);
    const skus: string[] = [...new Set(parts.map((part: { sku_code: string }) => part.sku_code))] as string[];
    const read = await loadStock(em, dialect, skus, { lock: true });
    const [row] = await em.query(`SELECT status, expires_at FROM reservation WHERE id = ?${dialect === 'mysql' ? ' FOR UPDATE' : ''}`, [id]);
    if (!row || row.status !== 'ACTIVE') return;
    const now = new Date();
    // A release that arrives after expiry records the truth: the hold had already lapsed.
    const status = outcome === 'RELEASED' && new Date(row.expires_at) <= now ? 'EXPIRED' : outcome;
    for (const part of parts) {
      await moveStock(
        em,
        { sku: part.sku_code, location: part.location_code, type: status === 'EXPIRED' ? 'EXPIRE' : 'RELEASE', source: 'reservation', idempotencyKey: id, occurredAt: now },
        raw(read, part.sku_code, part.location_code),
        { reserved: -Number(part.quantity) },
      );
    }
    await em.query('UPDATE reservation SET status = ?, updated_at = ? WHERE id = ?', [status, now.toISOString(), id]);
    await publishAvailability(em, dialect, skus);
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

function raw(read: StockRead, sku: string, location: string) {
  return read.raw.get(sku)?.get(location) ?? { ...EMPTY_STOCK };
}
