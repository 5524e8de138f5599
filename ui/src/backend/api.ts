// The backend as the screens use it: one method per command of core, implemented once over any
// transport by `connect` (client.ts), whose calls are typed by the generated `Commands` map.
import type * as T from './types';

/** What the system's file dialog is asked for. */
export interface FileChoice {
  /** `open` a file, `save` to a new file, or choose a `folder`. */
  mode: 'open' | 'save' | 'folder';
  title: string;
  /** The folder or file proposed first (`save`: the file name proposed). */
  defaultPath?: string;
  /** `[{ name: 'Paquet Maillage', extensions: ['maillage'] }]` */
  filters?: { name: string; extensions: string[] }[];
  /** `open`, `folder`: several may be chosen at once (`chooseFiles`). */
  multiple?: boolean;
}

export interface Backend {
  status(): Promise<T.Status>;
  init(facilitator: string): Promise<T.Status>;
  recordPut<K extends T.Kind>(kind: K, id: T.RecordId | null | undefined, data: T.KindData[K]): Promise<T.Record<T.KindData[K]>>;
  recordPutMany(items: T.PutItem[]): Promise<T.RecordId[]>;
  recordGet<K extends T.Kind>(kind: K, id: T.RecordId): Promise<T.Record<T.KindData[K]>>;
  recordList<K extends T.Kind>(kind: K, territoryId?: T.RecordId | null): Promise<T.Record<T.KindData[K]>[]>;
  recordDelete(kind: T.Kind, id: T.RecordId): Promise<void>;
  search(request: T.SearchRequest): Promise<T.SearchHit[]>;
  stats(territoryId?: T.RecordId | null): Promise<{ [kind in T.Kind]?: number }>;
  territoryOverview(territoryId: T.RecordId): Promise<T.TerritoryOverview>;
  vocabulary(): Promise<T.Vocabulary>;
  decisionToAction(workshopId: T.RecordId, index: number): Promise<T.Record<T.KindData['action']>>;
  demo(request: T.DemoRequest): Promise<T.DemoReport>;
  check(): Promise<T.CheckReport>;
  backupNow(): Promise<T.BackupReport>;
  listBackups(): Promise<T.BackupReport[]>;
  restore(file: string): Promise<T.RestoreReport>;
  /** A backup to a file chosen by the person (a USB key…); `force` replaces an existing file. */
  backupTo(file: string, force?: boolean): Promise<T.BackupReport>;
  /** Restores a backup file chosen by the person in the open dialog. */
  restoreFrom(file: string): Promise<T.RestoreReport>;
  /** Gathers the log (no record text) into a new file chosen by the person, for support. */
  saveLog(file: string): Promise<number>;
  /** Where the facilitator last worked (reopened at launch), or null. */
  lastWorkedIn(): Promise<T.WorkedIn | null>;
  rememberWorkedIn(place: T.WorkedIn): Promise<void>;
  /**
   * The system's open or save dialog: the path chosen, or null when the person cancelled or when
   * there is no system dialog (a browser preview): the screen then lets the path be typed.
   */
  chooseFile(choice: FileChoice): Promise<string | null>;
  /** The same dialog, several files or folders at once: every path chosen (none when cancelled). */
  chooseFiles(choice: FileChoice): Promise<string[]>;
  /** Keeps a file chosen by the person as an attachment of a record (by its path). */
  attachFile(request: T.AttachRequest): Promise<T.Record<T.Attachment>>;
  /** Writes an attachment's bytes to a file chosen by the person; `force` replaces an existing file. */
  saveAttachment(id: T.RecordId, out: string, force?: boolean): Promise<void>;
  // Échanges: bundles, conflicts, headquarters' keys, where bundles go.
  keysShow(): Promise<T.KeysReport>;
  /** Writes a bundle; `onProgress` hears how far it is (records read, then the file written). */
  exportBundle(request: T.ExportRequest, onProgress: (p: T.ExportProgress) => void): Promise<T.ExportReport>;
  verifyBundle(file: string): Promise<T.ImportReport>;
  importBundle(file: string, dryRun: boolean): Promise<T.ImportReport>;
  conflicts(includeResolved?: boolean): Promise<T.ConflictView[]>;
  resolveConflict(id: string, keep: T.Keep): Promise<T.ConflictView>;
  hqPublicKeys(): Promise<string[]>;
  setHqPublicKeys(keys: string[]): Promise<string[]>;
  exchangePlaces(): Promise<T.Place[]>;
  bundleFiles(dir: string): Promise<T.BundleFile[]>;
  // The workspace: a facilitator's or headquarters' (with its keys).
  workspace(): Promise<T.Workspace>;
  setWorkspace(mode: NonNullable<T.Workspace['mode']>): Promise<T.Workspace>;
  /** Writes a copy of headquarters' secret key to the file chosen in the save dialog. */
  saveHqSecretCopy(file: string, force?: boolean): Promise<T.HqWorkspaceKeys>;
  // Headquarters: arrivals, the national dashboard, synthesis and tables.
  /** The files and folders chosen → every bundle (`*.maillage`) among or inside them. */
  bundlePaths(paths: string[]): Promise<string[]>;
  importHistory(): Promise<T.ImportedBundleView[]>;
  nationalStatus(): Promise<T.TerritoryStatus[]>;
  nationalSynthesis(): Promise<T.NationalSynthesis>;
  nationalExport(request: T.NationalExportRequest): Promise<T.NationalExportReport>;
  /** Who made a record's current version, on which device, and which bundle brought it. */
  recordProvenance(kind: T.Kind, id: T.RecordId): Promise<T.Provenance>;
  // Privacy: consent, erasure, retention, the data protection officer's report.
  /** Each passage of an interview: may it leave (its persons' consents), and core's count sentences. */
  interviewConsent(interviewId: T.RecordId): Promise<T.InterviewConsent>;
  /** Withdraws a person's consent on a day (`YYYY-MM-DD`, today when none). */
  withdrawConsent(personId: T.RecordId, date?: string | null): Promise<T.Record<T.Person>>;
  /** Erases a person everywhere (a marker that travels); cannot be undone. */
  erasePerson(personId: T.RecordId): Promise<T.ErasureReport>;
  backupsHoldingErased(): Promise<T.OldBackup[]>;
  /** Deletes every backup that still holds someone erased; returns those deleted. */
  deleteOldBackups(): Promise<T.OldBackup[]>;
  retention(): Promise<T.RetentionSettings>;
  setRetention(years: number): Promise<T.RetentionSettings>;
  territoriesDue(): Promise<T.TerritoryRetention[]>;
  purgeTerritory(territoryId: T.RecordId, force?: boolean): Promise<T.PurgeReport>;
  privacyReport(): Promise<T.PrivacyReport>;
  /**
   * Runs `beforeClose` (awaited) when the window is asked to close, so that no keystroke is lost;
   * the window stays open when it answers false (changes that cannot be saved, shown to the user).
   */
  guardClose(beforeClose: () => Promise<boolean>): void;
}
