import { resolveSecret, settingsProblems, withDefaults } from './connector-settings';

const shopify = { channel: 'shop', kind: 'SHOPIFY' as const, baseUrl: 'https://example.myshopify.com/', credentials: { accessToken: 'shpat_x' }, shopify: { locationId: 'gid://shopify/Location/1' } };
const amazon = { channel: 'amazon', kind: 'AMAZON' as const, baseUrl: 'https://sellingpartnerapi-na.amazon.com', credentials: { accessToken: 'Atza|x' }, amazon: { sellerId: 'A1' } };

describe('connector settings', () => {
  it('fills in what the channel API allows by default', () => {
    const settings = withDefaults(amazon);
    expect(settings.rateLimit).toEqual({ perSecond: 5, burst: 10 });
    expect(settings.batchSize).toBe(1);
    expect(settings.amazon).toEqual({ sellerId: 'A1', marketplaceId: 'ATVPDKIKX0DER', productType: 'PRODUCT', fulfillmentChannelCode: 'DEFAULT' });
    expect(settings.outage).toEqual({ limitMs: 60_000, fallback: 'NONE', bufferUnits: 0 });
    expect(settingsProblems(settings)).toEqual([]);
  });

  it('drops a trailing slash from the base URL', () => expect(withDefaults(shopify).baseUrl).toBe('https://example.myshopify.com'));

  it('keeps what was given over the defaults', () => {
    const settings = withDefaults({ ...shopify, rateLimit: { perSecond: 100 }, outage: { fallback: 'PAUSE_CHANNEL', limitMs: null as unknown as number } });
    expect(settings.rateLimit).toEqual({ perSecond: 100, burst: 1000 });
    expect(settings.outage).toEqual({ limitMs: 60_000, fallback: 'PAUSE_CHANNEL', bufferUnits: 0 });
  });

  it('names every missing or bad setting at once', () => {
    const problems = settingsProblems(withDefaults({ channel: 'shop', kind: 'SHOPIFY', baseUrl: 'ftp://x', credentials: {}, batchSize: 500 }));
    expect(problems).toEqual([
      'baseUrl must use http: or https:',
      'shopify.locationId is required for a SHOPIFY connector',
      'accessToken is required for a SHOPIFY connector',
      'batchSize must be a whole number from 1 to 250, got 500',
    ]);
  });

  it('accepts Amazon login-with-Amazon credentials instead of an access token', () => {
    const lwa = { lwaClientId: 'id', lwaClientSecret: 'secret', lwaRefreshToken: 'Atzr|x' };
    expect(settingsProblems(withDefaults({ ...amazon, credentials: lwa }))).toEqual([]);
    expect(settingsProblems(withDefaults({ ...amazon, credentials: { lwaClientId: 'id' } }))).toHaveLength(1);
  });

  it('reads a secret written env:NAME from the environment', () => {
    expect(resolveSecret('env:SHOP_TOKEN', { SHOP_TOKEN: 'shpat_real' })).toBe('shpat_real');
    expect(resolveSecret('env:MISSING', {})).toBeUndefined();
    expect(resolveSecret('literal', {})).toBe('literal');
  });
});
