import type { Request, Response } from 'express';

/** How a fake channel can misbehave on demand. */
export type FaultMode = 'status500' | 'status429' | 'timeout' | 'drop';

interface Fault {
  mode: FaultMode;
  /** Until when (ms) the fault lasts, or for how many requests. */
  until: number | null;
  remaining: number | null;
  retryAfterSeconds: number;
}

/** A held request ('timeout') is answered by closing its socket after this long at most, so tests never leave one hanging. */
const HOLD_MS = 30_000;

/**
 * Faults injected into a fake channel: a status, a request that never answers, or a dropped
 * connection, for a time or a number of requests. Counts what it injected, so a test can tell
 * injected 429s from ones the fake's own rate limit gave.
 */
export class Faults {
  private fault: Fault | null = null;
  private readonly held = new Set<Response>();
  injected = 0;

  inject(mode: FaultMode, options: { forMs?: number; times?: number; retryAfterSeconds?: number } = {}): void {
    this.fault = {
      mode,
      until: options.forMs === undefined ? null : Date.now() + options.forMs,
      remaining: options.times ?? null,
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
    };
  }

  clear(): void {
    this.fault = null;
    this.releaseHeld();
  }

  /** Answers the request with the active fault, if any; returns whether it did. */
  apply(req: Request, res: Response): boolean {
    const fault = this.fault;
    if (!fault) return false;
    if (fault.until !== null && Date.now() >= fault.until) { this.fault = null; return false; }
    if (fault.remaining !== null) {
      if (fault.remaining <= 0) { this.fault = null; return false; }
      fault.remaining--;
    }
    this.injected++;
    switch (fault.mode) {
      case 'status500':
        res.status(500).json({ errors: [{ code: 'InternalFailure', message: 'We encountered an internal error. Please try again.' }] });
        break;
      case 'status429':
        res.status(429).set('retry-after', String(fault.retryAfterSeconds)).json({ errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] });
        break;
      case 'drop':
        req.socket.destroy();
        break;
      case 'timeout': {
        this.held.add(res);
        const timer = setTimeout(() => { this.held.delete(res); res.socket?.destroy(); }, HOLD_MS);
        timer.unref();
        res.on('close', () => { clearTimeout(timer); this.held.delete(res); });
        break;
      }
    }
    return true;
  }

  releaseHeld(): void {
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
  }
}

/** The fake channels' token bucket, counted as the channel counts: a request over the limit is refused. */
export class ServerBucket {
  private tokens: number;
  private at = Date.now();

  constructor(private readonly perSecond: number, private readonly burst: number) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perSecond) / 1000);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Seconds until a token is back, for Retry-After. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond));
  }
}

/** Every value a fake channel accepted for each listing, with when: how a test follows what the channel showed. */
export class AcceptedLog {
  private readonly log = new Map<string, { quantity: number; at: number }[]>();
  count = 0;

  record(listing: string, quantity: number, at = Date.now()): void {
    if (!this.log.has(listing)) this.log.set(listing, []);
    this.log.get(listing)!.push({ quantity, at });
    this.count++;
  }

  of(listing: string): { quantity: number; at: number }[] {
    return this.log.get(listing) ?? [];
  }

  all(): Record<string, { quantity: number; at: number }[]> {
    return Object.fromEntries(this.log);
  }
}
