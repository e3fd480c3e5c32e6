import crypto from 'node:crypto';
import type { ConnectorSettings } from '../domain/connector-settings';
import { ChannelWorker, type WorkerDeps } from './channel-worker';

/** How often each process looks for connectors configured or changed through another replica. */
const REFRESH_MS = 5000;

/**
 * One worker per enabled connector, in every process; each pushes only while its process
 * holds the channel's lease. Reconfiguring a connector replaces its worker.
 */
export class SyncEngine {
  private readonly workers = new Map<string, { worker: ChannelWorker; fingerprint: string }>();
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> = Promise.resolve();
  readonly deps: WorkerDeps;

  constructor(deps: Omit<WorkerDeps, 'holder' | 'wakeAll'>) {
    this.deps = { ...deps, holder: `${process.pid}-${crypto.randomUUID()}`, wakeAll: () => this.wake() };
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((error) => this.deps.logger.warn('connector refresh failed', { error: String(error) })), REFRESH_MS);
    this.timer.unref();
  }

  /** Picks up connector settings as stored now. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(async () => {
      const configured = await this.deps.connectors.all();
      const wanted = new Map(configured.filter((settings) => settings.enabled).map((settings) => [settings.channel, settings]));
      for (const [channel, entry] of this.workers) {
        const settings = wanted.get(channel);
        if (settings && fingerprint(settings) === entry.fingerprint) continue;
        this.workers.delete(channel);
        await entry.worker.stop();
      }
      for (const [channel, settings] of wanted) {
        if (this.workers.has(channel)) continue;
        const worker = new ChannelWorker(settings, this.deps);
        this.workers.set(channel, { worker, fingerprint: fingerprint(settings) });
        worker.start();
      }
    });
    return this.refreshing;
  }

  /** Listings of these channels (all, without) fell due. */
  wake(channels?: Iterable<string>): void {
    if (!channels) {
      for (const { worker } of this.workers.values()) worker.wake();
      return;
    }
    for (const channel of channels) this.workers.get(channel)?.worker.wake();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
    await Promise.all([...this.workers.values()].map(({ worker }) => worker.stop()));
    this.workers.clear();
  }
}

const fingerprint = (settings: ConnectorSettings) => JSON.stringify(settings);
