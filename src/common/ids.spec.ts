import { isUuid, newId } from './ids.js';

describe('newId', () => {
  it('makes version-7 UUIDs that sort by creation time', () => {
    const a = newId(1_000);
    const b = newId(2_000);
    expect(isUuid(a)).toBe(true);
    expect(a[14]).toBe('7');
    expect(a < b).toBe(true);
  });
  it('never repeats', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId()));
    expect(ids.size).toBe(10_000);
  });
});
