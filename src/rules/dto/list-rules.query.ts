import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PageQuery } from '../../common/http/pagination.js';
import { EVENT_TYPE_PATTERN, RULE_STATUSES, type RuleStatus } from '../engine/index.js';

export class ListRulesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: RULE_STATUSES })
  @IsOptional()
  @IsIn(RULE_STATUSES)
  status?: RuleStatus;

  @ApiPropertyOptional({ example: 'purchase', description: 'Rules listening to this event type' })
  @IsOptional()
  @IsString()
  @Matches(EVENT_TYPE_PATTERN, { message: 'must be an event type' })
  event?: string;
}
