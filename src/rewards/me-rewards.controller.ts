import { Body, Controller, Get, Post, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PageQuery } from '../common/http/pagination.js';
import { type AuthenticatedMember, CurrentMember, MemberTokenGuard } from '../members/member-token.guard.js';
import { MyRedemptionListQuery, RedeemDto, RedemptionPage, RedemptionResultView } from './dto/redemption.dto.js';
import { MemberRewardPage } from './dto/reward.dto.js';
import { REFUSALS } from './redemptions.controller.js';
import { RedemptionsService } from './redemptions.service.js';
import { RewardsService } from './rewards.service.js';

@ApiTags('member API')
@ApiBearerAuth('memberToken')
@ApiUnauthorizedResponse({ description: 'Missing, unknown or expired member token' })
@UseGuards(MemberTokenGuard)
@Controller('v1/me')
export class MeRewardsController {
  constructor(
    private readonly rewards: RewardsService,
    private readonly redemptions: RedemptionsService,
  ) {}

  @Get('rewards')
  @ApiOperation({
    summary: 'The catalog, each reward with redeemable and, when not, the reason (stage, tier, stock, limit, points…)',
  })
  @ApiOkResponse({ type: MemberRewardPage })
  catalog(@CurrentMember() me: AuthenticatedMember, @Query() query: PageQuery): Promise<MemberRewardPage> {
    return this.rewards.catalogFor(me.brandId, me.memberId, query);
  }

  @Post('redemptions')
  @ApiOperation({ summary: "Redeem a reward with the member's available points" })
  @ApiCreatedResponse({
    type: RedemptionResultView,
    description: 'Redeemed: the code, URL or perk text, and the balance after',
  })
  @ApiOkResponse({
    type: RedemptionResultView,
    description: 'A replay of the idempotency key with the same request: the first answer',
  })
  @ApiNotFoundResponse({ description: 'reward.not_found' })
  @ApiConflictResponse({ description: REFUSALS })
  async redeem(
    @CurrentMember() me: AuthenticatedMember,
    @Body() body: RedeemDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RedemptionResultView> {
    const { replay, result } = await this.redemptions.redeem(me.brandId, me.memberId, body, 'member');
    void reply.status(replay ? 200 : 201);
    return result;
  }

  @Get('redemptions')
  @ApiOperation({ summary: "The member's own redemptions, newest first" })
  @ApiOkResponse({ type: RedemptionPage })
  list(@CurrentMember() me: AuthenticatedMember, @Query() query: MyRedemptionListQuery): Promise<RedemptionPage> {
    return this.redemptions.list(me.brandId, { ...query, memberId: me.memberId });
  }
}
