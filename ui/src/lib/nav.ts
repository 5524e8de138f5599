// The sidebar of each workspace, and the title of each section (the window's title).
import type { Section } from './router.svelte';

export interface NavItem {
  section: Section;
  label: string;
  /** An SVG path (24 × 24, stroked). */
  icon: string;
}

const ICON = {
  territoires: 'M3 10l9-6 9 6v10H3z',
  acteurs: 'M8 11a3 3 0 100-6 3 3 0 000 6zm8 0a3 3 0 100-6 3 3 0 000 6zM2 20c0-3 3-5 6-5s6 2 6 5m0-5c1-.6 1.8-1 2-1 3 0 6 2 6 5',
  entretiens: 'M4 5h16v11H8l-4 4z',
  ateliers: 'M3 6h18M3 12h18M3 18h12',
  plan: 'M4 4h4v16H4zM10 4h4v10h-4zM16 4h4v6h-4z',
  pratiques: 'M12 3l2.6 5.6 6.1.7-4.5 4.2 1.2 6L12 16.6 6.6 19.5l1.2-6L3.3 9.3l6.1-.7z',
  recherche: 'M10.5 17a6.5 6.5 0 100-13 6.5 6.5 0 000 13zM15.5 15.5L21 21',
  echanges: 'M4 8h13l-3-3M20 16H7l3 3',
  parametres: 'M12 15a3 3 0 100-6 3 3 0 000 6zM12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1',
  arrivees: 'M3 13h5l1.5 3h5L16 13h5M3 13l3-8h12l3 8v6H3z',
  national: 'M3 4h18v16H3zM3 9h18M3 14h18M9 4v16',
  synthese: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
  exports: 'M12 3v12M7 10l5 5 5-5M4 19h16',
  comite: 'M4 4h16v16H4zM8 12l3 3 5-6',
  analyse: 'M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z',
  carte: 'M6 7a2 2 0 100-4 2 2 0 000 4zM18 9a2 2 0 100-4 2 2 0 000 4zM12 21a2 2 0 100-4 2 2 0 000 4zM7.5 6l9 1.5M7 6.5l4.3 10.8M17 8.5l-4.3 8.7',
  rapports: 'M6 3h9l4 4v14H6zM14 3v5h5M9 13h7M9 17h7',
  bibliotheque: 'M4 4h4v16H4zM10 4h4v16h-4zM15.5 5l3.8-1 3 15.5-3.8 1z',
  rencontres: 'M4 6h16v14H4zM4 10h16M8 3v5M16 3v5',
};

export const TERRITORY_NAV: NavItem[] = [
  { section: 'territoires', label: 'Territoires', icon: ICON.territoires },
  { section: 'acteurs', label: 'Acteurs', icon: ICON.acteurs },
  { section: 'entretiens', label: 'Entretiens', icon: ICON.entretiens },
  { section: 'analyse', label: 'Analyse', icon: ICON.analyse },
  { section: 'carte', label: 'Carte de coopération', icon: ICON.carte },
  { section: 'ateliers', label: 'Ateliers', icon: ICON.ateliers },
  { section: 'plan', label: 'Plan d’action', icon: ICON.plan },
  { section: 'pratiques', label: 'Pratiques inspirantes', icon: ICON.pratiques },
  { section: 'bibliotheque', label: 'Bibliothèque', icon: ICON.bibliotheque },
  { section: 'rapports', label: 'Rapports', icon: ICON.rapports },
  { section: 'recherche', label: 'Recherche', icon: ICON.recherche },
  { section: 'echanges', label: 'Échanges', icon: ICON.echanges },
  { section: 'parametres', label: 'Paramètres', icon: ICON.parametres },
];

export const HQ_NAV: NavItem[] = [
  { section: 'arrivees', label: 'Arrivées', icon: ICON.arrivees },
  { section: 'national', label: 'Tableau national', icon: ICON.national },
  { section: 'synthese', label: 'Synthèse nationale', icon: ICON.synthese },
  { section: 'comite', label: 'Comité de sélection', icon: ICON.comite },
  { section: 'bibliotheque', label: 'Bibliothèque', icon: ICON.bibliotheque },
  { section: 'rencontres', label: 'Rencontres nationales', icon: ICON.rencontres },
  { section: 'exports', label: 'Exports', icon: ICON.exports },
  { section: 'recherche', label: 'Recherche', icon: ICON.recherche },
  { section: 'parametres', label: 'Paramètres', icon: ICON.parametres },
];

/** At headquarters, a territory's screens: the drill-down of the national dashboard, read-only. */
export const DRILL_DOWN: Section[] = ['territoires', 'acteurs', 'entretiens', 'analyse', 'carte', 'ateliers', 'plan', 'pratiques'];

/** Sections of the facilitator's workspace that headquarters has no use for. */
export const TERRITORY_ONLY: Section[] = ['bienvenue', 'echanges', 'rapports'];
/** Sections of headquarters' workspace. */
export const HQ_ONLY: Section[] = ['arrivees', 'national', 'synthese', 'comite', 'exports', 'cles', 'rencontres'];

/** The sidebar entry a section belongs to. */
export function navSectionOf(section: Section, hq: boolean): Section {
  if (!hq) return section;
  if (DRILL_DOWN.includes(section)) return 'national';
  if (section === 'cles') return 'parametres';
  return section;
}

export const TITLES: { [s in Section]: string } = {
  bienvenue: 'Bienvenue',
  territoires: 'Territoires',
  acteurs: 'Acteurs',
  entretiens: 'Entretiens',
  analyse: 'Analyse',
  carte: 'Carte de coopération',
  ateliers: 'Ateliers',
  plan: 'Plan d’action',
  pratiques: 'Pratiques inspirantes',
  bibliotheque: 'Bibliothèque',
  rapports: 'Rapports',
  recherche: 'Recherche',
  echanges: 'Échanges',
  parametres: 'Paramètres',
  arrivees: 'Arrivées',
  national: 'Tableau national',
  synthese: 'Synthèse nationale',
  exports: 'Exports',
  comite: 'Comité de sélection',
  cles: 'Clés du siège',
  rencontres: 'Rencontres nationales',
};
