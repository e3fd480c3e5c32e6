/** One listing as the reconciler saw it: what stockgraph computes, what the channel shows. */
export interface Observation {
  externalId: string;
  expected: number;
  /** null: the channel does not know the listing. */
  observed: number | null;
}

export interface Drift extends Observation {
  difference: number;
}

/**
 * Listings whose channel figure is off by more than `threshold` units. A listing the channel
 * does not know is not drift (there is nothing to sell from); it shows up as a failed push.
 */
export function findDrift(observations: readonly Observation[], threshold: number): Drift[] {
  return observations
    .filter((o): o is Observation & { observed: number } => o.observed !== null && Math.abs(o.observed - o.expected) > threshold)
    .map((o) => ({ ...o, difference: o.observed - o.expected }));
}

/** "3m 20s": how long a drift has lasted, for an alert a person reads. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', `${s}s`].filter(Boolean).slice(0, 2).join(' ');
}

/**
 * The alert text. The drift began after `inSyncAt` (when the channel last accepted our value)
 * and was found at `now`, so it has lasted at most the time between.
 */
export function driftMessage(channel: string, drift: Drift, inSyncAt: number | null, now: number): string {
  const direction = drift.difference > 0 ? 'more' : 'fewer';
  const lasted = inSyncAt === null ? '' : `; drifting for up to ${formatDuration(now - inSyncAt)} (in sync at ${new Date(inSyncAt).toISOString()}, found ${new Date(now).toISOString()})`;
  return `Listing ${drift.externalId} on ${channel} shows ${drift.observed}, ${Math.abs(drift.difference)} ${direction} than the ${drift.expected} stockgraph computes${lasted}`;
}
