// The Tauri transport: one `invoke` per call with the arguments as given (their names are typed
// by the generated `Commands` map, and the component tests run them against the real core), a
// channel as `onProgress` for a command that reports progress, every rejection as
// {code, message, field}, and the close request held until the pending save resolved.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
const listeners: ((e: unknown) => Promise<void>)[] = [];
vi.mock('@tauri-apps/api/core', () => ({
  invoke: (...args: unknown[]) => invoke(...args),
  Channel: class {
    onmessage: (m: unknown) => void = () => {};
  },
}));
vi.mock('@tauri-apps/api/window', () => ({
  getCurrentWindow: () => ({
    onCloseRequested: async (h: (e: unknown) => Promise<void>) => {
      listeners.push(h);
      return () => {};
    },
    close: async () => {},
  }),
}));

const { tauriTransport } = await import('./tauri');
const { connect } = await import('./client');
const b = connect(tauriTransport);

describe('tauri transport', () => {
  beforeEach(() => invoke.mockReset().mockResolvedValue(null));

  it('invokes the command of that name with its camelCase arguments', async () => {
    await b.status();
    await b.recordList('theme');
    await b.decisionToAction('w-1', 2);
    await b.importBundle('/m/a.maillage', true);
    expect(invoke.mock.calls).toEqual([
      ['status', {}],
      ['record_list', { kind: 'theme', territoryId: null }],
      ['decision_to_action', { workshopId: 'w-1', index: 2 }],
      ['import_bundle', { file: '/m/a.maillage', dryRun: true }],
    ]);
  });

  it('passes a channel as onProgress and hands on what it hears', async () => {
    const heard: unknown[] = [];
    await b.exportBundle({ out: '/m/a.maillage', since_last: true, to: [] }, (p) => heard.push(p));
    const [name, args] = invoke.mock.calls[0] as [string, { request: unknown; onProgress: { onmessage: (m: unknown) => void } }];
    expect(name).toBe('export_bundle');
    expect(args.request).toEqual({ out: '/m/a.maillage', since_last: true, to: [] });
    args.onProgress.onmessage({ stage: 'reading', records: 1, total: 2 });
    expect(heard).toEqual([{ stage: 'reading', records: 1, total: 2 }]);
  });

  it('asks the dialog plugin for several files at once, and hands on every path chosen', async () => {
    invoke.mockResolvedValueOnce(['/m/a.maillage', '/m/b.maillage']);
    const chosen = await b.chooseFiles({ mode: 'open', title: 'Choisir', multiple: true, filters: [{ name: 'Paquet', extensions: ['maillage'] }] });
    expect(chosen).toEqual(['/m/a.maillage', '/m/b.maillage']);
    expect(invoke.mock.calls[0]).toEqual([
      'plugin:dialog|open',
      { options: { title: 'Choisir', defaultPath: undefined, filters: [{ name: 'Paquet', extensions: ['maillage'] }], directory: false, multiple: true } },
    ]);
    invoke.mockResolvedValueOnce('/m/seul.xlsx');
    expect(await b.chooseFile({ mode: 'save', title: 'Enregistrer' })).toBe('/m/seul.xlsx');
    invoke.mockResolvedValueOnce(null);
    expect(await b.chooseFiles({ mode: 'folder', title: 'Dossier', multiple: true })).toEqual([]);
  });

  it('turns any rejection into {code, message, field}', async () => {
    invoke.mockRejectedValueOnce({ code: 'invalid', message: 'le champ « title » est obligatoire', field: 'title' });
    await expect(b.recordPut('action', null, {} as never)).rejects.toEqual({
      code: 'invalid',
      message: 'le champ « title » est obligatoire',
      field: 'title',
    });
    invoke.mockRejectedValueOnce('command record_put not found');
    await expect(b.status()).rejects.toMatchObject({ code: 'internal', message: 'command record_put not found' });
  });

  it('awaits the pending save before letting the window close, and can hold the close', async () => {
    let saved = false;
    let answer = true;
    b.guardClose(async () => {
      await new Promise((r) => setTimeout(r, 20));
      saved = true;
      return answer;
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(listeners).toHaveLength(1);
    const event = { prevented: false, preventDefault() { this.prevented = true; } };
    await listeners[0](event);
    expect(saved).toBe(true);
    expect(event.prevented).toBe(false);
    answer = false;
    await listeners[0](event);
    expect(event.prevented).toBe(true);
  });
});
