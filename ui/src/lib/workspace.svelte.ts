// Which workspace this store is: a facilitator's (« Animation d'un territoire ») or
// headquarters' (« Siège national »), as core keeps it (`workspace`, `set_workspace`), with
// headquarters' keys. A store initialised before the choice existed has no mode: it is a
// facilitator's (see FirstLaunch.svelte).
import { backend, type HqWorkspaceKeys, type Workspace } from '../backend';

export type WorkspaceMode = NonNullable<Workspace['mode']>;

export const workspace = $state<{
  mode: WorkspaceMode | null;
  hq: HqWorkspaceKeys | null;
  /** Why headquarters' keys cannot be read (core's French sentence). */
  hqProblem: string | null;
}>({ mode: null, hq: null, hqProblem: null });

export function applyWorkspace(w: Pick<Workspace, 'mode' | 'hq'> & { hq_problem?: string | null }): void {
  workspace.mode = w.mode;
  workspace.hq = w.hq;
  workspace.hqProblem = w.hq_problem ?? null;
}

export async function loadWorkspace(): Promise<void> {
  applyWorkspace(await backend().workspace());
}

/** Headquarters' workspace: arrivals, the national dashboard, synthesis and tables. */
export function isHq(): boolean {
  return workspace.mode === 'siege';
}

/**
 * The territories' screens are read-only at headquarters: it only receives bundles, and what it
 * changed would never travel back to the territory. (Autosave sends nothing then either.)
 */
export function readOnly(): boolean {
  return isHq();
}
