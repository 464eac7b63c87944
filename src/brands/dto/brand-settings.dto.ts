import { ApiPropertyOptional } from '@nestjs/swagger';
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
  Min,
  ValidateNested,
  registerDecorator,
  ValidateIf,
} from 'class-validator';
import { isTimeZone } from '../brand-settings.js';

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
  @ApiPropertyOptional({ example: 'purchase', description: 'Event type of the referee that qualifies the referral' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_.]{0,63}$/)
  qualifyingEvent?: string;

  @ApiPropertyOptional({ example: '20.00', description: 'Minimum event amount (decimal string)' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,12}(\.\d{1,4})?$/, { message: 'must be a decimal string such as "20.00"' })
  minAmount?: string;

  @ApiPropertyOptional({ example: 30 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  withinDays?: number;

  @ApiPropertyOptional({ example: 50 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000)
  maxReferralsPerMonth?: number;
}

export class TransitionsDto {
  @ApiPropertyOptional({ description: 'First purchase moves the member to conversion' })
  @IsOptional()
  @IsBoolean()
  firstPurchase?: boolean;

  @ApiPropertyOptional({ description: 'Second purchase moves the member to retention' })
  @IsOptional()
  @IsBoolean()
  secondPurchase?: boolean;

  @ApiPropertyOptional({ description: 'A qualified referral moves the referrer to loyalty' })
  @IsOptional()
  @IsBoolean()
  referralMade?: boolean;
}

/** settings.chain: merged key by key; enabling it is checked against the chain before it is saved. */
export class ChainSettingsDto {
  @ApiPropertyOptional({ description: 'Mint tokens for this brand (needs chainId, rpcUrl, tokenAddress)' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: 31337, type: 'integer' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2 ** 53 - 1)
  chainId?: number;

  @ApiPropertyOptional({ example: 'http://127.0.0.1:8545' })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false })
  rpcUrl?: string;

  @ApiPropertyOptional({ example: '0x5FbDB2315678afecb367f032d93F642f64180aa3', description: 'The LoyaltyToken' })
  @IsOptional()
  @Matches(/^0x[0-9a-fA-F]{40}$/, { message: 'must be a 0x-prefixed 20-byte hex address' })
  tokenAddress?: string;

  @ApiPropertyOptional({ example: 1, type: 'integer', description: 'Blocks before a mint counts as confirmed' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  confirmations?: number;
}

/** A partial settings object: what PATCH /v1/brand merges into the stored settings. */
export class BrandSettingsDto {
  @ApiPropertyOptional({ example: 'Europe/Amsterdam' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO 4217 code' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as EUR' })
  currency?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  autoEnroll?: boolean;

  @ApiPropertyOptional({ example: 'https://shop.example.com/welcome', nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false })
  referralLandingUrl?: string | null;

  @ApiPropertyOptional({ type: ReferralPolicyDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReferralPolicyDto)
  referral?: ReferralPolicyDto;

  @ApiPropertyOptional({ example: 14 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  pendingDays?: number;

  @ApiPropertyOptional({ example: 12, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(1)
  @Max(120)
  expiryMonths?: number | null;

  @ApiPropertyOptional({ example: 90 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  inactiveDays?: number;

  @ApiPropertyOptional({ type: TransitionsDto })
  @IsOptional()
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

  @ApiPropertyOptional({ example: 'shop.example.com', nullable: true, description: 'Domain in wallet-link messages' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @Matches(/^[a-z0-9.-]{1,253}(:\d{1,5})?$/i, { message: 'must be a host name, optionally with :port' })
  siweDomain?: string | null;
}
