import { AsyncLocalStorage } from 'node:async_hooks';

/** One run of an outbox relay's drain. On the in-process bus, consumers run inside it. */
export interface DrainRun {
  readonly source: string;
}

/** The drain runs the current async chain is inside, outermost first. */
const inside = new AsyncLocalStorage<readonly DrainRun[]>();
/** Drain run → the drain runs something inside it waits for, with how many waiters. */
const waits = new Map<DrainRun, Map<DrainRun, number>>();

/** Drain runs under way in this process. */
let drainsUnderWay = 0;

/**
 * Runs `work` as the drain `run`, inside the drains the caller is in. While an
 * AsyncLocalStorage is enabled, Node 20 runs promise hooks on every promise in the process
 * (an awaited promise cost 3.5 times as much in a micro-benchmark), so the storage is switched
 * off whenever no drain is running (the next `run` switches it on again).
 */
export async function runDrain<T>(run: DrainRun, work: () => Promise<T>): Promise<T> {
  drainsUnderWay++;
  try {
    return await inside.run([...(inside.getStore() ?? []), run], work);
  } finally {
    if (--drainsUnderWay === 0) inside.disable();
  }
}

function reaches(from: DrainRun, targets: ReadonlySet<DrainRun>, seen = new Set<DrainRun>()): boolean {
  if (targets.has(from)) return true;
  if (seen.has(from)) return false;
  seen.add(from);
  for (const next of waits.get(from)?.keys() ?? []) if (reaches(next, targets, seen)) return true;
  return false;
}

function edge(from: DrainRun, to: DrainRun, change: 1 | -1): void {
  const targets = waits.get(from) ?? new Map<DrainRun, number>();
  const count = (targets.get(to) ?? 0) + change;
  if (count > 0) targets.set(to, count);
  else targets.delete(to);
  if (targets.size) waits.set(from, targets);
  else waits.delete(from);
}

/**
 * Waits for a running drain unless the wait could never end. Consumers on the in-process bus
 * run inside the drain that published to them, and their own flushes may meet drains other
 * requests are running: events go round (orders → routing → inventory → routing), so two
 * requests could each wait for the other's drain. When the drain `run` already waits, directly
 * or through others, for a drain the caller is inside, this returns at once instead; the
 * running drain was asked to go round again and publishes the caller's rows before it ends.
 */
export async function waitForDrain(run: DrainRun, running: Promise<void>): Promise<void> {
  const mine = inside.getStore() ?? [];
  if (mine.length === 0) return running;
  if (reaches(run, new Set(mine))) return;
  for (const drain of mine) edge(drain, run, 1);
  try {
    await running;
  } finally {
    for (const drain of mine) edge(drain, run, -1);
  }
}
