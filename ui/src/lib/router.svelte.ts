// A small hash router: `#/entretiens/<id>`. Every navigation first asks the open editors to
// save (they also save when they are closed), so leaving a screen never loses a keystroke.
import { flushAll } from './autosave.svelte';

export type Section =
  | 'bienvenue'
  | 'territoires'
  | 'acteurs'
  | 'entretiens'
  | 'analyse'
  | 'carte'
  | 'ateliers'
  | 'plan'
  | 'pratiques'
  | 'bibliotheque'
  | 'rapports'
  | 'recherche'
  | 'echanges'
  | 'parametres'
  // Headquarters' workspace (the territories' sections above are its read-only drill-down).
  | 'arrivees'
  | 'national'
  | 'synthese'
  | 'exports'
  | 'comite'
  | 'cles'
  | 'rencontres';

export interface Route {
  section: Section;
  /** The rest of the path: `["<id>"]`, `["personnes", "<id>"]`… */
  parts: string[];
  query: URLSearchParams;
}

const SECTIONS: Section[] = [
  'bienvenue',
  'territoires',
  'acteurs',
  'entretiens',
  'analyse',
  'carte',
  'ateliers',
  'plan',
  'pratiques',
  'bibliotheque',
  'rapports',
  'recherche',
  'echanges',
  'parametres',
  'arrivees',
  'national',
  'synthese',
  'exports',
  'comite',
  'cles',
  'rencontres',
];

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const head = parts.shift() as Section | undefined;
  const section = head && SECTIONS.includes(head) ? head : 'territoires';
  return { section, parts, query: new URLSearchParams(qs ?? '') };
}

/** The path of a route, as `navigate` takes it: `/entretiens/<id>?…`. */
export function pathOf(route: Route): string {
  const path = '/' + [route.section, ...route.parts.map(encodeURIComponent)].join('/');
  const qs = route.query.toString();
  return qs ? `${path}?${qs}` : path;
}

export const router = $state<{ route: Route }>({
  route: parseHash(typeof location === 'undefined' ? '' : location.hash),
});

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  void flushAll();
  const hash = '#' + (path.startsWith('/') ? path : '/' + path);
  if (opts.replace) {
    history.replaceState(history.state, '', hash);
    router.route = parseHash(hash);
  } else if (location.hash !== hash) {
    location.hash = hash;
    router.route = parseHash(hash);
  }
}

let started = false;
export function startRouter(): void {
  if (started) return;
  started = true;
  window.addEventListener('hashchange', () => {
    void flushAll();
    router.route = parseHash(location.hash);
  });
}
