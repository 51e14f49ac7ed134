//! Byte spans into a rubric source, and the conversion to 1-based line and
//! character columns that people read.

use std::ops::Range;

/// A half-open range of byte offsets into the source text.
///
/// Spans are plain data: they never own the text they point into, so a
/// [`Rubric`](crate::Rubric) can be shared freely and rendered later against
/// the source it came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (bytes).
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// An empty span at `offset`, for "something is missing here".
    pub const fn at(offset: usize) -> Span {
        Span {
            start: offset,
            end: offset,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Length in bytes.
    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True when the span covers no byte.
    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The span as a `Range`, for slicing (use `str::get` with it).
    pub const fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

/// A value together with the span of the source text it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub const fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

/// A 1-based position as editors show it: the column counts characters, not
/// bytes, and a leading byte-order mark is not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Maps byte offsets to lines and character columns.
///
/// Lines end at `\n`; a `\r` before it belongs to the line ending, so files
/// written on Windows get the same numbers as elsewhere.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    source: &'a str,
    // INVARIANT: sorted, starts with 0; each entry is the byte offset just after a `\n`.
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `source`.
    pub fn new(source: &'a str) -> LineIndex<'a> {
        let mut line_starts = vec![0];
        // `\n`, `\r\n` and a lone `\r` each end a line.
        let bytes = source.as_bytes();
        line_starts.extend(bytes.iter().enumerate().filter_map(|(i, &b)| {
            let ends = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            ends.then_some(i + 1)
        }));
        LineIndex {
            source,
            line_starts,
        }
    }

    /// The 0-based line that contains `offset`.
    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Start and end byte offsets of the 0-based `line`, without its line ending.
    pub fn line_bounds(&self, line: usize) -> (usize, usize) {
        let start = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.source.len());
        let mut end = self
            .line_starts
            .get(line + 1)
            .map(|next| next - 1)
            .unwrap_or(self.source.len());
        if end > start && self.source.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        (start, end)
    }

    /// The text of the 1-based `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &'a str {
        let (start, end) = self.line_bounds(line.saturating_sub(1));
        self.source.get(start..end).unwrap_or("")
    }

    /// The position of a byte offset. Offsets past the end, or inside a
    /// character, are clamped to the nearest character boundary before them.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let before = self.source.get(start..offset).unwrap_or("");
        let bom = usize::from(line == 0 && before.starts_with('\u{feff}'));
        Position {
            line: line + 1,
            column: before.chars().count() - bom + 1,
        }
    }

    /// Number of lines (a final line without `\n` counts).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(src: &str, offset: usize) -> (usize, usize) {
        let p = LineIndex::new(src).position(offset);
        (p.line, p.column)
    }

    #[test]
    fn columns_count_characters() {
        let src = "ab\n临泽县 x";
        let x = src.find('x').unwrap();
        assert_eq!(pos(src, x), (2, 5));
        assert_eq!(pos(src, 0), (1, 1));
    }

    #[test]
    fn crlf_and_bom() {
        let src = "\u{feff}rubric \"t\" {\r\n  x\r\n}";
        assert_eq!(pos(src, 3), (1, 1));
        let x = src.find('x').unwrap();
        assert_eq!(pos(src, x), (2, 3));
        assert_eq!(LineIndex::new(src).line_text(1), "\u{feff}rubric \"t\" {");
        assert_eq!(LineIndex::new(src).line_text(2), "  x");
    }

    #[test]
    fn out_of_range_offsets_clamp() {
        let src = "临";
        assert_eq!(pos(src, 1), (1, 1));
        assert_eq!(pos(src, 99), (1, 2));
    }
}
