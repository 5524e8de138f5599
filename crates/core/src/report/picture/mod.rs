//! The pictures of the reports — the cooperation map and the indicators' charts — drawn as SVG
//! (the same drawing the application shows) and rendered to PNG with `resvg` for the documents.
//!
//! Text is drawn with Inter, embedded in the binary (`assets/fonts/`): `resvg` is given only
//! that font, so a picture looks the same on every machine and no system font is searched.

pub mod chart;
pub mod map;

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

/// The family name every picture's text is set in.
pub const FONT_FAMILY: &str = "Inter";

static INTER_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/Inter-Regular.otf");
static INTER_SEMIBOLD: &[u8] = include_bytes!("../../../assets/fonts/Inter-SemiBold.otf");

/// A picture rendered to PNG, with its size in pixels.
#[derive(Debug, Clone)]
pub struct Png {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Why a picture could not be rendered (a bug of ours, never the user's input: every text is
/// escaped): the report says so in French.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError;

fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(INTER_REGULAR.to_vec());
        db.load_font_data(INTER_SEMIBOLD.to_vec());
        db.set_sans_serif_family(FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Renders `svg` to PNG at `scale` times its own size (2.0 for a sharp picture in a document).
pub fn render_png(svg: &str, scale: f32) -> Result<Png, RenderError> {
    let options = usvg::Options { font_family: FONT_FAMILY.to_string(), fontdb: fonts(), ..Default::default() };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|_| RenderError)?;
    let size = tree.size().to_int_size().scale_by(scale).ok_or(RenderError)?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or(RenderError)?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    let bytes = pixmap.encode_png().map_err(|_| RenderError)?;
    Ok(Png { bytes, width: size.width(), height: size.height() })
}

/// `text` made safe inside an SVG element or attribute.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to `max` characters, with « … » when cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s = s.trim_end().to_string();
    s.push('…');
    s
}

/// A coordinate with two decimals: the same input gives the same bytes.
pub(crate) fn n(x: f64) -> String {
    let r = (x * 100.0).round() / 100.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.2}").trim_end_matches('0').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_drawn_with_the_bundled_font() {
        // A picture with text and the same picture without: the text must change pixels.
        let with = r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><text x="4" y="28" font-size="20" font-family="Inter">Énergie</text></svg>"##;
        let without = r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"></svg>"##;
        let a = render_png(with, 1.0).unwrap();
        let b = render_png(without, 1.0).unwrap();
        assert_eq!((a.width, a.height), (120, 40));
        assert_ne!(a.bytes, b.bytes, "the text was not drawn: no font reached resvg");
    }

    #[test]
    fn texts_are_escaped_and_shortened() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(shorten("Association des parents", 10), "Associati…");
        assert_eq!(shorten("CAF", 10), "CAF");
        assert_eq!(n(1.0), "1");
        assert_eq!(n(1.256), "1.26");
        assert_eq!(n(-0.5), "-0.5");
    }
}
