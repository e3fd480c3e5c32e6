import { openDatabase } from '../../shared/database';
import type { Config } from '../../shared/config';
import { buildSubgraph } from '../../shared/subgraph';
import { AuditResolver } from './audit-resolver';
import { AuditStore } from './audit-store';
import { KeyResolver, type AccessContext } from './key-resolver';
import { KeyStore } from './key-store';
import { accessMigrations } from './migrations';
import { OperationStore } from './operation-store';

/**
 * API keys are the gateway's own: it authenticates every request against them, so their table
 * lives in the gateway's database and their mutations are a small subgraph the gateway always
 * executes in-process, composed into the supergraph like the others. The audit log and the
 * registered operations live beside them.
 */
export const buildAccessSchema = () => buildSubgraph({ resolvers: [KeyResolver, AuditResolver] });

export async function openAccessStore(config: Pick<Config, 'dataDir' | 'databaseUrl'>) {
  const db = await openDatabase(config, { name: 'gateway', entities: [], migrations: accessMigrations });
  return { db, keys: new KeyStore(db), audit: new AuditStore(db), operations: new OperationStore(db) };
}

export type AccessStore = Awaited<ReturnType<typeof openAccessStore>>;
export type { AccessContext };
