/** Accents and case folded, for filters typed by a person ("ecole" finds "École"). */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** French quotation marks with non-breaking spaces inside: `« texte »` (U+00A0 on each side). */
export function quote(text: string): string {
  return `«\u00a0${text}\u00a0»`;
}
