// Headquarters for the component tests, on the real core: a store in the « Siège national »
// workspace (its keys made by core), and facilitators' computers — other `maillage serve`
// processes — that seal bundles for it. No rule here: every record goes through core.
/// <reference types="node" />
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../backend';
import { applyWorkspace } from '../lib/workspace.svelte';
import { encrypt, startCore, useCore, type Core } from './helpers';

export interface Hq extends Core {
  /** Headquarters' public key (`age1…`): facilitators seal for it. */
  recipient: string;
  /** A folder of this core's own, where bundles arrive. */
  inbox: string;
}

/** Headquarters on a fresh store (no demo), encrypted as headquarters' must be, installed as the screens' backend. */
export async function useHq(): Promise<Hq> {
  const core = await useCore({ demo: false, facilitator: 'Équipe nationale' });
  await encrypt(core);
  const w = await core.api.setWorkspace('siege');
  applyWorkspace(w);
  const inbox = join(core.process.dir, 'arrivees');
  mkdirSync(inbox, { recursive: true });
  core.calls = [];
  return Object.assign(core, { recipient: w.hq!.recipient, inbox });
}

/** The roadmap and three structures: the lancement done, the territory at step 2. */
export async function launch(api: Backend, territoryId: string): Promise<void> {
  const orgs: string[] = [];
  for (const [name, category] of [
    ['Collège Jean Moulin', 'education_nationale'],
    ['Centre social des Tilleuls', 'centre_social'],
    ['Service de l’ASE', 'departement_ase'],
  ] as const) {
    const o = await api.recordPut('organisation', null, {
      territory_id: territoryId,
      name,
      category,
      engagement: 'professionnel',
      fields: ['scolaire'],
      sub_territory: null,
      notes: '',
    });
    orgs.push(o.id);
  }
  await api.recordPut('roadmap', null, {
    territory_id: territoryId,
    stakes: 'Mieux coopérer autour du passage CM2-6e',
    context: '',
    questions: '',
    objectives: ['Se connaître'],
    sub_territories: [],
    organisation_ids: orgs,
    actors_note: '',
    project_organisation: '',
    launched_on: '2026-09-01',
  });
}

/**
 * A facilitator's computer: `territory` and what `fill` adds, exported sealed for headquarters
 * into its inbox as `file`.
 */
export async function sealedBundle(
  hq: Hq,
  opts: { facilitator: string; territory: string; file: string; fill?: (api: Backend, territoryId: string) => Promise<void> },
): Promise<{ path: string; territoryId: string; facilitator: Core }> {
  const f = startCore();
  await f.api.init(opts.facilitator);
  const t = await f.api.recordPut('territory', null, {
    name: opts.territory,
    kind: 'qpv',
    departement_code: '93',
    communes: ['Bondy'],
    programme: null,
    notes: '',
  });
  await opts.fill?.(f.api, t.id);
  const path = join(hq.inbox, opts.file);
  await f.api.exportBundle({ out: path, since_last: false, to: [hq.recipient] }, () => {});
  return { path, territoryId: t.id, facilitator: f };
}

/** Flips a byte in the middle of a file: a bundle damaged on its way. */
export function tamper(path: string): void {
  const bytes = readFileSync(path);
  bytes[Math.floor(bytes.length / 2)] ^= 0x5a;
  writeFileSync(path, bytes);
}
