import { type ErrorCatalogue, errorsOf } from '../common/errors/domain-error.js';

export const JOURNEY_ERRORS = {
  'journey.stage_used_by_rules': {
    kind: 'conflict',
    meaning: 'Rules name a stage being removed; `details` lists them',
  },
  'journey.stage_used_by_rewards': {
    kind: 'conflict',
    meaning: 'Rewards name a stage being removed; `details` lists them',
  },
  'journey.stage_in_use': {
    kind: 'conflict',
    meaning: 'Members are in a stage being removed and `mapping` gives them no new stage',
  },
} as const satisfies ErrorCatalogue<string>;

export type JourneyErrorCode = keyof typeof JOURNEY_ERRORS;
const journeyError = errorsOf<JourneyErrorCode>(JOURNEY_ERRORS);

export const JourneyErrors = {
  usedByRules: (removed: string[], rules: unknown) =>
    journeyError(
      'journey.stage_used_by_rules',
      `Rules name stages being removed (${removed.join(', ')}): edit or archive them first`,
      rules,
    ),
  usedByRewards: (removed: string[], rewards: unknown) =>
    journeyError(
      'journey.stage_used_by_rewards',
      `Rewards name stages being removed (${removed.join(', ')}): edit or delete them first`,
      rewards,
    ),
  inUse: (unmapped: string[], details: unknown) =>
    journeyError(
      'journey.stage_in_use',
      `Members are in ${unmapped.join(', ')}: give a mapping to a new stage`,
      details,
    ),
};
