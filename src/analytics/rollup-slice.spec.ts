import { createdSliceOf, MAX_MARK, NO_MARK, sliceOf } from './rollup-slice.js';

describe('rollup slice', () => {
  const marks = { events: 'e', changes: 'c', ledger: 'l' };
  const day = (iso: string) => Math.floor(Date.parse(iso) / 86_400_000);

  it('reads whole local days from the rollups and the partial ends live', () => {
    const w = { from: new Date('2026-03-01T10:00:00Z'), to: new Date('2026-03-05T06:00:00Z') };
    const s = sliceOf(w, 'UTC', marks);
    expect(s).toMatchObject({
      rolled: true,
      loDay: day('2026-03-01'),
      firstDay: day('2026-03-02'),
      endDay: day('2026-03-05'),
      hiDay: day('2026-03-05'),
      fullFrom: new Date('2026-03-02T00:00:00Z'),
      fullTo: new Date('2026-03-05T00:00:00Z'),
      eventsMark: 'e',
    });
  });

  it('takes a window on local midnights as whole days, in the brand zone (a DST day is 23 hours)', () => {
    // Amsterdam: 2026-03-29 has 23 hours
    const w = { from: new Date('2026-03-28T23:00:00Z'), to: new Date('2026-03-30T22:00:00Z') };
    const s = sliceOf(w, 'Europe/Amsterdam', marks);
    expect(s).toMatchObject({ firstDay: day('2026-03-29'), endDay: day('2026-03-31'), hiDay: day('2026-03-30') });
    expect(s.fullFrom).toEqual(w.from);
    expect(s.fullTo).toEqual(w.to);
  });

  it('has no whole day inside a window of a few hours: all of it is a partial day', () => {
    const w = { from: new Date('2026-03-01T10:00:00Z'), to: new Date('2026-03-01T12:00:00Z') };
    const s = sliceOf(w, 'UTC', marks);
    expect(s.firstDay).toBe(s.endDay);
    expect(s.firstDay).toBeGreaterThan(s.hiDay);
    expect(s.fullFrom).toEqual(w.to);
    expect(s.fullTo).toEqual(w.to);
  });

  it('without rollups reads everything live', () => {
    const w = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-09T00:00:00Z') };
    expect(sliceOf(w, 'UTC', null)).toMatchObject({
      rolled: false,
      eventsMark: NO_MARK,
      changesMark: NO_MARK,
      ledgerMark: MAX_MARK,
      fullFrom: w.to,
      fullTo: w.to,
    });
  });

  it('for created_at tables, takes the last day whole once the window ends after the last pass', () => {
    const w = { from: new Date('2026-03-01T10:00:00Z'), to: new Date('2026-03-05T06:00:00Z') };
    const after = createdSliceOf(w, 'UTC', { ...marks, rolledAt: new Date('2026-03-05T05:00:00Z') });
    expect(after).toMatchObject({ firstDay: day('2026-03-02'), endDay: day('2026-03-06'), fullTo: w.to });
    const before = createdSliceOf(w, 'UTC', { ...marks, rolledAt: new Date('2026-03-05T05:59:30Z') });
    expect(before).toEqual(sliceOf(w, 'UTC', marks));
  });
});
