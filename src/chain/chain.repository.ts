import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import type { WriteFragment } from '../database/write-fragment.js';
import type { MintAttempt, MintStatus, MintTransaction, MintView } from './mint.js';
import type { MemberLike } from '../webhooks/webhook-events.js';

/** A token-mint outbox row: minted later by the chain worker, never inside the transaction. */
export interface QueuedMint {
  id: string;
  memberId: string;
  eventId: string;
  ruleId: string;
  amount: string;
  /** `awaiting_wallet` until the member links a wallet. */
  status: Extract<MintStatus, 'queued' | 'awaiting_wallet'>;
}

/** The token-mint outbox's part of an event write (every other token_mints write is below). */
export function queuedMints(mints: QueuedMint[]): WriteFragment | null {
  if (mints.length === 0) {
    return null;
  }
  return {
    name: 'mints',
    params: [
      JSON.stringify(
        mints.map((m) => ({
          id: m.id,
          member_id: m.memberId,
          event_id: m.eventId,
          rule_id: m.ruleId,
          amount: m.amount,
          status: m.status,
        })),
      ),
    ],
    cte: (at) =>
      `INSERT INTO token_mints (brand_id, id, member_id, event_id, rule_id, amount, status)
       SELECT $1, t.id, t.member_id, t.event_id, t.rule_id, t.amount, t.status
         FROM json_to_recordset($${at}::json) AS t(id uuid, member_id uuid, event_id uuid, rule_id uuid, amount numeric, status text)`,
  };
}

export interface ClaimedMint {
  id: string;
  memberId: string;
  amount: string;
  walletAddress: string | null;
}

/** A mint the chain confirmed, as the token.minted message reports it. */
export interface ConfirmedMint {
  mintId: string;
  toAddress: string;
  amount: string;
  txHash: string;
  blockNumber: number;
  member: MemberLike;
}

/**
 * The chain's tables: the token_mints outbox (the event write's fragment and its lifecycle after), the signed
 * mint transactions, the signer's nonce sequence and the wallet-link challenges.
 */
@Injectable()
export class ChainRepository {
  /** Anything for the worker: queued mints or signed transactions (two partial-index probes). */
  async hasWork(em: EntityManager): Promise<boolean> {
    const rows = await queryRows<{ work: boolean }>(
      em,
      `SELECT EXISTS (SELECT 1 FROM token_mints WHERE status = 'queued')
           OR EXISTS (SELECT 1 FROM mint_transactions WHERE status = 'signed') AS work`,
    );
    return rows[0].work === true;
  }

  /** Brands with queued mints, oldest first. */
  async brandsWithQueued(em: EntityManager): Promise<string[]> {
    const rows = await queryRows<{ brand_id: string }>(
      em,
      `SELECT brand_id FROM token_mints WHERE status = 'queued' GROUP BY brand_id ORDER BY min(created_at)`,
    );
    return rows.map((r) => r.brand_id);
  }

  /** Up to `limit` queued mints of one brand, locked; another worker skips them. */
  async claimQueued(em: EntityManager, brandId: string, limit: number): Promise<ClaimedMint[]> {
    const rows = await queryRows(
      em,
      `SELECT t.id, t.member_id, t.amount::text AS amount, m.wallet_address
         FROM token_mints t JOIN members m ON m.brand_id = t.brand_id AND m.id = t.member_id
        WHERE t.brand_id = $1 AND t.status = 'queued'
        ORDER BY t.created_at, t.id LIMIT $2
        FOR UPDATE OF t SKIP LOCKED`,
      [brandId, limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      memberId: r.member_id as string,
      amount: r.amount as string,
      walletAddress: (r.wallet_address as string | null) ?? null,
    }));
  }

  async setStatus(
    em: EntityManager,
    brandId: string,
    ids: string[],
    status: MintStatus,
    reason: string | null = null,
  ): Promise<void> {
    await em.query(
      `UPDATE token_mints SET status = $3, failure_reason = $4, updated_at = now() WHERE brand_id = $1 AND id = ANY($2::uuid[])`,
      [brandId, ids, status, reason],
    );
  }

  /** The next nonce of (chain, signer): never below what the chain already counts (a key used elsewhere too). */
  async takeNonce(em: EntityManager, chainId: number, signer: string, chainCount: number): Promise<number> {
    const rows = await queryRows<{ nonce: string }>(
      em,
      `INSERT INTO chain_nonces (chain_id, signer, next_nonce) VALUES ($1, $2, $3::bigint + 1)
       ON CONFLICT (chain_id, signer) DO UPDATE SET next_nonce = GREATEST(chain_nonces.next_nonce, $3::bigint) + 1
       RETURNING next_nonce - 1 AS nonce`,
      [chainId, signer, chainCount],
    );
    return Number(rows[0].nonce);
  }

  /** The signed transaction and its mints (status signed), in the claim's transaction: stored before broadcast. */
  async insertSigned(
    em: EntityManager,
    tx: MintTransaction,
    mints: Array<{ id: string; toAddress: string }>,
  ): Promise<void> {
    await em.query(
      `INSERT INTO mint_transactions (brand_id, id, chain_id, signer, nonce, status, attempts, mint_count)
       VALUES ($1, $2, $3, $4, $5, 'signed', $6::jsonb, $7)`,
      [tx.brandId, tx.id, tx.chainId, tx.signer, tx.nonce, JSON.stringify(tx.attempts), mints.length],
    );
    await em.query(
      `UPDATE token_mints t SET status = 'signed', tx_id = $2, to_address = s.to_address, tx_hash = $3, updated_at = now()
         FROM json_to_recordset($4::json) AS s(id uuid, to_address text)
        WHERE t.brand_id = $1 AND t.id = s.id`,
      [
        tx.brandId,
        tx.id,
        tx.attempts[0].hash,
        JSON.stringify(mints.map((m) => ({ id: m.id, to_address: m.toAddress }))),
      ],
    );
  }

  /** Transactions signed and not settled, in nonce order. */
  async openTransactions(em: EntityManager): Promise<MintTransaction[]> {
    const rows = await queryRows(
      em,
      `SELECT brand_id, id, chain_id, signer, nonce, attempts FROM mint_transactions WHERE status = 'signed'
        ORDER BY chain_id, signer, nonce`,
    );
    return rows.map((r) => ({
      brandId: r.brand_id as string,
      id: r.id as string,
      chainId: Number(r.chain_id),
      signer: r.signer as string,
      nonce: Number(r.nonce),
      attempts: r.attempts as MintAttempt[],
    }));
  }

  /** A replacement at the same nonce, stored (and committed) before it is broadcast. */
  async addAttempt(em: EntityManager, brandId: string, txId: string, attempt: MintAttempt): Promise<void> {
    await em.query(
      `UPDATE mint_transactions SET attempts = attempts || $3::jsonb, updated_at = now() WHERE brand_id = $1 AND id = $2`,
      [brandId, txId, JSON.stringify([attempt])],
    );
  }

  async recordError(em: EntityManager, brandId: string, txId: string, error: string): Promise<void> {
    await em.query(`UPDATE mint_transactions SET last_error = $3, updated_at = now() WHERE brand_id = $1 AND id = $2`, [
      brandId,
      txId,
      error.slice(0, 500),
    ]);
  }

  /** Mined and deep enough: the transaction and its mints confirmed; answers the mints, with their members. */
  async confirm(
    em: EntityManager,
    brandId: string,
    txId: string,
    hash: string,
    block: number,
  ): Promise<ConfirmedMint[]> {
    await em.query(
      `UPDATE mint_transactions SET status = 'confirmed', tx_hash = $3, block_number = $4, updated_at = now()
        WHERE brand_id = $1 AND id = $2 AND status = 'signed'`,
      [brandId, txId, hash, block],
    );
    const rows = await queryRows<{
      id: string;
      to_address: string;
      amount: string;
      member_id: string;
      external_id: string;
      email: string | null;
      points_available: string;
      points_pending: string;
      lifetime_earned: string;
    }>(
      em,
      `UPDATE token_mints t SET status = 'confirmed', tx_hash = $3, block_number = $4, updated_at = now()
         FROM members m
        WHERE t.brand_id = $1 AND t.tx_id = $2 AND t.status = 'signed' AND m.brand_id = t.brand_id AND m.id = t.member_id
        RETURNING t.id, t.to_address, trim_scale(t.amount)::text AS amount, m.id AS member_id, m.external_id, m.email,
                  m.points_available, m.points_pending, m.lifetime_earned`,
      [brandId, txId, hash, block],
    );
    return rows.map((r) => ({
      mintId: r.id,
      toAddress: r.to_address,
      amount: r.amount,
      txHash: hash,
      blockNumber: block,
      member: {
        id: r.member_id,
        externalId: r.external_id,
        email: r.email,
        pointsAvailable: Number(r.points_available),
        pointsPending: Number(r.points_pending),
        lifetimeEarned: Number(r.lifetime_earned),
      },
    }));
  }

  async fail(em: EntityManager, brandId: string, txId: string, hash: string | null, reason: string): Promise<void> {
    await em.query(
      `UPDATE mint_transactions SET status = 'failed', tx_hash = $3, failure_reason = $4, updated_at = now()
        WHERE brand_id = $1 AND id = $2 AND status = 'signed'`,
      [brandId, txId, hash, reason],
    );
    await em.query(
      `UPDATE token_mints SET status = 'failed', tx_hash = COALESCE($3, tx_hash), failure_reason = $4, updated_at = now()
        WHERE brand_id = $1 AND tx_id = $2 AND status = 'signed'`,
      [brandId, txId, hash, reason],
    );
  }

  /**
   * The nonce went to another transaction of the same key and none of ours landed: this one can
   * never be mined, so its mints are queued again (they will be signed with a new nonce).
   */
  async drop(em: EntityManager, brandId: string, txId: string): Promise<void> {
    await em.query(
      `UPDATE mint_transactions SET status = 'dropped', updated_at = now() WHERE brand_id = $1 AND id = $2 AND status = 'signed'`,
      [brandId, txId],
    );
    await em.query(
      `UPDATE token_mints SET status = 'queued', tx_id = NULL, tx_hash = NULL, to_address = NULL, updated_at = now()
        WHERE brand_id = $1 AND tx_id = $2 AND status = 'signed'`,
      [brandId, txId],
    );
  }

  /** On link: the member's mints that waited for a wallet are queued. */
  async queueAwaiting(em: EntityManager, brandId: string, memberId: string): Promise<number> {
    const rows = await queryRows(
      em,
      `UPDATE token_mints SET status = 'queued', updated_at = now()
        WHERE brand_id = $1 AND member_id = $2 AND status = 'awaiting_wallet' RETURNING id`,
      [brandId, memberId],
    );
    return rows.length;
  }

  /** On unlink: queued mints wait for a wallet again (signed ones already name their address). */
  async awaitWallet(em: EntityManager, brandId: string, memberId: string): Promise<void> {
    await em.query(
      `UPDATE token_mints SET status = 'awaiting_wallet', updated_at = now()
        WHERE brand_id = $1 AND member_id = $2 AND status = 'queued'`,
      [brandId, memberId],
    );
  }

  /** The member's mints, newest first; `open` keeps only those not settled yet. */
  async mintsOf(
    em: EntityManager,
    brandId: string,
    memberId: string,
    f: { open?: boolean; cursor?: string; limit: number },
  ): Promise<MintView[]> {
    const rows = await queryRows(
      em,
      `SELECT id, amount::text AS amount, status, event_id, rule_id, to_address, tx_hash, block_number, failure_reason,
              created_at, updated_at
         FROM token_mints
        WHERE brand_id = $1 AND member_id = $2 AND (NOT $3 OR status IN ('awaiting_wallet', 'queued', 'signed'))
          AND ($4::uuid IS NULL OR id < $4::uuid)
        ORDER BY id DESC LIMIT $5`,
      [brandId, memberId, f.open ?? false, f.cursor ?? null, f.limit + 1],
    );
    return rows.map((r) => ({
      id: r.id as string,
      amount: trimAmount(r.amount as string),
      status: r.status as MintStatus,
      eventId: (r.event_id as string | null) ?? null,
      ruleId: (r.rule_id as string | null) ?? null,
      toAddress: (r.to_address as string | null) ?? null,
      txHash: (r.tx_hash as string | null) ?? null,
      blockNumber: r.block_number === null ? null : Number(r.block_number),
      failureReason: (r.failure_reason as string | null) ?? null,
      createdAt: (r.created_at as Date).toISOString(),
      updatedAt: (r.updated_at as Date).toISOString(),
    }));
  }

  async insertChallenge(
    em: EntityManager,
    c: { brandId: string; nonce: string; memberId: string; address: string; message: string; expiresAt: Date },
  ): Promise<void> {
    await em.query(
      `INSERT INTO wallet_challenges (brand_id, nonce, member_id, address, message, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [c.brandId, c.nonce, c.memberId, c.address, c.message, c.expiresAt],
    );
  }

  /** Takes a challenge once: answers it only to the first caller, and only while unexpired. */
  async consumeChallenge(
    em: EntityManager,
    brandId: string,
    memberId: string,
    nonce: string,
    now: Date,
  ): Promise<{ address: string; message: string } | null> {
    const rows = await queryRows<{ address: string; message: string }>(
      em,
      `UPDATE wallet_challenges SET used_at = $4
        WHERE brand_id = $1 AND member_id = $2 AND nonce = $3 AND used_at IS NULL AND expires_at > $4
        RETURNING address, message`,
      [brandId, memberId, nonce, now],
    );
    return rows[0] ?? null;
  }

  /** Locks the member row (the event pipeline locks it too: mint status and wallet never disagree). */
  async lockMemberWallet(
    em: EntityManager,
    brandId: string,
    memberId: string,
  ): Promise<{ walletAddress: string | null } | null> {
    const rows = await queryRows<{ wallet_address: string | null }>(
      em,
      `SELECT wallet_address FROM members WHERE brand_id = $1 AND id = $2 FOR UPDATE`,
      [brandId, memberId],
    );
    return rows[0] ? { walletAddress: rows[0].wallet_address } : null;
  }

  async walletOwner(em: EntityManager, brandId: string, address: string): Promise<string | null> {
    const rows = await queryRows<{ id: string }>(
      em,
      `SELECT id FROM members WHERE brand_id = $1 AND lower(wallet_address) = lower($2)`,
      [brandId, address],
    );
    return rows[0]?.id ?? null;
  }
}

/** numeric(78,18) text without the trailing zeros: "1.500000000000000000" → "1.5". */
export function trimAmount(amount: string): string {
  return amount.includes('.') ? amount.replace(/\.?0+$/, '') : amount;
}
