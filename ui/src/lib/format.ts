// French display of dates and numbers, and parsing of what a facilitator types.

/** `2026-11-22` (or an RFC 3339 time) → `22/11/2026`. Empty for nothing. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  if (iso.length > 10) {
    // A time stamp: show the local day.
    const d = new Date(iso);
    if (!Number.isNaN(d.getTime())) {
      return `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
    }
  }
  return `${m[3]}/${m[2]}/${m[1]}`;
}

/** An RFC 3339 time → `22/11/2026 à 14:05`. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  return `${formatDate(iso)} à ${hh}:${mm}`;
}

/** Today as `AAAA-MM-JJ` in local time. */
export function todayIso(now: Date = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

export type DateParse = { ok: true; iso: string | null } | { ok: false; message: string };

/**
 * What a person typed in a date field → an ISO day. Accepts `22/11/2026`, `22-11-2026`,
 * `22.11.2026` and `2026-11-22`. Refuses, in French, days that do not exist (30/02/2026).
 */
export function parseFrDate(typed: string, required = false): DateParse {
  const t = typed.trim();
  if (!t) return required ? { ok: false, message: 'La date est obligatoire (format JJ/MM/AAAA).' } : { ok: true, iso: null };
  let y: number, m: number, d: number;
  let match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  if (match) {
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else if ((match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t))) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    return { ok: false, message: `« ${t} » n’est pas une date : écrivez-la au format JJ/MM/AAAA (par exemple 22/11/2026).` };
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { ok: false, message: `Le ${pad(d)}/${pad(m)}/${y} n’existe pas : vérifiez le jour et le mois.` };
  }
  if (y < 1900 || y > 2200) {
    return { ok: false, message: `L’année ${y} n’est pas plausible : indiquez une année entre 1900 et 2200.` };
  }
  return { ok: true, iso: `${y}-${pad(m)}-${pad(d)}` };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

const numberFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

/** 12.5 → `12,5`; 1234 → `1 234` (French grouping). */
export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  return numberFormat.format(n).replace(/\u202f/g, '\u00a0');
}

export type NumberParse = { ok: true; value: number | null } | { ok: false; message: string };

/** `12,5` or `12.5` → 12.5; refuses, in French, what is not a number. */
export function parseFrNumber(typed: string, required = false): NumberParse {
  const t = typed.trim().replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!t) return required ? { ok: false, message: 'Indiquez une valeur.' } : { ok: true, value: null };
  if (!/^-?\d+(\.\d+)?$/.test(t)) return { ok: false, message: `« ${typed.trim()} » n’est pas un nombre (exemple : 12,5).` };
  return { ok: true, value: Number(t) };
}

/** A whole number typed in a setting (only its form is read here: the bounds are core's);
 *  `notWhole` is the sentence for a number that is not whole (« Indiquez un nombre entier de minutes. »). */
export function parseWholeNumber(typed: string, notWhole: string): { ok: true; value: number } | { ok: false; message: string } {
  const n = parseFrNumber(typed, true);
  if (!n.ok) return n;
  return Number.isInteger(n.value) ? { ok: true, value: n.value as number } : { ok: false, message: notWhole };
}

/** Bytes in French units: `1,4 Mo`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} o`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round((bytes / 1024) * 10) / 10)} Ko`;
  return `${formatNumber(Math.round((bytes / 1024 / 1024) * 10) / 10)} Mo`;
}

/** Plural in French: `3 entretiens`, `1 entretien`, `0 entretien`. */
export function plural(n: number, one: string, many: string): string {
  return `${formatNumber(n)} ${n >= 2 ? many : one}`;
}
