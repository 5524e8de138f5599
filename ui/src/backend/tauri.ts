// The only module of the front end that talks to Tauri. Top-level invoke arguments are
// camelCase; fields inside `request` objects are snake_case (serde).
import { Channel, invoke } from '@tauri-apps/api/core';
import { getCurrentWindow } from '@tauri-apps/api/window';
import type { Backend } from './api';
import type { ApiError, ErrorCode, ExportProgress } from './types';

/** Every rejection becomes an ApiError whose French message can be shown as is. */
function normalise(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as { code?: string; message: string; field?: string | null };
    return { code: (o.code ?? 'internal') as ErrorCode, message: String(o.message), field: o.field ?? null };
  }
  return { code: 'internal', message: typeof e === 'string' ? e : 'erreur inattendue de l\u2019application', field: null };
}

async function call<T>(command: string, args?: { [k: string]: unknown }): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw normalise(e);
  }
}

export const tauriBackend: Backend = {
  status: () => call('status'),
  init: (facilitator) => call('init', { facilitator }),
  recordPut: (kind, id, data) => call('record_put', { kind, id: id ?? null, data }),
  recordPutMany: (items) => call('record_put_many', { items }),
  recordGet: (kind, id) => call('record_get', { kind, id }),
  recordList: (kind, territoryId) => call('record_list', { kind, territoryId: territoryId ?? null }),
  recordDelete: (kind, id) => call('record_delete', { kind, id }),
  search: (request) => call('search', { request }),
  stats: (territoryId) => call('stats', { territoryId: territoryId ?? null }),
  territoryOverview: (territoryId) => call('territory_overview', { territoryId }),
  vocabulary: () => call('vocabulary'),
  decisionToAction: (workshopId, index) => call('decision_to_action', { workshopId, index }),
  demo: (request) => call('demo', { request }),
  check: () => call('check'),
  backupNow: () => call('backup_now'),
  listBackups: () => call('list_backups'),
  restore: (file) => call('restore', { file }),
  keysShow: () => call('keys_show'),
  exportBundle: (request, onProgress) => {
    const channel = new Channel<ExportProgress>();
    channel.onmessage = onProgress;
    return call('export_bundle', { request, onProgress: channel });
  },
  verifyBundle: (file) => call('verify_bundle', { file }),
  importBundle: (file, dryRun) => call('import_bundle', { file, dryRun }),
  conflicts: (includeResolved) => call('conflicts', { includeResolved: includeResolved ?? false }),
  resolveConflict: (id, keep) => call('resolve_conflict', { id, keep }),
  hqPublicKeys: () => call('hq_public_keys'),
  setHqPublicKeys: (keys) => call('set_hq_public_keys', { keys }),
  exchangePlaces: () => call('exchange_places'),
  bundleFiles: (dir) => call('bundle_files', { dir }),
  guardClose(beforeClose) {
    // Tauri awaits this handler, then destroys the window unless it was prevented: the pending
    // save lands first.
    getCurrentWindow()
      .onCloseRequested(async (event) => {
        // Never keep a window open forever: a save stuck for 10 s gives way to the close.
        const mayClose = await Promise.race([
          beforeClose().catch(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 10_000)),
        ]);
        if (!mayClose) event.preventDefault();
      })
      .catch(() => {});
  },
};
