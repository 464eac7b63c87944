import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every credit is a lot: what is left of it, spent oldest-expiring first. Debits consume lots
 * (FIFO by expiry, then by commit order); the expiry job expires what is left of a lapsed lot.
 * `lot_remaining` is bookkeeping beside the entry: the entry's points never change.
 */
export class PointLots1764000600000 implements MigrationInterface {
  name = 'PointLots1764000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_entries ADD COLUMN lot_remaining bigint CHECK (lot_remaining >= 0)`);
    await q.query(`UPDATE ledger_entries SET lot_remaining = points WHERE points > 0`);
    await q.query(
      `CREATE INDEX ledger_entries_open_lots ON ledger_entries (brand_id, member_id, expires_at, seq) WHERE lot_remaining > 0`,
    );
    await q.query(
      `CREATE INDEX ledger_entries_lapsing ON ledger_entries (brand_id, expires_at) WHERE lot_remaining > 0 AND expires_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ledger_entries_lapsing`);
    await q.query(`DROP INDEX ledger_entries_open_lots`);
    await q.query(`ALTER TABLE ledger_entries DROP COLUMN lot_remaining`);
  }
}
