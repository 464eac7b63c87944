import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { newId } from '../common/ids.js';
import { idCursor, type Page, toPage } from '../common/http/pagination.js';
import { hashSecret, newSecret } from '../common/secret-token.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { inTransaction } from '../database/transaction.js';
import { StageChangesRepository } from '../journey/stage-changes.repository.js';
import type {
  MemberListQuery,
  MemberTokenView,
  MemberView,
  StageChangeListView,
  UpsertedMemberView,
  UpsertMemberDto,
} from './dto/member.dto.js';
import { ReferralAttribution } from '../referrals/referral-attribution.js';
import { MemberErrors } from './member-errors.js';
import { toMemberView } from './dto/member.view.js';
import { toStageChangeView } from './dto/stage-change.view.js';
import type { Member } from './member.entity.js';
import { MembersRepository } from './members.repository.js';
import { newReferralCode } from './referral-code.js';
import { WebhookOutbox } from '../webhooks/webhook-outbox.js';
import { enrolledChange } from '../webhooks/webhook-events.js';

export const MEMBER_TOKEN_PREFIX = 'mt_';
const CODE_ATTEMPTS = 5;

@Injectable()
export class MembersService {
  constructor(
    private readonly db: DataSource,
    private readonly members: MembersRepository,
    private readonly stageChanges: StageChangesRepository,
    private readonly attribution: ReferralAttribution,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly webhooks: WebhookOutbox,
  ) {}

  /** PUT /v1/members/{externalId}: creates the member, or updates its profile fields. Idempotent. */
  async upsert(
    brand: AuthenticatedBrand,
    externalId: string,
    dto: UpsertMemberDto,
  ): Promise<{ member: UpsertedMemberView; created: boolean }> {
    const stage = dto.stage ?? brand.stages[0].key;
    if (!brand.stages.some((s) => s.key === stage)) {
      throw MemberErrors.unknownStage(stage);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.db, async (em) => {
          const { member, created } = await this.members.upsert(em, brand.id, {
            id: newId(),
            externalId,
            email: dto.email?.toLowerCase() ?? null,
            stage,
            walletAddress: dto.walletAddress ?? null,
            source: dto.source ?? 'api',
            referralCode: newReferralCode(),
            enrolledAt: new Date(),
          });
          if (created) {
            await this.stageChanges.insert(em, brand.id, [
              {
                id: newId(),
                memberId: member.id,
                from: null,
                to: member.stage,
                eventId: null,
                ruleId: null,
                cause: 'enrollment',
              },
            ]);
            await this.webhooks.enqueue(em, brand.id, enrolledChange(member));
          }
          const view: UpsertedMemberView = toMemberView(member);
          if (dto.referralCode) {
            const referral = await this.attribution.open(em, brand, member, dto.referralCode, !created);
            if (referral) {
              view.referral = { id: referral.referralId, status: referral.status, reason: referral.reason };
            }
          }
          return { member: view, created };
        });
      } catch (e) {
        const constraint = (e as { driverError?: { constraint?: string } }).driverError?.constraint;
        if (constraint === 'members_email') {
          throw MemberErrors.emailTaken();
        }
        if (constraint === 'members_wallet') {
          throw MemberErrors.walletTaken();
        }
        // a referral code already taken (1 in ~10^11): draw another
        if (constraint === 'members_referral_code' && attempt < CODE_ATTEMPTS) {
          continue;
        }
        throw e;
      }
    }
  }

  async get(brand: AuthenticatedBrand, idOrExternalId: string): Promise<MemberView> {
    return toMemberView(await this.find(brand.id, idOrExternalId));
  }

  async list(brand: AuthenticatedBrand, q: MemberListQuery): Promise<Page<MemberView>> {
    const limit = q.limit ?? 50;
    const cursor = idCursor(q.cursor);
    const rows = await this.members.list(this.db.manager, brand.id, { stage: q.stage, tier: q.tier, cursor, limit });
    const page = toPage(rows, limit);
    return { data: page.data.map(toMemberView), nextCursor: page.nextCursor };
  }

  /** A short-lived bearer token for the brand's app to call /v1/me as this member. Stored hashed. */
  async issueToken(brand: AuthenticatedBrand, idOrExternalId: string): Promise<MemberTokenView> {
    const member = await this.find(brand.id, idOrExternalId);
    const token = newSecret(MEMBER_TOKEN_PREFIX);
    const expiresAt = new Date(Date.now() + this.config.memberTokenTtlSeconds * 1000);
    await this.members.insertToken(this.db.manager, brand.id, {
      id: newId(),
      memberId: member.id,
      tokenHash: hashSecret(token),
      expiresAt,
    });
    return { token, expiresAt: expiresAt.toISOString(), memberId: member.id };
  }

  async authenticateToken(token: string): Promise<{ brandId: string; memberId: string }> {
    if (!token.startsWith(MEMBER_TOKEN_PREFIX)) {
      throw MemberErrors.invalidToken();
    }
    const found = await this.members.findByTokenHash(this.db.manager, hashSecret(token));
    if (!found) {
      throw MemberErrors.invalidToken();
    }
    return found;
  }

  /** The member's journey: every stage change with its cause, oldest first. */
  async stageHistory(brand: AuthenticatedBrand, idOrExternalId: string): Promise<StageChangeListView> {
    const member = await this.find(brand.id, idOrExternalId);
    const changes = await this.stageChanges.listForMember(this.db.manager, brand.id, member.id);
    return {
      data: changes.map(toStageChangeView),
      nextCursor: null,
    };
  }

  async find(brandId: string, idOrExternalId: string): Promise<Member> {
    const member = await this.members.find(this.db.manager, brandId, idOrExternalId);
    if (!member) {
      throw MemberErrors.notFound(idOrExternalId);
    }
    return member;
  }
}
