import { CostEstimate, type ThrottleStatus } from '../domain/cost-throttle';
import { resolveSecret, type ConnectorSettings, type ShopifySettings } from '../domain/connector-settings';
import { ChannelError, type ChannelConnector, type ListingPush, type PushResult } from './connector';
import { CostGate } from './cost-gate';
import { request } from './http';

const LEVELS_QUERY = `query StockgraphLevels($ids: [ID!]!, $locationId: ID!) {
  nodes(ids: $ids) {
    ... on ProductVariant { id inventoryItem { id inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } } }
  }
}`;

const SET_QUANTITIES = `mutation StockgraphSetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason referenceDocumentUri changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}`;

const THROTTLE_RETRIES = 5;
/** What a levels query is guessed to cost before the shop has said: a base, and per variant looked up (variant, item, level, quantities). */
const LEVELS_BASE_COST = 2;
const LEVEL_COST = 4;

interface UserError { code?: string; field?: string[]; message: string }
interface Level { inventoryItemId: string; available: number | null }

const variantGid = (externalId: string) => (externalId.startsWith('gid://') ? externalId : `gid://shopify/ProductVariant/${externalId}`);

/**
 * Shopify Admin GraphQL API. A listing's externalId is its variant id; its quantity is the
 * `available` quantity of the variant's inventory item at the configured location, set with
 * inventorySetQuantities (up to 250 per request) guarded by compareQuantity: a figure that moved
 * since we last saw it (a sale on the shop, a hand edit) is re-read and set again, so the write
 * is never based on a guess. Requests wait their turn in the shop's cost bucket.
 */
export class ShopifyConnector implements ChannelConnector {
  readonly kind = 'SHOPIFY' as const;
  readonly batchSize: number;
  readonly readBatchSize: number;
  private readonly settings: ShopifySettings;
  private readonly endpoint: string;
  private readonly gate: CostGate;
  /** Before the shop reports real costs: a mutation costs 10, a looked-up variant a few points. */
  private readonly costs = { levels: new CostEstimate((items) => LEVELS_BASE_COST + LEVEL_COST * items, true), set: new CostEstimate(() => 10, false) };
  /** Points taken by acquirePush for mutations not sent yet. */
  private readonly reserved: number[] = [];
  /** variant gid → inventory item gid: fixed for a variant's life, looked up once. */
  private readonly items = new Map<string, string>();

  constructor(private readonly config: ConnectorSettings) {
    this.settings = config.shopify!;
    this.batchSize = config.batchSize;
    this.endpoint = `${config.baseUrl}/admin/api/${this.settings.apiVersion}/graphql.json`;
    this.gate = new CostGate(config.rateLimit);
    // A query costing more than the whole bucket is never let through: read in pieces that fit.
    this.readBatchSize = Math.max(1, Math.min(250, Math.floor((config.rateLimit.burst - LEVELS_BASE_COST) / LEVEL_COST)));
  }

  /**
   * Waits until the bucket holds a mutation's points and takes them. While the shop's budget is
   * what holds pushes back, listings are read only once it allows one: each request then carries
   * every change that piled up meanwhile.
   */
  async acquirePush(): Promise<void> {
    const cost = this.costs.set.estimate(this.batchSize);
    await this.gate.acquire(cost);
    this.reserved.push(cost);
  }

  releasePush(): void {
    const cost = this.reserved.shift();
    if (cost !== undefined) this.gate.settle(cost, null, true);
  }

  async push(pushes: readonly ListingPush[]): Promise<PushResult[]> {
    const results = new Map<string, PushResult>();
    const compare = new Map(pushes.map((push) => [push.externalId, push.compareQuantity]));
    const unknown = pushes.filter((push) => push.compareQuantity === null || !this.items.has(variantGid(push.externalId)));
    if (unknown.length) this.fill(compare, await this.levels(unknown.map((push) => push.externalId)));
    for (let attempt = 1; ; attempt++) {
      const pending = pushes.filter((push) => !results.has(push.externalId));
      for (const push of pending) {
        if (!this.items.has(variantGid(push.externalId))) {
          results.set(push.externalId, { externalId: push.externalId, ok: false, error: new ChannelError('rejected', `Shopify has no variant ${push.externalId} stocked at ${this.settings.locationId}`) });
        }
      }
      const sendable = pending.filter((push) => !results.has(push.externalId));
      if (sendable.length === 0) break;
      const errors = await this.setQuantities(sendable, compare);
      if (errors.length === 0) {
        for (const push of sendable) results.set(push.externalId, { externalId: push.externalId, ok: true, quantity: push.quantity });
        break;
      }
      const stale = errors.some((error) => error.code === 'COMPARE_QUANTITY_STALE');
      if (stale && attempt === 1) {
        // The shop's figure moved (its own sale, a hand edit): read what it shows now and set ours over it.
        this.fill(compare, await this.levels(sendable.map((push) => push.externalId)));
        continue;
      }
      // inventorySetQuantities applies all or nothing: the items it refused are rejected; the
      // others were not applied and go again soon. An error naming no item refuses them all.
      const refused = new Map<number, string>();
      for (const error of errors) {
        const index = Number(error.field?.[2]);
        if (error.code !== 'COMPARE_QUANTITY_STALE' && error.field?.[1] === 'quantities' && Number.isInteger(index)) refused.set(index, `${error.code ?? 'ERROR'}: ${error.message}`);
      }
      const summary = errors.map((error) => `${error.code ?? 'ERROR'}: ${error.message}`).join('; ');
      sendable.forEach((push, index) => {
        const reason = refused.get(index);
        const error = reason ? new ChannelError('rejected', reason)
          : refused.size > 0 || stale ? new ChannelError('conflict', `not applied: ${summary}`)
            : new ChannelError('rejected', summary);
        results.set(push.externalId, { externalId: push.externalId, ok: false, error });
      });
      break;
    }
    return pushes.map((push) => results.get(push.externalId)!);
  }

  async read(externalIds: readonly string[]): Promise<Map<string, number | null>> {
    const levels = await this.levels(externalIds);
    return new Map(externalIds.map((id) => [id, levels.get(id)?.available ?? null]));
  }

  private fill(compare: Map<string, number | null>, levels: Map<string, Level | null>): void {
    for (const [externalId, level] of levels) {
      if (!level) continue;
      this.items.set(variantGid(externalId), level.inventoryItemId);
      compare.set(externalId, level.available ?? 0);
    }
  }

  /** Each listing's inventory item and its `available` quantity at the location; null for a variant the shop does not have. */
  private async levels(externalIds: readonly string[]): Promise<Map<string, Level | null>> {
    const found = new Map<string, Level | null>();
    for (let start = 0; start < externalIds.length; start += this.readBatchSize) {
      const chunk = externalIds.slice(start, start + this.readBatchSize);
      const data = await this.graphql(this.costs.levels, chunk.length, LEVELS_QUERY, { ids: chunk.map(variantGid), locationId: this.settings.locationId });
      const nodes = (data?.nodes ?? []) as ({ id: string; inventoryItem?: { id: string; inventoryLevel?: { quantities?: { name: string; quantity: number }[] } | null } } | null)[];
      chunk.forEach((externalId, index) => {
        const node = nodes[index];
        if (!node?.inventoryItem?.inventoryLevel) { found.set(externalId, null); return; }
        const available = node.inventoryItem.inventoryLevel.quantities?.find((q) => q.name === 'available')?.quantity;
        found.set(externalId, { inventoryItemId: node.inventoryItem.id, available: available ?? null });
      });
    }
    return found;
  }

  private async setQuantities(pushes: readonly ListingPush[], compare: Map<string, number | null>): Promise<UserError[]> {
    const input = {
      name: 'available',
      reason: 'correction',
      // Names the system and moment behind the change in the shop's inventory history.
      referenceDocumentUri: `stockgraph://availability/${encodeURIComponent(this.config.channel)}?at=${new Date().toISOString()}`,
      ignoreCompareQuantity: false,
      quantities: pushes.map((push) => ({
        inventoryItemId: this.items.get(variantGid(push.externalId))!,
        locationId: this.settings.locationId,
        quantity: push.quantity,
        compareQuantity: compare.get(push.externalId) ?? 0,
      })),
    };
    const data = await this.graphql(this.costs.set, pushes.length, SET_QUANTITIES, { input }, this.reserved.shift());
    return (data?.inventorySetQuantities?.userErrors ?? []) as UserError[];
  }

  /** One Admin API call within the cost budget; THROTTLED is waited out and retried, a few times. */
  private async graphql(estimate: CostEstimate, items: number, query: string, variables: Record<string, unknown>, reserved?: number): Promise<any> {
    for (let attempt = 1; ; attempt++) {
      const cost = attempt === 1 && reserved !== undefined ? reserved : estimate.estimate(items);
      if (attempt > 1 || reserved === undefined) await this.gate.acquire(cost);
      let status: ThrottleStatus | undefined;
      let body: any;
      try {
        const answer = await request(this.endpoint, {
          method: 'POST',
          headers: { 'X-Shopify-Access-Token': resolveSecret(this.config.credentials.accessToken) ?? '', accept: 'application/json' },
          body: { query, variables },
          timeoutMs: this.config.timeoutMs,
        });
        if (answer.status !== 200) throw new ChannelError('unreachable', `Shopify answered HTTP ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`);
        body = answer.body;
        status = body?.extensions?.cost?.throttleStatus;
        const requested = body?.extensions?.cost?.requestedQueryCost;
        if (typeof requested === 'number') estimate.record(items, requested);
      } finally {
        this.gate.settle(cost, status);
      }
      const errors = (body?.errors ?? []) as { message: string; extensions?: { code?: string } }[];
      if (errors.some((error) => error.extensions?.code === 'THROTTLED')) {
        const wait = Math.max(this.gate.waitFor(estimate.estimate(items)), 50);
        if (attempt >= THROTTLE_RETRIES) throw new ChannelError('throttled', 'Shopify kept answering THROTTLED', wait);
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      if (errors.length) throw new ChannelError('unreachable', `Shopify refused the request: ${errors.map((error) => error.message).join('; ')}`);
      return body?.data;
    }
  }
}
