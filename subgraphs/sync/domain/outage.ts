/**
 * A channel's reachability. UP: its last request succeeded. FAILING: requests fail, for less
 * than the channel's outage limit so far. DOWN: failing for longer: the outage fallback applies
 * until a request succeeds again.
 */
export const HEALTH_STATES = ['UP', 'FAILING', 'DOWN'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export interface ChannelHealth {
  state: HealthState;
  /** When the current run of failures began (ms); null while UP. */
  failingSince: number | null;
  consecutiveFailures: number;
  lastSuccessAt: number | null;
  lastError: string | null;
}

export const HEALTHY: ChannelHealth = { state: 'UP', failingSince: null, consecutiveFailures: 0, lastSuccessAt: null, lastError: null };

/** What a transition asks the caller to do besides saving the new health. */
export interface Transition {
  health: ChannelHealth;
  /** Went DOWN: apply the fallback, raise an alert. */
  wentDown: boolean;
  /** Reached again after failing: retry what was parked. After an outage (was DOWN) also lift the fallback and re-sync every listing. */
  recovered: 'no' | 'after-failures' | 'after-outage';
}

/** A request reached the channel and it answered (even with a refusal of one listing). */
export function afterSuccess(health: ChannelHealth, now: number): Transition {
  const recovered = health.state === 'DOWN' ? 'after-outage' : health.state === 'FAILING' ? 'after-failures' : 'no';
  return { health: { ...HEALTHY, lastSuccessAt: now }, wentDown: false, recovered };
}

/** A request could not reach the channel, timed out, or got a server error. */
export function afterFailure(health: ChannelHealth, error: string, now: number, outageLimitMs: number): Transition {
  const failingSince = health.failingSince ?? now;
  const failed: ChannelHealth = { ...health, failingSince, consecutiveFailures: health.consecutiveFailures + 1, lastError: error, state: health.state === 'DOWN' ? 'DOWN' : 'FAILING' };
  return afterTick(failed, now, outageLimitMs);
}

/** Time passing: a channel failing for longer than its limit is DOWN, even with no new request. */
export function afterTick(health: ChannelHealth, now: number, outageLimitMs: number): Transition {
  if (health.state === 'FAILING' && health.failingSince !== null && now - health.failingSince >= outageLimitMs) {
    return { health: { ...health, state: 'DOWN' }, wentDown: true, recovered: 'no' };
  }
  return { health, wentDown: false, recovered: 'no' };
}
