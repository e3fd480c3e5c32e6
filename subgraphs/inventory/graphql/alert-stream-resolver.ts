import { Arg, Authorized, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Identity } from '../../../shared/auth';
import { alertsByIds, type Alert as StoredAlert } from '../store/alert-store';
import { alertToGraph } from './alert-resolver';
import type { InventoryContext } from './context';
import { Alert, AlertKind } from './types';

/** A channel-bound key sees only alerts about its channels, as in `alerts`. */
const visible = (identity: Identity | null, alert: StoredAlert) =>
  !identity?.channels || (alert.channel !== null && identity.channels.includes(alert.channel));

@Resolver()
export class AlertStreamResolver {
  @Authorized('alerts:read')
  @Query(() => Alert, { nullable: true, description: 'One alert by id (what alertRaised streamed).' })
  async alert(@Arg('id', () => ID) id: string, @Ctx() ctx: InventoryContext): Promise<Alert | null> {
    const [found] = await alertsByIds(ctx.db, [id]);
    return found && visible(ctx.identity, found) ? alertToGraph(found) : null;
  }

  @Authorized('alerts:read')
  @Subscription(() => Alert, {
    description: 'Every alert as it is raised, of the given kinds (all without), about the channels the key may see.',
    subscribe: ({ args, context }) => {
      const ctx = context as InventoryContext;
      const kinds: string[] | null = args.kinds?.length ? args.kinds : null;
      return ctx.alertStream.subscribe((alert) => (!kinds || kinds.includes(alert.kind)) && visible(ctx.identity, alert));
    },
  })
  alertRaised(@Root() alert: StoredAlert, @Arg('kinds', () => [AlertKind], { nullable: true }) _kinds?: (keyof typeof AlertKind)[] | null): Alert {
    return alertToGraph(alert);
  }
}
