import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { assertChannel, canSeeChannel } from '../../../shared/auth';
import { badInput } from '../../../shared/errors';
import { settingsProblems, withDefaults, type ConnectorSettings } from '../domain/connector-settings';
import { UP, type StoredHealth } from '../store/channel-health-store';
import type { ReconcileReport } from '../workers/reconciler';
import type { SyncContext } from './context';
import { Channel, ChannelConnector, ConfigureChannelConnectorInput, DriftReport, Sku } from './types';

/** How long reconcileChannel waits for the channel's worker to finish before answering null. */
const RECONCILE_WAIT_MS = 60_000;

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

export const webhookPath = (settings: ConnectorSettings) => (settings.kind === 'SHOPIFY' ? `/webhooks/shopify/${encodeURIComponent(settings.channel)}` : null);

function toGraph(settings: ConnectorSettings, health: StoredHealth, counts: { pending: number; parked: number }): ChannelConnector {
  return {
    channel: { code: settings.channel } as Channel,
    kind: settings.kind,
    baseUrl: settings.baseUrl,
    enabled: settings.enabled,
    hasAccessToken: Boolean(settings.credentials.accessToken || settings.credentials.lwaRefreshToken),
    hasWebhookSecret: Boolean(settings.credentials.webhookSecret),
    webhookPath: webhookPath(settings),
    shopifyLocationId: settings.shopify?.locationId ?? null,
    amazonSellerId: settings.amazon?.sellerId ?? null,
    amazonMarketplaceId: settings.amazon?.marketplaceId ?? null,
    rateLimit: settings.rateLimit,
    batchSize: settings.batchSize,
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    retry: settings.retry,
    outage: settings.outage,
    drift: settings.drift,
    health: {
      state: health.state, failingSince: date(health.failingSince), downSince: date(health.downSince), lastSuccessAt: date(health.lastSuccessAt),
      lastError: health.lastError, consecutiveFailures: health.consecutiveFailures, fallbackApplied: health.state === 'DOWN' ? health.fallback : null,
    },
    ...counts,
  };
}

function toReport(channel: string, at: string, report: ReconcileReport): DriftReport {
  return {
    channel: { code: channel } as Channel, startedAt: new Date(at), checked: report.checked, corrected: report.corrected,
    drifts: report.drifts.map((d) => ({ externalId: d.externalId, sku: { code: d.sku } as Sku, channelQuantity: d.observed, expectedQuantity: d.expected })),
  };
}

@Resolver(() => ChannelConnector)
export class ConnectorResolver {
  @Authorized('admin')
  @Mutation(() => ChannelConnector, { description: 'Connects a channel to its API. Secrets left out keep their stored values.' })
  async configureChannelConnector(@Arg('input', () => ConfigureChannelConnectorInput) input: ConfigureChannelConnectorInput, @Ctx() ctx: SyncContext): Promise<ChannelConnector> {
    const stored = await ctx.connectors.credentials(input.channel);
    const given = Object.fromEntries(Object.entries(input.credentials ?? {}).filter(([, value]) => value !== null && value !== undefined && value !== ''));
    const settings = withDefaults({ ...input, credentials: { ...stored, ...given } });
    const problems = settingsProblems(settings);
    if (problems.length) throw badInput(`Invalid connector: ${problems.join('; ')}`, { problems });
    await ctx.connectors.save(settings);
    await ctx.engine.refresh();
    const [health, counts] = await Promise.all([ctx.health.get(settings.channel), ctx.reader.counts([settings.channel])]);
    return toGraph(settings, health, counts.get(settings.channel)!);
  }

  @Authorized('alerts:read')
  @Query(() => [ChannelConnector], { description: 'Every channel connector with its health and queue. A channel-bound key sees its channels only.' })
  async channelConnectors(@Ctx() ctx: SyncContext): Promise<ChannelConnector[]> {
    const all = (await ctx.connectors.all()).filter((settings) => canSeeChannel(ctx.identity, settings.channel));
    const [health, counts] = await Promise.all([ctx.health.all(), ctx.reader.counts(all.map((settings) => settings.channel))]);
    return all.map((settings) => toGraph(settings, health.get(settings.channel) ?? UP, counts.get(settings.channel)!));
  }

  @Authorized('inventory:write')
  @Mutation(() => DriftReport, {
    nullable: true,
    description: "Compares every listing's quantity on the channel with what stockgraph computes now; `correct` pushes over the drifting ones (default: the channel's drift policy). Null when it is still running after a minute: see driftReport.",
  })
  async reconcileChannel(
    @Arg('channel', () => ID) channel: string,
    @Ctx() ctx: SyncContext,
    @Arg('correct', () => Boolean, { nullable: true }) correct?: boolean | null,
  ): Promise<DriftReport | null> {
    assertChannel(ctx.identity, channel);
    const settings = await ctx.connectors.get(channel);
    if (!settings?.enabled) throw badInput(`Channel ${channel} has no enabled connector`, { channel });
    const requestedAt = await ctx.connectors.requestReconcile(channel, correct ?? settings.drift.correct);
    ctx.engine.wake([channel]);
    const deadline = Date.now() + RECONCILE_WAIT_MS;
    while (Date.now() < deadline) {
      const last = await ctx.connectors.lastReconcile<ReconcileReport>(channel);
      if (last && last.at >= requestedAt) return toReport(channel, last.at, last.report);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return null;
  }

  @Authorized('alerts:read')
  @Query(() => DriftReport, { nullable: true, description: 'What the last reconciliation of the channel found.' })
  async driftReport(@Arg('channel', () => ID) channel: string, @Ctx() ctx: SyncContext): Promise<DriftReport | null> {
    assertChannel(ctx.identity, channel);
    const last = await ctx.connectors.lastReconcile<ReconcileReport>(channel);
    return last ? toReport(channel, last.at, last.report) : null;
  }
}
