import http from 'node:http';
import type { OpenApiContract } from '../../support/openapi-contract.js';
import type { TestApp } from '../../support/test-app.js';

/** Makes the in-process test app listen on a free local port (for raw clients); answers its base URL. */
export async function listen(t: Pick<TestApp, 'app' | 'server'>): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.server.address();
  if (!address || typeof address === 'string') {
    throw new Error('the app is not listening on a TCP port');
  }
  return `http://127.0.0.1:${address.port}`;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  ms: number;
}

/**
 * Why a raw answer breaks the served OpenAPI document (an undeclared status, a body that breaks
 * its schema), or null: raw clients are held to the document like `t.http()` is.
 */
export function contractViolation(
  contract: OpenApiContract,
  method: string,
  path: string,
  res: RawAnswer,
): string | null {
  const contentType = res.headers['content-type'];
  let body: unknown;
  if (contentType !== undefined && /json/i.test(contentType) && res.text !== '') {
    try {
      body = JSON.parse(res.text);
    } catch {
      body = undefined; // a JSON content type with a broken body: the schema check reports it
    }
  }
  return contract.violation({
    method: method.toUpperCase(),
    path: new URL(path, 'http://x').pathname,
    status: res.status,
    contentType,
    body,
    text: res.text,
  });
}

/** The methods node:http sends without chunked encoding unless told a length. */
const UNFRAMED_BY_DEFAULT = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/**
 * One request over a fresh connection with node:http (no retries, no body handling by a library),
 * so a test controls exactly which bytes go out and when the connection ends.
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string | number>,
  body?: string | Buffer,
  timeoutMs = 10_000,
): Promise<RawAnswer> {
  const started = Date.now();
  // node:http sends a DELETE (GET, OPTIONS…) body with neither Content-Length nor chunked framing,
  // so the server reads its bytes as a second, malformed request; frame it as a client would
  const unframed =
    body !== undefined &&
    UNFRAMED_BY_DEFAULT.has(method.toUpperCase()) &&
    !Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h));
  const framed = unframed ? { ...headers, 'content-length': Buffer.byteLength(body) } : headers;
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, baseUrl), { method, headers: framed, agent: false });
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer after ${timeoutMs} ms: ${method} ${path}`)),
      timeoutMs,
    );
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          ms: Date.now() - started,
        });
      });
    });
    req.end(body);
  });
}

/**
 * A client that times out: writes the whole request, then drops the connection the moment the
 * body has been handed to the network, before any answer can arrive. Resolves once dropped;
 * `answered` tells whether an answer came first (it must not).
 */
export function postAndAbort(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ answered: boolean }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve) => {
    let answered = false;
    const req = http.request(new URL(path, baseUrl), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length },
      agent: false,
    });
    req.on('response', () => (answered = true));
    req.on('error', () => undefined); // the abort itself
    req.end(payload, () => {
      req.destroy();
      resolve({ answered });
    });
  });
}
