/** A token mint's life: waits for a wallet, is queued, signed into a batch, then settles. */
export type MintStatus = 'awaiting_wallet' | 'queued' | 'signed' | 'confirmed' | 'failed';

/** One signed form of a mint transaction; a replacement (same nonce, higher fee) is another. */
export interface MintAttempt {
  hash: string;
  raw: string;
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
  signedAt: string;
}

export interface MintTransaction {
  brandId: string;
  id: string;
  chainId: number;
  signer: string;
  nonce: number;
  attempts: MintAttempt[];
}

export interface MintView {
  id: string;
  amount: string;
  status: MintStatus;
  eventId: string | null;
  ruleId: string | null;
  toAddress: string | null;
  txHash: string | null;
  blockNumber: number | null;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** At most this many mints go into one mintBatch transaction. */
export const MINT_BATCH_SIZE = 100;

/** Fee of a replacement: at least +12.5% over the stuck one (nodes want ≥ 10%), or the current price if higher. */
export function bumpedFee(previous: bigint, current: bigint): bigint {
  const bumped = previous + (previous + 7n) / 8n;
  return bumped > current ? bumped : current;
}
