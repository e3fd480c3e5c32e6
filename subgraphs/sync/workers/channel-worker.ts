import type { Database } from '../../../shared/database';
import type { Logger } from '../../../shared/logger';
import { channelPushes, channelPushFailures } from '../../../shared/metrics';
import type { OutboxRelay } from '../../../shared/outbox';
import type { ConnectorSettings } from '../domain/connector-settings';
import { planPushes, type PlannedPush } from '../domain/push-plan';
import { ChannelError, type ChannelConnector } from '../connectors/connector';
import { createConnector } from '../connectors';
import type { ChannelHealthStore, LeaseStore } from '../store/channel-health-store';
import type { ConnectorStore } from '../store/connector-store';
import type { DriftRecord } from '../store/drift-record';
import type { PushQueue } from '../store/push-queue';
import { OutageHandler } from './outage-handler';
import { reconcileChannel } from './reconciler';

export interface WorkerDeps {
  db: Database;
  queue: PushQueue;
  health: ChannelHealthStore;
  leases: LeaseStore;
  connectors: ConnectorStore;
  drift: DriftRecord;
  relay: Pick<OutboxRelay, 'flush'>;
  logger: Logger;
  /** This process, as lease holder. */
  holder: string;
  pollMs: number;
  leaseMs: number;
  /** Every how often each channel is compared with stockgraph; 0: only when asked. */
  reconcileMs: number;
  /** Every channel looks at its queue again (a hold-back on other channels began or ended). */
  wakeAll(): void;
}

/**
 * Pushes one channel's due listings while this process holds the channel's lease: takes the
 * newest values once the channel's rate limit lets a request through, sends them, records what
 * the channel said, and tracks whether the channel is reachable. Consumers wake it when a
 * listing falls due; without a wake-up (another replica consumed the event) it polls.
 */
export class ChannelWorker {
  private readonly connector: ChannelConnector;
  private readonly outage: OutageHandler;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private readonly inFlight = new Set<string>();
  private active = 0;
  private leaseRenewedAt = 0;
  private lastParkRetry = Date.now();
  private lastReconcile = Date.now();
  private lastReconcileCheck = 0;
  private reconciling: Promise<void> | null = null;

  constructor(readonly settings: ConnectorSettings, private readonly deps: WorkerDeps) {
    this.connector = createConnector(settings);
    this.outage = new OutageHandler(settings, deps);
  }

  get channel(): string {
    return this.settings.channel;
  }

  start(): void {
    this.loop ??= this.run();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    await this.reconciling;
    while (this.active > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    if (this.leaseRenewedAt > 0) await this.deps.leases.release(this.channel, this.deps.holder).catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.step();
      } catch (error) {
        if (this.stopped) return;
        this.deps.logger.error('channel sync step failed; retrying', { channel: this.channel, error: String(error) });
        await this.idle(this.deps.pollMs * 5);
      }
    }
  }

  private async step(): Promise<void> {
    if (!(await this.holdLease())) {
      await this.idle(this.deps.leaseMs / 2);
      return;
    }
    const now = Date.now();
    await this.outage.tick(now);
    await this.maybeReconcile(now);
    await this.maybeRetryParked(now);
    const wait = this.outage.retryAt - now;
    if (wait > 0) return this.idle(wait);
    if (this.active >= this.settings.concurrency) return this.idle(this.deps.pollMs);
    if ((await this.claimable(now)).length === 0) {
      if (this.outage.state !== 'UP') await this.probe();
      else await this.idle(this.deps.pollMs);
      return;
    }
    await this.connector.acquirePush();
    // From here to the request only reads: a write would queue behind other transactions, and
    // requests let through at the channel's pace would then leave bunched, over its limit.
    const claimedAt = Date.now();
    const plan = planPushes(await this.claimable(claimedAt), await this.deps.health.holdBackFor(this.channel), this.connector.batchSize);
    if (plan.push.length === 0) this.connector.releasePush();
    else {
      for (const push of plan.push) this.inFlight.add(push.externalId);
      this.active++;
      void this.send(plan.push, claimedAt).finally(() => {
        for (const push of plan.push) this.inFlight.delete(push.externalId);
        this.active--;
        this.wake();
      });
    }
    await this.deps.queue.settleUnchanged(this.channel, plan.unchanged);
  }

  /** Due listings not already in a request on its way. */
  private async claimable(now: number) {
    const due = await this.deps.queue.due(this.channel, now, this.connector.batchSize * 4 + this.inFlight.size);
    return due.filter((listing) => !this.inFlight.has(listing.externalId));
  }

  private async send(pushes: PlannedPush[], claimedAt: number): Promise<void> {
    const channel = this.channel;
    try {
      let results;
      try {
        results = await this.connector.push(pushes);
      } catch (error) {
        const failure = error instanceof ChannelError ? error : new ChannelError('unreachable', String((error as Error).message ?? error));
        channelPushFailures.inc({ channel, kind: failure.kind }, pushes.length);
        const parked = await this.deps.queue.fail(channel, pushes.map((push) => ({ ...push, error: failure })), this.settings, Date.now());
        await this.outage.failed(failure, Date.now());
        if (parked) await this.deps.relay.flush();
        return;
      }
      await this.outage.succeeded(Date.now());
      const byId = new Map(pushes.map((push) => [push.externalId, push]));
      const accepted = results.filter((result) => result.ok).map((result) => byId.get(result.externalId)!);
      const refused = results.flatMap((result) => (result.ok ? [] : [{ ...byId.get(result.externalId)!, error: result.error }]));
      channelPushes.inc({ channel }, accepted.length);
      if (refused.length) channelPushFailures.inc({ channel, kind: 'rejected' }, refused.length);
      const resolved = await this.deps.queue.acknowledge(channel, accepted, claimedAt, Date.now());
      const parked = await this.deps.queue.fail(channel, refused, this.settings, Date.now());
      if (resolved || parked) await this.deps.relay.flush();
    } catch (error) {
      // The outcome could not be recorded: the listings stay due and go again.
      this.deps.logger.error('recording a push failed', { channel, error: String(error) });
    }
  }

  /** Nothing is due but the channel was failing: ask it something cheap to learn whether it is back. */
  private async probe(): Promise<void> {
    const externalId = await this.deps.queue.anyListing(this.channel);
    if (!externalId) return this.idle(this.deps.pollMs);
    try {
      await this.connector.read([externalId]);
      await this.outage.succeeded(Date.now());
    } catch (error) {
      const failure = error instanceof ChannelError ? error : new ChannelError('unreachable', String(error));
      await this.outage.failed(failure, Date.now());
    }
  }

  /** Listings parked because the channel refused them are tried once more every parkRetryMs. */
  private async maybeRetryParked(now: number): Promise<void> {
    if (this.outage.state !== 'UP' || now - this.lastParkRetry < this.settings.parkRetryMs) return;
    this.lastParkRetry = now;
    await this.deps.queue.unpark(this.channel, now, this.settings.retry.maxAttempts - 1, now - this.settings.parkRetryMs);
  }

  /** Runs a reconciliation someone asked for, or the periodic one, beside the pushes (it reads; they write). */
  private async maybeReconcile(now: number): Promise<void> {
    if (this.reconciling || now - this.lastReconcileCheck < this.deps.pollMs) return;
    this.lastReconcileCheck = now;
    const request = await this.deps.connectors.pendingReconcile(this.channel);
    const periodic = this.deps.reconcileMs > 0 && now - this.lastReconcile >= this.deps.reconcileMs;
    if (!request && !periodic) return;
    this.lastReconcile = now;
    const correct = request?.correct ?? this.settings.drift.correct;
    this.reconciling = reconcileChannel({ ...this.deps, settings: this.settings, connector: this.connector, correct })
      .then((report) => {
        if (report.corrected) this.wake();
      })
      .catch((error) => this.deps.logger.warn('reconciliation failed', { channel: this.channel, error: String(error) }))
      .finally(() => { this.reconciling = null; });
  }

  /** Takes or renews the channel's lease; renewed at a third of its life, so the hot path seldom writes. */
  private async holdLease(): Promise<boolean> {
    const now = Date.now();
    if (this.leaseRenewedAt > 0 && now - this.leaseRenewedAt < this.deps.leaseMs / 3) return true;
    const held = await this.deps.leases.hold(this.channel, this.deps.holder, this.deps.leaseMs);
    if (held && this.leaseRenewedAt === 0) await this.outage.load();
    this.leaseRenewedAt = held ? now : 0;
    return held;
  }

  private idle(ms: number): Promise<void> {
    if (this.woken || this.stopped) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, Math.min(ms, 60_000)));
      this.wakeUp = done;
    });
  }
}
