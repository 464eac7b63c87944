import { csvField, toCsv, wantsCsv } from './analytics-csv.js';
import { periodsOf, resolveWindow } from './analytics-window.js';
import { labelOf } from './rating-scale.js';

describe('analytics window', () => {
  const now = new Date('2026-03-15T12:00:00Z');

  it('defaults to the last 30 days', () => {
    expect(resolveWindow({}, 'UTC', now)).toEqual({
      window: { from: new Date('2026-02-13T12:00:00Z'), to: now },
    });
  });

  it('reads dates as local days, `to` including its whole day', () => {
    expect(resolveWindow({ from: '2026-03-01', to: '2026-03-31' }, 'Europe/Amsterdam', now)).toEqual({
      window: { from: new Date('2026-02-28T23:00:00Z'), to: new Date('2026-03-31T22:00:00Z') },
    });
  });

  it('names the parameter at fault', () => {
    expect(resolveWindow({ from: '2026-02-30' }, 'UTC', now)).toEqual({
      errors: [{ path: 'from', message: expect.stringContaining('ISO date') }],
    });
    expect(resolveWindow({ from: '2026-03-10', to: '2026-03-01' }, 'UTC', now)).toEqual({
      errors: [{ path: 'from', message: 'must not be after to' }],
    });
    expect(resolveWindow({ from: '2024-01-01', to: '2026-03-01' }, 'UTC', now)).toEqual({
      errors: [{ path: 'to', message: expect.stringContaining('366 days') }],
    });
    expect(resolveWindow({ to: 'yesterday' }, 'UTC', now)).toEqual({
      errors: [{ path: 'to', message: expect.any(String) }],
    });
  });

  it('cuts a window into local calendar periods, clipped to it', () => {
    const window = { from: new Date('2026-03-04T00:00:00Z'), to: new Date('2026-03-20T00:00:00Z') };
    expect(periodsOf(window, 'week', 'UTC').map((p) => [p.from.toISOString(), p.to.toISOString()])).toEqual([
      ['2026-03-04T00:00:00.000Z', '2026-03-09T00:00:00.000Z'],
      ['2026-03-09T00:00:00.000Z', '2026-03-16T00:00:00.000Z'],
      ['2026-03-16T00:00:00.000Z', '2026-03-20T00:00:00.000Z'],
    ]);
    const months = periodsOf(
      { from: new Date('2026-01-15T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') },
      'month',
      'Europe/Amsterdam',
    );
    expect(months.map((p) => p.from.toISOString())).toEqual([
      '2026-01-15T00:00:00.000Z',
      '2026-01-31T23:00:00.000Z',
      '2026-02-28T23:00:00.000Z',
      '2026-03-31T22:00:00.000Z',
    ]);
    expect(months[3].to.toISOString()).toBe('2026-04-01T00:00:00.000Z');
  });
});

describe('rating scale', () => {
  it.each([
    [1, 'slecht', 'bad'],
    [2.49, 'matig', 'poor'],
    [3.5, 'best', 'decent'],
    [4.6, 'goed', 'good'],
    [6, 'subliem', 'sublime'],
  ])('labels a mean of %d as %s', (mean, label, labelEn) => {
    expect(labelOf(mean)).toEqual({ label, labelEn });
  });
});

describe('csv', () => {
  it('quotes fields that need it', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    expect(toCsv(['x', 'y'], [[1, 'line\nbreak']])).toBe('x,y\r\n1,"line\nbreak"\r\n');
  });
  it('sees text/csv in an Accept header', () => {
    expect(wantsCsv('text/csv')).toBe(true);
    expect(wantsCsv('application/json, text/csv;q=0.5')).toBe(true);
    expect(wantsCsv('application/json')).toBe(false);
    expect(wantsCsv(undefined)).toBe(false);
  });
});
