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

/// `text` broken into lines of at most `width` columns (at least one
/// character per line, so a too-narrow width cannot loop). Lines break at
/// the last space when the line has one in its second half, else between
/// any two characters, which is how CJK text breaks.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width && !line.is_empty() {
            let split = line
                .rsplit_once(' ')
                .filter(|(head, _)| display_width(head) * 2 >= width)
                .map(|(head, tail)| (head.to_owned(), tail.to_owned()));
            match split {
                Some((head, tail)) => {
                    lines.push(head);
                    line = tail;
                }
                None => lines.push(std::mem::take(&mut line)),
            }
            used = display_width(&line);
        }
        if line.is_empty() && c == ' ' && !lines.is_empty() {
            continue;
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
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

    #[test]
    fn wrapping_keeps_every_character_within_the_width() {
        assert_eq!(wrap("临泽县安委办", 4), ["临泽", "县安", "委办"]);
        assert_eq!(wrap("临泽县安委办", 5), ["临泽", "县安", "委办"]);
        assert_eq!(wrap("one two three", 8), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), [""]);
        // A character wider than the width still gets a line of its own.
        assert_eq!(wrap("临a", 1), ["临", "a"]);
        let long = "县消防救援大队, 县应急局, county fire brigade and others ".repeat(9);
        for line in wrap(&long, 30) {
            assert!(display_width(&line) <= 30, "{line}");
        }
    }
}
