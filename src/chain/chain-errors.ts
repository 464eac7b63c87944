import { type ErrorCatalogue, errorsOf, validationFailed } from '../common/errors/domain-error.js';

export const CHAIN_ERRORS = {
  'chain.not_enabled': {
    kind: 'invalid',
    meaning: "The brand's on-chain tokens are not switched on (`settings.chain`)",
  },
  'chain.no_siwe_domain': {
    kind: 'invalid',
    meaning: 'The brand has no `settings.chain.siweDomain`: wallets cannot be linked',
  },
  'wallet.challenge_invalid': {
    kind: 'invalid',
    meaning: 'The signed SIWE message is not one this brand issued, or its nonce is used or expired',
  },
  'wallet.bad_signature': { kind: 'invalid', meaning: 'The signature does not recover the claimed wallet address' },
  'wallet.member_has_wallet': { kind: 'conflict', meaning: 'The member already has a wallet linked; unlink it first' },
  'wallet.taken': { kind: 'conflict', meaning: 'Another member of this brand has linked that wallet' },
  'wallet.not_linked': { kind: 'not_found', meaning: 'The member has no wallet linked' },
} as const satisfies ErrorCatalogue<string>;

export type ChainErrorCode = keyof typeof CHAIN_ERRORS;
const chainError = errorsOf<ChainErrorCode>(CHAIN_ERRORS);

export const ChainErrors = {
  settingsInvalid: (path: string, message: string) => validationFailed([{ path: `settings.chain.${path}`, message }]),
  notEnabled: () =>
    chainError('chain.not_enabled', "This brand's on-chain tokens are not switched on (settings.chain)"),
  noSiweDomain: () =>
    chainError('chain.no_siwe_domain', 'The brand has no siweDomain setting: wallets cannot be linked'),
  challengeInvalid: (why: string) =>
    chainError('wallet.challenge_invalid', `The signed message is not a valid challenge: ${why}`),
  badSignature: (why: string) => chainError('wallet.bad_signature', `Signature rejected: ${why}`),
  memberHasWallet: () => chainError('wallet.member_has_wallet', 'This member already has a wallet; unlink it first'),
  walletTaken: () => chainError('wallet.taken', 'Another member of this brand has linked that wallet'),
  noWallet: () => chainError('wallet.not_linked', 'This member has no wallet linked'),
};
