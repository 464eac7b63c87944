import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks out (issue 11 §3): a brand's endpoints (signing secrets sealed with SECRETS_KEY),
 * the outbox (one row per message and endpoint, written in the transaction of the change it
 * reports) and every delivery attempt.
 */
export class Webhooks1764000900000 implements MigrationInterface {
  name = 'Webhooks1764000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        brand_id uuid NOT NULL REFERENCES brands (id),
        id uuid NOT NULL,
        url text NOT NULL,
        events text[] NOT NULL,
        description text,
        status text NOT NULL CHECK (status IN ('enabled', 'disabled')),
        disabled_reason text,
        secret_sealed text NOT NULL,
        previous_secret_sealed text,
        previous_secret_until timestamptz,
        failing_since timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, id)
      )`);
    // No foreign key to the endpoint: the event path joins the endpoint when it writes, so a
    // row for an endpoint deleted meanwhile is simply not written (rather than failing the event).
    await q.query(`
      CREATE TABLE webhook_messages (
        brand_id uuid NOT NULL,
        endpoint_id uuid NOT NULL,
        id uuid NOT NULL,
        type text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        PRIMARY KEY (brand_id, endpoint_id, id)
      )`);
    // The worker's claim: due rows of every brand, oldest due first.
    await q.query(`CREATE INDEX webhook_messages_due ON webhook_messages (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        brand_id uuid NOT NULL,
        id uuid NOT NULL,
        endpoint_id uuid NOT NULL,
        message_id uuid NOT NULL,
        attempt integer NOT NULL,
        attempted_at timestamptz NOT NULL,
        status_code integer,
        duration_ms integer NOT NULL,
        error text,
        next_attempt_at timestamptz,
        PRIMARY KEY (brand_id, id)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (brand_id, endpoint_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_messages`);
    await q.query(`DROP TABLE webhook_endpoints`);
  }
}
