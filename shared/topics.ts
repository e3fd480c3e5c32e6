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
  /** sync → `{ kind: 'SYNC_FAILED' | 'DRIFT', channel, sku, message, resolved }`: raise an alert about channel sync, or (`resolved`) close the open ones of that kind, channel and SKU */
  syncAlert: 'sync.alert',
  /** sync → `{ channel, paused, reason }`: pause a channel that cannot be kept in sync (outage fallback), or lift that pause */
  channelPauseRequested: 'sync.channel-pause-requested',
  /** sync → `{ action: 'create', channel, externalId, lines: [{ listingExternalId, quantity }], shipTo, placedAt } | { action: 'cancel', channel, externalId }`: an order a channel reported (webhook) */
  channelOrderReceived: 'sync.channel-order-received',
  /** inventory → `{ code, name, locations, bufferUnits, paused }` */
  channelUpserted: 'inventory.channel-upserted',
  /** inventory → `{ cursor, channel, sku, available, at }` */
  availabilityChanged: 'inventory.availability-changed',
  /** inventory → `{ code, name, kind, country, postalCode }` */
  locationUpserted: 'inventory.location-upserted',
  /** inventory → `{ sku, location, sellable, incoming: [{ quantity, expectedAt }], version }`: what one location can sell of one SKU now; `version` orders the figures of that pair */
  stockChanged: 'inventory.stock-changed',
  /** orders → `{ orderId, channel, externalId, placedAt, shipTo, shipBy, deliverBy, express, reservationId, units: [{ sku, quantity }] }`: an order to route (`units` are stock SKUs, bundles broken down) */
  orderAccepted: 'orders.order-accepted',
  /** orders → `{ orderId, channel, externalId }` */
  orderCanceled: 'orders.order-canceled',
  /** orders → `{ orderId, channel, shipmentId, location, units, orderStatus }` */
  shipmentRecorded: 'orders.shipment-recorded',
  /** orders → `{ orderId, channel, returnId, location, units: [{ sku, quantity, resellable }] }` */
  returnRecorded: 'orders.return-recorded',
  /** inventory → `{ orderId, reservationId, outcome, committed: [{ location, lines }], order }`: an order's reservation became (or could not become) its commitment */
  reservationConfirmed: 'inventory.reservation-confirmed',
  /** routing → `{ orderId, channel, externalId, sequence, assignments: [{ location, lines }], backordered, decidedAt }`: commit these units */
  routingDecided: 'routing.decided',
  /** inventory → `{ orderId, channel, sequence, committed: [{ location, lines }], backordered }`: the decision's units are committed; `committed` is all the order ever had committed */
  orderCommitted: 'inventory.order-committed',
  /** inventory → `{ orderId, channel, sequence, shortages, stock }`: stock moved since the decision, nothing was committed; `stock` are the fresh figures */
  commitRefused: 'inventory.commit-refused',
  /** routing → `{ id, orderId, channel, assignments, backordered, reasons, promisedShipDate, atRisk, decidedAt }`: a decision as recorded, for routingDecided */
  orderRouted: 'routing.order-routed',
  /** inventory → `{ id, kind, sku, channel, location, message, raisedAt }`: an alert was raised, for alertRaised */
  alertRaised: 'inventory.alert-raised',
} as const;
