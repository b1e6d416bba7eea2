import { BadRequest, PayloadTooLarge } from '../../../../src/errors/errors';
import {
  checkContainerName,
  checkMetadata,
  checkObjectCreation,
  DEFAULT_LIMITS,
  limitsFromInfo,
} from '../../../../src/services/object-store/constraints';

const L = DEFAULT_LIMITS;

describe("Swift's constraints, with the merged /info's limits", () => {
  it('limits come from /info, defaults otherwise', () => {
    expect(limitsFromInfo(undefined)).toEqual(L);
    expect(limitsFromInfo({ swift: { max_meta_count: 10, max_file_size: 'x' } })).toEqual({ ...L, maxMetaCount: 10 });
  });

  it('names are measured in UTF-8 bytes', () => {
    expect(() => checkContainerName('c'.repeat(256), L)).not.toThrow();
    expect(() => checkContainerName('é'.repeat(129), L)).toThrow('Container name length of 258 longer than 256');
    expect(() => checkObjectCreation('o'.repeat(1025), {}, L)).toThrow(BadRequest);
  });

  it('an announced body over max_file_size is a 413 before anything is read', () => {
    expect(() => checkObjectCreation('o', { 'content-length': String(10 * 2 ** 30) }, L)).toThrow(PayloadTooLarge);
  });

  it.each([
    [{ 'x-object-meta-': 'v' }, 'Metadata name cannot be empty'],
    [{ [`x-object-meta-${'n'.repeat(129)}`]: 'v' }, 'Metadata name too long'],
    [{ 'x-object-meta-a': 'v'.repeat(257) }, 'Metadata value longer than 256: x-object-meta-a'],
    [
      Object.fromEntries(Array.from({ length: 91 }, (_, i) => [`x-object-meta-m${i}`, 'v'])),
      'Too many metadata items; max 90',
    ],
    [
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`x-object-meta-m${i}`, 'v'.repeat(250)])),
      'Total metadata too large; max 4096',
    ],
  ])('%#: %s', (headers, message) => {
    expect(() => checkMetadata(headers, 'object', L)).toThrow(message);
  });

  it('only the kind being written is counted', () => {
    expect(() =>
      checkMetadata({ 'x-container-meta-a': 'v'.repeat(300), 'x-object-meta-b': 'ok' }, 'object', L),
    ).not.toThrow();
  });
});
