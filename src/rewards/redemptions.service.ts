import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Page, toPage, idCursor } from '../common/http/pagination.js';
import { newId } from '../common/ids.js';
import { inTransaction } from '../database/transaction.js';
import { requestHash } from '../events/request-hash.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { debit, reverse } from '../ledger/posting.js';
import { MemberErrors } from '../members/member-errors.js';
import { MembersRepository } from '../members/members.repository.js';
import type { RedeemDto, RedemptionListQuery, RedemptionResultView, RedemptionView } from './dto/redemption.dto.js';
import { eligibility, needsTokenBalance } from './eligibility.js';
import { TokenHoldings } from '../chain/token-holdings.js';
import type { Redemption } from './redemption.js';
import { isBounded } from './reward.js';
import { RedemptionErrors } from './redemption-errors.js';
import { RedemptionsRepository } from './redemptions.repository.js';
import { RewardErrors } from './reward-errors.js';
import { RewardsRepository } from './rewards.repository.js';
import { toRedemptionResultView, toRedemptionView } from './dto/redemption.view.js';
import { cancelledChange, redeemedChanges } from '../webhooks/webhook-events.js';
import { WebhookOutbox } from '../webhooks/webhook-outbox.js';

const DEFAULT_PAGE = 50;

export interface RedeemOutcome {
  /** true when the idempotency key had already redeemed: the first answer, again. */
  replay: boolean;
  result: RedemptionResultView;
}

/**
 * Spending points on rewards. Every write locks the member row first and the reward row
 * second (the same order everywhere, so they never deadlock) and moves points only through
 * the ledger's posting operations: the balance stays equal to the sum of the entries. A
 * bounded reward (stock or codes) is locked FOR UPDATE and counted on its row; an unbounded one
 * only FOR SHARE, counted in stripes, so its redemptions by different members run side by side.
 */
@Injectable()
export class RedemptionsService {
  constructor(
    private readonly db: DataSource,
    private readonly redemptions: RedemptionsRepository,
    private readonly rewards: RewardsRepository,
    private readonly ledger: LedgerRepository,
    private readonly members: MembersRepository,
    private readonly webhooks: WebhookOutbox,
    private readonly tokens: TokenHoldings,
  ) {}

  /**
   * One transaction: member locked → key checked → reward locked → eligibility → redeem entry,
   * stock, code → redemption row with its answer. A refused attempt rolls back whole, so its
   * key is not used up. `actor` is recorded on the ledger entry (key:<id> or member).
   */
  async redeem(brandId: string, memberRef: string, dto: RedeemDto, actor: string): Promise<RedeemOutcome> {
    const found = await this.members.find(this.db.manager, brandId, memberRef);
    if (!found) {
      throw MemberErrors.notFound(memberRef);
    }
    // The key is unique per brand, so the member is part of what a replay must repeat.
    const hash = requestHash({ memberId: found.id, rewardId: dto.rewardId.toLowerCase() });
    // a token gate reads the chain: before the transaction, never while the member row is locked
    const gated = await this.rewards.find(this.db.manager, brandId, dto.rewardId.toLowerCase());
    const tokenBalance =
      gated && needsTokenBalance([gated]) ? await this.tokens.heldBy(brandId, found.walletAddress) : null;
    const attempt = (shared: boolean) =>
      inTransaction(this.db, (em) => this.redeemLocked(em, brandId, found.id, dto, hash, actor, tokenBalance, shared));
    try {
      // null: the reward was given a stock since it was read here, so it is redeemed under its lock after all
      return (await attempt(gated !== null && !isBounded(gated))) ?? (await attempt(false))!;
    } catch (e) {
      // The same key, committed meanwhile by a request for another member (so not serialised by our lock).
      const again = isKeyTaken(e) ? await this.replay(this.db.manager, brandId, dto.idempotencyKey, hash) : null;
      if (again) {
        return again;
      }
      throw e;
    }
  }

  private async redeemLocked(
    em: EntityManager,
    brandId: string,
    memberId: string,
    dto: RedeemDto,
    hash: string,
    actor: string,
    tokenBalance: bigint | null,
    shared: boolean,
  ): Promise<RedeemOutcome | null> {
    const [member] = await this.members.lock(em, brandId, [memberId], []);
    const prior = await this.replay(em, brandId, dto.idempotencyKey, hash);
    if (prior) {
      return prior;
    }
    const rewardId = dto.rewardId.toLowerCase();
    const reward = shared
      ? await this.rewards.share(em, brandId, rewardId)
      : await this.rewards.lock(em, brandId, rewardId);
    if (!reward) {
      throw RewardErrors.notFound(dto.rewardId);
    }
    if (shared && isBounded(reward)) {
      return null; // nothing written yet
    }

    const live = await this.redemptions.countLive(em, brandId, member.id, [reward.id]);
    const now = new Date();
    const verdict = eligibility(
      reward,
      { ...member, redemptionsOfReward: live.get(reward.id) ?? 0, tokenBalance },
      now,
    );
    if (!verdict.redeemable) {
      throw RedemptionErrors.notRedeemable(verdict.reason);
    }

    const id = newId();
    // A redemption debits available points; the ledger spends them from lots, soonest-expiring first.
    const { entry } = debit(member, {
      id: newId(),
      kind: 'redeem',
      status: 'available',
      points: reward.costPoints,
      redemptionId: id,
      reason: `redeemed: ${reward.name}`,
      actor,
      availableAt: now,
    });
    const code = reward.kind === 'coupon' ? await this.rewards.claimCode(em, brandId, reward.id, id, now) : null;
    // Unreachable while the reward row is locked (eligibility saw an unused code), but never hand out nothing.
    if (reward.kind === 'coupon' && !code) {
      throw RedemptionErrors.notRedeemable('out_of_stock');
    }
    if (isBounded(reward)) {
      await this.rewards.count(em, brandId, reward.id, 1, code ? -1 : 0);
    }
    const spentLots = await this.ledger.insert(em, brandId, [entry]);
    await this.members.saveStates(em, brandId, [member]);

    const redemption: Redemption = {
      spentLots,
      brandId,
      id,
      memberId: member.id,
      rewardId: reward.id,
      kind: reward.kind,
      status: 'completed',
      idempotencyKey: dto.idempotencyKey,
      requestHash: hash,
      costPoints: reward.costPoints,
      codeId: code?.id ?? null,
      code: code?.code ?? null,
      contentUrl: reward.contentUrl,
      perkText: reward.perkText,
      ledgerEntryId: entry.id,
      cancelLedgerEntryId: null,
      createdAt: now,
      cancelledAt: null,
    };
    const result = toRedemptionResultView(redemption, member);
    await this.redemptions.insert(em, redemption, result);
    await this.webhooks.enqueue(em, brandId, redeemedChanges(member, { ...redemption, rewardName: reward.name }, now));
    if (!isBounded(reward)) {
      // last: a stripe's row lock is then held only for the commit
      await this.rewards.countUnbounded(em, brandId, reward.id, 1);
    }
    return { replay: false, result };
  }

  /** A key already used: the same request gets the first answer; another request is a conflict. */
  private async replay(em: EntityManager, brandId: string, key: string, hash: string): Promise<RedeemOutcome | null> {
    const prior = await this.redemptions.findByKey<RedemptionResultView>(em, brandId, key);
    if (!prior) {
      return null;
    }
    if (prior.requestHash !== hash) {
      throw RedemptionErrors.keyConflict(key);
    }
    return { replay: true, result: prior.result };
  }

  /**
   * Gives the points back as a new `reverse` entry (not `adjust`: a refund is not earning, so
   * lifetimeEarned stays put), returns the unit to stock and voids the code, which the member
   * has seen and so is never handed out again.
   */
  async cancel(brandId: string, id: string, actor: string): Promise<RedemptionResultView> {
    const known = await this.redemptions.find(this.db.manager, brandId, id);
    if (!known) {
      throw RedemptionErrors.notFound(id);
    }
    const reward = await this.rewards.find(this.db.manager, brandId, known.rewardId, true);
    const attempt = (shared: boolean) =>
      inTransaction(this.db, (em) => this.cancelLocked(em, brandId, id, actor, shared));
    return (await attempt(reward !== null && !isBounded(reward))) ?? (await attempt(false))!;
  }

  /** null: the reward was given a stock since `cancel` read it, so it must be cancelled under the reward's lock. */
  private async cancelLocked(
    em: EntityManager,
    brandId: string,
    id: string,
    actor: string,
    shared: boolean,
  ): Promise<RedemptionResultView | null> {
    const found = await this.redemptions.find(em, brandId, id);
    if (!found) {
      throw RedemptionErrors.notFound(id);
    }
    const [member] = await this.members.lock(em, brandId, [found.memberId], []);
    const reward = shared
      ? await this.rewards.share(em, brandId, found.rewardId, true)
      : await this.rewards.lock(em, brandId, found.rewardId, true);
    const bounded = reward === null || isBounded(reward);
    if (shared && bounded) {
      return null; // nothing written yet
    }
    const now = new Date();
    const { entry } = reverse(member, {
      id: newId(),
      status: 'available',
      points: found.costPoints,
      redemptionId: id,
      reason: 'redemption cancelled',
      actor,
      availableAt: now,
    });
    // The points go back to the lots they came from, so they keep the expiry they had.
    await this.ledger.insertRestoring(em, brandId, entry, found.spentLots);
    // Conditional on 'completed' and taken under the member lock: a second cancel finds it done.
    if (!(await this.redemptions.markCancelled(em, brandId, id, entry.id, now))) {
      throw RedemptionErrors.alreadyCancelled(id);
    }
    if (bounded) {
      await this.rewards.count(em, brandId, found.rewardId, -1, 0);
    }
    if (found.codeId) {
      await this.rewards.voidCode(em, brandId, found.codeId, now);
    }
    await this.members.saveStates(em, brandId, [member]);
    await this.webhooks.enqueue(em, brandId, cancelledChange(member, found, entry.id, now));
    if (!bounded) {
      await this.rewards.countUnbounded(em, brandId, found.rewardId, -1);
    }
    return toRedemptionResultView(
      { ...found, status: 'cancelled', cancelledAt: now, cancelLedgerEntryId: entry.id },
      member,
    );
  }

  async get(brandId: string, id: string): Promise<RedemptionView> {
    const found = await this.redemptions.find(this.db.manager, brandId, id);
    if (!found) {
      throw RedemptionErrors.notFound(id);
    }
    return toRedemptionView(found);
  }

  async list(brandId: string, q: RedemptionListQuery): Promise<Page<RedemptionView>> {
    const limit = q.limit ?? DEFAULT_PAGE;
    const rows = await this.redemptions.list(this.db.manager, brandId, {
      memberId: q.memberId?.toLowerCase(),
      rewardId: q.rewardId?.toLowerCase(),
      status: q.status,
      before: idCursor(q.cursor),
      limit: limit + 1,
    });
    return toPage(rows.map(toRedemptionView), limit);
  }
}

function isKeyTaken(e: unknown): boolean {
  const driver = (e as { driverError?: { code?: string; constraint?: string } }).driverError;
  return driver?.code === '23505' && driver.constraint === 'redemptions_idempotency';
}
