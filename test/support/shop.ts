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
  if (events.length) await receiveAll(url, events);
}

const RECORD = 'mutation($e: [InventoryEventInput!]!) { recordInventoryEvents(events: $e) { applied duplicates rejected { idempotencyKey code message } } }';

/**
 * Records the seed's receipts until every one is in. Scaled out, inventory learns of a new SKU
 * from the catalog's event a moment after `upsertSku` answers, and refuses a receipt for it until
 * then; sent again, those already in come back as duplicates. Any other refusal fails the seed.
 */
async function receiveAll(url: string, events: { idempotencyKey: string; sku: string }[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { recordInventoryEvents: result } = await gqlOk(url, RECORD, { e: events });
    const rejected: { idempotencyKey: string; code: string; message: string }[] = result.rejected;
    if (rejected.length === 0) return;
    const notYetKnown = rejected.every((refusal) => refusal.message.startsWith('Unknown SKU'));
    if (!notYetKnown || Date.now() > deadline) throw new Error(`the seed's stock was refused: ${JSON.stringify(rejected)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
