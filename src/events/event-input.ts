import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { FieldError } from '../common/errors/domain-error.js';
import { unsafeJson } from '../common/http/json-safety.js';
import { flatten } from '../common/http/validation.pipe.js';
import { RecordEventDto } from './dto/record-event.dto.js';
import { checkAttributes, ENGINE_EVENT_TYPES, ENGINE_KEY_PREFIXES } from './event-attributes.js';
import { requestHash } from './request-hash.js';

/** An event request that passed validation, with what the pipeline needs precomputed. */
export interface EventInput {
  idempotencyKey: string;
  requestHash: string;
  type: string;
  member: { id?: string; externalId?: string; email?: string; referralCode?: string };
  /** null: the time it is processed */
  occurredAt: Date | null;
  attributes: Record<string, unknown>;
}

const MAX_FUTURE_MS = 5 * 60_000; // clock skew between the brand's servers and ours

/**
 * Everything a body must satisfy beyond its DTO: attributes, member reference, time.
 * The batch endpoint runs the DTO validation here too, one event at a time.
 */
export function parseEventInput(
  body: unknown,
  now: Date,
  validateDto: boolean,
): { ok: true; input: EventInput } | { ok: false; errors: FieldError[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
  }
  const unsafe = unsafeJson(body);
  if (unsafe) {
    return { ok: false, errors: [unsafe] };
  }
  const dto = validateDto ? plainToInstance(RecordEventDto, body) : (body as RecordEventDto);
  if (validateDto) {
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) {
      return { ok: false, errors: flatten(errors) };
    }
  }
  const errors: FieldError[] = [];
  if (ENGINE_EVENT_TYPES.includes(dto.type)) {
    errors.push({ path: 'type', message: `${dto.type} events are made by the engine, not sent` });
  }
  if (ENGINE_KEY_PREFIXES.some((p) => dto.idempotencyKey.startsWith(p))) {
    errors.push({
      path: 'idempotencyKey',
      message: `keys starting with ${ENGINE_KEY_PREFIXES.join(' or ')} are the engine's`,
    });
  }
  if (!dto.member.id && !dto.member.externalId) {
    errors.push({ path: 'member', message: 'needs id or externalId' });
  }
  const occurredAt = dto.occurredAt ? new Date(dto.occurredAt) : null;
  if (occurredAt && (Number.isNaN(occurredAt.getTime()) || occurredAt.getTime() > now.getTime() + MAX_FUTURE_MS)) {
    errors.push({ path: 'occurredAt', message: 'must be a date-time no later than now' });
  }
  errors.push(...checkAttributes(dto.type, dto.attributes));
  if (errors.length) {
    return { ok: false, errors };
  }
  const member = {
    id: dto.member.id?.toLowerCase(),
    externalId: dto.member.externalId,
    email: dto.member.email?.toLowerCase(),
    referralCode: dto.member.referralCode?.toUpperCase(),
  };
  const attributes = dto.attributes ?? {};
  return {
    ok: true,
    input: {
      idempotencyKey: dto.idempotencyKey,
      requestHash: requestHash({ type: dto.type, member, occurredAt: dto.occurredAt ?? null, attributes }),
      type: dto.type,
      member,
      occurredAt,
      attributes,
    },
  };
}
