import { dayOf, isoDay, shipDay, shipDeadline, transitTo } from './shipping-calendar';
import { defaultLocationRule } from './routing-rules';

const at = (iso: string) => new Date(iso);
const rule = (fields: Partial<ReturnType<typeof defaultLocationRule>> = {}) => ({ ...defaultLocationRule('east'), ...fields });

describe('the shipping calendar', () => {
  it('ships the same day before the cut-off', () => {
    expect(isoDay(shipDay(at('2026-03-02T13:59:00Z'), rule({ cutoffHourUtc: 14 })))).toBe('2026-03-02');
  });

  it('ships the next day once the cut-off has passed', () => {
    expect(isoDay(shipDay(at('2026-03-02T14:00:00Z'), rule({ cutoffHourUtc: 14 })))).toBe('2026-03-03');
  });

  it('adds the handling days after the day work starts', () => {
    expect(isoDay(shipDay(at('2026-03-02T20:00:00Z'), rule({ cutoffHourUtc: 18, handlingDays: 2 })))).toBe('2026-03-05');
  });

  it('without a cut-off ships the same day at any hour', () => {
    expect(isoDay(shipDay(at('2026-03-02T23:59:00Z'), rule()))).toBe('2026-03-02');
  });

  it('a parcel leaves at the cut-off of its ship day, or at the end of the day without one', () => {
    const day = dayOf(at('2026-03-02T08:00:00Z'));
    expect(shipDeadline(day, { cutoffHourUtc: 15 }).toISOString()).toBe('2026-03-02T15:00:00.000Z');
    expect(shipDeadline(day, { cutoffHourUtc: null }).toISOString()).toBe('2026-03-02T23:59:59.999Z');
  });
});

describe('transit days', () => {
  const transit = [
    { country: 'US', postalPrefix: null, days: 4 },
    { country: 'US', postalPrefix: '9', days: 2 },
    { country: 'US', postalPrefix: '94', days: 1 },
  ];

  it('uses the most specific postal zone that matches', () => {
    expect(transitTo(rule({ transit }), { country: 'US', postalCode: '94107' }, 'US').days).toBe(1);
    expect(transitTo(rule({ transit }), { country: 'US', postalCode: '90210' }, 'US').days).toBe(2);
  });

  it('falls back to the country when no zone matches', () => {
    expect(transitTo(rule({ transit }), { country: 'US', postalCode: '10001' }, 'US').days).toBe(4);
  });

  it('without a rule, is 2 days at home and 5 abroad unless the location sets its own default', () => {
    expect(transitTo(rule(), { country: 'US', postalCode: null }, 'US').days).toBe(2);
    expect(transitTo(rule(), { country: 'DE', postalCode: null }, 'US').days).toBe(5);
    expect(transitTo(rule({ defaultTransitDays: 7 }), { country: 'DE', postalCode: null }, 'US').days).toBe(7);
  });
});
