// The backend as the screens use it: one method per command of core, implemented once over any
// transport by `connect` (client.ts), whose calls are typed by the generated `Commands` map.
import type {
  Attachment,
  AttachRequest,
  BackupReport,
  BundleFile,
  CheckReport,
  ConflictView,
  ExportProgress,
  ExportReport,
  ExportRequest,
  ImportReport,
  Keep,
  KeysReport,
  Place,
  DemoReport,
  DemoRequest,
  Kind,
  KindData,
  PutItem,
  Record,
  RecordId,
  RestoreReport,
  SearchHit,
  SearchRequest,
  Status,
  TerritoryOverview,
  Vocabulary,
  WorkedIn,
} from './types';

/** What the system's file dialog is asked for. */
export interface FileChoice {
  /** `open` a file, `save` to a new file, or choose a `folder`. */
  mode: 'open' | 'save' | 'folder';
  title: string;
  /** The folder or file proposed first (`save`: the file name proposed). */
  defaultPath?: string;
  /** `[{ name: 'Paquet Maillage', extensions: ['maillage'] }]` */
  filters?: { name: string; extensions: string[] }[];
}

export interface Backend {
  status(): Promise<Status>;
  init(facilitator: string): Promise<Status>;
  recordPut<K extends Kind>(kind: K, id: RecordId | null | undefined, data: KindData[K]): Promise<Record<KindData[K]>>;
  recordPutMany(items: PutItem[]): Promise<RecordId[]>;
  recordGet<K extends Kind>(kind: K, id: RecordId): Promise<Record<KindData[K]>>;
  recordList<K extends Kind>(kind: K, territoryId?: RecordId | null): Promise<Record<KindData[K]>[]>;
  recordDelete(kind: Kind, id: RecordId): Promise<void>;
  search(request: SearchRequest): Promise<SearchHit[]>;
  stats(territoryId?: RecordId | null): Promise<{ [kind in Kind]?: number }>;
  territoryOverview(territoryId: RecordId): Promise<TerritoryOverview>;
  vocabulary(): Promise<Vocabulary>;
  decisionToAction(workshopId: RecordId, index: number): Promise<Record<KindData['action']>>;
  demo(request: DemoRequest): Promise<DemoReport>;
  check(): Promise<CheckReport>;
  backupNow(): Promise<BackupReport>;
  listBackups(): Promise<BackupReport[]>;
  restore(file: string): Promise<RestoreReport>;
  /** A backup to a file chosen by the person (a USB key…); `force` replaces an existing file. */
  backupTo(file: string, force?: boolean): Promise<BackupReport>;
  /** Restores a backup file chosen by the person in the open dialog. */
  restoreFrom(file: string): Promise<RestoreReport>;
  /** Gathers the log (no record text) into a new file chosen by the person, for support. */
  saveLog(file: string): Promise<number>;
  /** Where the facilitator last worked (reopened at launch), or null. */
  lastWorkedIn(): Promise<WorkedIn | null>;
  rememberWorkedIn(place: WorkedIn): Promise<void>;
  /**
   * The system's open or save dialog: the path chosen, or null when the person cancelled or when
   * there is no system dialog (a browser preview): the screen then lets the path be typed.
   */
  chooseFile(choice: FileChoice): Promise<string | null>;
  /** Keeps a file chosen by the person as an attachment of a record (by its path). */
  attachFile(request: AttachRequest): Promise<Record<Attachment>>;
  /** Writes an attachment's bytes to a file chosen by the person; `force` replaces an existing file. */
  saveAttachment(id: RecordId, out: string, force?: boolean): Promise<void>;
  // Échanges: bundles, conflicts, headquarters' keys, where bundles go.
  keysShow(): Promise<KeysReport>;
  /** Writes a bundle; `onProgress` hears how far it is (records read, then the file written). */
  exportBundle(request: ExportRequest, onProgress: (p: ExportProgress) => void): Promise<ExportReport>;
  verifyBundle(file: string): Promise<ImportReport>;
  importBundle(file: string, dryRun: boolean): Promise<ImportReport>;
  conflicts(includeResolved?: boolean): Promise<ConflictView[]>;
  resolveConflict(id: string, keep: Keep): Promise<ConflictView>;
  hqPublicKeys(): Promise<string[]>;
  setHqPublicKeys(keys: string[]): Promise<string[]>;
  exchangePlaces(): Promise<Place[]>;
  bundleFiles(dir: string): Promise<BundleFile[]>;
  /**
   * Runs `beforeClose` (awaited) when the window is asked to close, so that no keystroke is lost;
   * the window stays open when it answers false (changes that cannot be saved, shown to the user).
   */
  guardClose(beforeClose: () => Promise<boolean>): void;
}
