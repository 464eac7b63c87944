import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { BrandAuth } from '../brands/brand-auth.decorator.js';
import { CurrentBrand } from '../brands/brand-key.guard.js';
import { RecordEventBatchDto, RecordEventDto } from './dto/record-event.dto.js';
import { BatchResultView, EventResultView } from './dto/event-result.dto.js';
import { type BatchAnswer, EventsService } from './events.service.js';

@ApiTags('events')
@BrandAuth()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @ApiOperation({ summary: 'Record a member action; the rules engine answers with its effects (points, stage, token)' })
  @ApiCreatedResponse({ type: EventResultView, description: 'Applied' })
  @ApiOkResponse({
    type: EventResultView,
    description: 'A replay of an idempotency key with the same body: the first answer, duplicate: true',
  })
  @ApiConflictResponse({ description: 'The idempotency key was used with another body' })
  @ApiNotFoundResponse({ description: 'Unknown member (and autoEnroll is off or the reference has no externalId)' })
  async record(
    @CurrentBrand() brand: AuthenticatedBrand,
    @Body() body: RecordEventDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { status, result } = await this.events.record(brand, body);
    void reply.status(status);
    return result;
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Up to 1,000 events in one transaction; each answered on its own (status 201, 200, 400, 404 or 409)',
  })
  @ApiOkResponse({ type: BatchResultView })
  recordBatch(@CurrentBrand() brand: AuthenticatedBrand, @Body() body: RecordEventBatchDto): Promise<BatchAnswer> {
    return this.events.recordBatch(brand, body.events);
  }
}
