import crypto from 'node:crypto';
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { SCOPES, type Identity } from '../../shared/auth';
import type { Database } from '../../shared/database';
import { badInput, notFound } from '../../shared/errors';
import { checkLimits, type KeyLimits, type KeyPolicy } from './key-policy';

export class CreateApiKeys1700000000001 implements MigrationInterface {
  name = 'CreateApiKeys1700000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'api_key',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'name', type: 'varchar', length: '200' },
        { name: 'secret_hash', type: 'varchar', length: '64' },
        { name: 'scopes', type: 'varchar', length: '1000' },
        { name: 'channels', type: 'text', isNullable: true },
        { name: 'created_at', type: 'varchar', length: '30' },
        { name: 'expires_at', type: 'varchar', length: '30', isNullable: true },
        { name: 'revoked_at', type: 'varchar', length: '30', isNullable: true },
        { name: 'last_used_at', type: 'varchar', length: '30', isNullable: true },
      ],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('api_key');
  }
}

export interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  channels: string[] | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  rotatedAt: Date | null;
  /** Until then the secret replaced by the last rotation still works. */
  previousSecretExpiresAt: Date | null;
  limits: KeyLimits;
  registeredOperationsOnly: boolean;
}

export interface CreateKeyInput {
  name: string;
  scopes: string[];
  channels?: string[] | null;
  expiresAt?: Date | null;
  limits?: Record<string, number | null | undefined> | null;
  registeredOperationsOnly?: boolean | null;
}

export interface UpdateKeyInput {
  limits?: Record<string, number | null | undefined> | null;
  registeredOperationsOnly?: boolean | null;
}

/** A key that authenticated: who it is, and what the gateway holds it to. */
export interface Caller extends KeyPolicy {
  identity: Identity;
}

const PREFIX = 'sk';
const MAX_OVERLAP_SECONDS = 7 * 86_400;
const hash = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex');
const newSecret = (id: string) => `${PREFIX}_${id.replace(/-/g, '')}_${crypto.randomBytes(32).toString('base64url')}`;
const date = (value: string | null) => (value ? new Date(value) : null);

function toKey(row: Record<string, any>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes),
    channels: row.channels ? JSON.parse(row.channels) : null,
    createdAt: new Date(row.created_at),
    expiresAt: date(row.expires_at),
    revokedAt: date(row.revoked_at),
    lastUsedAt: date(row.last_used_at),
    rotatedAt: date(row.rotated_at),
    previousSecretExpiresAt: row.previous_secret_hash ? date(row.previous_expires_at) : null,
    limits: row.limits ? JSON.parse(row.limits) : {},
    registeredOperationsOnly: Number(row.registered_only) === 1,
  };
}

/** Constant-time comparison of a given secret's hash with a stored one. */
function matches(givenHash: Buffer, storedHex: string | null): boolean {
  if (!storedHex) return false;
  const stored = Buffer.from(storedHex, 'hex');
  return stored.length === givenHash.length && crypto.timingSafeEqual(givenHash, stored);
}

/**
 * API keys. A secret is `sk_<key id>_<256 random bits>`; only its SHA-256 is stored (the
 * secret is high-entropy, so a slow hash adds nothing), looked up by id and compared in
 * constant time. Rotation keeps the replaced secret's hash until its overlap window ends.
 */
export class KeyStore {
  private lastUsedWrites = new Map<string, number>();

  constructor(private readonly db: Database) {}

  async create(input: CreateKeyInput): Promise<{ key: ApiKey; secret: string }> {
    if (input.name.trim() === '' || input.name.length > 200) throw badInput('name must be 1 to 200 characters', { field: 'name' });
    if (input.scopes.length === 0) throw badInput('a key needs at least one scope', { field: 'scopes' });
    const unknown = input.scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
    if (unknown.length) throw badInput(`Unknown scope ${unknown.join(', ')}; known scopes: ${SCOPES.join(', ')}`, { scopes: unknown });
    if (input.channels && input.channels.length === 0) throw badInput('channels, when given, must name at least one channel', { field: 'channels' });
    if (input.channels?.some((channel) => channel.trim() === '' || channel.length > 100)) throw badInput('a channel code must be 1 to 100 characters', { field: 'channels' });
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw badInput('expiresAt must be in the future', { field: 'expiresAt' });
    const limits = checkLimits(input.limits);
    const id = crypto.randomUUID();
    const secret = newSecret(id);
    const now = new Date();
    await this.db.transaction((em) =>
      em.query('INSERT INTO api_key (id, name, secret_hash, scopes, channels, created_at, expires_at, limits, registered_only) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        id, input.name, hash(secret), JSON.stringify([...new Set(input.scopes)]), input.channels ? JSON.stringify([...new Set(input.channels)]) : null,
        now.toISOString(), input.expiresAt ? input.expiresAt.toISOString() : null, JSON.stringify(limits), input.registeredOperationsOnly ? 1 : 0,
      ]),
    );
    return { key: (await this.get(id))!, secret };
  }

  async revoke(id: string): Promise<ApiKey> {
    const key = await this.existing(id);
    if (!key.revokedAt) {
      await this.db.transaction((em) => em.query('UPDATE api_key SET revoked_at = ? WHERE id = ?', [new Date().toISOString(), id]));
    }
    return (await this.get(id))!;
  }

  /**
   * Gives the key a new secret. The one it replaces keeps working for `overlapSeconds`, so
   * callers can be moved to the new one without a gap; a secret replaced earlier stops at once.
   */
  async rotate(id: string, overlapSeconds: number): Promise<{ key: ApiKey; secret: string }> {
    if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_OVERLAP_SECONDS) {
      throw badInput(`overlapSeconds must be an integer from 0 to ${MAX_OVERLAP_SECONDS}, got ${overlapSeconds}`, { field: 'overlapSeconds' });
    }
    const key = await this.existing(id);
    if (key.revokedAt) throw badInput(`API key ${id} is revoked; create a new one instead`, { id });
    const secret = newSecret(id);
    const now = Date.now();
    await this.db.transaction((em) =>
      em.query('UPDATE api_key SET previous_secret_hash = secret_hash, previous_expires_at = ?, secret_hash = ?, rotated_at = ? WHERE id = ?', [
        new Date(now + overlapSeconds * 1000).toISOString(), hash(secret), new Date(now).toISOString(), id,
      ]),
    );
    return { key: (await this.get(id))!, secret };
  }

  async update(id: string, input: UpdateKeyInput): Promise<ApiKey> {
    const key = await this.existing(id);
    const limits = input.limits === undefined ? key.limits : checkLimits(input.limits);
    const registeredOnly = input.registeredOperationsOnly ?? key.registeredOperationsOnly;
    await this.db.transaction((em) =>
      em.query('UPDATE api_key SET limits = ?, registered_only = ? WHERE id = ?', [JSON.stringify(limits), registeredOnly ? 1 : 0, id]),
    );
    return (await this.get(id))!;
  }

  async get(id: string): Promise<ApiKey | null> {
    const rows = await this.db.query('SELECT * FROM api_key WHERE id = ?', [id]);
    return rows[0] ? toKey(rows[0]) : null;
  }

  async list(): Promise<ApiKey[]> {
    return (await this.db.query('SELECT * FROM api_key ORDER BY created_at, id')).map(toKey);
  }

  async hasAdminKey(): Promise<boolean> {
    const keys = await this.list();
    return keys.some((key) => key.scopes.includes('admin') && !key.revokedAt);
  }

  /** The caller behind a secret, or null when it is unknown, revoked, expired or rotated out. */
  async authenticate(secret: string): Promise<Caller | null> {
    const match = /^sk_([0-9a-f]{32})_[A-Za-z0-9_-]{43}$/.exec(secret);
    if (!match) return null;
    const hex = match[1];
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const rows = await this.db.query('SELECT * FROM api_key WHERE id = ?', [id]);
    const row = rows[0];
    if (!row) return null;
    const now = Date.now();
    const given = Buffer.from(hash(secret), 'hex');
    const current = matches(given, row.secret_hash);
    const previous = matches(given, row.previous_secret_hash) && row.previous_expires_at && new Date(row.previous_expires_at).getTime() > now;
    if (!current && !previous) return null;
    const key = toKey(row);
    if (key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) return null;
    this.touch(id, now);
    return {
      identity: { keyId: key.id, name: key.name, scopes: key.scopes, channels: key.channels },
      limits: key.limits,
      registeredOperationsOnly: key.registeredOperationsOnly,
    };
  }

  private async existing(id: string): Promise<ApiKey> {
    const key = await this.get(id);
    if (!key) throw notFound(`No API key ${id}`, { id });
    return key;
  }

  /** Records last use at most once a minute per key, off the request's path. */
  private touch(id: string, now: number): void {
    if (now - (this.lastUsedWrites.get(id) ?? 0) < 60_000) return;
    this.lastUsedWrites.set(id, now);
    void this.db.transaction((em) => em.query('UPDATE api_key SET last_used_at = ? WHERE id = ?', [new Date(now).toISOString(), id])).catch(() => undefined);
  }
}
