import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Autosaver, anyUnsaved, flushAll } from './autosave.svelte';
import { applyWorkspace } from './workspace.svelte';

/** A save whose completion the test decides. */
function controllableSave() {
  const saved: string[] = [];
  const waiting: { value: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  const save = (value: string) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({
        value,
        resolve: () => {
          saved.push(value);
          resolve();
        },
        reject,
      });
    });
  return { save, saved, waiting };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Autosaver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('saves once after a pause in typing, not at every keystroke', async () => {
    const { save, waiting } = controllableSave();
    const s = new Autosaver<string>({ save, delay: 600 });
    s.update('B');
    await vi.advanceTimersByTimeAsync(300);
    s.update('Bo');
    await vi.advanceTimersByTimeAsync(300);
    s.update('Bon');
    expect(waiting).toHaveLength(0);
    expect(s.state).toBe('dirty');
    await vi.advanceTimersByTimeAsync(600);
    expect(waiting.map((w) => w.value)).toEqual(['Bon']);
    waiting[0].resolve();
    await s.dispose();
  });

  it('says "saved" only once the backend resolved the save', async () => {
    const { save, waiting } = controllableSave();
    const s = new Autosaver<string>({ save, delay: 600 });
    s.update('Bonjour');
    await vi.advanceTimersByTimeAsync(600);
    expect(s.state).toBe('saving');
    waiting[0].resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.state).toBe('saved');
    s.discard();
  });

  it('flushes at once on demand and resolves when stored', async () => {
    const { save, waiting, saved } = controllableSave();
    const s = new Autosaver<string>({ save, delay: 600 });
    s.update('texte');
    const flushed = s.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting).toHaveLength(1);
    let done = false;
    void flushed.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    waiting[0].resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
    expect(saved).toEqual(['texte']);
    s.discard();
  });

  it('loses no keystroke typed while a save is in flight, and never lets an older save land last', async () => {
    const { save, waiting, saved } = controllableSave();
    const s = new Autosaver<string>({ save, delay: 600 });
    s.update('Bon');
    await vi.advanceTimersByTimeAsync(600);
    expect(waiting).toHaveLength(1);
    // typing goes on while "Bon" is being stored: update() returns at once
    s.update('Bonjour');
    s.update('Bonjour à tous');
    expect(s.state).toBe('saving');
    const flushed = s.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting).toHaveLength(1); // the second save waits for the first
    waiting[0].resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.state).toBe('saving');
    expect(waiting).toHaveLength(2);
    expect(waiting[1].value).toBe('Bonjour à tous');
    waiting[1].resolve();
    await flushed;
    expect(saved).toEqual(['Bon', 'Bonjour à tous']);
    expect(s.state).toBe('saved');
    s.discard();
  });

  it('sends nothing that the client-side check refuses, and says why', async () => {
    const save = vi.fn(async () => {});
    const s = new Autosaver<string>({
      save,
      check: (v) => (v.trim() ? null : { code: 'invalid', message: 'Le titre est obligatoire.', field: 'title' }),
    });
    s.update('  ');
    await s.flush();
    expect(save).not.toHaveBeenCalled();
    expect(s.state).toBe('error');
    expect(s.error?.message).toBe('Le titre est obligatoire.');
    s.update('Titre');
    await s.flush();
    expect(save).toHaveBeenCalledWith('Titre');
    expect(s.state).toBe('saved');
    s.discard();
  });

  it('keeps a refused snapshot pending and shows the backend message', async () => {
    let fail = true;
    const save = vi.fn(async () => {
      if (fail) throw { code: 'invalid', message: 'la date est impossible', field: 'date' };
    });
    const s = new Autosaver<string>({ save });
    s.update('x');
    await s.flush();
    expect(s.state).toBe('error');
    expect(s.error).toEqual({ code: 'invalid', message: 'la date est impossible', field: 'date' });
    fail = false;
    await s.flush(); // retried: nothing typed is dropped
    expect(save).toHaveBeenCalledTimes(2);
    expect(s.state).toBe('saved');
    s.discard();
  });

  it('reads the fields when the save starts, not at each keystroke', async () => {
    const { save, waiting } = controllableSave();
    const field = { value: '' };
    const read = vi.fn(() => field.value);
    const s = new Autosaver<string>({ save, read, delay: 600 });
    for (const text of ['P', 'Pr', 'Premier']) {
      field.value = text;
      s.touch();
    }
    expect(read).not.toHaveBeenCalled();
    field.value = 'Premier COPIL'; // typed, its input event not handled yet
    await vi.advanceTimersByTimeAsync(600);
    expect(waiting.map((w) => w.value)).toEqual(['Premier COPIL']);
    expect(read).toHaveBeenCalledTimes(1);
    waiting[0].resolve();
    await s.dispose();
  });

  it('never says "saved" when a keystroke came after the save read the fields', async () => {
    const { save, waiting, saved } = controllableSave();
    const field = { value: 'Premier COPIL' };
    const s = new Autosaver<string>({ save, read: () => field.value, delay: 600 });
    s.touch();
    const first = s.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.map((w) => w.value)).toEqual(['Premier COPIL']);
    field.value = 'Premier COPIL terr';
    s.touch();
    waiting[0].resolve();
    await first;
    expect(s.state).not.toBe('saved');
    expect(s.pending).toBe(true);
    // leaving the field: what it holds now is stored, then only "Enregistré"
    field.value = 'Premier COPIL territorial';
    const second = s.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting[1].value).toBe('Premier COPIL territorial');
    expect(s.state).toBe('saving');
    waiting[1].resolve();
    await second;
    expect(saved).toEqual(['Premier COPIL', 'Premier COPIL territorial']);
    expect(s.state).toBe('saved');
    s.discard();
  });

  it('keeps the text when the store is busy and tries again by itself until it is stored', async () => {
    let busy = 2;
    const stored: string[] = [];
    const save = vi.fn(async (v: string) => {
      if (busy-- > 0) throw { code: 'busy', message: 'le magasin est occupé : réessayez dans un instant', field: null };
      stored.push(v);
    });
    const field = { value: 'Mme Lefort, adjointe au maire' };
    const s = new Autosaver<string>({ save, read: () => field.value, retryDelay: 1000 });
    s.touch();
    await s.flush();
    expect(s.state).toBe('error');
    expect(s.retrying).toBe(true);
    expect(s.pending).toBe(true);
    expect(anyUnsaved()).toBe(true);
    field.value = 'Mme Lefort, adjointe au maire de Valmont'; // typed while the store was busy
    await vi.advanceTimersByTimeAsync(1000); // second attempt: still busy
    expect(save).toHaveBeenCalledTimes(2);
    expect(s.state).toBe('error');
    await vi.advanceTimersByTimeAsync(2000); // third attempt, after a longer pause
    expect(stored).toEqual(['Mme Lefort, adjointe au maire de Valmont']);
    expect(s.state).toBe('saved');
    expect(s.retrying).toBe(false);
    s.discard();
  });

  it('does not retry by itself a save refused for its content', async () => {
    const save = vi.fn(async () => {
      throw { code: 'invalid', message: 'la date est impossible', field: 'date' };
    });
    const s = new Autosaver<string>({ save, read: () => '30/02/2026' });
    s.touch();
    await s.flush();
    expect(s.retrying).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(save).toHaveBeenCalledTimes(1);
    expect(s.state).toBe('error');
    s.discard();
  });

  it('an editor closed while the store is busy keeps its text until it is stored', async () => {
    let busy = true;
    const stored: string[] = [];
    const save = vi.fn(async (v: string) => {
      if (busy) throw { code: 'busy', message: 'le magasin est occupé', field: null };
      stored.push(v);
    });
    const s = new Autosaver<string>({ save, read: () => 'Premier COPIL territorial', retryDelay: 1000 });
    s.touch();
    await s.dispose(); // the facilitator went to another screen
    expect(anyUnsaved()).toBe(true); // the window's close still knows about it
    busy = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(stored).toEqual(['Premier COPIL territorial']);
    expect(anyUnsaved()).toBe(false);
  });

  it('flushAll saves every open editor (window close, route change)', async () => {
    const a = vi.fn(async () => {});
    const b = vi.fn(async () => {});
    const sa = new Autosaver<string>({ save: a });
    const sb = new Autosaver<string>({ save: b });
    sa.update('a');
    sb.update('b');
    await flushAll();
    expect(a).toHaveBeenCalledWith('a');
    expect(b).toHaveBeenCalledWith('b');
    sa.discard();
    sb.discard();
    await tick;
  });

  it('at headquarters saves only its own records (the committee’s sheet), never a territory’s', async () => {
    applyWorkspace({ mode: 'siege', hq: null });
    try {
      const territory = vi.fn(async () => {});
      const own = vi.fn(async () => {});
      const st = new Autosaver<string>({ save: territory });
      const so = new Autosaver<string>({ save: own, own: true });
      st.update('a');
      so.update('b');
      await flushAll();
      expect(territory).not.toHaveBeenCalled();
      expect(own).toHaveBeenCalledWith('b');
      expect(so.state).toBe('saved');
      st.discard();
      so.discard();
    } finally {
      applyWorkspace({ mode: null, hq: null });
    }
  });
});
