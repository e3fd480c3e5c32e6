/** An order a channel told us about, in the shape orders' `importOrder` and `cancelOrder` take. */
export type ChannelOrder =
  | {
    action: 'create';
    channel: string;
    externalId: string;
    lines: { listingExternalId: string; quantity: number }[];
    shipTo: { country: string; postalCode: string | null };
    placedAt: string | null;
  }
  | { action: 'cancel'; channel: string; externalId: string };

interface ShopifyAddress { country_code?: string | null; zip?: string | null }
interface ShopifyOrder {
  id?: number | string;
  created_at?: string;
  line_items?: { variant_id?: number | string | null; quantity?: number }[];
  shipping_address?: ShopifyAddress | null;
  billing_address?: ShopifyAddress | null;
}

/** Topics of Shopify order webhooks this turns into orders; any other topic is acknowledged and ignored. */
export const SHOPIFY_ORDER_TOPICS = ['orders/create', 'orders/cancelled'] as const;

/**
 * A Shopify order webhook as a channel order, or the reason it cannot be one. A Shopify listing
 * is the variant (its externalId the numeric variant id), so each line names its listing by
 * `variant_id`; lines of the same variant are added up. A line with no variant (a custom item)
 * sells nothing stockgraph tracks.
 */
export function shopifyChannelOrder(channel: string, topic: string, body: ShopifyOrder, defaultCountry: string): ChannelOrder | { refused: string } {
  if (body.id === undefined || body.id === null || String(body.id).length === 0) return { refused: 'the order has no id' };
  const externalId = String(body.id);
  if (topic === 'orders/cancelled') return { action: 'cancel', channel, externalId };
  const quantities = new Map<string, number>();
  for (const item of body.line_items ?? []) {
    if (item.variant_id === undefined || item.variant_id === null) continue;
    if (!Number.isInteger(item.quantity) || item.quantity! < 1) return { refused: `line of variant ${item.variant_id} has quantity ${item.quantity}` };
    const listing = String(item.variant_id);
    quantities.set(listing, (quantities.get(listing) ?? 0) + item.quantity!);
  }
  if (quantities.size === 0) return { refused: 'no line names a variant' };
  const address = body.shipping_address ?? body.billing_address ?? null;
  return {
    action: 'create',
    channel,
    externalId,
    lines: [...quantities].map(([listingExternalId, quantity]) => ({ listingExternalId, quantity })),
    shipTo: { country: (address?.country_code ?? defaultCountry).toUpperCase(), postalCode: address?.zip ?? null },
    placedAt: body.created_at ? new Date(body.created_at).toISOString() : null,
  };
}
