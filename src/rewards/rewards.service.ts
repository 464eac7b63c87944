import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { validationFailed } from '../common/errors/domain-error.js';
import { type Page, toPage, idCursor } from '../common/http/pagination.js';
import { newId } from '../common/ids.js';
import { inTransaction } from '../database/transaction.js';
import { MemberErrors } from '../members/member-errors.js';
import { MembersRepository } from '../members/members.repository.js';
import type {
  AddCodesDto,
  CodesUploadView,
  CreateRewardDto,
  MemberRewardView,
  RewardListQuery,
  RewardView,
  UpdateRewardDto,
} from './dto/reward.dto.js';
import { eligibility, needsTokenBalance } from './eligibility.js';
import { TokenHoldings } from '../chain/token-holdings.js';
import { RedemptionsRepository } from './redemptions.repository.js';
import { remainingOf } from './reward.js';
import { RewardErrors } from './reward-errors.js';
import { rewardTermsFaults } from './reward-terms.js';
import { type RewardTerms, RewardsRepository } from './rewards.repository.js';
import { toMemberRewardView, toRewardView } from './dto/reward.view.js';

const DEFAULT_PAGE = 50;

/** The brand's rewards catalog, its coupon code pools, and the catalog as one member sees it. */
@Injectable()
export class RewardsService {
  constructor(
    private readonly db: DataSource,
    private readonly rewards: RewardsRepository,
    private readonly redemptions: RedemptionsRepository,
    private readonly members: MembersRepository,
    private readonly tokens: TokenHoldings,
  ) {}

  async create(brand: AuthenticatedBrand, dto: CreateRewardDto): Promise<RewardView> {
    const terms: RewardTerms = {
      id: newId(),
      name: dto.name,
      description: dto.description ?? null,
      kind: dto.kind,
      costPoints: dto.costPoints,
      stock: dto.stock ?? null,
      perMemberLimit: dto.perMemberLimit ?? null,
      stages: dto.stages ?? [],
      tiers: dto.tiers ?? [],
      contentUrl: dto.contentUrl ?? null,
      perkText: dto.perkText ?? null,
      validFrom: toDate(dto.validFrom),
      validUntil: toDate(dto.validUntil),
      active: dto.active ?? true,
      tokenGateMinBalance: dto.tokenGate?.minBalance ?? null,
    };
    assertTerms(terms, stageKeys(brand));
    return toRewardView(await inTransaction(this.db, (em) => this.rewards.insert(em, brand.id, terms)));
  }

  async list(brandId: string, q: RewardListQuery): Promise<Page<RewardView>> {
    const limit = q.limit ?? DEFAULT_PAGE;
    const rows = await this.rewards.list(this.db.manager, brandId, {
      active: q.active,
      kind: q.kind,
      after: idCursor(q.cursor),
      limit: limit + 1,
    });
    return toPage(rows.map(toRewardView), limit);
  }

  async get(brandId: string, id: string): Promise<RewardView> {
    const reward = await this.rewards.find(this.db.manager, brandId, id);
    if (!reward) {
      throw RewardErrors.notFound(id);
    }
    return toRewardView(reward);
  }

  /** Fields left out keep their value; the merged terms must hold together as a new reward's would. */
  async update(brand: AuthenticatedBrand, id: string, dto: UpdateRewardDto): Promise<RewardView> {
    return inTransaction(this.db, async (em) => {
      const current = await this.rewards.lock(em, brand.id, id);
      if (!current) {
        throw RewardErrors.notFound(id);
      }
      const terms: RewardTerms = {
        id,
        name: dto.name ?? current.name,
        description: dto.description !== undefined ? dto.description : current.description,
        kind: current.kind,
        costPoints: dto.costPoints ?? current.costPoints,
        stock: dto.stock !== undefined ? dto.stock : current.stock,
        perMemberLimit: dto.perMemberLimit !== undefined ? dto.perMemberLimit : current.perMemberLimit,
        stages: dto.stages ?? current.stages,
        tiers: dto.tiers ?? current.tiers,
        contentUrl: dto.contentUrl !== undefined ? dto.contentUrl : current.contentUrl,
        perkText: dto.perkText !== undefined ? dto.perkText : current.perkText,
        validFrom: dto.validFrom !== undefined ? toDate(dto.validFrom) : current.validFrom,
        validUntil: dto.validUntil !== undefined ? toDate(dto.validUntil) : current.validUntil,
        active: dto.active ?? current.active,
        tokenGateMinBalance:
          dto.tokenGate !== undefined ? (dto.tokenGate?.minBalance ?? null) : current.tokenGateMinBalance,
      };
      // A stage the brand has since dropped from its journey must not block an edit of something else.
      const allowed = dto.stages === undefined ? [...stageKeys(brand), ...current.stages] : stageKeys(brand);
      assertTerms(terms, allowed);
      return toRewardView(await this.rewards.update(em, brand.id, terms));
    });
  }

  /** Deleted rewards leave the catalog; their redemptions (and cancelling them) keep working. */
  async remove(brandId: string, id: string): Promise<void> {
    const deleted = await inTransaction(this.db, (em) => this.rewards.softDelete(em, brandId, id));
    if (!deleted) {
      throw RewardErrors.notFound(id);
    }
  }

  /** Adds codes to a coupon's pool; codes already there (or repeated in the upload) are skipped. */
  async addCodes(brandId: string, id: string, dto: AddCodesDto): Promise<CodesUploadView> {
    const codes = [...new Set(dto.codes)];
    return inTransaction(this.db, async (em) => {
      const reward = await this.rewards.lock(em, brandId, id);
      if (!reward) {
        throw RewardErrors.notFound(id);
      }
      if (reward.kind !== 'coupon') {
        throw RewardErrors.notACoupon(id);
      }
      const added = await this.rewards.addCodes(em, brandId, id, codes);
      const codesUnused = reward.codesUnused + added;
      return {
        added,
        duplicates: dto.codes.length - added,
        unusedCodes: codesUnused,
        remaining: remainingOf({ ...reward, codesUnused }),
      };
    });
  }

  /** GET /v1/me/rewards: the catalog, each reward with whether this member may redeem it now, and why not. */
  async catalogFor(
    brandId: string,
    memberId: string,
    q: { cursor?: string; limit?: number },
  ): Promise<Page<MemberRewardView>> {
    const em = this.db.manager;
    const member = await this.members.find(em, brandId, memberId);
    if (!member) {
      throw MemberErrors.notFound(memberId);
    }
    const limit = q.limit ?? DEFAULT_PAGE;
    const rows = await this.rewards.list(em, brandId, { after: idCursor(q.cursor), limit: limit + 1 });
    const page = toPage(rows, limit);
    const counts = await this.redemptions.countLive(
      em,
      brandId,
      member.id,
      page.data.map((r) => r.id),
    );
    const tokenBalance = needsTokenBalance(page.data) ? await this.tokens.heldBy(brandId, member.walletAddress) : null;
    const now = new Date();
    return {
      data: page.data.map((r) =>
        toMemberRewardView(
          r,
          eligibility(r, { ...member, redemptionsOfReward: counts.get(r.id) ?? 0, tokenBalance }, now),
        ),
      ),
      nextCursor: page.nextCursor,
    };
  }
}

function assertTerms(terms: RewardTerms, brandStages: string[]): void {
  const faults = rewardTermsFaults(terms, brandStages);
  if (faults.length) {
    throw validationFailed(faults);
  }
}

const stageKeys = (brand: AuthenticatedBrand) => brand.stages.map((s) => s.key);
const toDate = (iso: string | null | undefined): Date | null => (iso ? new Date(iso) : null);
