import { localDayOf, timeZone } from '../rules/engine/time-zone.js';
import type { Window } from './analytics-window.js';

/** Ids sort above every real one: "nothing above the mark" for the ledger, read by id range. */
export const MAX_MARK = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
export const NO_MARK = '00000000-0000-0000-0000-000000000000';

/**
 * How a window splits between the rollups and the live tables. The local days [firstDay,
 * endDay) lie wholly inside it (instants [fullFrom, fullTo)): their rows at or below the marks
 * come from the daily rollups. The partial days at either end ([loDay, firstDay) and
 * [endDay, hiDay]) come from the per-row rollups or the live tables, filtered to the instant;
 * rows above the marks come from the live tables. With no usable rollup (none yet, or days of
 * another zone) there are no full days and everything is live.
 */
export interface Slice {
  window: Window;
  rolled: boolean;
  loDay: number;
  firstDay: number;
  endDay: number;
  hiDay: number;
  fullFrom: Date;
  fullTo: Date;
  eventsMark: string;
  changesMark: string;
  ledgerMark: string;
}

export interface SliceMarks {
  events: string;
  changes: string;
  ledger: string;
}

export function sliceOf(w: Window, zoneName: string, marks: SliceMarks | null): Slice {
  const zone = timeZone(zoneName);
  const dayOf = (ms: number) => localDayOf(zone.localMs(ms));
  const loDay = dayOf(w.from.getTime());
  const hiDay = Math.max(loDay, dayOf(w.to.getTime() - 1));
  const firstDay = zone.dayStart(loDay) === w.from.getTime() ? loDay : loDay + 1;
  const endDay = dayOf(w.to.getTime());
  if (!marks || firstDay >= endDay) {
    return {
      window: w,
      rolled: marks !== null,
      loDay,
      firstDay: hiDay + 1,
      endDay: hiDay + 1,
      hiDay,
      fullFrom: w.to,
      fullTo: w.to,
      eventsMark: marks?.events ?? NO_MARK,
      changesMark: marks?.changes ?? NO_MARK,
      ledgerMark: marks?.ledger ?? MAX_MARK,
    };
  }
  return {
    window: w,
    rolled: true,
    loDay,
    firstDay,
    endDay,
    hiDay,
    fullFrom: new Date(zone.dayStart(firstDay)),
    fullTo: new Date(zone.dayStart(endDay)),
    eventsMark: marks.events,
    changesMark: marks.changes,
    ledgerMark: marks.ledger,
  };
}

/** How far a row's created_at may lie after its id's time. */
const CREATED_SLACK_MS = 60_000;

/**
 * The slice for the tables read by created_at (ledger, stage changes): a window ending after the
 * rollup's last pass (now, typically) holds every rolled-up row of its last day, so that day too
 * comes from the daily sums, and only the rows above the marks are read live for it.
 */
export function createdSliceOf(w: Window, zoneName: string, marks: (SliceMarks & { rolledAt: Date }) | null): Slice {
  const s = sliceOf(w, zoneName, marks);
  if (!marks || !s.rolled || w.to.getTime() < marks.rolledAt.getTime() + CREATED_SLACK_MS) {
    return s;
  }
  const zone = timeZone(zoneName);
  const firstDay = zone.dayStart(s.loDay) === w.from.getTime() ? s.loDay : s.loDay + 1;
  if (firstDay > s.hiDay) {
    return s;
  }
  return { ...s, firstDay, endDay: s.hiDay + 1, fullFrom: new Date(zone.dayStart(firstDay)), fullTo: w.to };
}
