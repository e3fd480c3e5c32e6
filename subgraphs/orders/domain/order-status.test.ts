import { canMove } from './order-status';

describe('order lifecycle', () => {
  it('routes an accepted order', () => expect(canMove('ACCEPTED', 'ROUTED')).toBe(true));
  it('routes a backordered order once stock arrives', () => expect(canMove('BACKORDERED', 'ROUTED')).toBe(true));
  it('never ships a canceled order', () => expect(canMove('CANCELED', 'SHIPPED')).toBe(false));
  it('never reopens a shipped order', () => expect(canMove('SHIPPED', 'CANCELED')).toBe(false));
  it('ships a routed order in parts, then in full', () => {
    expect(canMove('ROUTED', 'PARTIALLY_SHIPPED')).toBe(true);
    expect(canMove('PARTIALLY_SHIPPED', 'SHIPPED')).toBe(true);
  });
  it('cancels what is left of a partly shipped order', () => expect(canMove('PARTIALLY_SHIPPED', 'CANCELED')).toBe(true));
  it('never ships a backordered order before it is routed', () => expect(canMove('BACKORDERED', 'PARTIALLY_SHIPPED')).toBe(false));
});
