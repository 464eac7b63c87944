import { DomainError, validationFailed } from '../common/errors/domain-error.js';

export const ChainErrors = {
  settingsInvalid: (path: string, message: string) => validationFailed([{ path: `settings.chain.${path}`, message }]),
  notEnabled: () =>
    new DomainError(
      'invalid',
      'chain.not_enabled',
      "This brand's on-chain tokens are not switched on (settings.chain)",
    ),
  noSiweDomain: () =>
    new DomainError('invalid', 'chain.no_siwe_domain', 'The brand has no siweDomain setting: wallets cannot be linked'),
  challengeInvalid: (why: string) =>
    new DomainError('invalid', 'wallet.challenge_invalid', `The signed message is not a valid challenge: ${why}`),
  badSignature: (why: string) => new DomainError('invalid', 'wallet.bad_signature', `Signature rejected: ${why}`),
  memberHasWallet: () =>
    new DomainError('conflict', 'wallet.member_has_wallet', 'This member already has a wallet; unlink it first'),
  walletTaken: () => new DomainError('conflict', 'wallet.taken', 'Another member of this brand has linked that wallet'),
  noWallet: () => new DomainError('not_found', 'wallet.not_linked', 'This member has no wallet linked'),
};
