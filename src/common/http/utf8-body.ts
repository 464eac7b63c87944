import type { FastifyInstance } from 'fastify';
import { Transform } from 'node:stream';
import { DomainError } from '../errors/domain-error.js';

/** A body that is not UTF-8: a 400 whichever parser meets it (statusCode for Fastify's own handler). */
class InvalidUtf8Body extends DomainError {
  readonly statusCode = 400;
  constructor() {
    super('invalid', 'validation_failed', 'body: must be valid UTF-8', [
      { path: 'body', message: 'must be valid UTF-8' },
    ]);
  }
}

/**
 * Every body must be UTF-8 (JSON is, RFC 8259; so are the forms we take): checked on the raw
 * bytes as they stream in, before any parser, which would otherwise store U+FFFD in their place.
 * The bytes pass through unchanged, so a parser that keeps them (Nest's `rawBody`) still sees
 * exactly what the client sent.
 */
export function refuseInvalidUtf8(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', async (_request, _reply, payload) => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const checked = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        try {
          decoder.decode(chunk, { stream: true });
        } catch {
          callback(new InvalidUtf8Body());
          return;
        }
        callback(null, chunk);
      },
      flush(callback) {
        try {
          decoder.decode();
        } catch {
          callback(new InvalidUtf8Body());
          return;
        }
        callback();
      },
    });
    // pipe, not stream.pipeline: pipeline aborts an AbortController of its own at the end of every
    // body, and building that DOMException (with its stack) cost about 5 % of an event's CPU.
    payload.on('error', (e) => checked.destroy(e));
    return payload.pipe(checked);
  });
}
