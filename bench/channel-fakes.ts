import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { FakeAmazon, type FakeAmazonOptions } from '../test/fakes/fake-amazon';
import { FakeShopify, type FakeShopifyOptions } from '../test/fakes/fake-shopify';

/**
 * The fake Shopify and Amazon servers of test/fakes, run in a worker thread: like a real channel
 * they have their own event loop and clock, so when the system under load stalls its own loop,
 * requests still arrive, are counted against the rate limit and timestamped as they come, not
 * when the system's loop gets round to them.
 */
export interface ChannelFakesOptions {
  shopify: FakeShopifyOptions;
  amazon: FakeAmazonOptions;
  variants: string[];
  sellerSkus: string[];
}

export interface Accepted { quantity: number; at: number }

export interface ChannelFakesReport {
  shop: { accepted: Record<string, Accepted[]>; stats: FakeShopify['stats'] };
  amazon: { accepted: Record<string, Accepted[]>; stats: FakeAmazon['stats'] };
}

export interface ChannelFakes {
  shop: { url: string; token: string; locationId: string };
  amazon: { url: string; accessToken: string; sellerId: string; marketplaceId: string };
  report(): Promise<ChannelFakesReport>;
  close(): Promise<void>;
}

const TAG = 'stockgraph-bench-channel-fakes';

export function startChannelFakes(options: ChannelFakesOptions): Promise<ChannelFakes> {
  const register = path.join(__dirname, '..', 'shared', 'register.js');
  const worker = new Worker(`require(${JSON.stringify(register)}); require(${JSON.stringify(__filename)});`, { eval: true, workerData: { tag: TAG, options } });
  const pending: ((message: any) => void)[] = [];
  worker.on('message', (message) => pending.shift()?.(message));
  const ask = <T>(command: string): Promise<T> => new Promise((resolve) => { pending.push(resolve); worker.postMessage(command); });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    pending.push((ready: Omit<ChannelFakes, 'report' | 'close'>) => resolve({
      ...ready,
      report: () => ask<ChannelFakesReport>('report'),
      close: async () => {
        await ask('close');
        await worker.terminate();
      },
    }));
  });
}

async function serve(options: ChannelFakesOptions): Promise<void> {
  const [shop, amazon] = await Promise.all([FakeShopify.start(options.shopify), FakeAmazon.start(options.amazon)]);
  for (const variant of options.variants) shop.addVariant(variant, 0);
  for (const sku of options.sellerSkus) amazon.addListing(sku, 0);
  parentPort!.on('message', async (command: string) => {
    if (command === 'report') {
      parentPort!.postMessage({ shop: { accepted: shop.accepted.all(), stats: shop.stats }, amazon: { accepted: amazon.accepted.all(), stats: amazon.stats } });
    } else if (command === 'close') {
      await Promise.all([shop.close(), amazon.close()]);
      parentPort!.postMessage('closed');
    }
  });
  parentPort!.postMessage({
    shop: { url: shop.url, token: shop.token, locationId: shop.locationId },
    amazon: { url: amazon.url, accessToken: amazon.accessToken, sellerId: amazon.sellerId, marketplaceId: amazon.marketplaceId },
  });
}

if (!isMainThread && workerData?.tag === TAG) void serve(workerData.options);
