import fs from 'node:fs';
import path from 'node:path';
import type { KeyStore } from './access/key-store';

export const ADMIN_KEY_FILE = 'admin-key';

/**
 * Without ADMIN_API_KEY, the first start creates an admin key, writes it to DATA_DIR/admin-key
 * (readable by its owner only) and returns it so it can be printed once. Later starts find
 * the key in the store and create nothing.
 */
export async function ensureAdminKey(keys: KeyStore, dataDir: string, adminApiKey: string | undefined): Promise<string | null> {
  if (adminApiKey || (await keys.hasAdminKey())) return null;
  const { secret } = await keys.create({ name: 'admin', scopes: ['admin'] });
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, ADMIN_KEY_FILE), `${secret}\n`, { mode: 0o600 });
  return secret;
}
