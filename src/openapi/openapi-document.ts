import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { BODY_METHODS, DEFAULT_CONTENT_TYPES } from '../common/http/content-types.js';

/** The shared error answer: every 4xx and 5xx has this shape (src/common/errors/error-body.ts). */
export const ERROR_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', minimum: 400, maximum: 599, example: 400 },
    error: { type: 'string', example: 'Bad Request', description: 'The HTTP reason phrase' },
    message: { type: 'string', example: 'points: must be an integer number' },
    code: { type: 'string', example: 'validation_failed', description: 'Stable, machine-readable' },
    details: {
      description:
        'For validation_failed (400): one entry per fault, by field path. Other codes may add their context ' +
        '(journey.stage_in_use: the stages still in use)',
      anyOf: [
        {
          type: 'array',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: {
              path: { type: 'string', example: 'settings.timezone' },
              message: { type: 'string', example: 'must be an IANA time zone' },
            },
          },
        },
        { type: 'array', items: { type: 'object', additionalProperties: true } },
        { type: 'object', additionalProperties: true },
      ],
    },
  },
} as const;

/** Why an operation can answer each error status (the generic ones every operation of a kind shares). */
const GENERIC_ERRORS: Record<string, string> = {
  '400': 'Invalid input: `details` lists every fault by field path (body, query or path parameter)',
  '401': 'Missing, unknown, revoked or expired credential',
  '404': 'No such resource (or it belongs to another brand)',
  '413': 'Request body larger than the body limit',
  '414': 'A path parameter longer than 200 characters',
  '415': 'A content type this operation does not accept',
  '429': 'Rate limit exceeded; see Retry-After',
};

/**
 * The OpenAPI document the service serves at /docs-json (and `npm run openapi` writes to
 * openapi.json). Nest's scanner describes the DTOs; this adds what holds for every operation
 * alike, so a new endpoint gets it without repeating it: the Error schema on every 4xx, the
 * statuses every operation of a kind can answer (400, 401 with a credential, 404 and 414 with a path
 * parameter, 413/415 with a body, 429), `security: []` on public routes and `servers`.
 */
export function buildOpenApiDocument(app: INestApplication, serverUrl: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Loyalty Loop')
    .setDescription(
      'Loyalty-and-referral engine: journey stages, rules, events, points ledger. ' +
        'Every error answers the Error schema: { statusCode, error, message, code?, details? }.',
    )
    .setVersion('1')
    .addServer(serverUrl, 'This service')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Brand secret key: sk_… (opaque)' }, 'brandKey')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'Member token from POST /v1/members/{id}/token: mt_… (opaque)' },
      'memberToken',
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'Operator token (ADMIN_TOKEN, opaque)' },
      'adminToken',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  return completeDocument(document);
}

const served = new WeakMap<INestApplication, OpenAPIObject>();

/** The document an app serves at /docs-json (set by createApp). */
export function servedDocument(app: INestApplication): OpenAPIObject {
  const document = served.get(app);
  if (!document) {
    throw new Error('this app serves no OpenAPI document');
  }
  return document;
}

export function serveDocument(app: INestApplication, document: OpenAPIObject): void {
  served.set(app, document);
}

export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, Error: structuredClone(ERROR_SCHEMA) as never };
  for (const scheme of Object.values(document.components.securitySchemes ?? {})) {
    delete (scheme as { bearerFormat?: string }).bearerFormat;
  }
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item) as Array<[string, OperationLike]>) {
      if (typeof operation !== 'object' || !operation.responses) {
        continue;
      }
      for (const parameter of operation.parameters ?? []) {
        defaultInWords(parameter.schema as Record<string, unknown> | undefined);
        if (path.startsWith('/v1/members/{id}') && parameter.in === 'path' && parameter.name === 'id') {
          parameter.description = MEMBER_REF;
          parameter.schema = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' };
        }
      }
      const authenticated = (operation.security ?? []).length > 0;
      if (!authenticated) {
        operation.security = [];
      }
      const wanted = ['400', '429'];
      if (authenticated) {
        wanted.push('401');
      }
      if (path.includes('{')) {
        wanted.push('404', '414');
      }
      if (BODY_METHODS.has(method.toUpperCase())) {
        wanted.push('413', '415');
      }
      for (const status of wanted) {
        operation.responses[status] ??= { description: GENERIC_ERRORS[status] };
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400 && !response.content) {
          response.content = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
        }
      }
      if (operation.requestBody && 'content' in operation.requestBody) {
        // a body schema Nest describes as JSON is what the route accepts, nothing else
        const declared = Object.keys(operation.requestBody.content);
        if (declared.length === 0) {
          operation.requestBody.content = { [DEFAULT_CONTENT_TYPES[0]]: { schema: { type: 'object' } } };
        }
      }
      const body = operation.requestBody && 'content' in operation.requestBody ? operation.requestBody : null;
      for (const media of Object.values(body?.content ?? {})) {
        describeRequestSchema((media as { schema?: unknown }).schema, document, new Set());
      }
      operation.responses = Object.fromEntries(
        Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)),
      ) as never;
    }
  }
  return document;
}

/**
 * A request field the server fills in when absent is optional; its default goes into the
 * description, because generators (openapi-typescript) make a field with a `default` required.
 */
function defaultInWords(schema: Record<string, unknown> | undefined): void {
  if (!schema || schema.default === undefined) {
    return;
  }
  const words = `Default: ${JSON.stringify(schema.default)}.`;
  schema.description = typeof schema.description === 'string' ? `${schema.description}. ${words}` : words;
  delete schema.default;
}

/**
 * The validation pipe refuses fields a DTO does not declare (forbidNonWhitelisted): every
 * object schema a request body reaches says so with `additionalProperties: false`.
 */
function describeRequestSchema(schema: unknown, document: OpenAPIObject, seen: Set<unknown>): void {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) {
    return;
  }
  seen.add(schema);
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace('#/components/schemas/', '');
    describeRequestSchema(document.components?.schemas?.[name], document, seen);
    return;
  }
  if (s.properties && s.additionalProperties === undefined) {
    s.additionalProperties = false;
  }
  for (const property of Object.values((s.properties as Record<string, Record<string, unknown>>) ?? {})) {
    defaultInWords(property);
  }
  for (const nested of [
    ...Object.values((s.properties as Record<string, unknown>) ?? {}),
    s.items,
    ...((s.allOf as unknown[]) ?? []),
    ...((s.oneOf as unknown[]) ?? []),
    ...((s.anyOf as unknown[]) ?? []),
  ]) {
    describeRequestSchema(nested, document, seen);
  }
}

const MEMBER_REF =
  "A member: our id (UUID) or the brand's own externalId (1-200 printable ASCII characters). " +
  'PUT /v1/members/{id} takes the externalId and creates the member when it is new.';

interface OperationLike {
  parameters?: Array<{ in: string; name: string; description?: string; schema?: unknown }>;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
  requestBody?: { content: Record<string, unknown> } | { $ref: string };
}
