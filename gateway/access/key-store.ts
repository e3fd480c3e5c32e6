import crypto from 'node:crypto';
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { SCOPES, type Identity } from '../../shared/auth';
import type { Database } from '../../shared/database';
import { badInput, notFound } from '../../shared/errors';

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
}

export interface CreateKeyInput {
  name: string;
  scopes: string[];
  channels?: string[] | null;
  expiresAt?: Date | null;
}

const PREFIX = 'sk';
const hash = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex');

function toKey(row: Record<string, any>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scopes: JSON.parse(row.scopes),
    channels: row.channels ? JSON.parse(row.channels) : null,
    createdAt: new Date(row.created_at),
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
  };
}

/**
 * API keys. A secret is `sk_<key id>_<256 random bits>`; only its SHA-256 is stored (the
 * secret is high-entropy, so a slow hash adds nothing), looked up by id and compared in
 * constant time.
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
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw badInput('expiresAt must be in the future', { field: 'expiresAt' });
    const id = crypto.randomUUID();
    const secret = `${PREFIX}_${id.replace(/-/g, '')}_${crypto.randomBytes(32).toString('base64url')}`;
    const now = new Date();
    await this.db.transaction((em) =>
      em.query('INSERT INTO api_key (id, name, secret_hash, scopes, channels, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        id, input.name, hash(secret), JSON.stringify([...new Set(input.scopes)]), input.channels ? JSON.stringify(input.channels) : null,
        now.toISOString(), input.expiresAt ? input.expiresAt.toISOString() : null,
      ]),
    );
    return { key: (await this.get(id))!, secret };
  }

  async revoke(id: string): Promise<ApiKey> {
    const key = await this.get(id);
    if (!key) throw notFound(`No API key ${id}`, { id });
    if (!key.revokedAt) {
      await this.db.transaction((em) => em.query('UPDATE api_key SET revoked_at = ? WHERE id = ?', [new Date().toISOString(), id]));
    }
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

  /** The identity behind a secret, or null when it is unknown, revoked or expired. */
  async authenticate(secret: string): Promise<Identity | null> {
    const match = /^sk_([0-9a-f]{32})_[A-Za-z0-9_-]{43}$/.exec(secret);
    if (!match) return null;
    const hex = match[1];
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const rows = await this.db.query('SELECT * FROM api_key WHERE id = ?', [id]);
    const row = rows[0];
    if (!row) return null;
    const given = Buffer.from(hash(secret), 'hex');
    const stored = Buffer.from(row.secret_hash, 'hex');
    if (given.length !== stored.length || !crypto.timingSafeEqual(given, stored)) return null;
    const key = toKey(row);
    const now = Date.now();
    if (key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) return null;
    this.touch(id, now);
    return { keyId: key.id, name: key.name, scopes: key.scopes, channels: key.channels };
  }

  /** Records last use at most once a minute per key, off the request's path. */
  private touch(id: string, now: number): void {
    if (now - (this.lastUsedWrites.get(id) ?? 0) < 60_000) return;
    this.lastUsedWrites.set(id, now);
    void this.db.transaction((em) => em.query('UPDATE api_key SET last_used_at = ? WHERE id = ?', [new Date(now).toISOString(), id])).catch(() => undefined);
  }
}
