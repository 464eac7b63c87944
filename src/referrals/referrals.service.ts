import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { withDefaults } from '../brands/brand-settings.js';
import { BrandsRepository } from '../brands/brands.repository.js';
import { idCursor, type Page } from '../common/http/pagination.js';
import { newId } from '../common/ids.js';
import { MemberErrors } from '../members/member-errors.js';
import { MembersRepository } from '../members/members.repository.js';
import type { MyReferralView, ReferralListQuery, ReferralView } from './dto/referral.dto.js';
import { toReferralView } from './dto/referral.view.js';
import { ReferralErrors } from './referral-errors.js';
import { ReferralsRepository } from './referrals.repository.js';

@Injectable()
export class ReferralsService {
  constructor(
    private readonly db: DataSource,
    private readonly referrals: ReferralsRepository,
    private readonly members: MembersRepository,
    private readonly brands: BrandsRepository,
  ) {}

  async list(brandId: string, q: ReferralListQuery): Promise<Page<ReferralView>> {
    const limit = q.limit ?? 50;
    const cursor = idCursor(q.cursor);
    const rows = await this.referrals.list(this.db.manager, brandId, {
      status: q.status,
      referrerId: q.referrerId,
      cursor,
      limit,
    });
    const data = rows.slice(0, limit);
    return { data: data.map(toReferralView), nextCursor: rows.length > limit ? data[data.length - 1].id : null };
  }

  async get(brandId: string, id: string): Promise<ReferralView> {
    const referral = await this.referrals.find(this.db.manager, brandId, id);
    if (!referral) {
      throw ReferralErrors.notFound(id);
    }
    return toReferralView(referral);
  }

  /** The member's own referral programme: code, share link, clicks, counts, points earned. */
  async mine(brandId: string, memberId: string): Promise<MyReferralView> {
    const em = this.db.manager;
    const member = await this.members.find(em, brandId, memberId);
    if (!member) {
      throw MemberErrors.notFound(memberId);
    }
    const brand = await this.brands.findBrand(em, brandId);
    const stats = await this.referrals.statsFor(em, brandId, member.id);
    return {
      code: member.referralCode,
      link: shareLink(withDefaults(brand?.settings).referralLandingUrl, member.referralCode),
      clicks: stats.clicks,
      pending: stats.pending,
      qualified: stats.qualified,
      rejected: stats.rejected,
      pointsEarned: stats.points,
    };
  }

  /**
   * GET /r/{code}: counts a click and answers where to send the visitor — the brand's landing
   * URL with ?ref=CODE; for a code that names nobody, the fallback without it (or null: 404).
   */
  async click(code: string, clientAddress: string, fallback: string | null): Promise<string> {
    const em = this.db.manager;
    const found = /^[A-Za-z0-9]{4,16}$/.test(code) ? await this.referrals.findByCode(em, code) : null;
    if (!found) {
      if (fallback) {
        return fallback;
      }
      throw ReferralErrors.unknownCode();
    }
    const brand = await this.brands.findBrand(em, found.brandId);
    const landing = withDefaults(brand?.settings).referralLandingUrl;
    if (!landing) {
      if (fallback) {
        return fallback;
      }
      throw ReferralErrors.noLandingUrl();
    }
    const clientHash = createHash('sha256').update(`${found.brandId}:${clientAddress}`).digest('hex');
    await this.referrals.insertClick(em, found.brandId, { id: newId(), memberId: found.memberId, clientHash });
    return shareLink(landing, code.toUpperCase())!;
  }
}

export function shareLink(landingUrl: string | null, code: string): string | null {
  if (!landingUrl) {
    return null;
  }
  const url = new URL(landingUrl);
  url.searchParams.set('ref', code);
  return url.toString();
}
