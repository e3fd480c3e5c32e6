import { planCancel, planReturn, planShipment, statusAfterRouting, type LineProgress } from './fulfilment';

const line = (fields: Partial<LineProgress> = {}): LineProgress => ({ sku: 'A', quantity: 3, shipped: 0, returned: 0, components: null, ...fields });
const east = (committed: number, shipped = 0) => ({ location: 'east', sku: 'A', committed, shipped });

describe('shipments', () => {
  it('a partial shipment leaves the order partially shipped', () => {
    expect(planShipment('ROUTED', [line()], [east(3)], 'east', [{ sku: 'A', quantity: 2 }])).toEqual({ ok: true, value: { status: 'PARTIALLY_SHIPPED', units: [{ sku: 'A', quantity: 2 }] } });
  });

  it('shipping the rest ships the order', () => {
    const plan = planShipment('PARTIALLY_SHIPPED', [line({ shipped: 2 })], [east(3, 2)], 'east', [{ sku: 'A', quantity: 1 }]);
    expect(plan.ok && plan.value.status).toBe('SHIPPED');
  });

  it('never ships a canceled order', () => {
    expect(planShipment('CANCELED', [line()], [east(3)], 'east', [{ sku: 'A', quantity: 1 }])).toEqual({ ok: false, problems: ['This order cannot ship: it is canceled'] });
  });

  it('never ships more than ordered', () => {
    const plan = planShipment('ROUTED', [line()], [east(3)], 'east', [{ sku: 'A', quantity: 4 }]);
    expect(plan.ok).toBe(false);
  });

  it('ships from a location only what is committed there for the order', () => {
    expect(planShipment('ROUTED', [line()], [east(3)], 'west', [{ sku: 'A', quantity: 1 }])).toEqual({ ok: false, problems: ['west holds 0 unshipped × A for this order, not 1'] });
  });

  it('ships a bundle as its components', () => {
    const kit = line({ sku: 'KIT', quantity: 1, components: [{ sku: 'A', quantity: 2 }] });
    const plan = planShipment('ROUTED', [kit], [east(2)], 'east', [{ sku: 'KIT', quantity: 1 }]);
    expect(plan.ok && plan.value.units).toEqual([{ sku: 'A', quantity: 2 }]);
  });
});

describe('returns', () => {
  it('returns no more than shipped', () => {
    expect(planReturn([line({ shipped: 1 })], [{ sku: 'A', quantity: 2, resellable: true }])).toEqual({
      ok: false, problems: ['returning 2 × A is more than shipped: 1 shipped, 0 returned'],
    });
  });

  it('counts earlier returns', () => {
    expect(planReturn([line({ shipped: 2, returned: 1 })], [{ sku: 'A', quantity: 1, resellable: false }]).ok).toBe(true);
    expect(planReturn([line({ shipped: 2, returned: 2 })], [{ sku: 'A', quantity: 1, resellable: false }]).ok).toBe(false);
  });
});

describe('cancellation', () => {
  it('cancels a routed order', () => expect(planCancel('ROUTED')).toEqual({ ok: true, value: { changes: true } }));
  it('canceling twice changes nothing', () => expect(planCancel('CANCELED')).toEqual({ ok: true, value: { changes: false } }));
  it('never cancels a shipped order', () => expect(planCancel('SHIPPED').ok).toBe(false));
});

describe('routing outcomes', () => {
  it('an accepted order becomes routed or backordered', () => {
    expect(statusAfterRouting('ACCEPTED', false)).toBe('ROUTED');
    expect(statusAfterRouting('ACCEPTED', true)).toBe('BACKORDERED');
  });
  it('a backordered order is routed once nothing waits', () => expect(statusAfterRouting('BACKORDERED', false)).toBe('ROUTED'));
  it('a canceled order stays canceled', () => expect(statusAfterRouting('CANCELED', false)).toBeNull());
});
