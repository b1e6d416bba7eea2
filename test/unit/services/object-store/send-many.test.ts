import { Readable } from 'node:stream';
import { pickAnswer } from '../../../../src/services/object-store/send-many';
import type { UpstreamResponse } from '../../../../src/upstream/client';

const answer = (provider: string, status: number) => ({
  provider,
  value: { status, headers: {}, body: Readable.from([]) } as unknown as UpstreamResponse,
});

describe('pickAnswer: one answer for a call made at every holder', () => {
  it.each([
    [[404, 204, 204], 'b'],
    [[404, 409, 404], 'b'],
    [[404, 404], 'a'],
    [[503, 201], 'b'],
    [[401, 404], 'a'],
  ])('statuses %j → %s', (statuses, expected) => {
    const answers = statuses.map((s, i) => answer(String.fromCharCode(97 + i), s));
    expect(pickAnswer(answers)?.provider).toBe(expected);
  });

  it('nothing to pick from', () => {
    expect(pickAnswer([])).toBeUndefined();
  });
});
