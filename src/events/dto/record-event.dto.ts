import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { attributesProperty } from './event-result.dto.js';

export class EventMemberDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Our member id' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiPropertyOptional({ example: 'cust-77', description: "The brand's own id for the member" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  externalId?: string;

  @ApiPropertyOptional({
    example: 'ann@example.com',
    description: 'Used when the event enrols the member (autoEnroll)',
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ example: 'K7M2QX9P', description: "When the event enrols the member: the referrer's code" })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9]{4,16}$/, { message: 'must be a referral code' })
  referralCode?: string;
}

export class RecordEventDto {
  @ApiProperty({
    example: 'order-1042',
    description:
      'Unique per brand. A repeat with the same body answers the first result (200, duplicate: true); with another body, 409.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' })
  idempotencyKey: string;

  @ApiProperty({
    example: 'purchase',
    description: 'purchase, refund, share, content, feedback, enrollment, or a brand type [a-z][a-z0-9_.]{0,63}',
  })
  @IsString()
  @Matches(/^[a-z][a-z0-9_.]{0,63}$/, { message: 'must match [a-z][a-z0-9_.]{0,63}' })
  type: string;

  @ApiProperty({ type: EventMemberDto, description: '`id` or `externalId`' })
  @IsObject()
  @ValidateNested()
  @Type(() => EventMemberDto)
  member: EventMemberDto;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-24T10:00:00Z', description: 'Defaults to now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;

  @ApiPropertyOptional(attributesProperty({ amount: '59.90', currency: 'EUR', orderId: '1042', channel: 'web' }))
  @IsOptional()
  @IsObject()
  attributes?: Record<string, unknown>;
}

export class RecordEventBatchDto {
  /** Each event is checked on its own by the service: one bad event does not refuse the batch. */
  static elementsValidatedBy = 'events';

  @ApiProperty({
    type: [RecordEventDto],
    minItems: 1,
    maxItems: 1000,
    description: 'Up to 1,000 events; each is validated and answered on its own',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  events: unknown[];
}
