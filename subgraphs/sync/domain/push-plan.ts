import { listingQuantity } from './listing-quantity';

/**
 * Where a listing's sync stands. PENDING: a value must be pushed; ACKNOWLEDGED: the channel
 * accepted the last push; RETRYING: the last push failed and will be retried after a backoff;
 * PARKED: it kept failing and waits for the channel to recover (a dead letter).
 */
export const SYNC_STATES = ['PENDING', 'ACKNOWLEDGED', 'RETRYING', 'PARKED'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

/** A listing whose availability moved since its last push, as the push queue hands it over. */
export interface DueListing {
  externalId: string;
  unitsPerListing: number;
  /** The SKU's availability on the channel now: the newest value, whatever came before it. */
  available: number | null;
  /** Bumped by every change; an acknowledgement settles the listing only for the version it pushed. */
  version: number;
  state: SyncState;
  pushedQuantity: number | null;
  /** What the channel is believed to show (last accepted push or last read): Shopify's compareQuantity. */
  channelQuantity: number | null;
  dueAt: string;
}

export interface PlannedPush {
  externalId: string;
  quantity: number;
  version: number;
  compareQuantity: number | null;
}

export interface PushPlan {
  push: PlannedPush[];
  /** Listings whose newest value is what the channel already accepted: settled without a request. */
  unchanged: { externalId: string; version: number; quantity: number }[];
}

/**
 * Coalescing: a listing is one row however many changes it saw, so only its newest value is
 * pushed, and a value that came back to what the channel already shows is not pushed at all.
 * Listings about to sell out go first (a stale positive figure is what oversells), then the
 * longest waiting, up to `max`.
 */
export function planPushes(due: readonly DueListing[], holdBack: number, max: number): PushPlan {
  const push: (PlannedPush & { urgent: boolean; dueAt: string })[] = [];
  const unchanged: PushPlan['unchanged'] = [];
  for (const listing of due) {
    const quantity = listingQuantity(listing.available, listing.unitsPerListing, holdBack);
    if (listing.state === 'ACKNOWLEDGED' && listing.pushedQuantity === quantity) {
      unchanged.push({ externalId: listing.externalId, version: listing.version, quantity });
      continue;
    }
    const shown = listing.channelQuantity ?? listing.pushedQuantity;
    push.push({
      externalId: listing.externalId, quantity, version: listing.version, compareQuantity: listing.channelQuantity,
      urgent: quantity === 0 && shown !== 0, dueAt: listing.dueAt,
    });
  }
  push.sort((a, b) => Number(b.urgent) - Number(a.urgent) || a.dueAt.localeCompare(b.dueAt));
  return { push: push.slice(0, max).map(({ urgent: _urgent, dueAt: _dueAt, ...planned }) => planned), unchanged };
}
