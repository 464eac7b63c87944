import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
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
  CreatedHookSecretView,
  CreatedHookTokenView,
  CreateHookTokenDto,
  HookSecretListView,
  HookTokenListView,
} from './dto/hook-credentials.dto.js';
import { HookCredentialsService } from './hook-credentials.service.js';

@ApiTags('hooks')
@BrandAuth()
@Controller('v1/brand')
export class HookCredentialsController {
  constructor(private readonly credentials: HookCredentialsService) {}

  @Post('hook-secrets')
  @ApiOperation({
    summary: 'A Standard Webhooks secret for POST /v1/hooks/{brandId}/campaigns (shown once; two live at most)',
  })
  @ApiCreatedResponse({ type: CreatedHookSecretView })
  @ApiConflictResponse({ description: 'Two secrets are live already: revoke one first' })
  createSecret(@CurrentBrand() brand: AuthenticatedBrand): Promise<CreatedHookSecretView> {
    return this.credentials.createSecret(brand.id);
  }

  @Get('hook-secrets')
  @ApiOperation({ summary: 'The live hook secrets (never the secrets themselves)' })
  @ApiOkResponse({ type: HookSecretListView })
  listSecrets(@CurrentBrand() brand: AuthenticatedBrand): Promise<HookSecretListView> {
    return this.credentials.listSecrets(brand.id);
  }

  @Delete('hook-secrets/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a hook secret: signatures made with it fail from now on' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No live secret by that id' })
  revokeSecret(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.credentials.revokeSecret(brand.id, id);
  }

  @Post('hook-tokens')
  @ApiOperation({ summary: 'A hook token ht_… for senders that cannot sign (Klaviyo, Mailchimp); shown once' })
  @ApiCreatedResponse({ type: CreatedHookTokenView })
  @ApiBadRequestResponse({ description: 'Invalid name, with field paths' })
  createToken(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Body() body: CreateHookTokenDto,
  ): Promise<CreatedHookTokenView> {
    return this.credentials.createToken(brand.id, body.name);
  }

  @Get('hook-tokens')
  @ApiOperation({ summary: 'The live hook tokens (never the tokens themselves)' })
  @ApiOkResponse({ type: HookTokenListView })
  listTokens(@CurrentBrand() brand: AuthenticatedBrand): Promise<HookTokenListView> {
    return this.credentials.listTokens(brand.id);
  }

  @Delete('hook-tokens/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a hook token' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: 'The id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No live token by that id' })
  revokeToken(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.credentials.revokeToken(brand.id, id);
  }
}
