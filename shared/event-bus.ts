/** A fact one subgraph tells the others, published from its outbox after commit. */
export interface BusEvent<P = any> {
  /** Unique across the system: `<subgraph>:<outbox id>`. Consumers record it to apply each event once. */
  id: string;
  /** Publication sequence within the event's source, gapless and in publication order. */
  seq?: number;
  topic: string;
  /** The aggregate the event is about (for example `sku:ABC`); events of one key keep their order. */
  key: string;
  payload: P;
  at: string;
}

export type EventHandler = (event: BusEvent) => Promise<void>;
export type BatchHandler = (events: BusEvent[]) => Promise<void>;

export interface EventBus {
  publish(events: BusEvent[]): Promise<void>;
  /**
   * Work-queue delivery: each event goes to one consumer of `group`, which acknowledges it only
   * after the handler resolves; a handler that throws gets the event again.
   */
  consume(group: string, topics: string[], handler: EventHandler): Promise<void>;
  /** Like `consume`, but hands over the events that arrived together, in order, so a consumer can apply them in one transaction. */
  consumeBatches(group: string, topics: string[], handler: BatchHandler): Promise<void>;
  /** Fan-out delivery: every process that listens receives every event (live subscriptions). */
  listen(topics: string[], handler: EventHandler): () => void;
  close(): Promise<void>;
}

const STARTUP_BACKLOG = 100_000;

/**
 * The embedded bus: publishing awaits every consumer group, so a mutation that awaits its
 * relay's flush returns once the other subgraphs have applied its events (a checkout hold does
 * not wait: its events leave within 25 ms, see `OutboxRelay.flushSoon`). A consumer that throws makes `publish` throw,
 * which leaves the outbox rows unpublished for the relay to retry.
 */
export class InProcessBus implements EventBus {
  private readonly groups = new Map<string, { topics: Set<string>; handler: BatchHandler }>();
  private readonly listeners = new Set<{ topics: Set<string>; handler: EventHandler }>();
  /**
   * Events published while the process starts, for consumer groups that register after them.
   * Each subgraph's relay publishes what the last run left in its outbox as soon as that
   * subgraph starts, and events go round (orders → routing → inventory → orders), so some
   * consumers are always still to come; without this they would never see those events.
   * Dropped at `ready()`, or past STARTUP_BACKLOG events on a bus nobody calls it for.
   */
  private startup: BusEvent[] | null = [];

  /** Every consumer group of the process has registered: stop keeping events for late ones. */
  ready(): void {
    this.startup = null;
  }

  async publish(events: BusEvent[]): Promise<void> {
    if (this.startup) {
      this.startup.push(...events);
      if (this.startup.length > STARTUP_BACKLOG) this.startup = null;
    }
    for (const group of this.groups.values()) {
      const wanted = events.filter((event) => group.topics.has(event.topic));
      if (wanted.length) await group.handler(wanted);
    }
    for (const event of events) {
      for (const listener of this.listeners) {
        if (listener.topics.has(event.topic)) {
          listener.handler(event).catch(() => undefined);
        }
      }
    }
  }

  async consume(group: string, topics: string[], handler: EventHandler): Promise<void> {
    await this.consumeBatches(group, topics, async (events) => {
      for (const event of events) await handler(event);
    });
  }

  async consumeBatches(group: string, topics: string[], handler: BatchHandler): Promise<void> {
    if (this.groups.has(group)) throw new Error(`consumer group ${group} is already registered`);
    this.groups.set(group, { topics: new Set(topics), handler });
    const missed = this.startup?.filter((event) => topics.includes(event.topic)) ?? [];
    if (missed.length) await handler(missed);
  }

  listen(topics: string[], handler: EventHandler): () => void {
    const entry = { topics: new Set(topics), handler };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  async close(): Promise<void> {
    this.groups.clear();
    this.listeners.clear();
  }
}
