import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
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
  CreatedWebhookEndpointView,
  CreateWebhookEndpointDto,
  RedeliveryView,
  RotatedSecretView,
  TestMessageView,
  UpdateWebhookEndpointDto,
  WebhookDeliveryPage,
  WebhookEndpointPage,
  WebhookEndpointView,
  WebhookPageQuery,
} from './dto/webhook-endpoint.dto.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';

const NOT_FOUND = { description: 'webhook_endpoint.not_found (also for another brand’s endpoint)' };

@ApiTags('webhooks')
@BrandAuth()
@Controller('v1/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @ApiOperation({ summary: 'Add an endpoint: every change of the subscribed types is POSTed to it, signed' })
  @ApiCreatedResponse({ type: CreatedWebhookEndpointView, description: 'The endpoint, with its secret shown once' })
  @ApiBadRequestResponse({ description: 'validation_failed: a refused url, an unknown event type…' })
  create(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Body() body: CreateWebhookEndpointDto,
  ): Promise<CreatedWebhookEndpointView> {
    return this.endpoints.create(brand.id, body);
  }

  @Get()
  @ApiOperation({ summary: 'The brand’s endpoints, oldest first; cursor-paginated' })
  @ApiOkResponse({ type: WebhookEndpointPage })
  @ApiBadRequestResponse({ description: 'validation_failed (cursor, limit)' })
  list(@CurrentBrand() brand: AuthenticatedBrand, @Query() q: WebhookPageQuery): Promise<WebhookEndpointPage> {
    return this.endpoints.list(brand.id, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One endpoint (its secret is never shown again)' })
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiBadRequestResponse({ description: 'id is not a UUID' })
  @ApiNotFoundResponse(NOT_FOUND)
  get(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', UuidParamPipe) id: string): Promise<WebhookEndpointView> {
    return this.endpoints.get(brand.id, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change url, events, description or status (enabled | disabled)' })
  @ApiOkResponse({ type: WebhookEndpointView })
  @ApiBadRequestResponse({ description: 'validation_failed' })
  @ApiNotFoundResponse(NOT_FOUND)
  update(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointView> {
    return this.endpoints.update(brand.id, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an endpoint with its pending messages and its attempts log' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: 'id is not a UUID' })
  @ApiNotFoundResponse(NOT_FOUND)
  remove(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.endpoints.remove(brand.id, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new signing secret; for 24 h messages carry signatures with both' })
  @ApiOkResponse({ type: RotatedSecretView })
  @ApiBadRequestResponse({ description: 'id is not a UUID' })
  @ApiNotFoundResponse(NOT_FOUND)
  rotate(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<RotatedSecretView> {
    return this.endpoints.rotateSecret(brand.id, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a webhook.test message to this endpoint now' })
  @ApiAcceptedResponse({ type: TestMessageView })
  @ApiBadRequestResponse({ description: 'id is not a UUID' })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ description: 'webhook_endpoint.disabled' })
  test(@CurrentBrand() brand: AuthenticatedBrand, @Param('id', UuidParamPipe) id: string): Promise<TestMessageView> {
    return this.endpoints.sendTest(brand.id, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Every attempt to this endpoint, newest first: status code, duration, error, next attempt' })
  @ApiOkResponse({ type: WebhookDeliveryPage })
  @ApiBadRequestResponse({ description: 'validation_failed (id, cursor, limit)' })
  @ApiNotFoundResponse(NOT_FOUND)
  deliveries(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', UuidParamPipe) id: string,
    @Query() q: WebhookPageQuery,
  ): Promise<WebhookDeliveryPage> {
    return this.endpoints.deliveries(brand.id, id, q);
  }
}

@ApiTags('webhooks')
@BrandAuth()
@Controller('v1/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post(':id/redeliver')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send that attempt’s message again now, with the same webhook-id' })
  @ApiAcceptedResponse({ type: RedeliveryView })
  @ApiBadRequestResponse({ description: 'id is not a UUID' })
  @ApiNotFoundResponse({ description: 'webhook_delivery.not_found (also for another brand’s)' })
  redeliver(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Param('id', UuidParamPipe) id: string,
  ): Promise<RedeliveryView> {
    return this.endpoints.redeliver(brand.id, id);
  }
}
