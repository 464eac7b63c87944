import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';

export class UpsertMemberDto {
  @ApiPropertyOptional({ example: 'ann@example.com', description: 'Stored lower-cased; unique per brand' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({
    example: 'awareness',
    description: "Entry stage of a new member (default: the brand's first stage); ignored for an existing member",
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  stage?: string;

  @ApiPropertyOptional({ example: '0x52908400098527886E0F7030069857D2E4169EE7' })
  @IsOptional()
  @Matches(/^0x[0-9a-fA-F]{40}$/, { message: 'must be a 0x-prefixed 20-byte hex address' })
  walletAddress?: string;

  @ApiPropertyOptional({
    example: 'K7M2QX9P',
    description:
      "The referrer's code: opens a referral (pending, or rejected with a reason; the member is enrolled either way)",
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9]{4,16}$/, { message: 'must be a referral code' })
  referralCode?: string;

  @ApiPropertyOptional({ example: 'app', description: 'Enrolment source: api, app, campaign:<id>' })
  @IsOptional()
  @Matches(/^(api|app|campaign:[A-Za-z0-9_.-]{1,64})$/, { message: 'must be api, app or campaign:<id>' })
  source?: string;
}

export class MemberListQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'retention' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  stage?: string;

  @ApiPropertyOptional({ example: 'gold' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  tier?: string;
}

export class MemberBalanceView {
  @ApiProperty({ type: 'integer' }) available: number;
  @ApiProperty({ type: 'integer' }) pending: number;
  @ApiProperty({ type: 'integer' }) lifetimeEarned: number;
}

export class MemberView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() externalId: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty() stage: string;
  @ApiProperty({ nullable: true, type: String }) tier: string | null;
  @ApiProperty({ example: 'K7M2QX9P' }) referralCode: string;
  @ApiProperty({ nullable: true, type: String }) walletAddress: string | null;
  @ApiProperty({ example: 'api' }) source: string;
  @ApiProperty({ format: 'date-time' }) enrolledAt: string;
  @ApiProperty({ type: MemberBalanceView }) balance: MemberBalanceView;
}

export class MemberReferralView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['pending', 'rejected'] }) status: string;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['referrer_not_enrolled', 'self_referral', 'already_member', 'referrer_limit'],
  })
  reason: string | null;
}

export class UpsertedMemberView extends MemberView {
  @ApiPropertyOptional({ type: MemberReferralView, description: 'Only when the request named a referralCode' })
  referral?: MemberReferralView;
}

export class MemberPageView {
  @ApiProperty({ type: [MemberView] }) data: MemberView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class MemberTokenView {
  @ApiProperty({ example: 'mt_…', description: 'Bearer token for the member API (/v1/me); shown once' }) token: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ format: 'uuid' }) memberId: string;
}

export class StageChangeView {
  @ApiProperty({ nullable: true, type: String, description: 'null on enrolment' }) from: string | null;
  @ApiProperty() to: string;
  @ApiProperty({ enum: ['enrollment', 'transition', 'rule', 'stages_replaced'] }) cause: string;
  @ApiProperty({ nullable: true, type: String }) eventId: string | null;
  @ApiProperty({ nullable: true, type: String }) ruleId: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class StageChangeListView {
  @ApiProperty({ type: [StageChangeView] }) data: StageChangeView[];
  @ApiProperty({ nullable: true, type: String, description: 'Always null: the whole history in one page' })
  nextCursor: string | null;
}
