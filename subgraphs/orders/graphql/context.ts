import DataLoader from 'dataloader';
import { requestContexts, type LoadersOf } from '../../../shared/request-context';
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

/** Per request (see `requestContexts`): batching never mixes callers and nothing is cached across requests. */
export const ordersContexts = (services: OrdersServices) => requestContexts<OrdersServices, LoadersOf<OrdersContext, OrdersServices>>(services, {
  orderLoader: () => new DataLoader((ids) => services.orders.byIds(ids)),
  shipmentLoader: () => new DataLoader((ids) => services.orders.shipmentsOf(ids)),
  returnLoader: () => new DataLoader((ids) => services.orders.returnsOf(ids)),
});
