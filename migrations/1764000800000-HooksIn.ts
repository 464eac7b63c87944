import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks in (issue 11 §1–2): the brand's hook secrets (sealed, read back to verify Standard
 * Webhooks signatures), hook tokens and claim tokens (hashes only), the Shopify integration
 * (client secret sealed, the previous one kept for an hour after a rotation) and the delivery
 * ids already processed with their answer, so a redelivery is answered without doing anything.
 */
export class HooksIn1764000800000 implements MigrationInterface {
  name = 'HooksIn1764000800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hook_secrets (
        brand_id       uuid NOT NULL REFERENCES brands (id),
        id             uuid NOT NULL,
        sealed_secret  text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        revoked_at     timestamptz,
        PRIMARY KEY (brand_id, id)
      )`);
    await q.query(`
      CREATE TABLE hook_tokens (
        brand_id     uuid NOT NULL REFERENCES brands (id),
        id           uuid NOT NULL,
        token_hash   text NOT NULL,
        token_prefix text NOT NULL,
        name         text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        revoked_at   timestamptz,
        PRIMARY KEY (brand_id, id)
      )`);
    await q.query(`CREATE UNIQUE INDEX hook_tokens_hash ON hook_tokens (brand_id, token_hash)`);
    await q.query(`
      CREATE TABLE hook_deliveries (
        brand_id     uuid NOT NULL REFERENCES brands (id),
        source       text NOT NULL CHECK (source IN ('campaigns', 'shopify')),
        delivery_id  text NOT NULL,
        -- the first answer, replayed to a redelivery; a claim token in it is sealed
        answer       jsonb,
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, source, delivery_id)
      )`);
    await q.query(`
      CREATE TABLE claims (
        brand_id    uuid NOT NULL REFERENCES brands (id),
        id          uuid NOT NULL,
        member_id   uuid NOT NULL,
        token_hash  text NOT NULL,
        expires_at  timestamptz NOT NULL,
        claimed_at  timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, id),
        FOREIGN KEY (brand_id, member_id) REFERENCES members (brand_id, id)
      )`);
    // POST /v1/claims names no brand: the token alone finds its row
    await q.query(`CREATE UNIQUE INDEX claims_token_hash ON claims (token_hash)`);
    await q.query(`
      CREATE TABLE shopify_integrations (
        brand_id               uuid NOT NULL REFERENCES brands (id),
        shop_domain            text NOT NULL,
        amount_field           text NOT NULL CHECK (amount_field IN ('subtotal_price', 'total_price')),
        sealed_secret          text NOT NULL,
        previous_sealed_secret text,
        previous_valid_until   timestamptz,
        updated_at             timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['shopify_integrations', 'claims', 'hook_deliveries', 'hook_tokens', 'hook_secrets']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
