import type { ConnectorKind } from '../domain/connector-settings';

/** One listing's new quantity, with what the channel is believed to show now (Shopify's compareQuantity). */
export interface ListingPush {
  externalId: string;
  quantity: number;
  compareQuantity: number | null;
}

/**
 * Why a request or one listing failed, which decides what happens next. `unreachable`: no
 * answer, a timeout or a server error: retried with backoff, and counts toward an outage.
 * `throttled`: the channel asked us to slow down: retried after `retryAfterMs`, no penalty.
 * `rejected`: the channel refused this listing's value: parked at once, since retrying the same
 * request gets the same answer. `conflict`: the channel's figure moved under us: retried soon.
 */
export type FailureKind = 'unreachable' | 'throttled' | 'rejected' | 'conflict';

export class ChannelError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly retryAfterMs: number | null = null,
    /** No answer in time: the channel may still have received (and will count) the request. */
    readonly timedOut = false,
  ) {
    super(message);
  }
}

export type PushResult =
  | { externalId: string; ok: true; quantity: number }
  | { externalId: string; ok: false; error: ChannelError };

/**
 * A channel API as the sync pipeline uses it. Implementations keep to the channel's rate
 * limit themselves (each request waits for its turn) and throw a ChannelError when the whole
 * request failed; per-listing refusals come back as results.
 */
export interface ChannelConnector {
  readonly kind: ConnectorKind;
  /** Listings one push request may carry. */
  readonly batchSize: number;
  /** Listings one read request may carry. */
  readonly readBatchSize: number;
  /**
   * Waits until the channel's limit lets one more push request through and reserves it. The
   * caller reads the listings' newest values only then, so a request never waits for its turn
   * carrying a value that went stale meanwhile.
   */
  acquirePush(): Promise<void>;
  /** Gives back a reservation that found nothing to push. */
  releasePush(): void;
  /** Sets the channel's quantity of each listing, using a reservation when one is held. */
  push(items: readonly ListingPush[]): Promise<PushResult[]>;
  /** The quantity the channel shows for each listing now; null for a listing it does not know. */
  read(externalIds: readonly string[]): Promise<Map<string, number | null>>;
}
