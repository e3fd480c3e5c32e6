import { placeholders, type Database, type Queryable } from '../../../shared/database';
import type { Allocation, LineProgress, ReturnItem } from '../domain/fulfilment';
import type { Line } from '../domain/order-lines';
import type { OrderStatus } from '../domain/order-status';

export interface StoredOrder {
  id: string;
  channel: string;
  externalId: string;
  status: OrderStatus;
  shipTo: { country: string; postalCode: string | null };
  placedAt: Date;
  shipBy: Date | null;
  deliverBy: Date | null;
  express: boolean;
  reservationId: string | null;
  lines: LineProgress[];
  /** The last routing outcome applied: older ones arriving late are ignored. */
  routedSequence: number;
  payloadHash: string;
}

export interface StoredShipment {
  id: string;
  orderId: string;
  location: string;
  trackingNumber: string | null;
  shippedAt: Date;
  lines: Line[];
}

export interface StoredReturn {
  id: string;
  orderId: string;
  location: string;
  receivedAt: Date;
  lines: ReturnItem[];
}

function group<T extends { orderId: string }>(ids: readonly string[], items: T[]): T[][] {
  const byOrder = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const item of items) byOrder.get(item.orderId)?.push(item);
  return ids.map((id) => byOrder.get(id) ?? []);
}

/** Reads channel orders, their lines and what became of them. */
export class OrderStore {
  constructor(private readonly db: Database) {}

  async byExternalId(channel: string, externalId: string, q: Queryable = this.db): Promise<StoredOrder | null> {
    const rows = await q.query('SELECT id FROM channel_order WHERE channel_code = ? AND external_id = ?', [channel, externalId]);
    return rows[0] ? (await this.byIds([rows[0].id], q))[0] : null;
  }

  async byIds(ids: readonly string[], q: Queryable = this.db): Promise<(StoredOrder | null)[]> {
    if (ids.length === 0) return [];
    const rows = await q.query(`SELECT * FROM channel_order WHERE id IN (${placeholders(ids)})`, [...ids]);
    const lines = await q.query(`SELECT order_id, sku_code, quantity, shipped, returned, components FROM order_line WHERE order_id IN (${placeholders(ids)}) ORDER BY order_id, line_no`, [...ids]);
    const byId = new Map<string, StoredOrder>(rows.map((row) => [row.id, {
      id: row.id, channel: row.channel_code, externalId: row.external_id, status: row.status,
      shipTo: { country: row.ship_country, postalCode: row.ship_postal_code ?? null }, placedAt: new Date(row.placed_at),
      shipBy: row.ship_by ? new Date(row.ship_by) : null, deliverBy: row.deliver_by ? new Date(row.deliver_by) : null, express: Boolean(Number(row.express ?? 0)),
      reservationId: row.reservation_id ?? null, lines: [], routedSequence: Number(row.routed_sequence ?? 0), payloadHash: row.payload_hash,
    }]));
    for (const line of lines) {
      byId.get(line.order_id)?.lines.push({
        sku: line.sku_code, quantity: Number(line.quantity), shipped: Number(line.shipped), returned: Number(line.returned),
        components: line.components ? JSON.parse(line.components) : null,
      });
    }
    return ids.map((id) => byId.get(id) ?? null);
  }

  async allocations(orderId: string, q: Queryable = this.db): Promise<Allocation[]> {
    const rows = await q.query('SELECT location_code, sku_code, committed, shipped FROM order_allocation WHERE order_id = ?', [orderId]);
    return rows.map((row) => ({ location: row.location_code, sku: row.sku_code, committed: Number(row.committed), shipped: Number(row.shipped) }));
  }

  async shipmentsOf(orderIds: readonly string[]): Promise<StoredShipment[][]> {
    if (orderIds.length === 0) return [];
    const rows = await this.db.query(`SELECT * FROM shipment WHERE order_id IN (${placeholders(orderIds)}) ORDER BY shipped_at, id`, [...orderIds]);
    const ids = rows.map((row) => row.id as string);
    const lines = ids.length ? await this.db.query(`SELECT shipment_id, sku_code, quantity FROM shipment_line WHERE shipment_id IN (${placeholders(ids)}) ORDER BY shipment_id, line_no`, ids) : [];
    const shipments = rows.map((row): StoredShipment => ({
      id: row.id, orderId: row.order_id, location: row.location_code, trackingNumber: row.tracking_number ?? null, shippedAt: new Date(row.shipped_at),
      lines: lines.filter((line) => line.shipment_id === row.id).map((line) => ({ sku: line.sku_code, quantity: Number(line.quantity) })),
    }));
    return group(orderIds, shipments);
  }

  async returnsOf(orderIds: readonly string[]): Promise<StoredReturn[][]> {
    if (orderIds.length === 0) return [];
    const rows = await this.db.query(`SELECT * FROM order_return WHERE order_id IN (${placeholders(orderIds)}) ORDER BY received_at, id`, [...orderIds]);
    const ids = rows.map((row) => row.id as string);
    const lines = ids.length ? await this.db.query(`SELECT return_id, sku_code, quantity, resellable FROM return_line WHERE return_id IN (${placeholders(ids)}) ORDER BY return_id, line_no`, ids) : [];
    const returns = rows.map((row): StoredReturn => ({
      id: row.id, orderId: row.order_id, location: row.location_code, receivedAt: new Date(row.received_at),
      lines: lines.filter((line) => line.return_id === row.id).map((line) => ({ sku: line.sku_code, quantity: Number(line.quantity), resellable: Boolean(Number(line.resellable)) })),
    }));
    return group(orderIds, returns);
  }
}
