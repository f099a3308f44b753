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
    // Tables of features to come that reference contacts: today's merge finds them through their foreign keys
    // (unique conflicts dropped, partial unique indexes row by row). The real tables are checked through the API below.
    await t.sql(
      `CREATE TABLE test_contact_links (contact_id uuid NOT NULL REFERENCES contacts(id), label text NOT NULL, UNIQUE (contact_id, label))`,
    );
    await t.sql(
      `CREATE TABLE test_contact_primary (id serial PRIMARY KEY, contact_id uuid NOT NULL REFERENCES contacts(id), main boolean NOT NULL)`,
    );
    await t.sql(
      `CREATE UNIQUE INDEX test_contact_primary_uq ON test_contact_primary (contact_id) WHERE main`,
    );
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
    const other = await create({ givenName: 'Other', familyName: 'Person' });
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
    // A link both already have (dropped), one only the duplicate has (moved), partial unique rows (one moved, one dropped).
    await t.sql(
      `INSERT INTO test_contact_links VALUES ($1, 'shared'), ($2, 'shared'), ($2, 'only-dup'), ($3, 'shared')`,
      [survivor.id, dup.id, other.id],
    );
    await t.sql(
      `INSERT INTO test_contact_primary (contact_id, main) VALUES ($1, true), ($2, true), ($2, false)`,
      [survivor.id, dup.id],
    );
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
    const links = await t.sql<{ contact_id: string; label: string }>(
      `SELECT contact_id, label FROM test_contact_links ORDER BY label, contact_id`,
    );
    expect(links.filter((l) => l.contact_id === dup.id)).toHaveLength(0);
    expect(
      links
        .filter((l) => l.contact_id === survivor.id)
        .map((l) => l.label)
        .sort(),
    ).toEqual(['only-dup', 'shared']);
    expect(links.filter((l) => l.contact_id === other.id)).toHaveLength(1);
    const primaries = await t.sql<{ main: boolean }>(
      `SELECT main FROM test_contact_primary WHERE contact_id = $1 ORDER BY main`,
      [survivor.id],
    );
    expect(primaries.map((p) => p.main)).toEqual([false, true]);
    expect(await t.sql(`SELECT 1 FROM test_contact_primary WHERE contact_id = $1`, [dup.id])).toHaveLength(0);

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

    const search = await t
      .api(staff)
      .post('/contacts/search', { q: 'max.private@example.org', includeArchived: true })
      .expect(200);
    expect(search.body.items.map((x: { id: string }) => x.id)).toEqual([survivor.id]);
    const audit = await t.sql<{ action: string; entity_id: string }>(
      `SELECT action, entity_id FROM audit_events WHERE action IN ('merge', 'merged_into') ORDER BY seq`,
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
