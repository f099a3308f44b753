import fastifyRateLimit from '@fastify/rate-limit';
import helmet from 'helmet';
import { ConsoleLogger, LogLevel, RequestMethod } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { createHash, randomUUID } from 'node:crypto';
import { appConfig } from './config/app.config.js';
import { DomainError } from './common/errors/domain.error.js';

/** Request bodies up to 1 MiB; imports (CSV, vCard) may take more. */
export const BODY_LIMIT = 1024 * 1024;
export const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;
export const API_PREFIX = 'api/v1';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Log lines never carry query strings: contact searches may hold names or e-mail addresses. */
const pathOnly = (url?: string) => (url ?? '').split('?')[0];

/**
 * Requests are counted per credential: a hash of the API key or bearer token presented (the secret itself
 * is never kept), else the client address.
 */
function rateLimitKey(req: { headers: Record<string, string | string[] | undefined>; ip: string }): string {
  const key = req.headers['x-api-key'];
  const auth = req.headers.authorization;
  const credential = typeof key === 'string' ? `k:${key}` : typeof auth === 'string' ? `a:${auth}` : undefined;
  return credential ? createHash('sha256').update(credential).digest('base64url') : `ip:${req.ip}`;
}

export function createAdapter(logLevel: string): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    trustProxy: false,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // Fastify's logger writes request logs, which are `info`; above that level it would only make a child
    // logger per request for nothing. Errors are logged by the problem-details filter either way.
    logger:
      ['silent', 'fatal', 'error', 'warn'].includes(logLevel)
        ? false
        : {
            level: logLevel,
            redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[redacted]' },
            serializers: {
              req: (req: { id: string; method: string; url?: string }) => ({ id: req.id, method: req.method, path: pathOnly(req.url) }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
  });
}

export function createLogger(logLevel: string): ConsoleLogger | false {
  if (logLevel === 'silent') return false;
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const wanted = ({ fatal: 'fatal', error: 'error', warn: 'warn', info: 'log', debug: 'debug', trace: 'verbose' } as Record<string, LogLevel>)[logLevel] ?? 'log';
  return new ConsoleLogger({ json: true, logLevels: order.slice(0, order.indexOf(wanted) + 1) });
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Rapport API')
    .setDescription(
      'Relationship management with a GDPR consent gate: contacts, organisations, interactions, consents, ' +
        'checks and disclosures. Errors are RFC 9457 problem details (application/problem+json).',
    )
    .setVersion('1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'API key (rapk_…)' }, 'api-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'OpenID Connect access token' }, 'bearer')
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
}

/** Everything an app needs besides its module: used by main.ts and by the tests, so both run the same stack. */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: '.well-known/jwks.json', method: RequestMethod.GET },
    ],
  });

  // Security headers from helmet, built once (@fastify/helmet rebuilds the middleware on every request).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)));

  const { rateLimitPerMinute } = app.get<ReturnType<typeof appConfig>>(appConfig.KEY);
  if (rateLimitPerMinute > 0) {
    await app.register(fastifyRateLimit, {
      max: rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: rateLimitKey,
      addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true },
      addHeaders: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true, 'retry-after': true },
      errorResponseBuilder: (_req, ctx) =>
        new DomainError('RATE_LIMITED', `More than ${ctx.max} requests per minute for this credential; retry after ${ctx.after}`, 429),
    });
  }

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('X-Request-Id', req.id);
    done();
  });
  // JSON endpoints take JSON: a text/plain body is a 415, not a string to validate.
  fastify.removeContentTypeParser('text/plain');
  // CSV and vCard imports arrive as text, with a larger limit than JSON bodies.
  fastify.addContentTypeParser(
    ['text/csv', 'text/vcard', 'text/x-vcard', 'text/directory'],
    { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    useGlobalPrefix: false,
    customSiteTitle: 'Rapport API',
    swaggerOptions: { persistAuthorization: true },
  });
}
