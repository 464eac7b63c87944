import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedMember, CurrentMember, MemberTokenGuard } from '../members/member-token.guard.js';
import { MyReferralView } from './dto/referral.dto.js';
import { ReferralsService } from './referrals.service.js';

/** The member API's referral: code, share link and what it earned. */
@ApiTags('member API')
@ApiBearerAuth('memberToken')
@UseGuards(MemberTokenGuard)
@Controller('v1/me/referral')
export class MeReferralController {
  constructor(private readonly referrals: ReferralsService) {}

  @Get()
  @ApiOperation({ summary: "The member's referral code, share link, clicks, referrals and points earned through them" })
  @ApiOkResponse({ type: MyReferralView })
  mine(@CurrentMember() me: AuthenticatedMember): Promise<MyReferralView> {
    return this.referrals.mine(me.brandId, me.memberId);
  }
}
