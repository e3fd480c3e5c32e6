import { placeholders, type Database } from '../../../shared/database';
import type { OrderStatus } from '../domain/order-status';

export interface StoredOrder {
  id: string;
  channel: string;
  externalId: string;
  status: OrderStatus;
  shipTo: { country: string; postalCode: string | null };
  placedAt: Date;
  lines: { sku: string; quantity: number }[];
}

/** Reads channel orders. Intake, shipments and returns write through the same tables. */
export class OrderStore {
  constructor(private readonly db: Database) {}

  async byExternalId(channel: string, externalId: string): Promise<StoredOrder | null> {
    const rows = await this.db.query('SELECT id FROM channel_order WHERE channel_code = ? AND external_id = ?', [channel, externalId]);
    return rows[0] ? (await this.byIds([rows[0].id]))[0] : null;
  }

  async byIds(ids: readonly string[]): Promise<(StoredOrder | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query(`SELECT * FROM channel_order WHERE id IN (${placeholders(ids)})`, [...ids]);
    const lines = await this.db.query(`SELECT order_id, sku_code, quantity FROM order_line WHERE order_id IN (${placeholders(ids)}) ORDER BY order_id, line_no`, [...ids]);
    const byId = new Map<string, StoredOrder>(rows.map((row) => [row.id, {
      id: row.id, channel: row.channel_code, externalId: row.external_id, status: row.status,
      shipTo: { country: row.ship_country, postalCode: row.ship_postal_code }, placedAt: new Date(row.placed_at), lines: [],
    }]));
    for (const line of lines) byId.get(line.order_id)?.lines.push({ sku: line.sku_code, quantity: Number(line.quantity) });
    return ids.map((id) => byId.get(id) ?? null);
  }
}
