//! The national tables as one XLSX workbook: "Lisez-moi" first, then one sheet per table with
//! French headers, a frozen header row and filters, typed cells (numbers, dates, date-times).
//!
//! Each table's sheet is written in `rust_xlsxwriter`'s constant-memory mode: a row goes to a
//! temporary file (in the output's folder, owner-only) as soon as it is complete, so memory does
//! not grow with the store. A table longer than Excel's 1,048,576 rows goes on in a sheet
//! "Nom (2)".

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{cut, readme, rows, About, Cell, Context, Written, SHEETS};
use crate::error::{Error, Result};

/// Excel's last row index (0-based): 1,048,576 rows in all.
const MAX_ROW: u32 = 1_048_575;

struct Formats {
    header: Format,
    date: Format,
    datetime: Format,
    wrap: Format,
}

fn xlsx_error(out: &Path, e: XlsxError) -> Error {
    match e {
        XlsxError::IoError(io) => Error::io(out, io),
        // Any other refusal of the writer is a defect of the tables, never the data's text.
        _ => Error::io(out, std::io::Error::other("écriture du classeur impossible")),
    }
}

/// Writes the workbook to `out` (through a temporary file renamed at the end, mode 0600).
pub fn write(conn: &rusqlite::Connection, ctx: &Context, about: &About, out: &Path) -> Result<Written> {
    let mut written = Written::default();
    let bytes = super::write_atomically(out, |file| {
        let mut workbook = Workbook::new();
        let folder = crate::store::files::parent_dir(out);
        workbook.set_tempdir(&folder).map_err(|e| xlsx_error(out, e))?;
        build(&mut workbook, conn, ctx, about, &mut written).map_err(|e| match e {
            Built::Xlsx(e) => xlsx_error(out, e),
            Built::Core(e) => e,
        })?;
        workbook.save_to_writer(std::io::BufWriter::new(file)).map_err(|e| xlsx_error(out, e))
    })?;
    written.files = vec![out.display().to_string()];
    written.bytes = bytes;
    Ok(written)
}

enum Built {
    Xlsx(XlsxError),
    Core(Error),
}

impl From<XlsxError> for Built {
    fn from(e: XlsxError) -> Self {
        Built::Xlsx(e)
    }
}

impl From<Error> for Built {
    fn from(e: Error) -> Self {
        Built::Core(e)
    }
}

fn build(
    workbook: &mut Workbook,
    conn: &rusqlite::Connection,
    ctx: &Context,
    about: &About,
    written: &mut Written,
) -> std::result::Result<(), Built> {
    let formats = Formats {
        header: Format::new().set_bold().set_border_bottom(FormatBorder::Thin).set_background_color("#E8EEF7"),
        date: Format::new().set_num_format("dd/mm/yyyy"),
        datetime: Format::new().set_num_format("dd/mm/yyyy hh:mm"),
        wrap: Format::new().set_text_wrap(),
    };
    let mode = ctx.mode;

    // Lisez-moi: a small sheet, written in the ordinary mode.
    let sheet = workbook.add_worksheet();
    sheet.set_name("Lisez-moi")?;
    for (c, width) in [28.0, 40.0, 100.0, 38.0, 16.0, 36.0, 12.0, 24.0].iter().enumerate() {
        sheet.set_column_width(c as u16, *width)?;
    }
    for (r, cells) in readme::rows(about, mode).iter().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            let wrap = c == 2;
            put(sheet, r as u32, c as u16, cell, &formats, wrap, &mut written.cut_cells)?;
        }
    }
    sheet.set_row_format(0, &formats.header)?;

    for table in SHEETS {
        let columns: Vec<usize> =
            table.columns.iter().enumerate().filter(|(_, c)| c.shown(mode)).map(|(i, _)| i).collect();
        let mut part = 1;
        let mut index = start_sheet(workbook, table, part, &columns, &formats)?;
        let mut row: u32 = 0;
        let mut count: u32 = 0;
        let mut cut_cells = 0;
        let mut failed: Option<XlsxError> = None;
        rows(ctx, conn, table, &mut |cells: &[Cell]| {
            if row == MAX_ROW {
                end_sheet(workbook.worksheet_from_index(index).map_err(|e| keep(&mut failed, e))?, row, &columns)
                    .map_err(|e| keep(&mut failed, e))?;
                part += 1;
                index = start_sheet(workbook, table, part, &columns, &formats).map_err(|e| keep(&mut failed, e))?;
                row = 0;
            }
            row += 1;
            count += 1;
            let sheet = workbook.worksheet_from_index(index).map_err(|e| keep(&mut failed, e))?;
            for (c, i) in columns.iter().enumerate() {
                put(sheet, row, c as u16, &cells[*i], &formats, false, &mut cut_cells)
                    .map_err(|e| keep(&mut failed, e))?;
            }
            Ok(())
        })
        .map_err(|e| failed.take().map(Built::Xlsx).unwrap_or(Built::Core(e)))?;
        end_sheet(workbook.worksheet_from_index(index)?, row, &columns)?;
        written.cut_cells += cut_cells;
        written.rows.push((table.name.to_string(), count));
    }
    Ok(())
}

/// Keeps the writer's error aside (the row callback speaks the core's errors).
fn keep(slot: &mut Option<XlsxError>, e: XlsxError) -> Error {
    *slot = Some(e);
    Error::io("", std::io::Error::other("classeur"))
}

/// A new sheet for `table` (its `part`-th), headers written; returns its index in the workbook.
fn start_sheet(
    workbook: &mut Workbook,
    table: &super::Sheet,
    part: u32,
    columns: &[usize],
    formats: &Formats,
) -> std::result::Result<usize, XlsxError> {
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    let name = if part == 1 { table.name.to_string() } else { format!("{} ({part})", table.name) };
    sheet.set_name(name)?;
    for (c, i) in columns.iter().enumerate() {
        let header = table.columns[*i].header;
        let width = (header.chars().count() as f64 + 4.0).clamp(12.0, 40.0);
        sheet.set_column_width(c as u16, width)?;
        sheet.write_string_with_format(0, c as u16, header, &formats.header)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(workbook.worksheets().len() - 1)
}

fn end_sheet(sheet: &mut Worksheet, last_row: u32, columns: &[usize]) -> std::result::Result<(), XlsxError> {
    if !columns.is_empty() {
        sheet.autofilter(0, 0, last_row, columns.len() as u16 - 1)?;
    }
    Ok(())
}

fn put(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    formats: &Formats,
    wrap: bool,
    cut_cells: &mut u32,
) -> std::result::Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(text) => {
            let text = match cut(text) {
                Some(short) => {
                    *cut_cells += 1;
                    std::borrow::Cow::Owned(short)
                }
                None => std::borrow::Cow::Borrowed(text.as_str()),
            };
            if wrap {
                sheet.write_string_with_format(row, col, text, &formats.wrap)?;
            } else {
                sheet.write_string(row, col, text)?;
            }
        }
        Cell::Number(n) => {
            sheet.write_number(row, col, *n)?;
        }
        Cell::Date(d) => {
            use chrono::Datelike;
            let day = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            sheet.write_datetime_with_format(row, col, &day, &formats.date)?;
        }
        Cell::DateTime(t) => {
            use chrono::{Datelike, Timelike};
            let at = ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day() as u8)?.and_hms(
                t.hour() as u16,
                t.minute() as u8,
                t.second() as f64,
            )?;
            sheet.write_datetime_with_format(row, col, &at, &formats.datetime)?;
        }
    }
    Ok(())
}
