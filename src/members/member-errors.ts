import { DomainError } from '../common/errors/domain-error.js';

export const MemberErrors = {
  notFound: (id: string) => new DomainError('not_found', 'member.not_found', `No member ${id}`),
  emailTaken: () => new DomainError('conflict', 'member.email_taken', 'Another member of this brand has that email'),
  walletTaken: () =>
    new DomainError('conflict', 'member.wallet_taken', 'Another member of this brand has that wallet address'),
  unknownStage: (stage: string) =>
    new DomainError('invalid', 'validation_failed', `stage: unknown stage ${stage}`, [
      { path: 'stage', message: `is not one of the brand's stages` },
    ]),
  invalidToken: () =>
    new DomainError(
      'unauthorized',
      'auth.invalid_member_token',
      'A valid member token is required (Authorization: Bearer mt_…)',
    ),
};
