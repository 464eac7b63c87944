import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { UuidParamPipe } from '../common/http/uuid-param.pipe.js';
import { MemberRefPipe } from '../members/member-ref.pipe.js';
import {
  RedeemDto,
  RedemptionListQuery,
  RedemptionPage,
  RedemptionResultView,
  RedemptionView,
} from './dto/redemption.dto.js';
import { RedemptionsService } from './redemptions.service.js';

export const REFUSALS =
  'redemption.inactive, .not_yet_valid, .expired, .stage_not_eligible, .tier_not_eligible, .out_of_stock, .per_member_limit, ' +
  '.insufficient_points, or .idempotency_conflict (the key was used with another request)';

@ApiTags('redemptions')
@BrandAuth()
@Controller('v1/redemptions')
export class RedemptionsController {
  constructor(private readonly redemptions: RedemptionsService) {}

  @Get()
  @ApiOperation({ summary: 'Redemptions, newest first, by member, reward and status; cursor-paginated' })
  @ApiOkResponse({ type: RedemptionPage })
  list(@CurrentBrand() brand: AuthenticatedBrand, @Query() query: RedemptionListQuery): Promise<RedemptionPage> {
    return this.redemptions.list(brand.id, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One redemption' })
  @ApiOkResponse({ type: RedemptionView })
  @ApiNotFoundResponse({ description: 'redemption.not_found' })
  get(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', UuidParamPipe) id: string): Promise<RedemptionView> {
    return this.redemptions.get(brand.id, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Cancel: the points come back as a reverse ledger entry and the unit returns to stock; a coupon code is voided, not reissued',
  })
  @ApiOkResponse({ type: RedemptionResultView })
  @ApiNotFoundResponse({ description: 'redemption.not_found' })
  @ApiConflictResponse({ description: 'redemption.already_cancelled' })
  cancel(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<RedemptionResultView> {
    return this.redemptions.cancel(brand.id, id, `key:${brand.keyId}`);
  }
}

@ApiTags('redemptions')
@BrandAuth()
@Controller('v1/members/:id/redemptions')
export class MemberRedemptionsController {
  constructor(private readonly redemptions: RedemptionsService) {}

  @Post()
  @ApiOperation({
    summary: 'Redeem a reward for a member (our id or externalId): debits available points, hands out the reward',
  })
  @ApiCreatedResponse({ type: RedemptionResultView, description: 'Redeemed' })
  @ApiOkResponse({
    type: RedemptionResultView,
    description: 'A replay of the idempotency key with the same request: the first answer',
  })
  @ApiNotFoundResponse({ description: 'member.not_found or reward.not_found' })
  @ApiConflictResponse({ description: REFUSALS })
  async redeem(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', MemberRefPipe) id: string,
    @Body() body: RedeemDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RedemptionResultView> {
    const { replay, result } = await this.redemptions.redeem(brand.id, id, body, `key:${brand.keyId}`);
    void reply.status(replay ? 200 : 201);
    return result;
  }
}
