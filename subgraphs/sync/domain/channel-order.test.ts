import { shopifyChannelOrder } from './channel-order';

const order = {
  id: 450789469,
  created_at: '2026-03-01T10:00:00-05:00',
  line_items: [{ variant_id: 39072856, quantity: 1 }, { variant_id: 39072856, quantity: 2 }, { variant_id: 457924702, quantity: 1 }, { variant_id: null, quantity: 1 }],
  shipping_address: { country_code: 'ca', zip: 'K2P 1L4' },
};

describe('a Shopify order webhook as a channel order', () => {
  it('names each listing by variant id, adding up lines of one variant', () => {
    expect(shopifyChannelOrder('shop', 'orders/create', order, 'US')).toEqual({
      action: 'create', channel: 'shop', externalId: '450789469',
      lines: [{ listingExternalId: '39072856', quantity: 3 }, { listingExternalId: '457924702', quantity: 1 }],
      shipTo: { country: 'CA', postalCode: 'K2P 1L4' },
      placedAt: '2026-03-01T15:00:00.000Z',
    });
  });

  it('ships to the billing address, or the default country, without a shipping address', () => {
    const billing = shopifyChannelOrder('shop', 'orders/create', { ...order, shipping_address: null, billing_address: { country_code: 'DE', zip: '10115' } }, 'US');
    expect(billing).toMatchObject({ shipTo: { country: 'DE', postalCode: '10115' } });
    expect(shopifyChannelOrder('shop', 'orders/create', { ...order, shipping_address: null }, 'US')).toMatchObject({ shipTo: { country: 'US', postalCode: null } });
  });

  it('turns a cancellation into a cancel of the same order', () => {
    expect(shopifyChannelOrder('shop', 'orders/cancelled', order, 'US')).toEqual({ action: 'cancel', channel: 'shop', externalId: '450789469' });
  });

  it('refuses an order with nothing stockgraph tracks or a bad quantity', () => {
    expect(shopifyChannelOrder('shop', 'orders/create', { ...order, line_items: [{ variant_id: null, quantity: 1 }] }, 'US')).toEqual({ refused: 'no line names a variant' });
    expect(shopifyChannelOrder('shop', 'orders/create', { ...order, line_items: [{ variant_id: 1, quantity: 0 }] }, 'US')).toHaveProperty('refused');
    expect(shopifyChannelOrder('shop', 'orders/create', { line_items: [] }, 'US')).toEqual({ refused: 'the order has no id' });
  });
});
