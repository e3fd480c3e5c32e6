import { shopifySignature, verifyShopifySignature } from './webhook-signature';

const body = Buffer.from('{"id":820982911946154500,"line_items":[]}');

describe('Shopify webhook signature', () => {
  it('accepts the body the app secret signed', () => {
    expect(verifyShopifySignature(body, shopifySignature(body, 'hush'), 'hush')).toBe(true);
  });

  it('refuses another secret, a changed body, or no signature', () => {
    expect(verifyShopifySignature(body, shopifySignature(body, 'other'), 'hush')).toBe(false);
    expect(verifyShopifySignature(Buffer.from(`${body} `), shopifySignature(body, 'hush'), 'hush')).toBe(false);
    expect(verifyShopifySignature(body, undefined, 'hush')).toBe(false);
    expect(verifyShopifySignature(body, 'not base64 at all', 'hush')).toBe(false);
  });

  it('matches the digest Shopify documents: base64 of HMAC-SHA256', () => {
    expect(shopifySignature(Buffer.from('hello'), 'secret')).toBe('iKqz7ejTrflNJquQ07r9SiCDBww7zOnAFO4EpEOEfAs=');
  });
});
