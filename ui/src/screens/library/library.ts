// What the library's screens show of core's entries (`library`): the sheet's text fields in the
// order of the programme's sheet. No rule here: which practices are published, the filters and
// the origin (a kind of territory and a département, never a person) are core's.
import type { LibrarySheet } from '../../backend';

export type SheetField = keyof Pick<LibrarySheet, 'summary' | 'objectives' | 'means' | 'keys_to_success' | 'expected_results' | 'difficulties'>;

export const SHEET_FIELDS: { key: SheetField; label: string }[] = [
  { key: 'summary', label: 'En quelques mots' },
  { key: 'objectives', label: 'Objectifs' },
  { key: 'means', label: 'Moyens mobilisés' },
  { key: 'keys_to_success', label: 'Clés de réussite' },
  { key: 'expected_results', label: 'Résultats attendus' },
  { key: 'difficulties', label: 'Difficultés rencontrées' },
];

/** The address of a sheet in the Bibliothèque. */
export const sheetPath = (sheetId: string) => `/bibliotheque/${encodeURIComponent(sheetId)}`;
