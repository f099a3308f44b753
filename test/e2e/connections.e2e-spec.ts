import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * Issue 14: contacts who know each other (connections), warm introductions, contacts as network members
 * (memberships edited and ended), conflicts of interest withdrawn. Real PostgreSQL, real HTTP.
 */
describe('Connections, introductions and network memberships', () => {
  let t: TestApp;
  let admin: string;
  let compliance: string;
  let integration: string;
  const NONE = '00000000-0000-4000-8000-000000000000';

  interface Staff {
    id: string;
    key: string;
  }
  const user = async (name: string, role: 'staff' | 'compliance' = 'staff'): Promise<Staff> => {
    const r = await t.api().post('/users', { name, email: `${name.toLowerCase()}@example.test`, role }).expect(201);
    return { id: r.body.id, key: await t.createKey(role, { userId: r.body.id }) };
  };
  let alice: Staff;
  let bob: Staff;
  const contact = async (givenName: string, familyName = 'Test') => (await t.api(alice.key).post('/contacts', { givenName, familyName }).expect(201)).body.id as string;
  const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
  const meet = (who: Staff, contactIds: string[], days: number, extra: Record<string, unknown> = {}) =>
    t.api(who.key).post('/interactions', { type: 'meeting', occurredAt: daysAgo(days), summary: 'Met', contactIds, ...extra }).expect(201);
  const connect = (from: string, to: string, kind: string, key = alice.key) => t.api(key).post(`/contacts/${from}/connections`, { contactId: to, kind });

  beforeAll(async () => {
    t = await createTestApp();
    admin = t.adminKey;
    alice = await user('Alice');
    bob = await user('Bob');
    compliance = (await user('Clara', 'compliance')).key;
    const recipient = await t.api().post('/recipients', { name: 'HR tool', kind: 'internal_tool' }).expect(201);
    integration = await t.createKey('integration', { recipientId: recipient.body.id });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('connections', () => {
    it('should record a typed connection, list it both ways with its direction, and refuse a repeat in either direction', async () => {
      const ann = await contact('Ann');
      const ben = await contact('Ben');
      const res = await connect(ann, ben, 'reports_to').expect(201);
      expect(res.body).toMatchObject({ contactId: ben, kind: 'reports_to', direction: 'outgoing', directed: true, fromContactId: ann, toContactId: ben, note: null, version: 1 });

      const fromBen = await t.api(compliance).get(`/contacts/${ben}/connections`).expect(200);
      expect(fromBen.body.items).toEqual([expect.objectContaining({ id: res.body.id, contactId: ann, kind: 'reports_to', direction: 'incoming' })]);
      expect(fromBen.body.nextCursor).toBeNull();

      await connect(ben, ann, 'reports_to').expect(409);
      await connect(ann, ben, 'reports_to').expect(409);
      const knows = await t.api(alice.key).post(`/contacts/${ben}/connections`, { contactId: ann, kind: 'knows', note: 'Met at the fair' }).expect(201);
      expect(knows.body).toMatchObject({ directed: false, direction: 'outgoing', note: 'Met at the fair' });
      const conflict = await connect(ann, ben, 'knows').expect(409);
      expect(conflict.body).toMatchObject({ status: 409 });
      expect(conflict.headers['content-type']).toMatch(/application\/problem\+json/);

      const fromAnn = await t.api(alice.key).get(`/contacts/${ann}/connections`).expect(200);
      expect(fromAnn.body.items.map((c: { kind: string; direction: string }) => `${c.kind}:${c.direction}`)).toEqual(['reports_to:outgoing', 'knows:incoming']);

      const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE entity_type = 'contact_connection' AND entity_id = $1`, [res.body.id]);
      expect(audit.map((a) => a.action)).toEqual(['create']);
    });

    it('should refuse a self-connection, unknown contacts, unknown kinds and fields', async () => {
      const cy = await contact('Cy');
      const res = await connect(cy, cy, 'knows').expect(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'contactId' })]);
      await connect(cy, NONE, 'knows').expect(404);
      await connect(NONE, cy, 'knows').expect(404);
      await connect(cy, NONE, 'friend').expect(400);
      await t.api(alice.key).post(`/contacts/${cy}/connections`, { contactId: NONE, kind: 'knows', weight: 3 }).expect(400);
      await t.api(alice.key).post(`/contacts/${cy}/connections`, { kind: 'knows' }).expect(400);
      await t.api(alice.key).post('/contacts/not-a-uuid/connections', { contactId: cy, kind: 'knows' }).expect(400);
      await t.api(alice.key).get(`/contacts/${NONE}/connections`).expect(404);
    });

    it('should delete a connection from either end, audited, and 404 an unknown or unrelated one', async () => {
      const a = await contact('Dora');
      const b = await contact('Eli');
      const c = await contact('Fay');
      const { id } = (await connect(a, b, 'colleague').expect(201)).body;
      await t.api(alice.key).delete(`/contacts/${c}/connections/${id}`).expect(404);
      await t.api(compliance).delete(`/contacts/${b}/connections/${id}`).expect(403);
      await t.api(alice.key).delete(`/contacts/${b}/connections/${id}`).set('If-Match', '"2"').expect(412); // stale
      await t.api(alice.key).delete(`/contacts/${b}/connections/${id}`).set('If-Match', '"1"').expect(204);
      await t.api(alice.key).delete(`/contacts/${b}/connections/${id}`).expect(404);
      expect((await t.api(alice.key).get(`/contacts/${a}/connections`).expect(200)).body.items).toEqual([]);
      const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE entity_type = 'contact_connection' AND entity_id = $1 ORDER BY written_seq`, [id]);
      expect(audit.map((x) => x.action)).toEqual(['create', 'delete']);
      await connect(a, b, 'colleague').expect(201); // may be recorded again
    });

    it('should let staff write, compliance read, integration never', async () => {
      const a = await contact('Gus');
      const b = await contact('Hal');
      await connect(a, b, 'knows', compliance).expect(403);
      await connect(a, b, 'knows', integration).expect(403);
      const { id } = (await connect(a, b, 'knows', admin).expect(201)).body;
      await t.api(integration).get(`/contacts/${a}/connections`).expect(403);
      await t.api(integration).delete(`/contacts/${a}/connections/${id}`).expect(403);
      await t.api(integration).get(`/contacts/${a}/introductions`).expect(403);
      await t.api(compliance).get(`/contacts/${a}/introductions`).expect(200);
      await t.request().get(`/api/v1/contacts/${a}/connections`).expect(401);
    });

    it('should export a person’s connections and delete them on erasure', async () => {
      const p = await contact('Ida');
      const q = await contact('Jon');
      await connect(p, q, 'colleague').expect(201);
      await connect(q, p, 'introduced_by').expect(201);
      const exp = await t.api(compliance).get(`/contacts/${p}/export`).expect(200);
      expect(exp.body.other.contact_connections).toHaveLength(2);
      await t.api(compliance).post(`/contacts/${p}/erase`, {}).expect(200);
      expect((await t.api(alice.key).get(`/contacts/${q}/connections`).expect(200)).body.items).toEqual([]);
      await connect(q, p, 'knows').expect(404); // an erased person is not connected again
    });

    it('should move a merged duplicate’s connections to the survivor without a self-connection or a repeated pair', async () => {
      const s = await contact('Kai', 'Merge');
      const d = await contact('Kai', 'Merge');
      const x = await contact('Lea');
      const y = await contact('Max');
      await connect(s, x, 'knows').expect(201);
      await connect(x, d, 'knows').expect(201); // repeats s–x knows once moved: dropped
      await connect(d, s, 'colleague').expect(201); // would be s–s: dropped
      await connect(d, y, 'reports_to').expect(201); // moves: s reports to y
      await connect(x, d, 'reports_to').expect(201); // moves: x reports to s
      await t.api(alice.key).post(`/contacts/${s}/merge`, { duplicateId: d }).expect(200);

      const list = (await t.api(alice.key).get(`/contacts/${s}/connections`).expect(200)).body.items as { contactId: string; kind: string; direction: string }[];
      expect(list.map((c) => `${c.contactId === x ? 'x' : c.contactId === y ? 'y' : c.contactId}:${c.kind}:${c.direction}`).sort()).toEqual(
        ['x:knows:outgoing', 'x:reports_to:incoming', 'y:reports_to:outgoing'].sort(),
      );
      const left = await t.sql(`SELECT 1 FROM contact_connections WHERE from_contact_id = $1 OR to_contact_id = $1`, [d]);
      expect(left).toEqual([]);
      const self = await t.sql(`SELECT 1 FROM contact_connections WHERE from_contact_id = to_contact_id`);
      expect(self).toEqual([]);
      // Nothing new may name the merged duplicate, from either end.
      await connect(d, y, 'knows').expect(404);
      await connect(y, d, 'knows').expect(404);
    });
  });

  describe('warm introductions', () => {
    let target: string;
    let a: string;
    let a2: string;
    let b: string;
    let c: string;
    let f: string;
    let x: string;
    let bobOld: Staff;
    let carol: Staff;
    let dave: Staff;
    let erin: Staff;

    const intro = async (maxHops?: number, key = alice.key) =>
      (await t.api(key).get(`/contacts/${target}/introductions${maxHops === undefined ? '' : `?maxHops=${maxHops}`}`).expect(200)).body.items as {
        path: { userId?: string; contactId?: string }[];
        strength: number;
        hops: number;
      }[];
    const show = (items: Awaited<ReturnType<typeof intro>>) => {
      const names = new Map<string, string>([
        [target, 'T'], [a, 'A'], [a2, 'A2'], [b, 'B'], [c, 'C'], [f, 'F'], [x, 'X'],
        [bobOld.id, 'bob'], [carol.id, 'carol'], [dave.id, 'dave'], [erin.id, 'erin'], [alice.id, 'alice'],
      ]);
      return items.map((i) => `${i.path.map((s) => names.get(s.userId ?? s.contactId!) ?? '?').join('>')} ${i.strength}`);
    };

    beforeAll(async () => {
      bobOld = bob;
      carol = await user('Carol');
      dave = await user('Dave');
      erin = await user('Erin');
      [target, a, a2, b, c, f, x] = await Promise.all(['Tia', 'Abe', 'Ada', 'Bea', 'Cal', 'Flo', 'Xan'].map((n) => contact(n, 'Graph')));
      await meet(dave, [target], 100); // knows the target directly, within DORMANT_DAYS
      await meet(alice, [a], 10);
      await meet(erin, [a2], 20);
      await meet(bobOld, [b], 400); // dormant: 0.5
      await meet(carol, [c], 5, { confidential: true }); // counts, shows nothing
      await meet(carol, [f], 5);
      await connect(a, target, 'colleague').expect(201);
      await connect(a2, target, 'reports_to').expect(201);
      await connect(a, a2, 'colleague').expect(201); // a cycle T–A–A2–T
      await connect(b, target, 'colleague').expect(201);
      await connect(target, c, 'knows').expect(201);
      await connect(f, x, 'colleague').expect(201);
      await connect(x, target, 'colleague').expect(201);
    });

    it('should list the strongest chains first, then the shorter, then the more recent staff interaction', async () => {
      expect(show(await intro())).toEqual([
        'dave>T 1',
        'alice>A>T 1',
        'erin>A2>T 1',
        'carol>F>X>T 1',
        'alice>A>A2>T 1',
        'erin>A2>A>T 1',
        'carol>C>T 0.5',
        'bob>B>T 0.5',
      ]);
      const [first] = await intro();
      expect(first).toMatchObject({ path: [{ userId: dave.id }, { contactId: target }], strength: 1, hops: 1 });
      expect(JSON.stringify(await intro())).not.toContain('Met'); // no interaction content
    });

    it('should bound chains by maxHops (1 = the staff who know the contact directly) and refuse 0 and 5', async () => {
      expect(show(await intro(1))).toEqual(['dave>T 1']);
      expect(show(await intro(2))).toEqual(['dave>T 1', 'alice>A>T 1', 'erin>A2>T 1', 'carol>C>T 0.5', 'bob>B>T 0.5']);
      expect((await intro(4, compliance)).length).toBe(8);
      for (const bad of ['0', '5', 'abc', '2.5']) {
        const res = await t.api(alice.key).get(`/contacts/${target}/introductions?maxHops=${bad}`).expect(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
      await t.api(alice.key).get(`/contacts/${NONE}/introductions`).expect(404);
    });

    it('should never step on an archived or erased contact', async () => {
      await t.api(alice.key).delete(`/contacts/${x}`).expect(204);
      expect(show(await intro())).not.toContain('carol>F>X>T 1');
      expect(show(await intro())).toHaveLength(7);
      await t.api(compliance).post(`/contacts/${b}/erase`, {}).expect(200);
      expect(show(await intro()).filter((s) => s.startsWith('bob'))).toEqual([]);
      await t.api(alice.key).delete(`/contacts/${target}`).expect(204);
      expect(await intro()).toEqual([]); // an archived target is on no path either
    });
  });

  describe('network memberships of contacts', () => {
    let net: string;
    let net2: string;
    let person: string;
    const network = async (name: string) => (await t.api(alice.key).post('/organisations', { name, kind: 'network' }).expect(201)).body.id as string;

    beforeAll(async () => {
      net = await network('Chamber committee');
      net2 = await network('Rowing club');
      person = await contact('Nia', 'Member');
    });

    it('should add a contact as a member (exactly one member kind) and list the networks a contact belongs to', async () => {
      const res = await t.api(alice.key).post(`/organisations/${net}/memberships`, { memberContactId: person, role: 'board', since: '2025-01-01' }).expect(201);
      expect(res.body).toMatchObject({ networkId: net, memberContactId: person, memberOrganisationId: null, userId: null, role: 'board', active: true, networkName: 'Chamber committee' });
      await t.api(alice.key).post(`/organisations/${net}/memberships`, { memberContactId: person }).expect(409);
      await t.api(alice.key).post(`/organisations/${net}/memberships`, { memberContactId: person, userId: alice.id }).expect(400);
      await t.api(alice.key).post(`/organisations/${net}/memberships`, { role: 'x' }).expect(400);
      await t.api(alice.key).post(`/organisations/${net}/memberships`, { memberContactId: NONE }).expect(404);
      await t.api(compliance).post(`/organisations/${net}/memberships`, { memberContactId: person }).expect(403);

      const mine = await t.api(compliance).get(`/contacts/${person}/memberships`).expect(200);
      expect(mine.body.items).toEqual([expect.objectContaining({ id: res.body.id, networkId: net, networkName: 'Chamber committee' })]);
      await t.api(integration).get(`/contacts/${person}/memberships`).expect(403);
      await t.api(alice.key).get(`/contacts/${NONE}/memberships`).expect(404);
      const inNet = await t.api(alice.key).get(`/organisations/${net}/memberships`).expect(200);
      expect(inNet.body.items.map((m: { memberContactId: string }) => m.memberContactId)).toContain(person);
    });

    it('should edit and end a membership with If-Match, audited', async () => {
      const m = (await t.api(alice.key).post(`/organisations/${net2}/memberships`, { memberContactId: person, role: 'member', since: '2024-03-01' }).expect(201)).body;
      const url = `/organisations/${net2}/memberships/${m.id}`;
      await t.api(compliance).patch(url, { role: 'captain' }).expect(403);
      await t.api(alice.key).patch(url, { until: '2024-01-01' }).expect(400); // before since
      await t.api(alice.key).patch(url, { colour: 'blue' }).expect(400);
      await t.api(alice.key).patch(`/organisations/${net}/memberships/${m.id}`, { role: 'x' }).expect(404);
      await t.api(alice.key).patch(`/organisations/${net2}/memberships/${NONE}`, { role: 'x' }).expect(404);
      await t.api(alice.key).patch(url, { role: 'captain' }).set('If-Match', '"7"').expect(412);
      const edited = await t.api(alice.key).patch(url, { role: 'captain' }).set('If-Match', '"1"').expect(200);
      expect(edited.body).toMatchObject({ role: 'captain', version: 2, active: true });
      const ended = await t.api(alice.key).patch(url, { until: '2025-06-30' }).expect(200);
      expect(ended.body).toMatchObject({ until: '2025-06-30', active: false, version: 3, role: 'captain' });
      const reopened = await t.api(alice.key).patch(url, { until: null }).expect(200);
      expect(reopened.body).toMatchObject({ until: null, active: true });
      const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE entity_type = 'network_membership' AND entity_id = $1 ORDER BY written_seq`, [m.id]);
      expect(audit.map((x) => x.action)).toEqual(['create', 'update', 'end', 'update']);
      // Staff and organisation memberships are edited the same way.
      const orgMember = (await t.api(alice.key).post(`/organisations/${net2}/memberships`, { userId: bob.id }).expect(201)).body;
      await t.api(alice.key).patch(`/organisations/${net2}/memberships/${orgMember.id}`, { until: '2026-01-31' }).expect(200);
    });

    it('should export memberships, move them on merge without duplicates, and delete them on erasure', async () => {
      const s = await contact('Ola', 'Dup');
      const d = await contact('Ola', 'Dup');
      await t.api(alice.key).post(`/organisations/${net}/memberships`, { memberContactId: s }).expect(201);
      await t.api(alice.key).post(`/organisations/${net}/memberships`, { memberContactId: d }).expect(201); // dropped on merge
      await t.api(alice.key).post(`/organisations/${net2}/memberships`, { memberContactId: d, role: 'coach' }).expect(201); // moves
      await t.api(alice.key).post(`/contacts/${s}/merge`, { duplicateId: d }).expect(200);
      const after = (await t.api(alice.key).get(`/contacts/${s}/memberships`).expect(200)).body.items as { networkId: string; role: string | null }[];
      expect(after.map((m) => [m.networkId, m.role]).sort()).toEqual([[net, null], [net2, 'coach']].sort());
      expect(await t.sql('SELECT 1 FROM network_memberships WHERE member_contact_id = $1', [d])).toEqual([]);

      const exp = await t.api(compliance).get(`/contacts/${s}/export`).expect(200);
      expect(exp.body.other.network_memberships).toHaveLength(2);
      await t.api(compliance).post(`/contacts/${s}/erase`, {}).expect(200);
      expect((await t.api(alice.key).get(`/contacts/${s}/memberships`).expect(200)).body.items).toEqual([]);
      await t.api(alice.key).post(`/organisations/${net}/memberships`, { memberContactId: s }).expect(404);
    });
  });

  describe('conflicts of interest withdrawn', () => {
    it('should let staff withdraw their own declared conflict (admins any), audited', async () => {
      const rival = (await t.api(alice.key).post('/organisations', { name: 'Rival GmbH' }).expect(201)).body.id;
      const declared = (await t.api(alice.key).post(`/users/${alice.id}/conflicts`, { organisationId: rival }).expect(201)).body;
      const url = `/users/${alice.id}/conflicts/${declared.id}`;
      await t.api(bob.key).delete(url).expect(403);
      await t.api(compliance).delete(url).expect(403);
      await t.api(integration).delete(url).expect(403);
      await t.api(bob.key).delete(`/users/${bob.id}/conflicts/${declared.id}`).expect(404); // not Bob's
      await t.api(alice.key).delete(url).set('If-Match', '"7"').expect(412); // stale
      await t.api(alice.key).delete(url).set('If-Match', `"${declared.version}"`).expect(204);
      await t.api(alice.key).delete(url).expect(404);
      expect((await t.api(compliance).get(`/users/${alice.id}/conflicts`).expect(200)).body.items).toEqual([]);
      const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE entity_type = 'conflict_of_interest' AND entity_id = $1 ORDER BY written_seq`, [declared.id]);
      expect(audit.map((x) => x.action)).toEqual(['create', 'withdraw']);
      const again = (await t.api(alice.key).post(`/users/${alice.id}/conflicts`, { organisationId: rival }).expect(201)).body;
      await t.api(admin).delete(`/users/${alice.id}/conflicts/${again.id}`).expect(204);
    });
  });
});
