//! What headquarters sends back to the territories: the library of published practices, the
//! committee's feedback on each territory's own proposals, and the national meetings' decisions
//! and follow-ups.
//!
//! Headquarters writes them in its own store (`library_sheet`, `national_meeting`: records of no
//! territory) and hands them over as a **library bundle**: an ordinary bundle whose manifest says
//! `covers.mode = "library"`, signed with headquarters' Ed25519 key (the one in `hq.key`, not the
//! store's device key), unsealed (nothing in it names a person). A facilitator's device trusts
//! that key once, from headquarters' public key file (`hq.pub`, which also carries the sealing
//! key), and then accepts a library bundle only when signed by it, and only carrying those two
//! kinds: never a territory's field data. The bundle holds every sheet and every meeting, deleted
//! ones included, so that an ordinary merge makes a newer library replace an older one whatever
//! the order of imports, and a practice withdrawn or deleted at headquarters disappears.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::*;
use crate::bundle::{self, fingerprint, Check, Coverage, KindCount, Manifest, Refusal, FORMAT_VERSION};
use crate::domain::kinds::{Action, LibrarySheet, NationalMeeting, Organisation, Practice};
use crate::domain::vocabulary::{ActorCategory, CommitteeDecision, NationalMeetingKind, TerritoryKind};
use crate::store::{lineage, settings};

/// `covers.mode` of headquarters' library bundle.
pub const LIBRARY_MODE: &str = "library";
/// The name headquarters signs its bundles with (the manifest's `facilitator`).
pub const HQ_SIGNER: &str = "Siège national";
/// The setting that holds headquarters' signing key once trusted (64 hex digits).
const HQ_SIGNING_KEY: &str = "hq_signing_key";
/// The number of the last library bundle headquarters wrote.
const LIBRARY_SEQUENCE: &str = "library_sequence";

/// The library bundle headquarters wrote.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LibraryPublished {
    pub path: String,
    pub bundle_id: String,
    pub sequence: u64,
    /// Practices published in the library.
    pub published: u64,
    /// Committee decisions carried back to the territories that proposed them.
    pub decisions: u64,
    pub meetings: u64,
    pub bytes: u64,
    /// What the facilitators compare aloud with the key they trusted.
    pub signing_fingerprint: String,
}

/// Headquarters' key as this device trusts it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HqTrust {
    pub fingerprint: String,
    /// The sealing key (`age1…`) from the same file, now among the keys exports are sealed for.
    pub recipient: String,
    /// This very key was trusted already (nothing changed).
    pub already_known: bool,
}

/// A published practice of the library, with where it comes from (a kind of territory and a
/// département, never a person).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LibraryEntry {
    pub sheet_id: RecordId,
    pub sheet: LibrarySheet,
    /// « Quartier prioritaire · 93 »: the origin as shown.
    pub origin: String,
}

/// What the library screen filters on; every field optional.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryFilter {
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub theme: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub territory_kind: Option<TerritoryKind>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub actor_category: Option<ActorCategory>,
    /// Words searched in the sheets (the global search's index).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub query: Option<String>,
}

/// The committee's feedback on one of the territory's own proposals.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PracticeFeedback {
    pub practice_id: RecordId,
    pub decision: CommitteeDecision,
    pub reasons: String,
    pub decided_on: String,
    pub published_on: Option<String>,
    pub themes: Vec<String>,
    /// What the committee's edited version changed (both versions kept).
    pub differences: Vec<FieldDifference>,
}

/// A national meeting as a territory sees it: the decisions that concern it (or every
/// territory) and the follow-ups assigned to it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingForTerritory {
    pub meeting_id: RecordId,
    pub meeting_kind: NationalMeetingKind,
    pub held_on: String,
    pub title: String,
    pub decisions: Vec<String>,
    pub follow_ups: Vec<crate::domain::kinds::FollowUp>,
    /// Participants who came for this territory, and whether they attended.
    pub attended: Vec<crate::domain::kinds::MeetingParticipant>,
}

fn invalid(field: &str, message: &str) -> ApiError {
    Error::Invalid(kinds::Invalid::new(field, message)).into()
}

/// Headquarters' public key file: the sealing key and the signing key's public half.
pub(crate) fn parse_hq_public(text: &str) -> Option<(String, [u8; 32])> {
    let recipient =
        text.lines().map(str::trim).find(|l| l.starts_with("age1") && l.parse::<age::x25519::Recipient>().is_ok())?;
    let signing = text.lines().find_map(|l| l.trim().strip_prefix(super::keys::SIGNING_PUBLIC_LINE.trim_end()))?;
    let key =
        crate::hash::unhex::<32>(signing.trim()).filter(|k| ed25519_dalek::VerifyingKey::from_bytes(k).is_ok())?;
    Some((recipient.to_string(), key))
}

/// A key file trusted by `keys trust`: a device's, or headquarters'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum TrustedKey {
    Device(TrustReport),
    Headquarters(HqTrust),
}

impl Api {
    /// `keys trust FILE`: headquarters' public key file (`hq.pub`) makes this device trust
    /// headquarters' key; a device's key file (`keys show --json`) registers that device.
    pub fn trust_key_file(&self, file: &Path) -> ApiResult<TrustedKey> {
        let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
        let hq = text
            .lines()
            .map(str::trim)
            .any(|l| l.starts_with("age1") || l.starts_with(super::keys::SIGNING_PUBLIC_LINE.trim_end()));
        if hq {
            Ok(TrustedKey::Headquarters(self.trust_hq_key_text(&text)?))
        } else {
            Ok(TrustedKey::Device(self.trust_device_key(file)?))
        }
    }

    /// Headquarters: writes the library bundle (every committee sheet and national meeting,
    /// deleted ones included), signed with headquarters' key, at `out` (an existing bundle is
    /// replaced only with `force`). Read from one snapshot; written with no lock held.
    pub fn publish_library(&self, out: &Path, force: bool) -> ApiResult<LibraryPublished> {
        if self.workspace()?.mode != Some(WorkspaceMode::Siege) {
            return Err(invalid("mode", "la bibliothèque se publie depuis l'espace du siège national"));
        }
        if out.as_os_str().is_empty() {
            return Err(invalid("out", "indiquez où écrire le paquet de la bibliothèque"));
        }
        super::check_output(self.store_path(), out, super::OutputKind::Bundle, force)?;
        let keys = super::keys::hq_keys_in(&super::workspace::data_dir(self))?;
        let (records, edges, device_id, sequence) = self.store().snapshot(|conn| {
            let mut records = Vec::new();
            for kind in Kind::ALL.into_iter().filter(|k| k.sent_back()) {
                records.extend(records::list_any(conn, kind)?);
            }
            let ids: HashSet<RecordId> = records.iter().map(|r| r.id).collect();
            let edges = lineage::all_edges(conn, |id| ids.contains(&id))?;
            let sequence = settings::get(conn, LIBRARY_SEQUENCE)?.and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
            Ok((records, edges, device::require(conn)?.device_id, sequence + 1))
        })?;
        let mut entries: bundle::BundleEntries = Vec::new();
        let mut counts: std::collections::BTreeMap<String, KindCount> = Default::default();
        let (mut published, mut decisions, mut meetings) = (0u64, 0u64, 0u64);
        for kind in Kind::ALL.into_iter().filter(|k| k.sent_back()) {
            let mut buf = Vec::new();
            let count = counts.entry(kind.as_str().to_string()).or_default();
            for r in records.iter().filter(|r| r.kind == kind) {
                buf.extend_from_slice(crate::domain::record_line(r).as_bytes());
                buf.push(b'\n');
                if r.deleted {
                    count.deleted += 1;
                    continue;
                }
                count.live += 1;
                match kind {
                    Kind::LibrarySheet => {
                        decisions += 1;
                        if r.data["published_on"].is_string() {
                            published += 1;
                        }
                    }
                    _ => meetings += 1,
                }
            }
            if !buf.is_empty() {
                entries.push((format!("{}{}.jsonl", bundle::RECORDS_DIR, kind.as_str()), buf));
            }
        }
        counts.retain(|_, c| c.live + c.deleted > 0);
        if !edges.is_empty() {
            let mut buf = Vec::new();
            for e in &edges {
                buf.extend_from_slice(
                    crate::canonical::to_string(&serde_json::to_value(e).map_err(Error::from)?).as_bytes(),
                );
                buf.push(b'\n');
            }
            entries.push((bundle::LINEAGE.to_string(), buf));
        }
        let manifest = Manifest {
            format: FORMAT_VERSION,
            schema_version: crate::store::schema::SCHEMA_VERSION as u32,
            bundle_id: uuid::Uuid::now_v7(),
            device_id,
            device_key: crate::hash::hex(&keys.signing_public()),
            facilitator: HQ_SIGNER.into(),
            territories: Vec::new(),
            created_at: now_rfc3339(),
            covers: Coverage { mode: LIBRARY_MODE.into(), since_sequence: None },
            sequence,
            sealed_for: Vec::new(),
            counts,
            entries: Vec::new(),
        };
        let written = bundle::write_bundle(out, manifest, &keys.signing, entries, &[])?;
        let report = LibraryPublished {
            path: out.display().to_string(),
            bundle_id: written.manifest.bundle_id.to_string(),
            sequence,
            published,
            decisions,
            meetings,
            bytes: written.bytes,
            signing_fingerprint: fingerprint(&keys.signing_public()),
        };
        self.store().write(|tx| {
            settings::set(tx, LIBRARY_SEQUENCE, &sequence.to_string())?;
            written.commit()
        })?;
        tracing::info!(bundle = %report.bundle_id, sequence, published, "library published");
        Ok(report)
    }

    /// A facilitator's device trusts headquarters' signing key, from headquarters' public key
    /// file (`hq.pub`); the sealing key in the same file joins the keys exports are sealed for.
    /// Another key than the one trusted before is refused (both fingerprints said).
    pub fn trust_hq_key(&self, file: &Path) -> ApiResult<HqTrust> {
        let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
        self.trust_hq_key_text(&text)
    }

    /// [`Api::trust_hq_key`] on the key file's text.
    fn trust_hq_key_text(&self, text: &str) -> ApiResult<HqTrust> {
        let (recipient, key) = parse_hq_public(text).ok_or_else(|| {
            Error::KeyFile(
                "ce fichier n'est pas la clé publique du siège (hq.pub, avec sa ligne « MAILLAGE-SIGNATURE-ED25519-PUBLIQUE ») : demandez au siège son fichier hq.pub".into(),
            )
        })?;
        let hex = crate::hash::hex(&key);
        let known = self.store().read(|c| settings::get(c, HQ_SIGNING_KEY))?;
        let already_known = match known.as_deref() {
            Some(k) if k == hex => true,
            Some(k) => {
                let before = crate::hash::unhex::<32>(k).map(|b| fingerprint(&b)).unwrap_or_default();
                return Err(Error::KeyFile(format!(
                    "cet appareil reconnaît déjà une autre clé du siège (empreinte {before}, celle du fichier : {}) : vérifiez de vive voix avec le siège ; une clé du siège ne se remplace pas par mégarde",
                    fingerprint(&key)
                ))
                .into());
            }
            None => false,
        };
        if !already_known {
            self.store().write(|tx| settings::set(tx, HQ_SIGNING_KEY, &hex))?;
        }
        let mut sealing = self.hq_public_keys()?;
        if !sealing.contains(&recipient) {
            sealing.push(recipient.clone());
            self.set_hq_public_keys(sealing)?;
        }
        Ok(HqTrust { fingerprint: fingerprint(&key), recipient, already_known })
    }

    /// The fingerprint of headquarters' signing key trusted here, if any.
    pub fn trusted_hq_key(&self) -> ApiResult<Option<String>> {
        let known = self.store().read(|c| settings::get(c, HQ_SIGNING_KEY))?;
        Ok(known.and_then(|k| crate::hash::unhex::<32>(&k)).map(|k| fingerprint(&k)))
    }

    /// The library: every published practice, the latest first, filtered.
    pub fn library(&self, filter: &LibraryFilter) -> ApiResult<Vec<LibraryEntry>> {
        let matching: Option<HashSet<RecordId>> = match filter.query.as_deref().map(str::trim) {
            Some(q) if !q.is_empty() => Some(
                self.search(&SearchRequest {
                    query: q.to_string(),
                    kind: Some(Kind::LibrarySheet),
                    territory_id: None,
                    limit: Some(500),
                })?
                .into_iter()
                .map(|h| h.id)
                .collect(),
            ),
            _ => None,
        };
        let mut out: Vec<LibraryEntry> = self
            .list(Kind::LibrarySheet, None)?
            .into_iter()
            .filter_map(|r| serde_json::from_value::<LibrarySheet>(r.data).ok().map(|s| (r.id, s)))
            .filter(|(_, s)| s.published_on.is_some() && s.decision == CommitteeDecision::Retenue)
            .filter(|(id, s)| {
                filter.theme.as_ref().is_none_or(|t| s.themes.contains(t))
                    && filter.territory_kind.is_none_or(|k| s.territory_kind == Some(k))
                    && filter.actor_category.is_none_or(|c| s.actor_categories.contains(&c))
                    && matching.as_ref().is_none_or(|m| m.contains(id))
            })
            .map(|(sheet_id, sheet)| LibraryEntry { origin: origin_of(&sheet), sheet_id, sheet })
            .collect();
        out.sort_by(|a, b| b.sheet.published_on.cmp(&a.sheet.published_on).then(a.sheet.title.cmp(&b.sheet.title)));
        Ok(out)
    }

    /// « S'en inspirer »: an action of the territory prefilled from a published practice
    /// (objective, hypothesis of change from its expected results, means), linked to it.
    pub fn adopt_practice(&self, sheet_id: RecordId, territory_id: RecordId) -> ApiResult<Record> {
        let record = self.get(Kind::LibrarySheet, sheet_id)?;
        let sheet: LibrarySheet = serde_json::from_value(record.data).map_err(Error::from)?;
        if sheet.published_on.is_none() {
            return Err(invalid("sheet_id", "cette pratique n'est pas publiée dans la bibliothèque"));
        }
        self.get(Kind::Territory, territory_id)?;
        let title: String = sheet.title.chars().take(300).collect();
        self.put(
            Kind::Action,
            None,
            serde_json::json!({
                "territory_id": territory_id,
                "title": title,
                "objective": sheet.objectives,
                "hypothesis": sheet.expected_results,
                "resources": sheet.means,
                "inspired_by": sheet_id,
            }),
        )
    }

    /// The committee's feedback on the territory's own proposals (those it has decided on).
    pub fn practice_feedback(&self, territory_id: RecordId) -> ApiResult<Vec<PracticeFeedback>> {
        // The territory's proposals and the sheets, each read once.
        let own: std::collections::HashMap<RecordId, serde_json::Value> =
            self.list(Kind::Practice, Some(territory_id))?.into_iter().map(|r| (r.id, r.data)).collect();
        let mut out = Vec::new();
        for r in self.list(Kind::LibrarySheet, None)? {
            let Ok(sheet) = serde_json::from_value::<LibrarySheet>(r.data) else { continue };
            let Some(proposal) = own.get(&sheet.practice_id) else { continue };
            out.push(PracticeFeedback {
                practice_id: sheet.practice_id,
                differences: super::committee::differences(proposal, &sheet)?,
                decision: sheet.decision,
                reasons: sheet.reasons,
                decided_on: sheet.decided_on,
                published_on: sheet.published_on,
                themes: sheet.themes,
            });
        }
        out.sort_by(|a, b| b.decided_on.cmp(&a.decided_on));
        Ok(out)
    }

    /// The national meetings' decisions and follow-ups that concern a territory, latest first.
    pub fn territory_meetings(&self, territory_id: RecordId) -> ApiResult<Vec<MeetingForTerritory>> {
        let mut out = Vec::new();
        for r in self.list(Kind::NationalMeeting, None)? {
            let Ok(m) = serde_json::from_value::<NationalMeeting>(r.data) else { continue };
            let decisions: Vec<String> = m
                .decisions
                .iter()
                .filter(|d| d.territory_ids.is_empty() || d.territory_ids.contains(&territory_id))
                .map(|d| d.text.clone())
                .collect();
            let follow_ups: Vec<_> = m.follow_ups.iter().filter(|f| f.territory_id == territory_id).cloned().collect();
            let attended: Vec<_> =
                m.participants.iter().filter(|p| p.territory_id == Some(territory_id)).cloned().collect();
            if decisions.is_empty() && follow_ups.is_empty() && attended.is_empty() {
                continue;
            }
            out.push(MeetingForTerritory {
                meeting_id: r.id,
                meeting_kind: m.meeting_kind,
                held_on: m.held_on,
                title: m.title,
                decisions,
                follow_ups,
                attended,
            });
        }
        out.sort_by(|a, b| b.held_on.cmp(&a.held_on));
        Ok(out)
    }

    /// The actor categories of the organisations leading or partnering the action a practice
    /// comes from (what the library filters on), sorted.
    pub(super) fn practice_actor_categories(&self, practice: &Practice) -> ApiResult<Vec<ActorCategory>> {
        let Some(action_id) = practice.action_id else { return Ok(Vec::new()) };
        let Ok(record) = self.get(Kind::Action, action_id) else { return Ok(Vec::new()) };
        let Ok(action) = serde_json::from_value::<Action>(record.data) else { return Ok(Vec::new()) };
        let mut out: Vec<ActorCategory> = Vec::new();
        for id in action.lead_organisation_id.iter().chain(&action.partner_ids) {
            if let Ok(r) = self.get(Kind::Organisation, *id) {
                if let Ok(o) = serde_json::from_value::<Organisation>(r.data) {
                    if !out.contains(&o.category) {
                        out.push(o.category);
                    }
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

/// Where a sheet comes from, as shown: the kind of territory and the département.
fn origin_of(sheet: &LibrarySheet) -> String {
    let kind = sheet.territory_kind.map(|k| k.label().to_string());
    match (kind, sheet.departement_code.as_deref()) {
        (Some(k), Some(d)) => format!("{k} · {d}"),
        (Some(k), None) => k,
        (None, Some(d)) => format!("Département {d}"),
        (None, None) => "Territoire du programme".into(),
    }
}

/// The checks of a library bundle that need the store: signed by the headquarters key trusted
/// here, carrying headquarters' library and meetings only.
pub(super) fn check_library_bundle(
    conn: &rusqlite::Connection,
    opened: &bundle::OpenedBundle,
) -> crate::error::Result<()> {
    let trusted = settings::get(conn, HQ_SIGNING_KEY)?;
    let Some(trusted) = trusted else {
        return Err(Refusal::new(
            Check::DeviceKey,
            "ce paquet vient du siège, mais cet appareil n'a pas encore reconnu la clé du siège : reconnaissez-la d'abord depuis son fichier hq.pub (Échanges › Clé du siège, ou `maillage keys trust hq.pub`)",
        )
        .into());
    };
    if trusted != opened.manifest.device_key {
        let known = crate::hash::unhex::<32>(&trusted).map(|k| fingerprint(&k)).unwrap_or_default();
        let shown = crate::hash::unhex::<32>(&opened.manifest.device_key).map(|k| fingerprint(&k)).unwrap_or_default();
        return Err(Refusal::new(
            Check::DeviceKey,
            format!(
                "ce paquet se présente comme la bibliothèque du siège, mais il n'est pas signé par la clé du siège reconnue ici (reconnue : {known}, présentée : {shown}) : ne l'importez pas et prévenez le siège"
            ),
        )
        .into());
    }
    if let Some(r) = opened.records.iter().find(|i| !i.record.kind.sent_back()) {
        return Err(Refusal::new(
            Check::Records,
            format!(
                "un paquet du siège ne peut changer que la bibliothèque, les retours du comité et les rencontres nationales ; celui-ci porte un(e) {}, donnée d'un territoire : rien n'a été importé",
                r.record.kind.label_fr()
            ),
        )
        .into());
    }
    if !opened.losers.is_empty() || !opened.erasures.is_empty() || !opened.attachments.is_empty() {
        return Err(Refusal::new(
            Check::Records,
            "un paquet du siège ne porte ni conflits, ni effacements, ni pièces jointes ; celui-ci en porte : rien n'a été importé",
        )
        .into());
    }
    Ok(())
}

/// A device's bundle never carries headquarters' own records.
pub(super) fn check_device_bundle(opened: &bundle::OpenedBundle) -> crate::error::Result<()> {
    if let Some(r) = opened.records.iter().chain(&opened.losers).find(|i| i.record.kind.headquarters_own()) {
        return Err(Refusal::new(
            Check::Records,
            format!(
                "ce paquet d'appareil porte un(e) {}, ce que seul le siège écrit (dans son paquet signé) : rien n'a été importé",
                r.record.kind.label_fr()
            ),
        )
        .into());
    }
    Ok(())
}
