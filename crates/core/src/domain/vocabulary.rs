//! The closed lists of the method (actor categories, statuses, kinds of link…), each value with
//! its code (JSON, command line) and its French label (interface, reports).

use serde::{Deserialize, Serialize};

/// One entry of a closed list, as the interface shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal : $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn choices() -> Vec<Choice> {
                Self::ALL.iter().map(|v| Choice { code: v.code(), label: v.label() }).collect()
            }
        }
    };
}

vocabulary!(
    /// What a territory is.
    TerritoryKind {
        CiteEducative = "cite_educative": "Cité éducative",
        Qpv = "qpv": "Quartier prioritaire (QPV)",
        Commune = "commune": "Commune",
        Departement = "departement": "Département",
        Rural = "rural": "Territoire rural",
    }
);

vocabulary!(
    /// The categories of actors of child protection, in the broad sense of the programme.
    ActorCategory {
        EducationNationale = "education_nationale": "Éducation nationale",
        DepartementAse = "departement_ase": "Département — Aide sociale à l'enfance (ASE)",
        DepartementPmi = "departement_pmi": "Département — Protection maternelle et infantile (PMI)",
        DepartementServiceSocial = "departement_service_social": "Département — Service social",
        CommuneCcas = "commune_ccas": "Commune — CCAS",
        CommuneEducation = "commune_education": "Commune — Éducation",
        CommuneJeunesse = "commune_jeunesse": "Commune — Jeunesse",
        EtatPrefecture = "etat_prefecture": "État — Préfecture",
        EtatPjj = "etat_pjj": "État — Protection judiciaire de la jeunesse (PJJ)",
        EtatJustice = "etat_justice": "État — Justice",
        Caf = "caf": "Caisse d'allocations familiales (CAF)",
        Msa = "msa": "Mutualité sociale agricole (MSA)",
        PreventionSpecialisee = "prevention_specialisee": "Prévention spécialisée",
        CentreSocial = "centre_social": "Centre social",
        AutreAssociation = "autre_association": "Autre association",
        ParentsHabitants = "parents_habitants": "Parents / habitants",
        Elus = "elus": "Élus",
    }
);

vocabulary!(
    /// The nature of an actor's engagement.
    Engagement {
        Professionnel = "professionnel": "Professionnel",
        Benevole = "benevole": "Bénévole",
        Habitant = "habitant": "Habitant",
    }
);

vocabulary!(
    /// Fields of intervention of an organisation.
    InterventionField {
        Scolaire = "scolaire": "Scolaire",
        Periscolaire = "periscolaire": "Périscolaire",
        Extrascolaire = "extrascolaire": "Extrascolaire",
        Parentalite = "parentalite": "Parentalité",
        Sante = "sante": "Santé",
        Social = "social": "Social",
        Justice = "justice": "Justice",
        CultureSport = "culture_sport": "Culture et sport",
    }
);

vocabulary!(
    /// Where a person stands on the use of what they say.
    ConsentStatus {
        Pending = "pending": "À recueillir",
        Given = "given": "Donné",
        Refused = "refused": "Refusé",
        Withdrawn = "withdrawn": "Retiré",
    }
);

vocabulary!(
    /// What two organisations do together.
    LinkKind {
        Information = "information": "Échange d'information",
        InstanceCommune = "instance_commune": "Instance commune",
        ActionCoPortee = "action_co_portee": "Action co-portée",
        SuiviPartage = "suivi_partage": "Suivi partagé de situations",
    }
);

vocabulary!(
    /// Where an interview stands.
    InterviewStatus {
        Brouillon = "brouillon": "Brouillon",
        Complet = "complet": "Complet",
        Valide = "valide": "Validé",
    }
);

vocabulary!(
    /// The kinds of meeting of the method.
    WorkshopKind {
        Copil = "copil": "Comité de pilotage (COPIL)",
        GroupeTravail = "groupe_travail": "Groupe de travail",
        AtelierEchanges = "atelier_echanges": "Atelier d'échanges",
        Club = "club": "Club des cités éducatives",
    }
);

vocabulary!(
    /// Whether a participant came.
    Attendance {
        Present = "present": "Présent",
        Excuse = "excuse": "Excusé",
        Absent = "absent": "Absent",
    }
);

vocabulary!(
    /// Where an action of the plan stands.
    ActionStatus {
        Idee = "idee": "Idée",
        Retenue = "retenue": "Retenue",
        EnCours = "en_cours": "En cours",
        Realisee = "realisee": "Réalisée",
        Abandonnee = "abandonnee": "Abandonnée",
    }
);

vocabulary!(
    /// Where an inspiring-practice sheet stands.
    PracticeStatus {
        Brouillon = "brouillon": "Brouillon",
        Proposee = "proposee": "Proposée",
        Retenue = "retenue": "Retenue",
        Publiee = "publiee": "Publiée",
    }
);

vocabulary!(
    /// The four steps of the method.
    MethodStep {
        Lancement = "lancement": "Lancement",
        EtatDesLieux = "etat_des_lieux": "État des lieux",
        Experimentations = "experimentations": "Expérimentations",
        Evaluation = "evaluation": "Évaluation",
    }
);

/// Every list, keyed by name, for the interface's selects.
pub fn all_lists() -> Vec<(&'static str, Vec<Choice>)> {
    vec![
        ("territory_kind", TerritoryKind::choices()),
        ("actor_category", ActorCategory::choices()),
        ("engagement", Engagement::choices()),
        ("intervention_field", InterventionField::choices()),
        ("consent_status", ConsentStatus::choices()),
        ("link_kind", LinkKind::choices()),
        ("interview_status", InterviewStatus::choices()),
        ("workshop_kind", WorkshopKind::choices()),
        ("attendance", Attendance::choices()),
        ("action_status", ActionStatus::choices()),
        ("practice_status", PracticeStatus::choices()),
        ("method_step", MethodStep::choices()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_what_json_carries() {
        for c in ActorCategory::ALL {
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.code()));
        }
    }

    #[test]
    fn every_list_has_distinct_codes() {
        for (name, list) in all_lists() {
            let mut codes: Vec<_> = list.iter().map(|c| c.code).collect();
            codes.sort();
            codes.dedup();
            assert_eq!(codes.len(), list.len(), "duplicate code in {name}");
        }
    }
}
