import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** The window every analytics answer covers. */
export class WindowQuery {
  @ApiPropertyOptional({
    example: '2026-03-01',
    description: "ISO date (the start of that day in the brand's time zone) or date-time; default `to` − 30 days",
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @ApiPropertyOptional({
    example: '2026-03-31',
    description: 'ISO date (the window includes that whole local day) or date-time (exclusive); default now',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;
}

export class RetentionQuery extends WindowQuery {
  @ApiPropertyOptional({ enum: ['week', 'month'], default: 'month' })
  @IsOptional()
  @IsIn(['week', 'month'])
  period?: 'week' | 'month';
}

export class TouchpointsQuery extends WindowQuery {
  @ApiPropertyOptional({ enum: ['day', 'week', 'month'], default: 'week' })
  @IsOptional()
  @IsIn(['day', 'week', 'month'])
  interval?: 'day' | 'week' | 'month';
}

export abstract class WindowedView {
  @ApiProperty({ format: 'date-time', description: 'Start of the window (inclusive)' }) from: string;
  @ApiProperty({ format: 'date-time', description: 'End of the window (exclusive)' }) to: string;
  @ApiProperty({
    format: 'date-time',
    description: 'The instant the figures describe: every figure is read from one database snapshot taken then',
  })
  asOf: string;
}

export class FunnelStageView {
  @ApiProperty({ example: 'conversion' }) key: string;
  @ApiProperty({ example: 'Conversion' }) name: string;
  @ApiProperty({ type: 'integer', description: 'Distinct members who entered the stage in the window' })
  entered: number;
  @ApiProperty({ type: 'integer', description: 'Members in the stage at asOf' }) current: number;
  @ApiProperty({ type: 'integer', description: 'Of those who entered, how many reached a later stage by `to`' })
  advanced: number;
  @ApiProperty({ type: 'number', nullable: true, description: 'advanced / entered; null when nothing entered' })
  conversionToNext: number | null;
  @ApiProperty({
    type: 'number',
    nullable: true,
    description: 'Median days in the stage of the members who left it in the window; null when none left',
  })
  medianDaysInStage: number | null;
}

export class FunnelView extends WindowedView {
  @ApiProperty({ type: [FunnelStageView] }) stages: FunnelStageView[];
}

export class RetentionPeriodView {
  @ApiProperty({ format: 'date-time' }) start: string;
  @ApiProperty({ format: 'date-time' }) end: string;
  @ApiProperty({ type: 'integer', description: 'Customers at the start' }) S: number;
  @ApiProperty({ type: 'integer', description: 'Customers at the end' }) E: number;
  @ApiProperty({ type: 'integer', description: 'Customers at the end whose first purchase falls in the period' })
  N: number;
  @ApiProperty({ type: 'number', nullable: true, description: '(E − N) / S; null when S = 0' })
  rate: number | null;
}

export class RetentionView extends WindowedView {
  @ApiProperty({ enum: ['week', 'month'] }) period: 'week' | 'month';
  @ApiProperty({ type: 'integer', description: "The brand's inactiveDays: how far back a purchase makes a customer" })
  inactiveDays: number;
  @ApiProperty({ type: [RetentionPeriodView] }) periods: RetentionPeriodView[];
}

export class ReferralsView extends WindowedView {
  @ApiProperty({ type: 'integer', description: 'Clicks on share links (/r/{code})' }) clicks: number;
  @ApiProperty({ type: 'integer', description: 'Sign-ups with a referral code that were accepted (not rejected)' })
  signups: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { self_referral: 2 },
    description: 'Refused sign-ups by reason',
  })
  rejected: Record<string, number>;
  @ApiProperty({ type: 'integer', description: 'Referrals qualified in the window' }) qualified: number;
  @ApiProperty({ type: 'number', nullable: true, description: 'qualified / signups; null when no sign-ups' })
  conversionRate: number | null;
  @ApiProperty({ example: '1250.00', description: "Sum of referees' purchase amounts in the window (decimal)" })
  referredRevenue: string;
  @ApiProperty({ type: 'integer', description: 'Members with any event in the window' }) activeMembers: number;
  @ApiProperty({ type: 'number', nullable: true, description: 'qualified / activeMembers; null when none active' })
  kFactor: number | null;
}

export class LiabilityView {
  @ApiProperty({ type: 'integer' }) available: number;
  @ApiProperty({ type: 'integer' }) pending: number;
  @ApiProperty({ type: 'integer' }) total: number;
}

export class PointsView extends WindowedView {
  @ApiProperty({ type: 'integer', description: 'Points earned (earn entries)' }) issued: number;
  @ApiProperty({ type: 'integer', description: 'Points spent on rewards, net of cancelled redemptions' })
  redeemed: number;
  @ApiProperty({ type: 'integer', description: 'Points that lapsed' }) expired: number;
  @ApiProperty({ type: 'integer', description: 'Points taken back by refunds' }) reversed: number;
  @ApiProperty({ type: 'integer', description: 'Net manual adjustments (credits minus debits)' }) adjusted: number;
  @ApiProperty({ type: 'number', nullable: true, description: 'expired / issued; null when nothing was issued' })
  breakage: number | null;
  @ApiProperty({ type: LiabilityView, description: 'What members hold at asOf: the sum of every balance' })
  liability: LiabilityView;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '1234.56',
    description: 'liability.total × the pointValue setting (decimal); null when unset',
  })
  liabilityValue: string | null;
}

export class RuleFiguresView {
  @ApiProperty({ format: 'uuid' }) ruleId: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'purchase' }) event: string;
  @ApiProperty({ enum: ['active', 'paused', 'archived'] }) status: string;
  @ApiProperty({ type: [String] }) stages: string[];
  @ApiProperty({ type: 'integer', description: 'Events the rule fired on (points or a stage move)' }) fired: number;
  @ApiProperty({ type: 'integer', description: 'Distinct members it fired for' }) members: number;
  @ApiProperty({ type: 'integer', description: 'Points it awarded' }) points: number;
}

export class RulesFiguresView extends WindowedView {
  @ApiProperty({ type: [RuleFiguresView] }) rules: RuleFiguresView[];
}

export class RatingDistributionView {
  @ApiProperty({ type: 'integer' }) '1': number;
  @ApiProperty({ type: 'integer' }) '2': number;
  @ApiProperty({ type: 'integer' }) '3': number;
  @ApiProperty({ type: 'integer' }) '4': number;
  @ApiProperty({ type: 'integer' }) '5': number;
  @ApiProperty({ type: 'integer' }) '6': number;
}

export class TouchpointBucketView {
  @ApiProperty({ format: 'date-time', description: 'Bucket start (clipped to the window)' }) start: string;
  @ApiProperty({ type: 'integer' }) count: number;
  @ApiProperty({ type: 'number' }) mean: number;
}

export class TouchpointView {
  @ApiProperty({ example: 'checkout', description: 'The feedback event’s touchpoint attribute, or its channel' })
  touchpoint: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'conversion',
    description: "The member's stage when the feedback came in (null for events recorded before stages were kept)",
  })
  stage: string | null;
  @ApiProperty({ type: 'integer' }) count: number;
  @ApiProperty({ type: 'number', example: 4.5 }) mean: number;
  @ApiProperty({ enum: ['slecht', 'matig', 'aardig', 'best', 'goed', 'subliem'] }) label: string;
  @ApiProperty({ enum: ['bad', 'poor', 'fair', 'decent', 'good', 'sublime'] }) labelEn: string;
  @ApiProperty({ type: RatingDistributionView }) distribution: RatingDistributionView;
  @ApiProperty({ type: [TouchpointBucketView] }) series: TouchpointBucketView[];
}

export class TouchpointsView extends WindowedView {
  @ApiProperty({ enum: ['day', 'week', 'month'] }) interval: 'day' | 'week' | 'month';
  @ApiProperty({ type: [TouchpointView] }) touchpoints: TouchpointView[];
}
