import { AuditSealer } from '../../src/audit/audit-sealer.js';
import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * Contract, "Compliance": `GET /audit-events?contactId=` finds every event about that person, whatever the entity —
 * an interaction with several contacts, its follow-up, a disclosure, a connection named from the other end — and
 * the events stay part of one chain that verifies (the contacts they are about are covered by the hash).
 */
describe('Audit events about a person, whatever the entity', () => {
  let t: TestApp;
  let staff: string;
  let compliance: string;
  let recipient: string;

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
    compliance = await t.createKey('compliance');
    recipient = (await t.api().post('/recipients', { name: 'Mailer', kind: 'internal_tool' }).expect(201)).body.id;
    await t
      .api()
      .post('/purposes', { key: 'mailing', name: 'Mailing', description: 'News', legalBasis: 'consent', dataCategories: ['givenName'] })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const contact = async (givenName: string) => (await t.api(staff).post('/contacts', { givenName, familyName: 'Subject' }).expect(201)).body.id as string;
  const eventsAbout = async (contactId: string) => {
    await t.app.get(AuditSealer).sealPending();
    const res = await t.api(compliance).get(`/audit-events?contactId=${contactId}&limit=200`).expect(200);
    return res.body.items as { action: string; entityType: string; entityId: string; contactId: string | null }[];
  };

  it('finds interactions, follow-ups, disclosures and connections by every contact they concern', async () => {
    const ada = await contact('Ada');
    const bo = await contact('Bo');
    const cy = await contact('Cy');
    const interaction = (
      await t
        .api(staff)
        .post('/interactions', {
          type: 'meeting',
          occurredAt: '2026-11-02T10:00:00Z',
          summary: 'Met at the fair',
          contactIds: [ada, bo],
          followUp: { dueAt: '2026-12-20T10:00:00Z', note: 'send the brochure' },
        })
        .expect(201)
    ).body;
    await t.api(staff).post(`/contacts/${ada}/consents`, { purpose: 'mailing', method: 'web_form', noticeVersion: 'v1' }).expect(201);
    const disclosure = (await t.api(staff).post('/disclosures', { purpose: 'mailing', recipientId: recipient, contactIds: [ada, cy] }).expect(201)).body;
    const connection = (await t.api(staff).post(`/contacts/${cy}/connections`, { contactId: bo, kind: 'colleague' }).expect(201)).body;

    const forBo = await eventsAbout(bo);
    const keys = (items: { action: string; entityType: string; entityId: string }[]) => items.map((e) => `${e.action} ${e.entityType} ${e.entityId}`);
    expect(keys(forBo)).toEqual(
      expect.arrayContaining([
        `create interaction ${interaction.id}`,
        `create contact_connection ${connection.id}`,
        `create contact ${bo}`,
      ]),
    );
    expect(forBo.some((e) => e.entityType === 'follow_up' && e.action === 'create')).toBe(true);
    expect(keys(forBo)).not.toContain(`disclose disclosure ${disclosure.id}`); // Bo was not in it

    const forCy = keys(await eventsAbout(cy));
    expect(forCy).toEqual(expect.arrayContaining([`disclose disclosure ${disclosure.id}`, `create contact_connection ${connection.id}`]));
    expect(forCy).not.toContain(`create interaction ${interaction.id}`);

    const forAda = keys(await eventsAbout(ada));
    expect(forAda).toEqual(expect.arrayContaining([`disclose disclosure ${disclosure.id}`, `create interaction ${interaction.id}`]));
    expect(forAda.some((k) => k.startsWith('create consent '))).toBe(true);

    // Archiving the interaction is about both people too.
    await t.api(staff).delete(`/interactions/${interaction.id}`).expect(204);
    expect(keys(await eventsAbout(bo))).toContain(`archive interaction ${interaction.id}`);

    // Still one chain that verifies, and the subjects are covered by the hash: changing them breaks it.
    expect((await t.api(compliance).get('/audit-events/verify').expect(200)).body).toMatchObject({ valid: true });
    const [stored] = await t.sql<{ subject_contact_ids: string[] }>(
      `SELECT subject_contact_ids FROM audit_events WHERE entity_id = $1 AND action = 'disclose'`,
      [disclosure.id],
    );
    expect(stored.subject_contact_ids).toEqual([ada, cy].sort());
    await t.sql(`ALTER TABLE audit_events DISABLE TRIGGER USER`);
    try {
      await t.sql(`UPDATE audit_events SET subject_contact_ids = ARRAY[$1]::uuid[] WHERE entity_id = $2 AND action = 'disclose'`, [ada, disclosure.id]);
      const broken = (await t.api(compliance).get('/audit-events/verify').expect(200)).body;
      expect(broken).toMatchObject({ valid: false });
    } finally {
      await t.sql(`UPDATE audit_events SET subject_contact_ids = $1::uuid[] WHERE entity_id = $2 AND action = 'disclose'`, [stored.subject_contact_ids, disclosure.id]);
      await t.sql(`ALTER TABLE audit_events ENABLE TRIGGER USER`);
    }
    expect((await t.api(compliance).get('/audit-events/verify').expect(200)).body).toMatchObject({ valid: true });
  });

  it('answers 400 for a contactId that is not a uuid', async () => {
    await t.api(compliance).get('/audit-events?contactId=not-a-uuid').expect(400);
  });
});
