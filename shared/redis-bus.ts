import Redis from 'ioredis';
import type { BatchHandler, BusEvent, EventBus, EventHandler } from './event-bus';
import type { Logger } from './logger';


const MAX_LEN = 1_000_000;
/** An event left unacknowledged this long by a consumer is taken over by another one. */
const CLAIM_IDLE_MS = 15_000;
/** Pending events one claim pass takes over at most, so a large backlog cannot stall the new ones. */
const CLAIM_PASS_LIMIT = 1000;


/**
 * The scaled-out bus on Redis Streams: one stream per topic, one consumer group per consuming
 * subgraph, acknowledgement after the handler succeeds, and pending events of a dead consumer
 * claimed by a live one. Consumers are idempotent, so redelivery never applies an event twice.
 */
export class RedisBus implements EventBus {
  private readonly publisher: Redis;
  private readonly readers: Redis[] = [];
  private closed = false;
  private readonly consumerName = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private readonly claimIdleMs: number;

  /**
   * `namespace` names the deployment (its database), so two systems sharing one Redis never
   * read each other's events or steal each other's consumer groups. `claimIdleMs`: how long an
   * event taken by a consumer may stay unacknowledged before a live consumer takes it over.
   */
  constructor(private readonly url: string, private readonly logger: Logger, private readonly namespace = 'default', options: { claimIdleMs?: number } = {}) {
    this.publisher = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
    this.claimIdleMs = options.claimIdleMs ?? CLAIM_IDLE_MS;
  }

  private stream(topic: string): string {
    return `stock:${this.namespace}:events:${topic}`;
  }

  async publish(events: BusEvent[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.publisher.pipeline();
    for (const event of events) {
      pipeline.xadd(this.stream(event.topic), 'MAXLEN', '~', String(MAX_LEN), '*', 'e', JSON.stringify(event));
    }
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  async consume(group: string, topics: string[], handler: EventHandler): Promise<void> {
    await this.consumeBatches(group, topics, async (events) => {
      for (const event of events) await handler(event);
    });
  }

  async consumeBatches(group: string, topics: string[], handler: BatchHandler): Promise<void> {
    const reader = this.reader();
    for (const topic of topics) {
      try {
        await reader.xgroup('CREATE', this.stream(topic), group, '0', 'MKSTREAM');
      } catch (error) {
        if (!String(error).includes('BUSYGROUP')) throw error;
      }
    }
    void this.consumeLoop(reader, group, topics, handler);
  }

  private async consumeLoop(reader: Redis, group: string, topics: string[], handler: BatchHandler) {
    const streams = topics.map((topic) => this.stream(topic));
    let lastClaim = 0;
    while (!this.closed) {
      try {
        if (Date.now() - lastClaim > this.claimIdleMs / 3) {
          lastClaim = Date.now();
          for (const key of streams) await this.claimIdle(reader, group, key, handler);
        }
        const response = (await reader.xreadgroup(
          'GROUP', group, this.consumerName, 'COUNT', 100, 'BLOCK', 1000,
          'STREAMS', ...streams, ...streams.map(() => '>'),
        )) as [string, [string, string[]][]][] | null;
        for (const [key, entries] of response ?? []) {
          await this.handleEntries(reader, group, key, entries, handler);
        }
      } catch (error) {
        if (this.closed) return;
        this.logger.error('event consumer failed; retrying', { group, error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /**
   * Takes over the events another consumer of the group took and left unacknowledged for
   * claimIdleMs (it died mid-batch), walking the pending list from its start, and handles them.
   */
  private async claimIdle(reader: Redis, group: string, key: string, handler: BatchHandler): Promise<void> {
    let cursor = '0-0';
    for (let round = 0; round < CLAIM_PASS_LIMIT / 100; round++) {
      const [next, entries] = (await reader.xautoclaim(key, group, this.consumerName, this.claimIdleMs, cursor, 'COUNT', 100)) as [string, [string, string[]][]];
      await this.handleEntries(reader, group, key, entries, handler);
      if (next === '0-0') return;
      cursor = next;
    }
  }

  private async handleEntries(reader: Redis, group: string, key: string, entries: [string, string[]][], handler: BatchHandler) {
    // Deleted entries come back from XAUTOCLAIM without fields: nothing to handle, just acknowledge.
    const live = entries.filter(([, fields]) => fields);
    if (live.length) await handler(live.map(([, fields]) => JSON.parse(fields[1]) as BusEvent));
    // Acknowledged only after the handler succeeded: on failure they stay pending and are claimed again.
    if (entries.length) await reader.xack(key, group, ...entries.map(([entryId]) => entryId));
  }

  listen(topics: string[], handler: EventHandler): () => void {
    const reader = this.reader();
    let active = true;
    const streams = topics.map((topic) => this.stream(topic));
    void (async () => {
      const ids = streams.map(() => '$');
      while (active && !this.closed) {
        try {
          const response = (await reader.xread('COUNT', 500, 'BLOCK', 1000, 'STREAMS', ...streams, ...ids)) as
            | [string, [string, string[]][]][]
            | null;
          for (const [key, entries] of response ?? []) {
            for (const [entryId, fields] of entries) {
              ids[streams.indexOf(key)] = entryId;
              await handler(JSON.parse(fields[1]) as BusEvent).catch(() => undefined);
            }
          }
        } catch (error) {
          if (!active || this.closed) return;
          this.logger.warn('event listener failed; retrying', { error: String(error) });
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    })();
    return () => {
      active = false;
    };
  }

  private reader(): Redis {
    const reader = new Redis(this.url, { maxRetriesPerRequest: null });
    this.readers.push(reader);
    return reader;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const reader of this.readers) reader.disconnect();
    await this.publisher.quit().catch(() => undefined);
  }
}
