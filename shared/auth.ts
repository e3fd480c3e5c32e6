import crypto from 'node:crypto';
import type { AuthChecker } from 'type-graphql';
import { DomainError } from './errors';

export const SCOPES = [
  'admin',
  'catalog:write',
  'inventory:write',
  'availability:read',
  'reservations:write',
  'orders:read',
  'orders:write',
  'routing:read',
  'alerts:read',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling, as the gateway established it from the API key. */
export interface Identity {
  keyId: string;
  name: string;
  scopes: string[];
  /** Channels the key is bound to; null when it is not channel-bound. */
  channels: string[] | null;
}

export function hasScope(identity: Identity | null | undefined, scope: string): boolean {
  if (!identity) return false;
  return identity.scopes.includes('admin') || identity.scopes.includes(scope);
}

export function canSeeChannel(identity: Identity | null | undefined, channel: string): boolean {
  if (!identity) return false;
  return identity.channels === null || identity.channels.includes(channel);
}

/** Refuses, with FORBIDDEN, a channel the key is not bound to. */
export function assertChannel(identity: Identity | null | undefined, channel: string): void {
  if (!canSeeChannel(identity, channel)) {
    throw new DomainError('FORBIDDEN', `This API key may not use channel "${channel}"`, { channel });
  }
}

export interface IdentityCarrier {
  identity: Identity | null;
}

/** type-graphql's `@Authorized(scope)`: admin passes everywhere, others need one of the scopes. */
export const scopeChecker: AuthChecker<IdentityCarrier> = ({ context }, scopes) => {
  if (!context.identity) throw new DomainError('UNAUTHENTICATED', 'An API key is required');
  if (scopes.length === 0 || scopes.some((scope) => hasScope(context.identity, scope))) return true;
  throw new DomainError('FORBIDDEN', `This API key lacks the scope ${scopes.join(' or ')}`, { scopes });
};

export const IDENTITY_HEADER = 'x-stock-identity';
export const SIGNATURE_HEADER = 'x-stock-identity-signature';
const IDENTITY_TTL_MS = 5 * 60_000;

function sign(payload: string, secret: string): string {
  return crypto.createHmac('sha256', secret).update(payload).digest('base64url');
}

/** The headers the gateway adds to each subgraph call, so a subgraph can trust who is calling. */
export function identityHeaders(identity: Identity | null, secret: string): Record<string, string> {
  const payload = Buffer.from(JSON.stringify({ identity, exp: Date.now() + IDENTITY_TTL_MS })).toString('base64url');
  return { [IDENTITY_HEADER]: payload, [SIGNATURE_HEADER]: sign(payload, secret) };
}

/** The forwarded identity, or undefined when the headers are missing, forged or stale. */
export function verifyIdentityHeaders(
  headers: Record<string, string | string[] | undefined>,
  secret: string,
): Identity | null | undefined {
  const payload = headers[IDENTITY_HEADER];
  const signature = headers[SIGNATURE_HEADER];
  if (typeof payload !== 'string' || typeof signature !== 'string') return undefined;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { identity: Identity | null; exp: number };
    if (typeof decoded.exp !== 'number' || decoded.exp < Date.now()) return undefined;
    return decoded.identity;
  } catch {
    return undefined;
  }
}
