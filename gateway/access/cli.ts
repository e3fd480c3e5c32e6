import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../shared/config';
import { openAccessStore } from '.';
import type { ApiKey } from './key-store';

const USAGE = `Usage:
  npm run apikey -- create --name <name> --scopes <scope,scope> [--channels <code,code>] [--expires <ISO date>] [--rate-limit <requests> --rate-window <seconds>] [--registered-only]
  npm run apikey -- list
  npm run apikey -- revoke <key id>
  npm run apikey -- rotate <key id> [--overlap <seconds>]
Opens the key store DATA_DIR or DATABASE_URL points at, like the gateway.`;

const list = (value: string | undefined) => (value ? value.split(',').map((item) => item.trim()).filter(Boolean) : undefined);

function describe(key: ApiKey): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : key.expiresAt ? `expires ${key.expiresAt.toISOString()}` : 'active';
  const channels = key.channels ? key.channels.join(',') : 'all channels';
  return `${key.id}  ${key.name}  [${key.scopes.join(',')}]  ${channels}  ${state}  last used ${key.lastUsedAt?.toISOString() ?? 'never'}`;
}

/** Manages API keys from a shell, for the first partner key or when the API itself is out of reach. */
async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' }, scopes: { type: 'string' }, channels: { type: 'string' }, expires: { type: 'string' },
      'rate-limit': { type: 'string' }, 'rate-window': { type: 'string' }, 'registered-only': { type: 'boolean' }, overlap: { type: 'string' },
    },
  });
  const [command, id] = positionals;
  if (!['create', 'list', 'revoke', 'rotate'].includes(command) || ((command === 'revoke' || command === 'rotate') && !id)) throw new ConfigError(USAGE);
  const store = await openAccessStore(loadConfig());
  try {
    if (command === 'create') {
      if (!values.name || !values.scopes) throw new ConfigError(USAGE);
      const limits = { rateLimit: values['rate-limit'] ? Number(values['rate-limit']) : undefined, rateWindowSeconds: values['rate-window'] ? Number(values['rate-window']) : undefined };
      const { key, secret } = await store.keys.create({
        name: values.name, scopes: list(values.scopes)!, channels: list(values.channels) ?? null,
        expiresAt: values.expires ? new Date(values.expires) : null, limits, registeredOperationsOnly: values['registered-only'] ?? false,
      });
      process.stdout.write(`${describe(key)}\nSecret (shown once, stored only as a hash):\n  ${secret}\n`);
    } else if (command === 'rotate') {
      const { key, secret } = await store.keys.rotate(id, values.overlap ? Number(values.overlap) : 3600);
      process.stdout.write(`${describe(key)}\nNew secret (shown once; the old one works until ${key.previousSecretExpiresAt?.toISOString() ?? 'now'}):\n  ${secret}\n`);
    } else if (command === 'revoke') {
      process.stdout.write(`${describe(await store.keys.revoke(id))}\n`);
    } else {
      for (const key of await store.keys.list()) process.stdout.write(`${describe(key)}\n`);
    }
  } finally {
    await store.db.close();
  }
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
