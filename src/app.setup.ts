import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import swaggerUi from 'swagger-ui-express';
import { DomainError, ValidationFailedError } from './common/errors/domain.error.js';
import { sendProblem, toProblem } from './common/errors/problem-details.filter.js';
import { withProblemExamples } from './common/errors/problem-examples.js';
import { withDocumentPolicy } from './common/openapi/document-policy.js';
import { hoistRoutes } from './common/http/route-order.js';
import { httpLogger } from './common/logging/logger.js';
import { requestContext } from './common/context/request-context.js';
import { attachRequestInterceptor, etagFor, registerRequestInterceptor, RequestInterceptor } from './database/request.interceptor.js';

/** Request bodies up to 1 MiB; imports (CSV, vCard) may take more, streamed (see contact-import). */
export const BODY_LIMIT = 1024 * 1024;
export const API_PREFIX = 'api/v1';
/** Longest request target accepted (path and query string); longer is a 414 problem. */
export const MAX_URL_LENGTH = 8192;
/** Deepest JSON body accepted (objects and arrays within each other); deeper is a 400 problem. */
export const MAX_JSON_DEPTH = 32;

/** Tried first by the router: the consent check and GET contact (see hoistRoutes). */
export const HOT_ROUTES = [
  ['get', `/${API_PREFIX}/consent-check`],
  ['get', `/${API_PREFIX}/contacts/:id`],
] as const;

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Options for NestFactory.create: Nest's own body parsers are off (JSON is parsed below, nothing else is). */
export const APP_OPTIONS = { bodyParser: false } as const;

/** Longest JSON array accepted anywhere in a body: the largest the contract takes is a bulk of 10,000 ids. */
export const MAX_JSON_ARRAY = 10_000;
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What is wrong with the shape of a parsed JSON body, found in one walk without recursion (a deep body must not
 * overflow the stack) before any validation runs: nesting deeper than {@link MAX_JSON_DEPTH}, an array longer
 * than {@link MAX_JSON_ARRAY} (validating 500,000 elements one by one would take seconds), or a
 * `__proto__`/`constructor`/`prototype` key (class-transformer drops them before the unknown-field check).
 */
export function bodyShapeError(value: unknown): DomainError | undefined {
  const stack: [unknown, number, string][] = [[value, 1, '']];
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) return new DomainError('BODY_TOO_DEEP', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`, 400);
    if (Array.isArray(v)) {
      if (v.length > MAX_JSON_ARRAY) {
        const field = path || 'body';
        return new ValidationFailedError(`${field} holds more than ${MAX_JSON_ARRAY} items`, [{ field, message: `at most ${MAX_JSON_ARRAY} items` }]);
      }
      for (let i = 0; i < v.length; i++) if (v[i] !== null && typeof v[i] === 'object') stack.push([v[i], depth + 1, path ? `${path}.${i}` : String(i)]);
      continue;
    }
    for (const k of Object.keys(v)) {
      const here = path ? `${path}.${k}` : k;
      if (PROTOTYPE_KEYS.has(k)) return new ValidationFailedError(`property ${here} should not exist`, [{ field: here, message: `property ${here} should not exist` }]);
      const child = (v as Record<string, unknown>)[k];
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1, here]);
    }
  }
  return undefined;
}

export function buildOpenApiDocument(app: NestExpressApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Rapport API')
    .setDescription(
      'Relationship management with a GDPR consent gate: contacts, organisations, interactions, consents, ' +
        'checks and disclosures. Errors are RFC 9457 problem details (application/problem+json).',
    )
    .setVersion('1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'API key (rapk_…)' }, 'api-key')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'OpenID Connect access token (JWT), validated per RFC8725: asymmetric algorithms only (RS/PS/ES), issuer, audience and expiry checked, at most one day old',
      },
      'bearer',
    )
    .build();
  // Every problem answer shows an example of its own status (401 UNAUTHENTICATED, 404 …_NOT_FOUND, …); every
  // operation documents the rate-limit headers, 429 and 500 it can answer (withDocumentPolicy).
  return withDocumentPolicy(withProblemExamples(
    SwaggerModule.createDocument(app, config, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` }),
  ));
}

/**
 * The HTTP edge, in order: request id, request log, security headers, request-target length, JSON bodies
 * (and nothing else), body shape (depth, array length, prototype keys). Everything after it (authentication, rate limits, roles, the body
 * policy per route, transactions) runs in Nest's pipeline.
 */
function configureEdge(app: NestExpressApplication, logger: Logger | undefined): void {
  app.disable('x-powered-by');
  // One spelling per route: /API/V1/CONTACTS is not /api/v1/contacts (rules in front of the service match paths exactly).
  app.set('case sensitive routing', true);
  // Nest's adapter has created the router already (the setting is read only then): routes added from here on follow it.
  (app.getHttpAdapter().getInstance() as { router: { caseSensitive?: boolean } }).router.caseSensitive = true;
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.set('etag', false);

  // Helmet's headers do not depend on the request (no CSP nonce): computed once, set in one step with the request id
  // (helmet's own middleware chain is a dozen functions per request).
  const security = securityHeaders();
  const log = logger?.isLevelEnabled('info') ? httpLogger(logger) : undefined;
  // JSON is the only body parsed up front. Other media types stay unread: the import streams its CSV or
  // vCard from the request, and every other route answers them 415 (see BodyPolicy in the request pipeline).
  const json = express.json({ limit: BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] });
  // The request context (id; the principal is added once authenticated) is opened after the body is read
  // (the parser's stream events would not carry it), around everything that follows: guards, handler, filters.
  const parsed = (req: Request & { id: string }, next: NextFunction, err?: unknown) => {
    if (err) return next(err);
    const error = req.body !== null && typeof req.body === 'object' ? bodyShapeError(req.body) : undefined;
    if (error) return next(error);
    requestContext.run({ requestId: req.id }, next);
  };
  const afterLog = (req: Request & { id: string }, res: Response, next: NextFunction) => {
    if (req.originalUrl.length > MAX_URL_LENGTH) {
      return next(new DomainError('URI_TOO_LONG', `The request target is longer than ${MAX_URL_LENGTH} characters`, 414));
    }
    void json(req, res, (err?: unknown) => parsed(req, next, err));
  };
  // One middleware (Express runs each layer through its router): request id and security headers, request log,
  // request-target length, JSON body, body shape, request context, in that order.
  app.use(function edge(req: Request & { id: string }, res: Response, next: NextFunction) {
    const incoming = req.headers['x-request-id'];
    req.id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    for (let i = 0; i < security.length; i++) res.setHeader(security[i][0], security[i][1]);
    if (log) log(req, res, () => afterLog(req, res, next));
    else afterLog(req, res, next);
  });
}

/** Helmet's Content-Security-Policy and companions, as the headers helmet's middleware sets on every answer. */
export const HELMET_OPTIONS = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      upgradeInsecureRequests: null,
    },
  },
} satisfies Parameters<typeof helmet>[0];

/**
 * The headers helmet sets with {@link HELMET_OPTIONS}, collected once by running its middleware on a stand-in
 * response. None of them depends on the request (the directives are constants), so every answer gets the same.
 */
export function securityHeaders(): [string, string][] {
  const headers: [string, string][] = [];
  let done = false;
  const res = {
    setHeader: (name: string, value: unknown) => void headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  helmet(HELMET_OPTIONS)({} as never, res as never, (err?: unknown) => {
    if (err) throw err as Error;
    done = true;
  });
  if (!done || headers.length === 0) throw new Error('helmet did not set its headers synchronously');
  return headers;
}

/**
 * Requests Node's HTTP parser refuses before any route sees them (headers over 16 KiB, a malformed request
 * line) are answered as problems too, then the connection is closed.
 */
function configureServer(server: Server): void {
  // Slow clients (slow-loris): the headers must arrive within HTTP_HEADERS_TIMEOUT_MS, the whole request (body
  // included) within HTTP_REQUEST_TIMEOUT_MS, else a 408 problem and the connection is closed. Node checks its
  // connections every 30 s by default; every second here (set before listen: it is read on 'listening').
  server.headersTimeout = Number(process.env.HTTP_HEADERS_TIMEOUT_MS ?? 10_000);
  server.requestTimeout = Number(process.env.HTTP_REQUEST_TIMEOUT_MS ?? 120_000);
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1_000, server.headersTimeout);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, detail] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'REQUEST_HEADER_FIELDS_TOO_LARGE', 'The request line or headers are larger than 16 KiB']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'REQUEST_TIMEOUT', 'The request did not arrive in time']
          : [400, 'BAD_REQUEST', 'The request is not valid HTTP'];
    const body = JSON.stringify(toProblem(new DomainError(code, detail, status)).body);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/**
 * Swagger UI at /docs, served by swagger-ui-express; the document at /openapi.json. The UI loads the document
 * by URL and runs under the service's own CSP (no inline script, no validator badge fetched from outside).
 */
function configureDocs(app: NestExpressApplication): void {
  const document = buildOpenApiDocument(app);
  const http = app.getHttpAdapter().getInstance() as express.Express;
  http.get('/openapi.json', (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.json(document);
  });
  const ui = {
    customSiteTitle: 'Rapport API',
    swaggerUrl: '/openapi.json',
    swaggerOptions: { persistAuthorization: true, validatorUrl: null, displayRequestDuration: true },
  };
  // The page at /docs itself (no redirect to /docs/): a <base> makes its relative asset URLs resolve under /docs/.
  const page = swaggerUi.generateHTML(undefined, ui).replace('<head>', '<head>\n  <base href="/docs/">');
  http.get('/docs', (_req: Request, res: Response) => {
    res.type('html').send(page);
  });
  // serveFiles answers swagger-ui-init.js with these options (setup alone would share one init script
  // across every app in the process) and the static assets; setup answers the page at /docs/.
  // Only the init script and the static assets under /docs/ (GET /docs/ is the page above, non-strict routing);
  // swaggerUi.setup would answer the page for any path under /docs/.
  http.use('/docs', swaggerUi.serveFiles(undefined, ui));
}

/**
 * Everything an app needs besides its module: used by main.ts and by the tests, so both run the same stack.
 * `logger` writes the request log (none in tests).
 */
export async function configureApp(app: NestExpressApplication, logger?: Logger): Promise<void> {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: '.well-known/jwks.json', method: RequestMethod.GET },
    ],
  });
  configureServer(app.getHttpServer() as Server);
  // Before app.init registers the routes (it reads each route's interceptors then): transactions for the
  // mutating routes only; reads do not go through Nest's interceptor machinery at all.
  registerRequestInterceptor(app.getHttpAdapter().getInstance() as object, app.get(RequestInterceptor));
  attachRequestInterceptor(app.get(ModulesContainer));
  // The strong ETag of a versioned resource, on every answer a handler returns (GET included), as it is written.
  const adapter = app.getHttpAdapter() as unknown as { reply: (res: Response, body: unknown, status?: number) => unknown };
  const reply = adapter.reply.bind(adapter);
  adapter.reply = (res, body, status) => {
    const etag = etagFor(body);
    if (etag && !res.headersSent) res.setHeader('ETag', etag);
    return reply(res, body, status);
  };
  configureEdge(app, logger);
  configureDocs(app);
  // Errors raised by the edge middleware above (before Nest's router) are answered as problems too; Nest's
  // own handler covers everything inside its routes.
  app.use((err: unknown, req: Request & { id?: string }, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    sendProblem(err, req, res);
  });
  // Nest registers its routes (and a 404 under the API prefix) at init; what no route answers outside the
  // prefix is a problem too, not Express's HTML page.
  await app.init();
  // The hottest reads first among the routes (each only past routes that cannot match its requests).
  hoistRoutes((app.getHttpAdapter().getInstance() as express.Express).router.stack, HOT_ROUTES);
  app.use((req: Request & { id?: string }, res: Response) => {
    sendProblem(new DomainError('NOT_FOUND', 'No such resource or route', 404), req, res);
  });
}
