import { type ErrorCatalogue, errorsOf } from '../common/errors/domain-error.js';

export const REWARD_ERRORS = {
  'reward.not_found': { kind: 'not_found', meaning: 'No reward of this brand has that id' },
  'reward.not_a_coupon': { kind: 'conflict', meaning: 'Codes were uploaded to a reward that is not a coupon' },
} as const satisfies ErrorCatalogue<string>;

export type RewardErrorCode = keyof typeof REWARD_ERRORS;
const rewardError = errorsOf<RewardErrorCode>(REWARD_ERRORS);

export const RewardErrors = {
  notFound: (id: string) => rewardError('reward.not_found', `No reward ${id}`),
  notACoupon: (id: string) =>
    rewardError('reward.not_a_coupon', `Reward ${id} is not a coupon: only coupons take codes`),
};
