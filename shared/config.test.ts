import path from 'node:path';
import { ConfigError, loadConfig } from './config';
import { eventRetention } from './outbox-relay';

/** The error loadConfig throws for this environment; fails the test when it accepts it. */
function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('with nothing set, the embedded shop starts on its defaults', () => {
  const config = loadConfig({});

  it('listens on port 4000 on every interface', () => {
    expect(config.port).toBe(4000);
    expect(config.host).toBe('0.0.0.0');
  });

  it('keeps its data in ./data, as SQLite, with events in process', () => {
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
  });

  it('runs every subgraph in process, with no internal secret and no fixed admin key', () => {
    expect(config.subgraphUrls).toEqual({});
    expect(config.internalSecret).toBeUndefined();
    expect(config.adminApiKey).toBeUndefined();
  });

  it('loads the demo shop and logs at info, outside production', () => {
    expect(config.demo).toBe(true);
    expect(config.logLevel).toBe('info');
    expect(config.production).toBe(false);
  });

  it('sweeps expired reservations every second and polls the outbox every half second', () => {
    expect(config.reservationSweepMs).toBe(1000);
    expect(config.outboxPollMs).toBe(500);
  });

  it('keeps published events three days and consumers’ records of applied events a week', () => {
    expect(eventRetention(config)).toEqual({ changesHours: 72, recordsHours: 168 });
    expect(eventRetention(loadConfig({ CHANGE_RETENTION_HOURS: '24', PROCESSED_EVENT_RETENTION_HOURS: '720' }))).toEqual({ changesHours: 24, recordsHours: 720 });
  });

  it('treats an empty variable as not set', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '', REDIS_URL: '', DEMO: '', ADMIN_API_KEY: '', INTERNAL_SECRET: '' })).toEqual(config);
  });

  it('is silent under tests unless LOG_LEVEL says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).logLevel).toBe('silent');
    expect(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
  });
});

describe('the scaled-out topology is read from the environment', () => {
  const config = loadConfig({
    PORT: '4002',
    DATABASE_URL: 'mysql://root:secret@mysql:3306/stock',
    REDIS_URL: 'rediss://redis:6380',
    INTERNAL_SECRET: 'sixteen-chars-ok',
    CATALOG_URL: 'http://catalog:4001/graphql',
    ROUTING_URL: 'https://routing.internal/graphql',
    DEMO: 'off',
    NODE_ENV: 'production',
  });

  it('takes the port, MySQL, Redis and the internal secret as given', () => {
    expect(config).toMatchObject({
      port: 4002,
      databaseUrl: 'mysql://root:secret@mysql:3306/stock',
      redisUrl: 'rediss://redis:6380',
      internalSecret: 'sixteen-chars-ok',
      demo: false,
      production: true,
    });
  });

  it('knows the URL of each subgraph that has one', () => {
    expect(config.subgraphUrls).toEqual({ catalog: 'http://catalog:4001/graphql', routing: 'https://routing.internal/graphql' });
  });
});

describe('a bad value stops the start with a message naming the variable', () => {
  it.each(['http', '-1', '65536', '40.5', '1e3x'])('refuses PORT=%s', (value) => {
    expect(refusal({ PORT: value }).message).toBe(`PORT must be an integer from 0 to 65535, got "${value}"`);
  });

  it('refuses a DATABASE_URL that is not a URL', () => {
    expect(refusal({ DATABASE_URL: 'root@localhost/stock' }).message).toBe('DATABASE_URL is not a valid URL: "root@localhost/stock"');
  });

  it('refuses a DATABASE_URL for another database than MySQL', () => {
    expect(refusal({ DATABASE_URL: 'postgres://localhost/stock' }).message).toBe('DATABASE_URL must use mysql:, got "postgres:"');
  });

  it('refuses a REDIS_URL that is not a URL', () => {
    expect(refusal({ REDIS_URL: 'redis-host 6379' }).message).toBe('REDIS_URL is not a valid URL: "redis-host 6379"');
  });

  it('refuses a REDIS_URL that is not redis: or rediss:', () => {
    expect(refusal({ REDIS_URL: 'http://localhost:6379' }).message).toBe('REDIS_URL must use redis: or rediss:, got "http:"');
  });

  it('refuses an unknown LOG_LEVEL and lists the known ones', () => {
    expect(refusal({ LOG_LEVEL: 'verbose' }).message).toBe('LOG_LEVEL must be one of debug, info, warn, error, silent, got "verbose"');
  });

  it.each(['maybe', '2', 'enabled'])('refuses DEMO=%s', (value) => {
    expect(refusal({ DEMO: value }).message).toBe(`DEMO must be 1/0 or true/false, got "${value}"`);
  });

  it.each([['1', true], ['true', true], ['YES', true], ['on', true], ['0', false], ['false', false], ['no', false], ['Off', false]])(
    'reads DEMO=%s as %s',
    (value, expected) => {
      expect(loadConfig({ DEMO: value }).demo).toBe(expected);
    },
  );

  it('refuses an INTERNAL_SECRET shorter than 16 characters', () => {
    expect(refusal({ INTERNAL_SECRET: 'short' }).message).toBe('INTERNAL_SECRET must be at least 16 characters');
  });

  it('refuses a METRICS_TOKEN shorter than 16 characters', () => {
    expect(refusal({ METRICS_TOKEN: 'short' }).message).toBe('METRICS_TOKEN must be at least 16 characters');
  });

  it('refuses a subgraph URL that is not http or https', () => {
    expect(refusal({ INVENTORY_URL: 'ws://inventory:4002/graphql' }).message).toBe('INVENTORY_URL must use http: or https:, got "ws:"');
  });

  it.each([['RESERVATION_SWEEP_MS', '5', 10, 3_600_000], ['OUTBOX_POLL_MS', 'soon', 10, 60_000]])(
    'refuses %s=%s',
    (name, value, min, max) => {
      expect(refusal({ [name]: value }).message).toBe(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
    },
  );
});
