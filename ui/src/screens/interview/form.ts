// The interview editor's fields as typed (dates JJ/MM/AAAA), and the record they stand for.
import type { Interview, Passage, Record } from '../../backend';
import { formatDate, parseFrDate, todayIso } from '../../lib/format';

export interface InterviewForm {
  territory_id: string;
  title: string;
  date: string; // as typed, JJ/MM/AAAA
  place: string;
  interviewer: string;
  person_ids: string[];
  organisation_ids: string[];
  guide_id: string | null;
  answers: { [code: string]: string };
  notes: string;
  theme_ids: string[];
  passages: Passage[];
  consent: { status: string; date: string; how: string };
  status: string;
}

/** A new interview: today, by this device's facilitator, consent not yet given. */
export function emptyForm(territoryId: string, interviewer: string): InterviewForm {
  return {
    territory_id: territoryId,
    title: '',
    date: formatDate(todayIso()),
    place: '',
    interviewer,
    person_ids: [],
    organisation_ids: [],
    guide_id: null,
    answers: {},
    notes: '',
    theme_ids: [],
    passages: [],
    consent: { status: 'pending', date: '', how: '' },
    status: 'brouillon',
  };
}

export function fromRecord(r: Record<Interview>): InterviewForm {
  const d = r.data;
  return {
    territory_id: d.territory_id,
    title: d.title,
    date: formatDate(d.date),
    place: d.place,
    interviewer: d.interviewer,
    person_ids: d.person_ids,
    organisation_ids: d.organisation_ids,
    guide_id: d.guide_id,
    answers: { ...d.answers },
    notes: d.notes,
    theme_ids: d.theme_ids,
    passages: d.passages,
    consent: { status: d.consent.status, date: formatDate(d.consent.date), how: d.consent.how },
    status: d.status,
  };
}

/** What is sent to core: the dates read as typed; every rule (a title…) is core's. */
export function toData(f: InterviewForm): Interview {
  const date = parseFrDate(f.date, true);
  const consentDate = parseFrDate(f.consent.date);
  const answers: { [code: string]: string } = {};
  for (const [k, v] of Object.entries(f.answers)) if (v) answers[k] = v;
  return {
    territory_id: f.territory_id,
    title: f.title.trim(),
    date: date.ok ? (date.iso as string) : f.date,
    place: f.place,
    interviewer: f.interviewer,
    person_ids: f.person_ids,
    organisation_ids: f.organisation_ids,
    guide_id: f.guide_id,
    answers,
    notes: f.notes,
    theme_ids: f.theme_ids,
    passages: f.passages,
    consent: {
      status: f.consent.status as Interview['consent']['status'],
      date: consentDate.ok ? consentDate.iso : f.consent.date,
      how: f.consent.how,
    },
    status: f.status as Interview['status'],
  };
}
