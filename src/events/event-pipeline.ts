import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { newId } from '../common/ids.js';
import { inTransaction } from '../database/transaction.js';
import { MemberErrors } from '../members/member-errors.js';
import type { Member } from '../members/member.entity.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { qualifies } from '../referrals/referral-policy.js';
import type { RuleUsage } from '../rules/engine/index.js';
import { type CachedRuleSet, RuleSetCache } from '../rules/rule-set.cache.js';
import { type AcceptedEvent, applyEvent, contextFor, recordPurchase } from './apply-event.js';
import { type EffectsWrite, EffectsWriteRepository } from './effects-write.repository.js';
import type { EventEffect, EventResult } from './event-effects.js';
import type { EventInput } from './event-input.js';
import { EventMembers, type LockedMembers } from './event-members.js';
import { EventErrors } from './event-errors.js';
import type { EventOutcome } from './event-outcome.js';
import { EventsRepository, type NewEvent } from './events.repository.js';
import { ReferralRewards, RelockNeeded } from './referral-rewards.js';
import { budgetsLeft, RuleUsageRepository } from './rule-usage.repository.js';
import { changesOfEvent } from '../webhooks/event-changes.js';
import { memberRef, type WebhookChange } from '../webhooks/webhook-events.js';
import { WebhookOutbox } from '../webhooks/webhook-outbox.js';

/** Reruns for referrals made while a list was locking (each adds the new referrers to the lock). */
const MAX_RELOCKS = 3;

/**
 * The hot path (DESIGN §4). Its unit of work is a list of events applied in ONE transaction
 * (a single event is a list of one): members locked in id order, one statement per step for
 * the whole list, nothing slow inside (chain mints are outbox rows).
 */
@Injectable()
export class EventPipeline {
  constructor(
    private readonly db: DataSource,
    private readonly ruleSets: RuleSetCache,
    private readonly eventMembers: EventMembers,
    private readonly events: EventsRepository,
    private readonly ruleUsage: RuleUsageRepository,
    private readonly referralRewards: ReferralRewards,
    private readonly ledger: LedgerRepository,
    private readonly effects: EffectsWriteRepository,
    private readonly webhooks: WebhookOutbox,
  ) {}

  async apply(
    brand: AuthenticatedBrand,
    inputs: EventInput[],
    origin = 'api',
    alsoLock: string[] = [],
    /** Called as the lock statement of the list's members goes out (the batcher then starts the next group). */
    onLocking?: () => void,
  ): Promise<EventOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.applyOnce(brand, inputs, origin, alsoLock, onLocking);
      } catch (e) {
        // A referral made while the lock statement ran: again, with its referrer locked in order.
        if (e instanceof RelockNeeded && attempt < MAX_RELOCKS) {
          alsoLock = [...alsoLock, ...e.ids];
          continue;
        }
        throw e;
      }
    }
  }

  /**
   * The same unit of work inside the caller's transaction (an inbound hook enrols a member and
   * applies its events in one commit). A RelockNeeded propagates: the caller rolls back and runs
   * its transaction again with those ids locked first, in id order with its own members.
   */
  async applyWithin(
    em: EntityManager,
    brand: AuthenticatedBrand,
    inputs: EventInput[],
    origin: string,
    alsoLock: string[] = [],
  ): Promise<EventOutcome[]> {
    const cached = await this.ruleSets.get(brand, this.db.manager);
    return this.applyIn(em, brand, cached, inputs, origin, alsoLock);
  }

  private async applyOnce(
    brand: AuthenticatedBrand,
    inputs: EventInput[],
    origin: string,
    alsoLock: string[],
    onLocking?: () => void,
  ): Promise<EventOutcome[]> {
    const cached = await this.ruleSets.get(brand, this.db.manager);
    return inTransaction(this.db, (em) => this.applyIn(em, brand, cached, inputs, origin, alsoLock, onLocking));
  }

  private async applyIn(
    em: EntityManager,
    brand: AuthenticatedBrand,
    cached: CachedRuleSet,
    inputs: EventInput[],
    origin: string,
    alsoLock: string[],
    onLocking?: () => void,
  ): Promise<EventOutcome[]> {
    const now = new Date();
    const outcomes: Array<EventOutcome | undefined> = new Array(inputs.length);
    const { replayOf, otherBody } = this.dedupeWithinList(inputs);
    const primary = inputs.map((_, i) => i).filter((i) => !replayOf.has(i) && !otherBody.includes(i));

    const locking = this.eventMembers.lock(
      em,
      brand,
      primary.map((i) => inputs[i]),
      now,
      alsoLock,
    );
    onLocking?.();
    const locked = await locking;
    const memberOf = locked.memberOf;
    for (const i of primary) {
      const found = memberOf(inputs[i].member);
      if (found === 'email_taken') {
        outcomes[i] = { error: MemberErrors.emailTaken() };
      } else if (!found) {
        outcomes[i] = { error: MemberErrors.notFoundByEvent(inputs[i].member) };
      }
    }

    const accepted = primary.filter((i) => !outcomes[i]);
    const rows: NewEvent[] = accepted.map((i) => ({
      id: newId(),
      idempotencyKey: inputs[i].idempotencyKey,
      requestHash: inputs[i].requestHash,
      type: inputs[i].type,
      memberId: (memberOf(inputs[i].member) as Member).id,
      occurredAt: inputs[i].occurredAt ?? now,
      attributes: inputs[i].attributes,
      origin,
      // for analytics (touchpoints by stage): the stage the event found the member in
      stage: (memberOf(inputs[i].member) as Member).stage,
    }));
    const inserted = await this.events.insertNew(em, brand.id, rows);
    await this.answerReplays(
      em,
      brand.id,
      accepted.filter((i) => !inserted.has(inputs[i].idempotencyKey)),
      inputs,
      outcomes,
    );

    const toApply = rows.filter((r) => inserted.has(r.idempotencyKey));
    const results = await this.applyAll(em, brand, cached, toApply, locked, now);
    accepted.forEach((i, n) => {
      const result = results.get(rows[n].id);
      if (result) {
        outcomes[i] = { status: 201, result };
      }
    });
    for (const [i, first] of replayOf) {
      const o = outcomes[first]!;
      outcomes[i] = 'result' in o ? { status: 200, result: { ...o.result, duplicate: true } } : o;
    }
    // Judged against what the key holds now (stored earlier, or by this list): a match is a replay.
    await this.answerReplays(em, brand.id, otherBody, inputs, outcomes);
    return outcomes as EventOutcome[];
  }

  /**
   * A key repeated inside one list (a batch, or requests grouped into one commit): the same body
   * as its first occurrence is a replay of it; another body is judged at the end against the
   * row the key then holds, so a client's true retry is never a 409 because a wrong body came first.
   */
  private dedupeWithinList(inputs: EventInput[]): { replayOf: Map<number, number>; otherBody: number[] } {
    const firstByKey = new Map<string, number>();
    const replayOf = new Map<number, number>();
    const otherBody: number[] = [];
    inputs.forEach((input, i) => {
      const first = firstByKey.get(input.idempotencyKey);
      if (first === undefined) {
        firstByKey.set(input.idempotencyKey, i);
      } else if (inputs[first].requestHash === input.requestHash) {
        replayOf.set(i, first);
      } else {
        otherBody.push(i);
      }
    });
    return { replayOf, otherBody };
  }

  /** Keys already in the database: a replay answers the stored result; another body is a 409. */
  private async answerReplays(
    em: EntityManager,
    brandId: string,
    indexes: number[],
    inputs: EventInput[],
    outcomes: Array<EventOutcome | undefined>,
  ) {
    if (indexes.length === 0) {
      return;
    }
    const stored = await this.events.findByKeys(
      em,
      brandId,
      indexes.map((i) => inputs[i].idempotencyKey),
    );
    for (const i of indexes) {
      const first = stored.get(inputs[i].idempotencyKey);
      if (first && first.requestHash === inputs[i].requestHash && first.result) {
        outcomes[i] = { status: 200, result: { ...first.result, duplicate: true } };
      } else {
        outcomes[i] = { error: EventErrors.keyConflict(inputs[i].idempotencyKey) };
      }
    }
  }

  private async applyAll(
    em: EntityManager,
    brand: AuthenticatedBrand,
    cached: CachedRuleSet,
    events: NewEvent[],
    locked: LockedMembers,
    now: Date,
  ): Promise<Map<string, EventResult>> {
    const results = new Map<string, EventResult>();
    if (events.length === 0) {
      return results;
    }
    const referrals = await this.referralRewards.prepare(em, brand, locked, events);
    const touched = new Map<string, Member>();
    for (const e of events) {
      touched.set(e.memberId, locked.byId.get(e.memberId)!);
    }
    for (const r of referrals.values()) {
      touched.set(r.referrerId!, locked.byId.get(r.referrerId!)!);
    }
    const types = new Set(events.map((e) => e.type));
    if (referrals.size) {
      types.add('referral');
    }

    const usageByMember = [...types].some((t) => cached.limitedEvents.has(t))
      ? await this.ruleUsage.usageOf(em, brand.id, [...touched.keys()])
      : new Map<string, Map<string, RuleUsage>>();
    const budgeted = cached.rules
      .filter((r) => types.has(r.definition.event) && cached.budgets.has(r.id))
      .map((r) => r.id);
    const spent = await this.ruleUsage.lockBudgets(em, brand.id, budgeted);
    const budgetAtStart = budgetsLeft(cached.budgets, spent, budgeted);
    const budgetRemaining = new Map(budgetAtStart);

    const refundOrders = events
      .filter((e) => e.type === 'refund')
      .map((e) => ({ memberId: e.memberId, orderId: String(e.attributes.orderId) }));
    const refundTargets = await this.events.refundTargets(em, brand.id, refundOrders);
    const window = brand.settings.tiers.tiers.length ? brand.settings.tiers.windowDays : null;
    const windowEarned =
      window === null
        ? new Map<string, number>()
        : await this.ledger.earnedSince(
            em,
            brand.id,
            [...touched.keys()],
            new Date(now.getTime() - window * 86_400_000),
          );
    const ctx = contextFor(brand, cached.ruleSet, now, newId, false, windowEarned);
    const write: EffectsWrite = {
      entries: [],
      members: [...touched.values()],
      stageChanges: [],
      usage: [],
      budgetSpent: new Map(),
      mints: [],
      results: [],
      engineEvents: [],
      referrals: [],
      tierChanges: [],
    };
    const usageRows = new Map<string, { memberId: string; ruleId: string; usage: RuleUsage }>();
    // Webhook messages only when the brand has an endpoint subscribed (a cached read, usually none).
    const subscriptions = await this.webhooks.subscriptions(em, brand.id);
    const changes: WebhookChange[] = [];
    const run = (member: Member, event: AcceptedEvent) => {
      let usage = usageByMember.get(member.id);
      if (!usage) {
        usageByMember.set(member.id, (usage = new Map()));
      }
      const refunded =
        event.type === 'refund' ? refundTargets.get(`${member.id}:${String(event.attributes.orderId)}`) : undefined;
      const applied = applyEvent(member, event, usage, budgetRemaining, ctx, refunded);
      recordPurchase(refundTargets, member, event, applied);
      write.entries.push(...applied.entries);
      write.stageChanges.push(...applied.stageChanges);
      write.tierChanges.push(...applied.tierChanges);
      for (const t of applied.tokens) {
        write.mints.push({
          id: t.mintId,
          memberId: member.id,
          eventId: event.id,
          ruleId: t.ruleId,
          amount: t.amount,
          status: t.status,
        });
      }
      for (const [ruleId, u] of applied.usage) {
        usageRows.set(`${member.id}:${ruleId}`, { memberId: member.id, ruleId, usage: u });
      }
      if (!subscriptions.none) {
        changes.push(...changesOfEvent(member, { event, ...applied }, now));
      }
      return applied.effects;
    };

    for (const event of events) {
      const member = locked.byId.get(event.memberId)!;
      const accepted: AcceptedEvent = {
        id: event.id,
        type: event.type,
        occurredAt: event.occurredAt,
        attributes: event.attributes,
      };
      const effects = run(member, accepted);
      const referral = referrals.get(member.id);
      if (referral && qualifies(brand.settings.referral, referral.createdAt, accepted)) {
        // The referrer's reward is an ordinary `referral` event through the same rules, in this transaction.
        referrals.delete(member.id);
        const referrer = locked.byId.get(referral.referrerId!)!;
        const made: AcceptedEvent = {
          id: newId(),
          type: 'referral',
          occurredAt: accepted.occurredAt,
          attributes: { referralId: referral.id, refereeId: member.id, amount: accepted.attributes.amount ?? null },
        };
        const result = resultOf(made.id, run(referrer, made), referrer);
        write.engineEvents.push({
          id: made.id,
          idempotencyKey: `referral:${referral.id}`,
          requestHash: 'engine',
          type: 'referral',
          memberId: referrer.id,
          occurredAt: made.occurredAt,
          attributes: made.attributes,
          origin: 'engine',
          result,
        });
        write.referrals.push({ id: referral.id, qualifyingEventId: event.id, referralEventId: made.id });
        effects.push({ type: 'referral', referralId: referral.id, referrerId: referrer.id, status: 'rewarded' });
        if (subscriptions.wants('referral.qualified')) {
          changes.push({
            type: 'referral.qualified',
            at: now,
            data: {
              referralId: referral.id,
              member: memberRef(referrer),
              referee: memberRef(member),
              qualifyingEventId: event.id,
              referralEventId: made.id,
            },
          });
        }
      }
      results.set(event.id, resultOf(event.id, effects, member));
    }

    for (const [id, start] of budgetAtStart) {
      if (start - budgetRemaining.get(id)! > 0) {
        write.budgetSpent.set(id, start - budgetRemaining.get(id)!);
      }
    }
    write.usage = [...usageRows.values()];
    write.results = [...results.values()];
    write.webhooks = subscriptions.records(changes);
    await this.effects.write(em, brand.id, write);
    return results;
  }
}

function resultOf(eventId: string, effects: EventEffect[], member: Member): EventResult {
  return {
    eventId,
    duplicate: false,
    effects,
    member: {
      id: member.id,
      externalId: member.externalId,
      stage: member.stage,
      tier: member.tier,
      balance: {
        available: member.pointsAvailable,
        pending: member.pointsPending,
        lifetimeEarned: member.lifetimeEarned,
      },
    },
  };
}
