// The Tauri gateway sends exactly the argument names the Rust commands expect: camelCase at the
// top level, snake_case inside `request` objects; every rejection becomes {code, message, field}.
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

const { tauriBackend: b } = await import('./tauri');

describe('tauri gateway', () => {
  beforeEach(() => invoke.mockReset().mockResolvedValue(null));

  it('names every argument as the commands expect', async () => {
    await b.status();
    await b.init('Claire');
    await b.recordPut('interview', null, { title: 'x' } as never);
    await b.recordGet('action', 'id-1');
    await b.recordList('person', 't-1');
    await b.recordList('theme');
    await b.recordDelete('practice', 'id-2');
    await b.search({ query: 'parents', kind: 'interview', territory_id: 't-1', limit: 20 });
    await b.stats('t-1');
    await b.territoryOverview('t-1');
    await b.decisionToAction('w-1', 2);
    await b.demo({ territory: 'Cité éducative de Valmont' });
    await b.backupNow();
    await b.listBackups();
    await b.restore('/x/sauvegardes/a.sqlite3');
    expect(invoke.mock.calls).toEqual([
      ['status', undefined],
      ['init', { facilitator: 'Claire' }],
      ['record_put', { kind: 'interview', id: null, data: { title: 'x' } }],
      ['record_get', { kind: 'action', id: 'id-1' }],
      ['record_list', { kind: 'person', territoryId: 't-1' }],
      ['record_list', { kind: 'theme', territoryId: null }],
      ['record_delete', { kind: 'practice', id: 'id-2' }],
      ['search', { request: { query: 'parents', kind: 'interview', territory_id: 't-1', limit: 20 } }],
      ['stats', { territoryId: 't-1' }],
      ['territory_overview', { territoryId: 't-1' }],
      ['decision_to_action', { workshopId: 'w-1', index: 2 }],
      ['demo', { request: { territory: 'Cité éducative de Valmont' } }],
      ['backup_now', undefined],
      ['list_backups', undefined],
      ['restore', { file: '/x/sauvegardes/a.sqlite3' }],
    ]);
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

describe('tauri gateway of the Échanges screen', () => {
  beforeEach(() => invoke.mockReset().mockResolvedValue(null));

  it('names the arguments as the exchange commands expect, progress through a channel', async () => {
    const heard: unknown[] = [];
    await b.exportBundle({ out: '/m/a.maillage', since_last: true, to: [] }, (p) => heard.push(p));
    await b.importBundle('/m/a.maillage', true);
    await b.verifyBundle('/m/a.maillage');
    await b.conflicts();
    await b.resolveConflict('c0ffee01', 'loser');
    await b.setHqPublicKeys(['age1x']);
    await b.bundleFiles('/m');
    const [name, args] = invoke.mock.calls[0] as [string, { request: unknown; onProgress: { onmessage: (m: unknown) => void } }];
    expect(name).toBe('export_bundle');
    expect(args.request).toEqual({ out: '/m/a.maillage', since_last: true, to: [] });
    args.onProgress.onmessage({ stage: 'reading', records: 1, total: 2 });
    expect(heard).toEqual([{ stage: 'reading', records: 1, total: 2 }]);
    expect(invoke.mock.calls.slice(1)).toEqual([
      ['import_bundle', { file: '/m/a.maillage', dryRun: true }],
      ['verify_bundle', { file: '/m/a.maillage' }],
      ['conflicts', { includeResolved: false }],
      ['resolve_conflict', { id: 'c0ffee01', keep: 'loser' }],
      ['set_hq_public_keys', { keys: ['age1x'] }],
      ['bundle_files', { dir: '/m' }],
    ]);
  });
});
