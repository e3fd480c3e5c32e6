import os from 'node:os';
import { availabilityBenchmark } from './availability';
import { ordersBenchmark } from './orders';
import { printSummary, type Benchmark, type SummaryRow } from './report';
import { reserveBenchmark } from './reserve';
import { securityBenchmark } from './security';
import { subscriptionsBenchmark } from './subscriptions';
import { syncBenchmark } from './sync';

const BENCHMARKS: Benchmark[] = [availabilityBenchmark, reserveBenchmark, securityBenchmark, ordersBenchmark, subscriptionsBenchmark, syncBenchmark];

/** `npm run bench` runs every benchmark; `npm run bench -- reserve` only the ones named. */
async function main() {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
  if (unknown.length) {
    console.error(`Unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
  const selected = names.length ? BENCHMARKS.filter((benchmark) => names.includes(benchmark.name)) : BENCHMARKS;
  const cpus = os.cpus();
  process.stdout.write(`stockgraph benchmarks, ${new Date().toISOString()}, Node ${process.version}, ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}\n`);
  // Anything else running competes for the same cores: the load average says how much did.
  const load = () => `load average ${os.loadavg()[0].toFixed(2)} on ${cpus.length} cores`;
  process.stdout.write(`${load()} before\n`);
  const rows: SummaryRow[] = [];
  for (const benchmark of selected) rows.push(...(await benchmark.run()));
  printSummary(rows);
  process.stdout.write(`${load()} after\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
