import { isUuid, newId } from './ids.js';

describe('newId', () => {
  it('makes version-7 UUIDs that sort by creation time', () => {
    const a = newId(1_000);
    const b = newId(2_000);
    expect(isUuid(a)).toBe(true);
    expect(a[14]).toBe('7');
    expect(a < b).toBe(true);
  });
  it('sorts in the order the ids were made, within one millisecond too', () => {
    const ids = Array.from({ length: 10_000 }, () => newId(5_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(newId(4_000_000) > ids[ids.length - 1]).toBe(true); // a clock that steps back keeps the order
  });
  it('never repeats', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId()));
    expect(ids.size).toBe(10_000);
  });
});
