import type { LoggerService } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';

/**
 * One log stream: every line the service writes is pino's JSON, whether it comes from Nest's `Logger`
 * (through {@link PinoLoggerService}) or from the HTTP request log ({@link httpLogger}).
 *
 * Nothing personal or secret reaches a line: request lines carry the method, the path without its query
 * string (contact searches may hold names or e-mail addresses), the status and the time taken; headers,
 * bodies and query strings are never serialised, and credentials are redacted should anything put them in.
 */
const LEVELS: Record<string, LevelWithSilent> = {
  silent: 'silent',
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  info: 'info',
  log: 'info',
  debug: 'debug',
  trace: 'trace',
  verbose: 'trace',
};

export function createRootLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level: LEVELS[level] ?? 'info',
      base: { service: 'rapport' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'req.headers.cookie',
          'headers.authorization',
          'headers["x-api-key"]',
          '*.password',
          '*.secret',
          '*.token',
          '*.key',
        ],
        censor: '[redacted]',
      },
    },
    destination as never,
  );
}

/** The path of a URL without its query string. */
export const pathOnly = (url?: string) => (url ?? '').split('?')[0];

/** Request log lines (info): `{req: {id, method, path}, res: {statusCode}, responseTime}`. */
export function httpLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: (req) => (req as IncomingMessage & { id: string }).id,
    serializers: {
      req: (req: { id: string; method: string; url?: string; raw?: { originalUrl?: string } }) => ({
        id: req.id,
        method: req.method,
        path: pathOnly(req.raw?.originalUrl ?? req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
      err || res.statusCode >= 500 ? 'error' : 'info',
    // The error itself is logged once, by the problem-details filter, with its request id.
    customErrorMessage: () => 'request failed',
    customSuccessMessage: () => 'request completed',
  });
}

/** Nest's `Logger` calls, written by pino: `{level, time, context, msg, …}`. */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  /**
   * Nest passes `(message, context)` or `(message, stack, context)` for errors; objects are merged into the
   * line, a string that follows an object is its message.
   */
  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, rest: unknown[]) {
    if (!this.logger.isLevelEnabled(level)) return;
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (level === 'error' && typeof args[0] === 'string' && args[0].includes('\n    at ')) fields.stack = args.shift();
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (message && typeof message === 'object') {
      const msg = typeof args[0] === 'string' ? args[0] : undefined;
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) }, msg);
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
