import type { EntityManager } from 'typeorm';
import { insertIgnore, type Database, type Queryable } from '../../../shared/database';
import { badInput } from '../../../shared/errors';
import { defaultLocationRule, DEFAULT_STRATEGIES, routingRuleProblems, type ChannelRouting, type LocationRule } from '../domain/routing-rules';
import { channelLocations } from './network-copy';

/** A channel's rules as routing applies them: every one of its locations has a rule, set or default. */
export interface EffectiveRouting extends ChannelRouting {
  ruleFor(location: string): LocationRule;
}

/** Reads a channel's rules; a channel without any routes by the defaults. */
export async function loadRouting(q: Queryable, channel: string, locations: readonly string[]): Promise<EffectiveRouting> {
  const rows = await q.query('SELECT strategies, locations FROM routing_rules WHERE channel_code = ?', [channel]);
  const strategies = rows[0] ? JSON.parse(rows[0].strategies) : [...DEFAULT_STRATEGIES];
  const set = new Map<string, LocationRule>((rows[0] ? (JSON.parse(rows[0].locations) as LocationRule[]) : []).map((rule) => [rule.location, rule]));
  const ruleFor = (location: string) => set.get(location) ?? defaultLocationRule(location);
  return { channel, strategies, locations: locations.map(ruleFor), ruleFor };
}

/** The routing rules of each channel, set through the graph. */
export class RulesStore {
  constructor(private readonly db: Database) {}

  get(channel: string): Promise<EffectiveRouting | null> {
    return this.read(this.db, channel);
  }

  private async read(q: Queryable, channel: string): Promise<EffectiveRouting | null> {
    const locations = await channelLocations(q, channel);
    return locations ? loadRouting(q, channel, locations) : null;
  }

  /** Replaces a channel's rules; locations left out ship by the defaults. */
  async upsert(rules: ChannelRouting): Promise<EffectiveRouting> {
    return this.db.transaction(async (em: EntityManager) => {
      const locations = await channelLocations(em, rules.channel);
      if (!locations) throw badInput(`Unknown channel "${rules.channel}"`, { channel: rules.channel });
      const problems = routingRuleProblems(rules, locations);
      if (problems.length) throw badInput(`Invalid routing rules for ${rules.channel}: ${problems.join('; ')}`, { problems });
      const now = new Date().toISOString();
      await em.query(insertIgnore(this.db.dialect, 'routing_rules', ['channel_code', 'strategies', 'locations', 'updated_at']), [rules.channel, '[]', '[]', now]);
      await em.query('UPDATE routing_rules SET strategies = ?, locations = ?, updated_at = ? WHERE channel_code = ?', [
        JSON.stringify(rules.strategies), JSON.stringify(rules.locations), now, rules.channel,
      ]);
      return (await this.read(em, rules.channel))!;
    });
  }
}
