import { Arg, Authorized, ID, Resolver, Root, Subscription } from 'type-graphql';
import { assertChannel, canSeeChannel } from '../../../shared/auth';
import { fromSnapshot, type DecisionSnapshot } from '../store/decision-store';
import type { RoutingContext } from './context';
import { toGraph } from './decision-resolver';
import { RoutingDecision } from './types';

@Resolver()
export class RoutingSubscriptionResolver {
  @Authorized('routing:read')
  @Subscription(() => RoutingDecision, {
    description: 'Every routing decision as it is recorded (first routing, re-routing when stock arrives), on one channel or on every channel the key may see.',
    subscribe: ({ args, context }) => {
      const ctx = context as RoutingContext;
      if (args.channel) assertChannel(ctx.identity, args.channel);
      return ctx.stream.subscribe((decision) => (args.channel ? decision.channel === args.channel : canSeeChannel(ctx.identity, decision.channel)));
    },
  })
  routingDecided(@Root() decision: DecisionSnapshot, @Arg('channel', () => ID, { nullable: true }) _channel?: string | null): RoutingDecision {
    return toGraph(fromSnapshot(decision));
  }
}
