import { createTestApp, TestApp } from '../setup/test-app.js';

interface Staff {
  id: string;
  key: string;
}

describe('Interactions, follow-ups, events, governance (issue 4)', () => {
  let t: TestApp;
  let alice: Staff;
  let bob: Staff;
  let carol: Staff;
  let compliance: Staff;
  let integrationKey: string;
  let acme: string;
  let ada: string;
  let grace: string;
  let linus: string;

  const user = async (name: string, role: 'staff' | 'compliance' = 'staff'): Promise<Staff> => {
    const r = await t.api().post('/users', { name, email: `${name.toLowerCase()}@example.test`, role }).expect(201);
    return { id: r.body.id, key: await t.createKey(role, { userId: r.body.id }) };
  };
  const org = async (name: string, kind = 'company') =>
    (await t.sql<{ id: string }>('INSERT INTO organisations (name, kind) VALUES ($1, $2) RETURNING id', [name, kind]))[0].id;
  const contact = async (given: string, family: string, organisationId: string | null = null) =>
    (await t.sql<{ id: string }>('INSERT INTO contacts (given_name, family_name, organisation_id) VALUES ($1, $2, $3) RETURNING id', [given, family, organisationId]))[0].id;
  const lastInteraction = async (id: string) =>
    (await t.sql<{ at: Date | null }>('SELECT last_interaction_at AS at FROM contacts WHERE id = $1', [id]))[0].at?.toISOString() ?? null;
  const log = (who: Staff, body: Record<string, unknown>) =>
    t.api(who.key).post('/interactions', { type: 'meeting', occurredAt: '2026-11-02T10:00:00.000Z', summary: 'Talked', ...body });

  beforeAll(async () => {
    t = await createTestApp();
    alice = await user('Alice');
    bob = await user('Bob');
    carol = await user('Carol');
    compliance = await user('Clara', 'compliance');
    const recipient = await t.api().post('/recipients', { name: 'HR tool', kind: 'internal_tool' }).expect(201);
    integrationKey = await t.createKey('integration', { recipientId: recipient.body.id });
    acme = await org('Acme GmbH');
    ada = await contact('Ada', 'Lovelace', acme);
    grace = await contact('Grace', 'Hopper');
    linus = await contact('Linus', 'Torvalds');
  });
  afterAll(async () => {
    await t.close();
  });

  describe('logging an interaction', () => {
    it('should create it with the caller as author, a follow-up due three working days later across the weekend, and last_interaction_at', async () => {
      // 2026-11-20 is a Friday: three working days later is Wednesday 2026-11-25.
      const res = await log(alice, {
        type: 'call',
        occurredAt: '2026-11-20T15:00:00.000Z',
        summary: 'Discussed the pilot',
        contactIds: [grace],
        reciprocity: 'give',
        followUp: { note: 'Send the proposal' },
      }).expect(201);
      expect(res.body).toMatchObject({
        type: 'call',
        summary: 'Discussed the pilot',
        summaryHidden: false,
        contactIds: [grace],
        authorId: alice.id,
        reciprocity: 'give',
        confidential: false,
        flags: [],
        review: null,
        version: 1,
      });
      expect(res.headers.etag).toBe('"1"');
      expect(res.body.followUps).toHaveLength(1);
      expect(res.body.followUps[0]).toMatchObject({ dueAt: '2026-11-25T15:00:00.000Z', assigneeId: alice.id, status: 'open', note: 'Send the proposal', contactIds: [grace] });
      expect(await lastInteraction(grace)).toBe('2026-11-20T15:00:00.000Z');
    });

    it('should answer 404 for an unknown contact and write nothing', async () => {
      const before = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM interactions');
      const res = await log(alice, { contactIds: [grace, '00000000-0000-4000-8000-000000000000'], followUp: {} }).expect(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.detail).toContain('00000000-0000-4000-8000-000000000000');
      const unknown = '00000000-0000-4000-8000-000000000001';
      for (const body of [{ organisationIds: [unknown] }, { participantIds: [unknown] }, { eventId: unknown }, { followUp: { assigneeId: unknown } }]) {
        await log(alice, { contactIds: [grace], ...body }).expect(404);
      }
      const after = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM interactions');
      expect(after[0].n).toBe(before[0].n);
      const followUps = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM follow_ups');
      expect(followUps[0].n).toBe(1);
    });

    it('should reject malformed bodies with 400 problems', async () => {
      await log(alice, { contactIds: [] }).expect(400);
      await log(alice, { contactIds: [grace], type: 'lunch' }).expect(400);
      await log(alice, { contactIds: [grace], reciprocity: 'take' }).expect(400);
      const res = await log(alice, { contactIds: [grace], mood: 'good' }).expect(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'mood' })]));
      await log(alice, { contactIds: [grace], followUp: { dueAt: 'tomorrow' } }).expect(400);
    });

    it('should create nothing new when a POST is retried with the same Idempotency-Key', async () => {
      const person = await contact('Idem', 'Potent');
      const body = { type: 'call', occurredAt: '2026-11-03T10:00:00Z', summary: 'Once', contactIds: [person], followUp: {} };
      const first = await t.api(alice.key).post('/interactions', body).set('Idempotency-Key', 'log-once-1').expect(201);
      const again = await t.api(alice.key).post('/interactions', body).set('Idempotency-Key', 'log-once-1').expect(201);
      expect(again.body.id).toBe(first.body.id);
      const rows = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM interaction_contacts WHERE contact_id = $1', [person]);
      expect(rows[0].n).toBe(1);
    });

    it('should keep last_interaction_at at the latest under concurrent writers', async () => {
      const person = await contact('Con', 'Current');
      const days = ['05', '09', '01', '07', '03', '08'];
      await Promise.all(days.map((d) => log(alice, { contactIds: [person], occurredAt: `2026-08-${d}T10:00:00Z` }).expect(201)));
      expect(await lastInteraction(person)).toBe('2026-08-09T10:00:00.000Z');
    });

    it('should let only staff and admin write: compliance and integration get 403', async () => {
      await log(compliance, { contactIds: [grace] }).expect(403);
      await t.api(integrationKey).post('/interactions', { type: 'call', occurredAt: '2026-11-02T10:00:00Z', summary: 'x', contactIds: [grace] }).expect(403);
      await t.api(integrationKey).get(`/contacts/${grace}/interactions`).expect(403);
      await t.request().get(`/api/v1/contacts/${grace}/interactions`).expect(401);
    });
  });

  describe('confidential interactions', () => {
    let id: string;
    beforeAll(async () => {
      const res = await log(alice, {
        contactIds: [linus],
        summary: 'Salary expectations',
        confidential: true,
        participantIds: [bob.id],
        occurredAt: '2026-11-10T09:00:00Z',
        followUp: { note: 'Offer 5% more', assigneeId: carol.id, dueAt: '2099-02-01T09:00:00Z' },
      }).expect(201);
      id = res.body.id;
    });

    it('should show the summary to the author, a participant, admin and compliance', async () => {
      for (const key of [alice.key, bob.key, compliance.key, t.adminKey]) {
        const res = await t.api(key).get(`/interactions/${id}`).expect(200);
        expect(res.body).toMatchObject({ summary: 'Salary expectations', summaryHidden: false, confidential: true });
      }
    });

    it('should tell other staff that it happened but not what was said, in the timeline too', async () => {
      const one = await t.api(carol.key).get(`/interactions/${id}`).expect(200);
      expect(one.body).toMatchObject({ id, summary: null, summaryHidden: true, confidential: true, contactIds: [linus] });
      const timeline = await t.api(carol.key).get(`/contacts/${linus}/interactions`).expect(200);
      expect(timeline.body.items.find((i: { id: string }) => i.id === id)).toMatchObject({ summary: null, summaryHidden: true });
      expect(JSON.stringify(timeline.body)).not.toContain('Salary');
    });

    it("should show the follow-up's note to its assignee and the interaction's readers only", async () => {
      const forCarol = await t.api(carol.key).get(`/follow-ups?interactionId=${id}`).expect(200);
      expect(forCarol.body.items[0]).toMatchObject({ note: 'Offer 5% more', noteHidden: false, assigneeId: carol.id });
      const otherStaff = await user('Dave');
      const forDave = await t.api(otherStaff.key).get(`/follow-ups?interactionId=${id}`).expect(200);
      expect(forDave.body.items[0]).toMatchObject({ note: null, noteHidden: true });
      const viaInteraction = await t.api(otherStaff.key).get(`/interactions/${id}`).expect(200);
      expect(viaInteraction.body.followUps[0]).toMatchObject({ note: null, noteHidden: true });
      const forBob = await t.api(bob.key).get(`/interactions/${id}`).expect(200);
      expect(forBob.body.followUps[0].note).toBe('Offer 5% more');
    });

    it('should keep the summary out of the audit trail', async () => {
      const rows = await t.sql<{ after: unknown }>(`SELECT after FROM audit_events WHERE entity_type = 'interaction' AND entity_id = $1`, [id]);
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain('Salary');
    });
  });

  describe('editing and archiving', () => {
    let id: string;
    beforeAll(async () => {
      id = (await log(alice, { contactIds: [ada], occurredAt: '2026-11-12T09:00:00Z', summary: 'First draft' }).expect(201)).body.id;
    });

    it('should let only the author or an admin edit, honour If-Match, and audit the change', async () => {
      await t.api(bob.key).patch(`/interactions/${id}`, { summary: 'Hijack' }).expect(403);
      await t.api(compliance.key).patch(`/interactions/${id}`, { summary: 'x' }).expect(403);
      await t.api(alice.key).patch(`/interactions/${id}`, { summary: 'Stale' }).set('If-Match', '"7"').expect(412);
      const res = await t.api(alice.key).patch(`/interactions/${id}`, { summary: 'Final', occurredAt: '2026-11-13T09:00:00Z' }).set('If-Match', '"1"').expect(200);
      expect(res.body).toMatchObject({ summary: 'Final', version: 2, occurredAt: '2026-11-13T09:00:00.000Z' });
      expect(res.headers.etag).toBe('"2"');
      expect(await lastInteraction(ada)).toBe('2026-11-13T09:00:00.000Z');
      for (const bad of [{ occurredAt: null }, { summary: null }, { contactIds: [] }, { confidential: null }, { authorId: bob.id }]) {
        await t.api(alice.key).patch(`/interactions/${id}`, bad).expect(400);
      }
      const unchanged = await t.api(alice.key).patch(`/interactions/${id}`, {}).expect(200);
      expect(unchanged.body.version).toBe(2);
      const admin = await t.api().patch(`/interactions/${id}`, { reciprocity: 'exchange' }).expect(200);
      expect(admin.body.version).toBe(3);
      const audits = await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE entity_type = 'interaction' AND entity_id = $1 ORDER BY written_seq`, [id]);
      expect(audits.map((a) => a.action)).toEqual(['create', 'update', 'update']);
    });

    it('should keep last_interaction_at right when contacts change and on archive', async () => {
      const created = (await log(alice, { contactIds: [ada], occurredAt: '2026-10-01T09:00:00Z', followUp: {} }).expect(201)).body;
      const older = created.id;
      expect(await lastInteraction(ada)).toBe('2026-11-13T09:00:00.000Z');
      // Move the newest one away from Ada: her last interaction falls back to the older one.
      await t.api(alice.key).patch(`/interactions/${id}`, { contactIds: [linus] }).expect(200);
      expect(await lastInteraction(ada)).toBe('2026-10-01T09:00:00.000Z');
      await t.api(bob.key).delete(`/interactions/${older}`).expect(403);
      await t.api(alice.key).delete(`/interactions/${older}`).set('If-Match', '"9"').expect(412);
      await t.api(alice.key).delete(`/interactions/${older}`).set('If-Match', '"1"').expect(204);
      expect(await lastInteraction(ada)).toBeNull();
      const timeline = await t.api(alice.key).get(`/contacts/${ada}/interactions`).expect(200);
      expect(timeline.body.items.map((i: { id: string }) => i.id)).not.toContain(older);
      const archived = await t.api(alice.key).get(`/interactions/${older}`).expect(200);
      expect(archived.body.archivedAt).not.toBeNull();
      expect(archived.body.followUps[0]).toMatchObject({ id: created.followUps[0].id, status: 'cancelled', completedBy: alice.id });
      await t.api(alice.key).delete(`/interactions/${older}`).expect(204);
    });
  });

  describe('timelines', () => {
    let person: string;
    let other: string;
    let org2: string;
    const ids: string[] = [];
    beforeAll(async () => {
      org2 = await org('Globex');
      person = await contact('Hedy', 'Lamarr', org2);
      other = await contact('Alan', 'Turing');
      for (const day of ['03', '01', '05']) {
        ids.push((await log(alice, { contactIds: [person], occurredAt: `2026-09-${day}T10:00:00Z` }).expect(201)).body.id);
      }
      // Linked to the organisation only, not to its person.
      ids.push((await log(bob, { contactIds: [other], organisationIds: [org2], occurredAt: '2026-09-04T10:00:00Z' }).expect(201)).body.id);
    });

    it("should list a contact's interactions newest first, page by page", async () => {
      const p1 = await t.api(carol.key).get(`/contacts/${person}/interactions?limit=2`).expect(200);
      expect(p1.body.items.map((i: { occurredAt: string }) => i.occurredAt)).toEqual(['2026-09-05T10:00:00.000Z', '2026-09-03T10:00:00.000Z']);
      expect(p1.body.nextCursor).toEqual(expect.any(String));
      const p2 = await t.api(carol.key).get(`/contacts/${person}/interactions?limit=2&cursor=${p1.body.nextCursor}`).expect(200);
      expect(p2.body.items.map((i: { occurredAt: string }) => i.occurredAt)).toEqual(['2026-09-01T10:00:00.000Z']);
      expect(p2.body.nextCursor).toBeNull();
    });

    it("should list an organisation's interactions across its people and its own links", async () => {
      const res = await t.api(compliance.key).get(`/organisations/${org2}/interactions`).expect(200);
      expect(res.body.items.map((i: { occurredAt: string }) => i.occurredAt)).toEqual([
        '2026-09-05T10:00:00.000Z',
        '2026-09-04T10:00:00.000Z',
        '2026-09-03T10:00:00.000Z',
        '2026-09-01T10:00:00.000Z',
      ]);
    });

    it('should answer 404 for unknown contacts and organisations', async () => {
      await t.api(alice.key).get('/contacts/00000000-0000-4000-8000-000000000000/interactions').expect(404);
      await t.api(alice.key).get('/organisations/00000000-0000-4000-8000-000000000000/interactions').expect(404);
      await t.api(alice.key).get('/contacts/not-a-uuid/interactions').expect(400);
    });
  });

  describe('follow-ups', () => {
    let late: string;
    let soon: string;
    let person: string;
    beforeAll(async () => {
      person = await contact('Katherine', 'Johnson');
      const i = (await log(bob, { contactIds: [person], occurredAt: '2026-01-05T10:00:00Z', followUp: { dueAt: '2026-01-08T10:00:00Z' } }).expect(201)).body;
      late = i.followUps[0].id;
      soon = (await t.api(bob.key).post('/follow-ups', { contactId: person, dueAt: '2099-01-01T09:00:00Z', note: 'Coffee' }).expect(201)).body.id;
    });

    it('should create one on its own for a contact, defaulting the assignee to the caller', async () => {
      const res = await t.api(bob.key).get(`/follow-ups/${soon}`).expect(200);
      expect(res.body).toMatchObject({ contactId: person, contactIds: [person], assigneeId: bob.id, status: 'open', overdue: false, interactionId: null });
      await t.api(bob.key).post('/follow-ups', { note: 'nothing to follow' }).expect(400);
      await t.api(bob.key).post('/follow-ups', { contactId: '00000000-0000-4000-8000-000000000000' }).expect(404);
      await t.api(compliance.key).post('/follow-ups', { contactId: person }).expect(403);
    });

    it('should filter overdue ones, by assignee and by contact', async () => {
      const overdue = await t.api(alice.key).get(`/follow-ups?overdue=true&assigneeId=${bob.id}`).expect(200);
      expect(overdue.body.items.map((f: { id: string }) => f.id)).toEqual([late]);
      expect(overdue.body.items[0].overdue).toBe(true);
      const byContact = await t.api(alice.key).get(`/follow-ups?contactId=${person}`).expect(200);
      expect(byContact.body.items.map((f: { id: string }) => f.id)).toEqual([late, soon]);
      const notOverdue = await t.api(alice.key).get(`/follow-ups?overdue=false&contactId=${person}`).expect(200);
      expect(notOverdue.body.items.map((f: { id: string }) => f.id)).toEqual([soon]);
      const asNumber = await t.api(alice.key).get(`/follow-ups?overdue=1&assigneeId=${bob.id}`).expect(200);
      expect(asNumber.body.items.map((f: { id: string }) => f.id)).toEqual([late]);
      await t.api(alice.key).get('/follow-ups?overdue=maybe').expect(400);
      await t.api(alice.key).get('/follow-ups?status=closed').expect(400);
    });

    it('should record who closed it and when, audit the change, and reopen', async () => {
      const done = await t.api(alice.key).patch(`/follow-ups/${late}`, { status: 'done' }).set('If-Match', '"1"').expect(200);
      expect(done.body).toMatchObject({ status: 'done', completedBy: alice.id, overdue: false, version: 2 });
      expect(new Date(done.body.completedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
      const open = await t.api(alice.key).get(`/follow-ups?status=open&contactId=${person}`).expect(200);
      expect(open.body.items.map((f: { id: string }) => f.id)).toEqual([soon]);
      const audit = await t.sql<{ action: string; actor_id: string; after: { status: string; completedBy: string } }>(
        `SELECT action, actor_id, after FROM audit_events WHERE entity_type = 'follow_up' AND entity_id = $1 ORDER BY written_seq`, [late]);
      expect(audit.map((a) => a.action)).toEqual(['create', 'status_done']);
      expect(audit[1]).toMatchObject({ actor_id: alice.id, after: { status: 'done', completedBy: alice.id } });
      const reopened = await t.api(alice.key).patch(`/follow-ups/${late}`, { status: 'open' }).expect(200);
      expect(reopened.body).toMatchObject({ status: 'open', completedAt: null, completedBy: null, overdue: true });
      await t.api(alice.key).patch(`/follow-ups/${late}`, { status: 'finished' }).expect(400);
      await t.api(alice.key).patch(`/follow-ups/${late}`, { dueAt: null }).expect(400);
      await t.api(alice.key).patch(`/follow-ups/${late}`, { status: 'done' }).set('If-Match', '"1"').expect(412);
    });

    it('should serve open follow-ups as an iCalendar feed behind a per-user token', async () => {
      await t.request().get('/api/v1/follow-ups.ics').expect(401);
      await t.request().get('/api/v1/follow-ups.ics?token=rcal_nope').expect(401);
      const issued = await t.api(bob.key).post('/follow-ups/calendar-token').expect(201);
      expect(issued.body).toMatchObject({ userId: bob.id, token: expect.stringMatching(/^rcal_/) });
      const stored = await t.sql<{ token_hash: string }>('SELECT token_hash FROM calendar_tokens WHERE user_id = $1', [bob.id]);
      expect(stored[0].token_hash).not.toContain(issued.body.token);
      const res = await t.request().get(`/api/v1/follow-ups.ics?token=${issued.body.token}`).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/calendar/);
      const ics = res.text.replace(/\r\n[ \t]/g, '');
      expect(ics.startsWith('BEGIN:VCALENDAR')).toBe(true);
      expect(ics.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
      expect(ics).toContain('VERSION:2.0');
      expect(ics.match(/BEGIN:VEVENT/g)?.length).toBe((ics.match(/END:VEVENT/g) ?? []).length);
      expect(ics).toContain(`UID:follow-up-${soon}@rapport`);
      expect(ics).toContain('SUMMARY:Follow up: Katherine Johnson');
      expect(ics).toContain('DTSTART:20990101T090000Z');
      expect(ics).toContain('DESCRIPTION:Coffee');
      // Rotation revokes the old token; staff cannot mint tokens for others.
      await t.api(bob.key).post(`/users/${alice.id}/calendar-token`).expect(403);
      const rotated = await t.api().post(`/users/${bob.id}/calendar-token`).expect(201);
      await t.request().get(`/api/v1/follow-ups.ics?token=${issued.body.token}`).expect(401);
      await t.request().get(`/api/v1/follow-ups.ics?token=${rotated.body.token}`).expect(200);
    });
  });

  describe('events and representatives', () => {
    let event: string;
    let person: string;
    beforeAll(async () => {
      person = await contact('Margaret', 'Hamilton');
      const res = await t.api(alice.key).post('/events', { name: 'Hannover Messe', startsAt: '2026-04-20T08:00:00Z', endsAt: '2026-04-24T17:00:00Z', location: 'Hannover', organiserId: acme, representativeIds: [alice.id] }).expect(201);
      event = res.body.id;
      expect(res.body).toMatchObject({ name: 'Hannover Messe', representativeIds: [alice.id], organiserId: acme, version: 1 });
    });

    it('should validate, read, list and edit events', async () => {
      await t.api(alice.key).post('/events', { name: 'x', startsAt: '2026-04-20T08:00:00Z', endsAt: '2026-04-19T08:00:00Z' }).expect(400);
      await t.api(alice.key).post('/events', { name: 'x', startsAt: '2026-04-20T08:00:00Z', organiserId: '00000000-0000-4000-8000-000000000000' }).expect(404);
      await t.api(compliance.key).post('/events', { name: 'x', startsAt: '2026-04-20T08:00:00Z' }).expect(403);
      await t.api(compliance.key).get(`/events/${event}`).expect(200);
      const list = await t.api(bob.key).get('/events').expect(200);
      expect(list.body.items.map((e: { id: string }) => e.id)).toContain(event);
      const edited = await t.api(alice.key).patch(`/events/${event}`, { location: 'Hannover Messegelände' }).set('If-Match', '"1"').expect(200);
      expect(edited.body).toMatchObject({ location: 'Hannover Messegelände', version: 2 });
      await t.api(alice.key).patch(`/events/${event}`, { location: 'x' }).set('If-Match', '"1"').expect(412);
    });

    it('should flag interactions at the event by staff who are not representatives', async () => {
      const byRep = await log(alice, { contactIds: [person], eventId: event, occurredAt: '2026-04-21T10:00:00Z', followUp: { dueAt: '2026-04-22T10:00:00Z' } }).expect(201);
      expect(byRep.body.flags).toEqual([]);
      expect(byRep.body.followUps[0].eventId).toBe(event);
      const byOther = await log(bob, { contactIds: [person, ada], eventId: event, occurredAt: '2026-04-21T11:00:00Z', followUp: { dueAt: '2099-01-01T00:00:00Z' } }).expect(201);
      expect(byOther.body.flags).toEqual(['not_representative']);
      const flagged = await t.api(compliance.key).get('/interactions?flag=not_representative').expect(200);
      expect(flagged.body.items.map((i: { id: string }) => i.id)).toEqual([byOther.body.id]);
      await t.api(alice.key).patch(`/follow-ups/${byRep.body.followUps[0].id}`, { status: 'done' }).expect(200);
      // One more, late and open.
      await t.api(alice.key).post('/follow-ups', { interactionId: byRep.body.id, dueAt: '2026-05-01T10:00:00Z' }).expect(201);
    });

    it('should summarise the event: contacts met, interactions, follow-ups open, late and done', async () => {
      const res = await t.api(compliance.key).get(`/events/${event}/summary`).expect(200);
      expect(res.body).toMatchObject({ eventId: event, contactsMet: 2, interactionsLogged: 2, followUpsOpen: 2, followUpsLate: 1, followUpsDone: 1 });
      const byEvent = await t.api(alice.key).get(`/follow-ups?eventId=${event}`).expect(200);
      expect(byEvent.body.items).toHaveLength(3);
      await t.api(alice.key).get('/events/00000000-0000-4000-8000-000000000000/summary').expect(404);
    });
  });

  describe('conflicts of interest and competition-sensitive reviews', () => {
    let rival: string;
    let rivalPerson: string;
    beforeAll(async () => {
      rival = await org('Rival AG');
      rivalPerson = await contact('Frank', 'Rival', rival);
    });

    it('should let staff declare their own conflicts only, and admins any', async () => {
      const res = await t.api(carol.key).post(`/users/${carol.id}/conflicts`, { organisationId: rival, description: 'Spouse works there' }).expect(201);
      expect(res.body).toMatchObject({ userId: carol.id, organisationId: rival, organisationName: 'Rival AG' });
      await t.api(carol.key).post(`/users/${carol.id}/conflicts`, { organisationId: rival }).expect(409);
      await t.api(bob.key).post(`/users/${carol.id}/conflicts`, { organisationId: acme }).expect(403);
      await t.api(compliance.key).post(`/users/${compliance.id}/conflicts`, { organisationId: acme }).expect(403);
      await t.api().post(`/users/${bob.id}/conflicts`, { organisationId: acme }).expect(201);
      await t.api(carol.key).post(`/users/${carol.id}/conflicts`, { organisationId: '00000000-0000-4000-8000-000000000000' }).expect(404);
      const list = await t.api(compliance.key).get(`/users/${carol.id}/conflicts`).expect(200);
      expect(list.body.items).toHaveLength(1);
      await t.api(bob.key).get(`/users/${carol.id}/conflicts`).expect(403);
    });

    it('should flag an interaction with an organisation the author declared a conflict with', async () => {
      const viaContact = await log(carol, { contactIds: [rivalPerson] }).expect(201);
      expect(viaContact.body.flags).toEqual(['conflict_of_interest']);
      const viaOrg = await log(carol, { contactIds: [grace], organisationIds: [rival] }).expect(201);
      expect(viaOrg.body.flags).toEqual(['conflict_of_interest']);
      const asParticipant = await log(alice, { contactIds: [rivalPerson], participantIds: [carol.id] }).expect(201);
      expect(asParticipant.body.flags).toEqual(['conflict_of_interest']);
      const clean = await log(alice, { contactIds: [rivalPerson] }).expect(201);
      expect(clean.body.flags).toEqual([]);
    });

    it('should queue competition-sensitive interactions for compliance, who clear or escalate them', async () => {
      const s = await log(alice, { contactIds: [rivalPerson], competitionSensitive: true, summary: 'Prices' }).expect(201);
      expect(s.body.review).toMatchObject({ status: 'pending' });
      const queue = await t.api(compliance.key).get('/interactions?review=pending').expect(200);
      expect(queue.body.items.map((i: { id: string }) => i.id)).toEqual([s.body.id]);
      await t.api(alice.key).post(`/interactions/${s.body.id}/review`, { decision: 'cleared' }).expect(403);
      await t.api(compliance.key).post(`/interactions/${s.body.id}/review`, { decision: 'ignored' }).expect(400);
      const decided = await t.api(compliance.key).post(`/interactions/${s.body.id}/review`, { decision: 'escalated', note: 'Legal to look' }).expect(200);
      expect(decided.body.review).toMatchObject({ status: 'escalated', note: 'Legal to look', decidedBy: compliance.id });
      const empty = await t.api(compliance.key).get('/interactions?review=pending').expect(200);
      expect(empty.body.items).toEqual([]);
      const audit = await t.sql<{ action: string; actor_id: string }>(`SELECT action, actor_id FROM audit_events WHERE entity_id = $1 ORDER BY written_seq`, [s.body.id]);
      expect(audit.map((a) => a.action)).toEqual(['create', 'review_escalated']);
      expect(audit[1].actor_id).toBe(compliance.id);
      const plain = await log(alice, { contactIds: [grace] }).expect(201);
      await t.api(compliance.key).post(`/interactions/${plain.body.id}/review`, { decision: 'cleared' }).expect(409);
    });
  });

  describe('networks: memberships and reviews', () => {
    let network: string;
    let company: string;
    beforeAll(async () => {
      network = await org('Cluster Nord', 'network');
      company = await org('Initech');
    });

    it('should record organisations and staff as members of a network', async () => {
      const m1 = await t.api(alice.key).post(`/organisations/${network}/memberships`, { memberOrganisationId: company, role: 'member', since: '2025-01-01' }).expect(201);
      expect(m1.body).toMatchObject({ networkId: network, memberOrganisationId: company, memberOrganisationName: 'Initech', userId: null, role: 'member', since: '2025-01-01', active: true });
      await t.api(alice.key).post(`/organisations/${network}/memberships`, { userId: bob.id, role: 'board' }).expect(201);
      const list = await t.api(compliance.key).get(`/organisations/${network}/memberships`).expect(200);
      expect(list.body.items.map((m: { role: string }) => m.role)).toEqual(['member', 'board']);
      // Keyset paging on microsecond timestamps: each member exactly once.
      await t.api(alice.key).post(`/organisations/${network}/memberships`, { userId: carol.id, role: 'guest' }).expect(201);
      const roles: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { role: string }[]; nextCursor: string | null } } = await t.api(alice.key).get(`/organisations/${network}/memberships?limit=1${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        roles.push(...page.body.items.map((m: { role: string }) => m.role));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(roles).toEqual(['member', 'board', 'guest']);
    });

    it('should refuse bad memberships', async () => {
      await t.api(alice.key).post(`/organisations/${network}/memberships`, { memberOrganisationId: company, userId: bob.id }).expect(400);
      await t.api(alice.key).post(`/organisations/${network}/memberships`, { role: 'member' }).expect(400);
      await t.api(alice.key).post(`/organisations/${company}/memberships`, { userId: bob.id }).expect(409);
      await t.api(alice.key).post('/organisations/00000000-0000-4000-8000-000000000000/memberships', { userId: bob.id }).expect(404);
      await t.api(alice.key).post(`/organisations/${network}/memberships`, { userId: '00000000-0000-4000-8000-000000000000' }).expect(404);
      await t.api(compliance.key).post(`/organisations/${network}/memberships`, { userId: bob.id }).expect(403);
    });

    it('should score the eleven success factors and show the trend per factor', async () => {
      const factors = (score: number) => ({
        personalEngagement: { score, note: 'n' },
        sharedGoals: { score },
        visibleBenefit: { score },
        commitmentReliability: { score },
        clearTasks: { score },
        acceptedRules: { score },
        targetGroupFocus: { score },
        decisionMakersInvolved: { score },
        memberAutonomy: { score },
        internalPersuasion: { score },
        connectionToExistingNetworks: { score },
      });
      await t.api(alice.key).post(`/organisations/${network}/reviews`, { reviewedOn: '2026-01-15', factors: factors(2) }).expect(201);
      const second = { ...factors(4), sharedGoals: { score: 1, note: 'goals drifted' } };
      const r2 = await t.api(alice.key).post(`/organisations/${network}/reviews`, { reviewedOn: '2026-06-15', factors: second }).expect(201);
      expect(r2.body).toMatchObject({ reviewerId: alice.id, reviewedOn: '2026-06-15', factors: { sharedGoals: { score: 1, note: 'goals drifted' } } });
      await t.api(alice.key).post(`/organisations/${network}/reviews`, { factors: { ...factors(3), clearTasks: { score: 6 } } }).expect(400);
      const { sharedGoals: _omitted, ...incomplete } = factors(3);
      void _omitted;
      await t.api(alice.key).post(`/organisations/${network}/reviews`, { factors: incomplete }).expect(400);
      await t.api(alice.key).post(`/organisations/${company}/reviews`, { factors: factors(3) }).expect(409);
      const res = await t.api(compliance.key).get(`/organisations/${network}/reviews`).expect(200);
      expect(res.body.items.map((r: { reviewedOn: string }) => r.reviewedOn)).toEqual(['2026-06-15', '2026-01-15']);
      expect(res.body.trend).toHaveLength(11);
      expect(res.body.trend.find((f: { factor: string }) => f.factor === 'personalEngagement')).toMatchObject({ scores: [2, 4], latest: 4, previous: 2, change: 2, direction: 'up', average: 3 });
      expect(res.body.trend.find((f: { factor: string }) => f.factor === 'sharedGoals')).toMatchObject({ scores: [2, 1], change: -1, direction: 'down' });
    });
  });

  describe('who knows whom', () => {
    let target: string;
    beforeAll(async () => {
      target = await contact('Barbara', 'Liskov');
      const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
      // Bob: three meetings more than a year ago. Carol: one last week. Alice: two recent, one as participant.
      for (const n of [400, 420, 440]) await log(bob, { contactIds: [target], occurredAt: daysAgo(n) }).expect(201);
      await log(carol, { contactIds: [target], occurredAt: daysAgo(7) }).expect(201);
      await log(alice, { contactIds: [target], occurredAt: daysAgo(2) }).expect(201);
      await log(carol, { contactIds: [target], participantIds: [alice.id], occurredAt: daysAgo(30) }).expect(201);
    });

    it('should rank the staff who know a contact by recency-weighted frequency', async () => {
      const res = await t.api(bob.key).get(`/contacts/${target}/relationships`).expect(200);
      expect(res.body.items.map((r: { userId: string }) => r.userId)).toEqual([alice.id, carol.id, bob.id]);
      const [a, c, b] = res.body.items;
      expect(a).toMatchObject({ name: 'Alice', interactionCount: 2 });
      expect(c).toMatchObject({ name: 'Carol', interactionCount: 2 });
      expect(b).toMatchObject({ name: 'Bob', interactionCount: 3 });
      expect(a.strength).toBeCloseTo(Math.exp(-2 / 90) + Math.exp(-30 / 90), 2);
      expect(b.strength).toBeLessThan(0.1);
      expect(res.body.nextCursor).toBeNull();
      const page = await t.api(bob.key).get(`/contacts/${target}/relationships?limit=1`).expect(200);
      expect(page.body.items).toHaveLength(1);
      const next = await t.api(bob.key).get(`/contacts/${target}/relationships?limit=1&cursor=${page.body.nextCursor}`).expect(200);
      expect(next.body.items[0].userId).toBe(carol.id);
      await t.api(bob.key).get('/contacts/00000000-0000-4000-8000-000000000000/relationships').expect(404);
    });

    it("should show a staff member's own network, strongest first", async () => {
      const res = await t.api(bob.key).get(`/users/${bob.id}/relationships`).expect(200);
      const ids = res.body.items.map((r: { contactId: string }) => r.contactId);
      expect(ids).toContain(target);
      expect(res.body.items.find((r: { contactId: string }) => r.contactId === target)).toMatchObject({ givenName: 'Barbara', familyName: 'Liskov', interactionCount: 3 });
      const strengths = res.body.items.map((r: { strength: number }) => r.strength);
      expect(strengths).toEqual([...strengths].sort((x: number, y: number) => y - x));
      const carols = await t.api(bob.key).get(`/users/${carol.id}/relationships`).expect(200);
      expect(carols.body.items[0]).toMatchObject({ contactId: target, interactionCount: 2 });
    });
  });
});
