import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { INELIGIBILITY_REASONS } from '../eligibility.js';
import { REWARD_KINDS, type RewardKind } from '../reward.js';

export const MAX_CODES_PER_UPLOAD = 10_000;
const TIER = /^[A-Za-z0-9_.-]{1,32}$/;

// A PATCH must not null a field that cannot be null: `@IsOptional()` would let null through.
const Given = () => ValidateIf((_: object, v: unknown) => v !== undefined);
const NotNull = () => ValidateIf((_: object, v: unknown) => v !== null && v !== undefined);

// Each field's checks. Create and update differ only in name, kind and cost (class-validator merges
// inherited conditions, so those are declared in each subclass rather than overridden).
const Name = () => applyDecorators(IsString(), IsNotEmpty(), MaxLength(200));
const Description = () => applyDecorators(IsString(), MaxLength(2000));
const CostPoints = () => applyDecorators(IsInt(), Min(1), Max(1_000_000_000));
const Stock = () => applyDecorators(IsInt(), Min(0), Max(1_000_000_000));
const PerMemberLimit = () => applyDecorators(IsInt(), Min(1), Max(1_000_000));
const Stages = () => applyDecorators(IsArray(), ArrayMaxSize(50), ArrayUnique(), IsString({ each: true }));
const Tiers = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(50),
    ArrayUnique(),
    Matches(TIER, { each: true, message: 'each tier must be 1-32 of A-Z a-z 0-9 _ . -' }),
  );
const ContentUrl = () =>
  applyDecorators(IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false }), MaxLength(2000));
const PerkText = () => applyDecorators(IsString(), IsNotEmpty(), MaxLength(2000));
const Instant = () => IsISO8601({ strict: true });

const DOC: Record<string, ApiPropertyOptions> = {
  name: { example: '€5 off your next order', maxLength: 200 },
  description: { example: 'Valid in every store', maxLength: 2000, nullable: true, type: String },
  costPoints: { type: 'integer', example: 500, minimum: 1, maximum: 1_000_000_000 },
  stock: {
    example: 100,
    minimum: 0,
    maximum: 1_000_000_000,
    nullable: true,
    type: 'integer',
    description: 'Units offered in total; null = unlimited. A coupon is also bounded by its unused codes.',
  },
  perMemberLimit: {
    example: 1,
    minimum: 1,
    maximum: 1_000_000,
    nullable: true,
    type: 'integer',
    description: 'Live (not cancelled) redemptions per member; null = no limit',
  },
  stages: {
    example: ['retention', 'loyalty'],
    type: [String],
    description: "Journey stages that may redeem (the brand's stage keys); empty = all",
  },
  tiers: {
    example: ['gold'],
    type: [String],
    description: 'Tiers that may redeem; empty = all (a member without a tier qualifies only then)',
  },
  contentUrl: {
    example: 'https://brand.example.com/members/lookbook',
    nullable: true,
    type: String,
    description: 'content rewards (required there): the URL a redemption unlocks',
  },
  perkText: {
    example: 'Show this screen at the counter for a free coffee',
    nullable: true,
    type: String,
    description: 'perk rewards (required there): what the member gets',
  },
  validFrom: {
    example: '2026-01-01T00:00:00Z',
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Redeemable from (inclusive); null = already',
  },
  validUntil: {
    example: '2026-12-31T23:59:59Z',
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Redeemable until (exclusive); null = no end',
  },
  active: { example: true, default: true },
};

export class TokenGateDto {
  @ApiProperty({
    example: '10',
    description: "Whole tokens the member's wallet must hold (decimal string, ≤ 18 decimals)",
  })
  @Matches(/^\d{1,30}(\.\d{1,18})?$/, { message: 'must be a decimal string such as "10" or "2.5"' })
  minBalance: string;
}

/** The terms create and update take alike (optional in both; null clears a nullable one). */
class RewardTermsDto {
  @ApiPropertyOptional(DOC.description)
  @NotNull()
  @Description()
  description?: string | null;

  @ApiPropertyOptional(DOC.stock)
  @NotNull()
  @Stock()
  stock?: number | null;

  @ApiPropertyOptional(DOC.perMemberLimit)
  @NotNull()
  @PerMemberLimit()
  perMemberLimit?: number | null;

  @ApiPropertyOptional(DOC.stages)
  @Given()
  @Stages()
  stages?: string[];

  @ApiPropertyOptional(DOC.tiers)
  @Given()
  @Tiers()
  tiers?: string[];

  @ApiPropertyOptional(DOC.contentUrl)
  @NotNull()
  @ContentUrl()
  contentUrl?: string | null;

  @ApiPropertyOptional(DOC.perkText)
  @NotNull()
  @PerkText()
  perkText?: string | null;

  @ApiPropertyOptional(DOC.validFrom)
  @NotNull()
  @Instant()
  validFrom?: string | null;

  @ApiPropertyOptional({
    type: TokenGateDto,
    nullable: true,
    description: "Token-gated: redeemable only while the member's wallet holds minBalance tokens; null clears it",
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => TokenGateDto)
  tokenGate?: TokenGateDto | null;

  @ApiPropertyOptional(DOC.validUntil)
  @NotNull()
  @Instant()
  validUntil?: string | null;

  @ApiPropertyOptional(DOC.active)
  @Given()
  @IsBoolean()
  active?: boolean;
}

export class CreateRewardDto extends RewardTermsDto {
  @ApiProperty(DOC.name)
  @Name()
  name: string;

  @ApiProperty({
    enum: REWARD_KINDS,
    description:
      'coupon: a code from the pool (POST /v1/rewards/{id}/codes); content: a URL unlocked on redemption; perk: free text. Cannot change later.',
  })
  @IsIn(REWARD_KINDS)
  kind: RewardKind;

  @ApiProperty(DOC.costPoints)
  @CostPoints()
  costPoints: number;
}

/** Every term but the kind may change; fields left out keep their value, null clears a nullable one. */
export class UpdateRewardDto extends RewardTermsDto {
  @ApiPropertyOptional(DOC.name)
  @Given()
  @Name()
  name?: string;

  @ApiPropertyOptional(DOC.costPoints)
  @Given()
  @CostPoints()
  costPoints?: number;
}

export class RewardListQuery extends PageQuery {
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ enum: REWARD_KINDS })
  @IsOptional()
  @IsIn(REWARD_KINDS)
  kind?: RewardKind;
}

export class AddCodesDto {
  @ApiProperty({
    example: ['SAVE5-7KQ2', 'SAVE5-9XM4'],
    type: [String],
    description: `1-${MAX_CODES_PER_UPLOAD} codes; codes already in the pool are skipped`,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CODES_PER_UPLOAD)
  @IsString({ each: true })
  @Matches(/^[\x21-\x7e]{1,200}$/, {
    each: true,
    message: 'each code must be 1-200 printable ASCII characters without spaces',
  })
  codes: string[];
}

export class CodesUploadView {
  @ApiProperty({ type: 'integer', example: 2, description: 'Codes new to the pool' }) added: number;
  @ApiProperty({
    type: 'integer',
    example: 0,
    description: 'Codes skipped: already in the pool, or repeated in this upload',
  })
  duplicates: number;
  @ApiProperty({ type: 'integer', example: 120, description: 'Codes in the pool not handed out yet' })
  unusedCodes: number;
  @ApiProperty({ nullable: true, type: 'integer', description: 'Units redeemable now' }) remaining: number | null;
}

/** The catalog fields every reader sees. */
class RewardBaseView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: REWARD_KINDS }) kind: RewardKind;
  @ApiProperty({ type: 'integer' }) costPoints: number;
  @ApiProperty({ nullable: true, type: 'integer', description: 'Units offered in total; null = unlimited' }) stock:
    number | null;
  @ApiProperty({
    nullable: true,
    type: 'integer',
    description: 'Units redeemable now (stock left, and for a coupon also unused codes); null = unlimited',
  })
  remaining: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) perMemberLimit: number | null;
  @ApiProperty({ type: [String] }) stages: string[];
  @ApiProperty({ type: [String] }) tiers: string[];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) validFrom: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) validUntil: string | null;
  @ApiProperty() active: boolean;
  @ApiPropertyOptional({ type: TokenGateDto, description: 'Only on token-gated rewards' }) tokenGate?: TokenGateDto;
}

export class RewardView extends RewardBaseView {
  @ApiPropertyOptional({ description: 'content rewards' }) contentUrl?: string;
  @ApiPropertyOptional({ description: 'perk rewards' }) perkText?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'coupon rewards: codes not handed out yet' })
  unusedCodes?: number;
  @ApiProperty({ type: 'integer', description: 'Live (not cancelled) redemptions' }) redeemed: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class RewardPage {
  @ApiProperty({ type: [RewardView] }) data: RewardView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

/** What a member's app sees: no content URL or perk text before redemption unlocks them. */
export class MemberRewardView extends RewardBaseView {
  @ApiProperty() redeemable: boolean;
  @ApiPropertyOptional({ enum: INELIGIBILITY_REASONS, description: 'Why not, when not redeemable' }) reason?: string;
}

export class MemberRewardPage {
  @ApiProperty({ type: [MemberRewardView] }) data: MemberRewardView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
