import type { RequestLimits } from '../../shared/config';
import { badInput } from '../../shared/errors';

/** A key's own limits; each one left out falls back to the gateway's configured default. */
export type KeyLimits = Partial<RequestLimits>;

/** What the gateway enforces for one key, beyond its scopes and channels. */
export interface KeyPolicy {
  limits: KeyLimits;
  /** The key may run only operations an admin registered (a safelist). */
  registeredOperationsOnly: boolean;
}

export const OPEN_POLICY: KeyPolicy = { limits: {}, registeredOperationsOnly: false };

const RANGES: Record<keyof RequestLimits, [number, number]> = {
  maxDepth: [1, 1000],
  maxAliases: [0, 100_000],
  maxTokens: [10, 100_000],
  maxDirectives: [0, 100_000],
  maxCost: [1, 10_000_000],
  rateLimit: [0, 100_000_000],
  rateWindowSeconds: [1, 86_400],
  timeoutMs: [10, 600_000],
};

/** Keeps the limits that are set, refusing a value out of range with BAD_USER_INPUT. */
export function checkLimits(limits: Record<string, number | null | undefined> | null | undefined): KeyLimits {
  const checked: KeyLimits = {};
  for (const [name, value] of Object.entries(limits ?? {})) {
    if (value === null || value === undefined) continue;
    const range = RANGES[name as keyof RequestLimits];
    if (!range) throw badInput(`Unknown limit ${name}`, { field: `limits.${name}` });
    if (!Number.isInteger(value) || value < range[0] || value > range[1]) {
      throw badInput(`limits.${name} must be an integer from ${range[0]} to ${range[1]}, got ${value}`, { field: `limits.${name}` });
    }
    checked[name as keyof RequestLimits] = value;
  }
  return checked;
}

export const effectiveLimits = (defaults: RequestLimits, own: KeyLimits | undefined): RequestLimits => ({ ...defaults, ...own });
