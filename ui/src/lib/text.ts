/** Accents and case folded, for filters typed by a person ("ecole" finds "École"). */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}
