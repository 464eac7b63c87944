import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { CSV, wantsCsv } from './analytics-csv.js';
import { AnalyticsService } from './analytics.service.js';
import {
  FunnelView,
  PointsView,
  ReferralsView,
  RetentionQuery,
  RetentionView,
  RulesFiguresView,
  TouchpointsQuery,
  TouchpointsView,
  WindowQuery,
} from './dto/analytics.dto.js';

/** JSON, or the answer's flat CSV when the client sends `Accept: text/csv`. */
function answer<T>(reply: FastifyReply, accept: string | undefined, view: T, csv: (v: T) => string): T | string {
  if (!wantsCsv(accept)) {
    return view;
  }
  void reply.header('Content-Type', 'text/csv; charset=utf-8');
  return csv(view);
}

const BAD_WINDOW =
  'A bad from/to/period/interval, from after to, or a window over 366 days (details name the parameter)';

@ApiTags('analytics')
@BrandAuth()
@ApiProduces('application/json', 'text/csv')
@ApiBadRequestResponse({ description: BAD_WINDOW })
@Controller('v1/analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('funnel')
  @ApiOperation({ summary: 'Stage entries, members now, conversion to a later stage and median days, per stage' })
  @ApiOkResponse({ type: FunnelView })
  async funnel(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Query() q: WindowQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FunnelView | string> {
    return answer(reply, accept, await this.analytics.funnel(brand, q), CSV.funnel);
  }

  @Get('retention')
  @ApiOperation({ summary: 'Retention rate (E − N) / S per week or month' })
  @ApiOkResponse({ type: RetentionView })
  async retention(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Query() q: RetentionQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RetentionView | string> {
    return answer(reply, accept, await this.analytics.retention(brand, q), CSV.retention);
  }

  @Get('referrals')
  @ApiOperation({ summary: 'Clicks, sign-ups, rejections, qualified referrals, referred revenue and the K-factor' })
  @ApiOkResponse({ type: ReferralsView })
  async referrals(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Query() q: WindowQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralsView | string> {
    return answer(reply, accept, await this.analytics.referrals(brand, q), CSV.referrals);
  }

  @Get('points')
  @ApiOperation({ summary: 'Point flows over the window, breakage, and the liability members hold now' })
  @ApiOkResponse({ type: PointsView })
  async points(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Query() q: WindowQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PointsView | string> {
    return answer(reply, accept, await this.analytics.points(brand, q), CSV.points);
  }

  @Get('rules')
  @ApiOperation({ summary: 'Per rule: events fired on, members and points over the window' })
  @ApiOkResponse({ type: RulesFiguresView })
  async rules(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Query() q: WindowQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RulesFiguresView | string> {
    return answer(reply, accept, await this.analytics.rules(brand, q), CSV.rules);
  }

  @Get('touchpoints')
  @ApiOperation({ summary: 'Feedback per touchpoint and stage: mean on the 6-point scale, distribution, series' })
  @ApiOkResponse({ type: TouchpointsView })
  async touchpoints(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Query() q: TouchpointsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TouchpointsView | string> {
    return answer(reply, accept, await this.analytics.touchpoints(brand, q), CSV.touchpoints);
  }
}
