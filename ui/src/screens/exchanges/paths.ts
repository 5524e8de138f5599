export const joinPath = (dir: string, name: string) => dir.replace(/\/+$/, '') + '/' + name;
export const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** A territory's name as a piece of a file name: no accents, lower case, dashes. */
export function slug(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'tout'
  );
}
