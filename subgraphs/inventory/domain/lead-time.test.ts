import { nextIncoming, stockBy, type IncomingLot } from './lead-time';
import { EMPTY_STOCK } from './stock';

const lot = (quantity: number, day: number, location = 'east'): IncomingLot => ({ sku: 'A', location, quantity, expectedAt: new Date(Date.UTC(2026, 0, day)) });

describe('lead-time availability', () => {
  it('counts only the lots due by the date', () => {
    const stock = new Map([['A', new Map([['east', { ...EMPTY_STOCK, onHand: 2, incoming: 15 }]])]]);
    const by = stockBy(stock, [lot(5, 10), lot(10, 20)], new Date(Date.UTC(2026, 0, 15)));
    expect(by.get('A')!.get('east')!.onHand).toBe(7);
    expect(stock.get('A')!.get('east')!.onHand).toBe(2);
  });

  it('names the earliest receipt that raises availability, and by how much', () => {
    const lots = [lot(10, 20), lot(5, 10)];
    const availableBy = (date: Date) => 2 + lots.filter((l) => l.expectedAt <= date).reduce((sum, l) => sum + l.quantity, 0);
    expect(nextIncoming(2, lots, availableBy)).toEqual({ quantity: 5, expectedAt: new Date(Date.UTC(2026, 0, 10)) });
  });

  it('has no next receipt when nothing incoming would add to availability', () => {
    expect(nextIncoming(3, [lot(4, 10)], () => 3)).toBeNull();
    expect(nextIncoming(3, [], () => 3)).toBeNull();
  });
});
