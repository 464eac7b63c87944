import { Writable } from 'node:stream';
import { createLogger, logFormatFor, nestLevel, NestPinoLogger } from './logger.js';

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

describe('log format', () => {
  it('is readable on a terminal and JSON otherwise', () => {
    expect(logFormatFor(true)).toBe('pretty');
    expect(logFormatFor(false)).toBe('json');
    expect(logFormatFor(undefined)).toBe('json');
  });

  it("quiets Nest's start-up chatter (one line per module and route) only in the readable format", () => {
    expect(nestLevel('info', 'RouterExplorer', 'pretty')).toBe('debug');
    expect(nestLevel('info', 'RoutesResolver', 'pretty')).toBe('debug');
    expect(nestLevel('info', 'InstanceLoader', 'pretty')).toBe('debug');
    expect(nestLevel('info', 'NestApplication', 'pretty')).toBe('info');
    expect(nestLevel('warn', 'RouterExplorer', 'pretty')).toBe('warn');
    expect(nestLevel('info', 'RouterExplorer', 'json')).toBe('info');
  });

  it('writes readable lines, credentials still redacted, and no route lines at info', () => {
    let text = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    const logger = createLogger('info', sink, 'pretty');
    const nest = new NestPinoLogger(logger);
    nest.log('Mapped {/v1/events, POST} route', 'RouterExplorer');
    nest.log('Nest application successfully started', 'NestApplication');
    logger.info({ req: { headers: { authorization: 'Bearer sk_secret' } } }, 'incoming');
    expect(text).toContain('INFO');
    expect(text).toContain('[NestApplication] Nest application successfully started');
    expect(text).not.toContain('Mapped {/v1/events, POST} route');
    expect(text).toContain('incoming');
    expect(text).not.toContain('sk_secret');
    expect(text.split('\n')[0].startsWith('{')).toBe(false);
  });
});
