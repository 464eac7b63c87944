import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';

export class ReferralListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['pending', 'qualified', 'rewarded', 'rejected'] })
  @IsOptional()
  @IsIn(['pending', 'qualified', 'rewarded', 'rejected'])
  status?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  referrerId?: string;
}

export class ReferralView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'null when the code named nobody of this brand',
  })
  referrerId: string | null;
  @ApiProperty({ format: 'uuid' }) refereeId: string;
  @ApiProperty({ example: 'K7M2QX9P' }) code: string;
  @ApiProperty({ enum: ['pending', 'qualified', 'rewarded', 'rejected'] }) status: string;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['referrer_not_enrolled', 'self_referral', 'already_member', 'referrer_limit'],
  })
  reason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) qualifiedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) rewardedAt: string | null;
}

export class ReferralPageView {
  @ApiProperty({ type: [ReferralView] }) data: ReferralView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class MyReferralView {
  @ApiProperty({ example: 'K7M2QX9P' }) code: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'https://shop.example/welcome?ref=K7M2QX9P',
    description: 'null until the brand sets referralLandingUrl',
  })
  link: string | null;
  @ApiProperty({ type: 'integer' }) clicks: number;
  @ApiProperty({ type: 'integer' }) pending: number;
  @ApiProperty({ type: 'integer', description: 'Qualified or rewarded' }) qualified: number;
  @ApiProperty({ type: 'integer' }) rejected: number;
  @ApiProperty({ type: 'integer', description: 'Points earned through referral events' }) pointsEarned: number;
}
