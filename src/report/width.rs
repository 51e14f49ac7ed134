//! Display width of text in a terminal: CJK characters take two columns.

use unicode_width::UnicodeWidthStr;

/// How many terminal columns `text` takes (CJK characters count two).
pub fn display_width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` padded with spaces to `width` columns (never cut).
pub(crate) fn pad(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + width);
    out.push_str(text);
    for _ in display_width(text)..width {
        out.push(' ');
    }
    out
}

/// `text` right-aligned in `width` columns.
pub(crate) fn pad_left(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + width);
    for _ in display_width(text)..width {
        out.push(' ');
    }
    out.push_str(text);
    out
}

/// `text` cut to at most `width` columns, with `…` when cut.
pub(crate) fn truncate(text: &str, width: usize) -> String {
    if display_width(text) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_is_two_columns() {
        assert_eq!(display_width("临泽县"), 6);
        assert_eq!(display_width("a临"), 3);
        assert_eq!(pad("临", 4), "临  ");
        assert_eq!(pad_left("1", 3), "  1");
        assert_eq!(truncate("临泽县安委办", 7), "临泽县…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
