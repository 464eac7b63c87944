import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { ENDPOINT_STATUSES, type EndpointStatus } from '../webhook-endpoint.js';
import { WEBHOOK_EVENT_TYPES } from '../webhook-events.js';

const EVENT_CHOICES = [...WEBHOOK_EVENT_TYPES, '*'];
const Given = () => ValidateIf((_: object, v: unknown) => v !== undefined);

const URL_DOC = {
  example: 'https://hooks.example.com/loyalty',
  maxLength: 2000,
  description:
    'https (http too with WEBHOOK_ALLOW_PRIVATE_TARGETS); never a loopback, private, link-local, CGNAT, multicast or cloud-metadata address',
};
const EVENTS_DOC = {
  type: 'array' as const,
  items: { type: 'string', enum: EVENT_CHOICES },
  example: ['points.earned', 'member.tier_changed'],
  description: 'Event types to receive, or ["*"] for all',
};

export class CreateWebhookEndpointDto {
  @ApiProperty(URL_DOC)
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  url: string;

  @ApiProperty(EVENTS_DOC)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_CHOICES.length)
  @ArrayUnique()
  @IsIn(EVENT_CHOICES, { each: true, message: `each event must be one of: ${EVENT_CHOICES.join(', ')}` })
  events: string[];

  @ApiPropertyOptional({ example: 'CRM sync', maxLength: 500, nullable: true, type: String })
  @ValidateIf((_: object, v: unknown) => v !== undefined && v !== null)
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional(URL_DOC)
  @Given()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional(EVENTS_DOC)
  @Given()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_CHOICES.length)
  @ArrayUnique()
  @IsIn(EVENT_CHOICES, { each: true, message: `each event must be one of: ${EVENT_CHOICES.join(', ')}` })
  events?: string[];

  @ApiPropertyOptional({ enum: ENDPOINT_STATUSES, description: 'enabled again: pending messages go out' })
  @Given()
  @IsIn(ENDPOINT_STATUSES)
  status?: EndpointStatus;

  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String, description: 'null clears it' })
  @ValidateIf((_: object, v: unknown) => v !== undefined && v !== null)
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class WebhookEndpointView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty(EVENTS_DOC) events: string[];
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: ENDPOINT_STATUSES }) status: EndpointStatus;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Why the service disabled it (gone (410), every attempt failed for 5 days); null otherwise',
  })
  disabledReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class CreatedWebhookEndpointView extends WebhookEndpointView {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The signing secret (Standard Webhooks), shown this once',
  })
  secret: string;
}

export class WebhookEndpointPage {
  @ApiProperty({ type: [WebhookEndpointView] }) data: WebhookEndpointView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class RotatedSecretView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'The new signing secret, shown this once' }) secret: string;
  @ApiProperty({
    format: 'date-time',
    description: 'Until then every message carries two signatures: the new secret and the previous one',
  })
  previousSecretExpiresAt: string;
}

export class TestMessageView {
  @ApiProperty({ format: 'uuid', description: 'The webhook-id the test message is sent with' }) messageId: string;
  @ApiProperty({ enum: ['webhook.test'] }) type: string;
}

export class WebhookDeliveryView {
  @ApiProperty({ format: 'uuid', description: 'This attempt' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The message (its webhook-id): the same on every retry' })
  messageId: string;
  @ApiProperty({ example: 'points.earned' }) type: string;
  @ApiProperty({ type: 'integer', example: 1 }) attempt: number;
  @ApiProperty({ format: 'date-time' }) attemptedAt: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The answer, or null when none came' })
  statusCode: number | null;
  @ApiProperty({ type: 'integer' }) durationMs: number;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the next attempt is due; null when delivered or given up',
  })
  nextAttemptAt: string | null;
}

export class WebhookDeliveryPage {
  @ApiProperty({ type: [WebhookDeliveryView] }) data: WebhookDeliveryView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class RedeliveryView {
  @ApiProperty({ format: 'uuid' }) messageId: string;
  @ApiProperty({ format: 'uuid' }) endpointId: string;
  @ApiProperty({ enum: ['pending'] }) status: string;
}

export class WebhookPageQuery extends PageQuery {}
