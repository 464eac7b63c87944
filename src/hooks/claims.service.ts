import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { newId } from '../common/ids.js';
import { hashSecret, newSecret } from '../common/secret-token.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { inTransaction } from '../database/transaction.js';
import { toMemberView } from '../members/dto/member.view.js';
import { MembersRepository } from '../members/members.repository.js';
import { MEMBER_TOKEN_PREFIX } from '../members/members.service.js';
import type { ClaimedView } from './dto/claim.dto.js';
import { ClaimErrors } from './hook-errors.js';
import { ClaimsRepository } from './claims.repository.js';

const CLAIM_PREFIX = 'cl_';
const CLAIM_TTL_MS = 7 * 86_400_000;

/** Claim links: a converted customer lands in the programme without signing up first. */
@Injectable()
export class ClaimsService {
  constructor(
    private readonly db: DataSource,
    private readonly claims: ClaimsRepository,
    private readonly members: MembersRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A one-time claim token for the member, in the caller's transaction. Stored hashed. */
  async issue(em: EntityManager, brandId: string, memberId: string): Promise<string> {
    const token = newSecret(CLAIM_PREFIX);
    await this.claims.insert(em, brandId, {
      id: newId(),
      memberId,
      tokenHash: hashSecret(token),
      expiresAt: new Date(Date.now() + CLAIM_TTL_MS),
    });
    return token;
  }

  /** POST /v1/claims: once, within 7 days, for a member token; the claim and the token commit together. */
  async claim(token: string): Promise<ClaimedView> {
    return inTransaction(this.db, async (em) => {
      const claimed = await this.claims.redeem(em, hashSecret(token));
      if (claimed === 'unknown') {
        throw ClaimErrors.notFound();
      }
      if (claimed === 'gone') {
        throw ClaimErrors.gone();
      }
      const member = (await this.members.find(em, claimed.brandId, claimed.memberId))!;
      const memberToken = newSecret(MEMBER_TOKEN_PREFIX);
      const expiresAt = new Date(Date.now() + this.config.memberTokenTtlSeconds * 1000);
      await this.members.insertToken(em, claimed.brandId, {
        id: newId(),
        memberId: member.id,
        tokenHash: hashSecret(memberToken),
        expiresAt,
      });
      return { memberToken, expiresAt: expiresAt.toISOString(), member: toMemberView(member) };
    });
  }
}
