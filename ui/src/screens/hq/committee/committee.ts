// What the committee's screens show of core's queue (`committee_queue`): where an entry stands,
// where it comes from, its means. No rule here: the decision, the means and the publication are
// core's; these only name them.
import type { CommitteeEntry, LibrarySheet } from '../../../backend';
import { labelOf } from '../../../lib/app.svelte';
import { formatNumber } from '../../../lib/format';

/** Where a practice stands before the committee: the queue's filter. */
export type CommitteeState = 'a_examiner' | 'retenue' | 'ecartee' | 'publiee';

export const STATES: { code: CommitteeState; label: string; badge: string }[] = [
  { code: 'a_examiner', label: 'À examiner', badge: 'info' },
  { code: 'retenue', label: 'Retenue', badge: 'ok' },
  { code: 'ecartee', label: 'Écartée', badge: 'danger' },
  { code: 'publiee', label: 'Publiée', badge: 'ok' },
];

/** No decision yet, retained, rejected, or published (as core's entry says). */
export function stateOf(e: Pick<CommitteeEntry, 'decision' | 'published_on'>): CommitteeState {
  if (!e.decision) return 'a_examiner';
  if (e.published_on) return 'publiee';
  return e.decision;
}

/** The badge of an entry: « À examiner », core's label of its decision, or « Publiée ». */
export function stateLabel(e: Pick<CommitteeEntry, 'decision' | 'published_on'>): string {
  const s = stateOf(e);
  if (s === 'a_examiner') return 'À examiner';
  if (s === 'publiee') return labelOf('practice_status', 'publiee') || 'Publiée';
  return labelOf('committee_decision', s);
}

export function stateBadge(e: Pick<CommitteeEntry, 'decision' | 'published_on'>): string {
  return STATES.find((s) => s.code === stateOf(e))!.badge;
}

/** Where a practice comes from — a kind of territory and a département, never a person. */
export function originOf(e: Pick<CommitteeEntry, 'territory_kind' | 'departement_code'>): string {
  const parts = [e.territory_kind, e.departement_code ? `département ${e.departement_code}` : null].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'Origine inconnue';
}

/** One of core's means, French (`2,67`), or a dash without a review. */
export function mean(means: CommitteeEntry['means'], i: 0 | 1 | 2): string {
  return means ? formatNumber(means[i]) : '—';
}

/** The three scores of a review, in the order of core's means. */
export const CRITERIA = [
  { key: 'relevance', label: 'Pertinence' },
  { key: 'originality', label: 'Originalité' },
  { key: 'effectiveness', label: 'Efficacité' },
] as const;

/** What each score means (1 to 4; the range is core's). */
export const SCORES: { value: number; label: string }[] = [
  { value: 1, label: 'Faible' },
  { value: 2, label: 'Moyenne' },
  { value: 3, label: 'Bonne' },
  { value: 4, label: 'Très bonne' },
];

/** The text fields of the committee's sheet, in the order of the programme's sheet. */
export type SheetText = Pick<LibrarySheet, 'title' | 'summary' | 'objectives' | 'means' | 'keys_to_success' | 'expected_results' | 'difficulties'>;

export const SHEET_FIELDS: { key: keyof SheetText; label: string; rows: number }[] = [
  { key: 'title', label: 'Titre', rows: 1 },
  { key: 'summary', label: 'Résumé', rows: 2 },
  { key: 'objectives', label: 'Objectifs', rows: 4 },
  { key: 'means', label: 'Moyens mobilisés', rows: 4 },
  { key: 'keys_to_success', label: 'Clés de réussite', rows: 4 },
  { key: 'expected_results', label: 'Résultats attendus', rows: 3 },
  { key: 'difficulties', label: 'Difficultés rencontrées', rows: 3 },
];

export function sheetText(s: LibrarySheet): SheetText {
  return {
    title: s.title,
    summary: s.summary,
    objectives: s.objectives,
    means: s.means,
    keys_to_success: s.keys_to_success,
    expected_results: s.expected_results,
    difficulties: s.difficulties,
  };
}
