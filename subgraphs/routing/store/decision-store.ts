import type { EntityManager } from 'typeorm';
import { insertIgnore, insertReturningId, placeholders, type Database, type Dialect } from '../../../shared/database';
import type { Line } from '../domain/routing-rules';

export type { Line };

/** A routing decision as clients see it: every unit committed so far, where, and why. */
export interface StoredDecision {
  /** The id of this version of the decision (each re-route records a new one). */
  id: string;
  orderId: string;
  channel: string;
  assignments: { location: string; lines: Line[] }[];
  backordered: Line[];
  reasons: string[];
  decidedAt: Date;
  promisedShipDate: Date | null;
  atRisk: boolean;
}

/** The JSON form a decision travels in (`routing.order-routed`) and is logged in. */
export interface DecisionSnapshot extends Omit<StoredDecision, 'decidedAt' | 'promisedShipDate'> {
  decidedAt: string;
  promisedShipDate: string | null;
}

export const fromSnapshot = (snapshot: DecisionSnapshot): StoredDecision => ({
  ...snapshot,
  decidedAt: new Date(snapshot.decidedAt),
  promisedShipDate: snapshot.promisedShipDate ? new Date(snapshot.promisedShipDate) : null,
});

/**
 * Routing decisions: the current one per order, and a log of every version as it was recorded
 * (what routingDecided streamed). The reasons are an audit trail, never rewritten.
 */
export class DecisionStore {
  constructor(private readonly db: Database) {}

  async byOrderIds(ids: readonly string[]): Promise<(StoredDecision | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query(`SELECT * FROM routing_decision WHERE order_id IN (${placeholders(ids)})`, [...ids]);
    const byId = new Map<string, StoredDecision>(rows.map((row) => [row.order_id, {
      id: String(row.log_id ?? row.order_id),
      orderId: row.order_id,
      channel: row.channel_code,
      assignments: JSON.parse(row.assignments),
      backordered: JSON.parse(row.backordered),
      reasons: JSON.parse(row.reasons),
      decidedAt: new Date(row.decided_at),
      promisedShipDate: row.promised_ship_date ? new Date(row.promised_ship_date) : null,
      atRisk: Boolean(Number(row.at_risk ?? 0)),
    }]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Versions of decisions by their ids, as they were when recorded. */
  async byIds(ids: readonly string[]): Promise<(StoredDecision | null)[]> {
    const numeric = ids.filter((id) => /^\d{1,18}$/.test(id));
    if (numeric.length === 0) return ids.map(() => null);
    const rows = await this.db.query(`SELECT id, snapshot FROM routing_decision_log WHERE id IN (${placeholders(numeric)})`, numeric.map(Number));
    const byId = new Map(rows.map((row) => [String(row.id), fromSnapshot({ ...JSON.parse(row.snapshot), id: String(row.id) })]));
    return ids.map((id) => byId.get(id) ?? null);
  }
}

/** Records a new version of an order's decision, current and in the log; returns it with its id. */
export async function recordDecision(em: EntityManager, dialect: Dialect, decision: Omit<DecisionSnapshot, 'id'>): Promise<DecisionSnapshot> {
  const id = await insertReturningId(em, 'INSERT INTO routing_decision_log (order_id, channel_code, snapshot, decided_at) VALUES (?, ?, ?, ?)', [
    decision.orderId, decision.channel, JSON.stringify(decision), decision.decidedAt,
  ]);
  await em.query(insertIgnore(dialect, 'routing_decision', ['order_id', 'channel_code', 'assignments', 'backordered', 'reasons', 'decided_at']), [
    decision.orderId, decision.channel, '[]', '[]', '[]', decision.decidedAt,
  ]);
  await em.query(
    'UPDATE routing_decision SET assignments = ?, backordered = ?, reasons = ?, decided_at = ?, promised_ship_date = ?, at_risk = ?, log_id = ? WHERE order_id = ?',
    [JSON.stringify(decision.assignments), JSON.stringify(decision.backordered), JSON.stringify(decision.reasons), decision.decidedAt,
      decision.promisedShipDate, decision.atRisk ? 1 : 0, id, decision.orderId],
  );
  return { ...decision, id: String(id) };
}
