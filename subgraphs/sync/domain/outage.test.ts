import { afterFailure, afterSuccess, afterTick, HEALTHY } from './outage';

const LIMIT = 60_000;

describe('channel outage state', () => {
  it('a failure makes a channel FAILING, not yet DOWN', () => {
    const step = afterFailure(HEALTHY, 'HTTP 500', 1000, LIMIT);
    expect(step.health).toMatchObject({ state: 'FAILING', failingSince: 1000, consecutiveFailures: 1, lastError: 'HTTP 500' });
    expect(step.wentDown).toBe(false);
  });

  it('failing for longer than the limit makes it DOWN once', () => {
    const failing = afterFailure(HEALTHY, 'HTTP 500', 0, LIMIT).health;
    const down = afterFailure(failing, 'HTTP 500', LIMIT, LIMIT);
    expect(down.health.state).toBe('DOWN');
    expect(down.wentDown).toBe(true);
    expect(afterFailure(down.health, 'HTTP 500', LIMIT + 5000, LIMIT).wentDown).toBe(false);
  });

  it('goes DOWN with time alone when no request is tried', () => {
    const failing = afterFailure(HEALTHY, 'timeout', 0, LIMIT).health;
    expect(afterTick(failing, LIMIT - 1, LIMIT).wentDown).toBe(false);
    expect(afterTick(failing, LIMIT, LIMIT)).toMatchObject({ wentDown: true, health: { state: 'DOWN' } });
  });

  it('a success after an outage asks for the fallback lifted and a full re-sync', () => {
    const down = afterTick(afterFailure(HEALTHY, 'timeout', 0, LIMIT).health, LIMIT, LIMIT).health;
    const up = afterSuccess(down, LIMIT + 1);
    expect(up.recovered).toBe('after-outage');
    expect(up.health).toEqual({ ...HEALTHY, lastSuccessAt: LIMIT + 1 });
  });

  it('a success after a short run of failures only retries what was parked', () => {
    expect(afterSuccess(afterFailure(HEALTHY, 'x', 0, LIMIT).health, 10).recovered).toBe('after-failures');
    expect(afterSuccess(HEALTHY, 10).recovered).toBe('no');
  });
});
