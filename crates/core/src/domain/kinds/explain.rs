//! Refusals in French: which field, what is expected — never the value received.

use super::{Check, Invalid};
use crate::domain::Kind;

/// A character that has no place in a record's text: the C0 controls other than tab, line feed
/// and carriage return, and DEL (a NUL inside a name, an escape sequence…).
pub fn is_forbidden_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Refuses control characters anywhere in the text of `value` (keys included), naming the field.
pub(super) fn check_text(value: &serde_json::Value, path: &mut String) -> Check {
    use serde_json::Value;
    let bad = |path: &str| {
        let field = field_name(path);
        Invalid::new(
            &field,
            format!("le champ « {field} » contient un caractère invisible (caractère de contrôle) : retirez-le"),
        )
    };
    match value {
        Value::String(text) if text.chars().any(is_forbidden_char) => Err(bad(path)),
        Value::Array(items) => {
            let len = path.len();
            for (i, item) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                check_text(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            let len = path.len();
            for (key, item) in map {
                if key.chars().any(is_forbidden_char) {
                    return Err(bad(path));
                }
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                check_text(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A field's name in French, as a facilitator reads it on the form (`start_date` → « date de
/// début »); the last part of a path decides (`participants[2].name` → « nom »). A field this list
/// does not know keeps its code.
pub fn field_label(field: &str) -> String {
    let last = field.rsplit('.').next().unwrap_or(field);
    let last = last.split('[').next().unwrap_or(last);
    let label = match (field, last) {
        ("consent.date", _) => "date du consentement",
        ("consent.status", _) => "consentement (état)",
        ("consent.how", _) => "consentement (recueilli comment)",
        ("priority.impact", _) => "impact",
        ("priority.feasibility", _) => "faisabilité",
        ("priority.rank", _) => "rang",
        ("decisions.text", _) => "texte de la décision",
        ("passages.text", _) => "texte du passage",
        ("passages.person_id", _) => "personne du passage",
        ("sections.questions.code", _) => "code de la question",
        ("sections.questions.text", _) => "texte de la question",
        (_, "name") => "nom",
        (_, "title") => "titre",
        (_, "date") => "date",
        (_, "territory_id") => "territoire",
        (_, "departement_code") => "code de département",
        (_, "kind") => "type",
        (_, "category") => "catégorie",
        (_, "engagement") => "engagement",
        (_, "fields") => "champs d'intervention",
        (_, "consent") => "consentement",
        (_, "intensity") => "intensité",
        (_, "observed_on") => "date d'observation",
        (_, "from_organisation_id") => "structure de départ",
        (_, "to_organisation_id") => "structure d'arrivée",
        (_, "organisation_id") | (_, "lead_organisation_id") => "structure",
        (_, "organisation_ids") | (_, "partner_ids") => "structures",
        (_, "person_id") => "personne",
        (_, "person_ids") => "personnes",
        (_, "theme_ids") => "thèmes",
        (_, "indicator_id") => "indicateur",
        (_, "action_id") => "action",
        (_, "start_date") => "date de début",
        (_, "end_date") => "date de fin",
        (_, "launched_on") => "date de lancement",
        (_, "purged_on") => "date de purge",
        (_, "status") => "statut",
        ("partners.representative", _) => "représentant·e du partenaire",
        ("partners.organisation_id", _) => "structure partenaire",
        (_, "partners") => "partenaires",
        (_, "goal") => "objectif commun",
        (_, "scenario") => "scénario de transformation",
        (_, "indicator_ids") => "indicateurs",
        (_, "workshop_id") => "atelier",
        (_, "agreed_on") => "date d'accord",
        (_, "adopted_on") => "date d'adoption",
        (_, "values") => "valeurs",
        (_, "rules") => "règles",
        (_, "grid_checks") => "grille de coopération",
        (_, "practice_id") => "pratique",
        (_, "reviewer") => "membre du comité",
        (_, "relevance") => "pertinence",
        (_, "originality") => "originalité",
        (_, "effectiveness") => "efficacité",
        (_, "comment") => "commentaire",
        (_, "reviewed_on") => "date de l'avis",
        (_, "decision") => "décision",
        (_, "reasons") => "raisons",
        (_, "decided_on") => "date de la décision",
        (_, "published_on") => "date de publication",
        (_, "themes") => "thèmes de la bibliothèque",
        (_, "label") => "libellé",
        (_, "code") => "code",
        (_, "value") => "valeur",
        (_, "baseline") => "valeur de départ",
        (_, "target") => "cible",
        (_, "unit") => "unité",
        (_, "sections") => "sections du guide",
        (_, "participants") => "participants",
        (_, "attendance") => "présence",
        (_, "objectives") => "objectifs",
        (_, "answers") => "réponses",
        (_, "passages") => "passages",
        (_, "notes") => "notes",
        (_, "contact") => "contact",
        (_, "role") => "rôle",
        (_, "place") => "lieu",
        (_, "sha256") => "empreinte du fichier",
        (_, "size") => "taille du fichier",
        (_, "created_at") => "date de création",
        (_, "updated_at") => "date de modification",
        (_, "created_by") => "auteur (created_by)",
        (_, "version") => "version",
        _ => return field.to_string(),
    };
    label.to_string()
}

/// A field name fit to be shown: a name the application defines (letters, digits, `_`, `.`,
/// indices), never text someone typed. Anything else is "un champ".
pub(crate) fn field_name(path: &str) -> String {
    let plain = !path.is_empty()
        && path.len() <= 80
        && path.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '[' | ']'));
    if plain {
        path.to_string()
    } else {
        "(champ inconnu)".to_string()
    }
}

/// Why data did not fit a kind, as serde's derived code reports it through [`serde::de::Error`]'s
/// typed methods: which rule, and what was expected — never the value received.
#[derive(Debug)]
pub(super) enum Unfit {
    Missing(&'static str),
    Unknown(String),
    Variant(&'static [&'static str]),
    /// The kind of value expected, as the type describes itself (`a string`, `u8`, `struct Consent`).
    Type(String),
    Length,
    /// A type's own check (an id that is not a UUID…).
    Other,
}

impl std::fmt::Display for Unfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for Unfit {}

impl serde::de::Error for Unfit {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Unfit::Other
    }
    fn invalid_type(_: serde::de::Unexpected<'_>, expected: &dyn serde::de::Expected) -> Self {
        Unfit::Type(expected.to_string())
    }
    fn invalid_value(_: serde::de::Unexpected<'_>, expected: &dyn serde::de::Expected) -> Self {
        Unfit::Type(expected.to_string())
    }
    fn invalid_length(_: usize, _: &dyn serde::de::Expected) -> Self {
        Unfit::Length
    }
    fn unknown_variant(_: &str, expected: &'static [&'static str]) -> Self {
        Unfit::Variant(expected)
    }
    fn unknown_field(field: &str, _: &'static [&'static str]) -> Self {
        Unfit::Unknown(field.to_string())
    }
    fn missing_field(field: &'static str) -> Self {
        Unfit::Missing(field)
    }
}

/// Deserialises `value` as `T`, with the field at fault and a typed reason when it does not fit.
pub(super) fn fit<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> std::result::Result<T, serde_path_to_error::Error<Unfit>> {
    // A JSON tree converts; should one not, reading "nothing" gives the same typed refusal.
    let tree = serde_value::to_value(value).unwrap_or(serde_value::Value::Unit);
    serde_path_to_error::deserialize(serde_value::ValueDeserializer::<Unfit>::new(tree))
}

/// What a type expects, in French, from the way it describes itself.
fn expected_fr(expected: &str) -> &'static str {
    let e = expected.to_ascii_lowercase();
    if e.contains("uuid") {
        "un identifiant (UUID)"
    } else if e.starts_with("a string") || e.contains("char") {
        "du texte"
    } else if e.contains("bool") {
        "vrai ou faux (true / false)"
    } else if e.contains("sequence") || e.contains("array") || e.contains("tuple") {
        "une liste"
    } else if e.starts_with("struct") || e.contains("map") {
        "un objet (des champs entre accolades)"
    } else if e.starts_with('u') || e.starts_with('i') || e.contains("integer") {
        "un nombre entier positif"
    } else if e.starts_with('f') || e.contains("number") {
        "un nombre"
    } else {
        "une valeur d'une autre forme"
    }
}

/// A refusal in French that names the field and what is expected, and never repeats the value
/// received (it can be a name, a note, anything a person typed).
pub(super) fn explain_json_error(kind: Kind, e: &serde_path_to_error::Error<Unfit>) -> Invalid {
    let at = e.path().to_string();
    let at = if at == "." { String::new() } else { at };
    // The path ends at the unknown field itself, at the struct that misses one.
    let join = |name: &str| {
        if at.is_empty() {
            name.to_string()
        } else if at == name || at.ends_with(&format!(".{name}")) {
            at.clone()
        } else {
            format!("{at}.{name}")
        }
    };
    let what = kind.label_fr();
    let f = field_name(&at);
    match e.inner() {
        Unfit::Missing(name) => {
            let f = field_name(&join(name));
            Invalid::new(&f, format!("le champ « {f} » est obligatoire pour un(e) {what}"))
        }
        Unfit::Unknown(name) => {
            let f = field_name(&join(name));
            Invalid::new(&f, format!("le champ « {f} » n'existe pas pour un(e) {what}"))
        }
        // The values listed are the application's own codes, not the input.
        Unfit::Variant(allowed) => {
            Invalid::new(&f, format!("le champ « {f} » n'accepte que ces valeurs : {}", allowed.join(", ")))
        }
        Unfit::Length => Invalid::new(&f, format!("le champ « {f} » n'a pas le nombre d'éléments attendu")),
        Unfit::Type(expected) => Invalid::new(&f, format!("le champ « {f} » attend {}", expected_fr(expected))),
        Unfit::Other
            if at.ends_with("id") || at.ends_with("ids") || at.ends_with(']') || at.ends_with("inspired_by") =>
        {
            Invalid::new(&f, format!("le champ « {f} » attend un identifiant (UUID)"))
        }
        Unfit::Other => Invalid::new(&f, format!("le champ « {f} » n'a pas la forme attendue pour un(e) {what}")),
    }
}
