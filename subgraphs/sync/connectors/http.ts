import { ChannelError } from './connector';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * One HTTP request to a channel with a deadline. No answer (refused, dropped, timed out) and
 * 5xx are `unreachable`; 429 is `throttled`, honouring Retry-After. Other statuses are handed
 * back for the adapter to read, since what a 4xx means depends on the API.
 */
export async function request(url: string, init: { method: string; headers: Record<string, string>; body?: unknown; timeoutMs: number }): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: init.body === undefined ? init.headers : { 'content-type': 'application/json', ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
  } catch (error) {
    const name = (error as Error).name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    const reason = timedOut ? `no answer within ${init.timeoutMs} ms` : `connection failed (${causeOf(error)})`;
    throw new ChannelError('unreachable', `${init.method} ${new URL(url).pathname}: ${reason}`, null, timedOut);
  }
  const text = await response.text().catch(() => '');
  if (response.status === 429) {
    throw new ChannelError('throttled', `${init.method} ${new URL(url).pathname}: HTTP 429`, retryAfterMs(response.headers));
  }
  if (response.status >= 500) {
    throw new ChannelError('unreachable', `${init.method} ${new URL(url).pathname}: HTTP ${response.status} ${text.slice(0, 200)}`.trim());
  }
  let body: any = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  return { status: response.status, headers: response.headers, body };
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? String((error as Error).message ?? error);
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfterMs(headers: Headers): number | null {
  const value = headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
