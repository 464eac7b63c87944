import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Optional on-chain rewards (DESIGN §6): the token-mint outbox gets its lifecycle
 * (awaiting_wallet → queued → signed → confirmed | failed), the signed transactions are stored
 * before they are broadcast, nonces come from our own sequence, wallets are linked by signature
 * (single-use challenges), and a reward can be gated on a token balance.
 */
export class Chain1764001000000 implements MigrationInterface {
  name = 'Chain1764001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE token_mints
        ADD COLUMN tx_id          uuid,
        ADD COLUMN to_address     text,
        ADD COLUMN tx_hash        text,
        ADD COLUMN block_number   bigint,
        ADD COLUMN failure_reason text,
        ADD COLUMN updated_at     timestamptz NOT NULL DEFAULT now(),
        ADD CONSTRAINT token_mints_status
          CHECK (status IN ('awaiting_wallet', 'queued', 'signed', 'confirmed', 'failed'))`);
    await q.query(`CREATE INDEX token_mints_member ON token_mints (brand_id, member_id, created_at)`);
    await q.query(`CREATE INDEX token_mints_tx ON token_mints (brand_id, tx_id) WHERE tx_id IS NOT NULL`);

    // One mintBatch transaction; every attempt (a replacement at the same nonce) is kept, as only one can land.
    await q.query(`
      CREATE TABLE mint_transactions (
        brand_id       uuid NOT NULL,
        id             uuid NOT NULL,
        chain_id       bigint NOT NULL,
        signer         text NOT NULL,
        nonce          bigint NOT NULL,
        status         text NOT NULL CHECK (status IN ('signed', 'confirmed', 'failed', 'dropped')),
        attempts       jsonb NOT NULL, -- [{ hash, raw, maxFeePerGas, maxPriorityFeePerGas, signedAt }], newest last
        mint_count     integer NOT NULL,
        tx_hash        text,           -- the attempt that landed
        block_number   bigint,
        failure_reason text,
        last_error     text,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, id)
      )`);
    await q.query(`CREATE INDEX mint_transactions_open ON mint_transactions (created_at) WHERE status = 'signed'`);
    await q.query(
      `CREATE UNIQUE INDEX mint_transactions_nonce ON mint_transactions (chain_id, signer, nonce) WHERE status <> 'dropped'`,
    );

    // The nonce sequence is the signer's, shared by every brand minting with it on that chain: a
    // global row, the one key here that cannot start with brand_id (a reference table under Citus).
    await q.query(`
      CREATE TABLE chain_nonces (
        chain_id    bigint NOT NULL,
        signer      text NOT NULL,
        next_nonce  bigint NOT NULL,
        PRIMARY KEY (chain_id, signer)
      )`);

    await q.query(`
      CREATE TABLE wallet_challenges (
        brand_id    uuid NOT NULL,
        nonce       text NOT NULL,
        member_id   uuid NOT NULL,
        address     text NOT NULL,
        message     text NOT NULL,
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, nonce)
      )`);
    // one member per wallet within a brand (addresses compare case-insensitively)
    await q.query(
      `CREATE UNIQUE INDEX members_wallet ON members (brand_id, lower(wallet_address)) WHERE wallet_address IS NOT NULL`,
    );

    await q.query(`ALTER TABLE rewards ADD COLUMN token_gate_min_balance numeric(78, 18)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rewards DROP COLUMN token_gate_min_balance`);
    await q.query(`DROP INDEX members_wallet`);
    await q.query(`DROP TABLE wallet_challenges`);
    await q.query(`DROP TABLE chain_nonces`);
    await q.query(`DROP TABLE mint_transactions`);
    await q.query(`DROP INDEX token_mints_tx`);
    await q.query(`DROP INDEX token_mints_member`);
    await q.query(`
      ALTER TABLE token_mints DROP CONSTRAINT token_mints_status, DROP COLUMN updated_at, DROP COLUMN failure_reason,
        DROP COLUMN block_number, DROP COLUMN tx_hash, DROP COLUMN to_address, DROP COLUMN tx_id`);
  }
}
