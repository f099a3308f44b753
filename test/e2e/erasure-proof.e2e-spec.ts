import type { OpenAPIObject, ParameterObject } from '@nestjs/swagger';
import { buildOpenApiDocument } from '../../src/app.setup.js';
import { createTestApp, TestApp } from '../setup/test-app.js';
import { loadSwaggerPluginMetadata } from '../support/swagger-plugin-metadata.js';

/**
 * Issue 12, "proof that erasure is complete": a person with distinctive names, e-mail and phone gets everything
 * the API can hold about them (affiliation, interactions, follow-up, consent with evidence, legal basis,
 * disclosure, a webhook delivery, a data-subject request, audit events), is erased, and then every GET operation of
 * the OpenAPI document that admin or compliance may call is called, with path ids from what the test created. No
 * answer may contain the person's names, e-mail address or phone number (API.md, "Compliance": "no answer of any
 * endpoint contains the erased person's e-mail addresses or phone numbers, nor their names in their own fields, in
 * interactions with them alone, or in follow-up notes about them").
 */
describe('Erasure proof: no GET endpoint answers with an erased person', () => {
  let t: TestApp;
  let compliance: string;
  let staff: string;
  const GIVEN = 'Zephyrinea';
  const FAMILY = 'Quillborough-Vantablack';
  const EMAIL = 'zephyrinea.qv.9f3k@example.org';
  const PHONE = '+49 30 98765 4321';
  const PHONE_DIGITS = '4930987654321';
  const EMAIL2 = 'zq.second.7k2@example.net';
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({
      env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_POLL_INTERVAL_MS: '50', WEBHOOK_RETRY_BASE_MS: '100' },
    });
    compliance = await t.createKey('compliance');
    staff = await t.createKey('staff');
  });
  afterAll(async () => {
    await t.close();
  });

  it('should leave no trace of the erased person in any GET answer', async () => {
    const admin = t.api(t.adminKey);
    const org = await admin
      .post('/organisations', { name: 'Hochschule Nord', kind: 'university' })
      .expect(201);
    ids.organisation = org.body.id;
    const person = await admin
      .post('/contacts', {
        givenName: GIVEN,
        familyName: FAMILY,
        emails: [{ address: EMAIL }],
        phones: [{ number: PHONE }],
        organisationId: org.body.id,
        jobTitle: 'Dean',
        notes: `${GIVEN} prefers calls`,
      })
      .expect(201);
    ids.contact = person.body.id;
    const other = await admin
      .post('/contacts', {
        givenName: 'Bert',
        familyName: 'Normal',
        emails: [{ address: 'bert.normal@example.org' }],
      })
      .expect(201);
    ids.other = other.body.id;
    const aff = await t
      .api(staff)
      .post(`/contacts/${ids.contact}/affiliations`, {
        organisationId: org.body.id,
        jobTitle: 'Visiting professor',
      });
    if (aff.status === 201) ids.affiliation = aff.body.id;

    const solo = await t
      .api(staff)
      .post('/interactions', {
        type: 'call',
        occurredAt: '2026-11-02T10:00:00Z',
        summary: `Called ${GIVEN} ${FAMILY} on ${PHONE} about ${EMAIL}`,
        contactIds: [ids.contact],
        followUp: { note: `Send ${GIVEN} the brochure` },
      })
      .expect(201);
    ids.interaction = solo.body.id;
    const shared = await t
      .api(staff)
      .post('/interactions', {
        type: 'meeting',
        occurredAt: '2026-11-03T10:00:00Z',
        summary: 'Board meeting on internships',
        contactIds: [ids.contact, ids.other],
      })
      .expect(201);
    ids.sharedInteraction = shared.body.id;
    const fu = await t.api(staff).get(`/follow-ups?contactId=${ids.contact}`);
    if (fu.status === 200 && fu.body.items?.[0]) ids.followUp = fu.body.items[0].id;

    await admin
      .post('/purposes', {
        key: 'alumni-news',
        name: 'Alumni newsletter',
        description: 'News',
        legalBasis: 'consent',
        dataCategories: ['givenName', 'familyName', 'emails', 'phones'],
        retentionDays: 365,
      })
      .expect(201);
    const contract = await admin
      .post('/purposes', {
        key: 'contract-mgmt',
        name: 'Contract management',
        description: 'Contracts',
        legalBasis: 'contract',
        dataCategories: ['givenName', 'familyName', 'emails'],
      })
      .expect(201);
    ids.purpose = contract.body.id;
    const recipient = await admin
      .post('/recipients', {
        name: 'Mailer Partner',
        kind: 'partner_organisation',
        webhookUrl: 'http://127.0.0.1:9/hook',
      })
      .expect(201);
    ids.recipient = recipient.body.id;
    const consent = await t
      .api(staff)
      .post(`/contacts/${ids.contact}/consents`, {
        purpose: 'alumni-news',
        method: 'web_form',
        noticeVersion: 'v1',
        evidence: { form: `${GIVEN} ${FAMILY}`, email: EMAIL },
      })
      .expect(201);
    ids.consent = consent.body.id;
    const basis = await t
      .api(staff)
      .post(`/contacts/${ids.contact}/bases`, {
        purpose: 'contract-mgmt',
        reference: `Contract of ${FAMILY}`,
      });
    expect(basis.status).toBe(201);
    ids.basis = basis.body.id;
    const disclosure = await t
      .api(staff)
      .post('/disclosures', { purpose: 'alumni-news', recipientId: ids.recipient, contactIds: [ids.contact] })
      .expect(201);
    ids.disclosure = disclosure.body.id;
    expect(JSON.stringify(disclosure.body)).toContain(EMAIL);
    // A rectification queues a webhook delivery to the recipient (Art. 19).
    await admin.patch(`/contacts/${ids.contact}`, { emails: [{ address: EMAIL }, { address: EMAIL2 }] }).expect(200);
    const request = await t
      .api(compliance)
      .post('/subject-requests', {
        kind: 'erasure',
        contactId: ids.contact,
        note: `${GIVEN} ${FAMILY} wrote from ${EMAIL}`,
      })
      .expect(201);
    ids.subjectRequest = request.body.id;

    // Before erasure the walk finds the person (the check below can fail).
    const before = await t.api(compliance).get(`/contacts/${ids.contact}`).expect(200);
    expect(JSON.stringify(before.body)).toContain(FAMILY);

    await loadSwaggerPluginMetadata();
    const doc: OpenAPIObject = buildOpenApiDocument(t.app);
    const idFor = (path: string, param: string): string => {
      const segment = path.split('/').filter(Boolean)[2]; // /api/v1/<segment>/…
      if (param !== 'id') {
        const byName: Record<string, string | undefined> = {
          affiliationId: ids.affiliation,
          contactId: ids.contact,
          duplicateId: ids.other,
        };
        return byName[param] ?? ids.contact;
      }
      const bySegment: Record<string, string | undefined> = {
        contacts: ids.contact,
        organisations: ids.organisation,
        interactions: ids.interaction,
        'follow-ups': ids.followUp,
        consents: ids.consent,
        purposes: ids.purpose,
        recipients: ids.recipient,
        disclosures: ids.disclosure,
        'subject-requests': ids.subjectRequest,
        bases: ids.basis,
      };
      return bySegment[segment] ?? ids.contact;
    };
    const queryFor = (name: string): string | undefined =>
      ({
        contactId: ids.contact,
        entityId: ids.contact,
        purpose: 'alumni-news',
        recipientId: ids.recipient,
        q: FAMILY,
        organisationId: ids.organisation,
        withinDays: '30',
        limit: '200',
      })[name];

    const needles = [
      GIVEN,
      FAMILY,
      EMAIL,
      EMAIL2,
      PHONE,
      PHONE_DIGITS,
      'Quillborough',
      'Vantablack',
      '98765 4321',
    ].map((s) => s.toLowerCase());
    const walk = async (keys: string[]) => {
      const leaks: string[] = [];
      const called: string[] = [];
      for (const [path, item] of Object.entries(doc.paths)) {
        const op = item.get;
        if (!op) continue;
        const params = (op.parameters ?? []) as ParameterObject[];
        let url = path;
        for (const p of params.filter((x) => x.in === 'path'))
          {url = url.replace(`{${p.name}}`, idFor(path, p.name));}
        const query = params
          .filter((p) => p.in === 'query')
          .map((p) => [p.name, queryFor(p.name) ?? (p.required ? 'x' : undefined)] as const)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
          .join('&');
        for (const key of keys) {
          const res = await t
            .request()
            .get(`${url}${query ? `?${query}` : ''}`)
            .set('X-API-Key', key)
            .buffer(true)
            .parse((r, cb) => {
              const chunks: Buffer[] = [];
              r.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
              r.on('end', () => cb(null, Buffer.concat(chunks)));
            });
          expect(res.status).toBeLessThan(500);
          if (res.status === 403) continue;
          called.push(`${res.status} GET ${url}`);
          const text = (res.body as Buffer).toString('utf8').toLowerCase();
          for (const n of needles)
            {if (text.includes(n)) leaks.push(`GET ${url}?${query} (${res.status}) contains "${n}"`);}
        }
      }
      return { leaks, called };
    };

    // Every kind of record was created (the walk covers them), and before erasure the walk finds the person.
    expect(Object.keys(ids).sort()).toEqual(
      [
        'affiliation',
        'basis',
        'consent',
        'contact',
        'disclosure',
        'followUp',
        'interaction',
        'organisation',
        'other',
        'purpose',
        'recipient',
        'sharedInteraction',
        'subjectRequest',
      ].sort(),
    );
    const deliveries = await t.api(compliance).get(`/webhook-deliveries?recipientId=${ids.recipient}`);
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.items.length).toBeGreaterThan(0);
    const beforeErasure = await walk([compliance]);
    expect(beforeErasure.leaks.length).toBeGreaterThan(5);

    await t
      .api(compliance)
      .post(`/contacts/${ids.contact}/erase`, { requestId: ids.subjectRequest })
      .expect(200);

    const { leaks, called } = await walk([compliance, t.adminKey]);

    expect(called.length).toBeGreaterThan(30);
    expect(called.filter((c) => c.startsWith('200')).length).toBeGreaterThan(20);
    expect(leaks).toEqual([]);
  });
});
