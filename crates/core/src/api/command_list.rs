// The commands of the application's window: the one list of them. Each line gives the command's
// name, its arguments (snake_case here, camelCase on the wire: `territory_id` is sent as
// `territoryId`), its result, the progress it reports if any, and the one `Api` call it makes.
//
// Read by `dispatch.rs` (the dispatch both the desktop shell and `maillage serve` use, and the
// TypeScript `Commands` map) and by `src-tauri/build.rs` (the names the capability must grant):
// adding a line here adds the command everywhere. Only this macro call may live in this file.
commands! {
    (session, api, progress)

    /// The window's session: the store open, or locked behind its passphrase (asked first).
    [session] session_state() -> SessionState => session.state();
    /// Opens the locked store with its passphrase (« phrase de passe incorrecte » otherwise).
    [session] unlock(passphrase: String) -> SessionState => session.unlock(&passphrase);
    /// Opens the locked store with its recovery code and sets a new passphrase.
    [session] unlock_with_recovery_code(recovery_code: String, new_passphrase: String) -> SessionState
        => session.unlock_with_recovery_code(&recovery_code, &new_passphrase);
    /// Locks the window now (the UI saves what was typed first); the passphrase reopens it.
    [session] lock() -> SessionState => session.lock();

    /// The store and this device, shown first.
    status() -> Status => api.status();
    /// Gives this device its identity and installs the shipped defaults.
    init(facilitator: String) -> Status => api.init(&facilitator);

    record_put(kind: Kind, id: Option<RecordId>, data: Value) -> Record => api.put(kind, id, data);
    record_put_many(items: Vec<PutItem>) -> Vec<RecordId> => api.put_many(items);
    record_get(kind: Kind, id: RecordId) -> Record => api.get(kind, id);
    record_list(kind: Kind, territory_id: Option<RecordId>) -> Vec<Record> => api.list(kind, territory_id);
    record_delete(kind: Kind, id: RecordId) -> () => api.delete(kind, id);
    search(request: SearchRequest) -> Vec<SearchHit> => api.search(&request);
    stats(territory_id: Option<RecordId>) -> BTreeMap<Kind, u64> => api.stats(territory_id);
    territory_overview(territory_id: RecordId) -> TerritoryOverview => api.territory_overview(territory_id);
    vocabulary() -> Vocabulary => Ok(api.vocabulary());
    decision_to_action(workshop_id: RecordId, index: u32) -> Record => api.decision_to_action(workshop_id, index);
    demo(request: DemoRequest) -> DemoReport => api.demo(&request);
    check() -> CheckReport => api.check();

    backup_now() -> BackupReport => api.backup_now();
    list_backups() -> Vec<BackupReport> => api.list_backups();
    /// Only a backup that `list_backups` returned: the window never names an arbitrary file.
    restore(file: String) -> RestoreReport => api.restore(&listed_backup(api, &file)?);
    /// A backup to the file the person chose in the system's save dialog (a USB key…); an
    /// existing file is replaced only with `force`.
    backup_to(file: String, force: Option<bool>) -> BackupReport => api.backup(Path::new(&file), force.unwrap_or(false));
    /// A backup the person chose in the system's open dialog (on a USB key…).
    restore_from(file: String) -> RestoreReport => api.restore(Path::new(&file));
    /// Gathers the log (ids, codes, timings — no record text) into a file the person chose, for support.
    save_log(file: String) -> u64 => api.save_log(Path::new(&file));

    /// Keeps a file the person chose in the system's open dialog (a photo of a flip chart, a
    /// signed consent form, a recording) as an attachment of a territory's record.
    attach_file(request: AttachRequest) -> Record => api.attach_file(&request);
    /// Writes an attachment's bytes to the file the person chose in the system's save dialog
    /// (mode 0600); an existing file is replaced only with `force`.
    save_attachment(id: RecordId, out: String, force: Option<bool>) -> () => api.save_attachment(id, Path::new(&out), force.unwrap_or(false));

    /// Where the facilitator last worked: reopened at launch (none once its territory is gone).
    last_worked_in() -> Option<WorkedIn> => api.last_worked_in();
    remember_worked_in(place: WorkedIn) -> () => api.remember_worked_in(&place);

    keys_show() -> KeysReport => api.keys();
    export_bundle(request: ExportRequest) -> ExportReport, progress ExportProgress
        => api.export_bundle_with_progress(&request, &mut progress);
    verify_bundle(file: String) -> ImportReport => api.verify_bundle(Path::new(&file), None);
    import_bundle(file: String, dry_run: bool) -> ImportReport
        => api.import_bundle(Path::new(&file), &ImportOptions { identity: None, dry_run });
    conflicts(include_resolved: Option<bool>) -> Vec<ConflictView> => api.conflicts(include_resolved.unwrap_or(false));
    resolve_conflict(id: String, keep: Keep) -> ConflictView => api.resolve_conflict(&id, keep);
    hq_public_keys() -> Vec<String> => api.hq_public_keys();
    set_hq_public_keys(keys: Vec<String>) -> Vec<String> => api.set_hq_public_keys(keys);
    exchange_places() -> Vec<Place> => api.exchange_places();
    bundle_files(dir: String) -> Vec<BundleFile> => api.bundle_files(Path::new(&dir));

    /// Headquarters: one line per territory (where it stands, who works on it, its latest news).
    national_status() -> Vec<TerritoryStatus> => api.national_status();
    /// Headquarters: the national tables (XLSX workbook or CSV folder) at the place the person
    /// chose in the system's save dialog; pseudonymised unless `identified`.
    national_export(request: NationalExportRequest) -> NationalExportReport => api.national_export(&request);
    /// The files and folders the person chose in the system's open dialog → every bundle
    /// (`*.maillage`; a folder's in name order, not its sub-folders).
    bundle_paths(paths: Vec<String>) -> Vec<String> => bundle_path_texts(&paths);

    /// The workspace chosen on this computer (none until the first launch's choice) and, at
    /// headquarters, its keys.
    workspace() -> Workspace => api.workspace();
    /// Chooses the workspace; headquarters' creates (or loads) its keys beside the store.
    set_workspace(mode: WorkspaceMode) -> Workspace => api.set_workspace(mode);
    /// A copy of headquarters' secret key file, to the file the person chose in the system's
    /// save dialog (0600; an existing file is replaced only with `force`).
    save_hq_secret_copy(file: String, force: Option<bool>) -> HqWorkspaceKeys
        => api.save_hq_secret_copy(Path::new(&file), force.unwrap_or(false));
    /// Every bundle imported here, the latest first.
    import_history() -> Vec<ImportedBundleView> => api.import_history();
    /// Who made a record's current version, on which device, and which bundle brought it.
    record_provenance(kind: Kind, id: RecordId) -> Provenance => api.record_provenance(kind, id);
    /// Headquarters' synthesis: themes, actor categories, actions, indicators and cooperation
    /// links across territories.
    national_synthesis() -> NationalSynthesis => api.national_synthesis();

    /// Privacy: which passages of an interview may leave it (their persons' consents) and the
    /// count shown on the interview screen (« 3 verbatims non exportables : … »).
    interview_consent(interview_id: RecordId) -> InterviewConsent => api.interview_consent(interview_id);
    /// Withdraws a person's consent on a day (`YYYY-MM-DD`, today when none): an ordinary edit
    /// that travels.
    withdraw_consent(person_id: RecordId, date: Option<String>) -> Record
        => api.withdraw_consent(person_id, date.as_deref());
    /// « Effacer cette personne partout »: gone from this store, an erasure marker (id and day,
    /// no name) in every later bundle.
    erase_person(person_id: RecordId) -> ErasureReport => api.erase_person(person_id);
    /// The backups of the backup folder made before an erasure that still hold the person.
    backups_holding_erased() -> Vec<OldBackup> => api.backups_holding_erased();
    /// Deletes them all (one button); returns those deleted.
    delete_old_backups() -> Vec<OldBackup> => api.delete_old_backups();
    /// The retention period after a territory's end date (a setting of this computer).
    retention() -> RetentionSettings => api.retention();
    set_retention(years: u32) -> RetentionSettings => api.set_retention_years(years);
    /// « Données à purger »: the territories past their end date plus the retention period.
    territories_due() -> Vec<TerritoryRetention> => api.territories_due();
    /// Purges a territory (persons erased, free texts removed, aggregates kept); before its
    /// retention day only with `force`.
    purge_territory(territory_id: RecordId, force: Option<bool>) -> PurgeReport
        => api.purge_territory(territory_id, force.unwrap_or(false));
    /// The data protection officer's report: consents, personal data per territory, retention,
    /// erasures (ids and days), old backups.
    privacy_report() -> PrivacyReport => api.privacy_report();

    /// Encryption at rest: whether the store is, and the backups still in clear.
    encryption_status() -> EncryptionStatus => api.encryption_status();
    /// Turns encryption on (when no other window or command has the store open); the recovery
    /// code it answers is shown once.
    encrypt_store(passphrase: String) -> RecoveryCodeShown => api.encrypt(&passphrase);
    /// Whether a passphrase would be accepted (length, no space at either end): asked before
    /// anything is written, so that a refusal leaves nothing half done.
    check_passphrase(passphrase: String) -> () => Api::check_passphrase(&passphrase);
    change_passphrase(current: String, new_passphrase: String) -> () => api.change_passphrase(&current, &new_passphrase);
    /// The idle delay before the window locks (minutes; a setting of this computer).
    set_idle_lock_minutes(minutes: u32) -> u32 => api.set_idle_lock_minutes(minutes);

    /// Analyse: the grid of themes × actor categories, co-occurrences, and the verbatims consent
    /// lets leave (by category, never by name), with the number held back.
    analysis_themes(territory_id: Option<RecordId>) -> ThemeAnalysis => api.analysis_themes(territory_id);
    /// The cooperation network at a date (`YYYY-MM-DD`; none: every observation) and its measures.
    analysis_network(territory_id: RecordId, at: Option<String>) -> Network
        => api.analysis_network(territory_id, at.as_deref());
    /// The network at two dates: each measure and its change, links new, lost, strengthened,
    /// weakened, actors who joined.
    analysis_compare(territory_id: RecordId, from: String, to: String) -> NetworkComparison
        => api.analysis_compare(territory_id, &from, &to);
    /// Indicators (baseline, latest, target, progress) and actions by status over time.
    analysis_indicators(territory_id: RecordId) -> IndicatorAnalysis => api.analysis_indicators(territory_id);
    /// The cooperation map at a date as SVG: the drawing the reports carry.
    cooperation_map_svg(territory_id: RecordId, at: Option<String>) -> String
        => api.cooperation_map_svg(territory_id, at.as_deref());
    /// « Comparer deux dates »: the two maps (one layout, changes marked on the later one,
    /// signatories of the charter ringed).
    comparison_map_svgs(territory_id: RecordId, from: String, to: String) -> ComparisonMaps
        => api.comparison_map_svgs(territory_id, &from, &to);
    /// The diagnostic partagé as a DOCX file, where the person chose in the system's save dialog
    /// (an earlier report is replaced only with `force`).
    report_diagnostic(request: ReportRequest) -> ReportWritten => api.report_diagnostic_to(&request);
    /// The evaluation between two dates (`YYYY-MM-DD`) as a DOCX file.
    report_evaluation(request: ReportRequest, from: String, to: String) -> ReportWritten
        => api.report_evaluation_to(&request, &from, &to);

    /// The cooperation grid as the territory's checklist: ticked from the records or by hand.
    cooperation_grid(territory_id: RecordId) -> CooperationGrid => api.cooperation_grid(territory_id);
    /// Ticks (with a note) or unticks an item of the grid by hand: an edit of the territory.
    set_grid_check(territory_id: RecordId, code: String, checked: bool, note: Option<String>) -> CooperationGrid
        => api.set_grid_check(territory_id, &code, checked, note.as_deref().unwrap_or(""));
    /// The territory's charter as a DOCX to circulate and sign (a signature block per partner).
    report_charter(request: ReportRequest) -> ReportWritten => api.report_charter(&request);
    /// Headquarters: how many territories have ticked each good practice of the grid.
    national_grid() -> Vec<GridCount> => api.national_grid();

    /// Headquarters' selection committee: the proposed practices with their reviews, means and
    /// decision.
    committee_queue() -> Vec<CommitteeEntry> => api.committee_queue();
    /// A committee member's review (relevance, originality, effectiveness: 1 to 4; a comment).
    review_practice(practice_id: RecordId, reviewer: String, relevance: u8, originality: u8, effectiveness: u8, comment: String) -> Record
        => api.review_practice(practice_id, &reviewer, [relevance, originality, effectiveness], &comment);
    /// The committee's decision with its reasons; a retained practice gets its edited sheet.
    decide_practice(practice_id: RecordId, retain: bool, reasons: String) -> Record
        => api.decide_practice(practice_id, retain, &reasons);
    /// Publishes a retained practice in the library under some of the library's themes.
    publish_practice(practice_id: RecordId, themes: Vec<String>) -> Record => api.publish_practice(practice_id, &themes);
    /// The fields the edited version changed from the territory's proposal (both kept).
    practice_differences(practice_id: RecordId) -> Vec<FieldDifference> => api.practice_differences(practice_id);
    /// The library's themes (an editable list; ONPE's until edited).
    library_themes() -> Vec<String> => api.library_themes();
    set_library_themes(themes: Vec<String>) -> Vec<String> => api.set_library_themes(themes);

    /// Headquarters withdraws a published practice from the library.
    withdraw_practice(practice_id: RecordId) -> Record => api.withdraw_practice(practice_id);
    /// Headquarters: the library bundle (published practices, the committee's decisions, the
    /// national meetings), signed with headquarters' key, where the person chose in the system's
    /// save dialog (an earlier one is replaced only with `force`).
    publish_library(out: String, force: Option<bool>) -> LibraryPublished
        => api.publish_library(Path::new(&out), force.unwrap_or(false));
    /// A facilitator's device trusts headquarters' key from its public key file (`hq.pub`).
    trust_hq_key(file: String) -> HqTrust => api.trust_hq_key(Path::new(&file));
    /// The fingerprint of headquarters' key trusted here, if any.
    trusted_hq_key() -> Option<String> => api.trusted_hq_key();
    /// Bibliothèque: the published practices, filtered.
    library(filter: LibraryFilter) -> Vec<LibraryEntry> => api.library(&filter);
    /// « S'en inspirer »: an action of the territory prefilled from a published practice.
    adopt_practice(sheet_id: RecordId, territory_id: RecordId) -> Record => api.adopt_practice(sheet_id, territory_id);
    /// The committee's feedback on the territory's own proposals.
    practice_feedback(territory_id: RecordId) -> Vec<PracticeFeedback> => api.practice_feedback(territory_id);
    /// The national meetings' decisions and follow-ups that concern the territory.
    territory_meetings(territory_id: RecordId) -> Vec<MeetingForTerritory> => api.territory_meetings(territory_id);
}
