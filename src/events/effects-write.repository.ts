import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type QueuedMint, queuedMints } from '../chain/chain.repository.js';
import { writeTogether } from '../database/write-fragment.js';
import { type StageChange } from '../journey/stage-change.js';
import { stageChanges } from '../journey/stage-changes.repository.js';
import { ledgerEntries } from '../ledger/ledger.repository.js';
import type { LedgerEntryDraft } from '../ledger/posting.js';
import type { Member } from '../members/member.entity.js';
import { memberStates } from '../members/members.repository.js';
import { rewardedReferrals } from '../referrals/referrals.repository.js';
import type { RuleUsage } from '../rules/engine/index.js';
import { budgetSpent } from '../rules/rules.repository.js';
import type { TierChange } from '../tiers/tier-change.js';
import { tierChanges } from '../tiers/tier-changes.repository.js';
import { type OutboxRecord, webhookMessages } from '../webhooks/webhook-outbox.repository.js';
import type { EventResult } from './event-effects.js';
import { engineEvents, eventAnswers, type NewEvent } from './events.repository.js';
import { ruleUsageRows } from './rule-usage.repository.js';

export type { QueuedMint } from '../chain/chain.repository.js';

export interface EffectsWrite {
  entries: LedgerEntryDraft[];
  members: Member[];
  stageChanges: StageChange[];
  usage: Array<{ memberId: string; ruleId: string; usage: RuleUsage }>;
  budgetSpent: Map<string, number>;
  mints: QueuedMint[];
  results: EventResult[];
  /** Events the engine made (a referrer's `referral`), stored with their answer. */
  engineEvents: Array<NewEvent & { result: EventResult }>;
  tierChanges: TierChange[];
  /** Referrals qualified and rewarded by this list. */
  referrals: Array<{ id: string; qualifyingEventId: string; referralEventId: string }>;
  /** Webhook outbox rows (only for endpoints subscribed to their types; usually none). */
  webhooks?: OutboxRecord[];
}

/**
 * Everything a list of events changes, written in ONE statement: on the hot path a round trip
 * costs more than the rows. Each table's repository owns its fragment (its SQL and the encoding
 * of its rows, a `WriteFragment`); this only lists them. A new table's rows join the write with
 * a field above and one line below.
 */
@Injectable()
export class EffectsWriteRepository {
  async write(em: EntityManager, brandId: string, w: EffectsWrite): Promise<void> {
    await writeTogether(em, brandId, [
      // Its debits (refund reversals) spend lots right after, seeing the lots this write opens.
      ledgerEntries(w.entries),
      memberStates(w.members),
      stageChanges(w.stageChanges),
      ruleUsageRows(w.usage),
      budgetSpent(w.budgetSpent),
      queuedMints(w.mints),
      eventAnswers(w.results),
      engineEvents(w.engineEvents),
      rewardedReferrals(w.referrals),
      tierChanges(w.tierChanges),
      webhookMessages(w.webhooks ?? []),
    ]);
  }
}
