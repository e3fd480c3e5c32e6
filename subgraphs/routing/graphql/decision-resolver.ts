import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { canSeeChannel } from '../../../shared/auth';
import { isSplit } from '../domain/split';
import type { StoredDecision } from '../store/decision-store';
import type { RoutingContext } from './context';
import { Order, RoutingDecision } from './types';

export function toGraph(decision: StoredDecision): RoutingDecision {
  const line = (l: { sku: string; quantity: number }) => ({ sku: { code: l.sku }, quantity: l.quantity });
  return {
    id: decision.id,
    order: { id: decision.orderId },
    assignments: decision.assignments.map((a) => ({ location: { code: a.location }, lines: a.lines.map(line) })),
    split: isSplit(decision.assignments),
    backordered: decision.backordered.map(line),
    reasons: decision.reasons,
    decidedAt: decision.decidedAt,
    promisedShipDate: decision.promisedShipDate,
    atRisk: decision.atRisk,
  };
}

@Resolver(() => Order)
export class OrderRoutingResolver {
  @Authorized('routing:read')
  @Query(() => RoutingDecision, { nullable: true, description: "The order's current routing decision; null until routed." })
  async routingDecision(@Arg('orderId', () => ID) orderId: string, @Ctx() ctx: RoutingContext): Promise<RoutingDecision | null> {
    return this.routing({ id: orderId }, ctx);
  }

  @Authorized('routing:read')
  @Query(() => RoutingDecision, { nullable: true, description: 'One version of a decision as it was recorded, by its id (what routingDecided streamed).' })
  async routingDecisionById(@Arg('id', () => ID) id: string, @Ctx() ctx: RoutingContext): Promise<RoutingDecision | null> {
    const decision = await ctx.decisionVersionLoader.load(id);
    return decision && canSeeChannel(ctx.identity, decision.channel) ? toGraph(decision) : null;
  }

  @Authorized('routing:read')
  @FieldResolver(() => RoutingDecision, { nullable: true, description: 'Null until routed.' })
  async routing(@Root() order: Order, @Ctx() ctx: RoutingContext): Promise<RoutingDecision | null> {
    const decision = await ctx.decisionLoader.load(order.id);
    if (!decision || !canSeeChannel(ctx.identity, decision.channel)) return null;
    return toGraph(decision);
  }
}

export const orderReference = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
};
