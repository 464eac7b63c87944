import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { type Page, seqCursor } from '../common/http/pagination.js';
import { newId } from '../common/ids.js';
import { inTransaction } from '../database/transaction.js';
import { adjustmentChange } from '../webhooks/webhook-events.js';
import { WebhookOutbox } from '../webhooks/webhook-outbox.js';
import { MemberErrors } from '../members/member-errors.js';
import { toMemberBalanceView } from '../members/dto/member.view.js';
import { MembersRepository } from '../members/members.repository.js';
import type {
  AdjustmentDto,
  AdjustmentView,
  BalanceWithExpiryView,
  LedgerEntryView,
  MeView,
} from './dto/ledger.dto.js';
import { toLedgerEntryView } from './dto/ledger-entry.view.js';
import { toBalanceWithExpiryView, toMeView } from './dto/me.view.js';
import { LedgerErrors } from './ledger-errors.js';
import { LedgerRepository } from './ledger.repository.js';
import { adjust } from './posting.js';

@Injectable()
export class LedgerService {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: LedgerRepository,
    private readonly members: MembersRepository,
    private readonly webhooks: WebhookOutbox,
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
    const rows = await this.ledger.listForMember(this.db.manager, brandId, member.id, seqCursor(cursor) ?? null, limit);
    const data = rows.slice(0, limit);
    return { data: data.map(toLedgerEntryView), nextCursor: rows.length > limit ? data[data.length - 1].seq : null };
  }

  /** /v1/me: the member's view with the next points to lapse. */
  async profile(brandId: string, memberId: string): Promise<MeView> {
    const member = await this.members.find(this.db.manager, brandId, memberId);
    if (!member) {
      throw MemberErrors.notFound(memberId);
    }
    const next = await this.ledger.nextExpiry(this.db.manager, brandId, member.id);
    return toMeView(member, next);
  }

  /** The brand's read of a member's balance with the next points to lapse (the console's member view). */
  async balance(brandId: string, idOrExternalId: string): Promise<BalanceWithExpiryView> {
    const member = await this.members.find(this.db.manager, brandId, idOrExternalId);
    if (!member) {
      throw MemberErrors.notFound(idOrExternalId);
    }
    return toBalanceWithExpiryView(member, await this.ledger.nextExpiry(this.db.manager, brandId, member.id));
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
      await this.webhooks.enqueue(em, brand.id, adjustmentChange(member, entry, now));
      return {
        entry: toLedgerEntryView({
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
        balance: toMemberBalanceView(member),
      };
    });
  }
}
