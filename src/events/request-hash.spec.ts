import fc from 'fast-check';
import { canonicalJson, requestHash } from './request-hash.js';
import { replayable } from '../../test/support/fast-check.js';

describe('requestHash', () => {
  it('ignores key order and undefined values', () => {
    expect(requestHash({ a: 1, b: { c: 2, d: [1, 2] } })).toBe(
      requestHash({ b: { d: [1, 2], c: 2 }, a: 1, e: undefined }),
    );
  });
  it('tells different bodies apart', () => {
    expect(requestHash({ a: '1' })).not.toBe(requestHash({ a: 1 }));
    expect(requestHash({ a: [1, 2] })).not.toBe(requestHash({ a: [2, 1] }));
  });
  it('is the JSON of the value, re-ordered', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      replayable(),
    );
  });
});
