import path from 'node:path';

export const SUBGRAPH_NAMES = ['catalog', 'inventory', 'orders', 'routing', 'sync'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** mysql://user:pass@host:port/prefix — each subgraph gets the database `<prefix>_<subgraph>`. */
  databaseUrl?: string;
  redisUrl?: string;
  adminApiKey?: string;
  /** When set, GET /metrics answers only `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** Signs the caller identity the gateway forwards to subgraphs over HTTP. */
  internalSecret?: string;
  /** Subgraph URLs for the scaled-out topology; none set means embedded. */
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  demo: boolean;
  production: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  reservationSweepMs: number;
  outboxPollMs: number;
  /** How long published events stay in each outbox; availability streams can resume within it. */
  changeRetentionHours: number;
  /** How long consumers remember which events they applied; a redelivery within it is skipped. */
  processedEventRetentionHours: number;
  /** Channel sync: how often a channel's pusher looks for due listings no event woke it for (another replica consumed the event). */
  syncPollMs: number;
  /** How often every channel connector compares the channel with stockgraph (drift); 0: only when asked. */
  syncReconcileMs: number;
  /** Redis bus: an event a consumer took and left unacknowledged this long (it died) goes to a live consumer. */
  eventClaimIdleMs: number;
  /** What any API key may ask of the gateway unless the key has its own limits. */
  limits: RequestLimits;
  /** Largest request body the gateway reads, in bytes. */
  bodyLimitBytes: number;
}

export interface RequestLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  /** Requests a key may send per `rateWindowSeconds`; 0 turns rate limiting off. */
  rateLimit: number;
  rateWindowSeconds: number;
  timeoutMs: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL: "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be 1/0 or true/false, got "${raw}"`);
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** Reads and validates every setting at start, so a bad value fails loudly before anything runs. */
export function loadConfig(env: Env = process.env): Config {
  const subgraphUrls: Config['subgraphUrls'] = {};
  for (const name of SUBGRAPH_NAMES) {
    const value = url(env, `${name.toUpperCase()}_URL`, ['http:', 'https:']);
    if (value) subgraphUrls[name] = value;
  }
  const logLevel = (env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info')) as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters');
  }
  const internalSecret = env.INTERNAL_SECRET || undefined;
  if (internalSecret !== undefined && internalSecret.length < 16) {
    throw new ConfigError('INTERNAL_SECRET must be at least 16 characters');
  }
  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl: url(env, 'DATABASE_URL', ['mysql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    adminApiKey: env.ADMIN_API_KEY || undefined,
    metricsToken,
    internalSecret,
    subgraphUrls,
    demo: flag(env, 'DEMO', true),
    production: env.NODE_ENV === 'production',
    logLevel,
    reservationSweepMs: integer(env, 'RESERVATION_SWEEP_MS', 1000, 10, 3_600_000),
    outboxPollMs: integer(env, 'OUTBOX_POLL_MS', 500, 10, 60_000),
    changeRetentionHours: integer(env, 'CHANGE_RETENTION_HOURS', 72, 1, 24 * 365),
    processedEventRetentionHours: integer(env, 'PROCESSED_EVENT_RETENTION_HOURS', 168, 1, 24 * 365),
    syncPollMs: integer(env, 'SYNC_POLL_MS', 250, 10, 60_000),
    syncReconcileMs: integer(env, 'SYNC_RECONCILE_MS', 300_000, 0, 86_400_000),
    eventClaimIdleMs: integer(env, 'EVENT_CLAIM_IDLE_MS', 15_000, 100, 3_600_000),
    limits: {
      maxDepth: integer(env, 'LIMIT_DEPTH', 12, 1, 1000),
      maxAliases: integer(env, 'LIMIT_ALIASES', 100, 0, 100_000),
      maxTokens: integer(env, 'LIMIT_TOKENS', 5000, 10, 100_000),
      maxDirectives: integer(env, 'LIMIT_DIRECTIVES', 50, 0, 100_000),
      maxCost: integer(env, 'LIMIT_COST', 5000, 1, 10_000_000),
      rateLimit: integer(env, 'RATE_LIMIT_REQUESTS', 3000, 0, 100_000_000),
      rateWindowSeconds: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', 10, 1, 86_400),
      timeoutMs: integer(env, 'EXECUTION_TIMEOUT_MS', 10_000, 10, 600_000),
    },
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
  };
}
