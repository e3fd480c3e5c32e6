import type { BackoffPolicy } from './backoff';
import type { RateLimit } from './token-bucket';

export const CONNECTOR_KINDS = ['SHOPIFY', 'AMAZON'] as const;
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number];

/**
 * What to do while a channel is DOWN. PAUSE_CHANNEL: inventory pauses it (its own checkout via
 * `reserve` sells nothing; a webstore that reserves stops selling). BUFFER_OTHER_CHANNELS: the
 * other channels are shown `bufferUnits` fewer of every SKU, the margin the unreachable
 * channel's stale figures may still sell.
 */
export const OUTAGE_FALLBACKS = ['NONE', 'PAUSE_CHANNEL', 'BUFFER_OTHER_CHANNELS'] as const;
export type OutageFallback = (typeof OUTAGE_FALLBACKS)[number];

export interface ShopifySettings {
  /** `gid://shopify/Location/…` whose `available` quantity the listings' stock is written to. */
  locationId: string;
  apiVersion: string;
  /** Ship-to country for an order webhook without any address (digital goods). */
  defaultCountry: string;
}

export interface AmazonSettings {
  sellerId: string;
  marketplaceId: string;
  productType: string;
  fulfillmentChannelCode: string;
}

/**
 * Secrets are stored as given; a value written `env:NAME` is read from the environment of the
 * process that uses it, so a real token need never be stored in the database.
 */
export interface Credentials {
  accessToken?: string;
  webhookSecret?: string;
  lwaClientId?: string;
  lwaClientSecret?: string;
  lwaRefreshToken?: string;
  lwaTokenUrl?: string;
}

export interface ConnectorSettings {
  channel: string;
  kind: ConnectorKind;
  baseUrl: string;
  enabled: boolean;
  credentials: Credentials;
  shopify: ShopifySettings | null;
  amazon: AmazonSettings | null;
  /** AMAZON: requests per second and burst. SHOPIFY: the cost bucket (restore points per second, bucket size), corrected by every response. */
  rateLimit: RateLimit;
  /** Listings per push request (Shopify's inventorySetQuantities takes up to 250; Amazon's PATCH one). */
  batchSize: number;
  /** Requests in flight at once. */
  concurrency: number;
  timeoutMs: number;
  retry: BackoffPolicy & { maxAttempts: number };
  outage: { limitMs: number; fallback: OutageFallback; bufferUnits: number };
  drift: { threshold: number; correct: boolean };
  /** How often a listing parked by a refusal (not an outage) is tried again. */
  parkRetryMs: number;
}

/** Settings as a caller gives them: any field may be left out (or null) for its default. */
type Loose<T> = { [K in keyof T]?: T[K] | null };

export type SettingsInput = Pick<ConnectorSettings, 'channel' | 'kind' | 'baseUrl'> & {
  credentials?: Loose<Credentials> | null;
  enabled?: boolean | null;
  shopify?: Loose<ShopifySettings> | null;
  amazon?: Loose<AmazonSettings> | null;
  rateLimit?: Loose<RateLimit> | null;
  batchSize?: number | null;
  concurrency?: number | null;
  timeoutMs?: number | null;
  retry?: Loose<ConnectorSettings['retry']> | null;
  outage?: Loose<ConnectorSettings['outage']> | null;
  drift?: Loose<ConnectorSettings['drift']> | null;
  parkRetryMs?: number | null;
};

const KIND_DEFAULTS: Record<ConnectorKind, Pick<ConnectorSettings, 'rateLimit' | 'batchSize' | 'concurrency'>> = {
  // Shopify's Admin GraphQL bucket on a standard plan: 1000 points, 50 restored per second.
  SHOPIFY: { rateLimit: { perSecond: 50, burst: 1000 }, batchSize: 100, concurrency: 4 },
  // SP-API Listings Items: 5 requests per second, bursts of 10.
  AMAZON: { rateLimit: { perSecond: 5, burst: 10 }, batchSize: 1, concurrency: 4 },
};

/** The fields actually given: null and undefined dropped, so a default shows through. */
const defined = <T extends object>(value: Loose<T> | null | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;

/** The input with every omitted setting at its default for the kind of channel. */
export function withDefaults(input: SettingsInput): ConnectorSettings {
  const kind = KIND_DEFAULTS[input.kind];
  return {
    channel: input.channel,
    kind: input.kind,
    baseUrl: input.baseUrl.replace(/\/+$/, ''),
    enabled: input.enabled ?? true,
    credentials: defined<Credentials>(input.credentials),
    shopify: input.kind === 'SHOPIFY' ? { locationId: '', apiVersion: '2025-01', defaultCountry: 'US', ...defined<ShopifySettings>(input.shopify) } : null,
    amazon: input.kind === 'AMAZON' ? { sellerId: '', marketplaceId: 'ATVPDKIKX0DER', productType: 'PRODUCT', fulfillmentChannelCode: 'DEFAULT', ...defined<AmazonSettings>(input.amazon) } : null,
    rateLimit: { ...kind.rateLimit, ...defined<RateLimit>(input.rateLimit) },
    batchSize: input.batchSize ?? kind.batchSize,
    concurrency: input.concurrency ?? kind.concurrency,
    timeoutMs: input.timeoutMs ?? 10_000,
    retry: { baseMs: 500, maxMs: 60_000, maxAttempts: 8, ...defined<ConnectorSettings['retry']>(input.retry) },
    outage: { limitMs: 60_000, fallback: 'NONE', bufferUnits: 0, ...defined<ConnectorSettings['outage']>(input.outage) },
    drift: { threshold: 0, correct: false, ...defined<ConnectorSettings['drift']>(input.drift) },
    parkRetryMs: input.parkRetryMs ?? 300_000,
  };
}

const between = (problems: string[], field: string, value: number, min: number, max: number, integer = true) => {
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    problems.push(`${field} must be ${integer ? 'a whole number ' : ''}from ${min} to ${max}, got ${value}`);
  }
};

/** Every problem with the settings, so one answer names them all. */
export function settingsProblems(settings: ConnectorSettings): string[] {
  const problems: string[] = [];
  if (!settings.channel || settings.channel.length > 100) problems.push('channel must be 1 to 100 characters');
  let url: URL | null = null;
  try { url = new URL(settings.baseUrl); } catch { problems.push(`baseUrl is not a URL: "${settings.baseUrl}"`); }
  if (url && !['http:', 'https:'].includes(url.protocol)) problems.push('baseUrl must use http: or https:');
  if (settings.baseUrl.length > 500) problems.push('baseUrl must be at most 500 characters');
  const { credentials } = settings;
  if (settings.kind === 'SHOPIFY') {
    if (!settings.shopify?.locationId) problems.push('shopify.locationId is required for a SHOPIFY connector');
    if (!/^\d{4}-\d{2}$|^unstable$/.test(settings.shopify?.apiVersion ?? '')) problems.push('shopify.apiVersion must look like 2025-01');
    if (!/^[A-Z]{2}$/.test(settings.shopify?.defaultCountry ?? '')) problems.push('shopify.defaultCountry must be an ISO 3166-1 alpha-2 code');
    if (!credentials.accessToken) problems.push('accessToken is required for a SHOPIFY connector');
    between(problems, 'batchSize', settings.batchSize, 1, 250);
  } else {
    if (!settings.amazon?.sellerId) problems.push('amazon.sellerId is required for an AMAZON connector');
    if (!settings.amazon?.marketplaceId) problems.push('amazon.marketplaceId is required for an AMAZON connector');
    const lwa = [credentials.lwaClientId, credentials.lwaClientSecret, credentials.lwaRefreshToken];
    if (!credentials.accessToken && lwa.some((value) => !value)) problems.push('an AMAZON connector needs accessToken, or lwaClientId, lwaClientSecret and lwaRefreshToken');
    between(problems, 'batchSize', settings.batchSize, 1, 1);
  }
  between(problems, 'rateLimit.perSecond', settings.rateLimit.perSecond, 0.01, 100_000, false);
  between(problems, 'rateLimit.burst', settings.rateLimit.burst, 1, 1_000_000);
  between(problems, 'concurrency', settings.concurrency, 1, 64);
  between(problems, 'timeoutMs', settings.timeoutMs, 10, 300_000);
  between(problems, 'retry.baseMs', settings.retry.baseMs, 1, 3_600_000);
  between(problems, 'retry.maxMs', settings.retry.maxMs, settings.retry.baseMs, 86_400_000);
  between(problems, 'retry.maxAttempts', settings.retry.maxAttempts, 1, 1000);
  between(problems, 'outage.limitMs', settings.outage.limitMs, 10, 86_400_000);
  between(problems, 'outage.bufferUnits', settings.outage.bufferUnits, 0, 1_000_000);
  if (!OUTAGE_FALLBACKS.includes(settings.outage.fallback)) problems.push(`unknown outage fallback ${settings.outage.fallback}`);
  between(problems, 'drift.threshold', settings.drift.threshold, 0, 1_000_000);
  between(problems, 'parkRetryMs', settings.parkRetryMs, 10, 86_400_000);
  return problems;
}

/** A credential's value: itself, or for `env:NAME` the variable NAME of this process. */
export function resolveSecret(value: string | undefined, env: Record<string, string | undefined> = process.env): string | undefined {
  if (value === undefined || !value.startsWith('env:')) return value;
  return env[value.slice(4)] || undefined;
}
