//! Pratiques inspirantes and pièces jointes.

use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::vocabulary::*;
use crate::domain::{Kind, RecordId};

/// Pratique inspirante: the sheet of the programme (objectives, means, keys to success, results,
/// difficulties, contacts).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PracticeData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    pub territory_id: Option<RecordId>,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub objectives: String,
    #[serde(default)]
    pub means: String,
    #[serde(default)]
    pub keys_to_success: String,
    #[serde(default)]
    pub expected_results: String,
    #[serde(default)]
    pub obtained_results: String,
    #[serde(default)]
    pub difficulties: String,
    #[serde(default)]
    pub contacts: String,
    #[serde(default)]
    pub theme_ids: Vec<RecordId>,
    pub action_id: Option<RecordId>,
    #[serde(default = "default_practice_status")]
    pub status: PracticeStatus,
}

fn default_practice_status() -> PracticeStatus {
    PracticeStatus::Brouillon
}

impl KindData for Practice {
    const KIND: Kind = Kind::Practice;
    fn normalise(&mut self) {
        trim(&mut self.title);
    }
    fn validate(&self) -> Check {
        required("title", &self.title)?;
        max_len("title", &self.title, 300)
    }
    fn territory_id(&self) -> Option<RecordId> {
        self.territory_id
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn references(&self) -> Vec<Reference> {
        refs("theme_ids", Kind::Theme, &self.theme_ids)
            .chain(opt_ref("action_id", Kind::Action, &self.action_id))
            .collect()
    }
}

/// Pièce jointe: a file kept by its content hash (the bytes live in the store's blob table).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "AttachmentData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub territory_id: RecordId,
    /// The record the file belongs to (an interview, a workshop, a person's consent form…).
    pub record_id: Option<RecordId>,
    pub name: String,
    #[serde(default)]
    pub media_type: String,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    pub size: u64,
    #[serde(default)]
    pub description: String,
}

impl KindData for Attachment {
    const KIND: Kind = Kind::Attachment;
    fn normalise(&mut self) {
        trim(&mut self.name);
        self.sha256 = self.sha256.to_ascii_lowercase();
    }
    fn validate(&self) -> Check {
        required("name", &self.name)?;
        if self.name.contains('/') || self.name.contains('\\') || self.name.contains('\0') {
            return Err(Invalid::new("name", "le nom d'une pièce jointe ne peut pas contenir de chemin"));
        }
        if self.sha256.len() != 64 || !self.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Invalid::new(
                "sha256",
                "le champ « sha256 » attend l'empreinte SHA-256 du fichier : 64 chiffres hexadécimaux",
            ));
        }
        Ok(())
    }
    in_territory_titled_by!(name);
}
