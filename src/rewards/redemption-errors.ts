import { type ErrorCatalogue, errorsOf } from '../common/errors/domain-error.js';
import type { IneligibilityReason } from './eligibility.js';

export const REDEMPTION_ERRORS = {
  'redemption.not_found': { kind: 'not_found', meaning: 'No redemption of this brand has that id' },
  'redemption.idempotency_conflict': {
    kind: 'conflict',
    meaning: 'The `Idempotency-Key` was already used with a different request',
  },
  'redemption.already_cancelled': { kind: 'conflict', meaning: 'The redemption is already cancelled' },
  'redemption.inactive': { kind: 'conflict', meaning: 'The reward is not active' },
  'redemption.not_yet_valid': { kind: 'conflict', meaning: 'The reward is not valid yet (`validFrom`)' },
  'redemption.expired': { kind: 'conflict', meaning: 'The reward has expired (`validUntil`)' },
  'redemption.stage_not_eligible': {
    kind: 'conflict',
    meaning: "The reward is not offered at the member's journey stage",
  },
  'redemption.tier_not_eligible': { kind: 'conflict', meaning: "The reward is not offered at the member's tier" },
  'redemption.out_of_stock': { kind: 'conflict', meaning: 'No stock (or, for a coupon, no unused code) is left' },
  'redemption.per_member_limit': { kind: 'conflict', meaning: "The member has reached the reward's per-member limit" },
  'redemption.token_gate': {
    kind: 'conflict',
    meaning: "The member's wallet holds fewer tokens than the reward's `tokenGate.minBalance` (or no wallet is linked)",
  },
  'redemption.insufficient_points': {
    kind: 'conflict',
    meaning: 'The member has too few available points (pending points cannot be spent yet)',
  },
} as const satisfies ErrorCatalogue<string>;

export type RedemptionErrorCode = keyof typeof REDEMPTION_ERRORS;
const redemptionError = errorsOf<RedemptionErrorCode>(REDEMPTION_ERRORS);

/** Why a member cannot redeem, as the code and message the API answers. */
function refusal(reason: IneligibilityReason): { code: RedemptionErrorCode; message: string } {
  switch (reason) {
    case 'inactive':
      return { code: 'redemption.inactive', message: 'The reward is not active' };
    case 'not_yet_valid':
      return { code: 'redemption.not_yet_valid', message: 'The reward is not valid yet' };
    case 'expired':
      return { code: 'redemption.expired', message: 'The reward has expired' };
    case 'stage_not_eligible':
      return {
        code: 'redemption.stage_not_eligible',
        message: "The reward is not offered at the member's journey stage",
      };
    case 'tier_not_eligible':
      return { code: 'redemption.tier_not_eligible', message: "The reward is not offered at the member's tier" };
    case 'out_of_stock':
      return { code: 'redemption.out_of_stock', message: 'The reward is out of stock' };
    case 'per_member_limit':
      return { code: 'redemption.per_member_limit', message: "The member has reached this reward's per-member limit" };
    case 'token_gate':
      return {
        code: 'redemption.token_gate',
        message: "The member's wallet holds fewer tokens than this reward needs (or no wallet is linked)",
      };
    case 'insufficient_points':
      return {
        code: 'redemption.insufficient_points',
        message: 'The member does not have enough available points (pending points cannot be spent yet)',
      };
  }
}

export const RedemptionErrors = {
  notFound: (id: string) => redemptionError('redemption.not_found', `No redemption ${id}`),
  /** `redemption.out_of_stock`, `redemption.insufficient_points`, …: one code per reason. */
  notRedeemable: (reason: IneligibilityReason) => {
    const { code, message } = refusal(reason);
    return redemptionError(code, message, { reason });
  },
  keyConflict: (key: string) =>
    redemptionError(
      'redemption.idempotency_conflict',
      `Idempotency key ${key} was already used with a different request`,
    ),
  alreadyCancelled: (id: string) =>
    redemptionError('redemption.already_cancelled', `Redemption ${id} is already cancelled`),
};
