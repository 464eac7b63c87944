import type { StageChange } from '../../journey/stage-change.js';
import type { StageChangeView } from './member.dto.js';

export function toStageChangeView(c: StageChange): StageChangeView {
  return { from: c.from, to: c.to, cause: c.cause, eventId: c.eventId, ruleId: c.ruleId, at: c.at!.toISOString() };
}
