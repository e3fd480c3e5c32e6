import type { AmazonSettings, ConnectorSettings } from '../domain/connector-settings';
import { resolveSecret } from '../domain/connector-settings';
import { ChannelError, type ChannelConnector, type ListingPush, type PushResult } from './connector';
import { request, type HttpAnswer } from './http';
import { LwaToken } from './lwa-token';
import { RateGate } from './rate-gate';

const LISTINGS_PATH = '/listings/2021-08-01/items';

interface Issue { code?: string; message?: string; severity?: string }

/**
 * Amazon Selling Partner API, Listings Items 2021-08-01. A listing's externalId is the seller
 * SKU; its quantity is the `fulfillment_availability` attribute, replaced with one PATCH per
 * listing (the API has no batch form that answers in seconds). patchListingsItem and
 * getListingsItem each allow 5 requests per second with bursts of 10, counted separately.
 */
export class AmazonConnector implements ChannelConnector {
  readonly kind = 'AMAZON' as const;
  readonly batchSize = 1;
  readonly readBatchSize = 1;
  private readonly settings: AmazonSettings;
  private readonly patchGate: RateGate;
  private readonly getGate: RateGate;
  private readonly lwa: LwaToken | null;
  /** PATCH requests the rate gate already let through (acquirePush) and no push has used yet. */
  private reserved = 0;

  constructor(private readonly config: ConnectorSettings) {
    this.settings = config.amazon!;
    this.patchGate = new RateGate(config.rateLimit);
    this.getGate = new RateGate(config.rateLimit);
    const { lwaClientId, lwaClientSecret, lwaRefreshToken, lwaTokenUrl } = config.credentials;
    this.lwa = config.credentials.accessToken ? null : new LwaToken({
      clientId: resolveSecret(lwaClientId) ?? '', clientSecret: resolveSecret(lwaClientSecret) ?? '', refreshToken: resolveSecret(lwaRefreshToken) ?? '', tokenUrl: lwaTokenUrl,
    }, config.timeoutMs);
  }

  async acquirePush(): Promise<void> {
    await this.patchGate.acquire();
    this.reserved++;
  }

  releasePush(): void {
    this.reserved = Math.max(0, this.reserved - 1);
    this.patchGate.refund();
  }

  async push(items: readonly ListingPush[]): Promise<PushResult[]> {
    const results: PushResult[] = [];
    for (const item of items) {
      const answer = await this.call('PATCH', item.externalId, this.patchGate, {
        productType: this.settings.productType,
        patches: [{
          op: 'replace',
          path: '/attributes/fulfillment_availability',
          value: [{ fulfillment_channel_code: this.settings.fulfillmentChannelCode, quantity: item.quantity }],
        }],
      });
      const errors = ((answer.body?.issues ?? []) as Issue[]).filter((issue) => issue.severity === 'ERROR');
      if (answer.status === 200 && answer.body?.status === 'ACCEPTED' && errors.length === 0) {
        results.push({ externalId: item.externalId, ok: true, quantity: item.quantity });
      } else {
        results.push({ externalId: item.externalId, ok: false, error: new ChannelError('rejected', describe(answer, errors)) });
      }
    }
    return results;
  }

  async read(externalIds: readonly string[]): Promise<Map<string, number | null>> {
    const found = new Map<string, number | null>();
    for (const sku of externalIds) {
      const answer = await this.call('GET', sku, this.getGate, undefined, '&includedData=fulfillmentAvailability');
      if (answer.status === 404) { found.set(sku, null); continue; }
      if (answer.status !== 200) throw new ChannelError('unreachable', describe(answer, []));
      const availability = ((answer.body?.fulfillmentAvailability ?? []) as { fulfillmentChannelCode?: string; quantity?: number }[])
        .find((entry) => entry.fulfillmentChannelCode === this.settings.fulfillmentChannelCode);
      found.set(sku, typeof availability?.quantity === 'number' ? availability.quantity : null);
    }
    return found;
  }

  private async call(method: 'GET' | 'PATCH', sku: string, gate: RateGate, body?: unknown, query = ''): Promise<HttpAnswer> {
    const url = `${this.config.baseUrl}${LISTINGS_PATH}/${encodeURIComponent(this.settings.sellerId)}/${encodeURIComponent(sku)}?marketplaceIds=${encodeURIComponent(this.settings.marketplaceId)}${query}`;
    for (let attempt = 1; ; attempt++) {
      if (gate === this.patchGate && this.reserved > 0) this.reserved--;
      else await gate.acquire();
      const headers = { 'x-amz-access-token': await this.token(), accept: 'application/json', 'user-agent': 'stockgraph/0.1 (Language=TypeScript)' };
      try {
        const answer = await request(url, { method, headers, body, timeoutMs: this.config.timeoutMs });
        // An expired LWA token answers 403: exchange it once and try again.
        if (answer.status === 403 && this.lwa && attempt === 1) { this.lwa.invalidate(); continue; }
        if (answer.status === 401 || answer.status === 403) throw new ChannelError('unreachable', describe(answer, []));
        return answer;
      } catch (error) {
        if (error instanceof ChannelError && error.kind === 'throttled') gate.pause(error.retryAfterMs ?? 1000);
        if (error instanceof ChannelError && error.timedOut) gate.charge();
        throw error;
      }
    }
  }

  private async token(): Promise<string> {
    if (this.lwa) return this.lwa.get();
    return resolveSecret(this.config.credentials.accessToken) ?? '';
  }
}

function describe(answer: HttpAnswer, issues: Issue[]): string {
  const listed = issues.length ? issues : ((answer.body?.issues ?? answer.body?.errors ?? []) as Issue[]);
  const detail = listed.map((issue) => `${issue.code ?? 'ERROR'}: ${issue.message ?? ''}`.trim()).join('; ');
  return `HTTP ${answer.status}${answer.body?.status ? ` ${answer.body.status}` : ''}${detail ? ` ${detail}` : ''}`;
}
