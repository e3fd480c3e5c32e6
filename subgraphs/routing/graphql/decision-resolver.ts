import DataLoader from 'dataloader';
import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { canSeeChannel, type Identity } from '../../../shared/auth';
import { isSplit } from '../domain/split';
import type { DecisionStore, StoredDecision } from '../store/decision-store';
import { Order, RoutingDecision } from './types';

export interface RoutingContext {
  identity: Identity | null;
  requestId: string;
  decisions: DecisionStore;
  decisionLoader: DataLoader<string, StoredDecision | null>;
}

export function createRoutingContext(decisions: DecisionStore, identity: Identity | null, requestId: string): RoutingContext {
  return { identity, requestId, decisions, decisionLoader: new DataLoader((ids) => decisions.byOrderIds(ids)) };
}

export function toGraph(decision: StoredDecision): RoutingDecision {
  const line = (l: { sku: string; quantity: number }) => ({ sku: { code: l.sku }, quantity: l.quantity });
  return {
    order: { id: decision.orderId },
    assignments: decision.assignments.map((a) => ({ location: { code: a.location }, lines: a.lines.map(line) })),
    split: isSplit(decision.assignments),
    backordered: decision.backordered.map(line),
    reasons: decision.reasons,
    decidedAt: decision.decidedAt,
  };
}

@Resolver(() => Order)
export class OrderRoutingResolver {
  @Authorized('routing:read')
  @Query(() => RoutingDecision, { nullable: true })
  async routingDecision(@Arg('orderId', () => ID) orderId: string, @Ctx() ctx: RoutingContext): Promise<RoutingDecision | null> {
    return this.routing({ id: orderId }, ctx);
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
