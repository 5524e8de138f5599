// A national meeting as its editor holds it: the record's data with its days as typed
// (JJ/MM/AAAA). Only what is typed is read here (a day that exists); every other rule — a title,
// a function or structure for each participant, a text for each decision and follow-up — is core's.
import type { ApiError, NationalMeeting } from '../../../backend';
import { formatDate, parseFrDate } from '../../../lib/format';

export interface ParticipantForm {
  territory_id: string;
  who: string;
  present: boolean;
}
export interface DecisionForm {
  text: string;
  territory_ids: string[];
}
export interface FollowUpForm {
  text: string;
  territory_id: string;
  due_on: string;
  done: boolean;
}
export interface MeetingForm {
  meeting_kind: NationalMeeting['meeting_kind'];
  held_on: string;
  title: string;
  agenda: string;
  notes: string;
  participants: ParticipantForm[];
  decisions: DecisionForm[];
  follow_ups: FollowUpForm[];
}

export function toForm(m: NationalMeeting): MeetingForm {
  return {
    meeting_kind: m.meeting_kind,
    held_on: formatDate(m.held_on),
    title: m.title,
    agenda: m.agenda,
    notes: m.notes,
    participants: m.participants.map((p) => ({ territory_id: p.territory_id ?? '', who: p.who, present: p.present })),
    decisions: m.decisions.map((d) => ({ text: d.text, territory_ids: [...d.territory_ids] })),
    follow_ups: m.follow_ups.map((f) => ({ text: f.text, territory_id: f.territory_id, due_on: formatDate(f.due_on), done: f.done })),
  };
}

/** The days typed, read; a day that does not exist is refused at its field. */
export function check(f: MeetingForm): ApiError | null {
  const held = parseFrDate(f.held_on, true);
  if (!held.ok) return { code: 'invalid', message: held.message, field: 'held_on' };
  for (const [i, u] of f.follow_ups.entries()) {
    const due = parseFrDate(u.due_on);
    if (!due.ok) return { code: 'invalid', message: due.message, field: `follow_ups.${i}.due_on` };
  }
  return null;
}

export function toData(f: MeetingForm): NationalMeeting {
  const held = parseFrDate(f.held_on, true);
  return {
    meeting_kind: f.meeting_kind,
    held_on: held.ok && held.iso ? held.iso : f.held_on,
    title: f.title,
    agenda: f.agenda,
    notes: f.notes,
    participants: f.participants.map((p) => ({ territory_id: p.territory_id || null, who: p.who, present: p.present })),
    decisions: f.decisions.map((d) => ({ text: d.text, territory_ids: d.territory_ids })),
    follow_ups: f.follow_ups.map((u) => {
      const due = parseFrDate(u.due_on);
      return { text: u.text, territory_id: u.territory_id, due_on: due.ok ? due.iso : u.due_on, done: u.done };
    }),
  };
}
