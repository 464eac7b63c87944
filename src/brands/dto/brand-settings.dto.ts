import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  registerDecorator,
  ValidateIf,
} from 'class-validator';
import { isTimeZone } from '../brand-settings.js';
import { TierLadderDto } from '../../tiers/dto/tiers.dto.js';

// A PATCH must not null a setting that cannot be null: `@IsOptional()` lets null through, and a
// stored null (a null time zone, pendingDays or transition) breaks the brand from then on.
const Given = () => ValidateIf((_: object, v: unknown) => v !== undefined);

// Each setting's description, for the partial update (all optional) and the answer (all present).
const DOC = {
  qualifyingEvent: {
    example: 'purchase',
    pattern: '^[a-z][a-z0-9_.]{0,63}$',
    description: 'Event type of the referee that qualifies the referral',
  },
  minAmount: {
    example: '20.00',
    pattern: '^\\d{1,12}(\\.\\d{1,4})?$',
    description: 'Minimum event amount (decimal string); "0" = any amount',
  },
  withinDays: { type: 'integer', example: 30, minimum: 1, maximum: 3650 },
  maxReferralsPerMonth: { type: 'integer', example: 50, minimum: 0, maximum: 100000 },
  timezone: { example: 'Europe/Amsterdam', description: 'IANA time zone' },
  currency: { example: 'EUR', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' },
  autoEnroll: { type: Boolean, description: 'Events for an unknown externalId enrol the member instead of a 404' },
  referralLandingUrl: {
    example: 'https://shop.example.com/welcome',
    type: String,
    format: 'uri',
    nullable: true,
    description: 'Where share links (/r/{code}) redirect; null = share links answer 404',
  },
  pendingDays: { type: 'integer', example: 14, minimum: 0, maximum: 365 },
  expiryMonths: { type: 'integer', example: 12, minimum: 1, maximum: 120, nullable: true, description: 'null = never' },
  inactiveDays: { type: 'integer', example: 90, minimum: 1, maximum: 3650 },
} satisfies Record<string, ApiPropertyOptions>;

function IsTimeZone() {
  return (target: object, property: string) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: property,
      validator: {
        validate: (v: unknown) => typeof v === 'string' && isTimeZone(v),
        defaultMessage: () => 'must be an IANA time zone such as Europe/Amsterdam',
      },
    });
}

export class ReferralPolicyDto {
  @ApiPropertyOptional(DOC.qualifyingEvent)
  @Given()
  @IsString()
  @Matches(/^[a-z][a-z0-9_.]{0,63}$/)
  qualifyingEvent?: string;

  @ApiPropertyOptional(DOC.minAmount)
  @Given()
  @IsString()
  @Matches(/^\d{1,12}(\.\d{1,4})?$/, { message: 'must be a decimal string such as "20.00"' })
  minAmount?: string;

  @ApiPropertyOptional(DOC.withinDays)
  @Given()
  @IsInt()
  @Min(1)
  @Max(3650)
  withinDays?: number;

  @ApiPropertyOptional(DOC.maxReferralsPerMonth)
  @Given()
  @IsInt()
  @Min(0)
  @Max(100000)
  maxReferralsPerMonth?: number;
}

export class TransitionsDto {
  @ApiPropertyOptional({ description: 'First purchase moves the member to conversion' })
  @Given()
  @IsBoolean()
  firstPurchase?: boolean;

  @ApiPropertyOptional({ description: 'Second purchase moves the member to retention' })
  @Given()
  @IsBoolean()
  secondPurchase?: boolean;

  @ApiPropertyOptional({ description: 'A qualified referral moves the referrer to loyalty' })
  @Given()
  @IsBoolean()
  referralMade?: boolean;
}

/** settings.chain: merged key by key; enabling it is checked against the chain before it is saved. */
export class ChainSettingsDto {
  @ApiPropertyOptional({ description: 'Mint tokens for this brand (needs chainId, rpcUrl, tokenAddress)' })
  @Given()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: 31337, type: 'integer' })
  @Given()
  @IsInt()
  @Min(1)
  @Max(2 ** 53 - 1)
  chainId?: number;

  @ApiPropertyOptional({ example: 'http://127.0.0.1:8545' })
  @Given()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false })
  rpcUrl?: string;

  @ApiPropertyOptional({ example: '0x5FbDB2315678afecb367f032d93F642f64180aa3', description: 'The LoyaltyToken' })
  @Given()
  @Matches(/^0x[0-9a-fA-F]{40}$/, { message: 'must be a 0x-prefixed 20-byte hex address' })
  tokenAddress?: string;

  @ApiPropertyOptional({ example: 1, type: 'integer', description: 'Blocks before a mint counts as confirmed' })
  @Given()
  @IsInt()
  @Min(1)
  @Max(100)
  confirmations?: number;
}

/** A partial settings object: what PATCH /v1/brand merges into the stored settings. */
export class BrandSettingsDto {
  @ApiPropertyOptional(DOC.timezone)
  @Given()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional(DOC.currency)
  @Given()
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as EUR' })
  currency?: string;

  @ApiPropertyOptional(DOC.autoEnroll)
  @Given()
  @IsBoolean()
  autoEnroll?: boolean;

  @ApiPropertyOptional(DOC.referralLandingUrl)
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false })
  referralLandingUrl?: string | null;

  @ApiPropertyOptional({
    type: String,
    example: 'https://shop.example.com/join',
    nullable: true,
    description: 'Campaign conversions answer enrollmentUrl = this URL with ?claim=<claim token>',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false })
  @MaxLength(2000)
  enrollmentLandingUrl?: string | null;

  @ApiPropertyOptional({ type: ReferralPolicyDto })
  @Given()
  @IsObject()
  @ValidateNested()
  @Type(() => ReferralPolicyDto)
  referral?: ReferralPolicyDto;

  @ApiPropertyOptional(DOC.pendingDays)
  @Given()
  @IsInt()
  @Min(0)
  @Max(365)
  pendingDays?: number;

  @ApiPropertyOptional(DOC.expiryMonths)
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(120)
  expiryMonths?: number | null;

  @ApiPropertyOptional(DOC.inactiveDays)
  @Given()
  @IsInt()
  @Min(1)
  @Max(3650)
  inactiveDays?: number;

  @ApiPropertyOptional({
    example: '0.01',
    nullable: true,
    type: String,
    description: "One point's worth in the brand's currency (decimal string): values the points liability",
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(/^\d{1,9}(\.\d{1,6})?$/, { message: 'must be a decimal string such as "0.01"' })
  pointValue?: string | null;

  @ApiPropertyOptional({ type: TransitionsDto })
  @Given()
  @IsObject()
  @ValidateNested()
  @Type(() => TransitionsDto)
  transitions?: TransitionsDto;

  @ApiPropertyOptional({ type: ChainSettingsDto, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => ChainSettingsDto)
  chain?: ChainSettingsDto | null;

  @ApiPropertyOptional({
    type: String,
    example: 'shop.example.com',
    nullable: true,
    description: 'Domain in wallet-link messages',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(/^[a-z0-9.-]{1,253}(:\d{1,5})?$/i, { message: 'must be a host name, optionally with :port' })
  siweDomain?: string | null;
}

export class ReferralPolicyView {
  @ApiProperty(DOC.qualifyingEvent) qualifyingEvent: string;
  @ApiProperty(DOC.minAmount) minAmount: string;
  @ApiProperty(DOC.withinDays) withinDays: number;
  @ApiProperty(DOC.maxReferralsPerMonth) maxReferralsPerMonth: number;
}

export class TransitionsView {
  @ApiProperty({ description: 'First purchase moves the member to conversion' }) firstPurchase: boolean;
  @ApiProperty({ description: 'Second purchase moves the member to retention' }) secondPurchase: boolean;
  @ApiProperty({ description: 'A qualified referral moves the referrer to loyalty' }) referralMade: boolean;
}

/** Every setting of a brand, as stored (defaults filled in). */
export class BrandSettingsView {
  @ApiProperty(DOC.timezone) timezone: string;
  @ApiProperty(DOC.currency) currency: string;
  @ApiProperty(DOC.autoEnroll) autoEnroll: boolean;
  @ApiProperty(DOC.referralLandingUrl) referralLandingUrl: string | null;
  @ApiProperty({ type: ReferralPolicyView }) referral: ReferralPolicyView;
  @ApiProperty(DOC.pendingDays) pendingDays: number;
  @ApiProperty(DOC.expiryMonths) expiryMonths: number | null;
  @ApiProperty(DOC.inactiveDays) inactiveDays: number;
  @ApiProperty({ type: TransitionsView }) transitions: TransitionsView;
  @ApiProperty({ type: TierLadderDto, description: 'Set by PUT /v1/brand/tiers' }) tiers: TierLadderDto;
}
