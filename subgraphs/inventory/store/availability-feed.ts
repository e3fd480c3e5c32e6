import type { EntityManager } from 'typeorm';
import { NO_WRITES, placeholders, upsertStatements, writePending, writeThenRead, type Dialect, type PendingWrites, type Statement } from '../../../shared/database';
import { enqueueStatements } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { availabilityFor } from '../domain/channel-availability';
import { loadChannelRules, loadCompositions, type Compositions } from './catalog-copy';
import type { ChannelRule } from '../domain/availability';
import { fencedFrom, loadRingFences, type RingFences } from './ring-fence';
import { feedRead, feedRowsOf, stockChangeEvents, type FeedRow } from './stock-feed';
import { loadStock, type StockMap } from './stock-store';

/** One change on the stream; its cursor is the outbox publication sequence, known once published. */
export interface AvailabilityChange {
  cursor: string;
  channel: string;
  sku: string;
  available: number;
  at: string;
}

/**
 * What the caller has just read (and changed in memory) under its locks, so publishing need not
 * read it again: the stock and dedicated allocations of `covers`, and the rules of every channel.
 */
export interface KnownState {
  covers: ReadonlySet<string>;
  stock: StockMap;
  fences: RingFences;
  rules: Map<string, ChannelRule>;
  /** The bundle structure around the SKUs `of` (their components and the bundles made of them), if read. */
  compositions?: { of: ReadonlySet<string>; value: Compositions };
  /**
   * What was last published, read with the locks: the availability of the SKUs `of` on every
   * channel (`availability_state` rows), and routing's stock feed of the `covers` SKUs as
   * `feedRowsFrom` makes it, past the caller's writes. With it nothing is read after the writes,
   * and they go with publishing's own, in one round trip on MySQL.
   */
  told?: { of: ReadonlySet<string>; availability: readonly any[]; feed: readonly FeedRow[] };
}

/**
 * The availability last published of the SKUs on the channels, keyed (channel, SKU): naming the
 * channels lets both engines look the rows up by key instead of scanning.
 */
export function availabilityRead(channels: readonly string[], skus: readonly string[]): Statement {
  if (channels.length === 0 || skus.length === 0) return { sql: 'SELECT channel_code, sku_code, available FROM availability_state WHERE 1 = 0', params: [] };
  return {
    sql: `SELECT channel_code, sku_code, available FROM availability_state WHERE channel_code IN (${placeholders(channels)}) AND sku_code IN (${placeholders(skus)})`,
    params: [...channels, ...skus],
  };
}

/**
 * `availabilityRead` of the SKUs and of every bundle made of any of them, for a caller that does
 * not know the bundles yet: the bundles are found through the components' index, and each
 * channel's row of each bundle by its key (a bundle made of two of the SKUs comes twice). The
 * channels are joined from their table rather than listed beside the bundle: with
 * `channel_code IN (…)` next to a joined `sku_code`, MariaDB read every row of those channels
 * (2,000 rows for 1,000 SKUs on two channels, growing with the catalog), and SQLite, which keeps
 * no statistics here, started from the same rows (260 µs for 11 SKUs among 1,000, against 35 µs
 * now). SQLite's CROSS JOIN keeps the order as written; MySQL reads it as JOIN.
 */
export function availabilityWithBundlesRead(channels: readonly string[], skus: readonly string[]): Statement {
  const own = availabilityRead(channels, skus);
  if (channels.length === 0 || skus.length === 0) return own;
  return {
    sql: `${own.sql} UNION ALL SELECT a.channel_code, a.sku_code, a.available FROM bundle_component b
     CROSS JOIN channel c ON c.code IN (${placeholders(channels)})
     CROSS JOIN availability_state a ON a.channel_code = c.code AND a.sku_code = b.bundle_code
     WHERE b.component_code IN (${placeholders(skus)})`,
    params: [...own.params, ...channels, ...skus],
  };
}

/**
 * Inside the transaction that changed stock or rules: recomputes the availability of the given
 * SKUs (and every bundle made of them) on every channel, and for each value that moved writes
 * an event to the outbox, which is the durable change log: its publication sequence is the
 * stream cursor. Subscribers and channel connectors therefore hear every change, from any
 * cause, exactly when it commits.
 */
export async function publishAvailability(
  em: EntityManager, dialect: Dialect, skus: readonly string[], channels?: readonly string[], known?: KnownState,
  /**
   * The caller's writes of the change being published: sent with the reads below, or, when
   * `known.told` spares those reads, with the writes at the end (one round trip on MySQL).
   */
  pending?: PendingWrites,
): Promise<Omit<AvailabilityChange, 'cursor'>[]> {
  const { changes, last } = await availabilityWrites(em, dialect, skus, channels, known, pending);
  await writePending(em, last);
  return changes;
}

/**
 * `publishAvailability` up to its last writes, which it returns instead of sending (the caller's
 * pending writes first among them, when they did not go with a read): for a caller that sends
 * them with its COMMIT (`Database.transactionCommitting`).
 */
export async function availabilityWrites(
  em: EntityManager, dialect: Dialect, skus: readonly string[], channels?: readonly string[], known?: KnownState, pending?: PendingWrites,
): Promise<{ changes: Omit<AvailabilityChange, 'cursor'>[]; last: PendingWrites }> {
  if (skus.length === 0) return { changes: [], last: pending ?? NO_WRITES };
  const loaded = known?.compositions;
  const compositions = loaded && skus.every((sku) => loaded.of.has(sku)) ? loaded.value : await loadCompositions(em, skus);
  const targets = new Set(skus);
  for (const sku of skus) for (const bundle of compositions.bundlesOf.get(sku) ?? []) targets.add(bundle);
  const simple = new Set<string>();
  for (const sku of targets) {
    const parts = compositions.components.get(sku);
    if (parts?.length) parts.forEach((part) => simple.add(part.sku));
    else simple.add(sku);
  }
  // What `known` lacks is read here, and must see the pending writes (they move stock and what
  // channels hold): then those go first, on their own.
  const missing = known ? [...simple].filter((sku) => !known.covers.has(sku)) : [...simple];
  if (pending && missing.length > 0) {
    await writePending(em, pending);
    pending = undefined;
  }
  const { stock, fences, rules } = await current(em, dialect, [...simple], missing, channels, known);
  const targetList = [...targets].sort();
  const channelCodes = [...rules.keys()];
  // Routing keeps its own copy of what each location can sell; a rule change moves no stock.
  const feed = !channels;
  const told = known?.told;
  let previous: readonly any[];
  let feedRows: readonly FeedRow[] = [];
  if (told && feed && missing.length === 0 && targetList.every((sku) => told.of.has(sku))) {
    previous = told.availability;
    feedRows = told.feed.filter((row) => simple.has(row.sku));
  } else {
    // Both reads, after the caller's pending writes (the feed reads the stock they moved), in one
    // round trip on MySQL.
    const { changed, rows: results } = await writeThenRead(em, dialect, pending?.statements ?? [], [
      ...(channelCodes.length ? [availabilityRead(channelCodes, targetList)] : []),
      ...(feed ? [feedRead([...simple])] : []),
    ]);
    pending?.verify(changed);
    pending = undefined;
    previous = channelCodes.length ? results[0] : [];
    if (feed) feedRows = feedRowsOf(results[results.length - 1]);
  }
  const stockFeed = feed ? await stockChangeEvents(em, dialect, feedRows) : { events: [], writes: [] };
  const last = new Map(previous.map((row: { channel_code: string; sku_code: string; available: number }) => [`${row.channel_code}|${row.sku_code}`, Number(row.available)]));
  const changes: Omit<AvailabilityChange, 'cursor'>[] = [];
  const at = new Date().toISOString();
  for (const rule of rules.values()) {
    const values = availabilityFor(rule, targetList, stock, compositions.components, (sku) => fencedFrom(fences, rule.code, sku));
    for (const [sku, available] of values) {
      const before = last.get(`${rule.code}|${sku}`);
      if (before === available || (before === undefined && available === 0)) continue;
      changes.push({ channel: rule.code, sku, available, at });
    }
  }
  // The caller's writes, when they did not go with the reads, come first: their checks hold as they are.
  const statements = [
    ...(pending?.statements ?? []),
    ...stockFeed.writes,
    ...upsertStatements(dialect, 'availability_state', ['channel_code', 'sku_code'], ['available'], changes.map((change) => [change.channel, change.sku, change.available])),
    ...enqueueStatements(dialect, [
      ...stockFeed.events,
      ...changes.map((change) => ({ topic: TOPICS.availabilityChanged, key: `availability:${change.channel}:${change.sku}`, payload: change })),
    ]),
  ];
  return { changes, last: { ...(pending ?? NO_WRITES), statements } };
}

/** Stock, dedicated allocations and rules for publishing: taken from `known` where it has them, read (`missing`) otherwise. */
async function current(em: EntityManager, dialect: Dialect, simple: string[], missing: string[], channels: readonly string[] | undefined, known?: KnownState) {
  const [{ stock }, rules, fences] = await Promise.all([
    loadStock(em, dialect, missing),
    known && !channels ? known.rules : loadChannelRules(em, channels),
    loadRingFences(em, dialect, missing),
  ]);
  if (known) {
    for (const sku of simple) {
      if (!known.covers.has(sku)) continue;
      if (known.stock.has(sku)) stock.set(sku, known.stock.get(sku)!);
      if (known.fences.allocations.has(sku)) fences.allocations.set(sku, known.fences.allocations.get(sku)!);
      if (known.fences.held.has(sku)) fences.held.set(sku, known.fences.held.get(sku)!);
    }
  }
  return { stock, rules, fences };
}
