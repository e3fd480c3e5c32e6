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

/**
 * The embedded bus: publishing awaits every consumer group, so by the time a mutation returns,
 * the other subgraphs have applied its events. A consumer that throws makes `publish` throw,
 * which leaves the outbox rows unpublished for the relay to retry.
 */
export class InProcessBus implements EventBus {
  private readonly groups = new Map<string, { topics: Set<string>; handler: BatchHandler }>();
  private readonly listeners = new Set<{ topics: Set<string>; handler: EventHandler }>();

  async publish(events: BusEvent[]): Promise<void> {
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
