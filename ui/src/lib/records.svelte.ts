import { backend, type ApiError, type Kind } from '../backend';
import type { Autosaver } from './autosave.svelte';
import { asApiError } from './errors';
import { navigate } from './router.svelte';

/**
 * An editor's « Supprimer »: what is pending is dropped, the record deleted (when it was ever
 * saved), then back to the list at `to`. Resolves to core's refusal, if any (the editor stays).
 */
export async function deleteAndLeave(saver: Autosaver<any>, kind: Kind, id: string | null, to: string): Promise<ApiError | null> {
  saver.discard();
  try {
    if (id) await backend().recordDelete(kind, id);
    navigate(to);
    return null;
  } catch (e) {
    return asApiError(e);
  }
}

/**
 * `list` with `r` in it: in place of the version it replaces, or — new — where `compare` sorts
 * it (at the top without `compare`).
 */
export function upsert<T extends { id: string }>(list: T[], r: T, compare?: (a: T, b: T) => number): T[] {
  if (list.some((x) => x.id === r.id)) return list.map((x) => (x.id === r.id ? r : x));
  return compare ? [...list, r].sort(compare) : [r, ...list];
}

/**
 * A list's side form follows the address (call it while the component initialises): `fresh`
 * (« nouvelle ») opens an empty form, a record's id opens that record, nothing closes the form.
 */
export function followRoute<T extends { id: string }>(
  route: () => string | null,
  fresh: string,
  list: () => T[],
  open: (r: T | null) => void,
  close: () => void,
): void {
  $effect(() => {
    const at = route();
    if (at === fresh) open(null);
    else if (at) {
      const r = list().find((x) => x.id === at);
      if (r) open(r);
    } else close();
  });
}
