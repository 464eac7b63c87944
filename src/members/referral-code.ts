import { randomInt } from 'node:crypto';

// No 0/O, 1/I/L: codes are read aloud and typed from a phone.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LENGTH = 8; // 31^8 ≈ 8.5e11 codes: collisions are rare and retried

export function newReferralCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) {
    code += ALPHABET[randomInt(ALPHABET.length)];
  }
  return code;
}

export const REFERRAL_CODE_PATTERN = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/;
