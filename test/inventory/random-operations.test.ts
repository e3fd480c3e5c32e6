import { explodeLines, type ComponentLine } from '../../subgraphs/inventory/domain/availability';
import { applyInventoryEvent, type InventoryEventType } from '../../subgraphs/inventory/domain/inventory-event';
import { EMPTY_STOCK, available } from '../../subgraphs/inventory/domain/stock';
import type { InventoryEventInput } from '../../subgraphs/inventory/store/event-recorder';
import type { Reservation } from '../../subgraphs/inventory/store/reservation-store';
import { readStockRows, storedViolations, type StoredStock } from './stock-invariants';
import { startInventory, type InventoryUnderTest } from './inventory-under-test';

/**
 * A seeded random walk through every operation the inventory core offers: all nine event types
 * (good, refused, stale, replayed and conflicting), holds over simple SKUs and a bundle,
 * releases, expiries, channel rule changes (pause, buffer, unit cap, share of the pool) and
 * dedicated allocations. Each step's outcome is predicted from the stock read before it and
 * checked, and every other step the stored invariants must hold and every channel's
 * availability must be what the rules make of the stock.
 * INVENTORY_SEED picks another walk; a failure names its seed and step.
 */
const SEED = Number(process.env.INVENTORY_SEED ?? 20260301);
const STEPS = 1200;
/** Each step checks its own outcome; the whole-store invariants run every CHECK_EVERY steps and at the end. */
const CHECK_EVERY = 2;

const LOCATIONS = ['north', 'south', 'east'];
const SIMPLE = ['A', 'B', 'C'];
const COMPONENTS: Record<string, ComponentLine[]> = { KIT: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }] };
const ALL_SKUS = [...SIMPLE, 'KIT'];
const TYPES: InventoryEventType[] = ['RECEIPT', 'ADJUSTMENT', 'COUNT', 'DAMAGE', 'QUALITY_HOLD', 'QUALITY_RELEASE', 'WRITE_OFF', 'RETURN', 'INCOMING'];
// Long enough that no hold lapses on the wall clock during the walk: only expireDue ends them.
const TTLS = [300, 900, 3600];

interface ChannelState {
  code: string;
  locations: string[];
  bufferUnits: number;
  paused: boolean;
  maxUnits: number | null;
  sharePercent: number | null;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let inventory: InventoryUnderTest;
const channels: ChannelState[] = [
  { code: 'web', locations: ['north', 'south'], bufferUnits: 0, paused: false, maxUnits: null, sharePercent: null },
  { code: 'amazon', locations: ['south', 'east'], bufferUnits: 2, paused: false, maxUnits: null, sharePercent: null },
  { code: 'shop', locations: ['east', 'north'], bufferUnits: 1, paused: false, maxUnits: null, sharePercent: null },
];

beforeAll(async () => {
  inventory = await startInventory({ overrides: { RESERVATION_SWEEP_MS: '3600000' } });
  for (const code of LOCATIONS) await inventory.services.setup.upsertLocation({ code, name: code, kind: 'WAREHOUSE', country: 'US' });
  for (const channel of channels) await inventory.services.setup.upsertChannel({ ...channel, name: channel.code });
  await inventory.knowSkus([...SIMPLE, { code: 'KIT', components: COMPONENTS.KIT }]);
});
afterAll(() => inventory.close());

const sameStock = (a: Map<string, StoredStock>, b: Map<string, StoredStock>) => expect(Object.fromEntries(b)).toEqual(Object.fromEntries(a));

describe(`a random walk through the inventory core (seed ${SEED})`, () => {
  it(`keeps stock sound over ${STEPS} random operations`, async () => {
    const { services } = inventory;
    const { db } = services;
    const random = mulberry32(SEED);
    const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const chance = (p: number) => random() < p;

    const active = new Map<string, Reservation>();
    /** What each hold took, by reservation id: its channel and its units per simple SKU. */
    const heldBy = new Map<string, { channel: string; needs: ComponentLine[] }>();
    /** `channel|sku` → units set aside for that channel (dedicated allocations). */
    const setAside = new Map<string, number>();
    const ended: Reservation[] = [];
    const reserveInputs: { input: Parameters<typeof services.reservations.reserve>[0]; id: string }[] = [];
    const recorded: InventoryEventInput[] = [];
    const tally = new Map<string, number>();
    const count = (what: string) => tally.set(what, (tally.get(what) ?? 0) + 1);
    let clock = Date.parse('2026-03-01T00:00:00Z');
    let eventNo = 0;
    let reserveNo = 0;

    const availabilityOf = async (channel: string, skus: string[]) => services.reader.availability(skus.map((sku) => ({ channel, sku })));
    const negativeAlerts = async () => Number((await db.query("SELECT COUNT(*) AS n FROM alert WHERE kind = 'NEGATIVE_STOCK'"))[0].n);

    /** Units of `sku` that `channel`'s ACTIVE holds take. */
    const heldOf = (channel: string, sku: string) => [...active.keys()].reduce((sum, id) => {
      const hold = heldBy.get(id)!;
      return hold.channel !== channel ? sum : sum + hold.needs.filter((need) => need.sku === sku).reduce((units, need) => units + need.quantity, 0);
    }, 0);
    /** Units of `sku` other channels have set aside and not yet held: no one else may see them. */
    const fencedFrom = (channel: ChannelState, sku: string) => channels.filter((other) => other !== channel)
      .reduce((sum, other) => sum + Math.max(0, (setAside.get(`${other.code}|${sku}`) ?? 0) - heldOf(other.code, sku)), 0);
    /** What the channel may sell of a simple SKU, worked out here from the rules as CONTRACT.md states them. */
    const expectedAvailable = (channel: ChannelState, sku: string, stock: Map<string, StoredStock>, fenced = true) => {
      if (channel.paused) return 0;
      const pooled = channel.locations.reduce((sum, location) => sum + available(stock.get(`${sku}|${location}`)?.figures ?? EMPTY_STOCK), 0);
      let value = pooled - channel.bufferUnits - (fenced ? fencedFrom(channel, sku) : 0);
      if (channel.sharePercent !== null) value = Math.min(value, Math.floor((pooled * channel.sharePercent) / 100));
      if (channel.maxUnits !== null) value = Math.min(value, channel.maxUnits);
      return Math.max(0, value);
    };

    const randomEvent = (): InventoryEventInput => {
      const type = pick(TYPES);
      clock += 60_000;
      let quantity = ({
        RECEIPT: int(1, 15), ADJUSTMENT: (chance(0.5) ? -1 : 1) * int(1, 6), COUNT: int(0, 25), DAMAGE: int(1, 4),
        QUALITY_HOLD: int(1, 5), QUALITY_RELEASE: int(1, 5), WRITE_OFF: int(1, 4), RETURN: int(1, 3), INCOMING: int(1, 20),
      } as Record<InventoryEventType, number>)[type];
      if (chance(0.03)) quantity = type === 'ADJUSTMENT' || type === 'COUNT' ? (type === 'COUNT' ? -1 : 0) : int(-1, 0);
      const damagedQuantity = (type === 'RECEIPT' || type === 'RETURN') && chance(0.3) ? int(0, Math.max(0, quantity)) : undefined;
      // Some counts arrive late, and may be older than a count already applied.
      const occurredAt = new Date(type === 'COUNT' && chance(0.3) ? clock - int(1, 180) * 60_000 : clock);
      return {
        idempotencyKey: `e${++eventNo}`, source: pick(['wms', 'erp']), type, sku: chance(0.02) ? 'KIT' : pick(SIMPLE), location: pick(LOCATIONS),
        quantity, damagedQuantity, occurredAt, expectedAt: type === 'INCOMING' ? new Date(clock + 7 * 86_400_000) : undefined,
        reason: chance(0.2) ? 'cycle' : undefined,
      };
    };

    const eventStep = async () => {
      const event = randomEvent();
      const before = await readStockRows(db);
      const alertsBefore = await negativeAlerts();
      const row = before.get(`${event.sku}|${event.location}`);
      const expected = event.sku === 'KIT'
        ? { ok: false as const, code: 'BAD_USER_INPUT' }
        : applyInventoryEvent(row?.figures ?? { ...EMPTY_STOCK }, event, row?.lastCountAt ? new Date(row.lastCountAt) : null);
      const result = await services.events.record([event]);
      const after = await readStockRows(db);
      if (expected.ok) {
        expect(result).toEqual({ applied: 1, duplicates: 0, rejected: [] });
        expect(after.get(`${event.sku}|${event.location}`)!.figures).toEqual(expected.next);
        if (event.type === 'COUNT') expect(new Date(after.get(`${event.sku}|${event.location}`)!.lastCountAt!).getTime()).toBe(event.occurredAt.getTime());
        expect(await negativeAlerts()).toBe(alertsBefore + (expected.countedBelowHeld ? 1 : 0));
        recorded.push(event);
        count(`applied ${event.type}`);
        if (expected.countedBelowHeld) count('counted below held');
      } else {
        expect(result.applied).toBe(0);
        expect(result.rejected).toEqual([{ idempotencyKey: event.idempotencyKey, code: expected.code, message: expect.any(String) }]);
        // A refused event leaves no trace, apart from a stock row it may have created empty.
        const unchanged = new Map(before);
        if (!row && after.has(`${event.sku}|${event.location}`)) unchanged.set(`${event.sku}|${event.location}`, { figures: { ...EMPTY_STOCK }, lastCountAt: null });
        sameStock(unchanged, after);
        count(`refused ${expected.code}`);
      }
    };

    const replayStep = async () => {
      if (recorded.length === 0) return;
      const event = pick(recorded);
      const before = await readStockRows(db);
      if (chance(0.5)) {
        expect(await services.events.record([event])).toEqual({ applied: 0, duplicates: 1, rejected: [] });
        count('duplicate event');
      } else {
        const changed = { ...event, quantity: event.quantity + 1 };
        const result = await services.events.record([changed]);
        expect(result.rejected.map((r) => r.code)).toEqual(['IDEMPOTENCY_CONFLICT']);
        count('conflicting event');
      }
      sameStock(before, await readStockRows(db));
    };

    const reserveStep = async () => {
      const channel = pick(channels);
      const lines = Array.from({ length: chance(0.3) ? 2 : 1 }, () => ({ sku: pick(ALL_SKUS), quantity: int(1, 4) }));
      const input = { channel: channel.code, lines, ttlSeconds: pick(TTLS), idempotencyKey: `r${++reserveNo}` };
      const needs = explodeLines(lines, (sku) => COMPONENTS[sku] ?? []);
      const availableBefore = await availabilityOf(channel.code, needs.map((need) => need.sku));
      const repeatsSku = new Set(lines.map((line) => line.sku)).size < lines.length;
      const shouldHold = !repeatsSku && needs.every((need, i) => need.quantity <= availableBefore[i]);
      const before = await readStockRows(db);
      let reservation: Reservation | null = null;
      let code: string | undefined;
      try {
        reservation = await services.reservations.reserve(input);
      } catch (error) {
        code = (error as { extensions?: { code?: string } }).extensions?.code ?? String(error);
      }
      if (shouldHold) {
        expect(code).toBeUndefined();
        expect(reservation!.status).toBe('ACTIVE');
        active.set(reservation!.id, reservation!);
        heldBy.set(reservation!.id, { channel: channel.code, needs });
        reserveInputs.push({ input, id: reservation!.id });
        // The hold takes exactly what it asked for, only from the channel's locations: what the
        // channel shows drops by as much, unless a cap or a share kept it below its stock.
        const availableAfter = await availabilityOf(channel.code, needs.map((need) => need.sku));
        const after = await readStockRows(db);
        expect(availableAfter).toEqual(needs.map((need) => expectedAvailable(channel, need.sku, after)));
        if (channel.maxUnits === null && channel.sharePercent === null) expect(availableAfter).toEqual(needs.map((need, i) => availableBefore[i] - need.quantity));
        const parts = await db.query('SELECT sku_code, location_code, quantity FROM reservation_allocation WHERE reservation_id = ?', [reservation!.id]);
        for (const part of parts) expect(channel.locations).toContain(part.location_code);
        const held = new Map<string, number>();
        for (const part of parts) held.set(part.sku_code, (held.get(part.sku_code) ?? 0) + Number(part.quantity));
        expect(Object.fromEntries(held)).toEqual(Object.fromEntries(needs.map((need) => [need.sku, need.quantity])));
        count('held');
      } else {
        expect(code).toBe(repeatsSku ? 'BAD_USER_INPUT' : 'INSUFFICIENT_STOCK');
        sameStock(before, await readStockRows(db));
        expect(await db.query('SELECT id FROM reservation WHERE idempotency_key = ?', [input.idempotencyKey])).toEqual([]);
        count(repeatsSku ? 'refused hold (SKU repeated)' : channel.paused ? 'refused hold (paused)' : 'refused hold');
        // Units set aside for another channel are what made it short: without the fence it would have held.
        if (!repeatsSku && needs.every((need) => need.quantity <= expectedAvailable(channel, need.sku, before, false))) count('refused hold (set aside for another channel)');
      }
    };

    const retryStep = async () => {
      if (reserveInputs.length === 0) return;
      const { input, id } = pick(reserveInputs);
      const before = await readStockRows(db);
      expect((await services.reservations.reserve(input)).id).toBe(id);
      sameStock(before, await readStockRows(db));
      count('retried hold');
    };

    const releaseStep = async () => {
      if (active.size === 0 || chance(0.1)) {
        if (ended.length === 0) return;
        // Releasing what already ended changes nothing.
        const done = pick(ended);
        const before = await readStockRows(db);
        expect((await services.reservations.release(done.id)).status).toBe(done.status);
        sameStock(before, await readStockRows(db));
        count('release of an ended hold');
        return;
      }
      const hold = pick([...active.values()]);
      const released = await services.reservations.release(hold.id);
      expect(released.status).toBe('RELEASED');
      active.delete(hold.id);
      ended.push(released);
      count('released');
    };

    const expireStep = async () => {
      const until = new Date(Date.now() + pick([400, 1000]) * 1000);
      const due = [...active.values()].filter((hold) => hold.expiresAt.getTime() <= until.getTime());
      expect(await services.reservations.expireDue(until, 10_000)).toBe(due.length);
      for (const hold of due) {
        active.delete(hold.id);
        ended.push({ ...hold, status: 'EXPIRED' });
        const [row] = await db.query('SELECT status FROM reservation WHERE id = ?', [hold.id]);
        expect(row.status).toBe('EXPIRED');
      }
      count('expired holds');
    };

    const ruleStep = async () => {
      const channel = pick(channels);
      const roll = random();
      if (roll < 0.35) channel.paused = chance(0.3);
      else if (roll < 0.6) channel.bufferUnits = int(0, 3);
      else if (roll < 0.8) channel.maxUnits = chance(0.4) ? null : int(0, 12);
      else channel.sharePercent = chance(0.4) ? null : int(0, 100);
      await services.setup.upsertChannel({ ...channel, name: channel.code });
      count('rule change');
      if (roll >= 0.6) count(roll < 0.8 ? 'unit cap changed' : 'share changed');
    };

    const allocationStep = async () => {
      const channel = pick(channels);
      const sku = chance(0.15) ? 'KIT' : pick(SIMPLE);
      const units = chance(0.3) ? 0 : int(1, 8);
      const before = await readStockRows(db);
      if (sku === 'KIT') {
        // A bundle has no stock of its own to set aside: its components are allocated instead.
        await expect(services.setup.setAllocation(channel.code, sku, units)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
        count('refused allocation of a bundle');
      } else {
        await services.setup.setAllocation(channel.code, sku, units);
        setAside.set(`${channel.code}|${sku}`, units);
        count(units === 0 ? 'allocation removed' : 'allocation set');
      }
      // Setting units aside moves no stock.
      sameStock(before, await readStockRows(db));
    };

    /** Everything that must be true whatever happened: stored invariants, then each channel's availability and feed. */
    const checkInvariants = async () => {
      expect(await storedViolations(db)).toEqual([]);
      const stock = await readStockRows(db);
      const feed = await db.query('SELECT channel_code, sku_code, available FROM availability_state');
      const fed = new Map(feed.map((row) => [`${row.channel_code}|${row.sku_code}`, Number(row.available)]));
      const keys = channels.flatMap((channel) => ALL_SKUS.map((sku) => ({ channel: channel.code, sku })));
      const read = await services.reader.availability(keys);
      for (const channel of channels) {
        const bySku = new Map(keys.map((key, i) => [key, read[i]] as const).filter(([key]) => key.channel === channel.code).map(([key, value]) => [key.sku, value]));
        for (const sku of SIMPLE) {
          const sellable = channel.locations.reduce((sum, location) => sum + available(stock.get(`${sku}|${location}`)?.figures ?? EMPTY_STOCK), 0);
          const value = bySku.get(sku)!;
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(sellable);
          expect([channel.code, sku, value]).toEqual([channel.code, sku, expectedAvailable(channel, sku, stock)]);
        }
        const kit = Math.min(...COMPONENTS.KIT.map((part) => Math.floor(bySku.get(part.sku)! / part.quantity)));
        expect(bySku.get('KIT')).toBe(kit);
        // What subscribers were last told equals what a read shows now.
        for (const sku of ALL_SKUS) expect([channel.code, sku, fed.get(`${channel.code}|${sku}`) ?? 0]).toEqual([channel.code, sku, bySku.get(sku)]);
      }
      // What routing was last told of each stock row is what the row can sell and expects now, at
      // a version no newer than the row's (a change that moved neither is not told).
      const told = new Map((await db.query('SELECT sku_code, location_code, sellable, incoming, version FROM stock_feed_state'))
        .map((row) => [`${row.sku_code}|${row.location_code}`, { sellable: Number(row.sellable), incoming: Number(row.incoming), version: Number(row.version) }]));
      const versions = new Map((await db.query('SELECT sku_code, location_code, version FROM stock_level'))
        .map((row) => [`${row.sku_code}|${row.location_code}`, Number(row.version)]));
      for (const [key, row] of stock) {
        const last = told.get(key);
        expect([key, last?.sellable, last?.incoming]).toEqual([key, Math.max(0, available(row.figures)), row.figures.incoming]);
        expect(last!.version).toBeLessThanOrEqual(versions.get(key)!);
      }
    };

    const steps: [number, () => Promise<void>][] = [
      [44, eventStep], [30, reserveStep], [10, releaseStep], [4, expireStep], [4, replayStep], [3, retryStep], [5, ruleStep], [4, allocationStep],
    ];
    const totalWeight = steps.reduce((sum, [weight]) => sum + weight, 0);
    for (let step = 1; step <= STEPS; step++) {
      let roll = random() * totalWeight;
      const [, run] = steps.find(([weight]) => (roll -= weight) < 0)!;
      try {
        await run();
        if (step % CHECK_EVERY === 0 || step === STEPS) await checkInvariants();
      } catch (error) {
        throw new Error(`seed ${SEED}, step ${step} (${run.name}): ${(error as Error).message}`);
      }
    }

    // The walk really visited what it claims to test.
    for (const what of [...TYPES.map((type) => `applied ${type}`), 'refused STALE', 'refused INSUFFICIENT_STOCK', 'refused BAD_USER_INPUT',
      'counted below held', 'held', 'refused hold', 'refused hold (paused)', 'refused hold (SKU repeated)', 'released', 'expired holds', 'duplicate event',
      'conflicting event', 'retried hold', 'rule change', 'unit cap changed', 'share changed', 'allocation set', 'allocation removed',
      'refused allocation of a bundle', 'refused hold (set aside for another channel)']) {
      expect([what, (tally.get(what) ?? 0) > 0]).toEqual([what, true]);
    }
  }, 300_000);

  it('the invariant check notices a stock row changed behind the ledger\'s back', async () => {
    const { db } = inventory.services;
    expect(await storedViolations(db)).toEqual([]);
    await db.transaction((em) => em.query("UPDATE stock_level SET on_hand = on_hand + 1, reserved = reserved + 2 WHERE sku_code = 'A' AND location_code = 'north'"));
    const problems = await storedViolations(db);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringContaining('A|north: onHand'), expect.stringContaining('A|north: reserved is'), expect.stringContaining('but ACTIVE reservations hold'),
    ]));
  });
});
