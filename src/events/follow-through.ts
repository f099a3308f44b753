/**
 * The follow-through of an event (contract, "Interactions, events and follow-ups"), classified from one row per
 * attendee. Pure, so the definitions are unit-tested:
 * - met: an interaction linked to the event with the attendee;
 * - followedUp: met, with at least one follow-up from such an interaction, all of them done (cancelled ones are
 *   left out: a cancelled follow-up was decided to be unnecessary, it is neither done nor open);
 * - followedUpInTime: followedUp, each done by its due date;
 * - open: met, with at least one such follow-up still open;
 * - notContacted: no interaction at all since the event started (an attendee met at the event counts as contacted
 *   even when that interaction is dated before the start).
 */
export interface AttendeeFacts {
  contactId: string;
  met: boolean;
  followUps: number;
  done: number;
  doneInTime: number;
  open: number;
  contactedSinceStart: boolean;
}

export interface FollowThrough {
  attendees: number;
  met: number;
  followedUp: number;
  followedUpInTime: number;
  open: number;
  notContacted: number;
  contactIds: { attendees: string[]; met: string[]; followedUp: string[]; followedUpInTime: string[]; open: string[]; notContacted: string[] };
}

export function classifyFollowThrough(rows: readonly AttendeeFacts[]): FollowThrough {
  const ids: FollowThrough['contactIds'] = { attendees: [], met: [], followedUp: [], followedUpInTime: [], open: [], notContacted: [] };
  for (const r of rows) {
    ids.attendees.push(r.contactId);
    if (r.met) {
      ids.met.push(r.contactId);
      if (r.followUps > 0 && r.done === r.followUps) {
        ids.followedUp.push(r.contactId);
        if (r.doneInTime === r.followUps) ids.followedUpInTime.push(r.contactId);
      }
      if (r.open > 0) ids.open.push(r.contactId);
    } else if (!r.contactedSinceStart) {
      ids.notContacted.push(r.contactId);
    }
  }
  return {
    attendees: ids.attendees.length,
    met: ids.met.length,
    followedUp: ids.followedUp.length,
    followedUpInTime: ids.followedUpInTime.length,
    open: ids.open.length,
    notContacted: ids.notContacted.length,
    contactIds: ids,
  };
}
