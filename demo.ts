import { execute, parse } from 'graphql';
import type { Identity } from './shared/auth';
import type { SubgraphRuntime } from './shared/subgraph';

const DEMO_IDENTITY: Identity = { keyId: 'demo-loader', name: 'demo loader', scopes: ['admin'], channels: null };

async function run(runtime: SubgraphRuntime<any>, query: string, variables: Record<string, unknown>) {
  const result = await execute({ schema: runtime.schema, document: parse(query), variableValues: variables, contextValue: runtime.createContext(DEMO_IDENTITY, 'demo') });
  if (result.errors?.length) throw new Error(`demo data: ${result.errors.map((e) => e.message).join('; ')}`);
}

const SKUS: [string, string][] = [
  ['TEE-BLK-S', 'Organic tee, black, S'], ['TEE-BLK-M', 'Organic tee, black, M'], ['TEE-BLK-L', 'Organic tee, black, L'],
  ['TEE-WHT-M', 'Organic tee, white, M'], ['HOODIE-GRY-M', 'Heavyweight hoodie, grey, M'], ['CAP-NVY', 'Twill cap, navy'],
  ['SOCKS-WOOL', 'Merino socks'], ['MUG-ENAMEL', 'Enamel camp mug'], ['BOTTLE-STEEL', 'Steel bottle, 750 ml'],
  ['TOTE-CANVAS', 'Canvas tote'], ['BEANIE-RIB', 'Ribbed beanie'], ['NOTEBOOK-A5', 'Dot-grid notebook, A5'],
];

/**
 * A small shop to try the API on: two warehouses, three channels, a dozen SKUs with stock, a
 * bundle and a multipack listing. Loaded through the same mutations a client would call.
 */
export async function loadDemoData(subgraphs: { catalog: SubgraphRuntime<any>; inventory: SubgraphRuntime<any> }): Promise<boolean> {
  const existing = await subgraphs.catalog.db.query('SELECT COUNT(*) AS n FROM sku');
  if (Number(existing[0].n) > 0) return false;
  const { catalog, inventory } = subgraphs;
  const location = 'mutation($input: UpsertLocationInput!) { upsertLocation(input: $input) { code } }';
  await run(inventory, location, { input: { code: 'east', name: 'East warehouse (Newark)', kind: 'WAREHOUSE', country: 'US', postalCode: '07102' } });
  await run(inventory, location, { input: { code: 'west', name: 'West warehouse (Reno)', kind: 'WAREHOUSE', country: 'US', postalCode: '89502' } });
  const channel = 'mutation($input: UpsertChannelInput!) { upsertChannel(input: $input) { code } }';
  await run(inventory, channel, { input: { code: 'webstore', name: 'Own webstore', locations: ['east', 'west'] } });
  await run(inventory, channel, { input: { code: 'amazon-us', name: 'Amazon US', locations: ['west', 'east'], bufferUnits: 2 } });
  await run(inventory, channel, { input: { code: 'ebay', name: 'eBay', locations: ['east'], bufferUnits: 1 } });
  const sku = 'mutation($input: UpsertSkuInput!) { upsertSku(input: $input) { code } }';
  for (const [code, title] of SKUS) await run(catalog, sku, { input: { code, title } });
  await run(catalog, sku, { input: { code: 'GIFT-SET', title: 'Gift set: mug + 2 pairs of socks', components: [{ sku: 'MUG-ENAMEL', quantity: 1 }, { sku: 'SOCKS-WOOL', quantity: 2 }] } });
  const listing = 'mutation($input: UpsertListingInput!) { upsertListing(input: $input) { externalId } }';
  await run(catalog, listing, { input: { channel: 'amazon-us', externalId: 'B0SOCKS3PK', sku: 'SOCKS-WOOL', unitsPerListing: 3 } });
  await run(catalog, listing, { input: { channel: 'amazon-us', externalId: 'B0TEEBLKM', sku: 'TEE-BLK-M' } });
  await run(catalog, listing, { input: { channel: 'webstore', externalId: 'gift-set', sku: 'GIFT-SET' } });
  const events = SKUS.flatMap(([code], index) => [
    { idempotencyKey: `demo-${code}-east`, source: 'demo', type: 'RECEIPT', sku: code, location: 'east', quantity: 20 + index * 3, occurredAt: new Date().toISOString() },
    { idempotencyKey: `demo-${code}-west`, source: 'demo', type: 'RECEIPT', sku: code, location: 'west', quantity: 10 + index * 2, occurredAt: new Date().toISOString() },
  ]);
  await run(inventory, 'mutation($events: [InventoryEventInput!]!) { recordInventoryEvents(events: $events) { applied } }', { events });
  return true;
}
