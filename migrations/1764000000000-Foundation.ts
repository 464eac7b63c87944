import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Brands and their secret API keys (stored as SHA-256 hashes only). */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE brands (
        id          uuid PRIMARY KEY,
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
        -- ordered [{key, name}]: the brand's customer journey
        stages      jsonb NOT NULL,
        -- bumped by every rule change: instances compare it to drop a stale compiled rule set
        rules_version integer NOT NULL DEFAULT 0,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        brand_id     uuid NOT NULL REFERENCES brands (id),
        id           uuid NOT NULL,
        key_hash     text NOT NULL,
        key_prefix   text NOT NULL,
        name         text NOT NULL DEFAULT 'default',
        created_at   timestamptz NOT NULL DEFAULT now(),
        revoked_at   timestamptz,
        PRIMARY KEY (brand_id, id)
      )`);
    // Every request resolves its key by hash: one index probe.
    await q.query(`CREATE UNIQUE INDEX api_keys_key_hash ON api_keys (key_hash)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE brands`);
  }
}
