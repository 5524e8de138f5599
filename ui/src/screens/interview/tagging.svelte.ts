// Tagging passages of an interview: the text selected in an answer (or the notes) becomes a
// passage, labelled with a theme or kept as a verbatim quote. From the keyboard: Ctrl + T opens
// the theme picker, Entrée tags; the focus and the selection go back to the answer.
import type { Passage } from '../../backend';

export interface Tagged {
  passages: Passage[];
  theme_ids: string[];
}

export class Tagging {
  selection = $state<{ source: string; text: string } | null>(null);
  theme = $state('');
  picker = $state<{ source: string; text: string; el: HTMLTextAreaElement; start: number; end: number } | null>(null);

  readonly #form: () => Tagged;
  readonly #changed: () => void;
  readonly #saveNow: () => void;

  /** `form()` is the interview being edited; `changed()` saves it soon, `saveNow()` at once. */
  constructor(form: () => Tagged, changed: () => void, saveNow: () => void) {
    this.#form = form;
    this.#changed = changed;
    this.#saveNow = saveNow;
  }

  track = (e: Event): void => {
    const el = e.target as HTMLTextAreaElement;
    if (!(el instanceof HTMLTextAreaElement) || !el.dataset.source) return;
    const text = el.value.slice(el.selectionStart ?? 0, el.selectionEnd ?? 0).trim();
    this.selection = text ? { source: el.dataset.source, text } : null;
  };

  add(quote: boolean): void {
    const sel = this.selection;
    if (!sel) return;
    const form = this.#form();
    const theme = this.theme;
    const existing = form.passages.find((p) => p.source === sel.source && p.text === sel.text);
    if (existing) {
      if (quote) existing.quote = true;
      else if (theme && !existing.theme_ids.includes(theme)) existing.theme_ids.push(theme);
    } else {
      form.passages.push({ source: sel.source, text: sel.text, theme_ids: !quote && theme ? [theme] : [], quote });
    }
    if (!quote && theme && !form.theme_ids.includes(theme)) form.theme_ids.push(theme);
    this.#changed();
    this.#saveNow();
  }

  remove(i: number): void {
    this.#form().passages.splice(i, 1);
    this.#changed();
  }

  /** Ctrl + T in an answer: the picker, for the text selected there. */
  openPicker(el: HTMLTextAreaElement): boolean {
    const start = el.selectionStart ?? 0;
    const end = el.selectionEnd ?? 0;
    const text = el.value.slice(start, end).trim();
    if (!text || !el.dataset.source) return false;
    this.selection = { source: el.dataset.source, text };
    this.picker = { source: el.dataset.source, text, el, start, end };
    return true;
  }

  closePicker = (): void => {
    const p = this.picker;
    this.picker = null;
    if (p) {
      p.el.focus();
      p.el.setSelectionRange(p.start, p.end);
    }
  };

  tagWith = (themeId: string): void => {
    const p = this.picker;
    if (!p) return;
    this.selection = { source: p.source, text: p.text };
    this.theme = themeId;
    this.add(false);
    this.closePicker();
  };
}
