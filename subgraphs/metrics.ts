import { watchSubgraph } from '../shared/metrics';
import { unpublishedEvents } from '../shared/outbox-relay';
import type { SubgraphRuntime } from '../shared/subgraph';

const count = async (runtime: SubgraphRuntime, sql: string) => Number((await runtime.db.query<{ n: number }>(sql))[0]?.n ?? 0);

/**
 * What `/metrics` reads from a subgraph's own database at each scrape: the events its outbox
 * has not published yet (`unpublishedEvents`) and, for inventory, the OVERSOLD
 * alerts it raised. Embedded, the gateway's `/metrics` shows them; scaled out, each subgraph's.
 */
export function watchSubgraphFigures(runtime: SubgraphRuntime): () => void {
  return watchSubgraph(runtime.name, {
    outboxPending: () => unpublishedEvents(runtime.db),
    oversellAlerts: runtime.name === 'inventory' ? () => count(runtime, "SELECT COUNT(*) AS n FROM alert WHERE kind = 'OVERSOLD'") : undefined,
  });
}
