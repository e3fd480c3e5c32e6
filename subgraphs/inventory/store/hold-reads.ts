import { unique } from '../../../shared/arrays';
import { placeholders, type Dialect, type Statement } from '../../../shared/database';
import { availabilityRead, availabilityWithBundlesRead } from './availability-feed';
import { allocationRead } from './ring-fence';
import { toldRead } from './stock-feed';
import { stockReads } from './stock-store';

/**
 * What a hold group reads under its stock rows' locks, and how it tells whether the reads sent
 * with its start (before its bundles were known) are the ones it needs.
 */

/** A request's channel and idempotency key: what finds a reservation it already stored. */
interface Keyed {
  channel: string;
  idempotencyKey: string;
}

/** What a group's locked reads cover: its SKUs, the channels it publishes to, and what it publishes (unset: the SKUs and every bundle made of them). */
export interface Basis {
  skus: readonly string[];
  channels: readonly string[];
  published?: readonly string[];
}

/** Whether two lists hold the same values, in any order. */
export const sameSet = (a: readonly string[], b: readonly string[]) => {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((item) => set.has(item));
};

/** Whether the reads of `ahead` are those `basis` needs (its `published` is always its SKUs and the bundles made of them). */
export const sameBasis = (basis: Basis, ahead: Basis) =>
  sameSet(basis.skus, ahead.skus) && (!ahead.published || sameSet(basis.published!, ahead.published)) &&
  basis.channels.length === ahead.channels.length && basis.channels.every((code, index) => ahead.channels[index] === code);

/** Times a group starts again because its SKUs were not what it guessed (the catalog changing under it); then it reads under its locks. */
export const GUESSES = 3;

/** Ends a group's transaction whose SKUs were not what it guessed, to start again with them. */
export class GuessedWrong extends Error {
  constructor(readonly basis: Basis) {
    super('the hold group starts again with the SKUs it needs');
  }
}

/**
 * The reads a group decides from: its SKUs' stock rows, locked first in key order, then (seeing
 * whatever committed before the locks were granted) lapsed holds, dedicated allocations, what was
 * last published, and the reservations already stored under the group's keys.
 */
export function lockedReads(dialect: Dialect, basis: Basis, keyed: readonly Keyed[]): Statement[] {
  if (basis.skus.length === 0) return [];
  return [
    ...stockReads(dialect, basis.skus, { lock: true }), allocationRead(basis.skus),
    basis.published ? availabilityRead(basis.channels, basis.published) : availabilityWithBundlesRead(basis.channels, basis.skus), toldRead(basis.skus),
    ...storedKeyReads(keyed).map((keyRead) => keyRead.statement),
  ];
}

/** The reads finding reservations already stored under the requests' keys, one per channel. */
export function storedKeyReads(inputs: readonly Keyed[]): { channel: string; statement: Statement }[] {
  return unique(inputs.map((input) => input.channel)).map((channel) => {
    const keys = unique(inputs.filter((input) => input.channel === channel).map((input) => input.idempotencyKey));
    return { channel, statement: { sql: `SELECT id, idempotency_key, payload_hash FROM reservation WHERE channel_code = ? AND idempotency_key IN (${placeholders(keys)})`, params: [channel, ...keys] } };
  });
}
