import { startGateway, type RunningGateway } from '../gateway';
import { createLogger } from '../shared/logger';
import { gqlOk } from '../test/support/client';
import { compareLoads, type LoadResult } from './load';
import { heading, line, ms, PHASE_MS, percent, rate, ROUNDS, table, WARMUP_MS, type Benchmark, type SummaryRow } from './report';
import { seedShop, startBenchSystem, storeOf } from './shop';

const STOREFRONT_QUERY = 'query Storefront($c: ID!, $s: [ID!]!) { availability(channel: $c, skus: $s) { sku { title } available } }';
const CONNECTIONS = 50;
const QUERY_SKUS = 50;

const skuCode = (index: number) => `SEC-${String(index).padStart(4, '0')}`;

/** Two halves of one measurement: rates and medians averaged, the worse p99 kept. */
const averaged = (a: LoadResult, b: LoadResult): LoadResult => ({
  ...a, ok: a.ok + b.ok, failed: a.failed + b.failed, firstFailure: a.firstFailure ?? b.firstFailure, elapsedMs: a.elapsedMs + b.elapsedMs,
  rps: (a.rps + b.rps) / 2, p50Ms: (a.p50Ms + b.p50Ms) / 2, p99Ms: Math.max(a.p99Ms, b.p99Ms),
});

/**
 * What authentication, limits, rate limits and the audit cost the storefront availability query:
 * one system, two gateways on the same in-process subgraphs. One checks the API key on every
 * request, applies the key's limits and rate limit, the registered-operations check and the
 * audit plugin; the other runs every request as the same identity with none of them.
 */
async function run(): Promise<SummaryRow[]> {
  heading(`security: storefront availability for ${QUERY_SKUS} SKUs through the gateway with and without auth, limits, rate limit and audit, ${CONNECTIONS} connections, ${PHASE_MS / 1000} s each`);
  const system = await startBenchSystem();
  let bare: RunningGateway | null = null;
  try {
    await seedShop(system, Object.fromEntries(Array.from({ length: QUERY_SKUS }, (_, index) => [skuCode(index), { east: 100 + index, west: 20 }])));
    // The limiter counts every request but this allowance is never reached, so its cost is measured, not its refusals.
    const created = await gqlOk(system.url, 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret key { id } } }', {
      i: { name: 'bench storefront', scopes: ['availability:read'], channels: ['web'], limits: { rateLimit: 100_000_000, rateWindowSeconds: 1 } },
    });
    const identity = { keyId: created.createApiKey.key.id, name: 'bench storefront', scopes: ['availability:read'], channels: ['web'] };
    bare = await startGateway({ config: { ...system.config, port: 0, host: '127.0.0.1' }, logger: createLogger('silent'), embedded: system.subgraphs, unprotectedAs: identity });
    const bareUrl = bare.url.replace('localhost', '127.0.0.1');
    line(`store: ${storeOf(system)}; protected gateway ${system.url}, unprotected gateway ${bareUrl}, same subgraphs in process`);

    const body = JSON.stringify({ query: STOREFRONT_QUERY, variables: { c: 'web', s: Array.from({ length: QUERY_SKUS }, (_, index) => skuCode(index)) } });
    // Whichever load goes first in a round measures slower on a busy machine, so each goes first
    // for half the time and the two halves are averaged.
    const common = { connections: CONNECTIONS, durationMs: PHASE_MS / 2, body };
    const protectedLoad = { ...common, url: system.url, headers: { 'x-api-key': created.createApiKey.secret } };
    const openLoad = { ...common, url: bareUrl, headers: {} };
    const [guardedFirst, openSecond] = await compareLoads([protectedLoad, openLoad], ROUNDS, WARMUP_MS);
    const [openFirst, guardedSecond] = await compareLoads([openLoad, protectedLoad], ROUNDS, WARMUP_MS);
    line(`protected first: ${percent(guardedFirst.rps / openSecond.rps)}; unprotected first: ${percent(guardedSecond.rps / openFirst.rps)}`);
    const guarded = averaged(guardedFirst, guardedSecond);
    const open = averaged(openFirst, openSecond);
    table(['gateway', 'req/s', 'p50', 'p99', 'failed'], [
      ['with auth, limits, rate limit, audit', rate(guarded.rps, ''), ms(guarded.p50Ms), ms(guarded.p99Ms), String(guarded.failed)],
      ['without them (fixed identity)', rate(open.rps, ''), ms(open.p50Ms), ms(open.p99Ms), String(open.failed)],
    ]);
    for (const [name, result] of [['protected', guarded], ['unprotected', open]] as const) {
      if (result.firstFailure) line(`${name} failure: ${result.firstFailure}`);
    }
    const ratio = guarded.rps / open.rps;
    line(`with / without: ${percent(ratio)} (target >= 90%: the layers cost at most 10%)`);
    return [{
      benchmark: `security layers on availability ${QUERY_SKUS} SKUs`, measured: rate(guarded.rps, ' req/s'), baseline: rate(open.rps, ' req/s'),
      ratio, target: '>= 90%', met: ratio >= 0.9 && guarded.failed === 0,
    }];
  } finally {
    await bare?.stop();
    await system.close();
  }
}

export const securityBenchmark: Benchmark = { name: 'security', run };
