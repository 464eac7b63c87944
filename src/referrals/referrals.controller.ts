import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { UuidParamPipe } from '../common/http/uuid-param.pipe.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ReferralListQuery, ReferralPageView, ReferralView } from './dto/referral.dto.js';
import { ReferralsService } from './referrals.service.js';

@ApiTags('referrals')
@BrandAuth()
@Controller('v1/referrals')
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Get()
  @ApiOperation({ summary: 'Referrals, oldest first, by status and referrer; cursor-paginated' })
  @ApiOkResponse({ type: ReferralPageView })
  list(@CurrentBrand() brand: AuthenticatedBrand, @Query() q: ReferralListQuery): Promise<ReferralPageView> {
    return this.referrals.list(brand.id, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One referral' })
  @ApiOkResponse({ type: ReferralView })
  get(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', UuidParamPipe) id: string): Promise<ReferralView> {
    return this.referrals.get(brand.id, id);
  }
}

/** The public share link: no key; rate-limited per client address (REFERRAL_CLICKS_PER_MINUTE). */
@ApiTags('referrals')
@Controller('r')
export class ReferralLinkController {
  constructor(
    private readonly referrals: ReferralsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':code')
  @ApiOperation({ summary: "Share link: counts a click and redirects (302) to the brand's landing URL with ?ref=CODE" })
  @ApiFoundResponse({ description: 'Redirect to the landing URL' })
  async follow(@Param('code') code: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const target = await this.referrals.click(code, request.ip, this.config.referralFallbackUrl);
    void reply.redirect(target, 302);
  }
}
