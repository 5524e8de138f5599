//! The domain: record kinds, their fields and invariants, ids and versions. No I/O here.
//!
//! Every record travels as the same JSON envelope ([`Record`]): its id, kind, version and
//! provenance, and `data`, the kind's own fields (see [`kinds`]). The store, the command line,
//! the desktop application and the bundle all use this one shape.

pub mod clock;
pub mod kinds;
pub mod text;
pub mod versions;
pub mod vocabulary;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use versions::{Incoming, LineageEdge};

/// Text that is not an id, a kind or a version. The text is kept for the caller and never shown
/// (`crate::error::Error` words the message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    UnknownKind(String),
    InvalidId(String),
    InvalidVersion(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseError::UnknownKind(_) => "type d'enregistrement inconnu",
            ParseError::InvalidId(_) => "identifiant invalide (attendu un UUID)",
            ParseError::InvalidVersion(_) => "version illisible",
        })
    }
}

impl std::error::Error for ParseError {}

type Result<T> = std::result::Result<T, ParseError>;

/// The id of any record: a UUID v7 (sorts by creation time), or a v8 derived from a code for
/// the defaults shipped with the application, so that every device holds the same ids for them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordId(pub Uuid);

impl RecordId {
    pub fn new() -> Self {
        RecordId(Uuid::now_v7())
    }

    /// A stable id for a shipped default (guide, theme): the same on every device.
    pub fn for_default(namespace: &str, code: &str) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("maillage:{namespace}:{code}").as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        RecordId(Uuid::new_v8(bytes))
    }

    /// Parses an id typed by a user; the message names what was wrong.
    pub fn parse(text: &str) -> Result<Self> {
        Uuid::parse_str(text.trim()).map(RecordId).map_err(|_| ParseError::InvalidId(text.to_string()))
    }
}

impl Default for RecordId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The id of a device (one installation of Maillage). Chosen at `init`, never changes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeviceId(pub Uuid);

impl DeviceId {
    /// The pseudo-device that "authored" the shipped defaults.
    pub const SHIPPED: DeviceId = DeviceId(Uuid::nil());
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The kinds of record, with the names used on the command line, in JSON and in bundles.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Territory,
    Roadmap,
    Organisation,
    Person,
    CooperationLink,
    InterviewGuide,
    Interview,
    Theme,
    Workshop,
    Action,
    Indicator,
    Measurement,
    Practice,
    Attachment,
    CommonGoal,
    Charter,
    PracticeReview,
    LibrarySheet,
    NationalMeeting,
}

impl Kind {
    pub const ALL: [Kind; 19] = [
        Kind::Territory,
        Kind::Roadmap,
        Kind::Organisation,
        Kind::Person,
        Kind::CooperationLink,
        Kind::InterviewGuide,
        Kind::Interview,
        Kind::Theme,
        Kind::Workshop,
        Kind::Action,
        Kind::Indicator,
        Kind::Measurement,
        Kind::Practice,
        Kind::Attachment,
        Kind::CommonGoal,
        Kind::Charter,
        Kind::PracticeReview,
        Kind::LibrarySheet,
        Kind::NationalMeeting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Territory => "territory",
            Kind::Roadmap => "roadmap",
            Kind::Organisation => "organisation",
            Kind::Person => "person",
            Kind::CooperationLink => "cooperation_link",
            Kind::InterviewGuide => "interview_guide",
            Kind::Interview => "interview",
            Kind::Theme => "theme",
            Kind::Workshop => "workshop",
            Kind::Action => "action",
            Kind::Indicator => "indicator",
            Kind::Measurement => "measurement",
            Kind::Practice => "practice",
            Kind::Attachment => "attachment",
            Kind::CommonGoal => "common_goal",
            Kind::Charter => "charter",
            Kind::PracticeReview => "practice_review",
            Kind::LibrarySheet => "library_sheet",
            Kind::NationalMeeting => "national_meeting",
        }
    }

    /// The French name shown to facilitators.
    pub fn label_fr(self) -> &'static str {
        match self {
            Kind::Territory => "territoire",
            Kind::Roadmap => "feuille de route",
            Kind::Organisation => "structure",
            Kind::Person => "personne",
            Kind::CooperationLink => "lien de coopération",
            Kind::InterviewGuide => "guide d'entretien",
            Kind::Interview => "entretien",
            Kind::Theme => "thème",
            Kind::Workshop => "atelier",
            Kind::Action => "action",
            Kind::Indicator => "indicateur",
            Kind::Measurement => "mesure",
            Kind::Practice => "pratique inspirante",
            Kind::Attachment => "pièce jointe",
            Kind::CommonGoal => "objectif commun",
            Kind::Charter => "charte de coopération",
            Kind::PracticeReview => "avis du comité de sélection",
            Kind::LibrarySheet => "fiche de la bibliothèque",
            Kind::NationalMeeting => "rencontre nationale",
        }
    }

    /// Kinds that may exist outside any territory (the programme-wide guides and codebook).
    pub fn may_be_programme_wide(self) -> bool {
        matches!(self, Kind::InterviewGuide | Kind::Theme | Kind::Practice) || self.headquarters_own()
    }

    /// Headquarters' own records (the committee's reviews and sheets, the national meetings):
    /// written at headquarters only, never carried by a device's bundle.
    pub fn headquarters_own(self) -> bool {
        matches!(self, Kind::PracticeReview | Kind::LibrarySheet | Kind::NationalMeeting)
    }

    /// What headquarters sends back to the territories in its signed library bundle (the reviews,
    /// which name committee members, stay at headquarters).
    pub fn sent_back(self) -> bool {
        matches!(self, Kind::LibrarySheet | Kind::NationalMeeting)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| ParseError::UnknownKind(s.to_string()))
    }
}

/// A version that orders edits across devices: a hybrid logical clock reading (milliseconds,
/// then a counter for edits within the same millisecond or after the wall clock went back),
/// then the id of the device that made the edit, which breaks ties deterministically.
///
/// Its text form `{ms:016x}.{counter:08x}.{device}` sorts like the version itself, so the store
/// compares versions as strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version {
    pub ms: u64,
    pub counter: u32,
    pub device: DeviceId,
}

impl Version {
    /// The version of the shipped defaults: older than any edit.
    pub const SHIPPED: Version = Version { ms: 0, counter: 0, device: DeviceId::SHIPPED };
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}.{:08x}.{}", self.ms, self.counter, self.device.0)
    }
}

impl FromStr for Version {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || ParseError::InvalidVersion(s.to_string());
        let mut parts = s.splitn(3, '.');
        let (ms, counter, device) = (parts.next(), parts.next(), parts.next());
        let (Some(ms), Some(counter), Some(device)) = (ms, counter, device) else {
            return Err(bad());
        };
        if ms.len() != 16 || counter.len() != 8 {
            return Err(bad());
        }
        Ok(Version {
            ms: u64::from_str_radix(ms, 16).map_err(|_| bad())?,
            counter: u32::from_str_radix(counter, 16).map_err(|_| bad())?,
            device: DeviceId(Uuid::parse_str(device).map_err(|_| bad())?),
        })
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One record as it is stored, listed, printed and carried in bundles.
///
/// A deleted record is a tombstone: `deleted` is true and `data` is cleared to `{}`, so that the
/// deletion travels in bundles and no personal data survives it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RecordEnvelope"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub id: RecordId,
    pub kind: Kind,
    /// The territory the record belongs to (a territory's own id for a territory); absent for
    /// the programme-wide guides and codebook.
    pub territory_id: Option<RecordId>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub version: Version,
    /// The facilitator who created the record, as they named themselves at `init`.
    pub created_by: String,
    pub created_device: DeviceId,
    /// UTC times, RFC 3339, as read on the device that made the change.
    pub created_at: String,
    pub updated_at: String,
    pub deleted: bool,
    /// The kind's own fields (see `domain::kinds`), `{}` for a tombstone.
    pub data: serde_json::Value,
}

/// One record to create (no id) or replace (id).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PutItem {
    pub kind: Kind,
    #[serde(default)]
    pub id: Option<RecordId>,
    pub data: serde_json::Value,
}

/// A record as one canonical JSON line (sorted keys): its identity in merges, conflicts, dumps
/// and bundles.
pub fn record_line(record: &Record) -> String {
    crate::canonical::to_string(&serde_json::to_value(record).expect("a record serialises"))
}

/// The longest facilitator name an envelope may carry (the same bound as at `init`).
pub const MAX_FACILITATOR_CHARS: usize = 120;

/// How far ahead of the receiving device's clock a version from elsewhere may be: a device whose
/// clock says 2099 is refused, and a version accepted can always be outranked by the next edit.
pub const MAX_FUTURE_MS: u64 = 366 * 24 * 3600 * 1000;

impl Record {
    /// The rules of an envelope that arrives from elsewhere (a bundle): times in RFC 3339, bounded
    /// texts without control characters, a version that a later edit can still outrank, and the
    /// reserved version and pseudo-device of the shipped defaults for those only (checked by the
    /// caller, which knows the defaults). The message names the field, never its value.
    pub fn check_envelope(&self, wall_ms: u64) -> std::result::Result<(), kinds::Invalid> {
        let bad = |field: &str, message: &str| kinds::Invalid::new(field, message);
        for (field, value) in [("created_at", &self.created_at), ("updated_at", &self.updated_at)] {
            if value.len() > 40 || chrono::DateTime::parse_from_rfc3339(value).is_err() {
                return Err(bad(
                    field,
                    &format!("le champ « {field} » attend une date et une heure RFC 3339 (2026-11-22T09:12:03.120Z)"),
                ));
            }
        }
        if self.created_by.chars().count() > MAX_FACILITATOR_CHARS {
            return Err(bad(
                "created_by",
                &format!("le champ « created_by » dépasse {MAX_FACILITATOR_CHARS} caractères"),
            ));
        }
        if self.created_by.chars().any(kinds::is_forbidden_char) {
            return Err(bad(
                "created_by",
                "le champ « created_by » contient un caractère invisible (caractère de contrôle)",
            ));
        }
        let limit = wall_ms.saturating_add(MAX_FUTURE_MS).min(crate::domain::clock::MAX_VERSION_MS);
        if self.version.ms > limit {
            return Err(bad(
                "version",
                "la version est datée de plus d'un an dans le futur (l'horloge de l'appareil d'origine est fausse) : corrigez l'heure de cet appareil et demandez un nouvel export",
            ));
        }
        Ok(())
    }

    /// Whether the envelope claims the reserved version or pseudo-device of the shipped defaults.
    pub fn claims_shipped(&self) -> bool {
        self.version.device == DeviceId::SHIPPED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_text_sorts_like_the_version() {
        let d1 = DeviceId(Uuid::from_u128(1));
        let d2 = DeviceId(Uuid::from_u128(2));
        let versions = [
            Version { ms: 5, counter: 0, device: d2 },
            Version { ms: 5, counter: 1, device: d1 },
            Version { ms: 300, counter: 0, device: d1 },
            Version { ms: 5, counter: 0, device: d1 },
        ];
        let mut by_value = versions.to_vec();
        by_value.sort();
        let mut by_text: Vec<String> = versions.iter().map(|v| v.to_string()).collect();
        by_text.sort();
        let round: Vec<Version> = by_text.iter().map(|t| t.parse().unwrap()).collect();
        assert_eq!(by_value, round, "sorting the text form must give the version order");
    }

    #[test]
    fn a_default_id_is_the_same_on_every_device() {
        assert_eq!(RecordId::for_default("theme", "freins"), RecordId::for_default("theme", "freins"));
        assert_ne!(RecordId::for_default("theme", "freins"), RecordId::for_default("theme", "besoins"));
    }

    #[test]
    fn an_unknown_kind_lists_the_kinds_without_echoing_the_text() {
        let err = crate::error::Error::from("interviews".parse::<Kind>().unwrap_err());
        assert!(!err.to_string().contains("interviews") && err.to_string().contains("interview,"), "{err}");
    }
}
