import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { UuidParamPipe } from '../common/http/uuid-param.pipe.js';
import type { AuthenticatedBrand } from './authenticated-brand.js';
import { BrandAuth } from './brand-auth.decorator.js';
import { CurrentBrand } from './brand-key.guard.js';
import { BrandsService } from './brands.service.js';
import { ApiKeyListView, BrandView, CreateApiKeyDto, CreatedApiKeyView, UpdateBrandDto } from './dto/brand.dto.js';

@ApiTags('brand')
@BrandAuth()
@Controller('v1/brand')
export class BrandController {
  constructor(private readonly brands: BrandsService) {}

  @Get()
  @ApiOperation({ summary: 'The brand of this key: name, journey stages, settings' })
  @ApiOkResponse({ type: BrandView })
  get(@CurrentBrand() brand: AuthenticatedBrand): Promise<BrandView> {
    return this.brands.getBrand(brand.id);
  }

  @Patch()
  @ApiOperation({ summary: 'Rename the brand or change settings (merged into the stored settings)' })
  @ApiOkResponse({ type: BrandView })
  update(@CurrentBrand() brand: AuthenticatedBrand, @Body() body: UpdateBrandDto): Promise<BrandView> {
    return this.brands.updateBrand(brand.id, body);
  }

  @Get('keys')
  @ApiOperation({ summary: "The brand's API keys (never the secrets)" })
  @ApiOkResponse({ type: ApiKeyListView })
  async listKeys(@CurrentBrand() brand: AuthenticatedBrand): Promise<ApiKeyListView> {
    return { data: await this.brands.listKeys(brand.id), nextCursor: null };
  }

  @Post('keys')
  @ApiOperation({ summary: 'Create another secret key (shown once), e.g. to rotate keys' })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  createKey(@CurrentBrand() brand: AuthenticatedBrand, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    return this.brands.createKey(brand.id, body.name);
  }

  @Delete('keys/:keyId')
  @HttpCode(204)
  @ApiConflictResponse({ description: "The brand's only live key" })
  @ApiOperation({
    summary: 'Revoke a key; requests with it answer 401 from now on. The last live key cannot be revoked.',
  })
  @ApiNoContentResponse()
  revokeKey(@CurrentBrand() brand: AuthenticatedBrand, @Param('keyId', UuidParamPipe) keyId: string): Promise<void> {
    return this.brands.revokeKey(brand.id, keyId);
  }
}
