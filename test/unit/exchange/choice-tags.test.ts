import { choiceTag, chosenProviders, withChoice } from '../../../src/services/exchange/choice-tags';

const known = ['home', 'bu-keystone', 'nu'];

describe('chosenProviders', () => {
  it('no choice tag (or no tags) means every provider', () => {
    expect(chosenProviders([], known, 'home')).toBeUndefined();
    expect(chosenProviders(['team-a'], known, 'home')).toBeUndefined();
    expect(chosenProviders(undefined, known, 'home')).toBeUndefined();
  });

  it('reads "+"-separated names in config order, home always kept, unknown names ignored', () => {
    expect(chosenProviders(['ocx-providers:nu+home'], known, 'home')).toEqual(['home', 'nu']);
    expect(chosenProviders(['ocx-providers:bu-keystone'], known, 'home')).toEqual(['home', 'bu-keystone']);
    expect(chosenProviders(['ocx-providers:elsewhere'], known, 'home')).toEqual(['home']);
    expect(chosenProviders(['ocx-providers:'], known, 'home')).toEqual(['home']);
  });

  it('several choice tags intersect: a provider is used only if all name it', () => {
    expect(chosenProviders(['ocx-providers:home+nu+bu-keystone', 'ocx-providers:nu'], known, 'home')).toEqual([
      'home',
      'nu',
    ]);
  });
});

describe('withChoice', () => {
  it('replaces the choice tag and keeps the others', () => {
    expect(withChoice(['a', 'ocx-providers:home', 'b'], ['home', 'nu'])).toEqual(['a', 'b', 'ocx-providers:home+nu']);
    expect(withChoice(['a', 'ocx-providers:home'], undefined)).toEqual(['a']);
    expect(withChoice(undefined, ['home'])).toEqual(['ocx-providers:home']);
  });

  it('writes tags Keystone accepts (no "," or "/")', () => {
    expect(choiceTag(['home', 'bu-keystone'])).toBe('ocx-providers:home+bu-keystone');
    expect(choiceTag(known)).not.toMatch(/[,/]/);
  });
});
