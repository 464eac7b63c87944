import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { validationFailed } from '../common/errors/domain-error.js';
import { PageQuery } from '../common/http/pagination.js';
import { UuidParamPipe } from '../common/http/uuid-param.pipe.js';
import { ListRulesQuery } from './dto/list-rules.query.js';
import { RuleDefinitionDto } from './dto/rule-definition.dto.js';
import { RulePage, RuleVersionPage, RuleVersionView, RuleView, TemplateResult } from './dto/rule.dto.js';
import { RulesService } from './rules.service.js';

const versionPipe = new ParseIntPipe({
  exceptionFactory: () => validationFailed([{ path: 'version', message: 'must be a version number' }]),
});
/** A version beyond int4 names no version: 404 from the lookup, never a database error. */
const VERSION_RANGE = { transform: (v: number) => (v > 0 && v <= 2_147_483_647 ? v : 0) };

/*
 * Rule bodies are taken as plain objects: the global whitelist pipe leaves an `Object`
 * parameter alone, and the engine's validateRule checks them, with JSON paths.
 */
@ApiTags('rules')
@BrandAuth()
@Controller('v1/rules')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a rule (version 1). A rule that does not validate is a 400 listing the JSON path of each fault.',
  })
  @ApiBody({ type: RuleDefinitionDto })
  @ApiCreatedResponse({ type: RuleView })
  create(@CurrentBrand() brand: AuthenticatedBrand, @Body() body: Record<string, unknown>): Promise<RuleView> {
    return this.rules.createRule(brand, body);
  }

  @Get()
  @ApiOperation({ summary: "The brand's rules, oldest first, optionally by status and event type" })
  @ApiOkResponse({ type: RulePage })
  list(@CurrentBrand() brand: AuthenticatedBrand, @Query() query: ListRulesQuery): Promise<RulePage> {
    return this.rules.listRules(brand.id, query);
  }

  @Post('templates/loyalty-loop')
  @ApiOperation({
    summary:
      'Create the loyalty-loop starter rules (share, content, feedback, purchase, repeat, win-back, referral). ' +
      'Template rules whose name the brand already uses are skipped; stages the brand does not have are dropped.',
  })
  @ApiCreatedResponse({ type: TemplateResult })
  applyLoyaltyLoop(@CurrentBrand() brand: AuthenticatedBrand): Promise<TemplateResult> {
    return this.rules.applyLoyaltyLoopTemplate(brand.id, brand.stages, `key:${brand.keyId}`);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One rule, at its current version' })
  @ApiOkResponse({ type: RuleView })
  @ApiNotFoundResponse({ description: 'rule.not_found' })
  get(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', UuidParamPipe) id: string): Promise<RuleView> {
    return this.rules.getRule(brand.id, id);
  }

  @Put(':id')
  @ApiOperation({ summary: "Replace the rule's definition: makes a new version (history keeps the old ones)" })
  @ApiBody({ type: RuleDefinitionDto })
  @ApiOkResponse({ type: RuleView })
  @ApiNotFoundResponse({ description: 'rule.not_found' })
  @ApiConflictResponse({ description: 'rule.archived: archived rules cannot be edited' })
  replace(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<RuleView> {
    return this.rules.replaceRule(brand, id, body);
  }

  @Get(':id/versions')
  @ApiOperation({ summary: 'Every version of the rule, newest first, with who changed it' })
  @ApiOkResponse({ type: RuleVersionPage })
  @ApiNotFoundResponse({ description: 'rule.not_found' })
  versions(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', UuidParamPipe) id: string,
    @Query() query: PageQuery,
  ): Promise<RuleVersionPage> {
    return this.rules.listVersions(brand.id, id, query);
  }

  @Get(':id/versions/:version')
  @ApiOperation({ summary: 'One version of the rule' })
  @ApiOkResponse({ type: RuleVersionView })
  @ApiNotFoundResponse({ description: 'rule.not_found or rule.version_not_found' })
  version(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', UuidParamPipe) id: string,
    @Param('version', versionPipe, VERSION_RANGE) version: number,
  ): Promise<RuleVersionView> {
    return this.rules.getVersion(brand.id, id, version);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop the rule firing (a new version); activate resumes it' })
  @ApiOkResponse({ type: RuleView })
  @ApiConflictResponse({ description: 'rule.archived' })
  pause(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', UuidParamPipe) id: string): Promise<RuleView> {
    return this.rules.changeStatus(brand, id, 'paused');
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Let the rule fire again (a new version)' })
  @ApiOkResponse({ type: RuleView })
  @ApiConflictResponse({ description: 'rule.archived: archived rules cannot be re-activated' })
  activate(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', UuidParamPipe) id: string): Promise<RuleView> {
    return this.rules.changeStatus(brand, id, 'active');
  }

  @Post(':id/archive')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Retire the rule for good (a new version). Rules are never deleted: history points at their versions.',
  })
  @ApiOkResponse({ type: RuleView })
  archive(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', UuidParamPipe) id: string): Promise<RuleView> {
    return this.rules.changeStatus(brand, id, 'archived');
  }
}
