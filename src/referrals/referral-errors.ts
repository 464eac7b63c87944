import { DomainError } from '../common/errors/domain-error.js';

export const ReferralErrors = {
  notFound: (id: string) => new DomainError('not_found', 'referral.not_found', `No referral ${id}`),
  unknownCode: () => new DomainError('not_found', 'referral.unknown_code', 'No member has that referral code'),
  noLandingUrl: () =>
    new DomainError('not_found', 'referral.no_landing_url', 'The brand has not set referralLandingUrl'),
};
