import { AttendeeFacts, classifyFollowThrough } from './follow-through.js';

const facts = (contactId: string, f: Partial<AttendeeFacts> = {}): AttendeeFacts => ({
  contactId,
  met: false,
  followUps: 0,
  done: 0,
  doneInTime: 0,
  open: 0,
  contactedSinceStart: false,
  ...f,
});

describe('classifyFollowThrough (contract definitions)', () => {
  it('sorts each attendee into the contract’s buckets', () => {
    const r = classifyFollowThrough([
      facts('inTime', { met: true, contactedSinceStart: true, followUps: 2, done: 2, doneInTime: 2 }),
      facts('late', { met: true, contactedSinceStart: true, followUps: 2, done: 2, doneInTime: 1 }),
      facts('open', { met: true, contactedSinceStart: true, followUps: 2, done: 1, doneInTime: 1, open: 1 }),
      facts('metNoFollowUp', { met: true, contactedSinceStart: true }),
      facts('calledLater', { contactedSinceStart: true }),
      facts('never'),
    ]);
    expect(r).toEqual({
      attendees: 6,
      met: 4,
      followedUp: 2,
      followedUpInTime: 1,
      open: 1,
      notContacted: 1,
      contactIds: {
        attendees: ['inTime', 'late', 'open', 'metNoFollowUp', 'calledLater', 'never'],
        met: ['inTime', 'late', 'open', 'metNoFollowUp'],
        followedUp: ['inTime', 'late'],
        followedUpInTime: ['inTime'],
        open: ['open'],
        notContacted: ['never'],
      },
    });
  });

  it('an attendee met at the event is contacted even if that interaction is dated before the start', () => {
    const r = classifyFollowThrough([facts('early', { met: true, contactedSinceStart: false })]);
    expect(r.notContacted).toBe(0);
    expect(r.met).toBe(1);
  });

  it('no attendees: all zero', () => {
    expect(classifyFollowThrough([])).toMatchObject({ attendees: 0, met: 0, followedUp: 0, followedUpInTime: 0, open: 0, notContacted: 0 });
  });
});
