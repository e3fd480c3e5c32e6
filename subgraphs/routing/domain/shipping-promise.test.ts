import { dayOf } from './shipping-calendar';
import { hasPromise, promiseBreach, promiseWindow } from './shipping-promise';

describe('the promise made to the buyer', () => {
  const placedAt = new Date('2026-03-02T09:00:00Z');

  it('an express order must ship the day it was placed', () => {
    expect(promiseWindow({ shipBy: null, deliverBy: null, express: true }, placedAt).shipByDay).toBe(dayOf(placedAt));
  });

  it('an order without dates or express promises nothing', () => {
    expect(hasPromise(promiseWindow({ shipBy: null, deliverBy: null, express: false }, placedAt))).toBe(false);
  });

  it('shipping after the ship-by day breaks it', () => {
    const window = promiseWindow({ shipBy: new Date('2026-03-03T23:00:00Z'), deliverBy: null, express: false }, placedAt);
    expect(promiseBreach(window, dayOf(new Date('2026-03-03T00:00:00Z')), 5)).toBeNull();
    expect(promiseBreach(window, dayOf(new Date('2026-03-04T00:00:00Z')), 5)).toBe('ships 2026-03-04, after the promised 2026-03-03');
  });

  it('arriving after the deliver-by day breaks it, however early it ships', () => {
    const window = promiseWindow({ shipBy: null, deliverBy: new Date('2026-03-05T12:00:00Z'), express: false }, placedAt);
    const today = dayOf(placedAt);
    expect(promiseBreach(window, today, 3)).toBeNull();
    expect(promiseBreach(window, today, 4)).toBe('delivers 2026-03-06, after the promised 2026-03-05');
  });
});
