//! The national tables as CSV files, one per table plus `lisez-moi.csv`, as French spreadsheets
//! read them: UTF-8 with a byte-order mark, `;` between cells, CRLF line ends, a decimal comma,
//! dates as `AAAA-MM-JJ` (and `AAAA-MM-JJ hh:mm:ss` in UTC). A text that a spreadsheet would take
//! for a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is preceded by an
//! apostrophe, so that it stays text. The cells are those of the workbook (texts cut at the same
//! limit), so that both say the same.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{cut, readme, rows, About, Cell, Context, Written, SHEETS};
use crate::error::{Error, Result};

/// The byte-order mark French Excel needs to read UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The read-me's file name.
pub const README: &str = "lisez-moi.csv";

/// The files a CSV export writes in its folder.
pub fn file_names() -> Vec<&'static str> {
    std::iter::once(README).chain(SHEETS.iter().map(|s| s.file)).collect()
}

/// A cell as text.
pub fn field(cell: &Cell, cut_cells: &mut u32) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(text) => {
            let text = match cut(text) {
                Some(short) => {
                    *cut_cells += 1;
                    short
                }
                None => text.clone(),
            };
            neutralise(text)
        }
        Cell::Number(n) => decimal_comma(*n),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

/// A text a spreadsheet would run as a formula gets an apostrophe in front.
pub fn neutralise(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

/// `12,5`, `-3`, `1000000`: no thousands separator, a comma before the decimals.
pub fn decimal_comma(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}").replace('.', ",")
    }
}

fn writer(file: std::fs::File, flexible: bool) -> std::io::Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    let mut out = std::io::BufWriter::new(file);
    out.write_all(BOM)?;
    Ok(csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).flexible(flexible).from_writer(out))
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(path, io),
        _ => Error::io(path, std::io::Error::other("écriture CSV impossible")),
    }
}

fn finish(path: &Path, w: csv::Writer<std::io::BufWriter<std::fs::File>>) -> Result<()> {
    let inner = w.into_inner().map_err(|e| Error::io(path, std::io::Error::other(e.to_string())))?;
    inner.into_inner().map_err(|e| Error::io(path, e.into_error()))?;
    Ok(())
}

/// Writes every table into `dir` (which exists), each file through a temporary one renamed at
/// the end, mode 0600.
pub fn write(conn: &rusqlite::Connection, ctx: &Context, about: &About, dir: &Path) -> Result<Written> {
    let mut written = Written::default();
    let path: PathBuf = dir.join(README);
    let mut cut_cells = 0;
    written.bytes += super::write_atomically(&path, |file| {
        let mut w = writer(file, true).map_err(|e| Error::io(&path, e))?;
        for cells in readme::rows(about, ctx.mode) {
            let fields: Vec<String> = cells.iter().map(|c| field(c, &mut cut_cells)).collect();
            w.write_record(&fields).map_err(|e| csv_error(&path, e))?;
        }
        finish(&path, w)
    })?;
    written.files.push(path.display().to_string());
    for table in SHEETS {
        let path = dir.join(table.file);
        let mut count = 0u32;
        written.bytes += super::write_atomically(&path, |file| {
            let mut w = writer(file, false).map_err(|e| Error::io(&path, e))?;
            let shown: Vec<usize> =
                table.columns.iter().enumerate().filter(|(_, c)| c.shown(ctx.mode)).map(|(i, _)| i).collect();
            w.write_record(shown.iter().map(|i| table.columns[*i].header)).map_err(|e| csv_error(&path, e))?;
            let mut fields: Vec<String> = Vec::with_capacity(shown.len());
            rows(ctx, conn, table, &mut |cells: &[Cell]| {
                fields.clear();
                fields.extend(shown.iter().map(|i| field(&cells[*i], &mut cut_cells)));
                count += 1;
                w.write_record(&fields).map_err(|e| csv_error(&path, e))
            })?;
            finish(&path, w)
        })?;
        written.files.push(path.display().to_string());
        written.rows.push((table.name.to_string(), count));
    }
    written.cut_cells = cut_cells;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_take_a_decimal_comma_and_formulas_stay_text() {
        assert_eq!(decimal_comma(12.5), "12,5");
        assert_eq!(decimal_comma(-3.0), "-3");
        assert_eq!(decimal_comma(1_000_000.0), "1000000");
        assert_eq!(decimal_comma(0.1), "0,1");
        for risky in ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx"] {
            assert!(neutralise(risky.into()).starts_with('\''), "{risky}");
        }
        assert_eq!(neutralise("Réunion".into()), "Réunion");
    }
}
