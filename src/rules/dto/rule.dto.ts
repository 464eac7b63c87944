import { ApiProperty } from '@nestjs/swagger';
import { RULE_STATUSES, type RuleStatus } from '../engine/index.js';
import { RuleDefinitionDto } from './rule-definition.dto.js';

export class RuleView extends RuleDefinitionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  // defaults filled in: always present in an answer
  @ApiProperty({ type: 'integer', example: 10 }) declare priority: number;
  @ApiProperty() declare exclusive: boolean;
  @ApiProperty({ enum: RULE_STATUSES }) declare status: RuleStatus;
  @ApiProperty({ type: 'integer', example: 1, description: 'The current version; every change makes a new one' })
  version: number;
  @ApiProperty({ type: 'integer', example: 0, description: 'Points given so far under limits.budgetPoints' })
  budgetSpent: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class RulePage {
  @ApiProperty({ type: [RuleView] }) data: RuleView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class RuleVersionView {
  @ApiProperty({ format: 'uuid' }) ruleId: string;
  @ApiProperty({ type: 'integer', example: 2 }) version: number;
  @ApiProperty({ type: RuleDefinitionDto }) definition: RuleDefinitionDto;
  @ApiProperty({ example: 'key:0196…', description: 'key:<apiKeyId> for API changes' }) changedBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class RuleVersionPage {
  @ApiProperty({ type: [RuleVersionView] }) data: RuleVersionView[];
  @ApiProperty({ nullable: true, type: String, description: 'A version number: pass it as cursor for older versions' })
  nextCursor: string | null;
}

export class TemplateResult {
  @ApiProperty({ type: [RuleView] }) created: RuleView[];
  @ApiProperty({ type: [String], description: 'Names of template rules the brand already has' }) skipped: string[];
}
