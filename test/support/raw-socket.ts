import WebSocket from 'ws';
import { ADMIN_KEY } from './client';

export interface RawSubscriber {
  /** Stops reading from the socket: the gateway sees a slow consumer. */
  pause(): void;
  /** Reads again until `done` holds for the latest value per SKU; returns how many events came. */
  resumeUntil(done: (values: Map<string, number>, lastCursor: string | null) => boolean, timeoutMs?: number): Promise<{ received: number; values: Map<string, number>; lastCursor: string | null }>;
  closed(): Promise<{ code: number; reason: string }>;
  close(): void;
}

/** A bare graphql-transport-ws client whose reading can be paused, to play a slow storefront. */
export async function createEmbeddedClient(httpUrl: string, query: string, apiKey = ADMIN_KEY): Promise<RawSubscriber> {
  const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const values = new Map<string, number>();
  let received = 0;
  let lastCursor: string | null = null;
  let check: (() => void) | null = null;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  socket.on('message', (raw) => {
    const message = JSON.parse(raw.toString());
    if (message.type !== 'next') return;
    const change = message.payload.data?.availabilityChanged;
    if (!change) return;
    received++;
    if (change.sku) values.set(change.sku.code, change.available);
    if (change.cursor) lastCursor = change.cursor;
    check?.();
  });
  await new Promise((resolve) => socket.on('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { apiKey } }));
  await new Promise((resolve) => socket.once('message', resolve));
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    pause: () => (socket as unknown as { _socket: { pause(): void } })._socket.pause(),
    resumeUntil: (done, timeoutMs = 15_000) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not converged after ${received} events: ${JSON.stringify([...values])}`)), timeoutMs);
      check = () => {
        if (done(values, lastCursor)) {
          clearTimeout(timer);
          check = null;
          resolve({ received, values, lastCursor });
        }
      };
      (socket as unknown as { _socket: { resume(): void } })._socket.resume();
      check();
    }),
    closed: () => closed,
    close: () => socket.close(),
  };
}
