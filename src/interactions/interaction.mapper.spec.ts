import type { Principal } from '../auth/role.js';
import { mayReadNote } from '../follow-ups/index.js';
import { InteractionRow, maySeeSummary, toInteractionResponse } from './interaction.mapper.js';

const principal = (role: Principal['role'], userId: string | null, credentialId = 'key-1'): Principal => ({
  kind: 'api_key',
  credentialId,
  role,
  userId,
  recipientId: null,
});

const row = (over: Partial<InteractionRow> = {}): InteractionRow => ({
  id: 'i1',
  type: 'meeting',
  occurred_at: new Date('2026-11-20T10:00:00Z'),
  summary: 'secret',
  author_id: 'author',
  author_credential_id: 'author-key',
  event_id: null,
  reciprocity: null,
  confidential: true,
  competition_sensitive: false,
  review_status: null,
  review_note: null,
  reviewed_by: null,
  reviewed_at: null,
  flags: [],
  topics: [],
  archived_at: null,
  version: 1,
  created_at: new Date(),
  updated_at: new Date(),
  occurred_key: '2026-11-20 10:00:00+00',
  contact_ids: ['c1'],
  organisation_ids: [],
  participant_ids: ['participant'],
  ...over,
});

describe('confidential summaries', () => {
  it('should show them to the author, participants, admins and compliance', () => {
    expect(maySeeSummary(principal('staff', 'author'), row())).toBe(true);
    expect(maySeeSummary(principal('staff', 'participant'), row())).toBe(true);
    expect(maySeeSummary(principal('admin', null), row())).toBe(true);
    expect(maySeeSummary(principal('compliance', 'someone'), row())).toBe(true);
  });
  it('should hide them from other staff, and a user-less key sees only what it logged itself', () => {
    expect(maySeeSummary(principal('staff', 'other'), row())).toBe(false);
    expect(maySeeSummary(principal('staff', null, 'other-key'), row({ author_id: null, author_credential_id: 'k' }))).toBe(false);
    expect(maySeeSummary(principal('staff', null, 'k'), row({ author_id: null, author_credential_id: 'k' }))).toBe(true);
  });
  it('should null the summary and say so', () => {
    const res = toInteractionResponse(row(), principal('staff', 'other'));
    expect(res).toMatchObject({ summary: null, summaryHidden: true });
    expect(toInteractionResponse(row({ confidential: false }), principal('staff', 'other'))).toMatchObject({ summary: 'secret', summaryHidden: false });
  });
});

describe('follow-up notes of confidential interactions', () => {
  const c = { confidential_of: { authorId: 'author', authorCredentialId: 'k', participantIds: ['participant'] }, assignee_id: 'assignee' };
  it('should be readable by the assignee, the author, participants, admin and compliance only', () => {
    for (const who of ['assignee', 'author', 'participant']) expect(mayReadNote(principal('staff', who), c)).toBe(true);
    expect(mayReadNote(principal('compliance', null), c)).toBe(true);
    expect(mayReadNote(principal('staff', 'other'), c)).toBe(false);
    expect(mayReadNote(principal('staff', 'other'), { ...c, confidential_of: null })).toBe(true);
  });
});
