//! XML text for the files other tools read: every text escaped, in attributes and in content.

use std::borrow::Cow;

/// `text` as XML character data or attribute value (quoted with `"`): `& < > " '` escaped, tab and
/// line breaks as character references (so that an attribute keeps them), and the characters XML
/// 1.0 cannot hold at all (other controls, U+FFFE, U+FFFF) left out.
pub fn escape(text: &str) -> Cow<'_, str> {
    let plain = |c: char| !matches!(c, '&' | '<' | '>' | '"' | '\'' | '\t' | '\n' | '\r') && allowed(c);
    if text.chars().all(plain) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// A character XML 1.0 allows in a document.
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_controls_do_not_survive() {
        assert_eq!(escape("CCAS & <École> \"A\" 'B'"), "CCAS &amp; &lt;École&gt; &quot;A&quot; &apos;B&apos;");
        assert_eq!(escape("a\u{1}b\u{FFFF}c\nd"), "abc&#10;d");
        assert!(matches!(escape("Centre social"), std::borrow::Cow::Borrowed(_)));
    }
}
