import { ApiProperty } from '@nestjs/swagger';
import { RuleDefinitionDto } from './rule-definition.dto.js';

export class RuleView extends RuleDefinitionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 1, description: 'The current version; every change makes a new one' }) version: number;
  @ApiProperty({ example: 0, description: 'Points given so far under limits.budgetPoints' }) budgetSpent: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class RulePage {
  @ApiProperty({ type: [RuleView] }) data: RuleView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class RuleVersionView {
  @ApiProperty({ format: 'uuid' }) ruleId: string;
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ type: RuleDefinitionDto }) definition: RuleDefinitionDto;
  @ApiProperty({ example: 'key:0196…', description: 'key:<apiKeyId> for API changes' }) changedBy: string;
  @ApiProperty() createdAt: string;
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
