import type { BusEvent, EventBus } from './event-bus';

/** Pending events per subscriber beyond which the oldest are dropped: a subscriber that never reads must not grow without bound. */
const KEEP_AT_MOST = 10_000;

/**
 * One topic's events as live streams for this process's subscribers: every process hears every
 * event from the bus (fan-out), and each subscriber gets those its filter lets through, from the
 * moment it subscribed. For streams with nothing to replay (routing decisions, alerts).
 */
export class TopicStream<T> {
  private readonly subscribers = new Set<(payload: T) => void>();
  private stopListening: (() => void) | null = null;

  constructor(private readonly bus: EventBus, private readonly topic: string) {}

  start(): void {
    this.stopListening = this.bus.listen([this.topic], async (event: BusEvent<T>) => {
      for (const subscriber of this.subscribers) subscriber(event.payload);
    });
  }

  stop(): void {
    this.stopListening?.();
  }

  async *subscribe(wanted: (payload: T) => boolean): AsyncGenerator<T> {
    let pending: T[] = [];
    let wake: (() => void) | null = null;
    const push = (payload: T) => {
      if (!wanted(payload)) return;
      pending.push(payload);
      if (pending.length > KEEP_AT_MOST) pending = pending.slice(-KEEP_AT_MOST);
      wake?.();
    };
    this.subscribers.add(push);
    try {
      for (;;) {
        while (pending.length) yield pending.shift()!;
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = null;
      }
    } finally {
      this.subscribers.delete(push);
    }
  }
}
