import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { EventMemberDto } from './record-event.dto.js';
import type { RuleTrace } from '../../rules/engine/evaluation.js';
import {
  attributesProperty,
  BalanceView,
  type EffectView,
  type PointsEffectView,
  SIMULATED_EFFECTS,
  type SimulatedPointsEffectView,
} from './event-result.dto.js';

/** An event body as sent to POST /v1/events is taken as it is: `member` names the member, `idempotencyKey` is ignored. */
export class SimulatedEventDto {
  @ApiPropertyOptional({ example: 'order-1042', description: 'Ignored: a simulation records nothing' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  idempotencyKey?: string;

  @ApiProperty({ example: 'purchase' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_.]{0,63}$/, { message: 'must match [a-z][a-z0-9_.]{0,63}' })
  type: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-24T10:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;

  @ApiPropertyOptional(attributesProperty({ amount: '59.90' }))
  @IsOptional()
  @IsObject()
  attributes?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: EventMemberDto,
    description: 'The member, as in POST /v1/events; used when neither `member` nor `hypotheticalMember` is given',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EventMemberDto)
  member?: EventMemberDto;
}

/** A member that does not exist: only the facts rules read. */
export class HypotheticalMemberDto {
  @ApiPropertyOptional({ example: 'conversion' }) @IsOptional() @IsString() @MaxLength(32) stage?: string;
  @ApiPropertyOptional({ example: 'gold' }) @IsOptional() @IsString() @MaxLength(32) tier?: string;
  @ApiPropertyOptional({ type: 'integer', example: 0 }) @IsOptional() @IsInt() @Min(0) purchaseCount?: number;
  @ApiPropertyOptional({ type: 'integer', example: 0 }) @IsOptional() @IsInt() @Min(0) referralCount?: number;
  @ApiPropertyOptional({ type: 'integer', example: 0 }) @IsOptional() @IsInt() @Min(0) lifetimePoints?: number;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) enrolledAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) lastPurchaseAt?: string;
  @ApiPropertyOptional({ example: 'api' }) @IsOptional() @IsString() @MaxLength(80) source?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() referred?: boolean;
}

export class SimulatedMemberRefDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) externalId?: string;
}

export class SimulateDto {
  @ApiProperty({ type: SimulatedEventDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SimulatedEventDto)
  event: SimulatedEventDto;

  @ApiPropertyOptional({
    type: SimulatedMemberRefDto,
    description:
      'A real member (its facts, limits and usage are read, nothing is written); optional when `event.member` names one',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SimulatedMemberRefDto)
  member?: SimulatedMemberRefDto;

  @ApiPropertyOptional({ type: HypotheticalMemberDto, description: 'Or a hypothetical member: facts only' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HypotheticalMemberDto)
  hypotheticalMember?: HypotheticalMemberDto;
}

export class SimulatedMemberView {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'null for a hypothetical member' })
  id: string | null;
  @ApiProperty() stage: string;
  @ApiProperty({ nullable: true, type: String }) tier: string | null;
  @ApiProperty({ type: BalanceView }) balance: BalanceView;
}

export class FiredRuleView {
  @ApiProperty({ format: 'uuid' }) ruleId: string;
  @ApiProperty({ type: 'integer' }) ruleVersion: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: [true] }) fired: true;
  @ApiProperty({ example: 'fired' }) reason: string;
  @ApiProperty({ type: 'integer', description: 'Points the rule gives' }) points: number;
}

export class SkippedRuleView {
  @ApiProperty({ format: 'uuid' }) ruleId: string;
  @ApiProperty({ type: 'integer' }) ruleVersion: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: [false] }) fired: false;
  @ApiProperty({ example: 'conditions not met: event.amount gte 20' }) reason: string;
}

@ApiExtraModels(FiredRuleView, SkippedRuleView)
export class SimulationView {
  @ApiProperty({ ...SIMULATED_EFFECTS, description: 'What the event would do, as in the POST /v1/events answer' })
  effects: Array<Exclude<EffectView, PointsEffectView> | SimulatedPointsEffectView>;
  @ApiProperty({ type: SimulatedMemberView, description: 'The member after the event' }) member: SimulatedMemberView;
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ $ref: getSchemaPath(FiredRuleView) }, { $ref: getSchemaPath(SkippedRuleView) }] },
    description: 'Every rule listening to the event type, with why it fired or not (told apart by `fired`)',
  })
  rules: RuleTrace[];
}
