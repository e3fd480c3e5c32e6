import { placeholders, type Database } from '../../../shared/database';

export interface Line {
  sku: string;
  quantity: number;
}

export interface StoredDecision {
  orderId: string;
  channel: string;
  assignments: { location: string; lines: Line[] }[];
  backordered: Line[];
  reasons: string[];
  decidedAt: Date;
}

/** Routing decisions, one per order, kept as decided (the reasons are an audit trail). */
export class DecisionStore {
  constructor(private readonly db: Database) {}

  async byOrderIds(ids: readonly string[]): Promise<(StoredDecision | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query(`SELECT * FROM routing_decision WHERE order_id IN (${placeholders(ids)})`, [...ids]);
    const byId = new Map<string, StoredDecision>(rows.map((row) => [row.order_id, {
      orderId: row.order_id,
      channel: row.channel_code,
      assignments: JSON.parse(row.assignments),
      backordered: JSON.parse(row.backordered),
      reasons: JSON.parse(row.reasons),
      decidedAt: new Date(row.decided_at),
    }]));
    return ids.map((id) => byId.get(id) ?? null);
  }
}
