//! What of a record is searchable: every text a person wrote, none of the ids.

/// Gathers the words of a record's data for the full-text index: every text a person wrote,
/// joined by newlines — not ids, dates, hashes or the codes of closed lists (`pending`,
/// `brouillon`…), and not the top-level title, which the index holds in a column of its own.
pub fn searchable_text(data: &serde_json::Value) -> String {
    let mut out = String::new();
    match data {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                if !TITLE_KEYS.contains(&key.as_str()) {
                    collect_field(key, value, &mut out);
                }
            }
        }
        other => collect(other, &mut out),
    }
    out
}

/// Top-level fields a record's title is made of (see `KindData::title`).
const TITLE_KEYS: [&str; 3] = ["title", "name", "label"];

/// Fields whose values are codes of the method's closed lists or technical values, never prose.
const CODE_KEYS: [&str; 10] =
    ["status", "kind", "category", "engagement", "attendance", "fields", "source", "code", "media_type", "sha256"];

fn collect_field(key: &str, value: &serde_json::Value, out: &mut String) {
    if !CODE_KEYS.contains(&key) {
        collect(value, out);
    }
}

fn collect(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(s) if !looks_like_id_or_date(s) && !s.is_empty() => {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(s);
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| collect_field(k, v, out)),
        _ => {}
    }
}

fn looks_like_id_or_date(s: &str) -> bool {
    let b = s.as_bytes();
    let uuid = b.len() == 36 && b[8] == b'-' && b[13] == b'-' && b[18] == b'-' && b[23] == b'-';
    let date = b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit);
    let hash = b.len() == 64 && b.iter().all(u8::is_ascii_hexdigit);
    uuid || date || hash
}

/// Folds case and accents the way the search index does, for comparisons made in Rust.
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' => 'y',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_and_dates_are_not_searchable_but_words_are() {
        let text = searchable_text(&json!({
            "territory_id": "0193a1b2-0000-7000-8000-000000000000",
            "date": "2026-11-22",
            "place": "Rencontre",
            "answers": {"q1": "Les élèves"},
        }));
        assert!(text.contains("Rencontre") && text.contains("Les élèves"));
        assert!(!text.contains("0193a1b2") && !text.contains("2026-11-22"));
    }

    #[test]
    fn codes_of_closed_lists_and_the_title_are_left_out_of_the_text() {
        let text = searchable_text(&json!({
            "title": "Principale du collège",
            "status": "brouillon",
            "consent": {"status": "pending", "how": "oral"},
            "notes": "La confidentialité des situations",
        }));
        assert_eq!(text, "oral\nLa confidentialité des situations");
    }

    #[test]
    fn fold_removes_accents_and_case() {
        assert_eq!(fold("Élèves ÇA"), "eleves ca");
    }
}
