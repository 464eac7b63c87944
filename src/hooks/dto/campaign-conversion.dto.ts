import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { EventResultView } from '../../events/dto/event-result.dto.js';

export class CampaignOrderDto {
  @ApiProperty({ example: '5801234567890', description: 'The order id (a string: ids may exceed 2^53)' })
  @IsString()
  @Matches(/^[\x21-\x7e]{1,100}$/, { message: 'must be 1-100 printable ASCII characters' })
  id: string;

  @ApiProperty({ example: '59.90', description: 'Decimal string' })
  @IsString()
  @Matches(/^\d{1,15}(\.\d{1,6})?$/, { message: 'must be a decimal string such as "59.90"' })
  amount: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as EUR' })
  currency: string;
}

/** POST /v1/hooks/{brandId}/campaigns: a customer of a campaign converted. */
export class CampaignConversionDto {
  @ApiProperty({ enum: ['conversion'] })
  @IsIn(['conversion'])
  type: 'conversion';

  @ApiProperty({ example: 'spring-24', description: 'Enrolment source of a new member: campaign:<campaignId>' })
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be 1-64 of A-Z a-z 0-9 _ . -' })
  campaignId: string;

  @ApiPropertyOptional({ example: 'cart-abandoners' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  segment?: string;

  @ApiPropertyOptional({ example: 'Lea.Mueller@example.com', description: 'Matched lower-cased' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ example: '7401234567890', description: "The brand's own customer id" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  externalId?: string;

  @ApiPropertyOptional({ type: CampaignOrderDto, description: 'The order that converted: a purchase event order:<id>' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CampaignOrderDto)
  order?: CampaignOrderDto;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-24T10:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;
}

export class CampaignConversionView {
  @ApiProperty({ format: 'uuid' }) memberId: string;
  @ApiProperty({ description: 'true when this conversion enrolled the member' }) enrolled: boolean;
  @ApiProperty({
    description: 'true when the order was already recorded (by this hook or by Shopify): it paid once',
  })
  duplicate: boolean;
  @ApiProperty({ example: 'conversion' }) stage: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'The effects of the enrolment, the stage move and the purchase, as POST /v1/events answers them',
  })
  effects: Array<Record<string, unknown>>;
  @ApiProperty({ example: 'cl_…', description: 'One-time, 7 days: POST /v1/claims trades it for a member token' })
  claimToken: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'https://shop.example.com/join?claim=cl_…',
    description: 'enrollmentLandingUrl with ?claim=<claimToken>; null while the brand has not set it',
  })
  enrollmentUrl: string | null;
}

export class MailchimpAnswerView {
  @ApiPropertyOptional({ format: 'uuid' }) memberId?: string;
  @ApiPropertyOptional() enrolled?: boolean;
  @ApiPropertyOptional({ example: 'awareness' }) stage?: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true } })
  effects?: Array<Record<string, unknown>>;
  @ApiPropertyOptional({ example: 'unsubscribe', description: 'The type that was ignored' }) ignored?: string;
}

export class ShopifyAnswerView extends EventResultView {}

export class IgnoredView {
  @ApiProperty({ example: 'orders/create', description: 'What was ignored (the topic or type)' }) ignored: string;
  @ApiPropertyOptional({ example: 'no customer and no e-mail' }) reason?: string;
}

export class HookAliveView {
  @ApiProperty({ example: true }) ok: boolean;
}
