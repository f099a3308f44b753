import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { AuthenticationGuard } from '../../src/auth/authentication.guard.js';
import { ROLES } from '../../src/auth/role.js';
import { RolesGuard } from '../../src/auth/roles.guard.js';
import { DomainError } from '../../src/common/errors/domain.error.js';
import { API, createTestApp, TestApp } from '../setup/test-app.js';
import { expressRoutes, Handler, HttpRoute, nestHandlers } from '../support/nest-routes.js';

/** Routes served beside the controllers (public by design: the contract says no credentials): the OpenAPI document. */
const isSwaggerRoute = (url: string) => url === '/openapi.json' || url === '/docs' || url.startsWith('/docs/');

const concrete = (url: string) => url.replace(/:[A-Za-z0-9_]+/g, () => randomUUID()).replace(/\*$/, 'x');

describe('Every route declares who may call it', () => {
  let t: TestApp;
  let handlers: Handler[];
  let routes: HttpRoute[];

  beforeAll(async () => {
    t = await createTestApp();
    handlers = nestHandlers(t);
    routes = expressRoutes(t).filter((r) => r.method !== 'HEAD');
  });
  afterAll(async () => {
    await t.close();
  });

  it('should find the controllers and the Express route table', () => {
    expect(handlers.length).toBeGreaterThanOrEqual(8);
    expect(handlers).toContainEqual(expect.objectContaining({ controller: 'UsersController', method: 'GET', path: '/users' }));
    expect(routes).toContainEqual({ method: 'GET', url: `${API}/users/:id` });
    expect(routes).toContainEqual({ method: 'GET', url: '/health' });
  });

  it('should have @Access(...) or @Public() on every handler', () => {
    const undeclared = handlers.filter((h) => !h.isPublic && !h.access?.length).map((h) => `${h.method} ${h.path} (${h.controller}.${h.handler})`);
    expect(undeclared).toEqual([]);
  });

  it('should name only known roles, always including admin, and never both @Access and @Public', () => {
    for (const h of handlers) {
      if (h.access) {
        expect({ route: `${h.method} ${h.path}`, unknown: h.access.filter((r) => !ROLES.includes(r)) }).toEqual({ route: `${h.method} ${h.path}`, unknown: [] });
        expect({ route: `${h.method} ${h.path}`, admin: h.access.includes('admin') }).toEqual({ route: `${h.method} ${h.path}`, admin: true });
      }
      expect({ route: `${h.method} ${h.path}`, both: h.isPublic && !!h.access }).toEqual({ route: `${h.method} ${h.path}`, both: false });
    }
  });

  it('should serve nothing but controller handlers and the OpenAPI/Swagger UI routes', () => {
    const known = new Set(handlers.map((h) => `${h.method} ${h.path}`));
    const strays = routes.filter((r) => {
      if (isSwaggerRoute(r.url)) return false;
      const unprefixed = r.url.startsWith(`${API}/`) ? r.url.slice(API.length) : r.url;
      return !known.has(`${r.method} ${unprefixed}`) && !known.has(`${r.method} ${r.url}`);
    });
    expect(strays).toEqual([]);
    // ...and every handler is actually routed.
    for (const h of handlers) {
      const routed = routes.some((r) => r.method === h.method && (r.url === `${API}${h.path}` || r.url === h.path));
      expect({ handler: `${h.method} ${h.path}`, routed }).toEqual({ handler: `${h.method} ${h.path}`, routed: true });
    }
  });

  it('should answer 401 UNAUTHENTICATED without credentials on every route that is not @Public, and never on public ones', async () => {
    const byRoute = new Map(handlers.map((h) => [`${h.method} ${h.path}`, h]));
    for (const r of routes) {
      const unprefixed = r.url.startsWith(`${API}/`) ? r.url.slice(API.length) : r.url;
      const h = byRoute.get(`${r.method} ${unprefixed}`) ?? byRoute.get(`${r.method} ${r.url}`);
      const isPublic = h ? h.isPublic : isSwaggerRoute(r.url);
      const res = await t.request()[r.method.toLowerCase() as 'get'](concrete(r.url));
      const seen = { route: `${r.method} ${r.url}`, status: res.status, code: (res.body as { code?: string })?.code };
      // A public route may check a credential of its own (e.g. a feed token) and answer 401 itself, but never
      // with the authentication guard's UNAUTHENTICATED.
      if (isPublic) expect(seen).not.toEqual({ route: seen.route, status: 401, code: 'UNAUTHENTICATED' });
      else expect(seen).toEqual({ route: seen.route, status: 401, code: 'UNAUTHENTICATED' });
    }
  });

  it('should answer 403 to a role a route does not list (staff and compliance keys on every route)', async () => {
    const keys = { staff: await t.createKey('staff'), compliance: await t.createKey('compliance') };
    let checked = 0;
    for (const h of handlers.filter((x) => !x.isPublic)) {
      const url = concrete(routes.some((r) => r.url === `${API}${h.path}`) ? `${API}${h.path}` : h.path);
      for (const role of ['staff', 'compliance'] as const) {
        if (h.access?.includes(role)) continue;
        const res = await t.request()[h.method.toLowerCase() as 'get'](url).set('X-API-Key', keys[role]);
        expect({ route: `${role} ${h.method} ${h.path}`, status: res.status }).toEqual({ route: `${role} ${h.method} ${h.path}`, status: 403 });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  describe('a handler without metadata (deny by default)', () => {
    class Undeclared {
      handler() {
        return 'never';
      }
    }
    const contextFor = (user: unknown, headers: Record<string, string> = {}) =>
      ({
        getHandler: () => Undeclared.prototype.handler,
        getClass: () => Undeclared,
        switchToHttp: () => ({ getRequest: () => ({ user, headers }), getResponse: () => ({}) }),
      }) as unknown as ExecutionContext;

    it.each(ROLES)('should make RolesGuard refuse the %s role with a 403 ForbiddenError', (role) => {
      const guard = new RolesGuard(new Reflector());
      const call = () => guard.canActivate(contextFor({ kind: 'api_key', credentialId: randomUUID(), role, userId: null, recipientId: null }));
      expect(call).toThrow(DomainError);
      try {
        call();
      } catch (err) {
        expect(err).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      }
    });

    it('should make AuthenticationGuard demand credentials (it is not public)', async () => {
      const guard = new AuthenticationGuard(new Reflector());
      await expect(guard.canActivate(contextFor(undefined))).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    });
  });
});
