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
  // The session and encryption at rest: locked behind a passphrase, unlocked, locked again.
  /** Open, or locked behind its passphrase; the idle delay before the window locks. */
  sessionState(): Promise<T.SessionState>;
  /** Opens the locked store (`wrong_passphrase`: « phrase de passe incorrecte », nothing changed). */
  unlock(passphrase: string): Promise<T.SessionState>;
  /** Opens the locked store with its recovery code and sets a new passphrase. */
  unlockWithRecoveryCode(recoveryCode: string, newPassphrase: string): Promise<T.SessionState>;
  /** Locks an open encrypted store: every other command then answers `locked`. */
  lock(): Promise<T.SessionState>;
  encryptionStatus(): Promise<T.EncryptionStatus>;
  /** Turns encryption on for this plain store; the recovery code it returns is shown once. */
  encryptStore(passphrase: string): Promise<T.RecoveryCodeShown>;
  changePassphrase(current: string, newPassphrase: string): Promise<void>;
  /** Minutes without a key or a click before the window locks; returns the delay kept. */
  setIdleLockMinutes(minutes: number): Promise<number>;
  // Analysis and reports (the shared diagnosis, the evaluation): every figure is core's.
  /** Themes × actor categories, co-occurrences, the verbatims consent lets leave (by category). */
  analysisThemes(territoryId: T.RecordId | null): Promise<T.ThemeAnalysis>;
  /** The cooperation network at a date (`YYYY-MM-DD`; none: every observation) and its measures. */
  analysisNetwork(territoryId: T.RecordId, at?: string | null): Promise<T.Network>;
  /** The network at two dates: measures and their change, links new/lost/strengthened/weakened, who joined. */
  analysisCompare(territoryId: T.RecordId, from: string, to: string): Promise<T.NetworkComparison>;
  analysisIndicators(territoryId: T.RecordId): Promise<T.IndicatorAnalysis>;
  /** The cooperation map as SVG (the reports' drawing). */
  cooperationMapSvg(territoryId: T.RecordId, at?: string | null): Promise<string>;
  /** « Comparer deux dates »: both maps with one layout, the changes marked on the later one. */
  comparisonMapSvgs(territoryId: T.RecordId, from: string, to: string): Promise<T.ComparisonMaps>;
  /** Whether a passphrase would be accepted (core's rule), before anything is written. */
  checkPassphrase(passphrase: string): Promise<void>;
  /** The diagnostic partagé as a DOCX file at the path the person chose; `force` replaces an earlier report. */
  reportDiagnostic(request: T.ReportRequest): Promise<T.ReportWritten>;
  /** The evaluation between two dates (`YYYY-MM-DD`) as a DOCX file. */
  reportEvaluation(request: T.ReportRequest, from: string, to: string): Promise<T.ReportWritten>;
  // The cooperation grid (issue 14): the territory's checklist, ticked by hand, counted nationally.
  /** The grid's good practices for a territory: ticked from the records or by hand. */
  cooperationGrid(territoryId: T.RecordId): Promise<T.CooperationGrid>;
  /** Ticks (today, with a note) or unticks an item by hand; returns the grid. */
  setGridCheck(territoryId: T.RecordId, code: string, checked: boolean, note?: string | null): Promise<T.CooperationGrid>;
  /** Headquarters: per good practice, how many territories have it ticked. */
  nationalGrid(): Promise<T.GridCount[]>;
  /** The territory's charter as a DOCX file to circulate and sign. */
  reportCharter(request: T.ReportRequest): Promise<T.ReportWritten>;
  // Headquarters' selection committee (issue 13): the queue, reviews, decisions, the library.
  /** The practices proposed by the territories, with their reviews, means, decision and publication. */
  committeeQueue(): Promise<T.CommitteeEntry[]>;
  /** A committee member's review: relevance, originality, effectiveness (1 to 4) and a comment. */
  reviewPractice(
    practiceId: T.RecordId,
    reviewer: string,
    relevance: number,
    originality: number,
    effectiveness: number,
    comment: string,
  ): Promise<T.Record<T.PracticeReview>>;
  /** The committee's decision (« retenue » or « écartée », with its reasons): the practice's sheet. */
  decidePractice(practiceId: T.RecordId, retain: boolean, reasons: string): Promise<T.Record<T.LibrarySheet>>;
  /** Publishes a retained practice in the library (today), under themes of the library's list. */
  publishPractice(practiceId: T.RecordId, themes: string[]): Promise<T.Record<T.LibrarySheet>>;
  /** The fields the committee's edited version changed from the territory's proposal. */
  practiceDifferences(practiceId: T.RecordId): Promise<T.FieldDifference[]>;
  /** The library's themes (headquarters' list). */
  libraryThemes(): Promise<string[]>;
  /** Replaces the library's themes; returns the list kept. */
  setLibraryThemes(themes: string[]): Promise<string[]>;
  // What headquarters sends back (issue 13): the library, the committee's feedback, national meetings.
  /** Withdraws a published practice from the library (headquarters). */
  withdrawPractice(practiceId: T.RecordId): Promise<T.Record<T.LibrarySheet>>;
  /** Headquarters: the library bundle, signed by its key, at `out`; `force` replaces an existing file. */
  publishLibrary(out: string, force?: boolean): Promise<T.LibraryPublished>;
  /** Trusts headquarters' key from its public key file (`hq.pub`). */
  trustHqKey(file: string): Promise<T.HqTrust>;
  /** The fingerprint of headquarters' key trusted here, if any. */
  trustedHqKey(): Promise<string | null>;
  /** Every published practice, filtered by core (theme, kind of territory, actor category, words). */
  library(filter?: T.LibraryFilter): Promise<T.LibraryEntry[]>;
  /** « S'en inspirer »: the action core creates in the territory from a published practice. */
  adoptPractice(sheetId: T.RecordId, territoryId: T.RecordId): Promise<T.Record<T.Action>>;
  /** The committee's feedback on the territory's own proposals. */
  practiceFeedback(territoryId: T.RecordId): Promise<T.PracticeFeedback[]>;
  /** The national meetings' decisions and follow-ups that concern the territory. */
  territoryMeetings(territoryId: T.RecordId): Promise<T.MeetingForTerritory[]>;
  /**
   * Opens a file core wrote with the system's application (a report in Word or LibreOffice):
   * false where there is no system to ask (a browser preview, the component tests).
   */
  openFile(path: string): Promise<boolean>;
  /**
   * Runs `beforeClose` (awaited) when the window is asked to close, so that no keystroke is lost;
   * the window stays open when it answers false (changes that cannot be saved, shown to the user).
   */
  guardClose(beforeClose: () => Promise<boolean>): void;
}
