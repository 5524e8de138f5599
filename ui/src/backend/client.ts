// The screens' typed client of core's commands. A `Transport` carries one call by name — Tauri's
// `invoke` in the application (tauri.ts), `maillage serve` in the component tests and previews
// (../test/serve.ts) — and `call` is typed by the generated `Commands` map, which
// src-tauri/tests/typescript.rs writes from core's one list of commands: a command renamed, an
// argument added or a result changed in Rust is a type error here. `connect` gives the screens
// their `Backend`, the same over any transport; it holds no rule.
import type { Backend, FileChoice } from './api';
import type { CommandArgs, CommandName, CommandProgress, CommandResult } from './generated';
import type { JsonValue } from './generated/serde_json/JsonValue';
import type { Kind, KindData, Record } from './types';

export interface Transport {
  /** Runs one command; rejects with an `ApiError` ({ code, message, field }, message in French). */
  call<C extends CommandName>(command: C, args: CommandArgs<C>, onProgress?: (progress: CommandProgress<C>) => void): Promise<CommandResult<C>>;
  /** See `Backend.guardClose`. */
  guardClose(beforeClose: () => Promise<boolean>): void;
  /** See `Backend.chooseFiles`: every path chosen; absent where there is no system dialog. */
  chooseFile?(choice: FileChoice): Promise<string[]>;
  /** See `Backend.openFile`; absent where there is no system to open a file with. */
  openPath?(path: string): Promise<void>;
}

/** A record's `data` travels as JSON; the screens read it as the type of its kind. */
const typed = <K extends Kind>(r: Promise<CommandResult<'record_get'>>) => r as Promise<Record<KindData[K]>>;
const json = (data: unknown) => data as JsonValue;

type Listener = () => void;
const lockedListeners = new Set<Listener>();

/**
 * Hears every command answered `locked` (the store was locked meanwhile: by the idle delay, or in
 * another window of the same session): the window then shows its unlock screen. Returns the way
 * to stop hearing.
 */
export function onLockedAnswer(listener: Listener): () => void {
  lockedListeners.add(listener);
  return () => void lockedListeners.delete(listener);
}

export function connect(transport: Transport): Backend {
  const t: Transport = {
    ...transport,
    call: (command, args, onProgress) =>
      transport.call(command, args, onProgress).catch((e: unknown) => {
        if ((e as { code?: string } | null)?.code === 'locked') for (const l of lockedListeners) l();
        throw e;
      }),
    guardClose: (beforeClose) => transport.guardClose(beforeClose),
  };
  if (transport.chooseFile) t.chooseFile = (choice) => transport.chooseFile!(choice);
  if (transport.openPath) t.openPath = (path) => transport.openPath!(path);
  return {
    status: () => t.call('status', {}),
    init: (facilitator) => t.call('init', { facilitator }),
    recordPut: (kind, id, data) => typed(t.call('record_put', { kind, id: id ?? null, data: json(data) })),
    recordPutMany: (items) => t.call('record_put_many', { items }),
    recordGet: (kind, id) => typed(t.call('record_get', { kind, id })),
    recordList: (kind, territoryId) =>
      t.call('record_list', { kind, territoryId: territoryId ?? null }) as Promise<Record<KindData[typeof kind]>[]>,
    recordDelete: async (kind, id) => {
      await t.call('record_delete', { kind, id });
    },
    search: (request) => t.call('search', { request }),
    stats: (territoryId) => t.call('stats', { territoryId: territoryId ?? null }),
    territoryOverview: (territoryId) => t.call('territory_overview', { territoryId }) as ReturnType<Backend['territoryOverview']>,
    vocabulary: () => t.call('vocabulary', {}),
    decisionToAction: (workshopId, index) => typed<'action'>(t.call('decision_to_action', { workshopId, index })),
    demo: (request) => t.call('demo', { request }),
    check: () => t.call('check', {}),
    backupNow: () => t.call('backup_now', {}),
    listBackups: () => t.call('list_backups', {}),
    restore: (file) => t.call('restore', { file }),
    backupTo: (file, force) => t.call('backup_to', { file, force: force ?? false }),
    restoreFrom: (file) => t.call('restore_from', { file }),
    saveLog: (file) => t.call('save_log', { file }),
    lastWorkedIn: () => t.call('last_worked_in', {}),
    rememberWorkedIn: async (place) => {
      await t.call('remember_worked_in', { place });
    },
    attachFile: (request) => typed<'attachment'>(t.call('attach_file', { request })),
    saveAttachment: async (id, out, force) => {
      await t.call('save_attachment', { id, out, force: force ?? false });
    },
    chooseFile: async (choice) => (t.chooseFile ? ((await t.chooseFile({ ...choice, multiple: false }))[0] ?? null) : null),
    chooseFiles: async (choice) => (t.chooseFile ? t.chooseFile(choice) : []),
    keysShow: () => t.call('keys_show', {}),
    exportBundle: (request, onProgress) => t.call('export_bundle', { request }, onProgress),
    verifyBundle: (file) => t.call('verify_bundle', { file }),
    importBundle: (file, dryRun) => t.call('import_bundle', { file, dryRun }),
    conflicts: (includeResolved) => t.call('conflicts', { includeResolved: includeResolved ?? false }),
    resolveConflict: (id, keep) => t.call('resolve_conflict', { id, keep }),
    hqPublicKeys: () => t.call('hq_public_keys', {}),
    setHqPublicKeys: (keys) => t.call('set_hq_public_keys', { keys }),
    exchangePlaces: () => t.call('exchange_places', {}),
    bundleFiles: (dir) => t.call('bundle_files', { dir }),
    workspace: () => t.call('workspace', {}),
    setWorkspace: (mode) => t.call('set_workspace', { mode }),
    saveHqSecretCopy: (file, force) => t.call('save_hq_secret_copy', { file, force: force ?? false }),
    bundlePaths: (paths) => t.call('bundle_paths', { paths }),
    importHistory: () => t.call('import_history', {}),
    nationalStatus: () => t.call('national_status', {}),
    nationalSynthesis: () => t.call('national_synthesis', {}),
    nationalExport: (request) => t.call('national_export', { request }),
    recordProvenance: (kind, id) => t.call('record_provenance', { kind, id }),
    interviewConsent: (interviewId) => t.call('interview_consent', { interviewId }),
    withdrawConsent: (personId, date) => typed<'person'>(t.call('withdraw_consent', { personId, date: date ?? null })),
    erasePerson: (personId) => t.call('erase_person', { personId }),
    backupsHoldingErased: () => t.call('backups_holding_erased', {}),
    deleteOldBackups: () => t.call('delete_old_backups', {}),
    retention: () => t.call('retention', {}),
    setRetention: (years) => t.call('set_retention', { years }),
    territoriesDue: () => t.call('territories_due', {}),
    purgeTerritory: (territoryId, force) => t.call('purge_territory', { territoryId, force: force ?? false }),
    privacyReport: () => t.call('privacy_report', {}),
    sessionState: () => t.call('session_state', {}),
    unlock: (passphrase) => t.call('unlock', { passphrase }),
    unlockWithRecoveryCode: (recoveryCode, newPassphrase) => t.call('unlock_with_recovery_code', { recoveryCode, newPassphrase }),
    lock: () => t.call('lock', {}),
    encryptionStatus: () => t.call('encryption_status', {}),
    encryptStore: (passphrase) => t.call('encrypt_store', { passphrase }),
    changePassphrase: async (current, newPassphrase) => {
      await t.call('change_passphrase', { current, newPassphrase });
    },
    setIdleLockMinutes: (minutes) => t.call('set_idle_lock_minutes', { minutes }),
    analysisThemes: (territoryId) => t.call('analysis_themes', { territoryId }),
    analysisNetwork: (territoryId, at) => t.call('analysis_network', { territoryId, at: at ?? null }),
    analysisCompare: (territoryId, from, to) => t.call('analysis_compare', { territoryId, from, to }),
    analysisIndicators: (territoryId) => t.call('analysis_indicators', { territoryId }),
    cooperationMapSvg: (territoryId, at) => t.call('cooperation_map_svg', { territoryId, at: at ?? null }),
    comparisonMapSvgs: (territoryId, from, to) => t.call('comparison_map_svgs', { territoryId, from, to }),
    checkPassphrase: async (passphrase) => {
      await t.call('check_passphrase', { passphrase });
    },
    reportDiagnostic: (request) => t.call('report_diagnostic', { request }),
    reportEvaluation: (request, from, to) => t.call('report_evaluation', { request, from, to }),
    cooperationGrid: (territoryId) => t.call('cooperation_grid', { territoryId }),
    setGridCheck: (territoryId, code, checked, note) => t.call('set_grid_check', { territoryId, code, checked, note: note ?? null }),
    nationalGrid: () => t.call('national_grid', {}),
    reportCharter: (request) => t.call('report_charter', { request }),
    committeeQueue: () => t.call('committee_queue', {}),
    reviewPractice: (practiceId, reviewer, relevance, originality, effectiveness, comment) =>
      typed<'practice_review'>(t.call('review_practice', { practiceId, reviewer, relevance, originality, effectiveness, comment })),
    decidePractice: (practiceId, retain, reasons) => typed<'library_sheet'>(t.call('decide_practice', { practiceId, retain, reasons })),
    publishPractice: (practiceId, themes) => typed<'library_sheet'>(t.call('publish_practice', { practiceId, themes })),
    practiceDifferences: (practiceId) => t.call('practice_differences', { practiceId }),
    libraryThemes: () => t.call('library_themes', {}),
    setLibraryThemes: (themes) => t.call('set_library_themes', { themes }),
    // What headquarters sends back (issue 13): the library, the committee's feedback, national meetings.
    withdrawPractice: (practiceId) => typed<'library_sheet'>(t.call('withdraw_practice', { practiceId })),
    publishLibrary: (out, force) => t.call('publish_library', { out, force: force ?? false }),
    trustHqKey: (file) => t.call('trust_hq_key', { file }),
    trustedHqKey: () => t.call('trusted_hq_key', {}),
    library: (filter) => t.call('library', { filter: filter ?? {} }),
    adoptPractice: (sheetId, territoryId) => typed<'action'>(t.call('adopt_practice', { sheetId, territoryId })),
    practiceFeedback: (territoryId) => t.call('practice_feedback', { territoryId }),
    territoryMeetings: (territoryId) => t.call('territory_meetings', { territoryId }),
    openFile: async (path) => {
      if (!t.openPath) return false;
      await t.openPath(path);
      return true;
    },
    guardClose: (beforeClose) => t.guardClose(beforeClose),
  };
}
