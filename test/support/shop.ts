import { gqlOk } from './client';

/** Sets up a small shop through the public API: locations, channels, SKUs, stock. */
export async function seedShop(url: string, options: { stock?: Record<string, Record<string, number>>; channels?: { code: string; locations: string[]; bufferUnits?: number; paused?: boolean }[]; bundles?: Record<string, { sku: string; quantity: number }[]> } = {}) {
  await gqlOk(url, 'mutation($i: UpsertLocationInput!) { upsertLocation(input: $i) { code } }', { i: { code: 'east', name: 'East', kind: 'WAREHOUSE', country: 'US' } });
  await gqlOk(url, 'mutation($i: UpsertLocationInput!) { upsertLocation(input: $i) { code } }', { i: { code: 'west', name: 'West', kind: 'WAREHOUSE', country: 'US' } });
  for (const channel of options.channels ?? [{ code: 'web', locations: ['east', 'west'] }, { code: 'amazon', locations: ['west', 'east'] }]) {
    await gqlOk(url, 'mutation($i: UpsertChannelInput!) { upsertChannel(input: $i) { code } }', { i: { name: channel.code, ...channel } });
  }
  const stock = options.stock ?? { A: { east: 10, west: 5 }, B: { east: 3 } };
  for (const sku of Object.keys(stock)) {
    await gqlOk(url, 'mutation($i: UpsertSkuInput!) { upsertSku(input: $i) { code } }', { i: { code: sku, title: `Product ${sku}` } });
  }
  for (const [bundle, components] of Object.entries(options.bundles ?? {})) {
    await gqlOk(url, 'mutation($i: UpsertSkuInput!) { upsertSku(input: $i) { code } }', { i: { code: bundle, title: `Bundle ${bundle}`, components } });
  }
  const events = Object.entries(stock).flatMap(([sku, byLocation]) =>
    Object.entries(byLocation).filter(([, quantity]) => quantity > 0).map(([location, quantity]) => ({
      idempotencyKey: `seed-${sku}-${location}`, source: 'seed', type: 'RECEIPT', sku, location, quantity, occurredAt: new Date().toISOString(),
    })));
  if (events.length) await gqlOk(url, 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied } }', { e: events });
}
