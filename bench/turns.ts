// In-process figures compared side by side, in alternating turns.
import { performance } from 'node:perf_hooks';
import { PHASE_MS, ROUNDS, WARMUP_MS } from './report';

/** One contender of a comparison: `callers` concurrent loops of `work`, each call worth `weight` holds. */
export interface Contender {
  callers: number;
  /** Gets a sequence number; false counts as failed. */
  work: (i: number) => Promise<boolean>;
  weight?: number;
  /** A running count (of statements, say) to report per measured turns. */
  count?: () => number;
}

export interface PhaseResult {
  /** Holds done in the measured turns. */
  done: number;
  failed: number;
  firstFailure: string | null;
  /** Holds per second over the measured turns, each turn timed until what it published was consumed. */
  rate: number;
  /** The rate in the first and in the last measured turn: shows a rate that sinks as holds pile up. */
  firstTurn: number;
  lastTurn: number;
  /** How much `count` grew over the measured turns. */
  counted?: number;
}

/** Runs `work` from `callers` concurrent loops until `durationMs` has passed; returns the calls that succeeded. */
async function closedLoop(callers: number, durationMs: number, work: (i: number) => Promise<boolean>, sequence: { next: number },
  failures: { failed: number; first: string | null }): Promise<number> {
  let done = 0;
  const deadline = performance.now() + durationMs;
  const caller = async () => {
    while (performance.now() < deadline) {
      try {
        if (await work(sequence.next++)) done++;
        else { failures.failed++; failures.first ??= 'no row changed'; }
      } catch (error) {
        failures.failed++;
        failures.first ??= String((error as Error).message ?? error);
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  return done;
}

/**
 * Measures the contenders side by side: a warm-up turn each, then `ROUNDS` turns each in
 * alternation (A B C A B C …), `PHASE_MS` in all for each, so whatever else the machine does
 * weighs on all of them alike. A turn ends once `settled` resolves (the events its holds
 * published have been consumed), and that wait counts in its time: the engine pays for the
 * relay's and the consumers' work its holds caused, and the next contender starts on a quiet system.
 */
export async function alternate(contenders: Contender[], settled: () => Promise<void>): Promise<PhaseResult[]> {
  const state = contenders.map(() => ({ sequence: { next: 0 }, failures: { failed: 0, first: null as string | null }, done: 0, elapsed: 0, counted: 0, turns: [] as number[] }));
  const turn = async (index: number, durationMs: number) => {
    const { callers, work, weight = 1, count = () => 0 } = contenders[index];
    const { sequence, failures } = state[index];
    const started = performance.now();
    const countedBefore = count();
    const done = (await closedLoop(callers, durationMs, work, sequence, failures)) * weight;
    await settled();
    return { done, elapsed: performance.now() - started, counted: count() - countedBefore };
  };
  for (const index of contenders.keys()) await turn(index, WARMUP_MS);
  // Failures in the warm-up are not the measurement's.
  for (const entry of state) Object.assign(entry.failures, { failed: 0, first: null });
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, entry] of state.entries()) {
      const { done, elapsed, counted } = await turn(index, PHASE_MS / ROUNDS);
      entry.done += done;
      entry.elapsed += elapsed;
      entry.counted += counted;
      entry.turns.push((done * 1000) / elapsed);
    }
  }
  return state.map((entry) => ({
    done: entry.done, failed: entry.failures.failed, firstFailure: entry.failures.first, rate: (entry.done * 1000) / entry.elapsed,
    firstTurn: entry.turns[0], lastTurn: entry.turns[entry.turns.length - 1], counted: entry.counted,
  }));
}
