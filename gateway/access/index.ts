import { openDatabase } from '../../shared/database';
import type { Config } from '../../shared/config';
import { buildSubgraph } from '../../shared/subgraph';
import { KeyResolver, type AccessContext } from './key-resolver';
import { CreateApiKeys1700000000001, KeyStore } from './key-store';

/**
 * API keys are the gateway's own: it authenticates every request against them, so their table
 * lives in the gateway's database and their mutations are a small subgraph the gateway always
 * executes in-process, composed into the supergraph like the others.
 */
export const buildAccessSchema = () => buildSubgraph({ resolvers: [KeyResolver] });

export async function openKeyStore(config: Pick<Config, 'dataDir' | 'databaseUrl'>) {
  const db = await openDatabase(config, { name: 'gateway', entities: [], migrations: [CreateApiKeys1700000000001] });
  return { db, keys: new KeyStore(db) };
}

export type { AccessContext };
