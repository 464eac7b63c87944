import { createLogger } from './logger.js';

describe('logger', () => {
  it('writes JSON lines with credentials redacted', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    logger.info(
      { req: { id: 'r1', headers: { authorization: 'Bearer sk_secret', 'x-webhook-signature': 'sig' } } },
      'incoming',
    );
    logger.info({ body: { apiKey: 'sk_other', secret: 'whsec', name: 'ok' } }, 'created');
    const text = lines.join('');
    expect(text).not.toMatch(/sk_secret|sk_other|whsec|"sig"/);
    const first = JSON.parse(lines[0]);
    expect(first.req.headers.authorization).toBe('[redacted]');
    expect(first.req.id).toBe('r1');
    expect(JSON.parse(lines[1]).body.name).toBe('ok');
  });
});
