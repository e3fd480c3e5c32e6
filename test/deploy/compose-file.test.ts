import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig, SUBGRAPH_NAMES, type SubgraphName } from '../../shared/config';
import { variablesLoadConfigReads } from './config-variables';

/**
 * docker-compose.yml cannot be started here (no container engine), so this reads it the way
 * `docker compose` would (YAML merge keys, `${VAR:-default}` with nothing set in the
 * environment) and checks that every service would start with a configuration the code accepts.
 */

const COMPOSE_FILE = path.join(__dirname, '..', '..', 'docker-compose.yml');

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  ports?: (string | { target?: number; published?: number | string })[];
}

const compose = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/** Compose's interpolation with an empty host environment: defaults apply, `$$` is a literal `$`. */
function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name, operator, operand) => {
    if (match === '$$') return '$';
    if (operator === '-' || operator === ':-') return operand;
    if (operator === '?' || operator === ':?') throw new Error(`docker compose refuses to start without ${name}: ${operand}`);
    return '';
  });
}

function commandOf(service: Service): string {
  const command = service.command ?? '';
  return Array.isArray(command) ? command.join(' ') : command;
}

function environmentOf(serviceName: string): Record<string, string> {
  const environment = services[serviceName].environment ?? {};
  const entries = Array.isArray(environment)
    ? environment.map((line) => {
      const at = line.indexOf('=');
      return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
    })
    : Object.entries(environment).map(([name, value]) => [name, value === null ? '' : String(value)]);
  return Object.fromEntries(entries.map(([name, value]) => [name, interpolate(value)]));
}

function dependenciesOf(service: Service): Record<string, string | undefined> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(dependsOn).map(([name, spec]) => [name, spec?.condition]));
}

function servicesRunning(command: string): string[] {
  return Object.keys(services).filter((name) => commandOf(services[name]) === command);
}

function serviceRunningSubgraph(subgraph: SubgraphName): string {
  const [name] = servicesRunning(`npm run start:subgraph -- ${subgraph}`);
  if (!name) throw new Error(`no service in docker-compose.yml runs "npm run start:subgraph -- ${subgraph}"`);
  return name;
}

function serviceRunningGateway(): string {
  const [name] = servicesRunning('npm run start:gateway');
  if (!name) throw new Error('no service in docker-compose.yml runs "npm run start:gateway"');
  return name;
}

function serviceWithImage(repository: string): string {
  const name = Object.keys(services).find((service) => services[service].image?.split(':')[0] === repository);
  if (!name) throw new Error(`no service in docker-compose.yml runs the ${repository} image`);
  return name;
}

const subgraphServices = () => SUBGRAPH_NAMES.map((subgraph) => [subgraph, serviceRunningSubgraph(subgraph)] as const);
const applicationServices = () => [...subgraphServices().map(([, service]) => service), serviceRunningGateway()];

describe('the compose file runs each part of the system as its own service', () => {
  it.each(SUBGRAPH_NAMES)('runs the %s subgraph in exactly one service', (subgraph) => {
    expect(servicesRunning(`npm run start:subgraph -- ${subgraph}`)).toHaveLength(1);
  });

  it('runs the gateway in exactly one service', () => {
    expect(servicesRunning('npm run start:gateway')).toHaveLength(1);
  });

  it('runs MySQL 8.4 storing text as utf8mb4', () => {
    const mysql = services[serviceWithImage('mysql')];
    expect(mysql.image).toMatch(/^mysql:8\.4(\.|-|$)/);
    expect(commandOf(mysql)).toContain('--character-set-server=utf8mb4');
  });

  it('runs Redis 7', () => {
    expect(services[serviceWithImage('redis')].image).toMatch(/^redis:7(\.|-|$)/);
  });

  it('publishes the gateway on the port it listens on', () => {
    const gateway = serviceRunningGateway();
    const port = environmentOf(gateway).PORT;
    const targets = (services[gateway].ports ?? []).map((entry) =>
      typeof entry === 'string' ? entry.split(':').pop()!.split('/')[0] : String(entry.target));
    expect(targets).toContain(port);
  });
});

describe('every service is configured only with variables the configuration reads', () => {
  it('finds the variables loadConfig reads (a guard on the check below)', () => {
    const names = variablesLoadConfigReads();
    for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'INTERNAL_SECRET', 'CATALOG_URL', 'ROUTING_URL']) expect(names).toContain(name);
    expect(names).not.toContain('DB_URL');
  });

  it.each(['catalog', 'inventory', 'orders', 'routing', 'sync', 'gateway'])('sets no variable on the %s service that the code would ignore', (part) => {
    const service = part === 'gateway' ? serviceRunningGateway() : serviceRunningSubgraph(part as SubgraphName);
    const environment = environmentOf(service);
    const read = variablesLoadConfigReads(environment);
    const ignored = Object.keys(environment).filter((name) => !read.has(name));
    expect(ignored).toEqual([]);
  });
});

describe('each subgraph service has what a subgraph needs on its own', () => {
  it.each(SUBGRAPH_NAMES)('gives the %s subgraph a MySQL database, Redis, the internal secret and a port', (subgraph) => {
    const environment = environmentOf(serviceRunningSubgraph(subgraph));
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'INTERNAL_SECRET', 'PORT']) {
      expect({ [name]: environment[name] }).toEqual({ [name]: expect.stringMatching(/\S/) });
    }
  });

  it.each(SUBGRAPH_NAMES)('starts the %s subgraph with a configuration loadConfig accepts', (subgraph) => {
    const config = loadConfig(environmentOf(serviceRunningSubgraph(subgraph)));
    expect(config.databaseUrl).toMatch(/^mysql:\/\//);
    expect(config.redisUrl).toMatch(/^rediss?:\/\//);
    expect(config.internalSecret).toBeDefined();
    expect(config.port).toBeGreaterThan(0);
    expect(config.subgraphUrls).toEqual({});
  });

  it.each(SUBGRAPH_NAMES)('checks the %s subgraph is ready on the port it listens on', (subgraph) => {
    const service = serviceRunningSubgraph(subgraph);
    const probe = [services[service].healthcheck?.test ?? []].flat().join(' ');
    expect(probe).toContain(`:${environmentOf(service).PORT}/ready`);
  });
});

describe('the gateway service reaches every subgraph', () => {
  it.each(SUBGRAPH_NAMES)('points %s at its service host, port and /graphql', (subgraph) => {
    const service = serviceRunningSubgraph(subgraph);
    const variable = `${subgraph.toUpperCase()}_URL`;
    const value = environmentOf(serviceRunningGateway())[variable];
    expect({ [variable]: value }).toEqual({ [variable]: expect.any(String) });
    const url = new URL(value);
    expect({ protocol: url.protocol, host: url.hostname, port: url.port, path: url.pathname }).toEqual({
      protocol: 'http:', host: service, port: environmentOf(service).PORT, path: '/graphql',
    });
  });

  it('signs identities with the same internal secret every subgraph verifies', () => {
    const secret = environmentOf(serviceRunningGateway()).INTERNAL_SECRET;
    expect(secret?.length).toBeGreaterThanOrEqual(16);
    for (const [, service] of subgraphServices()) expect(environmentOf(service).INTERNAL_SECRET).toBe(secret);
  });

  it('keeps its API keys in MySQL and uses Redis', () => {
    const environment = environmentOf(serviceRunningGateway());
    expect(environment.DATABASE_URL).toMatch(/^mysql:\/\//);
    expect(environment.REDIS_URL).toMatch(/^rediss?:\/\//);
  });

  it('starts with a configuration loadConfig accepts, in the scaled-out topology', () => {
    const config = loadConfig(environmentOf(serviceRunningGateway()));
    expect(Object.keys(config.subgraphUrls).sort()).toEqual([...SUBGRAPH_NAMES].sort());
    expect(config.internalSecret).toBeDefined();
    expect(config.databaseUrl).toBeDefined();
    expect(config.redisUrl).toBeDefined();
  });
});

describe('services find MySQL and Redis where the compose file runs them', () => {
  it.each(['catalog', 'inventory', 'orders', 'routing', 'sync', 'gateway'])('the %s service logs in to the MySQL service with its root password', (part) => {
    const service = part === 'gateway' ? serviceRunningGateway() : serviceRunningSubgraph(part as SubgraphName);
    const url = new URL(environmentOf(service).DATABASE_URL);
    expect(services[url.hostname]?.image).toMatch(/^mysql:/);
    expect(url.port || '3306').toBe('3306');
    if (decodeURIComponent(url.username) === 'root') {
      expect(decodeURIComponent(url.password)).toBe(environmentOf(url.hostname).MYSQL_ROOT_PASSWORD);
    }
  });

  it.each(['catalog', 'inventory', 'orders', 'routing', 'sync', 'gateway'])('the %s service reaches the Redis service', (part) => {
    const service = part === 'gateway' ? serviceRunningGateway() : serviceRunningSubgraph(part as SubgraphName);
    const url = new URL(environmentOf(service).REDIS_URL);
    expect(services[url.hostname]?.image).toMatch(/^redis:/);
    expect(url.port || '6379').toBe('6379');
  });
});

describe('services start in order, each once what it needs is healthy', () => {
  it.each(SUBGRAPH_NAMES)('starts the %s subgraph once its MySQL and Redis are healthy', (subgraph) => {
    const service = serviceRunningSubgraph(subgraph);
    const environment = environmentOf(service);
    const mysql = new URL(environment.DATABASE_URL).hostname;
    const redis = new URL(environment.REDIS_URL).hostname;
    expect(dependenciesOf(services[service])).toMatchObject({ [mysql]: 'service_healthy', [redis]: 'service_healthy' });
  });

  it('starts the gateway once every subgraph is healthy', () => {
    const dependencies = dependenciesOf(services[serviceRunningGateway()]);
    for (const [, service] of subgraphServices()) expect({ [service]: dependencies[service] }).toEqual({ [service]: 'service_healthy' });
  });

  it('waits only on services that have a health check', () => {
    const waitedOn = Object.values(services).flatMap((service) =>
      Object.entries(dependenciesOf(service)).filter(([, condition]) => condition === 'service_healthy').map(([name]) => name));
    const withoutCheck = [...new Set(waitedOn)].filter((name) => !services[name]?.healthcheck?.test);
    expect(withoutCheck).toEqual([]);
  });

  it('builds or names an image for every application service', () => {
    for (const service of applicationServices()) expect(services[service].build ?? services[service].image).toBeDefined();
  });
});
