/**
 * Express tries its routes one by one, in registration order (module order), matching each route's path pattern
 * until one fits: the consent check was the 107th layer, so every check ran about a hundred regular expressions
 * before its own. {@link hoistRoutes} moves the hottest routes to the front of the route block, but only past
 * routes that can never match the same request, so that which handler answers a request does not change.
 */

/** The parts of an Express 5 router layer this reads (router 2.x: `stack`, `route.path`, `route.methods`). */
interface RouterLayer {
  route?: { path: unknown; methods?: Record<string, boolean | undefined> };
}

/**
 * True when some request path could match both route patterns (Express 5 / path-to-regexp 8 syntax), judged
 * conservatively: a segment holding a parameter (`:id`, `:id.json`) matches any segment, a pattern with an
 * optional part (`{…}`), a wildcard (`*`) or anything but a string overlaps everything. Literal segments are compared
 * without case (more overlap than case-sensitive routing has, never less); a trailing slash does not count
 * (non-strict routing).
 */
export function pathsMayOverlap(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return true;
  if (/[*{}()?+]/.test(a) || /[*{}()?+]/.test(b)) return true;
  const sa = a.split('/').filter(Boolean);
  const sb = b.split('/').filter(Boolean);
  if (sa.length !== sb.length) return false;
  for (let i = 0; i < sa.length; i++) {
    if (sa[i].includes(':') || sb[i].includes(':')) continue;
    if (sa[i].toLowerCase() !== sb[i].toLowerCase()) return false;
  }
  return true;
}

/**
 * Moves each route named in `hot` (method and path exactly as registered, e.g. `['get', '/api/v1/contacts/:id']`),
 * in the order given, to the front of the block of routes that holds it, together with the routes registered
 * before it whose pattern may match the same paths (e.g. `GET /contacts/duplicates` goes with `GET /contacts/:id`,
 * in their order, whatever their method: HEAD and OPTIONS requests look at every route of a path). A route only
 * moves past routes that cannot match its requests, never past a middleware; otherwise this throws, naming the two
 * routes, rather than change which handler answers. Answers each hot route's index in the stack now.
 */
export function hoistRoutes(layers: unknown[], hot: readonly (readonly [method: string, path: string])[]): number[] {
  const stack = layers as RouterLayer[];
  const positions: number[] = [];
  let front = -1; // where the next hot route goes: after the ones already hoisted
  for (const [method, path] of hot) {
    const name = `${method.toUpperCase()} ${path}`;
    const at = stack.findIndex((l) => l.route?.path === path && l.route.methods?.[method.toLowerCase()] === true);
    if (at < 0) throw new Error(`hoistRoutes: no route ${name}`);
    if (front < 0) {
      front = at;
      while (front > 0 && stack[front - 1].route) front--;
    }
    const moved: RouterLayer[] = [];
    const stay: RouterLayer[] = [];
    for (let i = front; i < at; i++) {
      const route = stack[i].route;
      if (!route) throw new Error(`hoistRoutes: a middleware sits between the routes and ${name}`);
      if (!pathsMayOverlap(route.path, path)) {
        stay.push(stack[i]);
        continue;
      }
      // It goes along, so it skips every staying route registered before it: none may match its paths.
      const passed = stay.find((l) => pathsMayOverlap(l.route!.path, route.path));
      if (passed) throw new Error(`hoistRoutes: ${String(route.path)} (before ${name}) may match the requests of ${String(passed.route!.path)}`);
      moved.push(stack[i]);
    }
    stack.splice(front, at + 1 - front, ...moved, stack[at], ...stay);
    front += moved.length;
    positions.push(front);
    front++;
  }
  return positions;
}
