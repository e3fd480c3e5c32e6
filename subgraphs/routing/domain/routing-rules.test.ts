import { defaultLocationRule, routingRuleProblems } from './routing-rules';

describe('routing rules', () => {
  const valid = { channel: 'web', strategies: ['KEEP_PROMISE' as const, 'RANKED' as const], locations: [{ ...defaultLocationRule('east'), cutoffHourUtc: 15 }] };

  it('accepts strategies and shipping times for the channel\'s own locations', () => {
    expect(routingRuleProblems(valid, ['east', 'west'])).toEqual([]);
  });

  it('refuses a location the channel does not sell from, naming it', () => {
    expect(routingRuleProblems(valid, ['west'])).toEqual(["east is not one of channel web's locations (west)"]);
  });

  it('refuses an empty or repeated strategy list', () => {
    expect(routingRuleProblems({ ...valid, strategies: [] }, ['east'])).toContain('at least one strategy is needed');
    expect(routingRuleProblems({ ...valid, strategies: ['RANKED', 'RANKED'] }, ['east'])).toContain('a strategy is listed twice');
  });

  it('refuses a cut-off outside the day and negative handling or transit times', () => {
    const problems = routingRuleProblems({ ...valid, locations: [{ ...defaultLocationRule('east'), cutoffHourUtc: 25, handlingDays: -1, transit: [{ country: 'usa', postalPrefix: null, days: -2 }] }] }, ['east']);
    expect(problems).toHaveLength(4);
  });
});
