import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { toProblem } from './problem-details.filter.js';
import { NotFoundError } from './domain.error.js';
import { isDatabaseUnavailable } from './connection-errors.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const queryFailed = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset connection', withCode('read ECONNRESET', 'ECONNRESET')],
    ['a broken connection (node-postgres)', new Error('Connection terminated unexpectedly')],
    ['a connect timeout (node-postgres)', new Error('Connection terminated due to connection timeout')],
    ['an exhausted pool (pg-pool)', new Error('timeout exceeded when trying to connect')],
    ['admin_shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['crash_shutdown', withCode('terminating connection because of crash of another server process', '57P02')],
    ['cannot_connect_now', withCode('the database system is starting up', '57P03')],
    ['a connection exception (class 08)', withCode('connection failure', '08006')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['a query that failed on a broken connection (TypeORM)', queryFailed(new Error('Connection terminated unexpectedly'))],
    ['a shutdown during a query (TypeORM)', queryFailed(withCode('terminating connection', '57P01'))],
    ['a transaction whose connection broke between two queries (TypeORM)', new QueryRunnerProviderAlreadyReleasedError()],
    ['a commit on a connection that broke (TypeORM)', new QueryRunnerAlreadyReleasedError()],
    ['a wrapped cause', new Error('outer', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') })],
    ['one of several connect attempts', new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '')],
  ])('is true for %s', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', queryFailed(withCode('duplicate key', '23505'))],
    ['a syntax error', queryFailed(withCode('syntax error', '42601'))],
    ['a serialization failure', queryFailed(withCode('could not serialize', '40001'))],
    ['a plain error', new Error('boom')],
    ['a domain error', new NotFoundError('Contact', 'x')],
    ['nothing', undefined],
  ])('is false for %s', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});

describe('toProblem for an unreachable database', () => {
  it('answers 503 SERVICE_UNAVAILABLE with Retry-After, without the driver message', () => {
    const { body, headers } = toProblem(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'), 'r1', '/api/v1/contacts');
    expect(body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', title: 'Service Unavailable' });
    expect(body.detail).not.toContain('127.0.0.1');
    const retryAfter = Number(headers['Retry-After']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(5);
  });

  it('still answers other database errors as before', () => {
    expect(toProblem(queryFailed(withCode('duplicate key', '23505'))).body.status).toBe(409);
    expect(toProblem(new Error('boom')).body.status).toBe(500);
    expect(toProblem(new Error('boom')).headers['Retry-After']).toBeUndefined();
  });
});
