/** A fact one subgraph tells the others, published from its outbox after commit. */
export interface BusEvent<P = any> {
  /** Unique across the system: `<subgraph>:<outbox id>`. Consumers record it to apply each event once. */
  id: string;
  topic: string;
  /** The aggregate the event is about (for example `sku:ABC`); events of one key keep their order. */
  key: string;
  payload: P;
  at: string;
}

export type EventHandler = (event: BusEvent) => Promise<void>;

export interface EventBus {
  publish(events: BusEvent[]): Promise<void>;
  /**
   * Work-queue delivery: each event goes to one consumer of `group`, which acknowledges it only
   * after the handler resolves; a handler that throws gets the event again.
   */
  consume(group: string, topics: string[], handler: EventHandler): Promise<void>;
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
  private readonly groups = new Map<string, { topics: Set<string>; handler: EventHandler }>();
  private readonly listeners = new Set<{ topics: Set<string>; handler: EventHandler }>();

  async publish(events: BusEvent[]): Promise<void> {
    for (const event of events) {
      for (const group of this.groups.values()) {
        if (group.topics.has(event.topic)) await group.handler(event);
      }
      for (const listener of this.listeners) {
        if (listener.topics.has(event.topic)) {
          listener.handler(event).catch(() => undefined);
        }
      }
    }
  }

  async consume(group: string, topics: string[], handler: EventHandler): Promise<void> {
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
