//! The national tables: every live record of headquarters' store as one table per kind, written
//! as an XLSX workbook ([`xlsx`]) or as CSV files ([`csv`]) for French spreadsheets.
//!
//! The tables are defined once ([`sheets`]: columns, French headers, what each means) and read
//! from one snapshot of the store, row by row, so that a national store of a million records is
//! written in constant memory. Both writers show the same cells.
//!
//! *Pseudonymised by default* ([`Mode::Pseudonymised`]): a person appears by the stable
//! pseudonym only (no name, role or contact); free text — answers, notes, an interview's title
//! and place, comments, the agenda, the contacts of a practice sheet — is left out, column and
//! all; a verbatim's text is kept, and a coded passage appears at all, only when its interview's
//! consent and the consent of every person it is attributed to are given
//! (`privacy::exportable_passages`). The facilitators' names are left out too.
//! [`Mode::Identified`] keeps the rest and says so on the "Lisez-moi" sheet; it leaves out the
//! passages without consent as well.

mod context;
pub mod csv;
mod readme;
mod sheets;
mod sheets_plan;
pub mod xlsx;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::domain::RecordId;
use crate::error::{Error, Result};

pub use context::{Context, TerritoryFacts};
pub use readme::About;
pub use sheets::SHEETS;

/// Whether the tables may name people and carry free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Pseudonymised,
    Identified,
}

/// One cell, typed: a spreadsheet sees numbers and dates, not text that looks like them.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
    /// UTC.
    DateTime(NaiveDateTime),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    pub fn opt_text(s: Option<&str>) -> Cell {
        s.map(Cell::text).unwrap_or(Cell::Empty)
    }

    pub fn number(n: impl Into<f64>) -> Cell {
        Cell::Number(n.into())
    }

    pub fn opt_number(n: Option<f64>) -> Cell {
        n.map(Cell::Number).unwrap_or(Cell::Empty)
    }

    /// A day `YYYY-MM-DD` (anything else stays as it was written, as text).
    pub fn date(day: &str) -> Cell {
        match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
            Ok(d) => Cell::Date(d),
            Err(_) => Cell::text(day),
        }
    }

    pub fn opt_date(day: Option<&str>) -> Cell {
        day.filter(|d| !d.is_empty()).map(Cell::date).unwrap_or(Cell::Empty)
    }

    /// An RFC 3339 time, as UTC.
    pub fn datetime(at: &str) -> Cell {
        match chrono::DateTime::parse_from_rfc3339(at) {
            Ok(t) => Cell::DateTime(t.naive_utc()),
            Err(_) => Cell::text(at),
        }
    }

    pub fn id(id: RecordId) -> Cell {
        Cell::Text(id.to_string())
    }

    pub fn opt_id(id: Option<RecordId>) -> Cell {
        id.map(Cell::id).unwrap_or(Cell::Empty)
    }

    pub fn yes_no(b: bool) -> Cell {
        Cell::Text(if b { "Oui" } else { "Non" }.into())
    }
}

/// A column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The French header.
    pub header: &'static str,
    /// What it holds, for the "Lisez-moi" sheet.
    pub meaning: &'static str,
    /// Names a person or holds free text: only in an identified export.
    pub identified_only: bool,
}

impl Column {
    pub fn shown(&self, mode: Mode) -> bool {
        mode == Mode::Identified || !self.identified_only
    }
}

/// A table: a sheet of the workbook, a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sheet {
    pub id: SheetId,
    /// The sheet's name (at most 31 characters, Excel's limit).
    pub name: &'static str,
    /// The CSV file's name.
    pub file: &'static str,
    /// One row is…
    pub row_is: &'static str,
    pub columns: &'static [Column],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SheetId {
    Territories,
    Organisations,
    Persons,
    Links,
    Interviews,
    Passages,
    Workshops,
    Decisions,
    Actions,
    Indicators,
    Measurements,
    Practices,
}

/// Rows of a sheet, as many as it has: the full width of [`Sheet::columns`], the writer keeps
/// the columns the mode shows.
pub fn rows(
    ctx: &Context,
    conn: &rusqlite::Connection,
    sheet: &Sheet,
    emit: &mut dyn FnMut(&[Cell]) -> Result<()>,
) -> Result<()> {
    let mut row: Vec<Cell> = Vec::with_capacity(sheet.columns.len());
    let mut out = |cells: &mut Vec<Cell>| -> Result<()> {
        debug_assert_eq!(cells.len(), sheet.columns.len(), "{}: one cell per column", sheet.name);
        emit(cells)?;
        cells.clear();
        Ok(())
    };
    match sheet.id {
        SheetId::Territories
        | SheetId::Organisations
        | SheetId::Persons
        | SheetId::Links
        | SheetId::Interviews
        | SheetId::Passages => sheets::rows(ctx, conn, sheet.id, &mut row, &mut out),
        _ => sheets_plan::rows(ctx, conn, sheet.id, &mut row, &mut out),
    }
}

/// Excel's limit on the characters of one cell (counted in UTF-16 units, as Excel does).
pub const CELL_LIMIT: usize = 32_767;

/// What ends a text cut at the cell limit.
pub const CUT_MARKER: &str = " […] [texte coupé : une cellule contient au plus 32 767 caractères]";

/// `text` cut at Excel's cell limit with [`CUT_MARKER`], or `None` when it fits.
pub fn cut(text: &str) -> Option<String> {
    if text.len() <= CELL_LIMIT && text.encode_utf16().count() <= CELL_LIMIT {
        return None;
    }
    let room = CELL_LIMIT - CUT_MARKER.encode_utf16().count();
    let mut units = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if units + c.len_utf16() > room {
            break;
        }
        units += c.len_utf16();
        end = i + c.len_utf8();
    }
    Some(format!("{}{CUT_MARKER}", &text[..end]))
}

/// Rows written per sheet, and cells cut.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Written {
    /// The files written (one workbook, or one CSV file per table and the read-me).
    pub files: Vec<String>,
    /// Rows per table (the header not counted), in the tables' order.
    pub rows: Vec<(String, u32)>,
    /// Texts cut at the cell limit.
    pub cut_cells: u32,
    pub bytes: u64,
}

/// A file written under a temporary name beside `out`, then renamed: `out` never holds half a
/// file. The temporary file is 0600 and removed when writing fails.
pub(crate) fn write_atomically(out: &Path, write: impl FnOnce(std::fs::File) -> Result<()>) -> Result<u64> {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp: PathBuf = out.with_file_name(format!(".{name}.{}.partiel", uuid::Uuid::now_v7().simple()));
    // Errors name `out`, the file the person chose, never the temporary name.
    let file = crate::store::files::create_new_private(&temp).map_err(|e| Error::io(out, e))?;
    let result = write(file).and_then(|()| {
        let file = std::fs::File::open(&temp).map_err(|e| Error::io(out, e))?;
        file.sync_all().map_err(|e| Error::io(out, e))?;
        let bytes = file.metadata().map_err(|e| Error::io(out, e))?.len();
        std::fs::rename(&temp, out).map_err(|e| Error::io(out, e))?;
        Ok(bytes)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_over_the_cell_limit_is_cut_with_the_marker_within_the_limit() {
        assert_eq!(cut("court"), None);
        let long = "é".repeat(40_000);
        let c = cut(&long).unwrap();
        assert!(c.ends_with(CUT_MARKER));
        assert!(c.encode_utf16().count() <= CELL_LIMIT);
        // Characters outside the BMP count twice, as in Excel.
        let emoji = "😀".repeat(20_000);
        let c = cut(&emoji).unwrap();
        assert!(c.encode_utf16().count() <= CELL_LIMIT, "{}", c.encode_utf16().count());
    }

    #[test]
    fn every_sheet_name_fits_excel_and_every_table_has_distinct_headers() {
        for s in SHEETS {
            assert!(s.name.chars().count() <= 31, "{}", s.name);
            let mut headers: Vec<&str> = s.columns.iter().map(|c| c.header).collect();
            headers.sort();
            headers.dedup();
            assert_eq!(headers.len(), s.columns.len(), "{}", s.name);
        }
    }
}
