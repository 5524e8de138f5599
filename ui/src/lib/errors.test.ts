import { describe, expect, it } from 'vitest';
import { sentence } from './errors';

describe('sentence', () => {
  it('starts with a capital and sets the typographic apostrophe', () => {
    expect(sentence("la phrase de passe n'est pas la bonne")).toBe('La phrase de passe n’est pas la bonne');
    expect(sentence('le champ « titre » est obligatoire')).toBe('Le champ «\u00a0titre\u00a0» est obligatoire');
    expect(sentence('')).toBe('');
  });
});
