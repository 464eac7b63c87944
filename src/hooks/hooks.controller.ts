import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Accepts } from '../common/http/content-types.js';
import { CampaignHookService } from './campaign-hook.service.js';
import {
  CampaignConversionDto,
  CampaignConversionView,
  HookAliveView,
  IgnoredView,
  MailchimpAnswerView,
  ShopifyAnswerView,
} from './dto/campaign-conversion.dto.js';
import type { HookRequest } from './hook-request.js';
import { MailchimpHookService } from './mailchimp-hook.service.js';
import { type ShopifyAnswer, ShopifyHookService } from './shopify-hook.service.js';

/** The request as the hook services need it: the exact body bytes (Nest's rawBody) and the headers. */
function hookRequest(req: FastifyRequest & { rawBody?: Buffer }, brandId: string): HookRequest {
  const token = (req.query as Record<string, unknown> | undefined)?.token;
  return {
    brandId,
    raw: req.rawBody ?? Buffer.alloc(0),
    body: req.body,
    headers: req.headers,
    queryToken: typeof token === 'string' ? token : undefined,
  };
}

const TOKEN_QUERY = {
  name: 'token',
  required: false,
  description: 'A hook token ht_… (instead of the X-Hook-Token header)',
};

/**
 * Webhooks in. No API key: each route authenticates its sender (a Standard Webhooks signature
 * or a hook token; Shopify's HMAC), and only then reads the body, so a stranger gets a 401 first.
 */
@ApiTags('hooks')
@ApiExtraModels(ShopifyAnswerView, IgnoredView)
@Controller('v1/hooks/:brandId')
export class HooksController {
  constructor(
    private readonly campaigns: CampaignHookService,
    private readonly mailchimp: MailchimpHookService,
    private readonly shopify: ShopifyHookService,
  ) {}

  @Post('campaigns')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A campaign conversion: the member is found or enrolled, moved to conversion, and earns by the rules. Signed (Standard Webhooks) or with a hook token.',
  })
  @ApiHeader({
    name: 'webhook-id',
    required: false,
    description: 'Standard Webhooks message id (a replay is answered from the first)',
  })
  @ApiHeader({ name: 'webhook-timestamp', required: false, description: 'Unix seconds, at most 5 minutes off' })
  @ApiHeader({
    name: 'webhook-signature',
    required: false,
    description: 'v1,<base64 HMAC-SHA256 of "id.timestamp.body">',
  })
  @ApiHeader({ name: 'X-Hook-Token', required: false, description: 'For senders that cannot sign' })
  @ApiQuery(TOKEN_QUERY)
  @ApiBody({ type: CampaignConversionDto })
  @ApiOkResponse({ type: CampaignConversionView, description: 'Applied, or a replayed webhook-id: the first answer' })
  @ApiBadRequestResponse({ description: 'The body (checked after the signature), with field paths' })
  @ApiUnauthorizedResponse({
    description: 'No valid signature (or a timestamp more than 5 minutes off) and no valid token',
  })
  @ApiNotFoundResponse({ description: 'No such brand' })
  convert(@Param('brandId') brandId: string, @Req() req: FastifyRequest): Promise<CampaignConversionView> {
    return this.campaigns.convert(hookRequest(req, brandId));
  }

  @Get('mailchimp')
  @ApiOperation({ summary: 'Mailchimp checks a webhook URL with a GET when it is saved' })
  @ApiQuery({ ...TOKEN_QUERY, required: true })
  @ApiOkResponse({ type: HookAliveView })
  @ApiUnauthorizedResponse({ description: 'No valid hook token' })
  @ApiNotFoundResponse({ description: 'No such brand' })
  mailchimpCheck(@Param('brandId') brandId: string, @Req() req: FastifyRequest): Promise<{ ok: true }> {
    return this.mailchimp.check(hookRequest(req, brandId));
  }

  @Post('mailchimp')
  @HttpCode(200)
  @ApiOperation({ summary: 'A Mailchimp audience webhook: subscribe enrols the subscriber; other types are ignored' })
  @ApiQuery({ ...TOKEN_QUERY, required: true })
  // Mailchimp posts forms: the one route that takes a body other than JSON.
  @Accepts('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string', example: 'subscribe' },
        'data[email]': { type: 'string', example: 'lea.mueller@example.com' },
        'data[list_id]': { type: 'string', example: 'a6b5da1054' },
      },
      additionalProperties: true,
    },
  })
  @ApiOkResponse({ type: MailchimpAnswerView })
  @ApiBadRequestResponse({ description: 'A subscribe without a valid data[email] or data[list_id]' })
  @ApiUnauthorizedResponse({ description: 'No valid hook token' })
  @ApiNotFoundResponse({ description: 'No such brand' })
  mailchimpReceive(@Param('brandId') brandId: string, @Req() req: FastifyRequest): Promise<MailchimpAnswerView> {
    return this.mailchimp.receive(hookRequest(req, brandId));
  }

  @Post('shopify')
  @HttpCode(200)
  @ApiOperation({
    summary: "Shopify webhooks (orders/paid, refunds/create), verified with the app's client secret over the raw body",
  })
  @ApiHeader({ name: 'X-Shopify-Hmac-Sha256', required: true, description: 'base64 HMAC-SHA256 of the raw body' })
  @ApiHeader({ name: 'X-Shopify-Shop-Domain', required: true })
  @ApiHeader({
    name: 'X-Shopify-Topic',
    required: true,
    description: 'orders/paid, refunds/create; others are ignored',
  })
  @ApiHeader({
    name: 'X-Shopify-Webhook-Id',
    required: false,
    description: 'A delivery seen before is answered from the first',
  })
  @ApiBody({ schema: { type: 'object', additionalProperties: true, description: "Shopify's order or refund payload" } })
  @ApiOkResponse({
    description: 'The event result (as POST /v1/events answers), or { ignored: topic } for what is not used',
    schema: { oneOf: [{ $ref: getSchemaPath(ShopifyAnswerView) }, { $ref: getSchemaPath(IgnoredView) }] },
  })
  @ApiBadRequestResponse({ description: 'The payload (checked after the HMAC), with field paths' })
  @ApiUnauthorizedResponse({ description: 'Bad HMAC, another shop, or no Shopify integration' })
  @ApiNotFoundResponse({ description: 'No such brand' })
  shopifyReceive(@Param('brandId') brandId: string, @Req() req: FastifyRequest): Promise<ShopifyAnswer> {
    return this.shopify.receive(hookRequest(req, brandId));
  }
}
