import { Injectable } from '@nestjs/common';
import type { AuthenticatedBrand } from '../brands/authenticated-brand.js';
import { validationFailed } from '../common/errors/domain-error.js';
import { statusOf } from '../common/errors/error-body.js';
import type { RecordEventDto } from './dto/record-event.dto.js';
import type { EventResult } from './event-effects.js';
import { type EventInput, parseEventInput } from './event-input.js';
import type { EventOutcome } from './event-outcome.js';
import { EventBatcher } from './event-batcher.js';
import { EventPipeline } from './event-pipeline.js';

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
      throw outcome.error;
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
        outcomes[index] = {
          error: validationFailed(
            parsed.errors.map((e) => ({ ...e, path: `events[${index}]${e.path ? `.${e.path}` : ''}` })),
          ),
        };
      }
    });
    const applied = await this.pipeline.apply(
      brand,
      valid.map((v) => v.input),
      'batch',
    );
    valid.forEach((v, n) => (outcomes[v.index] = applied[n]));
    return {
      results: outcomes.map((o, index) =>
        'result' in o
          ? { index, status: o.status, result: o.result }
          : {
              index,
              status: statusOf(o.error.kind),
              error: { code: o.error.code, message: o.error.message, details: o.error.details },
            },
      ),
    };
  }
}
