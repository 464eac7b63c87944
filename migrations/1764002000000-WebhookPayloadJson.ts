import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A message's payload is stored as `json`, the text as the event path wrote it: the worker
 * sends that text as the body it signs, with no parse into an object and no stringify back per
 * attempt (jsonb would re-order keys and re-space it, so a round trip through an object was
 * needed). Nothing queries inside a payload.
 */
export class WebhookPayloadJson1764002000000 implements MigrationInterface {
  name = 'WebhookPayloadJson1764002000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_messages ALTER COLUMN payload TYPE json USING payload::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_messages ALTER COLUMN payload TYPE jsonb USING payload::jsonb`);
  }
}
