import { Injectable } from '@nestjs/common';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { DomainError, validationFailed } from '../common/errors/domain-error.js';
import type { RecordEventDto } from './dto/record-event.dto.js';
import type { EventResult } from './event-effects.js';
import { type EventInput, parseEventInput } from './event-input.js';
import { type EventOutcome, EventOutcomes } from './event-outcome.js';
import { EventBatcher } from './event-batcher.js';
import { EventPipeline } from './event-pipeline.js';

const KIND_OF = { 400: 'invalid', 404: 'not_found', 409: 'conflict' } as const;

export interface BatchAnswer {
  results: Array<{
    index: number;
    status: number;
    result?: EventResult;
    error?: { code: string; message: string; details?: unknown };
  }>;
}

@Injectable()
export class EventsService {
  constructor(
    private readonly pipeline: EventPipeline,
    private readonly batcher: EventBatcher,
  ) {}

  /** One event: 201 with its effects, 200 for a replay; errors are thrown. */
  async record(brand: AuthenticatedBrand, body: RecordEventDto): Promise<{ status: 200 | 201; result: EventResult }> {
    const parsed = parseEventInput(body, new Date(), false);
    if (!parsed.ok) {
      throw validationFailed(parsed.errors);
    }
    const outcome = await this.batcher.submit(brand, parsed.input);
    if ('error' in outcome) {
      throw new DomainError(KIND_OF[outcome.status], outcome.error.code, outcome.error.message, outcome.error.details);
    }
    return outcome;
  }

  /** Up to 1,000 events in one transaction; each is validated and answered on its own. */
  async recordBatch(brand: AuthenticatedBrand, bodies: unknown[]): Promise<BatchAnswer> {
    const now = new Date();
    const outcomes: EventOutcome[] = new Array(bodies.length);
    const valid: Array<{ index: number; input: EventInput }> = [];
    bodies.forEach((body, index) => {
      const parsed = parseEventInput(body, now, true);
      if (parsed.ok) {
        valid.push({ index, input: parsed.input });
      } else {
        outcomes[index] = EventOutcomes.invalid(
          parsed.errors.map((e) => ({ ...e, path: `events[${index}]${e.path ? `.${e.path}` : ''}` })),
        );
      }
    });
    const applied = await this.pipeline.apply(
      brand,
      valid.map((v) => v.input),
      'batch',
    );
    valid.forEach((v, n) => (outcomes[v.index] = applied[n]));
    return {
      results: outcomes.map((o, index) => ({
        index,
        status: o.status,
        ...('result' in o ? { result: o.result } : { error: o.error }),
      })),
    };
  }
}
