import { Body, Controller, Put } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { BrandView } from '../brands/dto/brand.dto.js';
import { ReplaceStagesDto } from './dto/stages.dto.js';
import { StagesService } from './stages.service.js';

@ApiTags('brand')
@BrandAuth()
@Controller('v1/brand/stages')
export class StagesController {
  constructor(private readonly stages: StagesService) {}

  @Put()
  @ApiOperation({ summary: 'Replace the journey stages (2–12, in order). Members of a removed stage need a mapping.' })
  @ApiOkResponse({ type: BrandView })
  @ApiConflictResponse({ description: 'journey.stage_in_use (no mapping) or journey.stage_used_by_rules' })
  replace(@CurrentBrand() brand: AuthenticatedBrand, @Body() body: ReplaceStagesDto): Promise<BrandView> {
    return this.stages.replace(brand.id, body);
  }
}
