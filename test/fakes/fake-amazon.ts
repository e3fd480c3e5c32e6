import http from 'node:http';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
import express from 'express';
import { AcceptedLog, Faults, ServerBucket } from './faults';

const PATH = '/listings/2021-08-01/items/:sellerId/:sku';

export interface FakeAmazonOptions {
  sellerId?: string;
  marketplaceId?: string;
  accessToken?: string;
  /** Login with Amazon: the refresh token exchanged for `accessToken`. */
  lwa?: { clientId: string; clientSecret: string; refreshToken: string };
  /** Per operation, as SP-API counts: patchListingsItem and getListingsItem each. */
  perSecond?: number;
  burst?: number;
}

/**
 * An Amazon Selling Partner API for tests, on loopback: Listings Items 2021-08-01 PATCH and GET
 * with the real shapes, the x-amz-access-token header (and a Login with Amazon token endpoint),
 * a token bucket per operation (5 per second, bursts of 10) answering 429 with Retry-After when
 * exceeded, faults on demand, and a record of every value accepted.
 */
export class FakeAmazon {
  readonly faults = new Faults();
  readonly accepted = new AcceptedLog();
  readonly stats = { requests: 0, throttled: 0, patches: 0, reads: 0, tokens: 0 };
  readonly sellerId: string;
  readonly marketplaceId: string;
  readonly accessToken: string;
  private readonly quantities = new Map<string, number>();
  private readonly buckets: { patch: ServerBucket; get: ServerBucket };
  private server!: http.Server;
  url = '';

  private constructor(private readonly options: FakeAmazonOptions) {
    this.sellerId = options.sellerId ?? 'A2SELLER';
    this.marketplaceId = options.marketplaceId ?? 'ATVPDKIKX0DER';
    this.accessToken = options.accessToken ?? 'Atza|test';
    this.buckets = { patch: new ServerBucket(options.perSecond ?? 5, options.burst ?? 10), get: new ServerBucket(options.perSecond ?? 5, options.burst ?? 10) };
  }

  static async start(options: FakeAmazonOptions = {}): Promise<FakeAmazon> {
    const fake = new FakeAmazon(options);
    const app = express();
    app.patch(PATH, express.json(), (req, res) => fake.patch(req, res));
    app.get(PATH, (req, res) => fake.get(req, res));
    app.post('/auth/o2/token', express.urlencoded({ extended: false }), (req, res) => fake.token(req, res));
    fake.server = http.createServer(app);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  addListing(sku: string, quantity = 0): void {
    this.quantities.set(sku, quantity);
  }

  quantity(sku: string): number | undefined {
    return this.quantities.get(sku);
  }

  /** Someone edits the quantity in Seller Central, past stockgraph. */
  handEdit(sku: string, quantity: number): void {
    this.quantities.set(sku, quantity);
  }

  async close(): Promise<void> {
    this.faults.releaseHeld();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Common to both operations: faults, the token, the seller and marketplace, the rate limit. Returns the SKU, or null when it answered. */
  private admit(req: express.Request, res: express.Response, bucket: ServerBucket): string | null {
    this.stats.requests++;
    if (this.faults.apply(req, res)) return null;
    if (req.get('x-amz-access-token') !== this.accessToken) {
      res.status(403).json({ errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: 'The access token you provided is revoked, malformed or invalid.' }] });
      return null;
    }
    if (!bucket.take()) {
      this.stats.throttled++;
      res.status(429).set('retry-after', String(bucket.retryAfterSeconds())).set('x-amzn-RateLimit-Limit', String(this.options.perSecond ?? 5))
        .json({ errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] });
      return null;
    }
    if (req.params.sellerId !== this.sellerId || req.query.marketplaceIds !== this.marketplaceId) {
      res.status(400).json({ errors: [{ code: 'InvalidInput', message: 'Invalid sellerId or marketplaceIds' }] });
      return null;
    }
    const sku = String(req.params.sku);
    if (!this.quantities.has(sku)) {
      res.status(404).json({ errors: [{ code: 'NOT_FOUND', message: `SKU '${sku}' not found in marketplace ${this.marketplaceId}` }] });
      return null;
    }
    return sku;
  }

  private patch(req: express.Request, res: express.Response): void {
    const sku = this.admit(req, res, this.buckets.patch);
    if (sku === null) return;
    this.stats.patches++;
    const body = req.body as { productType?: unknown; patches?: { op?: string; path?: string; value?: { fulfillment_channel_code?: string; quantity?: unknown }[] }[] };
    const patch = body?.patches?.[0];
    const value = patch?.value?.[0];
    const issues: { code: string; message: string; severity: string; attributeNames?: string[] }[] = [];
    if (typeof body?.productType !== 'string') issues.push({ code: '4000001', message: 'productType is required', severity: 'ERROR' });
    if (body?.patches?.length !== 1 || patch?.op !== 'replace' || patch?.path !== '/attributes/fulfillment_availability') {
      issues.push({ code: '4000002', message: 'expected one replace of /attributes/fulfillment_availability', severity: 'ERROR' });
    }
    if (!value || typeof value.quantity !== 'number' || !Number.isInteger(value.quantity) || value.quantity < 0 || !value.fulfillment_channel_code) {
      issues.push({ code: '90220', message: "'quantity' must be a whole number of at least 0", severity: 'ERROR', attributeNames: ['fulfillment_availability'] });
    }
    if (issues.length) {
      res.status(400).json({ sku, status: 'INVALID', submissionId: crypto.randomUUID(), issues });
      return;
    }
    this.quantities.set(sku, value!.quantity as number);
    this.accepted.record(sku, value!.quantity as number);
    res.json({ sku, status: 'ACCEPTED', submissionId: crypto.randomUUID(), issues: [] });
  }

  private get(req: express.Request, res: express.Response): void {
    const sku = this.admit(req, res, this.buckets.get);
    if (sku === null) return;
    this.stats.reads++;
    const included = String(req.query.includedData ?? 'summaries').split(',');
    res.json({
      sku,
      ...(included.includes('summaries') ? { summaries: [{ marketplaceId: this.marketplaceId, asin: `B0${sku.slice(0, 8)}`, productType: 'PRODUCT', status: ['BUYABLE'] }] } : {}),
      ...(included.includes('fulfillmentAvailability') ? { fulfillmentAvailability: [{ fulfillmentChannelCode: 'DEFAULT', quantity: this.quantities.get(sku) }] } : {}),
    });
  }

  private token(req: express.Request, res: express.Response): void {
    const lwa = this.options.lwa;
    const form = req.body as Record<string, string>;
    if (!lwa || form.grant_type !== 'refresh_token' || form.refresh_token !== lwa.refreshToken || form.client_id !== lwa.clientId || form.client_secret !== lwa.clientSecret) {
      res.status(400).json({ error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : refresh_token' });
      return;
    }
    this.stats.tokens++;
    res.json({ access_token: this.accessToken, refresh_token: lwa.refreshToken, token_type: 'bearer', expires_in: 3600 });
  }
}
