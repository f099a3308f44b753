import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * Issue 14, events: goals and key messages, attendees (roles, 404/409/400, audit, export, erasure, merge), the
 * briefing, the follow-through after the event, the follow-ups report per event, and deleting an event.
 *
 * The fair starts 2026-11-20 08:00 UTC. Attendees:
 *   inTime  met there (Alice, Bob participating), follow-up due 2099, done now        → followedUp, followedUpInTime
 *   late    met there (Alice), follow-up due 2026-11-22, done now                      → followedUp (late)
 *   open    met there (Bob), follow-up still open                                      → open
 *   called  not met there, a call on 2026-11-25 not linked to the event               → contacted, not met
 *   never   only an interaction before the fair (2026-10-01, Alice)                    → notContacted
 *   gone    archived after being recorded, never contacted                            → notContacted, not in the briefing
 * stranger  met at the fair but not recorded as an attendee                            → not counted
 */
describe('Events: attendees, briefing, follow-through (issue 14)', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const key: Record<string, string> = {};
  const NOW_DONE = (id: string, k: string) => t.api(k).patch(`/follow-ups/${id}`, { status: 'done' }).expect(200);

  const contact = async (givenName: string, familyName = 'Tester') =>
    (await t.api(key.alice).post('/contacts', { givenName, familyName }).expect(201)).body.id as string;
  const log = async (k: string, body: Record<string, unknown>) =>
    (await t.api(k).post('/interactions', { type: 'meeting', summary: 'Talked', ...body }).expect(201)).body as {
      id: string;
      followUps: { id: string }[];
    };

  beforeAll(async () => {
    t = await createTestApp();
    for (const name of ['Alice', 'Bob']) {
      const u = await t.api().post('/users', { name, email: `${name}@example.test`, role: 'staff' }).expect(201);
      ids[name] = u.body.id;
      key[name.toLowerCase()] = await t.createKey('staff', { userId: u.body.id });
    }
    key.compliance = await t.createKey('compliance');
    const recipient = await t.api().post('/recipients', { name: 'HR tool', kind: 'internal_tool' }).expect(201);
    key.integration = await t.createKey('integration', { recipientId: recipient.body.id });

    const fair = await t
      .api(key.alice)
      .post('/events', {
        name: 'Hannover Messe',
        startsAt: '2026-11-20T08:00:00Z',
        representativeIds: [ids.Alice, ids.Bob],
        goals: 'Meet three buyers from the automotive sector',
        keyMessages: ['We ship in two weeks', 'Ask about the pilot'],
      })
      .expect(201);
    ids.fair = fair.body.id;
    for (const n of ['inTime', 'late', 'open', 'called', 'never', 'gone', 'stranger']) ids[n] = await contact(n);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('goals and key messages', () => {
    it('should be created, read and patched', async () => {
      const e = await t.api(key.bob).get(`/events/${ids.fair}`).expect(200);
      expect(e.body).toMatchObject({ goals: 'Meet three buyers from the automotive sector', keyMessages: ['We ship in two weeks', 'Ask about the pilot'] });
      const other = await t.api(key.bob).post('/events', { name: 'Small meetup', startsAt: '2026-12-01T18:00:00Z' }).expect(201);
      expect(other.body).toMatchObject({ goals: null, keyMessages: [] });
      const patched = await t.api(key.bob).patch(`/events/${other.body.id}`, { goals: 'Listen', keyMessages: ['Hello'] }).expect(200);
      expect(patched.body).toMatchObject({ goals: 'Listen', keyMessages: ['Hello'], version: 2 });
      const cleared = await t.api(key.bob).patch(`/events/${other.body.id}`, { goals: null, keyMessages: [] }).expect(200);
      expect(cleared.body).toMatchObject({ goals: null, keyMessages: [] });
    });

    it('should reject malformed goals and key messages with 400', async () => {
      const base = { name: 'X', startsAt: '2026-12-01T18:00:00Z' };
      for (const bad of [{ goals: 'x'.repeat(4001) }, { keyMessages: ['x'.repeat(1001)] }, { keyMessages: 'one' }, { keyMessages: [''] }, { keyMessages: Array(51).fill('m') }, { keyMessages: null }]) {
        const r = await t.api(key.alice).post('/events', { ...base, ...bad }).expect(400);
        expect(r.headers['content-type']).toContain('application/problem+json');
      }
      await t.api(key.alice).patch(`/events/${ids.fair}`, { keyMessages: [42] }).expect(400);
    });
  });

  describe('attendees', () => {
    it('should record attendees (201), list them, and refuse a repeat with 409', async () => {
      const r = await t.api(key.alice).post(`/events/${ids.fair}/attendees`, { contactId: ids.inTime, note: 'Buyer, decides in Q1' }).expect(201);
      expect(r.body).toMatchObject({ eventId: ids.fair, contactId: ids.inTime, note: 'Buyer, decides in Q1' });
      expect(typeof r.body.createdAt).toBe('string');
      for (const n of ['late', 'open', 'called', 'never', 'gone']) {
        await t.api(key.bob).post(`/events/${ids.fair}/attendees`, { contactId: ids[n] }).expect(201);
      }
      const again = await t.api(key.bob).post(`/events/${ids.fair}/attendees`, { contactId: ids.inTime }).expect(409);
      expect(again.headers['content-type']).toContain('application/problem+json');
      expect(again.body.status).toBe(409);

      const page1 = await t.api(key.compliance).get(`/events/${ids.fair}/attendees?limit=4`).expect(200);
      expect(page1.body.items).toHaveLength(4);
      expect(page1.body.nextCursor).toEqual(expect.any(String));
      const page2 = await t.api(key.compliance).get(`/events/${ids.fair}/attendees?limit=4&cursor=${encodeURIComponent(page1.body.nextCursor)}`).expect(200);
      expect(page2.body.nextCursor).toBeNull();
      const all = [...page1.body.items, ...page2.body.items].map((a: { contactId: string }) => a.contactId);
      expect(all).toEqual([ids.inTime, ids.late, ids.open, ids.called, ids.never, ids.gone]);

      const audit = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'event_attendee' AND entity_id = $1 AND action = 'create'`,
        [ids.fair],
      );
      expect(audit[0].n).toBe(6);
    });

    it('should answer 404 for an unknown event or contact (an erased contact is unknown), 400 for malformed input', async () => {
      const nobody = '00000000-0000-4000-8000-000000000000';
      expect((await t.api(key.alice).post(`/events/${nobody}/attendees`, { contactId: ids.inTime }).expect(404)).body.status).toBe(404);
      const unknownContact = await t.api(key.alice).post(`/events/${ids.fair}/attendees`, { contactId: nobody }).expect(404);
      expect(unknownContact.body.detail).toContain(nobody);
      const erased = await contact('Erased');
      await t.api(key.compliance).post(`/contacts/${erased}/erase`, {}).expect((r) => expect([200, 201]).toContain(r.status));
      await t.api(key.alice).post(`/events/${ids.fair}/attendees`, { contactId: erased }).expect(404);
      await t.api(key.alice).get(`/events/${nobody}/attendees`).expect(404);
      await t.api(key.alice).delete(`/events/${nobody}/attendees/${ids.inTime}`).expect(404);
      await t.api(key.alice).delete(`/events/${ids.fair}/attendees/${ids.stranger}`).expect(404);

      await t.api(key.alice).post(`/events/${ids.fair}/attendees`, { contactId: 'not-a-uuid' }).expect(400);
      await t.api(key.alice).post(`/events/${ids.fair}/attendees`, {}).expect(400);
      await t.api(key.alice).post(`/events/${ids.fair}/attendees`, { contactId: ids.stranger, role: 'vip' }).expect(400);
      await t.api(key.alice).post(`/events/${ids.fair}/attendees`, { contactId: ids.stranger, note: 'x'.repeat(2001) }).expect(400);
      await t.api(key.alice).post(`/events/not-a-uuid/attendees`, { contactId: ids.stranger }).expect(400);
      await t.api(key.alice).delete(`/events/${ids.fair}/attendees/not-a-uuid`).expect(400);
    });

    it('should let staff write, compliance read only, integration never', async () => {
      const fair = ids.fair;
      await t.api(key.compliance).post(`/events/${fair}/attendees`, { contactId: ids.stranger }).expect(403);
      await t.api(key.compliance).delete(`/events/${fair}/attendees/${ids.inTime}`).expect(403);
      await t.api(key.compliance).delete(`/events/${fair}`).expect(403);
      for (const path of ['attendees', 'briefing', 'follow-through']) {
        await t.api(key.compliance).get(`/events/${fair}/${path}`).expect(200);
        await t.api(key.integration).get(`/events/${fair}/${path}`).expect(403);
      }
      await t.api(key.integration).post(`/events/${fair}/attendees`, { contactId: ids.stranger }).expect(403);
      await t.api(key.integration).delete(`/events/${fair}/attendees/${ids.inTime}`).expect(403);
      await t.api(key.integration).delete(`/events/${fair}`).expect(403);
    });

    it('should remove an attendee (204, audited) and allow recording them again', async () => {
      await t.api(key.alice).post(`/events/${ids.fair}/attendees`, { contactId: ids.stranger }).expect(201);
      await t.api(key.alice).delete(`/events/${ids.fair}/attendees/${ids.stranger}`).expect(204);
      const list = await t.api(key.alice).get(`/events/${ids.fair}/attendees`).expect(200);
      expect(list.body.items.map((a: { contactId: string }) => a.contactId)).not.toContain(ids.stranger);
      await t.api(key.alice).delete(`/events/${ids.fair}/attendees/${ids.stranger}`).expect(404);
      const audit = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'event_attendee' AND entity_id = $1 AND action = 'delete'`,
        [ids.fair],
      );
      expect(audit[0].n).toBe(1);
    });
  });

  describe('the fair and the week after', () => {
    beforeAll(async () => {
      // Before the fair: Alice met "never" once.
      await log(key.alice, { occurredAt: '2026-10-01T10:00:00Z', contactIds: [ids.never] });
      // At the fair.
      const a = await log(key.alice, {
        occurredAt: '2026-11-20T10:00:00Z', eventId: ids.fair, contactIds: [ids.inTime], participantIds: [ids.Bob],
        followUp: { dueAt: '2099-01-01T00:00:00Z' },
      });
      const b = await log(key.alice, { occurredAt: '2026-11-20T11:00:00Z', eventId: ids.fair, contactIds: [ids.late], followUp: { dueAt: '2026-11-22T00:00:00Z' } });
      await log(key.bob, { occurredAt: '2026-11-20T12:00:00Z', eventId: ids.fair, contactIds: [ids.open], followUp: { dueAt: '2099-01-01T00:00:00Z' } });
      await log(key.bob, { occurredAt: '2026-11-20T13:00:00Z', eventId: ids.fair, contactIds: [ids.stranger], followUp: { dueAt: '2099-01-01T00:00:00Z' } });
      // After it: a call to "called", not linked to the fair.
      await log(key.bob, { type: 'call', occurredAt: '2026-11-25T09:00:00Z', contactIds: [ids.called] });
      await NOW_DONE(a.followUps[0].id, key.alice);
      await NOW_DONE(b.followUps[0].id, key.alice);
      await t.api(key.alice).delete(`/contacts/${ids.gone}`).expect((r) => expect([200, 204]).toContain(r.status));
    });

    it('briefing: the event, and per attendee who on staff knows them, their last interaction and open follow-ups', async () => {
      const r = await t.api(key.bob).get(`/events/${ids.fair}/briefing`).expect(200);
      expect(r.body.event).toEqual({
        id: ids.fair,
        name: 'Hannover Messe',
        startsAt: '2026-11-20T08:00:00.000Z',
        goals: 'Meet three buyers from the automotive sector',
        keyMessages: ['We ship in two weeks', 'Ask about the pilot'],
        representativeIds: [ids.Alice, ids.Bob].sort(),
      });
      const by = Object.fromEntries(r.body.attendees.map((a: { contactId: string }) => [a.contactId, a]));
      // The archived attendee is left out; the stranger never attended.
      expect(Object.keys(by).sort()).toEqual([ids.inTime, ids.late, ids.open, ids.called, ids.never].sort());
      expect(by[ids.inTime]).toMatchObject({
        givenName: 'inTime', familyName: 'Tester', organisationId: null, lastInteractionAt: '2026-11-20T10:00:00.000Z', openFollowUps: 0,
      });
      expect(by[ids.inTime].knownBy.map((k: { userId: string }) => k.userId).sort()).toEqual([ids.Alice, ids.Bob].sort());
      expect(by[ids.inTime].knownBy[0]).toMatchObject({ lastInteractionAt: '2026-11-20T10:00:00.000Z', interactions: 1 });
      expect(by[ids.open]).toMatchObject({ openFollowUps: 1, knownBy: [{ userId: ids.Bob, interactions: 1, lastInteractionAt: '2026-11-20T12:00:00.000Z' }] });
      expect(by[ids.never]).toMatchObject({ lastInteractionAt: '2026-10-01T10:00:00.000Z', knownBy: [{ userId: ids.Alice, interactions: 1 }] });
      expect(by[ids.called]).toMatchObject({ lastInteractionAt: '2026-11-25T09:00:00.000Z', knownBy: [{ userId: ids.Bob }] });
      await t.api(key.bob).get('/events/00000000-0000-4000-8000-000000000000/briefing').expect(404);
    });

    it('follow-through: met, followed up (in time), open and not contacted, with the contact ids', async () => {
      const r = await t.api(key.compliance).get(`/events/${ids.fair}/follow-through`).expect(200);
      expect(r.body).toMatchObject({ attendees: 6, met: 3, followedUp: 2, followedUpInTime: 1, open: 1, notContacted: 2 });
      const c = r.body.contactIds;
      expect(c.met.sort()).toEqual([ids.inTime, ids.late, ids.open].sort());
      expect(c.followedUp.sort()).toEqual([ids.inTime, ids.late].sort());
      expect(c.followedUpInTime).toEqual([ids.inTime]);
      expect(c.open).toEqual([ids.open]);
      expect(c.notContacted.sort()).toEqual([ids.never, ids.gone].sort());
      await t.api(key.bob).get('/events/00000000-0000-4000-8000-000000000000/follow-through').expect(404);
    });

    it('the follow-ups report filtered by event, with the follow-through (admin and compliance only)', async () => {
      const r = await t.api(key.compliance).get(`/reports/follow-ups?eventId=${ids.fair}`).expect(200);
      // Four follow-ups at the fair: two done (one in time, one late), two open (not overdue).
      expect(r.body).toMatchObject({ total: 4, open: 2, overdue: 0, doneOnTime: 1, doneLate: 1, cancelled: 0 });
      expect(r.body.byEvent).toEqual([expect.objectContaining({ eventId: ids.fair, total: 4 })]);
      expect(r.body.followThrough).toEqual({ eventId: ids.fair, attendees: 6, met: 3, followedUp: 2, followedUpInTime: 1, open: 1, notContacted: 2 });
      const whole = await t.api().get('/reports/follow-ups').expect(200);
      expect(whole.body.followThrough).toBeUndefined();
      await t.api(key.bob).get(`/reports/follow-ups?eventId=${ids.fair}`).expect(403);
      await t.api(key.integration).get(`/reports/follow-ups?eventId=${ids.fair}`).expect(403);
      await t.api(key.compliance).get('/reports/follow-ups?eventId=00000000-0000-4000-8000-000000000000').expect(404);
      await t.api(key.compliance).get('/reports/follow-ups?eventId=nope').expect(400);
    });

    it('export shows the attendance; erasure deletes it; the follow-through no longer counts the person', async () => {
      const exp = await t.api(key.compliance).get(`/contacts/${ids.never}/export`).expect(200);
      expect(exp.body.other.event_attendees).toEqual([
        expect.objectContaining({ eventId: ids.fair, eventName: 'Hannover Messe', note: null }),
      ]);
      await t.api(key.compliance).post(`/contacts/${ids.never}/erase`, {}).expect((r) => expect([200, 201]).toContain(r.status));
      expect(await t.sql('SELECT 1 FROM event_attendees WHERE contact_id = $1', [ids.never])).toHaveLength(0);
      const r = await t.api(key.alice).get(`/events/${ids.fair}/follow-through`).expect(200);
      expect(r.body).toMatchObject({ attendees: 5, notContacted: 1 });
      expect(r.body.contactIds.notContacted).toEqual([ids.gone]);
    });
  });

  describe('merge and delete', () => {
    it('merge moves a duplicate’s attendances to the survivor without a second row for a shared event', async () => {
      const other = (await t.api(key.alice).post('/events', { name: 'Second fair', startsAt: '2026-12-10T08:00:00Z' }).expect(201)).body.id;
      const dup = await contact('inTime');
      await t.api(key.alice).post(`/events/${ids.fair}/attendees`, { contactId: dup, note: 'dup' }).expect(201);
      await t.api(key.alice).post(`/events/${other}/attendees`, { contactId: dup }).expect(201);
      await t.api(key.alice).post(`/contacts/${ids.inTime}/merge`, { duplicateId: dup }).expect(200);
      const onFair = await t.api(key.alice).get(`/events/${ids.fair}/attendees?limit=200`).expect(200);
      const fairIds = onFair.body.items.map((a: { contactId: string }) => a.contactId);
      expect(fairIds.filter((x: string) => x === ids.inTime)).toHaveLength(1);
      expect(fairIds).not.toContain(dup);
      const onOther = await t.api(key.alice).get(`/events/${other}/attendees`).expect(200);
      expect(onOther.body.items.map((a: { contactId: string }) => a.contactId)).toEqual([ids.inTime]);
    });

    it('DELETE /events/:id: 204 without interactions (attendees go with it), 409 with, 412 on a stale If-Match', async () => {
      const ev = (await t.api(key.alice).post('/events', { name: 'Cancelled meetup', startsAt: '2026-12-20T18:00:00Z' }).expect(201)).body;
      await t.api(key.alice).post(`/events/${ev.id}/attendees`, { contactId: ids.called }).expect(201);
      await t.api(key.alice).delete(`/events/${ev.id}`).set('If-Match', '"7"').expect(412);
      await t.api(key.alice).delete(`/events/${ev.id}`).set('If-Match', `"${ev.version}"`).expect(204);
      await t.api(key.alice).get(`/events/${ev.id}`).expect(404);
      await t.api(key.alice).delete(`/events/${ev.id}`).expect(404);
      expect(await t.sql('SELECT 1 FROM event_attendees WHERE event_id = $1', [ev.id])).toHaveLength(0);
      const audit = await t.sql(`SELECT 1 FROM audit_events WHERE entity_type = 'event' AND entity_id = $1 AND action = 'delete'`, [ev.id]);
      expect(audit).toHaveLength(1);

      const busy = await t.api(key.alice).delete(`/events/${ids.fair}`).expect(409);
      expect(busy.headers['content-type']).toContain('application/problem+json');
      expect(busy.body).toMatchObject({ status: 409 });
      await t.api(key.alice).get(`/events/${ids.fair}`).expect(200);

      // A follow-up naming the event without an interaction (only possible in SQL today): 409, not a 500.
      const lone = (await t.api(key.alice).post('/events', { name: 'Lone', startsAt: '2026-12-21T18:00:00Z' }).expect(201)).body.id;
      await t.sql(`INSERT INTO follow_ups (event_id, contact_id, due_at) VALUES ($1, $2, now())`, [lone, ids.called]);
      await t.api(key.alice).delete(`/events/${lone}`).expect(409);
      await t.api(key.alice).get(`/events/${lone}`).expect(200);
    });
  });
});
