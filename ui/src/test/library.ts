// What headquarters sends back (issue 13), for the component tests, on the real core: a
// facilitator's computer proposes practices and hands them to headquarters, whose committee
// decides and publishes; headquarters writes its library bundle; the facilitator's computer
// trusts headquarters' key and imports it. No rule here: every step is one of core's commands.
/// <reference types="node" />
import { join } from 'node:path';
import { setBackend, type Backend, type Practice } from '../backend';
import { app, refreshTerritories } from '../lib/app.svelte';
import { applySession } from '../lib/session.svelte';
import { applyWorkspace } from '../lib/workspace.svelte';
import type { Core } from './helpers';
import { sealedBundle, type Hq } from './hq';

export const TERRITORY = 'Quartier des Tilleuls';

const PRACTICE: Omit<Practice, 'territory_id' | 'title' | 'summary' | 'action_id'> = {
  objectives: 'Rapprocher les familles du collège.',
  means: 'La salle du foyer, un café offert par le centre social.',
  keys_to_success: 'Un horaire fixe, une invitation personnelle.',
  expected_results: 'Des parents plus présents aux réunions.',
  obtained_results: '',
  difficulties: 'Toucher les pères.',
  contacts: 'Principal adjoint du collège',
  theme_ids: [],
  status: 'proposee',
};

export interface Proposed {
  /** The facilitator's computer (not installed as the screens' backend). */
  facilitator: Core;
  territoryId: string;
  /** Linked to an action led by a school (actor category `education_nationale`). */
  breakfast: string;
  /** With no action. */
  homework: string;
  /** Rejected by the committee. */
  rejected: string;
}

/**
 * A facilitator proposes three practices and hands them, sealed, to headquarters, which imports
 * them. The first comes from an action led by a school.
 */
export async function proposedAtHq(hq: Hq): Promise<Proposed> {
  const ids: string[] = [];
  const fill = async (api: Backend, territoryId: string) => {
    const school = await api.recordPut('organisation', null, {
      territory_id: territoryId,
      name: 'Collège Jean Moulin',
      category: 'education_nationale',
      engagement: 'professionnel',
      fields: ['scolaire'],
      sub_territory: null,
      notes: '',
    });
    const action = await api.recordPut('action', null, {
      territory_id: territoryId,
      title: 'Café des parents',
      objective: '',
      hypothesis: '',
      lead_organisation_id: school.id,
      partner_ids: [],
      priority: { rank: 1, impact: null, feasibility: null },
      status: 'realisee',
      start_date: null,
      end_date: null,
      resources: '',
      source_workshop_id: null,
      inspired_by: null,
      notes: '',
    });
    for (const [title, summary, actionId] of [
      ['Petits-déjeuners des parents au collège', 'Un rendez-vous mensuel où parents et professionnels se rencontrent.', action.id],
      ['Aide aux devoirs partagée', 'Des bénévoles et des enseignants tiennent ensemble l’aide aux devoirs.', null],
      ['Une fête de quartier', 'Une fête une fois par an.', null],
    ] as const) {
      ids.push((await api.recordPut('practice', null, { ...PRACTICE, territory_id: territoryId, title, summary, action_id: actionId })).id);
    }
  };
  const bundle = await sealedBundle(hq, { facilitator: 'Camille Essai', territory: TERRITORY, file: 'tilleuls.maillage', fill });
  await hq.api.importBundle(bundle.path, false);
  return { facilitator: bundle.facilitator, territoryId: bundle.territoryId, breakfast: ids[0], homework: ids[1], rejected: ids[2] };
}

/** The committee's work on them: two retained and published under two themes (the first edited), one rejected. */
export async function publishedAtHq(hq: Hq, p: Proposed): Promise<{ themes: string[]; editedSummary: string }> {
  const themes = (await hq.api.libraryThemes()).slice(0, 2);
  const editedSummary = 'Chaque mois, parents et professionnels partagent un petit-déjeuner au collège avant la classe.';
  const sheet = await hq.api.decidePractice(p.breakfast, true, 'Simple à reprendre ailleurs.');
  await hq.api.recordPut('library_sheet', sheet.id, { ...sheet.data, summary: editedSummary });
  await hq.api.publishPractice(p.breakfast, [themes[0]]);
  await hq.api.decidePractice(p.homework, true, '');
  await hq.api.publishPractice(p.homework, [themes[1]]);
  await hq.api.decidePractice(p.rejected, false, 'Trop proche de ce qui existe déjà.');
  return { themes, editedSummary };
}

/** Headquarters' library bundle, written by core into headquarters' inbox. */
export async function libraryBundle(hq: Hq, file = 'bibliotheque.maillage'): Promise<string> {
  const out = join(hq.inbox, file);
  await hq.api.publishLibrary(out, true);
  return out;
}

/** Headquarters' public key file (`hq.pub`). */
export async function hqPublicFile(hq: Hq): Promise<string> {
  return (await hq.api.workspace()).hq!.public_key_file;
}

/** Installs `core` as the screens' backend, as the application does at start-up. */
export async function installAs(core: Core): Promise<void> {
  setBackend(core.backend);
  app.status = await core.api.status();
  app.vocab = await core.api.vocabulary();
  app.territories = [];
  app.territoryId = null;
  app.notice = null;
  applySession(await core.api.sessionState());
  applyWorkspace(await core.api.workspace());
  await refreshTerritories();
  core.calls = [];
  core.refused = [];
}
