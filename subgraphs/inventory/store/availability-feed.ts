import type { EntityManager } from 'typeorm';
import { placeholders, type Dialect } from '../../../shared/database';
import { enqueue } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import { availabilityFor } from '../domain/channel-availability';
import { loadChannelRules, loadCompositions } from './catalog-copy';
import { fencedFrom, loadRingFences } from './ring-fence';
import { publishStockChanges } from './stock-feed';
import { loadStock } from './stock-store';

/** One change on the stream; its cursor is the outbox publication sequence, known once published. */
export interface AvailabilityChange {
  cursor: string;
  channel: string;
  sku: string;
  available: number;
  at: string;
}

/**
 * Inside the transaction that changed stock or rules: recomputes the availability of the given
 * SKUs (and every bundle made of them) on every channel, and for each value that moved writes
 * an event to the outbox, which is the durable change log: its publication sequence is the
 * stream cursor. Subscribers and channel
 * connectors therefore hear every change, from any cause, exactly when it commits.
 */
export async function publishAvailability(em: EntityManager, dialect: Dialect, skus: readonly string[], channels?: readonly string[]): Promise<Omit<AvailabilityChange, 'cursor'>[]> {
  if (skus.length === 0) return [];
  const compositions = await loadCompositions(em, skus);
  const targets = new Set(skus);
  for (const sku of skus) for (const bundle of compositions.bundlesOf.get(sku) ?? []) targets.add(bundle);
  const simple = new Set<string>();
  for (const sku of targets) {
    const parts = compositions.components.get(sku);
    if (parts?.length) parts.forEach((part) => simple.add(part.sku));
    else simple.add(sku);
  }
  // Routing keeps its own copy of what each location can sell; a rule change moves no stock.
  if (!channels) await publishStockChanges(em, dialect, [...simple]);
  const [{ stock }, rules, fences] = await Promise.all([loadStock(em, dialect, [...simple]), loadChannelRules(em, channels), loadRingFences(em, [...simple])]);
  const targetList = [...targets].sort();
  const previous = await em.query(
    `SELECT channel_code, sku_code, available FROM availability_state WHERE sku_code IN (${placeholders(targetList)})`,
    targetList,
  );
  const last = new Map(previous.map((row: { channel_code: string; sku_code: string; available: number }) => [`${row.channel_code}|${row.sku_code}`, Number(row.available)]));
  const changes: Omit<AvailabilityChange, 'cursor'>[] = [];
  const at = new Date().toISOString();
  for (const rule of rules.values()) {
    const values = availabilityFor(rule, targetList, stock, compositions.components, (sku) => fencedFrom(fences, rule.code, sku));
    for (const [sku, available] of values) {
      const key = `${rule.code}|${sku}`;
      const before = last.get(key);
      if (before === available || (before === undefined && available === 0)) continue;
      if (before === undefined) {
        await em.query('INSERT INTO availability_state (channel_code, sku_code, available) VALUES (?, ?, ?)', [rule.code, sku, available]);
      } else {
        await em.query('UPDATE availability_state SET available = ? WHERE channel_code = ? AND sku_code = ?', [available, rule.code, sku]);
      }
      const change = { channel: rule.code, sku, available, at };
      changes.push(change);
      await enqueue(em, TOPICS.availabilityChanged, `availability:${rule.code}:${sku}`, change);
    }
  }
  return changes;
}
