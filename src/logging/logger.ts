import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

/** Paths pino blanks in every line: credentials never reach a log. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-webhook-signature"]',
  'req.headers["x-shopify-hmac-sha256"]',
  '*.apiKey',
  '*.key',
  '*.token',
  '*.secret',
  '*.password',
  '*.adminToken',
  '*.minterKey',
  '*.privateKey',
];

/** JSON lines for machines; readable lines when a person watches a terminal. */
export type LogFormat = 'json' | 'pretty';

export function logFormatFor(stdoutIsTTY: boolean | undefined): LogFormat {
  return stdoutIsTTY ? 'pretty' : 'json';
}

export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  const options = {
    level,
    base: { service: 'loyalty-loop' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (format === 'pretty') {
    // a stream in this thread, not a worker transport: lines stay in order with the banner
    const pretty = PinoPretty({
      destination: destination ?? 1,
      colorize: !destination,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
      hideObject: false,
    });
    const logger = pino(options, pretty);
    FORMAT_OF.set(logger, format);
    return logger;
  }
  return destination ? pino(options, destination) : pino(options);
}

/** The format a logger writes, so that Nest's logger built on it (in bootstrap) quiets its chatter too. */
const FORMAT_OF = new WeakMap<Logger, LogFormat>();

/** Nest's start-up chatter: one line per module and per route. A person reads them at debug only. */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** The level a Nest log line is written at: start-up chatter drops to debug in the readable format. */
export function nestLevel(level: NestLevel, context: string | undefined, format: LogFormat): NestLevel {
  return format === 'pretty' && level === 'info' && context && START_UP_CONTEXTS.has(context) ? 'debug' : level;
}

type NestLevel = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

/** Nest's own log lines (start-up, errors) as JSON through the same pino logger. */
export class NestPinoLogger implements LoggerService {
  private readonly format: LogFormat;

  constructor(private readonly logger: Logger) {
    this.format = FORMAT_OF.get(logger) ?? 'json';
  }

  log(message: unknown, context?: string) {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string) {
    this.write('error', message, context, trace);
  }
  warn(message: unknown, context?: string) {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string) {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string) {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string) {
    this.write('fatal', message, context);
  }

  private write(nest: NestLevel, message: unknown, context?: string, trace?: string) {
    const level = nestLevel(nest, context, this.format);
    if (message !== null && typeof message === 'object') {
      const { err, ...rest } = message as { err?: unknown };
      this.logger[level]({ context, ...rest, err: err ?? undefined, trace }, (rest as { msg?: string }).msg ?? '');
    } else {
      this.logger[level]({ context, trace }, String(message));
    }
  }
}
