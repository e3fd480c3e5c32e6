import { applyInventoryEvent, type InventoryEvent, type InventoryEventType } from './inventory-event';
import { EMPTY_STOCK, type StockFigures } from './stock';

const at = (iso: string) => new Date(iso);
const stock = (figures: Partial<StockFigures>): StockFigures => ({ ...EMPTY_STOCK, ...figures });
const event = (type: InventoryEventType, quantity: number, extra: Partial<InventoryEvent> = {}): InventoryEvent => ({
  type, quantity, occurredAt: at('2026-03-01T10:00:00Z'), ...extra,
});

/** Applies an event that must succeed and returns what it did. */
function applied(before: StockFigures, e: InventoryEvent, lastCountAt: Date | null = null) {
  const outcome = applyInventoryEvent(before, e, lastCountAt);
  if (!outcome.ok) throw new Error(`expected the event to apply, got ${outcome.code}: ${outcome.message}`);
  return outcome;
}

/** Applies an event that must be refused and returns its code. */
function refused(before: StockFigures, e: InventoryEvent, lastCountAt: Date | null = null) {
  const outcome = applyInventoryEvent(before, e, lastCountAt);
  if (outcome.ok) throw new Error(`expected the event to be refused, it applied ${JSON.stringify(outcome.deltas)}`);
  return outcome.code;
}

describe('RECEIPT', () => {
  it('adds every received unit to onHand', () => {
    const { next } = applied(stock({ onHand: 4 }), event('RECEIPT', 6));
    expect(next).toEqual(stock({ onHand: 10 }));
  });

  it('puts the damaged part of a partial receipt in damaged, so only the good units become sellable', () => {
    const { deltas, next } = applied(stock({ onHand: 2 }), event('RECEIPT', 10, { damagedQuantity: 3 }));
    expect(deltas).toMatchObject({ onHand: 10, damaged: 3 });
    expect(next).toEqual(stock({ onHand: 12, damaged: 3 }));
    expect(next.onHand - next.damaged).toBe(9);
  });

  it('reduces incoming by the units that arrived', () => {
    const { next } = applied(stock({ incoming: 20 }), event('RECEIPT', 8));
    expect(next).toEqual(stock({ onHand: 8, incoming: 12 }));
  });

  it('never drives incoming below zero when more arrives than was expected', () => {
    const { next } = applied(stock({ incoming: 5 }), event('RECEIPT', 8));
    expect(next).toEqual(stock({ onHand: 8, incoming: 0 }));
  });

  it('counts damaged units against incoming too: they did arrive', () => {
    const { next } = applied(stock({ incoming: 10 }), event('RECEIPT', 10, { damagedQuantity: 4 }));
    expect(next).toEqual(stock({ onHand: 10, damaged: 4, incoming: 0 }));
  });

  it('refuses more damaged units than were received', () => {
    expect(refused(EMPTY_STOCK, event('RECEIPT', 3, { damagedQuantity: 4 }))).toBe('BAD_USER_INPUT');
  });
});

describe('INCOMING', () => {
  it('adds to incoming only, not to what can be sold', () => {
    const { next } = applied(stock({ onHand: 3 }), event('INCOMING', 50, { expectedAt: at('2026-04-01T00:00:00Z') }));
    expect(next).toEqual(stock({ onHand: 3, incoming: 50 }));
  });

  it('needs an expected date', () => {
    expect(refused(EMPTY_STOCK, event('INCOMING', 5))).toBe('BAD_USER_INPUT');
  });
});

describe('quality control', () => {
  it('a quality hold moves free units into qualityControl without changing onHand', () => {
    const { next } = applied(stock({ onHand: 10 }), event('QUALITY_HOLD', 4));
    expect(next).toEqual(stock({ onHand: 10, qualityControl: 4 }));
  });

  it('a quality release makes held units sellable again', () => {
    const { next } = applied(stock({ onHand: 10, qualityControl: 4 }), event('QUALITY_RELEASE', 3));
    expect(next).toEqual(stock({ onHand: 10, qualityControl: 1 }));
  });

  it('refuses to hold units that are reserved or committed', () => {
    expect(refused(stock({ onHand: 10, reserved: 4, committed: 3 }), event('QUALITY_HOLD', 4))).toBe('INSUFFICIENT_STOCK');
  });

  it('may hold units kept back as safety stock: they are physically there', () => {
    const { next } = applied(stock({ onHand: 10, safetyStock: 3 }), event('QUALITY_HOLD', 10));
    expect(next.qualityControl).toBe(10);
  });

  it('refuses to release more than is in quality control', () => {
    expect(refused(stock({ onHand: 10, qualityControl: 2 }), event('QUALITY_RELEASE', 3))).toBe('INSUFFICIENT_STOCK');
  });
});

describe('DAMAGE and WRITE_OFF', () => {
  it('damage marks free units unsellable, keeping them on hand', () => {
    const { next } = applied(stock({ onHand: 10 }), event('DAMAGE', 2));
    expect(next).toEqual(stock({ onHand: 10, damaged: 2 }));
  });

  it('refuses to damage units held by reservations', () => {
    expect(refused(stock({ onHand: 5, reserved: 4 }), event('DAMAGE', 2))).toBe('INSUFFICIENT_STOCK');
  });

  it('a write-off removes damaged units from onHand and from damaged', () => {
    const { deltas, next } = applied(stock({ onHand: 10, damaged: 3 }), event('WRITE_OFF', 2));
    expect(deltas).toEqual({ onHand: -2, damaged: -2 });
    expect(next).toEqual(stock({ onHand: 8, damaged: 1 }));
  });

  it('a write-off leaves sellable units untouched', () => {
    const before = stock({ onHand: 10, damaged: 3, reserved: 2 });
    const { next } = applied(before, event('WRITE_OFF', 3));
    expect(next.onHand - next.damaged - next.reserved).toBe(before.onHand - before.damaged - before.reserved);
  });

  it('refuses to write off more than is damaged', () => {
    expect(refused(stock({ onHand: 10, damaged: 1 }), event('WRITE_OFF', 2))).toBe('INSUFFICIENT_STOCK');
  });
});

describe('RETURN', () => {
  it('a resellable return adds sellable units', () => {
    const { next } = applied(stock({ onHand: 1 }), event('RETURN', 2));
    expect(next).toEqual(stock({ onHand: 3 }));
  });

  it('an unsellable return lands in damaged', () => {
    const { next } = applied(stock({ onHand: 1 }), event('RETURN', 2, { damagedQuantity: 2 }));
    expect(next).toEqual(stock({ onHand: 3, damaged: 2 }));
    expect(next.onHand - next.damaged).toBe(1);
  });

  it('a return does not touch incoming', () => {
    const { next } = applied(stock({ incoming: 7 }), event('RETURN', 2));
    expect(next.incoming).toBe(7);
  });
});

describe('COUNT', () => {
  it('sets onHand to the counted figure, upwards', () => {
    const { deltas, next } = applied(stock({ onHand: 7, damaged: 1 }), event('COUNT', 12));
    expect(deltas).toEqual({ onHand: 5 });
    expect(next).toEqual(stock({ onHand: 12, damaged: 1 }));
  });

  it('sets onHand to the counted figure, downwards', () => {
    const { next } = applied(stock({ onHand: 7 }), event('COUNT', 3));
    expect(next.onHand).toBe(3);
  });

  it('accepts a count of zero', () => {
    const { next } = applied(stock({ onHand: 7 }), event('COUNT', 0));
    expect(next.onHand).toBe(0);
  });

  it('accepts a count that agrees with the books as a no-op', () => {
    const { deltas, countedBelowHeld } = applied(stock({ onHand: 7 }), event('COUNT', 7));
    expect(deltas).toEqual({ onHand: 0 });
    expect(countedBelowHeld).toBe(false);
  });

  it('rejects a count that occurred before the last count applied as STALE', () => {
    const last = at('2026-03-01T12:00:00Z');
    expect(refused(stock({ onHand: 7 }), event('COUNT', 3, { occurredAt: at('2026-03-01T11:59:59Z') }), last)).toBe('STALE');
  });

  it('applies a count at or after the last count', () => {
    const last = at('2026-03-01T12:00:00Z');
    expect(applied(stock({ onHand: 7 }), event('COUNT', 3, { occurredAt: last }), last).next.onHand).toBe(3);
    expect(applied(stock({ onHand: 7 }), event('COUNT', 4, { occurredAt: at('2026-03-02T00:00:00Z') }), last).next.onHand).toBe(4);
  });

  it('applies a count below the units already held and flags it as countedBelowHeld', () => {
    const before = stock({ onHand: 10, reserved: 4, committed: 3, damaged: 2 });
    const outcome = applied(before, event('COUNT', 5));
    expect(outcome.next).toEqual(stock({ onHand: 5, reserved: 4, committed: 3, damaged: 2 }));
    expect(outcome.countedBelowHeld).toBe(true);
  });

  it('does not flag a count that still covers every held unit', () => {
    expect(applied(stock({ onHand: 10, reserved: 4 }), event('COUNT', 4)).countedBelowHeld).toBe(false);
  });

  it('refuses a negative count', () => {
    expect(refused(stock({ onHand: 10 }), event('COUNT', -1))).toBe('BAD_USER_INPUT');
  });
});

describe('ADJUSTMENT', () => {
  it('adds units with a positive quantity', () => {
    expect(applied(stock({ onHand: 2 }), event('ADJUSTMENT', 3)).next).toEqual(stock({ onHand: 5 }));
  });

  it('removes free units with a negative quantity', () => {
    expect(applied(stock({ onHand: 10, reserved: 4 }), event('ADJUSTMENT', -6)).next).toEqual(stock({ onHand: 4, reserved: 4 }));
  });

  it('refuses to remove more than the free units, so held stock is never taken away by hand', () => {
    expect(refused(stock({ onHand: 10, reserved: 4 }), event('ADJUSTMENT', -7))).toBe('INSUFFICIENT_STOCK');
  });

  it('counts damaged, quality control, committed and safety stock as not free', () => {
    const before = stock({ onHand: 10, damaged: 1, qualityControl: 2, committed: 3, safetyStock: 1 });
    expect(applied(before, event('ADJUSTMENT', -3)).next.onHand).toBe(7);
    expect(refused(before, event('ADJUSTMENT', -4))).toBe('INSUFFICIENT_STOCK');
  });

  it('refuses an adjustment of zero', () => {
    expect(refused(stock({ onHand: 10 }), event('ADJUSTMENT', 0))).toBe('BAD_USER_INPUT');
  });
});

describe('bad quantities', () => {
  it.each(['RECEIPT', 'DAMAGE', 'QUALITY_HOLD', 'QUALITY_RELEASE', 'WRITE_OFF', 'RETURN', 'INCOMING'] as const)(
    '%s refuses a quantity of zero or below',
    (type) => {
      const before = stock({ onHand: 10, damaged: 5, qualityControl: 5 });
      const extra = { expectedAt: at('2026-04-01T00:00:00Z') };
      expect(refused(before, event(type, 0, type === 'INCOMING' ? extra : {}))).toBe('BAD_USER_INPUT');
      expect(refused(before, event(type, -2, type === 'INCOMING' ? extra : {}))).toBe('BAD_USER_INPUT');
    },
  );

  it.each(['RECEIPT', 'ADJUSTMENT', 'COUNT', 'DAMAGE', 'RETURN'] as const)('%s refuses a fractional quantity', (type) => {
    expect(refused(stock({ onHand: 10 }), event(type, 1.5))).toBe('BAD_USER_INPUT');
  });

  it('refuses a negative or fractional damaged quantity', () => {
    expect(refused(EMPTY_STOCK, event('RECEIPT', 5, { damagedQuantity: -1 }))).toBe('BAD_USER_INPUT');
    expect(refused(EMPTY_STOCK, event('RETURN', 5, { damagedQuantity: 0.5 }))).toBe('BAD_USER_INPUT');
  });

  it.each(['ADJUSTMENT', 'COUNT', 'DAMAGE', 'INCOMING'] as const)('%s refuses a damaged quantity: only receipts and returns carry one', (type) => {
    const extra = { damagedQuantity: 1, expectedAt: at('2026-04-01T00:00:00Z') };
    expect(refused(stock({ onHand: 10 }), event(type, 2, extra))).toBe('BAD_USER_INPUT');
  });

  it('a refused event describes itself in a message', () => {
    const outcome = applyInventoryEvent(stock({ onHand: 1 }), event('WRITE_OFF', 2), null);
    expect(outcome).toMatchObject({ ok: false, code: 'INSUFFICIENT_STOCK', message: expect.stringContaining('written off') });
  });
});

describe('stock never goes below zero', () => {
  const types: InventoryEventType[] = ['RECEIPT', 'ADJUSTMENT', 'COUNT', 'DAMAGE', 'QUALITY_HOLD', 'QUALITY_RELEASE', 'WRITE_OFF', 'RETURN', 'INCOMING'];

  it('no accepted event leaves a negative bucket, from any starting stock', () => {
    // A small exhaustive sweep: every event type and quantity over a grid of held-stock shapes.
    for (const onHand of [0, 3, 8]) for (const reserved of [0, 2]) for (const damaged of [0, 2]) for (const qualityControl of [0, 3]) {
      const before = stock({ onHand, reserved, damaged, qualityControl, incoming: 2 });
      for (const type of types) for (const quantity of [-9, -3, -1, 0, 1, 2, 5, 12]) {
        const outcome = applyInventoryEvent(before, event(type, quantity, { expectedAt: at('2026-04-01T00:00:00Z') }), null);
        if (!outcome.ok) continue;
        for (const [bucket, value] of Object.entries(outcome.next)) {
          if (value < 0) throw new Error(`${type} ${quantity} on ${JSON.stringify(before)} left ${bucket} at ${value}`);
        }
      }
    }
  });
});
