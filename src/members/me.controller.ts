import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { MemberView } from './dto/member.dto.js';
import { type AuthenticatedMember, CurrentMember, MemberTokenGuard } from './member-token.guard.js';
import { toMemberView } from './member-view.js';
import { MembersService } from './members.service.js';

@ApiTags('member API')
@ApiBearerAuth('memberToken')
@ApiUnauthorizedResponse({ description: 'Missing, unknown or expired member token' })
@UseGuards(MemberTokenGuard)
@Controller('v1/me')
export class MeController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @ApiOperation({ summary: 'The member behind the token: profile, stage, tier, balance' })
  @ApiOkResponse({ type: MemberView })
  async me(@CurrentMember() me: AuthenticatedMember): Promise<MemberView> {
    return toMemberView(await this.members.find(me.brandId, me.memberId));
  }
}
