/**
 * The quantity a channel should show for a listing: whole packs of the SKU's availability on
 * that channel, after `holdBack` units kept aside while another channel is out of reach (its
 * stale figures may still sell them). Unknown availability is 0: inventory only reports a SKU
 * once it can sell some.
 */
export function listingQuantity(available: number | null, unitsPerListing: number, holdBack = 0): number {
  const sellable = Math.max(0, (available ?? 0) - holdBack);
  return Math.floor(sellable / Math.max(1, unitsPerListing));
}
