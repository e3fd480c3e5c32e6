import type { BusEvent, EventBus } from '../../../shared/event-bus';
import { TOPICS } from '../../../shared/topics';
import type { DecisionSnapshot } from '../store/decision-store';

/** Pending decisions per subscriber beyond which the oldest are dropped: a subscriber that never reads must not grow without bound. */
const KEEP_AT_MOST = 10_000;

/**
 * Routing decisions as streams for this process's subscribers. Every process hears every
 * recorded decision from the bus; each subscriber gets those of the channels it may see.
 */
export class DecisionStream {
  private readonly subscribers = new Set<(decision: DecisionSnapshot) => void>();
  private stopListening: (() => void) | null = null;

  constructor(private readonly bus: EventBus) {}

  start(): void {
    this.stopListening = this.bus.listen([TOPICS.orderRouted], async (event: BusEvent<DecisionSnapshot>) => {
      for (const subscriber of this.subscribers) subscriber(event.payload);
    });
  }

  stop(): void {
    this.stopListening?.();
  }

  async *subscribe(visible: (channel: string) => boolean): AsyncGenerator<DecisionSnapshot> {
    let pending: DecisionSnapshot[] = [];
    let wake: (() => void) | null = null;
    const push = (decision: DecisionSnapshot) => {
      if (!visible(decision.channel)) return;
      pending.push(decision);
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
