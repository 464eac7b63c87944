import { Inject, Injectable, Logger } from '@nestjs/common';
import { getAddress, type JsonRpcProvider, keccak256, parseUnits, Transaction, type TransactionReceipt } from 'ethers';
import { DataSource } from 'typeorm';
import { BrandsRepository } from '../brands/brands.repository.js';
import { withDefaults } from '../brands/brand-settings.js';
import { newId } from '../common/ids.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { count, type Job, JOB_LOCK_KEYS, type Processed } from '../jobs/job.js';
import { ChainClient } from './chain-client.js';
import { ChainRepository } from './chain.repository.js';
import { type ChainSettings, enabledChain, TOKEN_DECIMALS } from './chain-settings.js';
import { isRevert, loyaltyToken, revertReason } from './loyalty-token-abi.js';
import { bumpedFee, MINT_BATCH_SIZE, type MintAttempt, type MintTransaction } from './mint.js';
import { TokenBalances } from './token-balances.js';
import type { EntityManager } from 'typeorm';
import { mintedChange } from '../webhooks/webhook-events.js';
import { WebhookOutbox } from '../webhooks/webhook-outbox.js';

const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 5 * 60_000;
/** Batches one run signs at most: a run stays short, the next one goes on. */
const MAX_BATCHES_PER_RUN = 20;

/**
 * The token-mint outbox worker (DESIGN §6). Each queued batch is signed offline with a nonce from
 * our own sequence and stored (status signed) in the claim's transaction, which commits before
 * anything is broadcast: a crash then leaves a stored raw transaction that is broadcast again as
 * it is, never signed anew, so a mint lands at most once. Open transactions are settled by their
 * receipts; one unmined past MINT_STUCK_SECONDS is replaced at the same nonce with a higher fee.
 */
@Injectable()
export class MintTokensJob implements Job {
  readonly name = 'mint-tokens';
  readonly lockKey = JOB_LOCK_KEYS['mint-tokens'];
  private readonly logger = new Logger('MintTokens');
  private failures = 0;
  private retryAt = 0;

  constructor(
    private readonly db: DataSource,
    private readonly chain: ChainRepository,
    private readonly brands: BrandsRepository,
    private readonly client: ChainClient,
    private readonly balances: TokenBalances,
    private readonly webhooks: WebhookOutbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** For the scheduler: after a failed run (an RPC down) the next waits 5 s, 10 s, 20 s… up to 5 min. */
  due(now = Date.now()): boolean {
    return now >= this.retryAt;
  }

  /** For the scheduler's 5 s tick: an idle outbox records no run. */
  async hasWork(): Promise<boolean> {
    return this.client.signer !== null && (await this.chain.hasWork(this.db.manager));
  }

  async run(_now: Date, processed: Processed): Promise<void> {
    try {
      await this.work(processed);
      this.failures = 0;
      this.retryAt = 0;
    } catch (e) {
      this.failures++;
      const wait = Math.min(BACKOFF_BASE_MS * 2 ** (this.failures - 1), BACKOFF_MAX_MS);
      this.retryAt = Date.now() + wait;
      processed.backoffMs = wait;
      throw e;
    }
  }

  private async work(processed: Processed): Promise<void> {
    if (!this.client.signer) {
      return; // no minter key: mints wait in the outbox
    }
    const errors: string[] = [];
    await this.settleOpen(processed, errors);
    await this.signQueued(processed, errors);
    await this.settleOpen(processed, errors);
    if (errors.length) {
      throw new Error(`chain unavailable: ${[...new Set(errors)].join('; ')}`);
    }
  }

  private async chainOf(brandId: string): Promise<ChainSettings | null> {
    const brand = await this.brands.findBrand(this.db.manager, brandId);
    return brand ? enabledChain(withDefaults(brand.settings)) : null;
  }

  // ---- signing ------------------------------------------------------------------------------

  private async signQueued(processed: Processed, errors: string[]): Promise<void> {
    const brandIds = await this.chain.brandsWithQueued(this.db.manager);
    let batches = 0;
    for (const brandId of brandIds) {
      const chain = await this.chainOf(brandId);
      if (!chain) {
        count(processed, 'waitingForChainSettings');
        continue;
      }
      try {
        while (batches < MAX_BATCHES_PER_RUN) {
          const signed = await this.signBatch(brandId, chain, processed);
          if (!signed) {
            break;
          }
          batches++;
          await this.broadcast(chain, signed.raw, processed);
          this.crashPoint('after-broadcast');
        }
      } catch (e) {
        errors.push(short(e));
      }
    }
  }

  /** One batch claimed, simulated, signed and stored; answers its raw transaction, or null when none is queued. */
  private async signBatch(
    brandId: string,
    chain: ChainSettings,
    processed: Processed,
  ): Promise<{ raw: string } | null> {
    const provider = this.client.provider(chain.rpcUrl, chain.chainId);
    const wallet = this.client.signer!;
    const signed = await this.db.transaction(async (em) => {
      const claimed = await this.chain.claimQueued(em, brandId, MINT_BATCH_SIZE);
      if (!claimed.length) {
        return null;
      }
      const unlinked = claimed.filter((m) => !m.walletAddress);
      if (unlinked.length) {
        await this.chain.setStatus(
          em,
          brandId,
          unlinked.map((m) => m.id),
          'awaiting_wallet',
        );
      }
      const mints = claimed
        .filter((m) => m.walletAddress)
        .map((m) => ({ ...m, toAddress: getAddress(m.walletAddress!.toLowerCase()) }));
      if (!mints.length) {
        return { raw: null };
      }
      const data = loyaltyToken.encodeFunctionData('mintBatch', [
        mints.map((m) => m.toAddress),
        mints.map((m) => parseUnits(m.amount, TOKEN_DECIMALS)),
      ]);
      const call = { from: wallet.address, to: chain.tokenAddress, data };
      let gas: bigint;
      try {
        gas = await provider.estimateGas(call); // also the simulation: a revert fails the batch unsigned
      } catch (e) {
        if (!isRevert(e)) {
          throw e;
        }
        const reason = revertReason(e);
        await this.chain.setStatus(
          em,
          brandId,
          mints.map((m) => m.id),
          'failed',
          reason,
        );
        count(processed, 'failed', mints.length);
        this.logger.warn({ msg: 'mint batch reverts: rows failed, not retried', brandId, reason, mints: mints.length });
        return { raw: null };
      }
      const fees = await provider.getFeeData();
      const pending = await provider.getTransactionCount(wallet.address, 'pending');
      const nonce = await this.chain.takeNonce(em, chain.chainId, wallet.address, pending);
      const attempt = await this.sign(
        { chainId: chain.chainId, nonce, to: chain.tokenAddress, data, gasLimit: (gas * 12n) / 10n },
        fees.maxFeePerGas ?? 1_000_000_000n,
        fees.maxPriorityFeePerGas ?? 1_000_000n,
      );
      const tx: MintTransaction = {
        brandId,
        id: newId(),
        chainId: chain.chainId,
        signer: wallet.address,
        nonce,
        attempts: [attempt],
      };
      await this.chain.insertSigned(em, tx, mints);
      count(processed, 'signed', mints.length);
      count(processed, 'transactions');
      return { raw: attempt.raw };
    });
    if (!signed) {
      return null;
    }
    if (!signed.raw) {
      return this.signBatch(brandId, chain, processed); // that claim signed nothing: the next
    }
    this.crashPoint('after-sign');
    return { raw: signed.raw };
  }

  private async sign(
    fields: { chainId: number; nonce: number; to: string; data: string; gasLimit: bigint },
    maxFeePerGas: bigint,
    maxPriorityFeePerGas: bigint,
  ): Promise<MintAttempt> {
    const raw = await this.client.signer!.signTransaction(
      Transaction.from({ type: 2, ...fields, maxFeePerGas, maxPriorityFeePerGas }),
    );
    return {
      hash: keccak256(raw),
      raw,
      maxFeePerGas: maxFeePerGas.toString(),
      maxPriorityFeePerGas: maxPriorityFeePerGas.toString(),
      signedAt: new Date().toISOString(),
    };
  }

  /** Sends a stored raw transaction. What the node answers is not trusted: the receipt settles it. */
  private async broadcast(chain: ChainSettings, raw: string, processed: Processed): Promise<void> {
    const provider = this.client.provider(chain.rpcUrl, chain.chainId);
    try {
      await provider.broadcastTransaction(raw);
      count(processed, 'broadcast');
    } catch (e) {
      const code = (e as { code?: string }).code;
      // already known / nonce too low: it is (or was) in the chain's hands; the receipt will tell
      if (code !== 'NONCE_EXPIRED' && code !== 'UNKNOWN_ERROR' && code !== 'REPLACEMENT_UNDERPRICED') {
        throw e;
      }
      count(processed, 'rebroadcastAnswered');
    }
  }

  // ---- settling -----------------------------------------------------------------------------

  private async settleOpen(processed: Processed, errors: string[]): Promise<void> {
    const open = await this.chain.openTransactions(this.db.manager);
    const chains = new Map<string, ChainSettings | null>();
    for (const tx of open) {
      if (!chains.has(tx.brandId)) {
        chains.set(tx.brandId, await this.chainOf(tx.brandId));
      }
      const chain = chains.get(tx.brandId);
      if (!chain || chain.chainId !== tx.chainId) {
        count(processed, 'waitingForChainSettings');
        continue;
      }
      try {
        await this.settle(tx, chain, processed);
      } catch (e) {
        errors.push(short(e));
        await this.chain.recordError(this.db.manager, tx.brandId, tx.id, short(e));
      }
    }
  }

  private async settle(tx: MintTransaction, chain: ChainSettings, processed: Processed): Promise<void> {
    const provider = this.client.provider(chain.rpcUrl, chain.chainId);
    // the count first, the receipts after: a nonce used by then shows its receipt if it was ours
    const used = await provider.getTransactionCount(tx.signer, 'latest');
    const landed = await this.receiptOf(provider, tx.attempts);
    if (landed) {
      const { receipt, attempt } = landed;
      if (receipt.status !== 1) {
        const reason = await this.minedRevertReason(provider, tx, attempt, receipt);
        await this.db.transaction((em) => this.chain.fail(em, tx.brandId, tx.id, receipt.hash, reason));
        count(processed, 'failed');
        return;
      }
      const head = await provider.getBlockNumber();
      if (head - receipt.blockNumber + 1 < chain.confirmations) {
        count(processed, 'awaitingConfirmations');
        return;
      }
      const credited = await this.db.transaction((em) =>
        this.confirm(em, tx.brandId, tx.id, receipt.hash, receipt.blockNumber),
      );
      this.balances.forget(chain, credited);
      count(processed, 'confirmed', credited.length);
      return;
    }
    if (used > tx.nonce) {
      await this.db.transaction((em) => this.chain.drop(em, tx.brandId, tx.id));
      count(processed, 'dropped');
      this.logger.warn({ msg: 'nonce taken by another transaction: mints queued again', txId: tx.id, nonce: tx.nonce });
      return;
    }
    const last = tx.attempts[tx.attempts.length - 1];
    if (Date.now() - Date.parse(last.signedAt) > this.config.mintStuckSeconds * 1000) {
      const fees = await provider.getFeeData();
      const previous = Transaction.from(last.raw);
      const replacement = await this.sign(
        {
          chainId: tx.chainId,
          nonce: tx.nonce,
          to: previous.to!,
          data: previous.data,
          gasLimit: previous.gasLimit,
        },
        bumpedFee(BigInt(last.maxFeePerGas), fees.maxFeePerGas ?? 0n),
        bumpedFee(BigInt(last.maxPriorityFeePerGas), fees.maxPriorityFeePerGas ?? 0n),
      );
      await this.db.transaction((em) => this.chain.addAttempt(em, tx.brandId, tx.id, replacement));
      tx.attempts.push(replacement);
      count(processed, 'replaced');
      await this.broadcast(chain, replacement.raw, processed);
    } else {
      await this.broadcast(chain, last.raw, processed);
    }
    const after = await this.receiptOf(provider, tx.attempts);
    if (after && after.receipt.status === 1 && chain.confirmations <= 1) {
      const credited = await this.db.transaction((em) =>
        this.confirm(em, tx.brandId, tx.id, after.receipt.hash, after.receipt.blockNumber),
      );
      this.balances.forget(chain, credited);
      count(processed, 'confirmed', credited.length);
    }
  }

  /** Marks the mints confirmed and writes their token.minted messages in the same transaction; answers the wallets credited. */
  private async confirm(em: EntityManager, brandId: string, txId: string, hash: string, block: number) {
    const confirmed = await this.chain.confirm(em, brandId, txId, hash, block);
    await this.webhooks.enqueue(em, brandId, confirmed.map(mintedChange));
    return confirmed.map((m) => m.toAddress);
  }

  /** Whichever attempt landed (at most one can: they share the nonce). */
  private async receiptOf(
    provider: JsonRpcProvider,
    attempts: MintAttempt[],
  ): Promise<{ receipt: TransactionReceipt; attempt: MintAttempt } | null> {
    for (const attempt of [...attempts].reverse()) {
      const receipt = await provider.getTransactionReceipt(attempt.hash);
      if (receipt) {
        return { receipt, attempt };
      }
    }
    return null;
  }

  /** A receipt carries no reason: the call is replayed on the state before its block. */
  private async minedRevertReason(
    provider: JsonRpcProvider,
    tx: MintTransaction,
    attempt: MintAttempt,
    receipt: TransactionReceipt,
  ): Promise<string> {
    const sent = Transaction.from(attempt.raw);
    try {
      await provider.call({ from: tx.signer, to: sent.to, data: sent.data, blockTag: receipt.blockNumber - 1 });
      return `reverted on chain in block ${receipt.blockNumber}`;
    } catch (e) {
      return revertReason(e);
    }
  }

  /** The crash suites' hook (MINT_CRASH_AT, refused in production): die here like a power cut would. */
  private crashPoint(point: 'after-sign' | 'after-broadcast'): void {
    if (this.config.mintCrashAt === point) {
      process.kill(process.pid, 'SIGKILL');
    }
  }
}

function short(e: unknown): string {
  const err = e as { shortMessage?: string; message?: string };
  return (err.shortMessage ?? err.message ?? String(e)).slice(0, 300);
}
