// Signs a wallet-link challenge like a wallet would (personal_sign), for the README walk-through
// and for trying the API without a browser wallet:
//   curl … /v1/me/wallet/challenge | WALLET_KEY=0x… node scripts/siwe-sign.mjs
// reads the challenge answer ({ message, nonce, expiresAt }) on stdin and prints the body of
// POST /v1/me/wallet: { "message", "signature" }. The key stays in this process.
import { readFileSync } from 'node:fs';
import { Wallet } from 'ethers';

const key = process.env.WALLET_KEY;
if (!key) {
  console.error('WALLET_KEY must hold the private key of the wallet to link');
  process.exit(2);
}
const challenge = JSON.parse(readFileSync(0, 'utf8'));
if (typeof challenge.message !== 'string') {
  console.error(`not a challenge answer: ${JSON.stringify(challenge)}`);
  process.exit(1);
}
const signature = await new Wallet(key).signMessage(challenge.message);
console.log(JSON.stringify({ message: challenge.message, signature }));
