import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { SubscriberQueue } from './subscription-queue';

/** An upstream stream and how to turn each of its events into what subscribers receive. */
export interface StreamSource {
  events: AsyncIterable<ExecutionResult>;
  /** The client's answer for one upstream event (enriched through the gateway when needed). */
  toPayload(event: ExecutionResult): Promise<ExecutionResult>;
  /** Events with the same key supersede each other in a slow subscriber's queue. */
  conflationKey(event: ExecutionResult): string | null;
}

/** Payloads resolved at once per stream; delivery stays in upstream order. */
const MAX_IN_FLIGHT = 64;

/**
 * graphql-ws serialises each error of an event with its `toJSON`. An event resolved through the
 * gateway's own query, or received from a remote subgraph, carries plain formatted errors: sent
 * as they are, one such event ends every subscriber's stream with "e.toJSON is not a function".
 */
function deliverable(result: ExecutionResult): ExecutionResult {
  const errors = result.errors as readonly (GraphQLError | GraphQLFormattedError)[] | undefined;
  if (!errors?.length || errors.every((error) => error instanceof GraphQLError)) return result;
  return {
    ...result,
    errors: errors.map((error) => (error instanceof GraphQLError ? error : new GraphQLError(error.message, { path: error.path, extensions: error.extensions }))),
  };
}

/** A payload that could not be resolved at all: its message may be internal, so subscribers get a generic one. */
const unresolved = (error: unknown): ExecutionResult => ({
  errors: [error instanceof GraphQLError ? error : new GraphQLError('This event could not be resolved', { extensions: { code: 'INTERNAL_SERVER_ERROR' }, originalError: error as Error })],
});

class SharedStream {
  readonly subscribers = new Set<SubscriberQueue<ExecutionResult>>();
  private iterator: AsyncIterator<ExecutionResult> | null = null;
  private started = false;

  constructor(private readonly source: StreamSource, private readonly onIdle: () => void) {}

  /** Starts pulling upstream once the first subscriber is in, so it misses nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.pump();
  }

  private async pump(): Promise<void> {
    this.iterator = this.source.events[Symbol.asyncIterator]();
    let chain: Promise<void> = Promise.resolve();
    let inFlight = 0;
    try {
      for (;;) {
        const next = await this.iterator.next();
        if (next.done) break;
        const event = next.value;
        const key = this.source.conflationKey(event);
        const payload = this.source.toPayload(event).then(deliverable, unresolved);
        inFlight++;
        chain = chain.then(async () => {
          const result = await payload;
          inFlight--;
          for (const subscriber of this.subscribers) subscriber.push(result, key);
        });
        if (inFlight >= MAX_IN_FLIGHT) await chain;
      }
      await chain;
      for (const subscriber of this.subscribers) subscriber.fail(new Error('The stream ended'));
    } catch (error) {
      await chain.catch(() => undefined);
      for (const subscriber of this.subscribers) subscriber.fail(error);
    } finally {
      this.onIdle();
    }
  }

  leave(subscriber: SubscriberQueue<ExecutionResult>): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0) {
      this.onIdle();
      void this.iterator?.return?.();
    }
  }
}

/**
 * Runs each distinct subscription (same operation, variables and permissions) once, however
 * many sockets hold it, and fans every result out to the subscribers' own bounded queues. An
 * event is therefore resolved once per distinct subscription, not once per socket.
 */
export class SharedStreams {
  private readonly streams = new Map<string, SharedStream>();
  private readonly opening = new Map<string, Promise<SharedStream | ExecutionResult>>();

  constructor(private readonly queueLimit: number) {}

  get size(): number {
    return this.streams.size;
  }

  async join(key: string, open: () => Promise<StreamSource | ExecutionResult>): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const shared = this.streams.get(key) ?? (await this.open(key, open));
    if (!(shared instanceof SharedStream)) return shared;
    const queue: SubscriberQueue<ExecutionResult> = new SubscriberQueue(this.queueLimit, () => shared.leave(queue));
    shared.subscribers.add(queue);
    shared.start();
    return queue;
  }

  private open(key: string, open: () => Promise<StreamSource | ExecutionResult>): Promise<SharedStream | ExecutionResult> {
    let pending = this.opening.get(key);
    if (!pending) {
      pending = open().then((source) => {
        if (!('events' in source)) return source;
        const shared: SharedStream = new SharedStream(source, () => {
          if (this.streams.get(key) === shared) this.streams.delete(key);
        });
        this.streams.set(key, shared);
        return shared;
      }).finally(() => this.opening.delete(key));
      this.opening.set(key, pending);
    }
    return pending;
  }
}
