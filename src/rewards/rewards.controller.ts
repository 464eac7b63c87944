import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { UuidParamPipe } from '../common/http/uuid-param.pipe.js';
import {
  AddCodesDto,
  CodesUploadView,
  CreateRewardDto,
  RewardListQuery,
  RewardPage,
  RewardView,
  UpdateRewardDto,
} from './dto/reward.dto.js';
import { RewardsService } from './rewards.service.js';

@ApiTags('rewards')
@BrandAuth()
@Controller('v1/rewards')
export class RewardsController {
  constructor(private readonly rewards: RewardsService) {}

  @Post()
  @ApiOperation({
    summary: 'Add a reward to the catalog: a coupon (codes uploaded next), content (a URL) or a perk (free text)',
  })
  @ApiCreatedResponse({ type: RewardView })
  @ApiBadRequestResponse({
    description: 'validation_failed with the path of each fault (e.g. stages[1] not a stage of the brand)',
  })
  create(@CurrentBrand() brand: AuthenticatedBrand, @Body() body: CreateRewardDto): Promise<RewardView> {
    return this.rewards.create(brand, body);
  }

  @Get()
  @ApiOperation({ summary: 'The catalog, oldest first, optionally by active and kind; cursor-paginated' })
  @ApiOkResponse({ type: RewardPage })
  list(@CurrentBrand() brand: AuthenticatedBrand, @Query() query: RewardListQuery): Promise<RewardPage> {
    return this.rewards.list(brand.id, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One reward, with what is left of its stock' })
  @ApiOkResponse({ type: RewardView })
  @ApiNotFoundResponse({ description: 'reward.not_found' })
  get(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', UuidParamPipe) id: string): Promise<RewardView> {
    return this.rewards.get(brand.id, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: "Change a reward's terms (not its kind); fields left out keep their value, null clears a nullable one",
  })
  @ApiOkResponse({ type: RewardView })
  @ApiNotFoundResponse({ description: 'reward.not_found' })
  update(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateRewardDto,
  ): Promise<RewardView> {
    return this.rewards.update(brand, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a reward from the catalog; its redemptions stay readable and cancellable' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'reward.not_found' })
  remove(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.rewards.remove(brand.id, id);
  }

  @Post(':id/codes')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Upload up to 10,000 codes to a coupon's pool; each is handed out once, codes already in the pool are skipped",
  })
  @ApiOkResponse({ type: CodesUploadView })
  @ApiNotFoundResponse({ description: 'reward.not_found' })
  @ApiConflictResponse({ description: 'reward.not_a_coupon' })
  addCodes(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: AddCodesDto,
  ): Promise<CodesUploadView> {
    return this.rewards.addCodes(brand.id, id, body);
  }
}
