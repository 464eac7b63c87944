import { type ErrorCatalogue, errorsOf } from '../common/errors/domain-error.js';

export const REFERRAL_ERRORS = {
  'referral.not_found': { kind: 'not_found', meaning: 'No referral of this brand has that id' },
  'referral.unknown_code': { kind: 'not_found', meaning: 'No member has that referral code' },
  'referral.no_landing_url': {
    kind: 'not_found',
    meaning: 'The brand has not set `referralLandingUrl`, so there is no share link',
  },
} as const satisfies ErrorCatalogue<string>;

export type ReferralErrorCode = keyof typeof REFERRAL_ERRORS;
const referralError = errorsOf<ReferralErrorCode>(REFERRAL_ERRORS);

export const ReferralErrors = {
  notFound: (id: string) => referralError('referral.not_found', `No referral ${id}`),
  unknownCode: () => referralError('referral.unknown_code', 'No member has that referral code'),
  noLandingUrl: () => referralError('referral.no_landing_url', 'The brand has not set referralLandingUrl'),
};
