//! The house style of the documents, on `docx-rs`: real « Titre 1 / Titre 2 » styles (so that
//! Word's and LibreOffice's table of contents find the headings), a body text, tables with a
//! shaded header, pictures, and « page N sur M » in the footer. Every text goes through
//! [`french::typography`] here, once.

use docx_rs::{
    AlignmentType, BreakType, DocumentChild, Docx, FieldCharType, Footer, InstrPAGEREF, InstrText, LineSpacing,
    NumPages, PageMargin, PageNum, Paragraph, Pic, Run, RunFonts, Shading, Style, StyleType, Tab, TabLeaderType,
    TabValueType, Table, TableCell, TableLayoutType, TableRow, WidthType,
};

use super::french;
use super::picture::Png;

/// The body font: metric-compatible fallbacks exist everywhere (Liberation Sans, Arimo).
const FONT: &str = "Arial";
/// Width of the text between the margins, in twentieths of a point (A4, 2 cm margins).
pub const TEXT_WIDTH: usize = 9638;
/// EMUs per twentieth of a point.
const EMU_PER_TWIP: u32 = 635;

/// A document being written, top to bottom.
pub struct Document {
    docx: Docx,
    /// Where the table of contents goes (an index among the body's children), once asked.
    contents_at: Option<usize>,
    /// The headings so far: level, text, bookmark.
    headings: Vec<(usize, String, String)>,
}

impl Document {
    /// A new document with the house styles and the footer « Titre — page N sur M ».
    pub fn new(footer_title: &str) -> Self {
        let fonts = RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT);
        let heading = |id: &str, name: &str, size: usize, before: u32| {
            Style::new(id, StyleType::Paragraph)
                .name(name)
                .based_on("Normal")
                .next("Normal")
                .q_format(true)
                .size(size)
                .bold()
                .color("1B3A5C")
                .fonts(fonts.clone())
                .line_spacing(LineSpacing::new().before(before).after(120))
        };
        // The footer's size and colour are its style's: the page number fields' runs have none.
        let footer = Footer::new().add_paragraph(
            Paragraph::new()
                .style("Footer")
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(french::typography(footer_title)))
                .add_run(Run::new().add_text(" — page "))
                .add_page_num(PageNum::new())
                .add_run(Run::new().add_text(" sur "))
                .add_num_pages(NumPages::new()),
        );
        let toc = |id: &str, name: &str, indent: i32| {
            Style::new(id, StyleType::Paragraph)
                .name(name)
                .based_on("Normal")
                .indent(Some(indent), None, None, None)
                .line_spacing(LineSpacing::new().after(60))
        };
        let docx = Docx::new()
            .default_fonts(fonts.clone())
            .default_size(21)
            .page_margin(PageMargin::new().top(1134).bottom(1134).left(1134).right(1134).footer(567))
            .add_style(
                Style::new("Footer", StyleType::Paragraph).name("footer").based_on("Normal").size(16).color("5D6D7E"),
            )
            .add_style(toc("TOC1", "toc 1", 0).bold())
            .add_style(toc("TOC2", "toc 2", 340))
            .add_style(heading("Heading1", "heading 1", 32, 360).outline_lvl(0))
            .add_style(heading("Heading2", "heading 2", 26, 240).outline_lvl(1))
            .add_style(
                Style::new("Title", StyleType::Paragraph)
                    .name("Title")
                    .based_on("Normal")
                    .q_format(true)
                    .size(56)
                    .bold()
                    .color("1B3A5C")
                    .fonts(fonts.clone()),
            )
            .add_style(
                Style::new("Quote", StyleType::Paragraph)
                    .name("Quote")
                    .based_on("Normal")
                    .q_format(true)
                    .italic()
                    .color("34495E")
                    .indent(Some(567), None, Some(0), None),
            )
            .footer(footer);
        Document { docx, contents_at: None, headings: Vec::new() }
    }

    fn push(&mut self, p: Paragraph) {
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_paragraph(p);
    }

    /// The cover page: the title, the lines below it, then a page break.
    pub fn cover(&mut self, kind: &str, title: &str, lines: &[String]) {
        self.push(
            Paragraph::new()
                .line_spacing(LineSpacing::new().before(2400))
                .add_run(Run::new().size(28).color("5D6D7E").add_text(french::typography(kind))),
        );
        self.push(Paragraph::new().style("Title").add_run(Run::new().add_text(french::typography(title))));
        for line in lines {
            self.push(Paragraph::new().add_run(Run::new().size(24).add_text(french::typography(line))));
        }
        self.push(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
    }

    /// The table of contents goes here: the Heading 1 and 2 titles with their pages, filled
    /// when the document is finished (see [`contents_paragraphs`]).
    pub fn contents(&mut self) {
        // Not a heading style: the table does not list itself.
        self.push(
            Paragraph::new()
                .line_spacing(LineSpacing::new().before(360).after(240))
                .add_run(Run::new().bold().size(32).color("1B3A5C").add_text("Sommaire")),
        );
        self.contents_at = Some(self.docx.document.children.len());
        self.push(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
    }

    fn heading(&mut self, level: usize, text: &str) {
        let text = french::typography(text);
        let id = self.headings.len() + 1;
        let key = format!("_Toc{id:08}");
        self.push(
            Paragraph::new()
                .style(&format!("Heading{level}"))
                .keep_next(true)
                .add_bookmark_start(id, &key)
                .add_run(Run::new().add_text(&text))
                .add_bookmark_end(id),
        );
        self.headings.push((level, text, key));
    }

    pub fn heading1(&mut self, text: &str) {
        self.heading(1, text);
    }

    pub fn heading2(&mut self, text: &str) {
        self.heading(2, text);
    }

    /// A paragraph; line breaks typed in the text are kept.
    pub fn paragraph(&mut self, text: &str) {
        self.push(Paragraph::new().style("Normal").add_run(lines(text)));
    }

    /// A paragraph in grey italics: what is absent, what was left out and why.
    pub fn note(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .style("Normal")
                .add_run(Run::new().italic().color("5D6D7E").add_text(french::typography(text))),
        );
    }

    /// « Label : text » with the label in bold; line breaks typed in the text are kept.
    pub fn labelled(&mut self, label: &str, text: &str) {
        self.push(self.labelled_paragraph(label, text));
    }

    /// [`Document::labelled`], kept on the page of what follows (a chart).
    pub fn labelled_above(&mut self, label: &str, text: &str) {
        self.push(self.labelled_paragraph(label, text).keep_next(true));
    }

    fn labelled_paragraph(&self, label: &str, text: &str) -> Paragraph {
        Paragraph::new()
            .style("Normal")
            .add_run(Run::new().bold().add_text(french::typography(&format!("{label} : "))))
            .add_run(lines(text))
    }

    /// A bulleted line (a dash: no numbering definitions to keep in step).
    pub fn bullet(&mut self, text: &str) {
        self.push(
            Paragraph::new()
                .style("Normal")
                .indent(Some(567), Some(docx_rs::SpecialIndentType::Hanging(283)), None, None)
                .add_run(Run::new().add_text(format!("–\t{}", french::typography(text)))),
        );
    }

    /// A verbatim between guillemets, and who said it (a category, never a name).
    pub fn quote(&mut self, text: &str, by: &str) {
        let mut p = Paragraph::new()
            .style("Quote")
            .add_run(Run::new().add_text(french::typography(&format!("« {} »", text.trim()))));
        if !by.is_empty() {
            p = p
                .add_run(Run::new().disable_italic().color("5D6D7E").add_text(french::typography(&format!(" — {by}"))));
        }
        self.push(p);
    }

    /// A table: a shaded header row, then the rows; `widths` in twentieths of a point. Numbers
    /// (cells that parse as one) are right-aligned.
    pub fn table(&mut self, header: &[&str], rows: &[Vec<String>], widths: &[usize]) {
        let cell = |text: &str, head: bool, width: usize| {
            let numeric = !head && looks_numeric(text);
            let mut run = Run::new().size(19).add_text(french::typography(text));
            if head {
                run = run.bold();
            }
            let mut c = TableCell::new().width(width, WidthType::Dxa).add_paragraph(
                Paragraph::new()
                    .line_spacing(LineSpacing::new().before(20).after(20))
                    .align(if numeric { AlignmentType::Right } else { AlignmentType::Left })
                    .add_run(run),
            );
            if head {
                c = c.shading(Shading::new().fill("E8EEF7"));
            }
            c
        };
        let mut table_rows =
            vec![TableRow::new(header.iter().zip(widths).map(|(h, w)| cell(h, true, *w)).collect()).cant_split()];
        for row in rows {
            table_rows
                .push(TableRow::new(row.iter().zip(widths).map(|(t, w)| cell(t, false, *w)).collect()).cant_split());
        }
        let table = Table::new(table_rows)
            .set_grid(widths.to_vec())
            .layout(TableLayoutType::Fixed)
            .width(widths.iter().sum(), WidthType::Dxa);
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_table(table);
        self.push(Paragraph::new());
    }

    /// A picture as wide as `width` (twentieths of a point), centred, with its caption below.
    pub fn picture(&mut self, png: &Png, width: usize, caption: &str) {
        self.push(picture_paragraph(png, width).keep_next(true));
        if !caption.is_empty() {
            self.note(caption);
        }
    }

    /// Two pictures side by side (a table without borders), each with its caption.
    pub fn pictures_side_by_side(&mut self, left: (&Png, &str), right: (&Png, &str)) {
        let half = TEXT_WIDTH / 2;
        let cell = |(png, caption): (&Png, &str)| {
            TableCell::new()
                .width(half, WidthType::Dxa)
                .add_paragraph(picture_paragraph(png, half - 120))
                .add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(Run::new().italic().size(18).color("5D6D7E").add_text(french::typography(caption))),
                )
        };
        let table = Table::without_borders(vec![TableRow::new(vec![cell(left), cell(right)]).cant_split()])
            .set_grid(vec![half, half])
            .layout(TableLayoutType::Fixed)
            .width(half * 2, WidthType::Dxa);
        let docx = std::mem::take(&mut self.docx);
        self.docx = docx.add_table(table);
        self.push(Paragraph::new());
    }

    /// The document as the bytes of a `.docx` file.
    pub fn into_bytes(mut self) -> Result<Vec<u8>, docx_rs::DocxError> {
        if let Some(at) = self.contents_at {
            let entries = contents_paragraphs(&self.headings);
            let children = &mut self.docx.document.children;
            for (i, p) in entries.into_iter().enumerate() {
                children.insert(at + i, DocumentChild::Paragraph(Box::new(p)));
            }
        }
        let mut out = std::io::Cursor::new(Vec::new());
        self.docx.build().pack(&mut out)?;
        Ok(out.into_inner())
    }
}

/// The table of contents: each heading with a PAGEREF to its bookmark (hyperlinked).
/// *Decision — no TOC field around them:* LibreOffice keeps a TOC field's content as it was
/// written (every page « 1 » until the reader updates the index), while it computes each
/// PAGEREF when it lays the pages out; Word updates PAGEREF fields when printing or on F9, and
/// the headings are real « Titre 1 / Titre 2 », so a native table can be inserted anyway.
fn contents_paragraphs(headings: &[(usize, String, String)]) -> Vec<Paragraph> {
    headings
        .iter()
        .map(|(level, text, key)| {
            Paragraph::new()
                .style(&format!("TOC{level}"))
                .add_tab(Tab::new().val(TabValueType::Right).leader(TabLeaderType::Dot).pos(TEXT_WIDTH))
                .add_run(Run::new().add_text(text))
                .add_run(Run::new().add_tab())
                .add_run(
                    Run::new()
                        .add_field_char(FieldCharType::Begin, true)
                        .add_instr_text(InstrText::PAGEREF(InstrPAGEREF::new(key).hyperlink()))
                        .add_field_char(FieldCharType::Separate, false)
                        .add_text("1")
                        .add_field_char(FieldCharType::End, false),
                )
        })
        .collect()
}

/// `text` as one run, its line breaks kept (a paragraph typed in a form has some).
fn lines(text: &str) -> Run {
    let mut run = Run::new();
    for (i, line) in text.trim().split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(french::typography(line.trim_end_matches('\r')));
    }
    run
}

fn picture_paragraph(png: &Png, width: usize) -> Paragraph {
    let w_emu = width as u32 * EMU_PER_TWIP;
    let h_emu = (u64::from(w_emu) * u64::from(png.height) / u64::from(png.width.max(1))) as u32;
    let pic = Pic::new_with_dimensions(png.bytes.clone(), png.width, png.height).size(w_emu, h_emu);
    Paragraph::new().align(AlignmentType::Center).add_run(Run::new().add_image(pic))
}

fn looks_numeric(text: &str) -> bool {
    let text = text.strip_suffix(" pt").unwrap_or(text);
    let t: String = text.chars().filter(|c| !c.is_whitespace() && *c != '%' && *c != '+').collect();
    !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || matches!(c, ',' | '-' | '−' | '→'))
        && t.chars().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn part(docx: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
        let mut text = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn headings_are_word_s_own_styles_listed_in_the_sommaire_and_pages_are_numbered() {
        let mut doc = Document::new("Diagnostic");
        doc.contents();
        doc.heading1("Freins à la coopération");
        doc.heading2("Éléments de langage");
        doc.paragraph("Texte : « mot ».");
        let bytes = doc.into_bytes().unwrap();
        let styles = part(&bytes, "word/styles.xml");
        for (id, name) in [("Heading1", "heading 1"), ("Heading2", "heading 2")] {
            let at = styles.find(&format!(r#"w:styleId="{id}""#)).expect("the heading style is defined");
            assert!(styles[at..].contains(&format!(r#"<w:name w:val="{name}""#)), "Word finds headings by this name");
        }
        let body = part(&bytes, "word/document.xml");
        assert!(body.contains(r#"<w:pStyle w:val="Heading2" />"#));
        let sommaire = body.find("Sommaire").unwrap();
        let entry = body.find("PAGEREF _Toc00000002").expect("the Sommaire points to the second heading");
        let heading = body.find(r#"w:name="_Toc00000002""#).expect("the heading carries its bookmark");
        assert!(sommaire < entry && entry < heading, "the Sommaire comes before the headings it lists");
        assert!(body.contains("Texte\u{a0}: «\u{a0}mot\u{a0}»."), "French typography");
        let footers: String = (1..=3)
            .filter_map(|i| {
                let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).ok()?;
                let mut text = String::new();
                zip.by_name(&format!("word/footer{i}.xml")).ok()?.read_to_string(&mut text).ok()?;
                Some(text)
            })
            .collect();
        assert!(footers.contains(">PAGE<") && footers.contains(">NUMPAGES<"), "page N sur M: {footers}");
    }
}
