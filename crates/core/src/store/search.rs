//! Full-text search over live records (SQLite FTS5, accents and case folded).

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::domain::text::fold;
use crate::domain::{Kind, RecordId};
use crate::error::Result;

/// One piece of a snippet: `hit` pieces are the words that matched.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub id: RecordId,
    pub kind: Kind,
    pub territory_id: Option<RecordId>,
    pub title: String,
    pub date: Option<String>,
    pub snippet: Vec<SnippetPart>,
}

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

/// Merges the index's segments into one: searches after a bulk load (a demo, an import of many
/// records) are then ~40 % faster. About a second for 100 000 records.
pub fn optimize(conn: &Connection) -> Result<()> {
    conn.execute("INSERT INTO record_fts (record_fts) VALUES ('optimize')", [])?;
    Ok(())
}

/// For a very common word, ranking every match would cost time proportional to the whole
/// store; the ranking then considers only this many most recent matches (rowids grow with time).
pub const RANKING_WINDOW: u32 = 600;

pub fn search(
    conn: &Connection,
    typed: &str,
    kind: Option<Kind>,
    territory: Option<RecordId>,
    limit: u32,
) -> Result<Vec<SearchHit>> {
    let Some(query) = fts_query(typed) else { return Ok(Vec::new()) };
    let kind = kind.map(|k| k.as_str());
    let territory = territory.map(|t| t.to_string());
    // Joining the records is only needed to filter; without a filter the index answers alone.
    let filtered = kind.is_some() || territory.is_some();
    let (from, filter) = if filtered {
        (
            "record_fts f JOIN record r ON r.seq = f.rowid",
            // The library (headquarters' published practices, in no territory) answers a
            // territory's search too: it is there to inspire every territory.
            "AND (?2 IS NULL OR r.kind = ?2) AND (?3 IS NULL OR r.territory_id = ?3 OR r.kind = 'library_sheet')",
        )
    } else {
        ("record_fts f", "AND ?2 IS NULL AND ?3 IS NULL")
    };
    // One walk of the index, newest match first, stopping at the window, each match scored on
    // the way: the matches of the query are found once (a prefix's words are gathered from
    // every segment, most of a query's cost), then the best few are kept here.
    let mut scored: Vec<(i64, f64)> = conn
        .prepare_cached(&format!(
            "SELECT f.rowid, bm25(record_fts, 4.0, 1.0) FROM {from}
             WHERE record_fts MATCH ?1 {filter} ORDER BY f.rowid DESC LIMIT ?4"
        ))?
        .query_map(params![query, kind, territory, RANKING_WINDOW], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // Best score first (bm25: lower is better); equal scores, the newest first.
    scored.sort_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
    scored.truncate(limit.max(1) as usize);
    // Snippets are built in Rust for the few rows kept: FTS5's own snippet() re-runs the
    // (prefix) query per row and cost ten times the ranking.
    let mut stmt =
        conn.prepare_cached("SELECT id, kind, territory_id, title, date, data FROM record WHERE seq = ?1")?;
    let terms = Terms::new(typed);
    let mut hits = Vec::with_capacity(scored.len());
    for (seq, _) in scored {
        let row = stmt
            .query_row([seq], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .optional()?;
        let Some((id, kind, territory, title, date, data)) = row else { continue };
        // The index keeps no copy of the text (deleted means gone): the snippet's text is
        // derived again from the record, as the index derived it.
        let body = crate::domain::text::searchable_text(&serde_json::from_str(&data)?);
        hits.push(SearchHit {
            id: RecordId::parse(&id)?,
            kind: kind.parse()?,
            territory_id: territory.map(|t| RecordId::parse(&t)).transpose()?,
            snippet: terms.snippet(&body, 14),
            title,
            date,
        });
    }
    Ok(hits)
}

/// The words searched for, folded as the index folds them; the last one also matches as a prefix.
struct Terms {
    words: Vec<String>,
}

impl Terms {
    fn new(typed: &str) -> Self {
        Terms { words: typed.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(fold).collect() }
    }

    fn matches(&self, token: &str) -> bool {
        let folded = fold(token);
        let last = self.words.len().saturating_sub(1);
        self.words.iter().enumerate().any(|(i, w)| folded == *w || (i == last && folded.starts_with(w.as_str())))
    }

    /// About `width` words of `text` around its first match, matched words marked.
    fn snippet(&self, text: &str, width: usize) -> Vec<SnippetPart> {
        let tokens: Vec<(usize, usize)> = word_spans(text);
        let first = tokens.iter().position(|&(s, e)| self.matches(&text[s..e])).unwrap_or(0);
        let from = first.saturating_sub(width / 3);
        let to = (from + width).min(tokens.len());
        let mut parts = Vec::new();
        if tokens.is_empty() {
            return parts;
        }
        let mut plain = String::new();
        if from > 0 {
            plain.push('…');
        }
        let mut cursor = tokens[from].0;
        for &(s, e) in &tokens[from..to] {
            plain.push_str(&text[cursor..s]);
            if self.matches(&text[s..e]) {
                if !plain.is_empty() {
                    parts.push(SnippetPart { text: std::mem::take(&mut plain), hit: false });
                }
                parts.push(SnippetPart { text: text[s..e].to_string(), hit: true });
            } else {
                plain.push_str(&text[s..e]);
            }
            cursor = e;
        }
        if to < tokens.len() {
            plain.push('…');
        }
        if !plain.is_empty() {
            parts.push(SnippetPart { text: plain, hit: false });
        }
        for part in &mut parts {
            if !part.hit {
                part.text = part.text.replace('\n', " ");
            }
        }
        parts
    }
}

/// Byte spans of the words of `text`, as the index's tokenizer splits them (letters and digits).
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
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
    fn a_snippet_marks_the_words_found_accents_or_not() {
        let terms = Terms::new("eleves coop");
        let parts = terms.snippet("Au collège, les élèves parlent de coopération.", 14);
        let hits: Vec<&str> = parts.iter().filter(|p| p.hit).map(|p| p.text.as_str()).collect();
        assert_eq!(hits, ["élèves", "coopération"]);
        let text: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(text, "Au collège, les élèves parlent de coopération");
    }

    #[test]
    fn a_long_text_is_cut_around_the_first_match() {
        let long = format!("{} cible {}", "avant ".repeat(50), "après ".repeat(50));
        let parts = Terms::new("cible").snippet(&long, 10);
        let text: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert!(text.starts_with('…') && text.ends_with('…') && text.contains("cible"), "{text}");
    }
}
