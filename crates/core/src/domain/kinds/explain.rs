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
        (_, "status") => "statut",
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
fn field_name(path: &str) -> String {
    let plain = !path.is_empty()
        && path.len() <= 80
        && path.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '[' | ']'));
    if plain {
        path.to_string()
    } else {
        "(champ inconnu)".to_string()
    }
}

/// What serde expected, in French, from the end of its English message ("…, expected a string").
fn expected_fr(raw: &str) -> &'static str {
    let expected = raw.rsplit("expected ").next().unwrap_or("");
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
    } else if e.contains("version") {
        "une version (ms.compteur.appareil)"
    } else {
        "une valeur d'une autre forme"
    }
}

/// Turns serde's error into a French sentence that names the field and what is expected, and
/// never repeats the value received (it can be a name, a note, anything a person typed).
pub(super) fn explain_json_error(kind: Kind, e: &serde_path_to_error::Error<serde_json::Error>) -> Invalid {
    let raw = e.inner().to_string();
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
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or("").to_string();
    let what = kind.label_fr();
    if raw.starts_with("missing field") {
        let f = field_name(&join(&quoted(&raw)));
        Invalid::new(&f, format!("le champ « {f} » est obligatoire pour un(e) {what}"))
    } else if raw.starts_with("unknown field") {
        let f = field_name(&join(&quoted(&raw)));
        Invalid::new(&f, format!("le champ « {f} » n'existe pas pour un(e) {what}"))
    } else if raw.starts_with("unknown variant") {
        let f = field_name(&at);
        // The values listed come from the application's own lists, not from the input.
        let allowed = raw.split("expected ").nth(1).unwrap_or("").replace('`', "");
        let allowed = allowed.trim_start_matches("one of ");
        Invalid::new(&f, format!("le champ « {f} » n'accepte que ces valeurs : {allowed}"))
    } else if raw.starts_with("invalid length") {
        let f = field_name(&at);
        Invalid::new(&f, format!("le champ « {f} » n'a pas le nombre d'éléments attendu"))
    } else if raw.starts_with("invalid type") || raw.starts_with("invalid value") {
        let f = field_name(&at);
        Invalid::new(&f, format!("le champ « {f} » attend {}", expected_fr(&raw)))
    } else if raw.contains("UUID") || raw.contains("uuid") {
        let f = field_name(&at);
        Invalid::new(&f, format!("le champ « {f} » attend un identifiant (UUID)"))
    } else {
        let f = field_name(&at);
        Invalid::new(&f, format!("le champ « {f} » n'a pas la forme attendue pour un(e) {what}"))
    }
}
