import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export const ADMIN_KEY = 'test-admin-key';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
}

/** POSTs one operation to the gateway the way a storefront would. */
export async function gql<T = any>(url: string, query: string, variables: Record<string, unknown> = {}, apiKey: string | null = ADMIN_KEY): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey !== null) headers['x-api-key'] = apiKey;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as GraphQLResponse<T>;
  return { ...body, status: response.status };
}

/** Like gql, but fails the test on any error and returns data. */
export async function gqlOk<T = any>(url: string, query: string, variables: Record<string, unknown> = {}, apiKey: string = ADMIN_KEY): Promise<T> {
  const result = await gql<T>(url, query, variables, apiKey);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data as T;
}

export const codeOf = (result: GraphQLResponse) => result.errors?.[0]?.extensions?.code;

/** A graphql-ws client on the gateway's own URL. */
export function wsClient(httpUrl: string, apiKey: string = ADMIN_KEY): Client {
  return createClient({ url: httpUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { apiKey }, retryAttempts: 0, lazy: true });
}

/**
 * Collects events of one subscription until `count` arrived (or the timeout passes). `ready`
 * resolves once `readyAfter` events came (use a `snapshot: true` subscription, whose first
 * events prove it is live), or, with 0, after a short pause.
 */
export function collect<T = any>(client: Client, query: string, variables: Record<string, unknown>, count: number, timeoutMs = 10_000, readyAfter = 0): { done: Promise<T[]>; received: T[]; ready: Promise<void>; stop: () => void } {
  const received: T[] = [];
  let stop = () => undefined as void;
  let readyResolve!: () => void;
  const ready = new Promise<void>((resolve) => { readyResolve = resolve; });
  const done = new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`timed out with ${received.length}/${count} events: ${JSON.stringify(received)}`)); }, timeoutMs);
    stop = client.subscribe<T>({ query, variables }, {
      next: (value) => {
        if (value.errors) { clearTimeout(timer); reject(new Error(JSON.stringify(value.errors))); return; }
        received.push(value.data as T);
        if (readyAfter > 0 && received.length === readyAfter) readyResolve();
        if (received.length >= count) { clearTimeout(timer); stop(); resolve(received); }
      },
      error: (error) => { clearTimeout(timer); reject(error instanceof Error ? error : new Error(JSON.stringify(error))); },
      complete: () => { clearTimeout(timer); resolve(received); },
    });
    if (readyAfter === 0) setTimeout(readyResolve, 300);
  });
  done.catch(() => readyResolve());
  return { done, received, ready, stop: () => stop() };
}
