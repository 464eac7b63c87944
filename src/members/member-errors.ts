import { type ErrorCatalogue, errorsOf, validationFailed } from '../common/errors/domain-error.js';

export const MEMBER_ERRORS = {
  'member.not_found': {
    kind: 'not_found',
    meaning: 'No member of this brand has that id or externalId (an event without `autoEnroll` names nobody)',
  },
  'member.email_taken': { kind: 'conflict', meaning: 'Another member of this brand has that email' },
  'member.wallet_taken': { kind: 'conflict', meaning: 'Another member of this brand has that wallet address' },
  'auth.invalid_member_token': { kind: 'unauthorized', meaning: 'The member token is missing, unknown or expired' },
} as const satisfies ErrorCatalogue<string>;

export type MemberErrorCode = keyof typeof MEMBER_ERRORS;
const memberError = errorsOf<MemberErrorCode>(MEMBER_ERRORS);

export const MemberErrors = {
  notFound: (id: string) => memberError('member.not_found', `No member ${id}`),
  emailTaken: () => memberError('member.email_taken', 'Another member of this brand has that email'),
  walletTaken: () => memberError('member.wallet_taken', 'Another member of this brand has that wallet address'),
  /** An event's member reference that names nobody (and enrolment could not make them). */
  notFoundByEvent: (ref: { id?: string; externalId?: string }) =>
    memberError(
      'member.not_found',
      `No member ${ref.id ?? ref.externalId}${ref.id ? '' : ' (set autoEnroll to enrol members from events)'}`,
    ),
  unknownStage: (stage: string) =>
    validationFailed([{ path: 'stage', message: `is not one of the brand's stages` }], `stage: unknown stage ${stage}`),
  invalidToken: () =>
    memberError('auth.invalid_member_token', 'A valid member token is required (Authorization: Bearer mt_…)'),
};
