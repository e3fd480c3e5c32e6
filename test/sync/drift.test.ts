import { codeOf, gql, gqlOk } from '../support/client';
import { eventually, LISTING_SYNC, sellerSkuOf, startSyncShop, variantOf, type SyncShop } from './sync-shop';

const RECONCILE = `mutation($c: ID!, $fix: Boolean) { reconcileChannel(channel: $c, correct: $fix) {
  channel { code } checked corrected drifts { externalId sku { code } channelQuantity expectedQuantity } } }`;
const DRIFT_ALERTS = '{ alerts(kind: DRIFT) { channel { code } sku { code } message } }';

let shop: SyncShop;
beforeAll(async () => {
  shop = await startSyncShop({ stock: { TEE: 10, MUG: 5, CAP: 3 }, amazonConnector: { drift: { threshold: 1 } } });
  await shop.inSync();
});
afterAll(() => shop.close());

describe('drift between a channel and stockgraph', () => {
  it('finds nothing when every channel shows what stockgraph computes', async () => {
    const { reconcileChannel } = await gqlOk(shop.url, RECONCILE, { c: 'shop', fix: false });
    expect(reconcileChannel).toEqual({ channel: { code: 'shop' }, checked: 3, corrected: 0, drifts: [] });
  });

  it('a hand edit on the channel is found as drift, with a DRIFT alert saying how long it can have lasted', async () => {
    shop.shop.handEdit(variantOf('MUG'), 9);
    const { reconcileChannel } = await gqlOk(shop.url, RECONCILE, { c: 'shop', fix: false });
    expect(reconcileChannel.drifts).toEqual([{ externalId: variantOf('MUG'), sku: { code: 'MUG' }, channelQuantity: 9, expectedQuantity: 5 }]);
    expect(shop.shop.quantity(variantOf('MUG'))).toBe(9);
    const { alerts } = await gqlOk(shop.url, DRIFT_ALERTS);
    expect(alerts).toEqual([{ channel: { code: 'shop' }, sku: { code: 'MUG' }, message: expect.stringMatching(/shows 9, 4 more than the 5 stockgraph computes; drifting for up to \S+/) }]);
    const { listingSync } = await gqlOk(shop.url, LISTING_SYNC, { c: 'shop', e: variantOf('MUG') });
    expect(listingSync.drift).toEqual({ channelQuantity: 9, since: expect.any(String) });
  });

  it('found again, it raises no second alert while the first is open', async () => {
    await gqlOk(shop.url, RECONCILE, { c: 'shop', fix: false });
    expect((await gqlOk(shop.url, DRIFT_ALERTS)).alerts).toHaveLength(1);
  });

  it('with correct, the channel is set back to stockgraph’s figure and the alert resolved', async () => {
    const { reconcileChannel } = await gqlOk(shop.url, RECONCILE, { c: 'shop', fix: true });
    expect(reconcileChannel.corrected).toBe(1);
    await eventually(() => expect(shop.shop.quantity(variantOf('MUG'))).toBe(5), 5000, 'MUG corrected');
    await eventually(async () => expect((await gqlOk(shop.url, DRIFT_ALERTS)).alerts).toEqual([]), 5000, 'DRIFT resolved');
    expect((await gqlOk(shop.url, '{ alerts(kind: DRIFT, open: false) { resolvedAt } }')).alerts[0].resolvedAt).not.toBeNull();
    expect((await gqlOk(shop.url, LISTING_SYNC, { c: 'shop', e: variantOf('MUG') })).listingSync.drift).toBeNull();
  });

  it('a difference within the channel threshold is not drift', async () => {
    shop.amazon.handEdit(sellerSkuOf('TEE'), 11);
    shop.amazon.handEdit(sellerSkuOf('CAP'), 0);
    const { reconcileChannel } = await gqlOk(shop.url, RECONCILE, { c: 'amazon', fix: true });
    expect(reconcileChannel.drifts).toEqual([{ externalId: sellerSkuOf('CAP'), sku: { code: 'CAP' }, channelQuantity: 0, expectedQuantity: 3 }]);
    await eventually(() => expect(shop.amazon.quantity(sellerSkuOf('CAP'))).toBe(3), 5000, 'CAP corrected');
    expect(shop.amazon.quantity(sellerSkuOf('TEE'))).toBe(11);
  });

  it('the last report can be read again', async () => {
    const { driftReport } = await gqlOk(shop.url, '{ driftReport(channel: "amazon") { checked corrected drifts { externalId } } }');
    expect(driftReport).toEqual({ checked: 3, corrected: 1, drifts: [{ externalId: sellerSkuOf('CAP') }] });
  });

  it('a channel without a connector cannot be reconciled', async () => {
    expect(codeOf(await gql(shop.url, RECONCILE, { c: 'web' }))).toBe('BAD_USER_INPUT');
  });

  it('runs by itself every SYNC_RECONCILE_MS and corrects when the channel policy says so', async () => {
    const periodic = await startSyncShop({ stock: { TEE: 4 }, env: { SYNC_RECONCILE_MS: '300' }, amazonConnector: { drift: { correct: true } } });
    try {
      await periodic.inSync();
      periodic.amazon.handEdit(sellerSkuOf('TEE'), 40);
      await eventually(() => expect(periodic.amazon.quantity(sellerSkuOf('TEE'))).toBe(4), 5000, 'TEE corrected without asking');
      // Raised when found, resolved once the channel accepted the correction.
      await eventually(async () => {
        expect((await gqlOk(periodic.url, '{ alerts(kind: DRIFT, open: false) { sku { code } } }')).alerts).toEqual([{ sku: { code: 'TEE' } }]);
      }, 5000, 'the DRIFT alert raised and resolved');
    } finally {
      await periodic.close();
    }
  });
});
