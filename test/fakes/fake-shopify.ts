import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { buildSchema, execute, parse, validate, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { shopifySignature } from '../../subgraphs/sync/domain/webhook-signature';
import { AcceptedLog, Faults } from './faults';

const SCHEMA = buildSchema(`
  interface Node { id: ID! }
  type ProductVariant implements Node { id: ID! inventoryItem: InventoryItem! }
  type InventoryItem implements Node { id: ID! inventoryLevel(locationId: ID!): InventoryLevel }
  type InventoryLevel { id: ID! quantities(names: [String!]!): [InventoryQuantity!]! }
  type InventoryQuantity { name: String! quantity: Int! }
  type Query { nodes(ids: [ID!]!): [Node]! }
  input InventoryQuantityInput { inventoryItemId: ID! locationId: ID! quantity: Int! compareQuantity: Int }
  input InventorySetQuantitiesInput { name: String! reason: String! referenceDocumentUri: String ignoreCompareQuantity: Boolean quantities: [InventoryQuantityInput!]! }
  type InventoryChange { name: String! delta: Int! quantityAfterChange: Int }
  type InventoryAdjustmentGroup { reason: String! referenceDocumentUri: String changes: [InventoryChange!]! }
  type InventorySetQuantitiesUserError { code: String field: [String!] message: String! }
  type InventorySetQuantitiesPayload { inventoryAdjustmentGroup: InventoryAdjustmentGroup userErrors: [InventorySetQuantitiesUserError!]! }
  type Mutation { inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload }
`);

const REASONS = new Set(['correction', 'cycle_count_available', 'damaged', 'movement_created', 'movement_updated', 'movement_received', 'movement_canceled', 'other',
  'promotion', 'quality_control', 'received', 'reservation_created', 'reservation_deleted', 'reservation_updated', 'restock', 'safety_stock', 'shrinkage']);

const variantGid = (id: string) => `gid://shopify/ProductVariant/${id}`;
const itemGid = (id: string) => `gid://shopify/InventoryItem/9${id}`;
const idOf = (gid: string, type: string) => (gid.startsWith(`gid://shopify/${type}/`) ? gid.slice(`gid://shopify/${type}/`.length) : null);

export interface FakeShopifyOptions {
  token?: string;
  locationId?: string;
  /** The cost bucket: points, and points restored per second. */
  maximum?: number;
  restoreRate?: number;
  mutationCost?: number;
}

/**
 * A Shopify Admin GraphQL API for tests, on loopback: `nodes` and `inventorySetQuantities` with
 * the real input and payload shapes, compareQuantity (all or nothing), cost-based throttling
 * reported in `extensions.cost`, the access-token header, faults on demand, and a record of
 * every value accepted. Its own sales (`sell`) move its figures like a shop's checkout does.
 */
export class FakeShopify {
  readonly faults = new Faults();
  readonly accepted = new AcceptedLog();
  readonly stats = { requests: 0, throttled: 0, mutations: 0, reads: 0, stale: 0 };
  readonly token: string;
  readonly locationId: string;
  private readonly levels = new Map<string, number>();
  private readonly options: Required<FakeShopifyOptions>;
  private bucket: { available: number; at: number };
  private server!: http.Server;
  url = '';

  private constructor(options: FakeShopifyOptions) {
    this.options = { token: 'shpat_test', locationId: 'gid://shopify/Location/1', maximum: 1000, restoreRate: 50, mutationCost: 10, ...options };
    this.token = this.options.token;
    this.locationId = this.options.locationId;
    this.bucket = { available: this.options.maximum, at: Date.now() };
  }

  static async start(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
    const fake = new FakeShopify(options);
    const app = express();
    app.post('/admin/api/:version/graphql.json', express.json({ limit: '1mb' }), (req, res) => fake.handle(req, res));
    fake.server = http.createServer(app);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  addVariant(variantId: string, available = 0): void {
    this.levels.set(variantId, available);
  }

  quantity(variantId: string): number | undefined {
    return this.levels.get(variantId);
  }

  /** Another app of the shop spent the whole cost bucket: the next requests are THROTTLED until it restores. */
  drainBucket(): void {
    this.bucket = { available: 0, at: Date.now() };
  }

  /** Someone edits the figure in the Shopify admin, past stockgraph. */
  handEdit(variantId: string, available: number): void {
    this.levels.set(variantId, available);
  }

  /** The shop's own checkout sells: Shopify lowers its figure itself, then tells us by webhook. */
  sell(variantId: string, quantity: number): void {
    this.levels.set(variantId, (this.levels.get(variantId) ?? 0) - quantity);
  }

  /** POSTs an order webhook as Shopify does, signed with the app secret (or a given signature). */
  async sendWebhook(target: string, secret: string, topic: string, order: unknown, options: { webhookId?: string; signature?: string } = {}): Promise<Response> {
    const body = Buffer.from(JSON.stringify(order));
    return fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-hmac-sha256': options.signature ?? shopifySignature(body, secret),
        'x-shopify-shop-domain': 'stockgraph-test.myshopify.com',
        'x-shopify-webhook-id': options.webhookId ?? `wh-${Math.random().toString(36).slice(2)}`,
        'x-shopify-api-version': '2025-01',
      },
      body,
    });
  }

  async close(): Promise<void> {
    this.faults.releaseHeld();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: express.Request, res: express.Response): void {
    this.stats.requests++;
    if (this.faults.apply(req, res)) return;
    if (req.get('x-shopify-access-token') !== this.token) {
      res.status(401).json({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
      return;
    }
    let document: DocumentNode;
    try {
      document = parse(String(req.body?.query ?? ''));
    } catch (error) {
      res.json({ errors: [{ message: (error as Error).message }] });
      return;
    }
    const invalid = validate(SCHEMA, document);
    if (invalid.length) {
      res.json({ errors: invalid.map((error) => ({ message: error.message })) });
      return;
    }
    const variables = (req.body?.variables ?? {}) as Record<string, any>;
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
    const mutation = operation.operation === 'mutation';
    const cost = mutation ? this.options.mutationCost : 1 + 3 * ((variables.ids as unknown[] | undefined)?.length ?? 1);
    const now = Date.now();
    const available = Math.min(this.options.maximum, this.bucket.available + ((now - this.bucket.at) * this.options.restoreRate) / 1000);
    const throttleStatus = (left: number) => ({ maximumAvailable: this.options.maximum, currentlyAvailable: Math.floor(left), restoreRate: this.options.restoreRate });
    if (available < cost) {
      this.bucket = { available, at: now };
      this.stats.throttled++;
      res.json({
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
        extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: throttleStatus(available) } },
      });
      return;
    }
    this.bucket = { available: available - cost, at: now };
    if (mutation) this.stats.mutations++;
    else this.stats.reads++;
    const result = execute({ schema: SCHEMA, document, variableValues: variables, rootValue: this.root() }) as { data?: unknown; errors?: readonly Error[] };
    res.json({
      data: result.data ?? null,
      ...(result.errors ? { errors: result.errors.map((error) => ({ message: error.message })) } : {}),
      extensions: { cost: { requestedQueryCost: cost, actualQueryCost: cost, throttleStatus: throttleStatus(this.bucket.available) } },
    });
  }

  private root() {
    return {
      nodes: ({ ids }: { ids: string[] }) => ids.map((gid) => {
        const variant = idOf(gid, 'ProductVariant');
        if (variant === null || !this.levels.has(variant)) return null;
        return { __typename: 'ProductVariant', id: variantGid(variant), inventoryItem: this.item(variant) };
      }),
      inventorySetQuantities: ({ input }: { input: any }) => this.setQuantities(input),
    };
  }

  private item(variant: string) {
    return {
      __typename: 'InventoryItem',
      id: itemGid(variant),
      inventoryLevel: ({ locationId }: { locationId: string }) => (locationId !== this.locationId ? null : {
        id: `gid://shopify/InventoryLevel/${variant}?inventory_item_id=9${variant}`,
        quantities: ({ names }: { names: string[] }) => names.filter((name) => name === 'available').map((name) => ({ name, quantity: this.levels.get(variant) ?? 0 })),
      }),
    };
  }

  private setQuantities(input: { name: string; reason: string; referenceDocumentUri?: string; ignoreCompareQuantity?: boolean; quantities: { inventoryItemId: string; locationId: string; quantity: number; compareQuantity?: number | null }[] }) {
    const errors: { code: string; field: string[]; message: string }[] = [];
    if (input.name !== 'available') errors.push({ code: 'INVALID_NAME', field: ['input', 'name'], message: `The quantity name must be available, got ${input.name}` });
    if (!REASONS.has(input.reason)) errors.push({ code: 'INVALID_REASON', field: ['input', 'reason'], message: `Unknown reason ${input.reason}` });
    const variants = input.quantities.map((q) => {
      const item = idOf(q.inventoryItemId, 'InventoryItem');
      return item?.startsWith('9') ? item.slice(1) : null;
    });
    input.quantities.forEach((q, index) => {
      const variant = variants[index];
      const field = (name: string) => ['input', 'quantities', String(index), name];
      if (variant === null || !this.levels.has(variant)) errors.push({ code: 'INVALID_INVENTORY_ITEM', field: field('inventoryItemId'), message: 'The specified inventory item could not be found.' });
      else if (q.locationId !== this.locationId) errors.push({ code: 'INVALID_LOCATION', field: field('locationId'), message: 'The specified location could not be found.' });
      else if (q.quantity < 0) errors.push({ code: 'INVALID_QUANTITY_NEGATIVE', field: field('quantity'), message: 'The quantity can\'t be negative.' });
      else if (!input.ignoreCompareQuantity && (q.compareQuantity ?? null) !== this.levels.get(variant)) {
        this.stats.stale++;
        errors.push({ code: 'COMPARE_QUANTITY_STALE', field: field('compareQuantity'), message: 'The compareQuantity argument no longer matches the persisted quantity.' });
      }
    });
    // All or nothing, as Shopify applies one adjustment group.
    if (errors.length) return { inventoryAdjustmentGroup: null, userErrors: errors };
    const changes = input.quantities.map((q, index) => {
      const variant = variants[index]!;
      const before = this.levels.get(variant)!;
      this.levels.set(variant, q.quantity);
      this.accepted.record(variant, q.quantity);
      return { name: 'available', delta: q.quantity - before, quantityAfterChange: null };
    });
    return { inventoryAdjustmentGroup: { reason: input.reason, referenceDocumentUri: input.referenceDocumentUri ?? null, changes }, userErrors: [] };
  }
}
