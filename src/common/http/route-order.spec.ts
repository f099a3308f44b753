import { hoistRoutes, pathsMayOverlap } from './route-order.js';

const route = (method: string, path: string) => ({ route: { path, methods: { [method]: true } } });
const mw = () => ({});
const names = (stack: unknown[]) =>
  (stack as { route?: { path: string; methods: Record<string, boolean> } }[]).map((l) =>
    l.route ? `${Object.keys(l.route.methods)[0].toUpperCase()} ${l.route.path}` : 'mw',
  );

describe('pathsMayOverlap', () => {
  it('should tell apart patterns no path can match both', () => {
    expect(pathsMayOverlap('/api/v1/consent-check', '/api/v1/contacts/:id')).toBe(false);
    expect(pathsMayOverlap('/api/v1/contacts/:id', '/api/v1/contacts/:id/consents')).toBe(false);
    expect(pathsMayOverlap('/api/v1/contacts', '/api/v1/consents')).toBe(false);
  });

  it('should count parameters, wildcards, optional parts, case and trailing slashes as overlapping', () => {
    expect(pathsMayOverlap('/api/v1/contacts/duplicates', '/api/v1/contacts/:id')).toBe(true);
    expect(pathsMayOverlap('/api/v1/contacts/:id.json', '/api/v1/contacts/x')).toBe(true);
    expect(pathsMayOverlap('/api/v1/*rest', '/api/v1/contacts')).toBe(true);
    expect(pathsMayOverlap('/api/v1/contacts{/:id}', '/api/v1/contacts')).toBe(true);
    expect(pathsMayOverlap('/API/v1/contacts', '/api/v1/contacts/')).toBe(true);
    expect(pathsMayOverlap(/contacts/, '/api/v1/contacts')).toBe(true);
  });
});

describe('hoistRoutes', () => {
  it('should move a hot route to the front of the routes, with the routes before it that share its paths', () => {
    const stack = [
      mw(),
      route('get', '/api/v1/users'),
      route('post', '/api/v1/contacts/search'),
      route('get', '/api/v1/contacts/duplicates'),
      route('get', '/api/v1/contacts/:id'),
      route('patch', '/api/v1/contacts/:id'),
      route('get', '/api/v1/consent-check'),
    ];
    expect(hoistRoutes(stack, [['get', '/api/v1/consent-check'], ['get', '/api/v1/contacts/:id']])).toEqual([1, 4]);
    expect(names(stack)).toEqual([
      'mw',
      'GET /api/v1/consent-check',
      'POST /api/v1/contacts/search',
      'GET /api/v1/contacts/duplicates',
      'GET /api/v1/contacts/:id',
      'GET /api/v1/users',
      'PATCH /api/v1/contacts/:id',
    ]);
  });

  it('should refuse to move a route that would change which handler answers', () => {
    // /:kind/duplicates shares paths with /contacts/:id, so it would go along, past /users/duplicates, which
    // answers GET /api/v1/users/duplicates first today.
    const stack = [route('get', '/api/v1/users/duplicates'), route('get', '/api/v1/:kind/duplicates'), route('get', '/api/v1/contacts/:id')];
    const before = [...stack];
    expect(() => hoistRoutes(stack, [['get', '/api/v1/contacts/:id']])).toThrow(/may match the requests of \/api\/v1\/users\/duplicates/);
    expect(stack).toEqual(before);
  });

  it('should not move past a middleware, nor accept a route that is not registered', () => {
    expect(() => hoistRoutes([route('get', '/a'), mw(), route('get', '/b')], [['get', '/a'], ['get', '/b']])).toThrow(/middleware/);
    expect(() => hoistRoutes([route('get', '/a')], [['post', '/a']])).toThrow(/no route POST \/a/);
  });
});
