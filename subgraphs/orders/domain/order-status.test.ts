import { canMove } from './order-status';

describe('order lifecycle', () => {
  it('routes an accepted order', () => expect(canMove('ACCEPTED', 'ROUTED')).toBe(true));
  it('routes a backordered order once stock arrives', () => expect(canMove('BACKORDERED', 'ROUTED')).toBe(true));
  it('never ships a canceled order', () => expect(canMove('CANCELED', 'SHIPPED')).toBe(false));
  it('never reopens a shipped order', () => expect(canMove('SHIPPED', 'CANCELED')).toBe(false));
});
