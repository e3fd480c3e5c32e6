import type { EntityManager } from 'typeorm';
import type { Dialect } from '../../../shared/database';
import { raiseAlert } from './alert-store';
import { publishAvailability } from './availability-feed';
import { lockOrderStock, type Line } from './commitment-store';
import { changeHeld, type HeldChange } from './ring-fence';
import { ensureStockRow, loadStock, moveStock, rawFigures } from './stock-store';

export interface ShipmentRecorded {
  orderId: string;
  channel: string;
  shipmentId: string;
  location: string;
  units: Line[];
}

export interface ReturnRecorded {
  orderId: string;
  channel: string;
  returnId: string;
  location: string;
  units: (Line & { resellable: boolean })[];
}

/**
 * Shipments and returns as stock: units that leave a location were committed there for the
 * order (onHand and committed go down together); units that come back add to onHand, and to
 * damaged when they cannot be sold again.
 */
export class ShipmentEffects {
  constructor(private readonly dialect: Dialect) {}

  async ship(em: EntityManager, shipment: ShipmentRecorded): Promise<void> {
    await lockOrderStock(em, this.dialect, shipment.orderId, shipment.channel);
    const skus = [...new Set(shipment.units.map((unit) => unit.sku))].sort();
    const read = await loadStock(em, this.dialect, skus, { lock: true });
    const now = new Date();
    const shipped: HeldChange[] = [];
    for (const unit of [...shipment.units].sort((a, b) => (a.sku < b.sku ? -1 : 1))) {
      const [row] = await em.query('SELECT open, channel_code FROM order_commitment WHERE order_id = ? AND sku_code = ? AND location_code = ?', [shipment.orderId, unit.sku, shipment.location]);
      // Orders lets a location ship only what is committed there; a cancellation that overtook this shipment may have released it already.
      const fromCommitted = Math.min(Number(row?.open ?? 0), unit.quantity);
      const before = rawFigures(read, unit.sku, shipment.location);
      const leaving = Math.min(before.onHand, unit.quantity);
      await moveStock(em, { sku: unit.sku, location: shipment.location, type: 'SHIP', source: 'order', idempotencyKey: shipment.shipmentId, occurredAt: now, reason: `order ${shipment.orderId}` },
        before, { onHand: -leaving, committed: -fromCommitted });
      if (fromCommitted) {
        await em.query('UPDATE order_commitment SET open = open - ? WHERE order_id = ? AND sku_code = ? AND location_code = ?', [fromCommitted, shipment.orderId, unit.sku, shipment.location]);
        shipped.push({ channel: row.channel_code, sku: unit.sku, units: -fromCommitted });
      }
      if (leaving < unit.quantity) {
        await raiseAlert(em, {
          kind: 'NEGATIVE_STOCK', sku: unit.sku, channel: shipment.channel, location: shipment.location,
          message: `Shipment ${shipment.shipmentId} took ${unit.quantity} × ${unit.sku} from ${shipment.location}, which counted only ${before.onHand} on hand`,
        });
      }
    }
    await changeHeld(em, this.dialect, shipped);
    if (skus.length) await publishAvailability(em, this.dialect, skus);
  }

  async receiveReturn(em: EntityManager, received: ReturnRecorded): Promise<void> {
    const skus = [...new Set(received.units.map((unit) => unit.sku))].sort();
    for (const sku of skus) await ensureStockRow(em, this.dialect, sku, received.location);
    const read = await loadStock(em, this.dialect, skus, { lock: true });
    const now = new Date();
    const totals = new Map<string, { quantity: number; damaged: number }>();
    for (const unit of received.units) {
      const total = totals.get(unit.sku) ?? { quantity: 0, damaged: 0 };
      total.quantity += unit.quantity;
      if (!unit.resellable) total.damaged += unit.quantity;
      totals.set(unit.sku, total);
    }
    for (const [sku, total] of [...totals].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await moveStock(em, { sku, location: received.location, type: 'RETURN', source: 'order', idempotencyKey: received.returnId, occurredAt: now, reason: `return of order ${received.orderId}` },
        rawFigures(read, sku, received.location), { onHand: total.quantity, damaged: total.damaged });
    }
    if (skus.length) await publishAvailability(em, this.dialect, skus);
  }
}
