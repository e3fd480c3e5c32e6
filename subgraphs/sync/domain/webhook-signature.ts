import crypto from 'node:crypto';

/** Shopify's X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw request body with the app's secret. */
export function shopifySignature(rawBody: Buffer, secret: string): string {
  return crypto.createHmac('sha256', secret).update(rawBody).digest('base64');
}

/**
 * Whether the header signs exactly these bytes. Compared in constant time on the decoded
 * digest, so a forger learns nothing from how long the refusal took.
 */
export function verifyShopifySignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (!header || !secret) return false;
  const expected = crypto.createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}
