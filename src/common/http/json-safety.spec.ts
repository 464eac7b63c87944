import { MAX_JSON_DEPTH, unsafeJson } from './json-safety.js';

describe('unsafeJson', () => {
  it('passes ordinary JSON, unicode included', () => {
    expect(unsafeJson({ name: 'Café ☕ 😀', list: [1, 'two', { three: null }] })).toBeNull();
  });
  it('finds a NUL, in values and keys, with its path', () => {
    expect(unsafeJson({ a: { b: ['x', 'y\u0000'] } })).toEqual({
      path: 'a.b[1]',
      message: 'must not contain the NUL character',
    });
    expect(unsafeJson({ ['k\u0000']: 1 })?.path).toBe('k?');
  });
  it('finds a lone surrogate', () => {
    expect(unsafeJson({ email: '\ud800' })).toEqual({ path: 'email', message: expect.stringContaining('well-formed') });
  });
  it('refuses nesting past the limit without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) {
      deep = [deep];
    }
    expect(unsafeJson(deep)?.message).toContain(`${MAX_JSON_DEPTH}`);
    let fine: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) {
      fine = { x: fine };
    }
    expect(unsafeJson(fine)).toBeNull();
  });
});
