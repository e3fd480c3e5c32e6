import crypto from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Identity } from '../shared/auth';
import type { KeyStore } from './access/key-store';

const ADMIN_FROM_ENV: Identity = { keyId: 'env:ADMIN_API_KEY', name: 'ADMIN_API_KEY', scopes: ['admin'], channels: null };

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Turns an `x-api-key` (or `connectionParams.apiKey`) into an identity, or refuses it. */
export class Authenticator {
  private readonly adminKey: Buffer | null;

  constructor(private readonly keys: KeyStore, adminApiKey: string | undefined) {
    this.adminKey = adminApiKey ? crypto.createHash('sha256').update(adminApiKey).digest() : null;
  }

  async identify(secret: unknown): Promise<Identity> {
    if (typeof secret !== 'string' || secret === '') throw unauthenticated('An API key is required: send it in the x-api-key header');
    if (this.adminKey) {
      const given = crypto.createHash('sha256').update(secret).digest();
      if (crypto.timingSafeEqual(given, this.adminKey)) return ADMIN_FROM_ENV;
    }
    const identity = await this.keys.authenticate(secret);
    if (!identity) throw unauthenticated('The API key is unknown, revoked or expired');
    return identity;
  }
}
