import crypto from 'node:crypto';
import { GraphQLError } from 'graphql';
import { OPEN_POLICY } from './access/key-policy';
import type { Caller, KeyStore } from './access/key-store';

const ADMIN_FROM_ENV: Caller = { identity: { keyId: 'env:ADMIN_API_KEY', name: 'ADMIN_API_KEY', scopes: ['admin'], channels: null }, ...OPEN_POLICY };

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Turns an `x-api-key` (or `connectionParams.apiKey`) into a caller, or refuses it. */
export class Authenticator {
  private readonly adminKey: Buffer | null;

  constructor(private readonly keys: KeyStore, adminApiKey: string | undefined) {
    this.adminKey = adminApiKey ? crypto.createHash('sha256').update(adminApiKey).digest() : null;
  }

  async identify(secret: unknown): Promise<Caller> {
    if (typeof secret !== 'string' || secret === '') throw unauthenticated('An API key is required: send it in the x-api-key header');
    if (this.adminKey) {
      const given = crypto.createHash('sha256').update(secret).digest();
      if (crypto.timingSafeEqual(given, this.adminKey)) return ADMIN_FROM_ENV;
    }
    const caller = await this.keys.authenticate(secret);
    if (!caller) throw unauthenticated('The API key is unknown, revoked or expired');
    return caller;
  }
}
