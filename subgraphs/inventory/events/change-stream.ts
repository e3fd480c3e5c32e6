import DataLoader from 'dataloader';
import type { Database } from '../../../shared/database';
import type { BusEvent, EventBus } from '../../../shared/event-bus';
import { badInput } from '../../../shared/errors';
import { TOPICS } from '../../../shared/topics';
import type { AvailabilityChange } from '../store/availability-feed';

export interface StreamRequest {
  channel: string;
  skus?: string[] | null;
  after?: string | null;
}

/** Pending changes per subscriber beyond which older values of the same SKU are merged away. */
const CONFLATE_ABOVE = 1000;

/**
 * Availability changes as streams for subscribers of this process. Live changes come from the
 * bus (every process hears every change); `after` first replays the durable change log from
 * that cursor, and live changes at or before the last replayed cursor are dropped, so the seam
 * has no gap and no duplicate. A subscriber that falls behind has its pending changes merged
 * per SKU: the latest value is never dropped.
 */
export class ChangeStream {
  private readonly subscribers = new Set<(change: AvailabilityChange) => void>();
  private stopListening: (() => void) | null = null;

  constructor(private readonly db: Database, private readonly bus: EventBus) {}

  start(): void {
    this.stopListening = this.bus.listen([TOPICS.availabilityChanged], async (event: BusEvent<AvailabilityChange>) => {
      for (const subscriber of this.subscribers) subscriber(event.payload);
    });
  }

  stop(): void {
    this.stopListening?.();
  }

  get size(): number {
    return this.subscribers.size;
  }

  async *subscribe(request: StreamRequest): AsyncGenerator<AvailabilityChange> {
    const wanted = request.skus?.length ? new Set(request.skus) : null;
    const matches = (change: AvailabilityChange) => change.channel === request.channel && (!wanted || wanted.has(change.sku));
    let pending: AvailabilityChange[] = [];
    let wake: (() => void) | null = null;
    const push = (change: AvailabilityChange) => {
      if (!matches(change)) return;
      pending.push(change);
      if (pending.length > CONFLATE_ABOVE) pending = conflate(pending);
      wake?.();
    };
    this.subscribers.add(push);
    try {
      let last = 0;
      if (request.after != null) {
        const after = Number(request.after);
        if (!Number.isInteger(after) || after < 0) throw badInput(`Invalid cursor "${request.after}"`, { after: request.after });
        for (const change of await this.replay(request.channel, after, wanted)) {
          last = Number(change.cursor);
          yield change;
        }
      }
      for (;;) {
        while (pending.length) {
          const change = pending.shift()!;
          if (Number(change.cursor) <= last) continue;
          last = Number(change.cursor);
          yield change;
        }
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = null;
      }
    } finally {
      this.subscribers.delete(push);
    }
  }

  /** Looks one change up by cursor; concurrent look-ups (one event, many subscribers) share a query. */
  byCursor(cursor: string): Promise<AvailabilityChange | null> {
    if (!/^\d{1,18}$/.test(cursor)) return Promise.resolve(null);
    return this.cursorLoader.load(cursor);
  }

  private readonly cursorLoader = new DataLoader<string, AvailabilityChange | null>(async (cursors) => {
    const rows = await this.db.query(`SELECT id, channel_code, sku_code, available, at FROM availability_log WHERE id IN (${cursors.map(() => '?').join(',')})`, cursors.map(Number));
    const byId = new Map(rows.map((row) => [String(row.id), toChange(row)]));
    return cursors.map((cursor) => byId.get(cursor) ?? null);
  }, { cache: false });

  private async replay(channel: string, after: number, skus: Set<string> | null): Promise<AvailabilityChange[]> {
    const rows = await this.db.query('SELECT id, channel_code, sku_code, available, at FROM availability_log WHERE channel_code = ? AND id > ? ORDER BY id LIMIT 100000', [channel, after]);
    return rows
      .filter((row) => !skus || skus.has(row.sku_code))
      .map(toChange);
  }
}

function toChange(row: Record<string, any>): AvailabilityChange {
  return { cursor: String(row.id), channel: row.channel_code, sku: row.sku_code, available: Number(row.available), at: row.at };
}

/** Keeps, for each SKU, only its latest pending change, in cursor order. */
export function conflate(changes: AvailabilityChange[]): AvailabilityChange[] {
  const latest = new Map<string, AvailabilityChange>();
  for (const change of changes) latest.set(`${change.channel}|${change.sku}`, change);
  return [...latest.values()].sort((a, b) => Number(a.cursor) - Number(b.cursor));
}
