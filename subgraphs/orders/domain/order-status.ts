export const ORDER_STATUSES = ['ACCEPTED', 'BACKORDERED', 'ROUTED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Which status an order may move to from each status; anything else is refused. */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  ACCEPTED: ['ROUTED', 'BACKORDERED', 'CANCELED'],
  BACKORDERED: ['ROUTED', 'CANCELED'],
  ROUTED: ['PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELED'],
  PARTIALLY_SHIPPED: ['PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELED'],
  SHIPPED: [],
  CANCELED: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}
