import type { Logger } from '../../../shared/logger';
import type { OutboxRelay } from '../../../shared/outbox';
import type { ConnectorSettings } from '../domain/connector-settings';
import { driftMessage, findDrift } from '../domain/drift';
import { listingQuantity } from '../domain/listing-quantity';
import type { ChannelConnector } from '../connectors/connector';
import type { ChannelHealthStore } from '../store/channel-health-store';
import type { ConnectorStore } from '../store/connector-store';
import type { DriftRecord } from '../store/drift-record';

export interface ReconcileReport {
  checked: number;
  drifting: number;
  corrected: number;
  /** The drifting listings found, the first 200 (the report is kept in a TEXT column). */
  drifts: { externalId: string; sku: string; expected: number; observed: number }[];
}

const REPORTED_DRIFTS = 200;

/** Listings compared per round when the channel reads them one by one (Amazon). */
const SINGLE_READ_CHUNK = 20;

/**
 * Reads every listing's quantity on the channel and compares it with what stockgraph computes.
 * Only listings with nothing in flight are judged (a pending push is not drift, it is lag), and
 * a listing that moved while the channel was read is left for next time. Drift beyond the
 * channel's threshold is recorded and alerted; with `correct`, pushed over.
 */
export async function reconcileChannel(deps: {
  settings: ConnectorSettings;
  connector: ChannelConnector;
  connectors: ConnectorStore;
  drift: DriftRecord;
  health: ChannelHealthStore;
  logger: Logger;
  relay: Pick<OutboxRelay, 'flush'>;
  correct: boolean;
}): Promise<ReconcileReport> {
  const { settings, connector, drift } = deps;
  const channel = settings.channel;
  const startedAt = Date.now();
  const holdBack = await deps.health.holdBackFor(channel);
  const report: ReconcileReport = { checked: 0, drifting: 0, corrected: 0, drifts: [] };
  let after: string | null = null;
  for (;;) {
    const listings = await drift.listings(channel, after, connector.readBatchSize > 1 ? connector.readBatchSize : SINGLE_READ_CHUNK);
    if (listings.length === 0) break;
    after = listings[listings.length - 1].externalId;
    const settled = listings.filter((listing) => listing.settled);
    if (settled.length === 0) continue;
    const observed = await connector.read(settled.map((listing) => listing.externalId));
    const now = Date.now();
    const byId = new Map(settled.map((listing) => [listing.externalId, listing]));
    const found = findDrift(settled.map((listing) => ({
      externalId: listing.externalId,
      expected: listingQuantity(listing.available, listing.unitsPerListing, holdBack),
      observed: observed.get(listing.externalId) ?? null,
    })), settings.drift.threshold);
    const recorded = await drift.record(channel, found.map((d) => {
      const listing = byId.get(d.externalId)!;
      return { externalId: d.externalId, sku: listing.sku, version: listing.version, observed: d.observed!, message: driftMessage(channel, d, listing.pushedAt, now) };
    }), deps.correct, now);
    for (const d of found) {
      if (report.drifts.length < REPORTED_DRIFTS) report.drifts.push({ externalId: d.externalId, sku: byId.get(d.externalId)!.sku, expected: d.expected, observed: d.observed! });
    }
    const drifting = new Set(found.map((d) => d.externalId));
    const cleared = await drift.clear(channel, settled.filter((listing) => listing.driftSince !== null && !drifting.has(listing.externalId)));
    // Alerts raised or resolved leave now, not at the relay's next poll.
    if (recorded || cleared) await deps.relay.flush();
    report.checked += settled.length;
    report.drifting += recorded;
    if (deps.correct) report.corrected += recorded;
  }
  await deps.connectors.markReconciled(channel, new Date(startedAt).toISOString(), report);
  if (report.drifting) deps.logger.warn('channel drift found', { channel, checked: report.checked, drifting: report.drifting, corrected: report.corrected });
  return report;
}
