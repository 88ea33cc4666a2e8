import { DK_YOUTH_PACK } from './dk-youth';
import { danishRuleTitle, DANISH_RULE_TITLES } from './danish-titles';

describe('Danish rule titles', () => {
  it.each(DK_YOUTH_PACK.rules.map((rule) => rule.ruleId))('names %s in Danish', (ruleId) => {
    expect(Object.hasOwn(DANISH_RULE_TITLES, ruleId)).toBe(true);
    expect(danishRuleTitle(ruleId)).not.toMatch(/^Regel /);
  });

  it('names an unknown rule by its id', () => {
    expect(danishRuleTitle('NO-SUCH-RULE')).toBe('Regel NO-SUCH-RULE');
  });
});
