import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import type { Page } from '../common/http/pagination.js';
import { newId } from '../common/ids.js';
import { inTransaction } from '../database/transaction.js';
import { MemberErrors } from '../members/member-errors.js';
import { toMemberView } from '../members/member-view.js';
import { MembersRepository } from '../members/members.repository.js';
import type { AdjustmentDto, AdjustmentView, LedgerEntryView, MeView } from './dto/ledger.dto.js';
import { LedgerErrors } from './ledger-errors.js';
import { LedgerRepository, type LedgerEntryRow } from './ledger.repository.js';
import { adjust } from './posting.js';

@Injectable()
export class LedgerService {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: LedgerRepository,
    private readonly members: MembersRepository,
  ) {}

  async listForMember(
    brandId: string,
    idOrExternalId: string,
    cursor: string | undefined,
    limit = 50,
  ): Promise<Page<LedgerEntryView>> {
    const member = await this.members.find(this.db.manager, brandId, idOrExternalId);
    if (!member) {
      throw MemberErrors.notFound(idOrExternalId);
    }
    const rows = await this.ledger.listForMember(
      this.db.manager,
      brandId,
      member.id,
      isSeq(cursor) ? cursor : null,
      limit,
    );
    const data = rows.slice(0, limit);
    return { data: data.map(toEntryView), nextCursor: rows.length > limit ? data[data.length - 1].seq : null };
  }

  /** /v1/me: the member's view with the next points to lapse. */
  async profile(brandId: string, memberId: string): Promise<MeView> {
    const member = await this.members.find(this.db.manager, brandId, memberId);
    if (!member) {
      throw MemberErrors.notFound(memberId);
    }
    const next = await this.ledger.nextExpiry(this.db.manager, brandId, member.id);
    return { ...toMemberView(member), nextExpiry: next ? { at: next.at.toISOString(), points: next.points } : null };
  }

  /** A manual credit or debit, with its reason and the key that made it; never below zero. */
  async adjust(brand: AuthenticatedBrand, idOrExternalId: string, dto: AdjustmentDto): Promise<AdjustmentView> {
    return inTransaction(this.db, async (em) => {
      const found = await this.members.find(em, brand.id, idOrExternalId);
      if (!found) {
        throw MemberErrors.notFound(idOrExternalId);
      }
      const [member] = await this.members.lock(em, brand.id, [found.id], []);
      if (dto.points < 0 && member.pointsAvailable + dto.points < 0) {
        throw LedgerErrors.insufficientPoints(member.pointsAvailable, dto.points);
      }
      const now = new Date();
      const { entry } = adjust(member, {
        id: newId(),
        status: 'available',
        points: dto.points,
        reason: dto.reason,
        actor: `key:${brand.keyId}`,
        availableAt: now,
      });
      await this.ledger.insert(em, brand.id, [entry]);
      await this.members.saveStates(em, brand.id, [member]);
      return {
        entry: toEntryView({
          ...entry,
          seq: '',
          ruleId: null,
          ruleVersion: null,
          eventId: null,
          redemptionId: null,
          reason: dto.reason,
          actor: entry.actor!,
          expiresAt: null,
          createdAt: now,
        }),
        balance: {
          available: member.pointsAvailable,
          pending: member.pointsPending,
          lifetimeEarned: member.lifetimeEarned,
        },
      };
    });
  }
}

export function toEntryView(e: LedgerEntryRow): LedgerEntryView {
  return {
    id: e.id,
    kind: e.kind,
    status: e.status,
    points: e.points,
    balanceAfter: e.balanceAfter,
    eventId: e.eventId,
    ruleId: e.ruleId,
    ruleVersion: e.ruleVersion,
    redemptionId: e.redemptionId,
    reason: e.reason,
    actor: e.actor,
    availableAt: e.availableAt.toISOString(),
    expiresAt: e.expiresAt?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
  };
}

/** A ledger cursor is a seq: a positive bigint. */
function isSeq(cursor: string | undefined): cursor is string {
  return cursor !== undefined && /^\d{1,19}$/.test(cursor) && BigInt(cursor) <= 9_223_372_036_854_775_807n;
}
