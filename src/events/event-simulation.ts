import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { validationFailed } from '../common/errors/domain-error.js';
import { newId } from '../common/ids.js';
import { MemberErrors } from '../members/member-errors.js';
import type { Member } from '../members/member.entity.js';
import { MembersRepository } from '../members/members.repository.js';
import { RuleSetCache } from '../rules/rule-set.cache.js';
import { applyEvent, contextFor } from './apply-event.js';
import type { SimulateDto, SimulationView } from './dto/simulate.dto.js';
import { checkAttributes } from './event-attributes.js';
import { budgetsLeft, RuleUsageRepository } from './rule-usage.repository.js';

/** POST /v1/rules/simulate: the pipeline's evaluation on a copy of the member, with no write. */
@Injectable()
export class EventSimulation {
  constructor(
    private readonly db: DataSource,
    private readonly ruleSets: RuleSetCache,
    private readonly members: MembersRepository,
    private readonly ruleUsage: RuleUsageRepository,
  ) {}

  async simulate(brand: AuthenticatedBrand, dto: SimulateDto): Promise<SimulationView> {
    const faults = checkAttributes(dto.event.type, dto.event.attributes).map((f) => ({
      ...f,
      path: `event.${f.path}`,
    }));
    if (dto.member && !dto.member.id && !dto.member.externalId) {
      faults.push({ path: 'member', message: 'needs id or externalId' });
    }
    // The event's own member counts only when the caller named none at the top level.
    const eventMember = dto.member || dto.hypotheticalMember ? undefined : dto.event.member;
    if (eventMember && !eventMember.id && !eventMember.externalId) {
      faults.push({ path: 'event.member', message: 'needs id or externalId' });
    }
    const ref = dto.member ?? eventMember;
    if (dto.hypotheticalMember?.stage && !brand.stages.some((s) => s.key === dto.hypotheticalMember!.stage)) {
      faults.push({ path: 'hypotheticalMember.stage', message: "is not one of the brand's stages" });
    }
    if (faults.length) {
      throw validationFailed(faults);
    }

    const em = this.db.manager;
    const cached = await this.ruleSets.get(brand, em);
    const member = ref ? await this.realMember(brand.id, ref.id ?? ref.externalId!) : this.hypothetical(brand, dto);
    const usage = ref
      ? ((await this.ruleUsage.usageOf(em, brand.id, [member.id])).get(member.id) ?? new Map())
      : new Map();
    const budgets = [...cached.budgets.keys()];
    const spent = await this.ruleUsage.spentOf(em, brand.id, budgets);
    const budgetRemaining = budgetsLeft(cached.budgets, spent, budgets);
    const now = new Date();
    const applied = applyEvent(
      member,
      {
        id: 'simulation',
        type: dto.event.type,
        occurredAt: dto.event.occurredAt ? new Date(dto.event.occurredAt) : now,
        attributes: dto.event.attributes ?? {},
      },
      usage,
      budgetRemaining,
      contextFor(brand, cached.ruleSet, now, newId, true),
    );
    return {
      effects: applied.effects.map((e) => (e.type === 'points' ? { ...e, entryId: undefined } : e)),
      member: {
        id: ref ? member.id : null,
        stage: member.stage,
        tier: member.tier,
        balance: {
          available: member.pointsAvailable,
          pending: member.pointsPending,
          lifetimeEarned: member.lifetimeEarned,
        },
      },
      rules: applied.trace,
    };
  }

  private async realMember(brandId: string, ref: string): Promise<Member> {
    const member = await this.members.find(this.db.manager, brandId, ref);
    if (!member) {
      throw MemberErrors.notFound(ref);
    }
    return member;
  }

  private hypothetical(brand: AuthenticatedBrand, dto: SimulateDto): Member {
    const h = dto.hypotheticalMember ?? {};
    return {
      brandId: brand.id,
      id: 'hypothetical',
      externalId: 'hypothetical',
      email: null,
      stage: h.stage ?? brand.stages[0].key,
      tier: h.tier ?? null,
      referralCode: '',
      walletAddress: null,
      source: h.source ?? 'api',
      enrolledAt: h.enrolledAt ? new Date(h.enrolledAt) : new Date(),
      purchaseCount: h.purchaseCount ?? 0,
      referralCount: h.referralCount ?? 0,
      lastPurchaseAt: h.lastPurchaseAt ? new Date(h.lastPurchaseAt) : null,
      referredBy: h.referred ? 'hypothetical' : null,
      pointsAvailable: 0,
      pointsPending: 0,
      lifetimeEarned: h.lifetimePoints ?? 0,
    };
  }
}
