import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { PageQuery } from '../common/http/pagination.js';
import { type AuthenticatedMember, CurrentMember, MemberTokenGuard } from '../members/member-token.guard.js';
import { LedgerPageView, MeView } from './dto/ledger.dto.js';
import { LedgerService } from './ledger.service.js';

/**
 * The member API's ledger: the profile (GET /v1/me) lives here too, because balance and expiry
 * are the ledger's. Every /v1/me route is served by a `me-<feature>.controller.ts` in its feature.
 */
@ApiTags('member API')
@ApiBearerAuth('memberToken')
@ApiUnauthorizedResponse({ description: 'Missing, unknown or expired member token' })
@UseGuards(MemberTokenGuard)
@Controller('v1/me')
export class MeLedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get()
  @ApiOperation({ summary: 'The member behind the token: profile, stage, tier, balance, next expiry' })
  @ApiOkResponse({ type: MeView })
  me(@CurrentMember() me: AuthenticatedMember): Promise<MeView> {
    return this.ledger.profile(me.brandId, me.memberId);
  }

  @Get('ledger')
  @ApiOperation({ summary: "The member's own ledger, newest first" })
  @ApiOkResponse({ type: LedgerPageView })
  list(@CurrentMember() me: AuthenticatedMember, @Query() q: PageQuery): Promise<LedgerPageView> {
    return this.ledger.listForMember(me.brandId, me.memberId, q.cursor, q.limit);
  }
}
