/**
 * The event topics subgraphs exchange: the one contract between them besides the graph.
 * Payloads are plain JSON; each consumer keeps its own copy of what it needs.
 */
export const TOPICS = {
  /** catalog → `{ code, title, components: [{ sku, quantity }] }` */
  skuUpserted: 'catalog.sku-upserted',
  /** catalog → `{ channel, externalId, sku, unitsPerListing }` */
  listingUpserted: 'catalog.listing-upserted',
  /** catalog → `{ channel, externalId, mappedSku, requestedSku }`: a listing was refused because it is mapped already */
  mappingConflict: 'catalog.mapping-conflict',
  /** inventory → `{ code, name, locations, bufferUnits, paused }` */
  channelUpserted: 'inventory.channel-upserted',
  /** inventory → `{ cursor, channel, sku, available, at }` */
  availabilityChanged: 'inventory.availability-changed',
} as const;
