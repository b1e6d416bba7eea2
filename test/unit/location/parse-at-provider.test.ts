import { BadRequest, UnknownProvider } from '../../../src/errors/errors';
import { parseAtProvider } from '../../../src/location/parse-at-provider';

const known = ['home', 'bu-keystone'];

describe('parseAtProvider (docs/contract.md "Naming a provider")', () => {
  it.each([
    ['photos', { id: 'photos' }],
    ['photos@bu-keystone', { id: 'photos', provider: 'bu-keystone' }],
    ['a@b@home', { id: 'a@b', provider: 'home' }],
    ['0b8f2a6e-1c1e-4b8e-9a57-6f1a4b0f3c11@home', { id: '0b8f2a6e-1c1e-4b8e-9a57-6f1a4b0f3c11', provider: 'home' }],
  ])('%s', (ref, expected) => {
    expect(parseAtProvider(ref, known)).toEqual(expected);
  });

  it('an unknown provider is a 400 naming it and the known ones', () => {
    const err = (() => {
      try {
        parseAtProvider('photos@nowhere', known);
      } catch (e) {
        return e as UnknownProvider;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(UnknownProvider);
    expect(err.status).toBe(400);
    expect(err.message).toContain('nowhere');
    expect(err.message).toContain('home, bu-keystone');
  });

  it.each(['@home', 'photos@'])('%s is malformed', (ref) => {
    expect(() => parseAtProvider(ref, known)).toThrow(BadRequest);
  });
});
