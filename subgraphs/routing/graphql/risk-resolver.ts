import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { assertChannel, canSeeChannel } from '../../../shared/auth';
import { ordersAtRisk } from '../store/risk-reader';
import type { RoutingContext } from './context';
import { LateShipmentRisk } from './types';

@Resolver(() => LateShipmentRisk)
export class LateShipmentResolver {
  @Authorized('routing:read')
  @Query(() => [LateShipmentRisk], {
    description: 'Open orders at risk of shipping late, oldest first: routing could not keep their promise, or their ship date passed with units still waiting. Filter by channel and by a location holding their units.',
  })
  async ordersAtRisk(
    @Arg('channel', () => ID, { nullable: true }) channel: string | null,
    @Arg('location', () => ID, { nullable: true }) location: string | null,
    @Ctx() ctx: RoutingContext,
  ): Promise<LateShipmentRisk[]> {
    if (channel) assertChannel(ctx.identity, channel);
    const risks = await ordersAtRisk(ctx.db, ctx.decisions, {
      channel: channel ?? null, location: location ?? null, visible: (code) => canSeeChannel(ctx.identity, code), now: new Date(),
    });
    return risks.map((risk) => ({
      order: { id: risk.orderId },
      channel: { code: risk.channel },
      locations: risk.locations.map((code) => ({ code })),
      promisedShipDate: risk.promisedShipDate,
      reason: risk.reason,
    }));
  }
}
