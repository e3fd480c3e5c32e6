import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/**
 * A small closed-loop HTTP load generator: `connections` callers, each sending its next request
 * as soon as the previous answer arrived, over keep-alive sockets. It runs in a worker thread so
 * the client has its own event loop (and, on two cores, its own core) instead of stealing the
 * server's; every figure a benchmark compares is measured with this same client.
 */
export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  /** The JSON body; `{{i}}` becomes a token no other request of any run has, `{{sku}}` the next of `skus`. */
  body: string;
  skus?: string[];
  connections: number;
  durationMs: number;
}

export interface LoadResult {
  /** Answers with HTTP 200 and no GraphQL `errors`. */
  ok: number;
  failed: number;
  firstFailure: string | null;
  elapsedMs: number;
  /** Successful answers per second. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/** What one worker run sends back: the raw figures, so several runs can be merged. */
interface RunFigures {
  ok: number;
  failed: number;
  firstFailure: string | null;
  elapsedMs: number;
  latencies: Float64Array;
}

const WORKER_TAG = 'stockgraph-bench-load';

/** Runs one load phase in a fresh worker thread. */
function runOnce(options: LoadOptions): Promise<RunFigures> {
  const register = path.join(__dirname, '..', 'shared', 'register.js');
  const source = `require(${JSON.stringify(register)}); require(${JSON.stringify(__filename)});`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { tag: WORKER_TAG, options } });
    let result: RunFigures | null = null;
    worker.once('message', (message: RunFigures) => { result = message; });
    worker.once('error', reject);
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`load worker exited with code ${code}`))));
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

function merge(runs: RunFigures[]): LoadResult {
  const ok = runs.reduce((sum, run) => sum + run.ok, 0);
  const elapsedMs = runs.reduce((sum, run) => sum + run.elapsedMs, 0);
  const latencies = new Float64Array(runs.reduce((sum, run) => sum + run.latencies.length, 0));
  let offset = 0;
  for (const run of runs) { latencies.set(run.latencies, offset); offset += run.latencies.length; }
  latencies.sort();
  return {
    ok, elapsedMs,
    failed: runs.reduce((sum, run) => sum + run.failed, 0),
    firstFailure: runs.find((run) => run.firstFailure)?.firstFailure ?? null,
    rps: (ok * 1000) / elapsedMs,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/**
 * Measures several loads side by side: a warm-up of each, then `rounds` short turns taking
 * them in alternation, so anything else the machine does in the meantime weighs on all of them
 * alike. Each gets `durationMs` of measured time in all.
 */
export async function compareLoads(loads: LoadOptions[], rounds: number, warmupMs: number): Promise<LoadResult[]> {
  for (const load of loads) await runOnce({ ...load, durationMs: warmupMs });
  const runs: RunFigures[][] = loads.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, load] of loads.entries()) runs[index].push(await runOnce({ ...load, durationMs: load.durationMs / rounds }));
  }
  return runs.map(merge);
}

async function generate(options: LoadOptions): Promise<RunFigures> {
  const url = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const skus = options.skus ?? [];
  const run = Math.random().toString(36).slice(2, 10);
  let sequence = 0;
  let ok = 0;
  let failed = 0;
  let firstFailure: string | null = null;
  const latencies: number[] = [];

  const send = (body: string) => new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = http.request({
      agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { ...options.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });

  const started = performance.now();
  const deadline = started + options.durationMs;
  const caller = async () => {
    while (performance.now() < deadline) {
      const i = sequence++;
      let body = options.body.replaceAll('{{i}}', `${run}-${i}`);
      if (skus.length) body = body.replaceAll('{{sku}}', skus[i % skus.length]);
      const sent = performance.now();
      try {
        const { status, text } = await send(body);
        if (status === 200 && !text.includes('"errors"')) {
          ok++;
          latencies.push(performance.now() - sent);
        } else {
          failed++;
          firstFailure ??= `HTTP ${status}: ${text.slice(0, 300)}`;
        }
      } catch (error) {
        failed++;
        firstFailure ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, caller));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { ok, failed, firstFailure, elapsedMs, latencies: Float64Array.from(latencies) };
}

if (!isMainThread && workerData?.tag === WORKER_TAG) {
  generate(workerData.options as LoadOptions).then(
    (result) => parentPort!.postMessage(result),
    (error) => { throw error; },
  );
}
