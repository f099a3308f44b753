import { randomUUID } from 'node:crypto';
import { ROLES, type Role } from '../../../src/auth/role.js';
import { API, createTestApp, TestApp } from '../../setup/test-app.js';
import { expressRoutes, Handler, nestHandlers } from '../../support/nest-routes.js';

/**
 * OWASP API Security Top 10 2023 — API5: Broken Function Level Authorisation.
 *
 * The table below is the contract (/work/shared/API.md, "Authentication and roles" and each resource's
 * section), one line per route of the app, reviewed line by line against it. `public` means no credentials.
 * The test checks that the app's declared @Access/@Public metadata equals the table, that the table and the
 * app's routes are the same set, and then calls every route with a key of every role: 403 for exactly the roles
 * the table does not list (other statuses — 400, 404, 405… — are fine for allowed roles; they only must not be
 * the roles guard's 403).
 *
 * Contract rules applied (quoted from API.md):
 *   admin       "everything, including API keys, purposes and recipients"
 *   staff       "organisations, contacts, interactions, events, follow-ups; records consents and withdrawals; runs
 *               consent checks; shares contacts through POST /disclosures … No audit log, no disclosure log."
 *   compliance  "reads everything, including audit events, disclosures and reports; runs data-subject exports and
 *               erasures; cannot create or edit contacts, organisations or interactions."
 *   integration "may only call the consent check and disclosures, and only for its own recipient … The one write it
 *               may make: withdrawing a consent that covers its own recipient"
 *   Compliance section: "Everything in this section is for admin and compliance only (staff and integration keys
 *               get 403)".
 */
const A: Role = 'admin';
const S: Role = 'staff';
const C: Role = 'compliance';
const I: Role = 'integration';
type Allowed = Role[] | 'public';

const MATRIX: [route: string, allowed: Allowed, why: string][] = [
  // Operations
  ['GET /health', 'public', 'Running it: no credentials needed'],
  ['GET /.well-known/jwks.json', 'public', 'receipt keys, for recipients to verify'],

  // Users and API keys (admin)
  ['POST /users', [A], 'Users and API keys (admin)'],
  ['GET /users', [A, C], 'admin; compliance reads everything'],
  ['GET /users/:id', [A, C], 'admin; compliance reads everything'],
  ['POST /api-keys', [A], 'admin: API keys'],
  ['GET /api-keys', [A], 'admin: "everything, including API keys" (see report: compliance "reads everything")'],
  ['GET /api-keys/:id', [A], 'as GET /api-keys'],
  ['DELETE /api-keys/:id', [A], 'admin: API keys'],

  // Organisations (staff write, compliance reads)
  ['POST /organisations', [A, S], 'staff: organisations; compliance cannot create'],
  ['GET /organisations', [A, S, C], 'staff; compliance reads'],
  ['GET /organisations/:id', [A, S, C], 'staff; compliance reads'],
  ['PATCH /organisations/:id', [A, S], 'compliance cannot edit organisations'],
  ['DELETE /organisations/:id', [A, S], 'compliance cannot edit organisations'],
  ['POST /organisations/:id/restore', [A, S], 'an edit of an organisation'],
  ['GET /organisations/:id/contacts', [A, S, C], 'a read of contacts'],
  ['GET /organisations/:id/interactions', [A, S, C], 'a read of interactions'],
  ['POST /organisations/:id/memberships', [A, S], 'networks are organisations: staff write'],
  ['GET /organisations/:id/memberships', [A, S, C], 'staff; compliance reads'],
  ['PATCH /organisations/:id/memberships/:membershipId', [A, S], 'networks are organisations: staff edit and end memberships'],
  ['POST /organisations/:id/reviews', [A, S], 'network reviews: staff write (README)'],
  ['GET /organisations/:id/reviews', [A, S, C], 'staff; compliance reads'],

  // Contacts
  ['POST /contacts', [A, S], 'staff: contacts; compliance cannot create contacts'],
  ['GET /contacts', [A, S, C], 'integration "never reads contacts directly"'],
  ['POST /contacts/search', [A, S, C], 'a read (same as GET /contacts)'],
  ['GET /contacts/duplicates', [A, S, C], 'a read'],
  ['POST /contacts/import', [A, S], 'creates contacts: not compliance, not integration'],
  ['GET /contacts/:id', [A, S, C], 'a read'],
  ['PATCH /contacts/:id', [A, S], 'compliance cannot edit contacts'],
  ['DELETE /contacts/:id', [A, S], 'archive = an edit'],
  ['POST /contacts/:id/restore', [A, S], 'an edit'],
  ['GET /contacts/:id/vcard', [A, S, C], 'a read'],
  ['GET /contacts/:id/duplicates', [A, S, C], 'a read'],
  ['POST /contacts/:id/merge', [A, S], 'an edit of contacts'],
  ['GET /contacts/:id/affiliations', [A, S, C], 'a read'],
  ['POST /contacts/:id/affiliations', [A, S], 'an edit of a contact'],
  ['PATCH /contacts/:id/affiliations/:affiliationId', [A, S], 'an edit of a contact (ends or corrects a role)'],
  ['GET /key-dates', [A, S, C], 'a read of contacts (key dates); integration never'],
  ['GET /contacts/:id/interactions', [A, S, C], 'a read'],
  ['GET /contacts/:id/relationships', [A, S, C], 'a read'],
  ['GET /contacts/:id/connections', [A, S, C], 'a read'],
  ['POST /contacts/:id/connections', [A, S], 'an edit of contacts'],
  ['DELETE /contacts/:id/connections/:connectionId', [A, S], 'an edit of contacts'],
  ['GET /contacts/:id/introductions', [A, S, C], 'a read (who can introduce us)'],
  ['GET /contacts/:id/memberships', [A, S, C], 'a read'],

  // Interactions, events, follow-ups, networks
  ['POST /interactions', [A, S], 'staff: interactions; compliance cannot create interactions'],
  ['GET /interactions', [A, S, C], 'a read'],
  ['GET /interactions/:id', [A, S, C], 'a read'],
  ['PATCH /interactions/:id', [A, S], 'compliance cannot edit interactions'],
  ['DELETE /interactions/:id', [A, S], 'archive = an edit'],
  ['POST /interactions/:id/review', [A, C], 'compliance review of competition-sensitive interactions (README); not an edit of its content'],
  ['POST /events', [A, S], 'staff: events'],
  ['GET /events', [A, S, C], 'a read'],
  ['GET /events/:id', [A, S, C], 'a read'],
  ['PATCH /events/:id', [A, S], 'staff: events'],
  ['GET /events/:id/summary', [A, S, C], 'a read'],
  ['DELETE /events/:id', [A, S], 'staff: events (409 while interactions point at it)'],
  ['POST /events/:id/attendees', [A, S], 'staff: events'],
  ['GET /events/:id/attendees', [A, S, C], 'a read'],
  ['DELETE /events/:id/attendees/:contactId', [A, S], 'staff: events'],
  ['GET /events/:id/briefing', [A, S, C], 'a read'],
  ['GET /events/:id/follow-through', [A, S, C], 'a read'],
  ['POST /follow-ups', [A, S], 'staff: follow-ups'],
  ['GET /follow-ups', [A, S, C], 'a read'],
  ['GET /follow-ups/:id', [A, S, C], 'a read'],
  ['PATCH /follow-ups/:id', [A, S], 'staff: follow-ups'],
  ['POST /follow-ups/calendar-token', [A, S], "the caller's own feed token"],
  ['POST /users/:id/calendar-token', [A, S], 'staff for themselves, admin for anyone (README)'],
  ['GET /follow-ups.ics', 'public', 'the per-user token in the URL is the credential (README)'],
  ['GET /users/:id/relationships', [A, S, C], 'a read'],
  ['POST /users/:id/conflicts', [A, S], 'staff declare their own (README)'],
  ['GET /users/:id/conflicts', [A, S, C], 'staff their own; compliance reads'],
  ['DELETE /users/:id/conflicts/:conflictId', [A, S], 'staff withdraw their own (README)'],
  ['GET /reports/network', [A, S, C], 'engagement report (README); not in the contract\'s compliance section'],
  ['GET /reports/follow-ups', [A, C], 'listed in the contract\'s Compliance section: "staff and integration keys get 403"'],

  // Purposes and recipients (admin)
  ['POST /purposes', [A], 'Purposes and recipients (admin)'],
  ['GET /purposes', [A, S, C], 'staff record consents by purpose key; compliance reads (see report)'],
  ['GET /purposes/:id', [A, S, C], 'as GET /purposes'],
  ['PATCH /purposes/:id', [A], 'admin'],
  ['DELETE /purposes/:id', [A], 'admin'],
  ['POST /recipients', [A], 'admin'],
  ['GET /recipients', [A, S, C], 'staff name recipients in consents and disclosures; compliance reads (see report)'],
  ['GET /recipients/:id', [A, S, C], 'as GET /recipients'],
  ['PATCH /recipients/:id', [A], 'admin'],
  ['POST /recipients/:id/rotate-secret', [A], 'admin'],
  ['DELETE /recipients/:id', [A], 'admin'],

  // Consents
  ['POST /contacts/:id/consents', [A, S], 'staff "records consents"'],
  ['GET /contacts/:id/consents', [A, S, C], 'a read; integration never reads contacts'],
  ['POST /contacts/:id/objections', [A, S, C], 'staff record; compliance handles data-subject rights (Art. 21) — offered beyond the contract'],
  ['GET /contacts/:id/objections', [A, S, C], 'a read'],
  ['POST /contacts/:id/bases', [A, S], 'per-person legal bases are recorded like consents (issue 12)'],
  ['GET /contacts/:id/bases', [A, S, C], 'a read; compliance reads'],
  ['POST /bases/:id/end', [A, S], 'ending a basis: like recording it (staff)'],
  ['POST /consents/confirm', 'public', 'the double opt-in link: the single-use token is the proof'],
  ['POST /consents/:id/withdraw', [A, S, I], 'staff record withdrawals; integration: only consents covering its recipient (API1)'],
  ['GET /consents/:id', [A, S, C], 'a read'],
  ['GET /consents/:id/receipt', [A, S, C], 'for the person or an auditor'],
  ['PATCH /consents/:id', [A, S, C, I], '"PATCH/DELETE /api/v1/consents/:id → 405" for every caller (see report)'],
  ['PUT /consents/:id', [A, S, C, I], 'as PATCH: 405'],
  ['DELETE /consents/:id', [A, S, C, I], 'as PATCH: 405'],

  // The gate
  ['GET /consent-check', [A, S, C, I], 'staff "runs consent checks"; integration; compliance reads'],
  ['POST /consent-check', [A, S, C, I], 'the bulk check'],
  ['POST /disclosures', [A, S, I], 'staff and integration share; compliance reads only'],
  ['GET /disclosures', [A, C], '"(admin, compliance)"; staff: "no disclosure log"'],
  ['GET /disclosures/:id', [A, C], 'the disclosure log'],
  ['POST /signing-keys/rotate', [A], 'key management: admin'],

  // Webhooks (Art. 19)
  ['GET /webhook-deliveries', [A, C], 'compliance reads everything'],
  ['GET /webhook-deliveries/:id', [A, C], 'compliance reads everything'],
  ['POST /webhook-deliveries/:id/retry', [A], 'an operation on recipients: admin'],

  // Compliance section: admin and compliance only
  ['GET /audit-events', [A, C], 'Compliance section'],
  ['GET /audit-events/verify', [A, C], 'Compliance section'],
  ['POST /audit-events/checkpoints', [A, C], 'Compliance section: signed checkpoints'],
  ['GET /audit-events/checkpoints', [A, C], 'Compliance section: signed checkpoints'],
  ['GET /contacts/:id/export', [A, C], 'Compliance section'],
  ['POST /contacts/:id/erase', [A, C], 'Compliance section'],
  ['GET /suppressions', [A, C], 'Compliance section: suppression list (issue 12)'],
  ['DELETE /suppressions/:id', [A, C], 'Compliance section: lifting a suppression'],
  ['GET /reports/consent-coverage', [A, C], 'Compliance section'],
  ['GET /retention/due', [A, C], 'Compliance section: retention'],
  ['POST /retention/run', [A, C], 'Compliance section: retention (admin, compliance)'],
  ['GET /reports/processing-activities', [A, C], 'Compliance section: Art. 30 record'],
  ['GET /reports/disclosures', [A, C], 'Compliance section'],
  ['GET /reports/consents-expiring', [A, C], 'Compliance section'],
  ['GET /reports/subject-requests', [A, C], 'Compliance section'],
  ['POST /subject-requests', [A, C], 'Compliance section: data-subject requests (admin, compliance)'],
  ['GET /subject-requests', [A, C], 'Compliance section: data-subject requests (admin, compliance)'],
  ['GET /subject-requests/:id', [A, C], 'Compliance section: data-subject requests (admin, compliance)'],
  ['PATCH /subject-requests/:id', [A, C], 'Compliance section: data-subject requests (admin, compliance)'],
];

const key = (h: Pick<Handler, 'method' | 'path'>) => `${h.method} ${h.path}`;
const declared = (h: Handler): Allowed => (h.isPublic ? 'public' : [...(h.access ?? [])].sort());
const normalise = (a: Allowed): Allowed => (a === 'public' ? a : [...a].sort());
const ROLE_GUARD_DETAIL = /role may not call this endpoint/;

describe('OWASP API5 — function-level authorisation: the route × role matrix', () => {
  let t: TestApp;
  let handlers: Handler[];
  let urlOf: (h: Handler) => string;
  const keys = {} as Record<Role, string>;

  beforeAll(async () => {
    t = await createTestApp();
    handlers = nestHandlers(t);
    const routes = expressRoutes(t);
    urlOf = (h) => (routes.some((r) => r.url === `${API}${h.path}`) ? `${API}${h.path}` : h.path).replace(/:[A-Za-z0-9_]+/g, () => randomUUID());
    const recipient = (await t.api().post('/recipients', { name: 'Matrix tool', kind: 'internal_tool' }).expect(201)).body.id as string;
    const staffUser = (await t.api().post('/users', { name: 'Matrix Staff', email: 'matrix.staff@example.test', role: 'staff' }).expect(201)).body.id as string;
    keys.admin = t.adminKey;
    keys.staff = await t.createKey('staff', { userId: staffUser });
    keys.compliance = await t.createKey('compliance');
    keys.integration = await t.createKey('integration', { recipientId: recipient });
  });
  afterAll(async () => {
    await t.close();
  });

  it('should list every route once in the table', () => {
    const seen = MATRIX.map(([r]) => r);
    expect(seen.filter((r, i) => seen.indexOf(r) !== i)).toEqual([]);
  });

  it('should serve exactly the routes of the table, no more and no fewer', () => {
    const app = handlers.map(key).sort();
    const table = MATRIX.map(([r]) => r).sort();
    expect({ notInTable: app.filter((r) => !table.includes(r)) }).toEqual({ notInTable: [] });
    expect({ notServed: table.filter((r) => !app.includes(r)) }).toEqual({ notServed: [] });
  });

  it("should declare on every route exactly the table's roles (@Access, admin always included) or @Public", () => {
    const byRoute = new Map(handlers.map((h) => [key(h), h]));
    const mismatches = MATRIX.flatMap(([route, allowed]) => {
      const h = byRoute.get(route);
      if (!h) return [];
      const got = declared(h);
      return JSON.stringify(got) === JSON.stringify(normalise(allowed)) ? [] : [{ route, contract: normalise(allowed), declared: got }];
    });
    expect(mismatches).toEqual([]);
  });

  it('should answer 403 to exactly the roles the table does not allow, on every route, for every role', async () => {
    const table = new Map(MATRIX.map(([r, a]) => [r, a]));
    const wrong: { route: string; role: Role; status: number; detail?: string }[] = [];
    let calls = 0;
    for (const h of handlers) {
      const allowed = table.get(key(h));
      if (!allowed || allowed === 'public') continue;
      for (const role of ROLES) {
        const res = await t.request()[h.method.toLowerCase() as 'get'](urlOf(h)).set('X-API-Key', keys[role]);
        calls++;
        const detail = (res.body as { detail?: string })?.detail;
        const refusedByRole = res.status === 403 && ROLE_GUARD_DETAIL.test(detail ?? '');
        if (allowed.includes(role) ? refusedByRole || res.status === 401 : res.status !== 403) wrong.push({ route: key(h), role, status: res.status, detail });
      }
    }
    expect(wrong).toEqual([]);
    expect(calls).toBeGreaterThan(300);
  });

  it('should answer public routes without credentials, never with the authentication guard\'s 401', async () => {
    for (const [route, allowed] of MATRIX.filter(([, a]) => a === 'public')) {
      const h = handlers.find((x) => key(x) === route)!;
      const res = await t.request()[h.method.toLowerCase() as 'get'](urlOf(h));
      expect({ route, unauthenticated: res.status === 401 && res.body?.code === 'UNAUTHENTICATED' }).toEqual({ route, unauthenticated: false });
      expect(allowed).toBe('public');
    }
  });
});
