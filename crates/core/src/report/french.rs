//! French typography for the documents: a non-breaking space before « : ; ! ? » and inside
//! « », dates written out (« 1er mars 2026 »), numbers with a decimal comma.

const NBSP: char = '\u{a0}';

/// `text` with French spacing: an ordinary space before `:` `;` `!` `?` `»` and after `«`
/// becomes non-breaking, and a guillemet written without space gets one; the straight
/// apostrophe becomes the typographic one (’). Nothing else changes (« 10:30 » or an address
/// keep their colon as typed).
pub fn typography(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let prev = i.checked_sub(1).map(|p| chars[p]);
        match c {
            ' ' if matches!(next, Some(':' | ';' | '!' | '?' | '»')) => out.push(NBSP),
            ' ' if prev == Some('«') => out.push(NBSP),
            '»' if prev.is_some_and(|p| !p.is_whitespace()) => {
                out.push(NBSP);
                out.push('»');
            }
            '«' if next.is_some_and(|n| !n.is_whitespace()) => {
                out.push('«');
                out.push(NBSP);
            }
            '\'' => out.push('’'),
            c => out.push(c),
        }
    }
    out
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `2026-03-01` → « 1er mars 2026 »; what is not a date is returned as it is.
pub fn long_date(iso: &str) -> String {
    match chrono::NaiveDate::parse_from_str(iso.get(..10).unwrap_or(iso), "%Y-%m-%d") {
        Ok(d) => {
            use chrono::Datelike;
            let day = if d.day() == 1 { "1er".to_string() } else { d.day().to_string() };
            format!("{day}{NBSP}{}{NBSP}{}", MONTHS[d.month0() as usize], d.year())
        }
        Err(_) => iso.to_string(),
    }
}

/// `2026-03-01` → `01/03/2026`.
pub fn short_date(iso: &str) -> String {
    match chrono::NaiveDate::parse_from_str(iso.get(..10).unwrap_or(iso), "%Y-%m-%d") {
        Ok(d) => d.format("%d/%m/%Y").to_string(),
        Err(_) => iso.to_string(),
    }
}

/// `1234.5` → `1 234,5`, `0.333…` → `0,33` (two decimals at most, a non-breaking space between
/// thousands).
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let rounded = (x * 100.0).round() / 100.0;
    let negative = rounded < 0.0;
    let abs = rounded.abs();
    let whole = abs.trunc() as u64;
    let cents = ((abs - abs.trunc()) * 100.0).round() as u64;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(NBSP);
        }
        grouped.push(d);
    }
    let decimals = match cents {
        0 => String::new(),
        c if c % 10 == 0 => format!(",{}", c / 10),
        c => format!(",{c:02}"),
    };
    format!("{}{grouped}{decimals}", if negative { "-" } else { "" })
}

/// `0.125` → `12,5 %`.
pub fn percent(share: f64) -> String {
    format!("{}{NBSP}%", number(share * 100.0))
}

/// « 1 entretien », « 3 entretiens ».
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n}{NBSP}{}", if n <= 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_before_double_punctuation_and_inside_guillemets_do_not_break() {
        assert_eq!(
            typography("Enjeux : l'accueil ; «la famille» ! Pourquoi ?"),
            "Enjeux\u{a0}: l’accueil\u{a0}; «\u{a0}la famille\u{a0}»\u{a0}! Pourquoi\u{a0}?"
        );
        assert_eq!(typography("« déjà »"), "«\u{a0}déjà\u{a0}»");
        assert_eq!(typography("à 10:30, https://x.fr"), "à 10:30, https://x.fr");
        assert_eq!(typography("l'école"), "l’école");
    }

    #[test]
    fn dates_and_numbers_are_written_the_french_way() {
        assert_eq!(long_date("2026-03-01"), "1er\u{a0}mars\u{a0}2026");
        assert_eq!(long_date("2026-12-25"), "25\u{a0}décembre\u{a0}2026");
        assert_eq!(long_date("pas une date"), "pas une date");
        assert_eq!(short_date("2026-03-01"), "01/03/2026");
        assert_eq!(number(1234.5), "1\u{a0}234,5");
        assert_eq!(number(0.333), "0,33");
        assert_eq!(number(-2.0), "-2");
        assert_eq!(number(1_000_000.0), "1\u{a0}000\u{a0}000");
        assert_eq!(percent(0.125), "12,5\u{a0}%");
        assert_eq!(count(1, "entretien", "entretiens"), "1\u{a0}entretien");
    }
}
