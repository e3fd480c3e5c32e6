import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { assertChannel } from '../../../shared/auth';
import type { Strategy } from '../domain/routing-rules';
import type { EffectiveRouting } from '../store/rules-store';
import type { RoutingContext } from './context';
import { RoutingRules, RoutingRulesInput } from './types';

function toGraph(rules: EffectiveRouting): RoutingRules {
  return {
    channel: { code: rules.channel },
    strategies: rules.strategies,
    locations: rules.locations.map((rule) => ({ ...rule, location: { code: rule.location } })),
  };
}

@Resolver(() => RoutingRules)
export class RoutingRulesResolver {
  @Authorized('routing:read')
  @Query(() => RoutingRules, { nullable: true, description: "A channel's routing rules, defaults included; null for an unknown channel." })
  async routingRules(@Arg('channel', () => ID) channel: string, @Ctx() ctx: RoutingContext): Promise<RoutingRules | null> {
    assertChannel(ctx.identity, channel);
    const rules = await ctx.rules.get(channel);
    return rules && toGraph(rules);
  }

  @Authorized('inventory:write')
  @Mutation(() => RoutingRules, { description: "Replaces a channel's routing rules: strategies in order, and shipping times of its locations (those left out use the defaults)." })
  async upsertRoutingRules(@Arg('input', () => RoutingRulesInput) input: RoutingRulesInput, @Ctx() ctx: RoutingContext): Promise<RoutingRules> {
    assertChannel(ctx.identity, input.channel);
    const rules = await ctx.rules.upsert({
      channel: input.channel,
      strategies: input.strategies as Strategy[],
      locations: (input.locations ?? []).map((location) => ({
        location: location.location,
        handlingDays: location.handlingDays ?? 0,
        cutoffHourUtc: location.cutoffHourUtc ?? null,
        defaultTransitDays: location.defaultTransitDays ?? null,
        transit: (location.transit ?? []).map((transit) => ({ country: transit.country, postalPrefix: transit.postalPrefix ?? null, days: transit.days })),
      })),
    });
    return toGraph(rules);
  }
}
