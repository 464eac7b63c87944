import { factNumber, snapDecimalNoise } from './fact-number.js';

describe('factNumber', () => {
  it.each([
    [42, 42],
    ['59.90', 59.9],
    ['-3', -3],
    ['+2.5', 2.5],
    ['.5', 0.5],
    ['1e3', 1000],
  ])('reads %p as %p', (value, expected) => {
    expect(factNumber(value)).toBe(expected);
  });

  it.each([
    [''],
    [' 5'],
    ['5 '],
    ['0x10'],
    ['Infinity'],
    ['1,5'],
    ['abc'],
    ['-'],
    ['1e999'],
    [true],
    [null],
    [undefined],
    [NaN],
    [Infinity],
    [[5]],
    [{}],
  ])('refuses %p', (value) => {
    expect(factNumber(value)).toBeNaN();
  });

  it('gives the same answer from its one-entry cache', () => {
    expect(factNumber('12.5')).toBe(12.5);
    expect(factNumber('12.5')).toBe(12.5);
    expect(factNumber('x')).toBeNaN();
    expect(factNumber('x')).toBeNaN();
  });
});

describe('snapDecimalNoise', () => {
  it('removes float noise around decimal values', () => {
    expect(Math.floor(snapDecimalNoise(0.29 * 100))).toBe(29);
    expect(Math.round(snapDecimalNoise(1.005 * 100))).toBe(101);
    expect(Math.floor(snapDecimalNoise(1_000_000.29 * 100))).toBe(100_000_029);
  });
  it('leaves genuine values alone', () => {
    expect(snapDecimalNoise(28.5)).toBe(28.5);
    expect(snapDecimalNoise(-7.25)).toBe(-7.25);
    expect(snapDecimalNoise(1e20)).toBe(1e20);
    expect(snapDecimalNoise(0)).toBe(0);
  });
});
