import type { Database } from '../../../shared/database';
import type { Logger } from '../../../shared/logger';
import type { OutboxRelay } from '../../../shared/outbox';
import { retryDelay } from '../domain/backoff';
import type { ConnectorSettings } from '../domain/connector-settings';
import { formatDuration } from '../domain/drift';
import { afterFailure, afterSuccess, afterTick, type ChannelHealth, type HealthState } from '../domain/outage';
import type { ChannelError } from '../connectors/connector';
import { publishPauseRequest } from '../events/published';
import { UP, type ChannelHealthStore, type StoredHealth } from '../store/channel-health-store';
import { pausedByOwner, recomputeOtherChannels, resyncChannel } from '../store/listing-copy';
import { raiseOnce, resolveIfOpen } from '../store/open-alerts';
import type { PushQueue } from '../store/push-queue';

/** How often a healthy channel's last success is written down (it only informs the graph). */
const SAVE_SUCCESS_EVERY_MS = 5000;

const iso = (ms: number) => new Date(ms).toISOString();
export const outagePrefix = (channel: string) => `Channel ${channel} is unreachable`;

/**
 * A channel's outage policy around the pure state machine (domain/outage): backs requests off
 * while it fails, and when it has failed for longer than its limit applies the configured
 * fallback and raises SYNC_FAILED; when it answers again, lifts the fallback, resolves the
 * alert, retries what was parked and pushes every listing of the channel again.
 * Transitions run one at a time, in the order requests finished.
 */
export class OutageHandler {
  private health: StoredHealth = UP;
  private chain: Promise<void> = Promise.resolve();
  private savedAt = 0;
  /** No request to the channel before this (ms): the backoff after a failure, or what a 429 asked for. */
  retryAt = 0;

  constructor(
    private readonly settings: ConnectorSettings,
    private readonly deps: { db: Database; health: ChannelHealthStore; queue: PushQueue; relay: Pick<OutboxRelay, 'flush'>; logger: Logger; wakeAll(): void },
  ) {}

  get state(): HealthState {
    return this.health.state;
  }

  private get channel(): string {
    return this.settings.channel;
  }

  /** The stored health, when this process takes the channel over. */
  async load(): Promise<void> {
    this.health = await this.deps.health.get(this.channel);
  }

  tick(now: number): Promise<void> {
    if (this.health.state !== 'FAILING') return Promise.resolve();
    return this.serialize(async () => {
      const step = afterTick(this.health, now, this.settings.outage.limitMs);
      if (step.wentDown) await this.goDown(step.health, now);
    });
  }

  failed(error: ChannelError, now: number): Promise<void> {
    return this.serialize(async () => {
      if (error.kind === 'throttled') {
        this.retryAt = Math.max(this.retryAt, now + (error.retryAfterMs ?? this.settings.retry.baseMs));
        return;
      }
      // A refusal or a conflict is an answer: the channel is there.
      if (error.kind !== 'unreachable') return;
      const step = afterFailure(this.health, error.message, now, this.settings.outage.limitMs);
      this.retryAt = now + retryDelay(step.health.consecutiveFailures, this.settings.retry);
      if (step.wentDown) return this.goDown(step.health, now);
      if (this.health.state === 'UP') this.deps.logger.warn('channel failing', { channel: this.channel, error: error.message });
      this.health = { ...this.health, ...step.health };
      await this.save();
    });
  }

  succeeded(now: number): Promise<void> {
    return this.serialize(async () => {
      const was = this.health;
      const step = afterSuccess(was, now);
      this.retryAt = 0;
      if (step.recovered === 'no') {
        this.health = { ...was, ...step.health };
        if (now - this.savedAt >= SAVE_SUCCESS_EVERY_MS) await this.save();
        return;
      }
      await this.recover(was, now);
    });
  }

  private async goDown(health: ChannelHealth, now: number): Promise<void> {
    const { fallback, bufferUnits } = this.settings.outage;
    const next: StoredHealth = { ...this.health, ...health, downSince: now, fallback, holdBackUnits: 0, pausedBySync: false };
    await this.deps.db.transaction(async (em) => {
      if (fallback === 'PAUSE_CHANNEL' && !(await pausedByOwner(em, this.channel))) {
        await publishPauseRequest(em, { channel: this.channel, paused: true, reason: `${outagePrefix(this.channel)}: ${health.lastError}` });
        next.pausedBySync = true;
      }
      if (fallback === 'BUFFER_OTHER_CHANNELS' && bufferUnits > 0) {
        next.holdBackUnits = bufferUnits;
        await recomputeOtherChannels(em, this.channel, iso(now));
      }
      await this.deps.health.save(em, this.channel, next);
      const applied = fallback === 'PAUSE_CHANNEL' ? 'the channel is paused' : fallback === 'BUFFER_OTHER_CHANNELS' ? `other channels hold back ${bufferUnits} units of every SKU` : 'no fallback is configured';
      await raiseOnce(em, this.deps.db.dialect, {
        kind: 'SYNC_FAILED', channel: this.channel, sku: null,
        message: `${outagePrefix(this.channel)} since ${iso(health.failingSince ?? now)} (${health.lastError}); ${applied} until it answers again`,
      });
    });
    this.health = next;
    this.savedAt = now;
    this.deps.logger.error('channel down: outage fallback applied', { channel: this.channel, fallback, error: health.lastError });
    await this.deps.relay.flush();
    this.deps.wakeAll();
  }

  private async recover(was: StoredHealth, now: number): Promise<void> {
    const next: StoredHealth = { ...UP, lastSuccessAt: now };
    await this.deps.db.transaction(async (em) => {
      if (was.state === 'DOWN') {
        if (was.pausedBySync && !(await pausedByOwner(em, this.channel))) {
          await publishPauseRequest(em, { channel: this.channel, paused: false, reason: `Channel ${this.channel} is reachable again` });
        }
        if (was.holdBackUnits > 0) await recomputeOtherChannels(em, this.channel, iso(now));
        const lasted = formatDuration(now - (was.failingSince ?? now));
        await resolveIfOpen(em, 'SYNC_FAILED', this.channel, null, `Channel ${this.channel} is reachable again after ${lasted}`, outagePrefix(this.channel));
      }
      await this.deps.health.save(em, this.channel, next);
    });
    this.health = next;
    this.savedAt = now;
    await this.deps.queue.unpark(this.channel, now, 0);
    if (was.state === 'DOWN') await this.deps.db.transaction((em) => resyncChannel(em, this.channel, iso(now)));
    this.deps.logger.info('channel reachable again', { channel: this.channel, after: was.state });
    await this.deps.relay.flush();
    this.deps.wakeAll();
  }

  private async save(): Promise<void> {
    this.savedAt = Date.now();
    await this.deps.db.transaction((em) => this.deps.health.save(em, this.channel, this.health));
  }

  private serialize(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
