import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';
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
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_CONTENT',
  428: 'PRECONDITION_REQUIRED',
  429: 'TOO_MANY_REQUESTS',
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
    case '22007':
    case '22008':
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

/** Fastify's own errors (body parsing, size limit, content type) carry a statusCode and an FST_ code. */
function fromFastifyError(err: { code?: string; statusCode?: number; message?: string }) {
  if (typeof err.code !== 'string' || !err.code.startsWith('FST_') || !err.statusCode) return undefined;
  const map: Record<string, string> = {
    FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
    FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  };
  const detail =
    err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
      ? 'The request body is larger than this endpoint accepts'
      : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'This Content-Type is not accepted here'
        : (err.message ?? 'Bad request');
  return { status: err.statusCode, code: map[err.code] ?? codeForStatus[err.statusCode] ?? 'BAD_REQUEST', detail };
}

export function toProblem(exception: unknown, requestId?: string, instance?: string): { body: ProblemBody; headers: Record<string, string> } {
  let status = 500;
  let code = 'INTERNAL_ERROR';
  let detail = 'An unexpected error occurred';
  let errors: FieldError[] | undefined;
  let extra: Record<string, unknown> = {};
  let headers: Record<string, string> = {};

  // The Fastify adapter wraps Fastify's own 4xx errors (body parsing, size, content type) in an HttpException
  // with the original as `cause`: map the original, so e.g. malformed JSON is MALFORMED_JSON, not BAD_REQUEST.
  const cause = exception instanceof HttpException ? (exception as { cause?: unknown }).cause : undefined;
  if (cause && typeof cause === 'object' && fromFastifyError(cause as never)) exception = cause;

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
  } else if (exception instanceof QueryFailedError) {
    const mapped = fromDatabaseError(exception as never);
    if (mapped) ({ status, code, detail } = mapped);
  } else if (exception && typeof exception === 'object') {
    const mapped = fromFastifyError(exception as never);
    if (mapped) ({ status, code, detail } = mapped);
    else if (exception instanceof SyntaxError && (exception as { statusCode?: number }).statusCode === 400) {
      status = 400;
      code = 'MALFORMED_JSON';
      detail = 'The request body is not valid JSON';
    }
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

/** The one place that turns errors into HTTP: RFC 9457 problem details, never a stack or SQL text. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<{ id?: string; url?: string }>();
    const reply = ctx.getResponse<{
      status(code: number): unknown;
      header(k: string, v: string): unknown;
      send(b: unknown): unknown;
      sent?: boolean;
    }>();
    const path = req?.url?.split('?')[0];
    const { body, headers } = toProblem(exception, req?.id, path);
    if (body.status >= 500) {
      const err = exception as Error;
      this.logger.error({ requestId: req?.id, err: { name: err?.name, message: err?.message, stack: err?.stack } }, 'Unhandled error');
    }
    if (reply.sent) return;
    reply.status(body.status);
    for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    if (exception instanceof HttpException) {
      const h = (exception as HttpException & { headers?: Record<string, string> }).headers;
      if (h) for (const [k, v] of Object.entries(h)) reply.header(k, v);
    }
    reply.header('Content-Type', 'application/problem+json; charset=utf-8');
    reply.send(JSON.stringify(body));
  }
}

