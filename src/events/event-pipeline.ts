import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { newId } from '../common/ids.js';
import { inTransaction } from '../database/transaction.js';
import type { StageChange } from '../journey/stage-change.js';
import { StageChangesRepository } from '../journey/stage-changes.repository.js';
import type { LedgerEntryDraft } from '../ledger/posting.js';
import type { Member } from '../members/member.entity.js';
import { MembersRepository, type NewMember } from '../members/members.repository.js';
import { newReferralCode } from '../members/referral-code.js';
import type { RuleUsage } from '../rules/engine/index.js';
import { RuleSetCache } from '../rules/rule-set.cache.js';
import { type AcceptedEvent, applyEvent, contextFor } from './apply-event.js';
import type { EventResult } from './event-effects.js';
import type { EventInput } from './event-input.js';
import { type EventOutcome, EventOutcomes } from './event-outcome.js';
import { EventsRepository, type NewEvent } from './events.repository.js';
import { RuleUsageRepository } from './rule-usage.repository.js';
import { EffectsWriteRepository, type QueuedMint } from './effects-write.repository.js';

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
    private readonly members: MembersRepository,
    private readonly events: EventsRepository,
    private readonly stageChanges: StageChangesRepository,
    private readonly ruleUsage: RuleUsageRepository,
    private readonly effects: EffectsWriteRepository,
  ) {}

  async apply(brand: AuthenticatedBrand, inputs: EventInput[], origin = 'api'): Promise<EventOutcome[]> {
    const cached = await this.ruleSets.get(brand, this.db.manager);
    return inTransaction(this.db, async (em) => {
      const now = new Date();
      const outcomes: Array<EventOutcome | undefined> = new Array(inputs.length);
      const replayOf = this.dedupeWithinList(inputs, outcomes);
      const primary = inputs.map((_, i) => i).filter((i) => !outcomes[i] && !replayOf.has(i));

      const memberOf = await this.lockMembers(em, brand, primary.map((i) => inputs[i]), now);
      for (const i of primary) {
        const found = memberOf(inputs[i].member);
        if (found === 'email_taken') outcomes[i] = EventOutcomes.emailTaken();
        else if (!found) outcomes[i] = EventOutcomes.memberNotFound(inputs[i].member);
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
      }));
      const inserted = await this.events.insertNew(em, brand.id, rows);
      await this.answerReplays(em, brand.id, accepted.filter((i) => !inserted.has(inputs[i].idempotencyKey)), inputs, outcomes);

      const toApply = rows.filter((r) => inserted.has(r.idempotencyKey));
      const results = await this.applyAll(em, brand, cached, toApply, memberOf, inputs, now);
      accepted.forEach((i, n) => {
        const result = results.get(rows[n].id);
        if (result) outcomes[i] = { status: 201, result };
      });
      for (const [i, first] of replayOf) {
        const o = outcomes[first]!;
        outcomes[i] = 'result' in o ? { status: 200, result: { ...o.result, duplicate: true } } : o;
      }
      return outcomes as EventOutcome[];
    });
  }

  /** A key repeated inside one list: the same body is a replay of the first, another body a conflict. */
  private dedupeWithinList(inputs: EventInput[], outcomes: Array<EventOutcome | undefined>): Map<number, number> {
    const firstByKey = new Map<string, number>();
    const replayOf = new Map<number, number>();
    inputs.forEach((input, i) => {
      const first = firstByKey.get(input.idempotencyKey);
      if (first === undefined) firstByKey.set(input.idempotencyKey, i);
      else if (inputs[first].requestHash === input.requestHash) replayOf.set(i, first);
      else outcomes[i] = EventOutcomes.keyConflict(input.idempotencyKey);
    });
    return replayOf;
  }

  /**
   * Locks every member the list names (in id order). Unknown externalIds are enrolled first
   * when the brand has autoEnroll on. Answers a lookup from a member reference to its row.
   */
  private async lockMembers(em: EntityManager, brand: AuthenticatedBrand, inputs: EventInput[], now: Date) {
    const ids = unique(inputs.map((e) => e.member.id));
    const externalIds = unique(inputs.filter((e) => !e.member.id).map((e) => e.member.externalId));
    const byId = new Map<string, Member>();
    const byExternalId = new Map<string, Member>();
    const index = (members: Member[]) => members.forEach((m) => (byId.set(m.id, m), byExternalId.set(m.externalId, m)));
    index(await this.members.lock(em, brand.id, ids, externalIds));

    const toEnrol = brand.settings.autoEnroll ? externalIds.filter((x) => !byExternalId.has(x)) : [];
    const enrolled = new Set<string>();
    if (toEnrol.length) {
      const emailOf = new Map(inputs.filter((e) => e.member.externalId && e.member.email).map((e) => [e.member.externalId!, e.member.email!]));
      const fresh: NewMember[] = toEnrol.map((externalId) => ({
        id: newId(),
        externalId,
        email: emailOf.get(externalId) ?? null,
        stage: brand.stages[0].key,
        walletAddress: null,
        source: 'api',
        referralCode: newReferralCode(),
        enrolledAt: now,
      }));
      await this.members.insertMissing(em, brand.id, fresh);
      const locked = await this.members.lock(em, brand.id, [], toEnrol);
      index(locked);
      const freshIds = new Set(fresh.map((m) => m.id));
      const entered = locked.filter((m) => freshIds.has(m.id));
      entered.forEach((m) => enrolled.add(m.externalId));
      await this.stageChanges.insert(em, brand.id, entered.map((m) => ({ id: newId(), memberId: m.id, from: null, to: m.stage, eventId: null, ruleId: null, cause: 'enrollment' })));
    }
    return (ref: EventInput['member']): Member | 'email_taken' | undefined => {
      if (ref.id) return byId.get(ref.id);
      const m = byExternalId.get(ref.externalId!);
      // An enrolment that inserted nothing although the externalId is new hit the email index.
      if (!m && toEnrol.includes(ref.externalId!) && !enrolled.has(ref.externalId!)) return 'email_taken';
      return m;
    };
  }

  /** Keys already in the database: a replay answers the stored result; another body is a 409. */
  private async answerReplays(em: EntityManager, brandId: string, indexes: number[], inputs: EventInput[], outcomes: Array<EventOutcome | undefined>) {
    if (indexes.length === 0) return;
    const stored = await this.events.findByKeys(em, brandId, indexes.map((i) => inputs[i].idempotencyKey));
    for (const i of indexes) {
      const first = stored.get(inputs[i].idempotencyKey);
      if (first && first.requestHash === inputs[i].requestHash && first.result) outcomes[i] = { status: 200, result: { ...first.result, duplicate: true } };
      else outcomes[i] = EventOutcomes.keyConflict(inputs[i].idempotencyKey);
    }
  }

  private async applyAll(
    em: EntityManager,
    brand: AuthenticatedBrand,
    cached: Awaited<ReturnType<RuleSetCache['get']>>,
    events: NewEvent[],
    memberOf: (ref: EventInput['member']) => Member | 'email_taken' | undefined,
    inputs: EventInput[],
    now: Date,
  ): Promise<Map<string, EventResult>> {
    const results = new Map<string, EventResult>();
    if (events.length === 0) return results;
    const members = new Map(events.map((e) => [e.memberId, null as Member | null]));
    for (const input of inputs) {
      const m = memberOf(input.member);
      if (m && m !== 'email_taken' && members.has(m.id)) members.set(m.id, m);
    }
    const memberIds = [...members.keys()];
    const types = new Set(events.map((e) => e.type));

    const usageByMember = [...types].some((t) => cached.limitedEvents.has(t))
      ? await this.ruleUsage.usageOf(em, brand.id, memberIds)
      : new Map<string, Map<string, RuleUsage>>();
    const budgeted = cached.rules.filter((r) => types.has(r.definition.event) && cached.budgets.has(r.id)).map((r) => r.id);
    const spent = await this.ruleUsage.lockBudgets(em, brand.id, budgeted);
    const budgetAtStart = new Map(budgeted.map((id) => [id, Math.max(0, cached.budgets.get(id)! - (spent.get(id) ?? 0))]));
    const budgetRemaining = new Map(budgetAtStart);

    const ctx = contextFor(brand, cached.ruleSet, now, newId);
    const entries: LedgerEntryDraft[] = [];
    const stageChanges: StageChange[] = [];
    const mints: QueuedMint[] = [];
    const usageRows = new Map<string, { memberId: string; ruleId: string; usage: RuleUsage }>();

    for (const event of events) {
      const member = members.get(event.memberId)!;
      let usage = usageByMember.get(member.id);
      if (!usage) usageByMember.set(member.id, (usage = new Map()));
      const accepted: AcceptedEvent = { id: event.id, type: event.type, occurredAt: event.occurredAt, attributes: event.attributes };
      const applied = applyEvent(member, accepted, usage, budgetRemaining, ctx);
      entries.push(...applied.entries);
      stageChanges.push(...applied.stageChanges);
      for (const t of applied.tokens) mints.push({ id: t.mintId, memberId: member.id, eventId: event.id, ruleId: t.ruleId, amount: t.amount });
      for (const [ruleId, u] of applied.usage) usageRows.set(`${member.id}:${ruleId}`, { memberId: member.id, ruleId, usage: u });
      results.set(event.id, {
        eventId: event.id,
        duplicate: false,
        effects: applied.effects,
        member: {
          id: member.id,
          externalId: member.externalId,
          stage: member.stage,
          tier: member.tier,
          balance: { available: member.pointsAvailable, pending: member.pointsPending, lifetimeEarned: member.lifetimeEarned },
        },
      });
    }

    const budgetSpent = new Map<string, number>();
    for (const [id, start] of budgetAtStart) if (start - budgetRemaining.get(id)! > 0) budgetSpent.set(id, start - budgetRemaining.get(id)!);

    await this.effects.write(em, brand.id, {
      entries,
      members: [...members.values()].filter((m): m is Member => m !== null),
      stageChanges,
      usage: [...usageRows.values()],
      budgetSpent,
      mints,
      results: [...results.values()],
    });
    return results;
  }
}

function unique(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}
