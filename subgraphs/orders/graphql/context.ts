import DataLoader from 'dataloader';
import type { Identity } from '../../../shared/auth';
import type { Fulfilment } from '../store/fulfilment-store';
import type { OrderIntake } from '../store/order-intake';
import type { OrderStore, StoredOrder, StoredReturn, StoredShipment } from '../store/order-store';

export interface OrdersServices {
  orders: OrderStore;
  intake: OrderIntake;
  fulfilment: Fulfilment;
}

export interface OrdersContext extends OrdersServices {
  identity: Identity | null;
  requestId: string;
  orderLoader: DataLoader<string, StoredOrder | null>;
  shipmentLoader: DataLoader<string, StoredShipment[]>;
  returnLoader: DataLoader<string, StoredReturn[]>;
}

export function createOrdersContext(services: OrdersServices, identity: Identity | null, requestId: string): OrdersContext {
  return {
    ...services,
    identity,
    requestId,
    orderLoader: new DataLoader((ids) => services.orders.byIds(ids)),
    shipmentLoader: new DataLoader((ids) => services.orders.shipmentsOf(ids)),
    returnLoader: new DataLoader((ids) => services.orders.returnsOf(ids)),
  };
}
