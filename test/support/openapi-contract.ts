import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { OpenAPIObject } from '@nestjs/swagger';

// ajv-formats is CommonJS: under ESM its function is the default export's default
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

/** What a test got back, as far as the contract cares. */
export interface Answer {
  method: string;
  /** the request's path, without the query */
  path: string;
  status: number;
  contentType: string | undefined;
  /** the parsed JSON body, or undefined when the answer had none or was not JSON */
  body: unknown;
  /** the raw text (for non-JSON bodies) */
  text: string | undefined;
}

interface Operation {
  template: string;
  pattern: RegExp;
  params: number;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/**
 * The served OpenAPI document as a checker of answers: finds the operation of a request
 * (method + path template), and checks that the status is one it declares and that a JSON body
 * matches that status's schema (with ajv, after turning OpenAPI 3.0's `nullable` into JSON
 * Schema). Paths the document does not describe (/docs) are not checked.
 */
export class OpenApiContract {
  private readonly operations = new Map<string, Operation[]>();
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: OpenAPIObject) {
    this.ajv = addFormats(new Ajv({ strict: false, allErrors: true, logger: false }));
    this.ajv.addSchema(toJsonSchema({ components: document.components ?? {} }) as object, 'openapi');
    for (const [template, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (typeof op !== 'object' || !op || !('responses' in op)) {
          continue;
        }
        const list = this.operations.get(method.toUpperCase()) ?? [];
        list.push({
          template,
          pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
          params: (template.match(/\{/g) ?? []).length,
          responses: (op as { responses: Operation['responses'] }).responses,
        });
        // literal segments win over parameters: /v1/rules/simulate before /v1/rules/{id}
        list.sort((a, b) => a.params - b.params);
        this.operations.set(method.toUpperCase(), list);
      }
    }
  }

  /** The operation's path template, or null when the document does not describe the request. */
  operationOf(method: string, path: string): Operation | null {
    return (this.operations.get(method.toUpperCase()) ?? []).find((o) => o.pattern.test(path)) ?? null;
  }

  /** Why the answer breaks the document, or null when it keeps it. */
  violation(answer: Answer): string | null {
    const op = this.operationOf(answer.method, answer.path);
    if (!op) {
      return null;
    }
    const where = `${answer.method} ${op.template} → ${answer.status}`;
    const response = op.responses[String(answer.status)] ?? op.responses[`${String(answer.status)[0]}XX`];
    if (!response) {
      return `${where}: status not declared in the OpenAPI document (declared: ${Object.keys(op.responses).join(', ')})`;
    }
    if (answer.status >= 300 && answer.status < 400) {
      return null; // a redirect: its body is not part of the contract
    }
    const media = answer.contentType?.split(';')[0].trim().toLowerCase();
    const declared = response.content ?? {};
    if (media === undefined || (answer.text ?? '') === '') {
      return Object.keys(declared).length && answer.status !== 204 && answer.body === undefined
        ? `${where}: empty answer, but the document declares a ${Object.keys(declared).join(', ')} body`
        : null;
    }
    if (!media.includes('json')) {
      return declared[media] || Object.keys(declared).length === 0
        ? null
        : `${where}: a ${media} answer, but the document declares ${Object.keys(declared).join(', ')}`;
    }
    const content = declared[media] ?? declared['application/json'];
    if (!content) {
      return `${where}: a JSON answer, but the document declares ${Object.keys(declared).join(', ') || 'no body'}`;
    }
    if (!content.schema) {
      return null;
    }
    const key = `${answer.method} ${op.template} ${answer.status} ${media}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(content.schema, 'openapi') as object);
      this.validators.set(key, validate);
    }
    if (validate(answer.body)) {
      return null;
    }
    const faults = (validate.errors ?? [])
      .slice(0, 8)
      .map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
    return `${where}: the answer breaks the OpenAPI document:\n  ${faults.join('\n  ')}\nbody: ${JSON.stringify(answer.body).slice(0, 1_500)}`;
  }
}

/**
 * OpenAPI 3.0 schema → JSON Schema for ajv: `nullable: true` becomes a null alternative, and
 * `#/components/…` references point into the schema registered as `base`.
 */
export function toJsonSchema(schema: unknown, base?: string): unknown {
  if (Array.isArray(schema)) {
    return schema.map((s) => toJsonSchema(s, base));
  }
  if (schema === null || typeof schema !== 'object') {
    return schema;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'example' || k === 'examples' || k === 'discriminator' || k === 'nullable') {
      continue;
    }
    if (k === '$ref' && typeof v === 'string' && base) {
      out.$ref = `${base}${v}`;
      continue;
    }
    out[k] = k === 'properties' ? mapValues(v as Record<string, unknown>, base) : toJsonSchema(v, base);
  }
  if ((schema as { nullable?: boolean }).nullable === true) {
    const composed = out.allOf !== undefined || out.oneOf !== undefined || out.anyOf !== undefined;
    if (typeof out.type === 'string' && !out.enum && !composed && out.$ref === undefined) {
      out.type = [out.type, 'null'];
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}

function mapValues(o: Record<string, unknown>, base?: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, toJsonSchema(v, base)]));
}
