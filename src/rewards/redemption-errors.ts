import { DomainError } from '../common/errors/domain-error.js';
import type { IneligibilityReason } from './eligibility.js';

const MESSAGES: Record<IneligibilityReason, string> = {
  inactive: 'The reward is not active',
  not_yet_valid: 'The reward is not valid yet',
  expired: 'The reward has expired',
  stage_not_eligible: "The reward is not offered at the member's journey stage",
  tier_not_eligible: "The reward is not offered at the member's tier",
  out_of_stock: 'The reward is out of stock',
  per_member_limit: "The member has reached this reward's per-member limit",
  token_gate: "The member's wallet holds fewer tokens than this reward needs (or no wallet is linked)",
  insufficient_points: 'The member does not have enough available points (pending points cannot be spent yet)',
};

export const RedemptionErrors = {
  notFound: (id: string) => new DomainError('not_found', 'redemption.not_found', `No redemption ${id}`),
  /** `redemption.out_of_stock`, `redemption.insufficient_points`, …: one code per reason. */
  notRedeemable: (reason: IneligibilityReason) =>
    new DomainError('conflict', `redemption.${reason}`, MESSAGES[reason], { reason }),
  keyConflict: (key: string) =>
    new DomainError(
      'conflict',
      'redemption.idempotency_conflict',
      `Idempotency key ${key} was already used with a different request`,
    ),
  alreadyCancelled: (id: string) =>
    new DomainError('conflict', 'redemption.already_cancelled', `Redemption ${id} is already cancelled`),
};
