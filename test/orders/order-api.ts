import { gql, gqlOk } from '../support/client';

/** The order operations as a channel connector or an ops tool would send them. */
export const ORDER_FIELDS = `id externalId status channel { code } lines { sku { code } quantity } progress { sku { code } quantity shipped returned }
  routing { id split reasons atRisk promisedShipDate assignments { location { code } lines { sku { code } quantity } } backordered { sku { code } quantity } }`;
export const IMPORT = `mutation($i: ImportOrderInput!) { importOrder(input: $i) { ${ORDER_FIELDS} } }`;
export const CANCEL = `mutation($c: ID!, $e: ID!) { cancelOrder(channel: $c, externalId: $e) { ${ORDER_FIELDS} } }`;
export const SHIP = `mutation($i: RecordShipmentInput!) { recordShipment(input: $i) { ${ORDER_FIELDS} } }`;
export const RETURN = `mutation($i: RecordReturnInput!) { recordReturn(input: $i) { ${ORDER_FIELDS} } }`;
export const ORDER = `query($c: ID!, $e: ID!) { order(channel: $c, externalId: $e) { ${ORDER_FIELDS} } }`;
export const RULES = 'mutation($i: RoutingRulesInput!) { upsertRoutingRules(input: $i) { strategies locations { location { code } cutoffHourUtc handlingDays } } }';
const STOCK = 'query($s: ID!) { sku(code: $s) { stock { location { code } onHand available committed reserved damaged } } }';

export interface OrderInput {
  channel?: string;
  externalId: string;
  lines: { sku?: string; listingExternalId?: string; quantity: number }[];
  shipTo?: { country: string; postalCode?: string | null };
  [field: string]: unknown;
}

export const orderInput = (input: OrderInput) => ({ channel: 'web', shipTo: { country: 'US', postalCode: '10001' }, ...input });

export async function importOrder(url: string, input: OrderInput, apiKey?: string) {
  return (await gqlOk(url, IMPORT, { i: orderInput(input) }, apiKey)).importOrder;
}

export const tryImport = (url: string, input: OrderInput, apiKey?: string) => gql(url, IMPORT, { i: orderInput(input) }, apiKey);

export interface Figures {
  onHand: number;
  available: number;
  committed: number;
  reserved: number;
  damaged: number;
}

/** A SKU's buckets at each location, by location code. */
export async function stockOf(url: string, sku: string): Promise<Record<string, Figures>> {
  const data = await gqlOk(url, STOCK, { s: sku });
  return Object.fromEntries(data.sku.stock.map((level: Figures & { location: { code: string } }) => {
    const { location, ...figures } = level;
    return [location.code, figures];
  }));
}

/** Where the order's units are committed: location → sku → units. */
export function placements(order: { routing: { assignments: { location: { code: string }; lines: { sku: { code: string }; quantity: number }[] }[] } | null }) {
  const result: Record<string, Record<string, number>> = {};
  for (const assignment of order.routing?.assignments ?? []) {
    result[assignment.location.code] = Object.fromEntries(assignment.lines.map((line) => [line.sku.code, line.quantity]));
  }
  return result;
}
