import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { listAlerts, type Alert as StoredAlert } from '../store/alert-store';
import type { InventoryContext } from './context';
import { Alert, AlertKind, Channel, Location, Sku } from './types';

@Resolver(() => Alert)
export class AlertResolver {
  @Authorized('alerts:read')
  @Query(() => [Alert], { description: 'Newest first. A channel-bound key sees only alerts about its channels.' })
  async alerts(
    @Arg('kind', () => AlertKind, { nullable: true }) kind: keyof typeof AlertKind | null,
    @Arg('open', () => Boolean, { nullable: true, defaultValue: true }) open: boolean | null,
    @Ctx() ctx: InventoryContext,
  ): Promise<Alert[]> {
    const bound = ctx.identity?.channels ?? null;
    const alerts = await listAlerts(ctx.db, kind ?? null, open ?? null);
    return alerts
      .filter((alert) => bound === null || (alert.channel !== null && bound.includes(alert.channel)))
      .map(alertToGraph);
  }
}

export function alertToGraph(alert: StoredAlert): Alert {
  return {
    ...alert,
    sku: alert.sku ? { code: alert.sku } as Sku : null,
    channel: alert.channel ? ({ code: alert.channel } as Channel) : null,
    location: alert.location ? ({ code: alert.location } as Location) : null,
    raisedAt: new Date(alert.raisedAt),
    resolvedAt: alert.resolvedAt ? new Date(alert.resolvedAt) : null,
  };
}
