import { NAME_DUPLICATE_THRESHOLD } from '../../src/contacts/contact-merge.service.js';
import { createTestApp, TestApp } from '../setup/test-app.js';

describe('Contacts: duplicates and merge', () => {
  let t: TestApp;
  let staff: string;
  let orgId: string;
  let recipientId: string;

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
    orgId = (await t.api(staff).post('/organisations', { name: 'Merge & Co' }).expect(201)).body.id;
    recipientId = (await t.api().post('/recipients', { name: 'Mailer', kind: 'internal_tool' }).expect(201))
      .body.id;
    await t
      .api()
      .post('/purposes', {
        key: 'newsletter',
        name: 'Newsletter',
        description: 'Monthly newsletter',
        legalBasis: 'consent',
        dataCategories: ['givenName', 'familyName', 'emails'],
      })
      .expect(201);
    await t
      .api()
      .post('/purposes', {
        key: 'crm',
        name: 'CRM',
        description: 'Relationship management; balancing test: expected by members',
        legalBasis: 'legitimate_interests',
        dataCategories: ['givenName', 'familyName'],
      })
      .expect(201);
    // Each feature's rows move through its PersonalDataHolder; the unique-conflict and partial-index rules of
    // moving one column are tested on their own in move-references.e2e-spec.ts.
  });
  afterAll(async () => {
    await t.close();
  });

  const create = async (body: Record<string, unknown>) =>
    (await t.api(staff).post('/contacts', body).expect(201)).body;

  it('should find duplicates by e-mail and by a similar name at the same organisation', async () => {
    const a = await create({
      givenName: 'Katharina',
      familyName: 'Schulze',
      emails: [{ address: 'k.schulze@example.org' }],
      organisationId: orgId,
    });
    const b = await create({
      givenName: 'Kathi',
      familyName: 'Schulze',
      emails: [{ address: 'K.Schulze@Example.org ' }],
    });
    const c = await create({ givenName: 'Katharina', familyName: 'Schultze', organisationId: orgId });
    await create({ givenName: 'Katharina', familyName: 'Schultze' }); // same name, other organisation: not a duplicate of a

    const res = await t.api(staff).get(`/contacts/${a.id}/duplicates`).expect(200);
    const byId = Object.fromEntries(
      res.body.items.map((d: { contact: { id: string } }) => [d.contact.id, d]),
    );
    expect(Object.keys(byId).sort()).toEqual([b.id, c.id].sort());
    expect(byId[b.id]).toMatchObject({ score: 1, reason: 'same_email' });
    expect(byId[c.id]).toMatchObject({ reason: 'similar_name_same_organisation', score: expect.any(Number) });
    expect(byId[c.id].score).toBeGreaterThan(0.5);
    expect(byId[c.id].score).toBeLessThan(1);

    const all = await t.api(staff).get('/contacts/duplicates').expect(200);
    const pairs = all.body.items.map((p: { contact: { id: string }; duplicate: { id: string } }) =>
      [p.contact.id, p.duplicate.id].sort().join(),
    );
    expect(pairs).toEqual(expect.arrayContaining([[a.id, b.id].sort().join(), [a.id, c.id].sort().join()]));
    expect(all.body).toHaveProperty('nextCursor');
  });

  it('should list every duplicate pair of the workspace, page by page, as the pairwise comparison finds them', async () => {
    const org2 = (await t.api(staff).post('/organisations', { name: 'Pairs GmbH' }).expect(201)).body.id;
    await create({ givenName: 'Annegret', familyName: 'Bergmann', organisationId: org2 });
    await create({ givenName: 'Annegret', familyName: 'Bergmann', organisationId: org2 }); // same name, same organisation
    await create({ givenName: 'Annegret', familyName: 'Bergmannn', organisationId: org2 }); // similar name
    await create({ givenName: 'Annegret', familyName: 'Bergmann', organisationId: orgId }); // other organisation
    await create({ givenName: 'Xaver', familyName: 'Quast', organisationId: org2 }); // not similar
    await create({ givenName: 'Paul', familyName: 'One', emails: [{ address: 'shared.one@pairs.test' }] });
    await create({
      givenName: 'Paula',
      familyName: 'Two',
      emails: [{ address: 'Shared.One@pairs.test' }, { address: 'shared.two@pairs.test' }],
    });
    await create({ givenName: 'Pia', familyName: 'Three', emails: [{ address: 'shared.two@pairs.test' }] });
    const archived = await create({ givenName: 'Pia', familyName: 'Four', emails: [{ address: 'shared.two@pairs.test' }] });
    await t.api(staff).delete(`/contacts/${archived.id}`).expect(204); // archived: leaves the duplicate list

    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { contact: { id: string }; duplicate: { id: string } }[]; nextCursor: string | null } } =
        await t
          .api(staff)
          .get(`/contacts/duplicates?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
          .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      listed.push(...page.body.items.map((p) => `${p.contact.id},${p.duplicate.id}`));
      cursor = page.body.nextCursor;
    } while (cursor);

    // The reference: every pair of live, non-archived contacts compared with each other.
    const expected = await t.sql<{ a_id: string; b_id: string }>(
      `SELECT a.id AS a_id, b.id AS b_id FROM contacts a JOIN contacts b ON a.id < b.id
       WHERE a.merged_into_id IS NULL AND a.erased_at IS NULL AND a.archived_at IS NULL
         AND b.merged_into_id IS NULL AND b.erased_at IS NULL AND b.archived_at IS NULL
         AND (a.email_addresses && b.email_addresses
           OR (a.organisation_id = b.organisation_id AND similarity(a.search_name, b.search_name) >= $1))
       ORDER BY a.id, b.id`,
      [NAME_DUPLICATE_THRESHOLD],
    );
    expect(expected.length).toBeGreaterThanOrEqual(5); // the 3 name pairs and 2 address pairs above, at least
    expect(listed).toEqual(expected.map((r) => `${r.a_id},${r.b_id}`));
    expect(listed.some((p) => p.includes(archived.id))).toBe(false);
  });

  it('should merge: move affiliations and every other reference, fill empty fields, unite lists, leave a 410 tombstone', async () => {
    const survivor = await create({
      givenName: 'Max',
      familyName: 'Mustermann',
      emails: [{ address: 'max@example.org' }],
      tags: ['a'],
    });
    const dup = await create({
      givenName: 'Max',
      familyName: 'Mustermann',
      emails: [{ address: 'max@example.org' }, { address: 'max.private@example.org' }],
      phones: [{ number: '+49 30 9876543' }],
      jobTitle: 'CTO',
      organisationId: orgId,
      tags: ['a', 'b'],
      notes: 'Prefers mornings',
      socialProfiles: { xing: 'https://www.xing.com/profile/Max_Mustermann' },
    });
    await t
      .api(staff)
      .post(`/contacts/${dup.id}/affiliations`, { organisationId: orgId, jobTitle: 'CTO', primary: true })
      .expect(201);
    await t
      .api(staff)
      .post(`/contacts/${survivor.id}/affiliations`, {
        organisationId: orgId,
        department: 'Board',
        primary: true,
      })
      .expect(201);
    // An older tombstone pointing at the duplicate follows it to the survivor.
    const older = await create({ givenName: 'Old', familyName: 'Tombstone' });
    await t.sql(`UPDATE contacts SET merged_into_id = $2 WHERE id = $1`, [older.id, dup.id]);
    // Real data of other features, recorded through the API: a consent of the duplicate, an interaction with the
    // duplicate only (moved) and one with both (the duplicate's row dropped, the survivor listed once).
    const consent = (
      await t
        .api(staff)
        .post(`/contacts/${dup.id}/consents`, {
          purpose: 'newsletter',
          method: 'web_form',
          noticeVersion: 'v1',
        })
        .expect(201)
    ).body;
    const check = (contactId: string) =>
      t
        .api(staff)
        .get(`/consent-check?contactId=${contactId}&purpose=newsletter&recipientId=${recipientId}`)
        .expect(200);
    expect((await check(survivor.id)).body.reason).toBe('no_consent');
    const interaction = (
      await t
        .api(staff)
        .post('/interactions', {
          type: 'meeting',
          occurredAt: '2026-01-05T10:00:00Z',
          summary: 'Coffee',
          contactIds: [dup.id],
        })
        .expect(201)
    ).body;
    const shared = (
      await t
        .api(staff)
        .post('/interactions', {
          type: 'call',
          occurredAt: '2026-01-06T10:00:00Z',
          summary: 'Call with both',
          contactIds: [survivor.id, dup.id],
        })
        .expect(201)
    ).body;
    // A follow-up on the duplicate, and its objection to a purpose on legitimate interests.
    const followUp = (
      await t.api(staff).post('/follow-ups', { contactId: dup.id, note: 'Send the brochure' }).expect(201)
    ).body;
    const objection = (
      await t.api(staff).post(`/contacts/${dup.id}/objections`, { purpose: 'crm' }).expect(201)
    ).body;
    const crmCheck = (contactId: string) =>
      t
        .api(staff)
        .get(`/consent-check?contactId=${contactId}&purpose=crm&recipientId=${recipientId}`)
        .expect(200);
    expect((await crmCheck(survivor.id)).body.allowed).toBe(true);

    const merged = await t
      .api(staff)
      .post(`/contacts/${survivor.id}/merge`, { duplicateId: dup.id })
      .expect(200);
    expect(merged.body).toMatchObject({
      id: survivor.id,
      givenName: 'Max',
      jobTitle: 'CTO',
      organisationId: orgId,
      notes: 'Prefers mornings',
      emails: [
        { address: 'max@example.org', label: null },
        { address: 'max.private@example.org', label: null },
      ],
      phones: [{ number: '+49309876543', label: null }],
      tags: ['a', 'b'],
      version: 3,
      socialProfiles: { linkedin: null, xing: 'https://www.xing.com/profile/Max_Mustermann' },
    });

    const gone = await t.api(staff).get(`/contacts/${dup.id}`).expect(410);
    expect(gone.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(gone.body).toMatchObject({ status: 410, mergedInto: survivor.id });
    await t.api(staff).patch(`/contacts/${dup.id}`, { jobTitle: 'x' }).expect(410);
    await t
      .api(staff)
      .get(`/contacts/${older.id}`)
      .expect(410)
      .expect((r) => expect(r.body.mergedInto).toBe(survivor.id));

    const affiliations = await t.api(staff).get(`/contacts/${survivor.id}/affiliations`).expect(200);
    expect(affiliations.body.items).toHaveLength(2);
    expect(affiliations.body.items.filter((a: { primary: boolean }) => a.primary)).toHaveLength(1);

    // The duplicate's consent is now the survivor's: in its history, in the gate's decision, on the consent itself.
    const history = await t.api(staff).get(`/contacts/${survivor.id}/consents`).expect(200);
    expect(history.body.items.map((k: { id: string; contactId: string }) => [k.id, k.contactId])).toEqual([
      [consent.id, survivor.id],
    ]);
    expect((await check(survivor.id)).body).toEqual({
      allowed: true,
      legalBasis: 'consent',
      consentId: consent.id,
      reason: 'consent_granted',
    });
    expect((await t.api(staff).get(`/consents/${consent.id}`).expect(200)).body.contactId).toBe(survivor.id);

    // Interactions: moved, and deduplicated where both took part.
    expect((await t.api(staff).get(`/interactions/${interaction.id}`).expect(200)).body.contactIds).toEqual([
      survivor.id,
    ]);
    expect((await t.api(staff).get(`/interactions/${shared.id}`).expect(200)).body.contactIds).toEqual([
      survivor.id,
    ]);
    const timeline = await t.api(staff).get(`/contacts/${survivor.id}/interactions`).expect(200);
    expect(timeline.body.items.map((i: { id: string }) => i.id).sort()).toEqual(
      [interaction.id, shared.id].sort(),
    );

    // The duplicate's follow-up and objection are the survivor's (and the objection now decides its check).
    expect((await t.api(staff).get(`/follow-ups/${followUp.id}`).expect(200)).body.contactId).toBe(survivor.id);
    const objections = await t.api(staff).get(`/contacts/${survivor.id}/objections`).expect(200);
    expect(objections.body.items.map((o: { id: string }) => o.id)).toEqual([objection.id]);
    expect((await crmCheck(survivor.id)).body).toMatchObject({ allowed: false, reason: 'objection' });

    const search = await t
      .api(staff)
      .post('/contacts/search', { q: 'max.private@example.org', includeArchived: true })
      .expect(200);
    expect(search.body.items.map((x: { id: string }) => x.id)).toEqual([survivor.id]);
    const audit = await t.sql<{ action: string; entity_id: string }>(
      `SELECT action, entity_id FROM audit_events WHERE action IN ('merge', 'merged_into') ORDER BY written_seq`,
    );
    expect(audit).toEqual([
      { action: 'merge', entity_id: survivor.id },
      { action: 'merged_into', entity_id: dup.id },
    ]);
  });

  it('should refuse merging a contact into itself, an unknown duplicate, or an already merged one', async () => {
    const a = await create({ givenName: 'Self', familyName: 'Merge' });
    const b = await create({ givenName: 'Self', familyName: 'Merged' });
    await t.api(staff).post(`/contacts/${a.id}/merge`, { duplicateId: a.id }).expect(400);
    await t
      .api(staff)
      .post(`/contacts/${a.id}/merge`, { duplicateId: '00000000-0000-4000-8000-000000000000' })
      .expect(400);
    await t.api(staff).post(`/contacts/${a.id}/merge`, { duplicateId: 'nope' }).expect(400);
    await t.api(staff).post(`/contacts/${a.id}/merge`, { duplicateId: b.id, extra: 1 }).expect(400);
    await t.api(staff).post(`/contacts/${a.id}/merge`, { duplicateId: b.id }).expect(200);
    await t.api(staff).post(`/contacts/${a.id}/merge`, { duplicateId: b.id }).expect(410);
  });
});
