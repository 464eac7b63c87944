import { DomainError } from '../common/errors/domain-error.js';

export const RewardErrors = {
  notFound: (id: string) => new DomainError('not_found', 'reward.not_found', `No reward ${id}`),
  notACoupon: (id: string) =>
    new DomainError('conflict', 'reward.not_a_coupon', `Reward ${id} is not a coupon: only coupons take codes`),
};
