import { createTestApp, TestApp } from '../setup/test-app.js';

/**
 * GDPR Art. 15(4): a person's copy must not adversely affect others. The export shows the follow-ups of the person's
 * interactions, but the note of a follow-up of an interaction shared with other contacts is withheld (as the
 * interaction's summary is); one of an interaction with the person alone is shown.
 */
describe('Export: follow-up notes of shared interactions', () => {
  let t: TestApp;
  let staff: string;
  let compliance: string;

  beforeAll(async () => {
    t = await createTestApp();
    staff = await t.createKey('staff');
    compliance = await t.createKey('compliance');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should withhold the note of a shared interaction’s follow-up and show the one of a solo interaction', async () => {
    const contact = async (familyName: string) =>
      (await t.api(staff).post('/contacts', { givenName: 'Note', familyName }).expect(201)).body.id as string;
    const [anna, ben] = [await contact('Anna'), await contact('Ben')];
    const interaction = (contactIds: string[], note: string) =>
      t
        .api(staff)
        .post('/interactions', {
          type: 'meeting',
          occurredAt: new Date().toISOString(),
          summary: 'Met at the fair',
          contactIds,
          followUp: { note },
        })
        .expect(201);
    await interaction([anna, ben], 'Ask Ben about his salary expectations');
    await interaction([anna], 'Send Anna the brochure');
    const res = await t.api(compliance).get(`/contacts/${anna}/export`).expect(200);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('salary expectations');
    expect(text).toContain('Send Anna the brochure');
    const withheld = (res.body.followUps as { note: string | null; noteWithheld?: string }[]).filter((f) => f.noteWithheld);
    expect(withheld).toEqual([expect.objectContaining({ note: null, noteWithheld: 'shared_with_other_contacts' })]);
  });
});
