import { Readable } from 'node:stream';
import { VersionBook } from '../../../../src/services/front-engine/version-book';
import type { UpstreamRequest, UpstreamResponse } from '../../../../src/upstream/client';

const PUB = 'https://ocx.example';
const doc = (max: string) => ({
  versions: [{ id: 'v3.0', status: 'CURRENT', version: max, min_version: '3.0', links: [] }],
});

/** A fake upstream answering each URL from `answers` (an Error: the provider is down). */
function upstream(answers: Map<string, unknown>, seen: string[]) {
  return {
    send: async (r: UpstreamRequest): Promise<UpstreamResponse> => {
      seen.push(r.url);
      const a = answers.get(r.url);
      if (a instanceof Error || a === undefined) throw a ?? new Error('no answer');
      return {
        status: 300,
        headers: {},
        body: Readable.from([]),
        text: async () => JSON.stringify(a),
        json: async <T>() => a as T,
      };
    },
  };
}

function book(answers: Map<string, unknown>, seen: string[], roots: [string, string][] = []) {
  return new VersionBook({
    service: 'volume',
    providers: ['home', 'bu'],
    publicUrl: PUB,
    refreshMs: 0,
    roots: new Map(roots),
    upstream: upstream(answers, seen),
  });
}

describe('VersionBook', () => {
  it('reads configured roots anonymously and narrows over every provider read', async () => {
    const seen: string[] = [];
    const answers = new Map<string, unknown>([
      ['http://h/', doc('3.70')],
      ['http://b/', doc('3.64')],
    ]);
    const b = book(answers, seen, [
      ['home', 'http://h'],
      ['bu', 'http://b/'],
    ]);
    expect(b.range()).toBeUndefined();
    b.start();
    await b.settled();
    expect(seen.sort()).toEqual(['http://b/', 'http://h/']);
    expect(b.range()).toEqual({ min: '3.0', max: '3.64' });
  });

  it('keeps the last document when a refresh fails', async () => {
    const seen: string[] = [];
    const answers = new Map<string, unknown>([['http://h/', doc('3.70')]]);
    const b = book(answers, seen, [['home', 'http://h']]);
    await b.refresh('home');
    answers.set('http://h/', new Error('down'));
    await b.refresh('home');
    expect(seen).toHaveLength(2);
    expect(b.range()).toEqual({ min: '3.0', max: '3.70' });
  });

  it('a catalog root never replaces a configured one; a new one is read at once', async () => {
    const seen: string[] = [];
    const answers = new Map<string, unknown>([['http://cat-b/', doc('3.60')]]);
    const b = book(answers, seen, [['home', 'http://h']]);
    b.learnRoot('home', 'http://elsewhere');
    b.learnRoot('bu', 'http://cat-b');
    b.learnRoot('stranger', 'http://x');
    await b.settled();
    expect(seen).toEqual(['http://cat-b/']);
    expect(b.entriesOf('bu')?.[0]?.version).toBe('3.60');
  });
});
