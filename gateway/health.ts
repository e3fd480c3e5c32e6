import type { Express } from 'express';
import type { Config, SubgraphName } from '../shared/config';
import { SUBGRAPH_NAMES } from '../shared/config';
import type { Database } from '../shared/database';
import type { SubgraphRuntime } from '../shared/subgraph';
import { endsWithin } from '../shared/time-limits';

export type ReadinessCheck = () => Promise<void>;

/** How long one readiness check may take before it counts as failing. */
const CHECK_TIMEOUT_MS = 3000;

/** Runs `check`, failing it after `ms`; the timer goes with the answer, so no probe leaves one behind. */
export async function answersWithin(check: ReadinessCheck, ms: number): Promise<void> {
  const answer = check();
  if (!(await endsWithin(answer, ms))) throw new Error('timed out');
  await answer;
}

/** `/health`: the process answers. `/ready`: every subgraph and database answers too. */
export function mountHealth(app: Express, checks: Record<string, ReadinessCheck>): void {
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await answersWithin(check, CHECK_TIMEOUT_MS);
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, `failing: ${(error as Error).message}`] as const;
        }
      }),
    );
    const ready = results.every(([, status]) => status === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });
}

/** The gateway's own database, then each subgraph: its database when embedded, its `/ready` otherwise. */
export function readinessChecks(gatewayDb: Database, config: Config, embedded?: Partial<Record<SubgraphName, SubgraphRuntime<any>>>): Record<string, ReadinessCheck> {
  const checks: Record<string, ReadinessCheck> = { gateway: () => gatewayDb.ping() };
  for (const name of SUBGRAPH_NAMES) {
    const runtime = embedded?.[name];
    checks[name] = runtime
      ? () => runtime.db.ping()
      : async () => {
        const response = await fetch(new URL('/ready', config.subgraphUrls[name]!));
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
      };
  }
  return checks;
}
