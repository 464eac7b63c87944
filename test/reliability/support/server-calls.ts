import { readFileSync } from 'node:fs';
import type { OpenAPIObject } from '@nestjs/swagger';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { contractViolation } from './http.js';
import type { ServerProcess } from './server-process.js';

/**
 * Calls to service processes a suite spawned (and SIGKILLs), each answer held to the OpenAPI
 * document like t.http()'s. The document is the checked-in openapi.json, which the contract
 * suite proves equal to the served one. A violation is recorded rather than thrown, so a loop
 * that counts failed requests as "not acknowledged" cannot swallow it: the suite asserts the
 * record is empty at its end.
 */
export class CheckedCalls {
  readonly violations: string[] = [];
  private readonly contract = new OpenApiContract(
    JSON.parse(readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8')) as OpenAPIObject,
  );

  readonly call = async (
    server: ServerProcess,
    method: string,
    path: string,
    auth: string,
    body?: unknown,
    timeoutMs = 15_000,
  ) => {
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${auth}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const contentType = res.headers.get('content-type');
    const broken = contractViolation(this.contract, method, path, {
      status: res.status,
      headers: contentType ? { 'content-type': contentType } : {},
      text,
      ms: 0,
    });
    if (broken) {
      this.violations.push(`${method} ${path} → ${res.status}: ${broken}`);
    }
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}
