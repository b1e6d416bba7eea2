import { compareMicroversions, mergeVersionDocuments } from '../../../../src/services/front-engine/merge-versions';
import { deepFreeze } from './deep-freeze';

describe('version documents of several providers', () => {
  const doc = (version: string, min: string) =>
    deepFreeze({ versions: [{ id: 'v3.0', status: 'CURRENT', version, min_version: min, links: [] }] });

  it('offers the lowest max and the highest min microversion', () => {
    const out = mergeVersionDocuments(doc('3.70', '3.0'), [doc('3.59', '3.0'), doc('3.66', '3.1')]);
    expect(out).toEqual({
      versions: [{ id: 'v3.0', status: 'CURRENT', version: '3.59', min_version: '3.1', links: [] }],
    });
  });

  it('handles the single-version shape and ignores other ids', () => {
    const home = deepFreeze({ version: { id: 'v2.1', version: '2.93', min_version: '2.1' } });
    const other = deepFreeze({
      versions: [
        { id: 'v2.0', version: '', min_version: '' },
        { id: 'v2.1', version: '2.79', min_version: '2.1' },
      ],
    });
    expect(mergeVersionDocuments(home, [other])).toEqual({
      version: { id: 'v2.1', version: '2.79', min_version: '2.1' },
    });
  });

  it('compares microversions numerically', () => {
    expect(compareMicroversions('3.9', '3.10')).toBeLessThan(0);
    expect(compareMicroversions('3.70', '3.70')).toBe(0);
  });
});
