import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  OPS,
  PERIODS,
  ROUNDINGS,
  RULE_STATUSES,
  type Condition,
  type Period,
  type Rounding,
  type RuleStatus,
} from '../engine/index.js';

/*
 * The rule JSON of DESIGN §3, for the OpenAPI document only: the engine's validateRule is
 * the one validator (it reports the JSON path of each fault), so these classes carry no
 * class-validator decorators and are never the type of a @Body().
 */

export class PerUnitPointsDto {
  @ApiProperty({ example: 'event.amount', description: 'A numeric fact' }) fact: string;
  @ApiProperty({ example: 2, minimum: 0, description: 'Points per unit of the fact' }) rate: number;
  @ApiPropertyOptional({ enum: ROUNDINGS, default: 'floor' }) rounding?: Rounding;
}

export class PointsRewardDto {
  @ApiPropertyOptional({ type: 'integer', example: 50, description: 'Exactly one of fixed or perUnit' }) fixed?: number;
  @ApiPropertyOptional({ type: PerUnitPointsDto }) perUnit?: PerUnitPointsDto;
}

export class TokenRewardDto {
  @ApiProperty({ example: '1.5', description: 'Decimal string, at most 18 decimals' }) amount: string;
}

export class RuleRewardDto {
  @ApiPropertyOptional({ type: PointsRewardDto, description: 'A tier multiplier applies on top' })
  points?: PointsRewardDto;
  @ApiPropertyOptional({ type: TokenRewardDto }) token?: TokenRewardDto;
}

export class PerMemberLimitDto {
  @ApiPropertyOptional({ type: 'integer', example: 3, description: 'Times the rule may fire per member and period' })
  count?: number;
  @ApiPropertyOptional({
    type: 'integer',
    example: 1000,
    description: 'Points the rule may give per member and period',
  })
  points?: number;
  @ApiProperty({ enum: PERIODS, description: "In the brand's time zone" }) period: Period;
}

export class RuleLimitsDto {
  @ApiPropertyOptional({ type: PerMemberLimitDto, nullable: true }) perMember?: PerMemberLimitDto | null;
  @ApiPropertyOptional({ example: 60, nullable: true, type: 'integer' }) cooldownSeconds?: number | null;
  @ApiPropertyOptional({
    example: 1_000_000,
    nullable: true,
    type: 'integer',
    description: 'Points the rule may give in total',
  })
  budgetPoints?: number | null;
}

export class RuleDefinitionDto {
  @ApiProperty({ example: 'Purchase points', maxLength: 200 }) name: string;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 2000 }) description?: string | null;
  @ApiProperty({
    type: [String],
    example: ['conversion', 'retention', 'loyalty'],
    description: "Keys of the brand's stages; empty = every stage",
  })
  stages: string[];
  @ApiProperty({
    example: 'purchase',
    pattern: '^[a-z][a-z0-9_.]{0,63}$',
    description: "One event type, built-in or the brand's own",
  })
  event: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      `A tree of {"all": [...]}, {"any": [...]}, {"not": {...}} and leaves {"fact", "op", "value"}. Ops: ${OPS.join(', ')}. ` +
      'Facts: event.<attribute>, member.stage|tier|enrolledDaysAgo|purchaseCount|referralCount|lifetimePoints|daysSinceLastPurchase|source|referred, time.dayOfWeek|hour.',
    example: {
      all: [
        { fact: 'event.amount', op: 'gte', value: 20 },
        { fact: 'member.tier', op: 'in', value: ['silver', 'gold'] },
      ],
    },
  })
  conditions?: Condition | null;
  @ApiProperty({ type: RuleRewardDto }) reward: RuleRewardDto;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'retention', description: 'Forward-only stage move' })
  advanceStage?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Unconditional stage move (may go backwards)' })
  setStage?: string | null;
  @ApiPropertyOptional({ type: RuleLimitsDto, nullable: true }) limits?: RuleLimitsDto | null;
  @ApiPropertyOptional({ type: 'integer', example: 10, default: 0, description: 'Higher runs first' })
  priority?: number;
  @ApiPropertyOptional({ default: false, description: 'When it fires, lower-priority rules are not evaluated' })
  exclusive?: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) validFrom?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) validUntil?: string | null;
  @ApiPropertyOptional({ enum: RULE_STATUSES, default: 'active' }) status?: RuleStatus;
  @ApiPropertyOptional({
    nullable: true,
    type: 'integer',
    description: "Overrides the brand's pendingDays for this rule's points",
  })
  pendingDays?: number | null;
}
