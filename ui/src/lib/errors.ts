import type { ApiError } from '../backend';

/** Any rejection as an ApiError, whose French message is shown to the user as is. */
export function asApiError(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as ApiError;
    return { code: o.code ?? 'internal', message: String(o.message), field: o.field ?? null };
  }
  return { code: 'internal', message: String(e ?? 'erreur inattendue'), field: null };
}

/** A French message starts with a capital when shown alone. */
export function sentence(message: string): string {
  return message ? message.charAt(0).toUpperCase() + message.slice(1) : message;
}
