// What every screen shares: the device's status, the vocabulary, the territories and the one
// the facilitator is working on.
import { backend, type Choice, type Record, type Status, type Territory, type Vocabulary } from '../backend';
import { applyWorkspace, loadWorkspace } from './workspace.svelte';

const TERRITORY_KEY = 'maillage.territoire';

export const app = $state<{
  status: Status | null;
  vocab: Vocabulary | null;
  territories: Record<Territory>[];
  territoryId: string | null;
  /** A French message shown in the top bar for a failure outside any form. */
  notice: string | null;
}>({ status: null, vocab: null, territories: [], territoryId: null, notice: null });

export function choices(list: string): Choice[] {
  return app.vocab?.lists[list] ?? [];
}

/** The French label of a code of a closed list (the code itself when unknown). */
export function labelOf(list: string, code: string | null | undefined): string {
  if (!code) return '';
  return choices(list).find((c) => c.code === code)?.label ?? code;
}

/** The French name of a kind, with a capital: "Entretien". */
export function kindLabel(kind: string): string {
  const l = app.vocab?.kinds.find((k) => k.code === kind)?.label ?? kind;
  return l.charAt(0).toUpperCase() + l.slice(1);
}

/** A demo territory (`data.demo`, set by core's demo): examples, never real data. */
export function isDemo(t: { data: unknown } | null | undefined): boolean {
  return !!t && (t.data as { demo?: boolean }).demo === true;
}

export function currentTerritory(): Record<Territory> | null {
  return app.territories.find((t) => t.id === app.territoryId) ?? null;
}

export function setTerritory(id: string | null): void {
  app.territoryId = id;
  try {
    if (id) localStorage.setItem(TERRITORY_KEY, id);
    else localStorage.removeItem(TERRITORY_KEY);
  } catch {
    // storage may be unavailable; the choice then lasts for the session
  }
}

export async function refreshTerritories(): Promise<void> {
  const list = await backend().recordList('territory');
  list.sort((a, b) => a.data.name.localeCompare(b.data.name, 'fr'));
  app.territories = list;
  if (!app.territoryId || !list.some((t) => t.id === app.territoryId)) {
    let saved: string | null = null;
    try {
      saved = localStorage.getItem(TERRITORY_KEY);
    } catch {
      saved = null;
    }
    setTerritory(list.find((t) => t.id === saved)?.id ?? list[0]?.id ?? null);
  }
}

/** Loads what every screen needs; the screens appear (app.status set) only once the current
 *  territory is known, so that an editor opened at start-up writes in it. Returns the screen
 *  the facilitator last worked in (its territory made current), to reopen at launch. */
export async function loadApp(): Promise<string | null> {
  const b = backend();
  const status = await b.status();
  app.vocab = await b.vocabulary();
  let screen: string | null = null;
  // Chosen at the first launch (FirstLaunch.svelte).
  if (!status.initialised) applyWorkspace({ mode: null, hq: null });
  if (status.initialised) {
    await loadWorkspace();
    await refreshTerritories();
    // Core forgets the place once its territory is gone; a failure only means no reopening.
    const place = await b.lastWorkedIn().catch(() => null);
    if (place) {
      if (place.territory_id && app.territories.some((t) => t.id === place.territory_id)) setTerritory(place.territory_id);
      screen = place.screen;
    }
  }
  app.status = status;
  return screen;
}

let lastRemembered = '';
/** Remembers where the facilitator works now (a local setting in core), once per change. */
export function rememberWorkedIn(screen: string): void {
  const place = { territory_id: app.territoryId, screen: screen.slice(0, 200) };
  const key = JSON.stringify(place);
  if (key === lastRemembered) return;
  lastRemembered = key;
  backend()
    .rememberWorkedIn(place)
    .catch(() => {
      lastRemembered = '';
    });
}
