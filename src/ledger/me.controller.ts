import { Controller, Get, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { MemberView } from '../members/dto/member.dto.js';
import { type AuthenticatedMember, CurrentMember, MemberTokenGuard } from '../members/member-token.guard.js';
import { LedgerService } from './ledger.service.js';

export class NextExpiryView {
  @ApiProperty() at: string;
  @ApiProperty({ description: 'Points left in the lots that lapse then' }) points: number;
}

export class MeView extends MemberView {
  @ApiProperty({ type: NextExpiryView, nullable: true, description: 'The next lapsing points, or null' })
  nextExpiry: NextExpiryView | null;
}

/** The member API's profile: here beside the ledger, because balance and expiry are the ledger's. */
@ApiTags('member API')
@ApiBearerAuth('memberToken')
@ApiUnauthorizedResponse({ description: 'Missing, unknown or expired member token' })
@UseGuards(MemberTokenGuard)
@Controller('v1/me')
export class MeController {
  constructor(private readonly ledger: LedgerService) {}

  @Get()
  @ApiOperation({ summary: 'The member behind the token: profile, stage, tier, balance, next expiry' })
  @ApiOkResponse({ type: MeView })
  me(@CurrentMember() me: AuthenticatedMember): Promise<MeView> {
    return this.ledger.profile(me.brandId, me.memberId);
  }
}
