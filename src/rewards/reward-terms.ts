import type { FieldError } from '../common/errors/domain-error.js';
import type { Reward } from './reward.js';

type Terms = Pick<Reward, 'kind' | 'contentUrl' | 'perkText' | 'stages' | 'validFrom' | 'validUntil'>;

/**
 * The checks a DTO cannot make alone: they need the brand's journey or span several fields,
 * and a PATCH must pass them on the merged result. Answers one fault per field path.
 */
export function rewardTermsFaults(terms: Terms, brandStages: string[]): FieldError[] {
  const faults: FieldError[] = [];
  terms.stages.forEach((stage, i) => {
    if (!brandStages.includes(stage)) {
      faults.push({ path: `stages[${i}]`, message: `is not one of the brand's stages (${brandStages.join(', ')})` });
    }
  });
  if (terms.kind === 'content' && !terms.contentUrl) {
    faults.push({ path: 'contentUrl', message: 'is required for a content reward' });
  }
  if (terms.kind !== 'content' && terms.contentUrl) {
    faults.push({ path: 'contentUrl', message: 'is only for content rewards' });
  }
  if (terms.kind === 'perk' && !terms.perkText) {
    faults.push({ path: 'perkText', message: 'is required for a perk reward' });
  }
  if (terms.kind !== 'perk' && terms.perkText) {
    faults.push({ path: 'perkText', message: 'is only for perk rewards' });
  }
  if (terms.validFrom && terms.validUntil && terms.validUntil <= terms.validFrom) {
    faults.push({ path: 'validUntil', message: 'must be after validFrom' });
  }
  return faults;
}
