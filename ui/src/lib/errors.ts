import type { ApiError } from '../backend';

/** Any rejection as an ApiError, whose French message is shown to the user as is. */
export function asApiError(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as ApiError;
    return { code: o.code ?? 'internal', message: String(o.message), field: o.field ?? null };
  }
  return { code: 'internal', message: String(e ?? 'erreur inattendue'), field: null };
}

/**
 * A French message as shown alone: a capital first, the typographic apostrophe and « guillemets »
 * held to their words by non-breaking spaces (core and the command line write the typewriter
 * apostrophe and plain spaces, which read the same in a terminal).
 */
export function sentence(message: string): string {
  if (!message) return message;
  const typeset = message.replace(/'/g, '’').replace(/« /g, '«\u00a0').replace(/ »/g, '\u00a0»');
  return typeset.charAt(0).toUpperCase() + typeset.slice(1);
}
