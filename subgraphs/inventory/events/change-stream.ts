import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { placeholders, type Database } from '../../../shared/database';
import type { BusEvent, EventBus } from '../../../shared/event-bus';
import { badInput } from '../../../shared/errors';
import { TOPICS } from '../../../shared/topics';
import type { AvailabilityChange } from '../store/availability-feed';

export interface StreamRequest {
  channel: string;
  skus?: string[] | null;
  after?: string | null;
  /** Start with the current value of every SKU asked for (every SKU with stock on the channel when none are named). */
  snapshot?: boolean | null;
}

/** Pending changes per subscriber beyond which older values of the same SKU are merged away. */
export const CONFLATE_ABOVE = 1000;
const REPLAY_LIMIT = 100_000;

const cursorExpired = (after: number, pruned: number) => new GraphQLError(
  `Cursor ${after} is older than the retained change log (changes up to ${pruned} were pruned): take a fresh snapshot (snapshot: true) and resume from its cursors`,
  { extensions: { code: 'CURSOR_EXPIRED', after: String(after), oldestResumable: String(pruned) } },
);

function toChange(seq: number | string, payload: Omit<AvailabilityChange, 'cursor'>): AvailabilityChange {
  return { cursor: String(seq), channel: payload.channel, sku: payload.sku, available: Number(payload.available), at: payload.at };
}

/**
 * Availability changes as streams for subscribers of this process. The durable change log is
 * the outbox: each change's cursor is its publication sequence, gapless and in the order every
 * process hears it. Live changes come from the bus; `after` first replays the log from that
 * cursor and live changes at or before the last replayed one are dropped, so the seam has no
 * gap and no duplicate. A subscriber that falls behind has its pending changes merged per SKU:
 * the latest value is never dropped.
 */
export class ChangeStream {
  private readonly subscribers = new Set<(change: AvailabilityChange) => void>();
  private stopListening: (() => void) | null = null;

  constructor(private readonly db: Database, private readonly bus: EventBus) {}

  start(): void {
    this.stopListening = this.bus.listen([TOPICS.availabilityChanged], async (event: BusEvent<Omit<AvailabilityChange, 'cursor'>>) => {
      if (event.seq === undefined) return;
      const change = toChange(event.seq, event.payload);
      for (const subscriber of this.subscribers) subscriber(change);
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
    // Listen before reading the log, so nothing published in between is missed.
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
        last = Math.max(last, after);
      } else if (request.snapshot) {
        const { changes, through } = await this.snapshot(request.channel, request.skus ?? null);
        for (const change of changes) yield change;
        last = through;
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
    if (!/^\d{1,15}$/.test(cursor)) return Promise.resolve(null);
    return this.cursorLoader.load(Number(cursor));
  }

  private readonly cursorLoader = new DataLoader<number, AvailabilityChange | null>(async (cursors) => {
    const rows = await this.db.query(`SELECT seq, payload FROM outbox WHERE topic = ? AND seq IN (${placeholders(cursors)})`, [TOPICS.availabilityChanged, ...cursors]);
    const bySeq = new Map(rows.map((row) => [Number(row.seq), toChange(row.seq, JSON.parse(row.payload))]));
    return cursors.map((cursor) => bySeq.get(cursor) ?? null);
  }, { cache: false });

  private async replay(channel: string, after: number, skus: Set<string> | null): Promise<AvailabilityChange[]> {
    const [state] = await this.db.query("SELECT pruned_through FROM outbox_state WHERE name = 'relay'");
    const pruned = Number(state?.pruned_through ?? 0);
    if (after < pruned) throw cursorExpired(after, pruned);
    const rows = await this.db.query(
      `SELECT seq, payload FROM outbox WHERE topic = ? AND seq > ? AND aggregate_key LIKE ? ORDER BY seq LIMIT ${REPLAY_LIMIT}`,
      [TOPICS.availabilityChanged, after, `availability:${channel.replace(/[%_]/g, (c) => `\\${c}`)}:%`],
    );
    return rows
      .map((row) => toChange(row.seq, JSON.parse(row.payload)))
      .filter((change) => change.channel === channel && (!skus || skus.has(change.sku)));
  }

  /**
   * The value every asked-for SKU has now, and the cursor it is current as of. The cursor is read
   * first: a change sequenced by then is already in the values, and one sequenced later arrives
   * live, so the client may see a value twice but never misses one.
   */
  private async snapshot(channel: string, skus: string[] | null): Promise<{ changes: AvailabilityChange[]; through: number }> {
    const [{ through }] = await this.db.query('SELECT COALESCE(MAX(seq), 0) AS through FROM outbox');
    const rows = skus
      ? await this.db.query(`SELECT sku_code, available FROM availability_state WHERE channel_code = ? AND sku_code IN (${placeholders(skus)})`, [channel, ...skus])
      : await this.db.query('SELECT sku_code, available FROM availability_state WHERE channel_code = ? ORDER BY sku_code', [channel]);
    const values = new Map(rows.map((row) => [row.sku_code as string, Number(row.available)]));
    const at = new Date().toISOString();
    const codes = skus ?? [...values.keys()];
    return {
      changes: codes.map((sku) => ({ cursor: String(through), channel, sku, available: values.get(sku) ?? 0, at })),
      through: Number(through),
    };
  }
}

/** Keeps, for each SKU, only its latest pending change, in cursor order. */
export function conflate(changes: AvailabilityChange[]): AvailabilityChange[] {
  const latest = new Map<string, AvailabilityChange>();
  for (const change of changes) latest.set(`${change.channel}|${change.sku}`, change);
  return [...latest.values()].sort((a, b) => Number(a.cursor) - Number(b.cursor));
}
