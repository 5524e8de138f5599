//! The actors: structures, persons (and their consent), cooperation links.

use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::vocabulary::*;
use crate::domain::{Kind, RecordId};

/// Structure / acteur.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "OrganisationData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub territory_id: RecordId,
    pub name: String,
    pub category: ActorCategory,
    #[serde(default = "default_engagement")]
    pub engagement: Engagement,
    #[serde(default)]
    pub fields: Vec<InterventionField>,
    pub sub_territory: Option<String>,
    #[serde(default)]
    pub notes: String,
}

fn default_engagement() -> Engagement {
    Engagement::Professionnel
}

impl KindData for Organisation {
    const KIND: Kind = Kind::Organisation;
    fn normalise(&mut self) {
        trim(&mut self.name);
        self.fields.sort();
        self.fields.dedup();
    }
    fn validate(&self) -> Check {
        required("name", &self.name)?;
        max_len("name", &self.name, 200)
    }
    in_territory_titled_by!(name);
}

/// A person's consent to the use of what they say, and how it was collected.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub status: ConsentStatus,
    pub date: Option<String>,
    /// "formulaire signé", "oral, enregistré"…
    #[serde(default)]
    pub how: String,
}

impl Default for Consent {
    fn default() -> Self {
        Consent { status: ConsentStatus::Pending, date: None, how: String::new() }
    }
}

impl Consent {
    pub(super) fn validate(&self, field: &str) -> Check {
        check_opt_date(&format!("{field}.date"), &self.date)?;
        if matches!(self.status, ConsentStatus::Given | ConsentStatus::Withdrawn) && self.date.is_none() {
            return Err(Invalid::new(
                &format!("{field}.date"),
                "indiquez la date à laquelle le consentement a été donné ou retiré",
            ));
        }
        Ok(())
    }
}

/// Personne.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PersonData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub territory_id: RecordId,
    pub name: String,
    #[serde(default)]
    pub role: String,
    pub organisation_id: Option<RecordId>,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub consent: Consent,
    /// A stable pseudonym used in exports for the national level; derived when left empty.
    #[serde(default)]
    pub pseudonym: String,
    #[serde(default)]
    pub notes: String,
}

impl KindData for Person {
    const KIND: Kind = Kind::Person;
    fn normalise(&mut self) {
        trim(&mut self.name);
        trim(&mut self.pseudonym);
    }
    fn validate(&self) -> Check {
        required("name", &self.name)?;
        max_len("name", &self.name, 200)?;
        self.consent.validate("consent")
    }
    in_territory_titled_by!(name);
    fn references(&self) -> Vec<Reference> {
        opt_ref("organisation_id", Kind::Organisation, &self.organisation_id).into_iter().collect()
    }
}

/// Lien de coopération between two organisations.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "CooperationLinkData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CooperationLink {
    pub territory_id: RecordId,
    pub from_organisation_id: RecordId,
    pub to_organisation_id: RecordId,
    pub kind: LinkKind,
    /// 0 (none) to 3 (strong).
    pub intensity: u8,
    pub observed_on: String,
    /// The interview or workshop where the link was observed.
    pub source_id: Option<RecordId>,
    #[serde(default)]
    pub notes: String,
}

impl KindData for CooperationLink {
    const KIND: Kind = Kind::CooperationLink;
    fn validate(&self) -> Check {
        if self.intensity > 3 {
            return Err(Invalid::new("intensity", "le champ « intensity » attend l'intensité du lien, de 0 à 3"));
        }
        if self.from_organisation_id == self.to_organisation_id {
            return Err(Invalid::new("to_organisation_id", "un lien relie deux structures différentes"));
        }
        check_date("observed_on", &self.observed_on)
    }
    fn territory_id(&self) -> Option<RecordId> {
        Some(self.territory_id)
    }
    fn title(&self) -> String {
        format!("Lien de coopération ({})", self.kind.label())
    }
    fn date(&self) -> Option<String> {
        Some(self.observed_on.clone())
    }
    fn references(&self) -> Vec<Reference> {
        vec![
            Reference { field: "from_organisation_id", id: self.from_organisation_id, kind: Kind::Organisation },
            Reference { field: "to_organisation_id", id: self.to_organisation_id, kind: Kind::Organisation },
        ]
    }
}
