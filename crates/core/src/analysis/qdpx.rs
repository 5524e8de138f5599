//! A territory's interviews and their coding as a REFI-QDA project (QDA-XML 1.0, `.qdpx`), for
//! QualCoder, MAXQDA, ATLAS.ti or NVivo: a zip holding `project.qde` (valid against the
//! standard's `Project.xsd`) and `sources/<guid>.txt`.
//!
//! * the grid (the codebook's themes, in its order) is the `CodeBook`, sub-themes inside their
//!   theme, each code's GUID its theme's id;
//! * each interview is a `TextSource` (GUID: its id) named « Entretien n° N du JJ/MM/AAAA »
//!   (never its title, which may name someone), described by the actor categories it speaks for;
//! * each tagged passage is a `PlainTextSelection` coded with its themes; positions count
//!   Unicode characters from 0, the end excluded (as QualCoder reads them).
//!
//! *Decision — consent: the source text is made of the passages that may leave, nothing else.*
//! Only `privacy::exportable_passages` decides what leaves; an interview's answers and notes
//! hold the words of everyone interviewed, including the passages held back, so they are not
//! exported. Each passage that may leave is a paragraph of the source (after a line naming its
//! question's code), whether tagged or only a verbatim; an interview none of whose passages may
//! leave is not in the project at all. GUIDs of selections and codings are derived from the
//! interview's id and the passage's rank (UUID v8): the same records give the same project.

use std::fmt::Write as _;
use std::io::Write as _;

use sha2::{Digest, Sha256};

use super::themes::Speakers;
use super::xml::escape;
use crate::domain::kinds::{Interview, Theme};
use crate::domain::RecordId;

/// What a project holds, for the report of an export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QdpxSummary {
    pub sources: u32,
    pub passages: u32,
    pub selections: u32,
    /// Passages (tagged or verbatims) consent kept out.
    pub withheld: u32,
}

/// A GUID derived from `parts`, stable for the same parts.
fn guid(parts: &str) -> uuid::Uuid {
    let digest = Sha256::digest(format!("maillage:qdpx:{parts}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// `2026-11-22` → `22/11/2026`.
fn french_date(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

/// One interview's source: its text and its selections `(start, end, passage text, theme ids)`.
struct Source {
    id: RecordId,
    name: String,
    description: String,
    text: String,
    selections: Vec<(usize, usize, usize, Vec<RecordId>)>,
}

/// The `project.qde` and the source texts of a project named `name`, created at `created_at`
/// (RFC 3339). `themes` is the codebook in its order (theme, depth 0 or 1); `interviews` by date.
pub fn project(
    name: &str,
    created_at: &str,
    themes: &[(RecordId, Theme, u32)],
    interviews: &[(RecordId, Interview)],
    speakers: &Speakers,
) -> (String, Vec<(String, String)>, QdpxSummary) {
    let known: std::collections::HashSet<RecordId> = themes.iter().map(|t| t.0).collect();
    let mut summary = QdpxSummary::default();
    let mut sources = Vec::new();
    for (n, (id, iv)) in interviews.iter().enumerate() {
        let leaving = crate::privacy::exportable_passages(iv, &|p| speakers.consent_of(p));
        summary.withheld += (iv.passages.len() - leaving.len()) as u32;
        if leaving.is_empty() {
            continue;
        }
        let categories: Vec<&str> = speakers.interview_categories(iv).into_iter().map(|c| c.label()).collect();
        let mut source = Source {
            id: *id,
            name: format!("Entretien n° {} du {}", n + 1, french_date(&iv.date)),
            description: if categories.is_empty() {
                String::new()
            } else {
                format!("Catégories d'acteurs : {}", categories.join(", "))
            },
            text: String::new(),
            selections: Vec::new(),
        };
        let mut at = 0usize;
        for (index, passage) in leaving {
            let head = format!("[{}]\n", passage.source);
            let start = at + head.chars().count();
            let len = passage.text.chars().count();
            source.text.push_str(&head);
            source.text.push_str(&passage.text);
            source.text.push_str("\n\n");
            at = start + len + 2;
            summary.passages += 1;
            let codes: Vec<RecordId> = passage.theme_ids.iter().copied().filter(|t| known.contains(t)).collect();
            if !codes.is_empty() {
                source.selections.push((start, start + len, index, codes));
            }
        }
        summary.selections += source.selections.len() as u32;
        sources.push(source);
    }
    summary.sources = sources.len() as u32;

    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"{}\" origin=\"Maillage\" creationDateTime=\"{}\">",
        escape(name),
        escape(created_at)
    );
    if !themes.is_empty() {
        x.push_str("  <CodeBook>\n    <Codes>\n");
        let mut open = false;
        for (id, theme, depth) in themes {
            if *depth == 0 && open {
                x.push_str("      </Code>\n");
            }
            let indent = if *depth == 0 { "      " } else { "        " };
            let _ = write!(x, "{indent}<Code guid=\"{id}\" name=\"{}\" isCodable=\"true\">", escape(&theme.label));
            if !theme.description.is_empty() {
                let _ = write!(x, "<Description>{}</Description>", escape(&theme.description));
            }
            if *depth == 0 {
                x.push('\n');
                open = true;
            } else {
                x.push_str("</Code>\n");
            }
        }
        if open {
            x.push_str("      </Code>\n");
        }
        x.push_str("    </Codes>\n  </CodeBook>\n");
    }
    let mut files = Vec::new();
    if !sources.is_empty() {
        x.push_str("  <Sources>\n");
        for s in &sources {
            let _ = writeln!(
                x,
                "    <TextSource guid=\"{}\" name=\"{}\" plainTextPath=\"internal://{}.txt\" creationDateTime=\"{}\">",
                s.id,
                escape(&s.name),
                s.id,
                escape(created_at)
            );
            if !s.description.is_empty() {
                let _ = writeln!(x, "      <Description>{}</Description>", escape(&s.description));
            }
            for (start, end, index, codes) in &s.selections {
                let _ = writeln!(
                    x,
                    "      <PlainTextSelection guid=\"{}\" startPosition=\"{start}\" endPosition=\"{end}\">",
                    guid(&format!("{}:{index}", s.id))
                );
                for code in codes {
                    let _ = writeln!(
                        x,
                        "        <Coding guid=\"{}\"><CodeRef targetGUID=\"{code}\"/></Coding>",
                        guid(&format!("{}:{index}:{code}", s.id))
                    );
                }
                x.push_str("      </PlainTextSelection>\n");
            }
            x.push_str("    </TextSource>\n");
            files.push((format!("sources/{}.txt", s.id), s.text.clone()));
        }
        x.push_str("  </Sources>\n");
    }
    x.push_str("</Project>\n");
    (x, files, summary)
}

/// The `.qdpx` file itself: `project.qde` and the sources, deflated.
pub fn zip(project_qde: &str, sources: &[(String, String)]) -> std::io::Result<Vec<u8>> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let io = |e: zip::result::ZipError| std::io::Error::other(e.to_string());
    w.start_file("project.qde", options).map_err(io)?;
    w.write_all(project_qde.as_bytes())?;
    for (name, text) in sources {
        w.start_file(name.as_str(), options).map_err(io)?;
        w.write_all(text.as_bytes())?;
    }
    Ok(w.finish().map_err(io)?.into_inner())
}
