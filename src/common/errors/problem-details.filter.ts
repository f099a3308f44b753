import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './connection-errors.js';
import { DomainError, FieldError } from './domain.error.js';
import { problemType } from './problem.js';

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
  requestId?: string;
  [key: string]: unknown;
}

const codeForStatus: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  410: 'GONE',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_CONTENT',
  428: 'PRECONDITION_REQUIRED',
  429: 'TOO_MANY_REQUESTS',
  431: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** Postgres error codes (SQLSTATE) that are the client's fault, never a 500. */
function fromDatabaseError(err: QueryFailedError & { code?: string; constraint?: string; detail?: string }) {
  switch (err.code) {
    case '23505':
      return { status: 409, code: 'UNIQUE_CONFLICT', detail: `A resource with the same unique value already exists${err.constraint ? ` (${err.constraint})` : ''}` };
    case '23503':
      return { status: 409, code: 'REFERENCE_CONFLICT', detail: 'The resource refers to, or is referred to by, another resource that does not allow this change' };
    case '23514':
    case '23502':
      return { status: 400, code: 'CONSTRAINT_VIOLATION', detail: `A value breaks a rule of the data model${err.constraint ? ` (${err.constraint})` : ''}` };
    case '22P02':
    case '22021': // a NUL or an invalid byte sequence in a text value
    case '22P05':
    case '22007':
    case '22008':
    case '22009': // a time zone displacement out of range (e.g. a number read as a timestamptz)
    case '22015': // an interval field out of range
    case '22018': // a character value that cannot be cast
    case '22023': // e.g. a time zone name PostgreSQL does not know, inside a date/time value
    case '22003':
    case '22001':
      return { status: 400, code: 'MALFORMED_VALUE', detail: 'A value is malformed or out of range' };
    case '40001':
    case '40P01':
      return { status: 409, code: 'CONCURRENT_UPDATE', detail: 'A concurrent change got in the way; retry the request' };
    default:
      return undefined;
  }
}

/**
 * Errors of the HTTP edge: body-parser's and Express's http-errors (`type` such as `entity.parse.failed`,
 * `entity.too.large`, `encoding.unsupported`, a numeric `status`). Express's adapter hands them to Nest wrapped
 * in an HttpException whose `cause` is the original; edge middleware passes them as they are.
 */
function fromHttpError(err: { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown }) {
  const status = typeof err.statusCode === 'number' ? err.statusCode : typeof err.status === 'number' ? err.status : undefined;
  if (!status || status >= 500) return undefined;
  // A compressed body that does not decompress (Content-Encoding: br/gzip/deflate over garbage) reaches us as
  // http-errors' 400 around zlib's error, without a `type`: the client's fault, not a 500.
  if (typeof err.type !== 'string') {
    return err.expose === true && status === 400 ? { status: 400, code: 'MALFORMED_BODY', detail: 'The request body could not be decoded' } : undefined;
  }
  switch (err.type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'MALFORMED_JSON', detail: 'The request body is not valid JSON (an object or an array)' };
    case 'entity.too.large':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', detail: 'The request body is larger than this endpoint accepts' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'This content encoding or charset is not accepted here' };
    case 'request.aborted':
      return { status: 400, code: 'BAD_REQUEST', detail: 'The request was aborted by the client' };
    case 'request.size.invalid':
      return { status: 400, code: 'BAD_REQUEST', detail: 'The request body does not match its Content-Length' };
    default:
      return { status, code: codeForStatus[status] ?? 'BAD_REQUEST', detail: 'The request could not be read' };
  }
}

export function toProblem(exception: unknown, requestId?: string, instance?: string): { body: ProblemBody; headers: Record<string, string> } {
  let status = 500;
  let code = 'INTERNAL_ERROR';
  let detail = 'An unexpected error occurred';
  let errors: FieldError[] | undefined;
  let extra: Record<string, unknown> = {};
  let headers: Record<string, string> = {};

  // The Express adapter wraps body-parser's errors in an HttpException with the original as `cause`: map the
  // original, so e.g. malformed JSON is MALFORMED_JSON, not BAD_REQUEST.
  const cause = exception instanceof HttpException ? (exception as { cause?: unknown }).cause : undefined;
  if (cause && typeof cause === 'object' && fromHttpError(cause as never)) exception = cause;

  if (exception instanceof DomainError) {
    status = exception.status;
    code = exception.code;
    detail = exception.message;
    errors = exception.errors;
    extra = exception.extra ?? {};
    headers = exception.headers ?? {};
  } else if (exception instanceof HttpException) {
    status = exception.getStatus();
    const res = exception.getResponse();
    code = codeForStatus[status] ?? `HTTP_${status}`;
    if (typeof res === 'string') detail = res;
    else if (res && typeof res === 'object') {
      const r = res as Record<string, unknown>;
      if (typeof r.code === 'string') code = r.code;
      const msg = r.detail ?? r.message;
      detail = Array.isArray(msg) ? msg.join('; ') : typeof msg === 'string' ? msg : exception.message;
      if (Array.isArray(r.errors)) errors = r.errors as FieldError[];
    }
    if (status === 404 && detail.startsWith('Cannot ')) detail = 'No such resource or route';
    if (status === 429) code = 'RATE_LIMITED';
  } else if (isDatabaseUnavailable(exception)) {
    // The database is down, restarting or out of connections: not this request's fault, and worth a retry.
    status = 503;
    code = 'SERVICE_UNAVAILABLE';
    detail = 'The database cannot be reached at the moment; retry shortly';
  } else if (exception instanceof QueryFailedError) {
    const mapped = fromDatabaseError(exception as never);
    if (mapped) ({ status, code, detail } = mapped);
  } else if (exception && typeof exception === 'object') {
    const mapped = fromHttpError(exception as never);
    if (mapped) ({ status, code, detail } = mapped);
    else if (exception instanceof URIError) {
      status = 400;
      code = 'MALFORMED_URL';
      detail = 'The request path holds a malformed percent-encoding';
    }
  }

  if (status === 503 && !Object.keys(headers).some((h) => h.toLowerCase() === 'retry-after')) {
    headers = { ...headers, 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) };
  }

  const body: ProblemBody = {
    type: problemType(code),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(instance ? { instance } : {}),
    ...(errors?.length ? { errors } : {}),
    ...extra,
    ...(requestId ? { requestId } : {}),
  };
  return { body, headers };
}

interface HttpRequest {
  id?: string;
  originalUrl?: string;
  url?: string;
}
interface HttpResponse {
  headersSent: boolean;
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

const logger = new Logger('Errors');

/** Writes `exception` as a problem+json answer (also used by the edge middleware, before Nest's router). */
export function sendProblem(exception: unknown, req: HttpRequest | undefined, res: HttpResponse): void {
  const path = (req?.originalUrl ?? req?.url)?.split('?')[0];
  const { body, headers } = toProblem(exception, req?.id, path);
  if (body.status >= 500) {
    const err = exception as Error;
    // Name, message and stack only: never the request (its body or headers may hold personal data or secrets).
    logger.error({ requestId: req?.id, err: { name: err?.name, message: err?.message, stack: err?.stack } }, 'Unhandled error');
  }
  if (res.headersSent) return;
  res.statusCode = body.status;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (exception instanceof HttpException) {
    const h = (exception as HttpException & { headers?: Record<string, string> }).headers;
    if (h) for (const [k, v] of Object.entries(h)) res.setHeader(k, v);
  }
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** The one place that turns errors into HTTP: RFC 9457 problem details, never a stack or SQL text. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    sendProblem(exception, ctx.getRequest<HttpRequest>(), ctx.getResponse<HttpResponse>());
  }
}
