import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { PutShopifyIntegrationDto, ShopifyIntegrationView } from './dto/shopify-integration.dto.js';
import { ShopifyIntegrationService } from './shopify-integration.service.js';

@ApiTags('hooks')
@BrandAuth()
@Controller('v1/brand/integrations/shopify')
export class ShopifyIntegrationController {
  constructor(private readonly integration: ShopifyIntegrationService) {}

  @Put()
  @ApiOperation({
    summary: 'Connect a Shopify shop (its webhooks go to POST /v1/hooks/{brandId}/shopify); a new secret rotates',
  })
  @ApiOkResponse({ type: ShopifyIntegrationView })
  @ApiBadRequestResponse({ description: 'Invalid shopDomain, clientSecret or amountField, with field paths' })
  put(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Body() body: PutShopifyIntegrationDto,
  ): Promise<ShopifyIntegrationView> {
    return this.integration.put(brand.id, body);
  }

  @Get()
  @ApiOperation({ summary: 'The Shopify integration (never the secret)' })
  @ApiOkResponse({ type: ShopifyIntegrationView })
  @ApiNotFoundResponse({ description: 'No Shopify integration' })
  get(@CurrentBrand() brand: AuthenticatedBrand): Promise<ShopifyIntegrationView> {
    return this.integration.get(brand.id);
  }
}
