import { lateShipmentRisk, type OpenOrder } from './late-risk';

const order = (fields: Partial<OpenOrder> = {}): OpenOrder => ({
  orderId: 'o1', channel: 'web', committed: [{ location: 'east', sku: 'A', quantity: 2 }], shipped: [], backordered: [],
  promisedShipDate: new Date('2026-03-02T15:00:00Z'), atRisk: false, ...fields,
});

describe('late shipment risk', () => {
  it('an order shipping on time is not at risk', () => {
    expect(lateShipmentRisk(order(), new Date('2026-03-02T10:00:00Z'))).toBeNull();
  });

  it('an order past its ship deadline with units still at a location is at risk there', () => {
    expect(lateShipmentRisk(order(), new Date('2026-03-02T16:00:00Z'))).toMatchObject({ locations: ['east'] });
  });

  it('an order routing could not ship in time is at risk from the start', () => {
    expect(lateShipmentRisk(order({ atRisk: true }), new Date('2026-03-01T00:00:00Z'))?.reason).toBe('cannot keep its promise: the earliest honest ship date is 2026-03-02');
  });

  it('a fully shipped order is never at risk', () => {
    expect(lateShipmentRisk(order({ atRisk: true, shipped: [{ location: 'east', sku: 'A', quantity: 2 }] }), new Date('2026-03-09T00:00:00Z'))).toBeNull();
  });
});
