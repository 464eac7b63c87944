import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface QueuedMint {
  id: string;
  memberId: string;
  eventId: string;
  ruleId: string;
  amount: string;
}

/** The token-mint outbox: rows written with the event, minted later by the chain worker (never inside the transaction). */
@Injectable()
export class TokenMintsRepository {
  async queue(em: EntityManager, brandId: string, mints: QueuedMint[]): Promise<void> {
    if (mints.length === 0) return;
    await em.query(
      `INSERT INTO token_mints (brand_id, id, member_id, event_id, rule_id, amount)
       SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::numeric[])`,
      [brandId, mints.map((m) => m.id), mints.map((m) => m.memberId), mints.map((m) => m.eventId), mints.map((m) => m.ruleId), mints.map((m) => m.amount)],
    );
  }
}
