// The common goal and the charter keep their versions as records of their kind in the territory
// (core reads them so: the goal agreed on last, the charter adopted last). The screens open the
// newest one; « Nouvelle version » starts another from it, the earlier ones stay as they were.
import type { Record } from '../../backend';

/** Newest first: by creation, then by last change. */
export function newestFirst<T>(list: Record<T>[]): Record<T>[] {
  return [...list].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.updated_at.localeCompare(a.updated_at));
}

/** The version the screens open: the newest one, or none. */
export function currentOf<T>(list: Record<T>[]): Record<T> | null {
  return newestFirst(list)[0] ?? null;
}

/** The address of a territory's common goal or charter (a version of it when `id` is given). */
export function pathOf(territoryId: string, what: 'objectif' | 'charte', id?: string | null): string {
  return `/territoires/${territoryId}/${what}` + (id ? `/${id}` : '');
}
