import { writeAll, type Database } from '../../../shared/database';
import type { EventBus } from '../../../shared/event-bus';
import { handleManyOnce, type OutboxRelay } from '../../../shared/outbox';
import { TOPICS } from '../../../shared/topics';
import type { EntityManager } from 'typeorm';
import { applyChannel, applyListing, availabilityWrites, type AvailabilityChange } from '../store/listing-copy';
import { publishPauseRequest } from './published';

/**
 * Sync keeps its own copy of listings, channels and availability per channel and SKU. Each
 * availability change marks the listings it moves as due and wakes their channel's worker; the
 * events of a batch apply in one transaction, and availability changes in a row in a few
 * statements, so a burst of sales is a few writes per batch.
 */
export async function consumeSyncEvents(bus: EventBus, db: Database, relay: Pick<OutboxRelay, 'flush'>, wake: (channels: Iterable<string>) => void): Promise<void> {
  await bus.consumeBatches('sync', [TOPICS.availabilityChanged, TOPICS.listingUpserted, TOPICS.channelUpserted], async (events) => {
    const due = new Set<string>();
    let published = false;
    // Availability changes in a row apply together, before the next event of another kind.
    let run: AvailabilityChange[] = [];
    /** The run so far, ended: the writes that apply it, its channels noted as due. */
    const endRun = async (em: EntityManager) => {
      const { writes, moved } = await availabilityWrites(em, db.dialect, run, new Date().toISOString());
      for (const channel of moved) due.add(channel);
      run = [];
      return writes;
    };
    await handleManyOnce(db, 'sync', events, async (em, event) => {
      const now = new Date().toISOString();
      const payload = event.payload;
      if (event.topic === TOPICS.availabilityChanged) {
        run.push({ channel: payload.channel, sku: payload.sku, available: payload.available, seq: event.seq ?? 0 });
        return;
      }
      await writeAll(em, await endRun(em));
      if (event.topic === TOPICS.listingUpserted) {
        await applyListing(em, payload, now);
        due.add(payload.channel);
      } else if (event.topic === TOPICS.channelUpserted) {
        await applyChannel(em, { code: payload.code, paused: Boolean(payload.paused) }, now);
        // An owner's upsertChannel rewrites `paused`: while our outage pause stands, ask for it again.
        const [health] = await em.query("SELECT paused_by_sync FROM channel_health WHERE channel_code = ? AND state = 'DOWN'", [payload.code]);
        if (!payload.paused && Number(health?.paused_by_sync ?? 0) === 1) {
          await publishPauseRequest(em, { channel: payload.code, paused: true, reason: `Channel ${payload.code} is still unreachable` });
          published = true;
        }
      }
    },
    // The batch's last run: its writes travel with the COMMIT.
    endRun,
    // An availability carries its publication sequence, and one no newer than the one held changes nothing: no record needed.
    (event) => event.topic === TOPICS.availabilityChanged);
    if (published) await relay.flush();
    wake(due);
  });
}
