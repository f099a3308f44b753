import { AuditSealer } from '../../src/audit/audit-sealer.js';
import { CreateContactDto } from '../../src/contacts/dto/create-contact.dto.js';
import { ContactsService } from '../../src/contacts/contacts.service.js';
import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * Issue 11, audited single writes: POST /contacts writes the reference and suppression checks, the contact, its new
 * data key and its audit event in one composed statement, and POST /interactions its row, links, contacts'
 * last_interaction_at, follow-up and the audit events of both in one (autocommitted without an Idempotency-Key). The
 * change and its event commit together or not at all, the answers are those of before, and the event's personal
 * values are sealed under the new contact's key (crypto-shredded by erasure).
 */
describe('Audited single writes', () => {
  let t: TestApp;
  let staff: string;
  let compliance: string;
  let sealer: AuditSealer;

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
    compliance = await t.createKey('compliance');
    sealer = t.app.get(AuditSealer);
  });
  afterAll(async () => {
    await t?.close();
  });

  const count = async (sql: string, params: unknown[] = []) => Number((await t.sql<{ n: string }>(sql, params))[0].n);

  /** Runs `work` while a trigger refuses the audit event of `entityType`'s create (as a failing audit insert would). */
  async function refusingCreateEvents(entityType: string, work: () => Promise<void>): Promise<void> {
    const name = `test_refuse_${entityType}_event`;
    await t.sql(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN RAISE EXCEPTION 'audit insert refused by the test'; END $$`);
    await t.sql(`CREATE TRIGGER ${name} BEFORE INSERT ON audit_events FOR EACH ROW
                 WHEN (NEW.entity_type = '${entityType}' AND NEW.action = 'create') EXECUTE FUNCTION ${name}()`);
    try {
      await work();
    } finally {
      await t.sql(`DROP TRIGGER ${name} ON audit_events`);
      await t.sql(`DROP FUNCTION ${name}()`);
    }
  }

  it('should write the contact, its key and its event together; the event is sealed, readable, and shredded by erasure', async () => {
    const org = (await t.api(staff).post('/organisations', { name: 'Composed Ltd' }).expect(201)).body;
    const res = await t
      .api(staff)
      .post('/contacts', {
        givenName: 'Ada',
        familyName: 'Composed',
        emails: [{ address: ' Ada@Composed.Example ', label: ' work ' }],
        phones: [{ number: '+44 20 7946 0018' }],
        organisationId: org.id.toUpperCase(),
        tags: ['x', 'x', 'y'],
        socialProfiles: { linkedin: 'https://www.linkedin.com/in/ada' },
      })
      .expect(201);
    const c = res.body;
    expect(res.headers.etag).toBe('"1"');
    expect(c).toMatchObject({
      version: 1,
      organisationId: org.id,
      emails: [{ address: 'ada@composed.example', label: 'work' }],
      tags: ['x', 'y'],
      socialProfiles: { linkedin: 'https://www.linkedin.com/in/ada', xing: null },
      erasedAt: null,
    });
    expect(c.createdAt).toBe(c.updatedAt);
    // The answer is the stored row.
    expect((await t.api(staff).get(`/contacts/${c.id}`).expect(200)).body).toEqual(c);
    expect(await count('SELECT count(*) AS n FROM contact_keys WHERE contact_id = $1 AND wrapped_key IS NOT NULL', [c.id])).toBe(1);

    await sealer.sealPending();
    const events = (await t.api(compliance).get(`/audit-events?contactId=${c.id}`).expect(200)).body.items;
    const created = events.find((e: { action: string }) => e.action === 'create');
    expect(created).toMatchObject({ entityType: 'contact', entityId: c.id, contactId: c.id, erased: false, after: c });
    expect(created.seq).toEqual(expect.any(Number));
    // UUIDv7 (time first), so new rows go to the right-hand end of the indexes keyed by these ids.
    expect([c.id[14], created.id[14]]).toEqual(['7', '7']);
    // Stored sealed: the address is not in the row.
    expect(await count(`SELECT count(*) AS n FROM audit_events WHERE id = $1 AND after::text LIKE '%composed.example%'`, [created.id])).toBe(0);
    expect((await t.api(compliance).get('/audit-events/verify').expect(200)).body.valid).toBe(true);

    await t.api(compliance).post(`/contacts/${c.id}/erase`, {}).expect(200);
    const after = (await t.api(compliance).get(`/audit-events?contactId=${c.id}`).expect(200)).body.items;
    expect(after.find((e: { id: string }) => e.id === created.id)).toMatchObject({ erased: true, after: null });
    expect((await t.api(compliance).get('/audit-events/verify').expect(200)).body.valid).toBe(true);
  });

  it('should leave no contact and no key when the audit event cannot be written', async () => {
    const contacts = await count('SELECT count(*) AS n FROM contacts');
    const keys = await count('SELECT count(*) AS n FROM contact_keys');
    await refusingCreateEvents('contact', async () => {
      await t.api(staff).post('/contacts', { givenName: 'No', familyName: 'Event', emails: [{ address: 'no-event@example.test' }] }).expect(500);
    });
    expect(await count('SELECT count(*) AS n FROM contacts')).toBe(contacts);
    expect(await count('SELECT count(*) AS n FROM contact_keys')).toBe(keys);
    expect(await count(`SELECT count(*) AS n FROM contacts WHERE search_emails LIKE '%no-event@example.test%'`)).toBe(0);
    // And the same request succeeds once the event can be written.
    await t.api(staff).post('/contacts', { givenName: 'No', familyName: 'Event', emails: [{ address: 'no-event@example.test' }] }).expect(201);
  });

  it('should answer an unknown organisation or owner with 400 and a suppressed address with 409, writing nothing', async () => {
    const contacts = await count('SELECT count(*) AS n FROM contacts');
    const events = await count('SELECT count(*) AS n FROM audit_events');
    const keys = await count('SELECT count(*) AS n FROM contact_keys');
    const unknown = '00000000-0000-4000-8000-000000000001';
    const org = await t.api(staff).post('/contacts', { givenName: 'A', familyName: 'B', organisationId: unknown }).expect(400);
    expect(org.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'organisationId', message: 'no such organisation' }] });
    const owner = await t.api(staff).post('/contacts', { givenName: 'A', familyName: 'B', ownerId: unknown }).expect(400);
    expect(owner.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'ownerId', message: 'no such user' }] });
    // Both unknown: the organisation is named, as before.
    const both = await t.api(staff).post('/contacts', { givenName: 'A', familyName: 'B', organisationId: unknown, ownerId: unknown }).expect(400);
    expect(both.body.errors).toEqual([{ field: 'organisationId', message: 'no such organisation' }]);

    const gone = (await t.api(staff).post('/contacts', { givenName: 'Gone', familyName: 'Person', emails: [{ address: 'gone@example.test' }] }).expect(201)).body;
    await t.api(compliance).post(`/contacts/${gone.id}/erase`, {}).expect(200);
    const c1 = await count('SELECT count(*) AS n FROM contacts');
    const e1 = await count('SELECT count(*) AS n FROM audit_events');
    const k1 = await count('SELECT count(*) AS n FROM contact_keys');
    const suppressed = await t.api(staff).post('/contacts', { givenName: 'Back', familyName: 'Again', emails: [{ address: 'GONE@example.test' }] }).expect(409);
    expect(suppressed.body.code).toBe('SUPPRESSED');
    expect(await count('SELECT count(*) AS n FROM contacts')).toBe(c1);
    expect(await count('SELECT count(*) AS n FROM audit_events')).toBe(e1);
    expect(await count('SELECT count(*) AS n FROM contact_keys')).toBe(k1);
    expect(c1).toBe(contacts + 1);
    expect(k1).toBeGreaterThanOrEqual(keys + 1);
    expect(e1).toBeGreaterThan(events);
  });

  it('should write the same contact, key and event as one autocommitted statement when no transaction is open', async () => {
    // Outside a request there is no transaction: the composed statement is its own (the path a handler without the
    // request transaction would take).
    const c = await t.app.get(ContactsService).create(Object.assign(new CreateContactDto(), { givenName: 'Auto', familyName: 'Commit', emails: [{ address: 'auto@example.test' }] }));
    expect((await t.api(staff).get(`/contacts/${c.id}`).expect(200)).body).toEqual(JSON.parse(JSON.stringify(c)));
    expect(await count('SELECT count(*) AS n FROM contact_keys WHERE contact_id = $1 AND wrapped_key IS NOT NULL', [c.id])).toBe(1);
    await sealer.sealPending();
    const events = (await t.api(compliance).get(`/audit-events?contactId=${c.id}`).expect(200)).body.items;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'create', actorType: 'system', erased: false, after: JSON.parse(JSON.stringify(c)) });
    expect(events[0].seq).toEqual(expect.any(Number));
  });

  it('should replay an Idempotency-Key with the same contact, written once', async () => {
    const body = { givenName: 'Idem', familyName: 'Potent', emails: [{ address: 'idem@example.test' }] };
    const first = await t.api(staff).post('/contacts', body).set('Idempotency-Key', 'composed-1').expect(201);
    const again = await t.api(staff).post('/contacts', body).set('Idempotency-Key', 'composed-1').expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(await count(`SELECT count(*) AS n FROM contacts WHERE search_emails LIKE '%idem@example.test%'`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM audit_events WHERE entity_id = $1`, [first.body.id])).toBe(1);
  });

  it('should create an interaction whose answer is its stored row, links sorted as every read sorts them', async () => {
    const staffUser = (await t.api(t.adminKey).post('/users', { name: 'Writer', email: 'writer@example.test', role: 'staff' }).expect(201)).body;
    const writer = (await t.api(t.adminKey).post('/api-keys', { name: 'writer', role: 'staff', userId: staffUser.id }).expect(201)).body.key;
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push((await t.api(staff).post('/contacts', { givenName: 'I', familyName: `N${n}` }).expect(201)).body.id);
    const org = (await t.api(staff).post('/organisations', { name: 'Linked Org' }).expect(201)).body;
    const res = await t
      .api(writer)
      .post('/interactions', {
        type: 'meeting',
        occurredAt: '2026-11-02T10:00:00.000Z',
        summary: 'Composed',
        contactIds: [...ids].reverse(),
        organisationIds: [org.id],
        followUp: { note: 'Send the slides', dueAt: '2026-11-09T10:00:00.000Z' },
      })
      .expect(201);
    expect(res.body.contactIds).toEqual([...ids].sort());
    expect((await t.api(writer).get(`/interactions/${res.body.id}`).expect(200)).body).toEqual(res.body);
    expect(await count('SELECT count(*) AS n FROM interaction_contacts WHERE interaction_id = $1', [res.body.id])).toBe(5);
    expect(await count('SELECT count(*) AS n FROM interaction_organisations WHERE interaction_id = $1', [res.body.id])).toBe(1);
    // Unknown contact: 404 naming it, nothing written.
    const before = await count('SELECT count(*) AS n FROM interactions');
    const missing = '00000000-0000-4000-8000-000000000002';
    const nf = await t.api(writer).post('/interactions', { type: 'call', occurredAt: '2026-11-02T10:00:00.000Z', summary: 'x', contactIds: [ids[0], missing] }).expect(404);
    expect(nf.body.detail).toContain(missing);
    expect(await count('SELECT count(*) AS n FROM interactions')).toBe(before);
  });
  describe('POST /interactions with a follow-up', () => {
    let writer: string;
    let writerId: string;
    let other: { id: string; key: string };
    const ids: string[] = [];
    const body = (extra: Record<string, unknown> = {}) => ({
      type: 'meeting',
      occurredAt: '2026-11-03T10:00:00.000Z',
      summary: 'Atomic',
      contactIds: [...ids].reverse(),
      followUp: { note: 'Send the slides', dueAt: '2099-11-10T10:00:00.000Z' },
      ...extra,
    });
    const written = async (summary: string) => ({
      interactions: await count('SELECT count(*) AS n FROM interactions WHERE summary = $1', [summary]),
      followUps: await count('SELECT count(*) AS n FROM follow_ups'),
      links: await count('SELECT count(*) AS n FROM interaction_contacts'),
      events: await count('SELECT count(*) AS n FROM audit_events'),
      touched: await count('SELECT count(*) AS n FROM contacts WHERE id = ANY($1::uuid[]) AND last_interaction_at IS NOT NULL', [ids]),
    });

    beforeAll(async () => {
      const u = (await t.api(t.adminKey).post('/users', { name: 'Atomic Writer', email: 'atomic-writer@example.test', role: 'staff' }).expect(201)).body;
      writerId = u.id;
      writer = (await t.api(t.adminKey).post('/api-keys', { name: 'atomic', role: 'staff', userId: u.id }).expect(201)).body.key;
      const o = (await t.api(t.adminKey).post('/users', { name: 'Other Staff', email: 'other-staff@example.test', role: 'staff' }).expect(201)).body;
      other = { id: o.id, key: (await t.api(t.adminKey).post('/api-keys', { name: 'other', role: 'staff', userId: o.id }).expect(201)).body.key };
      for (let n = 0; n < 5; n++) ids.push((await t.api(staff).post('/contacts', { givenName: 'A', familyName: `Tomic${n}` }).expect(201)).body.id);
    });

    it('should write the interaction, its follow-up and both events together, and answer what a read answers', async () => {
      const res = await t.api(writer).post('/interactions', body({ participantIds: [other.id], confidential: true })).expect(201);
      const i = res.body;
      expect(res.headers.etag).toBe('"1"');
      expect(i).toMatchObject({ contactIds: [...ids].sort(), participantIds: [other.id], authorId: writerId, confidential: true, version: 1 });
      expect(i.followUps).toEqual([
        expect.objectContaining({ interactionId: i.id, contactIds: [...ids].sort(), assigneeId: writerId, note: 'Send the slides', noteHidden: false, status: 'open', overdue: false, version: 1 }),
      ]);
      // The answer is the stored row, with its follow-up, for the author.
      expect((await t.api(writer).get(`/interactions/${i.id}`).expect(200)).body).toEqual(i);
      const f = i.followUps[0];
      const events = await t.sql<{ entity_type: string; entity_id: string; action: string; subject_contact_ids: string[]; after: Record<string, unknown> }>(
        `SELECT entity_type, entity_id, action, subject_contact_ids, after FROM audit_events WHERE entity_id IN ($1, $2) ORDER BY written_seq`,
        [i.id, f.id],
      );
      // Interaction first, then its follow-up, as before.
      expect(events.map((e) => [e.entity_type, e.entity_id, e.action])).toEqual([
        ['interaction', i.id, 'create'],
        ['follow_up', f.id, 'create'],
      ]);
      expect(events[0].subject_contact_ids).toEqual([...ids].sort());
      expect(events[0].after).toEqual({
        id: i.id, type: 'meeting', occurredAt: i.occurredAt, contactIds: i.contactIds, organisationIds: [], participantIds: [other.id],
        eventId: null, reciprocity: null, confidential: true, competitionSensitive: false, reviewStatus: null, authorId: writerId,
        flags: [], topics: [], archivedAt: null, version: 1,
      });
      expect(events[1].after).toEqual({
        id: f.id, interactionId: i.id, contactId: null, eventId: null, dueAt: f.dueAt, assigneeId: writerId, status: 'open',
        completedAt: null, completedBy: null, hasNote: true, version: 1,
      });
      await sealer.sealPending();
      expect((await t.api(compliance).get('/audit-events/verify').expect(200)).body.valid).toBe(true);
    });

    it('should write nothing at all when the follow-up\'s audit event cannot be written', async () => {
      const before = await written('Refused');
      await refusingCreateEvents('follow_up', async () => {
        const fresh: string[] = [];
        for (let n = 0; n < 2; n++) fresh.push((await t.api(staff).post('/contacts', { givenName: 'Un', familyName: `Touched${n}` }).expect(201)).body.id);
        await t.api(writer).post('/interactions', body({ summary: 'Refused', contactIds: fresh })).expect(500);
        // With an Idempotency-Key (the request's transaction) just the same.
        await t.api(writer).post('/interactions', body({ summary: 'Refused', contactIds: fresh })).set('Idempotency-Key', 'refused-1').expect(500);
        expect(await count('SELECT count(*) AS n FROM contacts WHERE id = ANY($1::uuid[]) AND last_interaction_at IS NOT NULL', [fresh])).toBe(0);
      });
      const after = await written('Refused');
      expect(after.interactions).toBe(0);
      expect(after.followUps).toBe(before.followUps);
      expect(after.links).toBe(before.links);
      // Only the two contacts made above were audited.
      expect(after.events).toBe(before.events + 2);
      // And the same request succeeds once the event can be written.
      await t.api(writer).post('/interactions', body({ summary: 'Refused' })).expect(201);
    });

    it('should answer an unknown follow-up assignee with 404, writing nothing; another assignee is checked and kept', async () => {
      const before = await written('Assignee');
      const unknown = '00000000-0000-4000-8000-000000000003';
      const nf = await t.api(writer).post('/interactions', body({ summary: 'Assignee', followUp: { assigneeId: unknown } })).expect(404);
      expect(nf.body.detail).toContain(unknown);
      expect(await written('Assignee')).toEqual(before);
      const res = await t.api(writer).post('/interactions', body({ summary: 'Assignee', followUp: { assigneeId: other.id.toUpperCase() } })).expect(201);
      expect(res.body.followUps[0]).toMatchObject({ assigneeId: other.id, note: null, noteHidden: false });
      expect((await t.api(writer).get(`/interactions/${res.body.id}`).expect(200)).body).toEqual(res.body);
    });

    it('should check the references first (contacts before the assignee), and audit the flags the statement computed', async () => {
      const unknown = '00000000-0000-4000-8000-000000000004';
      const unknownUser = '00000000-0000-4000-8000-000000000005';
      const both = await t.api(writer).post('/interactions', body({ summary: 'Order', contactIds: [ids[0], unknown], followUp: { assigneeId: unknownUser } })).expect(404);
      expect(both.body.detail).toContain(unknown);
      expect(await count(`SELECT count(*) AS n FROM interactions WHERE summary = 'Order'`)).toBe(0);

      const rival = (await t.api(staff).post('/organisations', { name: 'Rival Atomic' }).expect(201)).body;
      await t.api(writer).post(`/users/${writerId}/conflicts`, { organisationId: rival.id }).expect(201);
      const res = await t.api(writer).post('/interactions', body({ summary: 'Flagged', organisationIds: [rival.id] })).expect(201);
      expect(res.body.flags).toEqual(['conflict_of_interest']);
      expect((await t.api(writer).get(`/interactions/${res.body.id}`).expect(200)).body).toEqual(res.body);
      const [event] = await t.sql<{ after: Record<string, unknown> }>(
        `SELECT after FROM audit_events WHERE entity_type = 'interaction' AND entity_id = $1`, [res.body.id]);
      expect(event.after).toMatchObject({ id: res.body.id, flags: ['conflict_of_interest'], organisationIds: [rival.id], version: 1 });
      await sealer.sealPending();
      expect((await t.api(compliance).get('/audit-events/verify').expect(200)).body.valid).toBe(true);
    });

    it('should replay an Idempotency-Key with the same interaction and follow-up, written once', async () => {
      const first = await t.api(writer).post('/interactions', body({ summary: 'Idempotent' })).set('Idempotency-Key', 'interaction-1').expect(201);
      const again = await t.api(writer).post('/interactions', body({ summary: 'Idempotent' })).set('Idempotency-Key', 'interaction-1').expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await count(`SELECT count(*) AS n FROM interactions WHERE summary = 'Idempotent'`)).toBe(1);
      expect(await count('SELECT count(*) AS n FROM audit_events WHERE entity_id IN ($1, $2)', [first.body.id, first.body.followUps[0].id])).toBe(2);
    });
  });
});
