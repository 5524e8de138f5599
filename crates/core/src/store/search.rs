//! Full-text search over live records (SQLite FTS5, accents and case folded).

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::domain::{Kind, RecordId};
use crate::error::Result;

/// One piece of a snippet: `hit` pieces are the words that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub id: RecordId,
    pub kind: Kind,
    pub territory_id: Option<RecordId>,
    pub title: String,
    pub date: Option<String>,
    pub snippet: Vec<SnippetPart>,
}

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// Turns what a person typed into an FTS5 query: each word must appear (accents and case do not
/// matter), the last one as a prefix so that results come while typing. Operators and quotes
/// typed by the user are treated as plain text. `None` when there is no word to look for.
pub fn fts_query(typed: &str) -> Option<String> {
    let words: Vec<String> =
        typed.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| format!("\"{w}\"")).collect();
    if words.is_empty() {
        return None;
    }
    let mut query = words.join(" ");
    query.push('*');
    Some(query)
}

pub fn search(
    conn: &Connection,
    typed: &str,
    kind: Option<Kind>,
    territory: Option<RecordId>,
    limit: u32,
) -> Result<Vec<SearchHit>> {
    let Some(query) = fts_query(typed) else { return Ok(Vec::new()) };
    // Rank first on the index alone, then fetch snippets for the few rows kept: snippets are
    // the costly part and only the top of the list needs them.
    let mut stmt = conn.prepare_cached(
        "WITH top AS (
            SELECT f.rowid AS seq, bm25(record_fts, 4.0, 1.0) AS score
            FROM record_fts f JOIN record r ON r.seq = f.rowid
            WHERE record_fts MATCH ?1
              AND (?2 IS NULL OR r.kind = ?2) AND (?3 IS NULL OR r.territory_id = ?3)
            ORDER BY score LIMIT ?4
         )
         SELECT r.id, r.kind, r.territory_id, r.title, r.date,
                snippet(record_fts, 1, char(57344), char(57345), '…', 14)
         FROM top JOIN record_fts ON record_fts.rowid = top.seq JOIN record r ON r.seq = top.seq
         WHERE record_fts MATCH ?1
         ORDER BY top.score",
    )?;
    let rows = stmt.query_map(
        params![query, kind.map(|k| k.as_str()), territory.map(|t| t.to_string()), limit.max(1)],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
            ))
        },
    )?;
    let mut hits = Vec::new();
    for row in rows {
        let (id, kind, territory, title, date, snippet) = row?;
        hits.push(SearchHit {
            id: RecordId::parse(&id)?,
            kind: kind.parse()?,
            territory_id: territory.map(|t| RecordId::parse(&t)).transpose()?,
            title,
            date,
            snippet: split_snippet(&snippet),
        });
    }
    Ok(hits)
}

fn split_snippet(marked: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut hit = false;
    for c in marked.chars() {
        if c == OPEN || c == CLOSE {
            if !current.is_empty() {
                parts.push(SnippetPart { text: std::mem::take(&mut current), hit });
            }
            hit = c == OPEN;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        parts.push(SnippetPart { text: current, hit });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_typed_by_a_user_are_plain_words() {
        assert_eq!(fts_query("élèves OR \"école"), Some("\"élèves\" \"OR\" \"école\"*".into()));
        assert_eq!(fts_query("  -- "), None);
    }

    #[test]
    fn snippet_markers_become_parts() {
        let parts = split_snippet("les \u{E000}élèves\u{E001} du quartier");
        assert_eq!(parts.len(), 3);
        assert!(parts[1].hit && parts[1].text == "élèves");
    }
}
