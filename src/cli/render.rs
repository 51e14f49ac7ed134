//! Diagnostics for people (spec section 8).
//!
//! The first line is written here, exactly `PATH:LINE:COLUMN: error[CODE]:
//! MESSAGE`, so that editors and scripts can rely on it. The source lines
//! with the span marked come from annotate-snippets, which measures CJK
//! characters as two columns and expands tabs, so the markers sit under the
//! right characters. Output is always plain: no colour, whatever the terminal,
//! so that what people see is what the tests compare.

use crate::diagnostic::{Diagnostic, Severity};
use crate::span::{LineIndex, Span};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Related labels within this many lines of each other share one snippet;
/// farther ones get their own, so a snippet never shows a long stretch of file.
const NEARBY_LINES: usize = 4;

/// Lines longer than this many bytes are shown only around their marks…
const LONG_LINE: usize = 1024;
/// …with this many bytes on either side.
const LONG_LINE_CONTEXT: usize = 256;

/// Renders the diagnostics of the file shown as `path` whose text is `source`,
/// one after another, each followed by a blank line.
pub fn render_diagnostics(path: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(source);
    let mut out = String::new();
    let shown = max_diagnostics();
    for diagnostic in diagnostics.iter().take(shown) {
        out.push_str(&render_diagnostic(path, source, &index, diagnostic));
        out.push('\n');
    }
    out.push_str(&not_shown(path, diagnostics.len(), "diagnostics"));
    out
}

/// How many diagnostics (or findings problems) a file shows at most.
pub const DEFAULT_MAX_DIAGNOSTICS: usize = 100;

static MAX_DIAGNOSTICS: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_DIAGNOSTICS);

/// Sets how many diagnostics each file shows (`--max-diagnostics N`).
pub fn set_max_diagnostics(n: usize) {
    MAX_DIAGNOSTICS.store(n, Ordering::Relaxed);
}

/// How many diagnostics each file shows.
pub fn max_diagnostics() -> usize {
    MAX_DIAGNOSTICS.load(Ordering::Relaxed)
}

/// `PATH: … and 812 more diagnostics not shown`, when some were left out.
pub fn not_shown(path: &str, total: usize, what: &str) -> String {
    match total.checked_sub(max_diagnostics()) {
        Some(more) if more > 0 => format!(
            "{path}: … and {more} more {what} not shown (`--max-diagnostics {total}` shows them all)\n"
        ),
        _ => String::new(),
    }
}

/// Renders one diagnostic: the first line, the marked source, related
/// labels, and `= help: …`.
pub fn render_diagnostic(
    path: &str,
    source: &str,
    index: &LineIndex<'_>,
    diagnostic: &Diagnostic,
) -> String {
    let start = index.position(diagnostic.span.start);
    let mut out = format!(
        "{path}:{}:{}: {}[{}]: {}\n",
        start.line,
        start.column,
        diagnostic.severity(),
        diagnostic.code,
        diagnostic.message
    );
    let level = match diagnostic.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };

    // Every place to mark, primary first, grouped into clusters of nearby lines.
    let mut marks: Vec<Mark<'_>> = Vec::with_capacity(1 + diagnostic.related.len());
    marks.push(Mark {
        span: diagnostic.span,
        label: diagnostic.label.as_deref(),
        primary: true,
    });
    marks.extend(diagnostic.related.iter().map(|label| Mark {
        span: label.span,
        label: Some(label.message.as_str()),
        primary: false,
    }));
    let clusters = cluster(index, &marks);

    let mut group = Group::with_level(level.clone());
    for cluster in &clusters {
        let Some(snippet) = snippet(path, source, index, cluster, &marks) else {
            continue;
        };
        group = group.element(snippet);
    }
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    if !group.is_empty() {
        let rendered = Renderer::plain().render(&[group]);
        out.push_str(&rendered);
        out.push('\n');
    }
    out
}

/// The closing line of a run: `2 errors, 1 warning`, or `None` when nothing
/// was reported.
pub fn summary(errors: usize, warnings: usize) -> Option<String> {
    fn count(n: usize, word: &str) -> String {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    }
    match (errors, warnings) {
        (0, 0) => None,
        (e, 0) => Some(count(e, "error")),
        (0, w) => Some(count(w, "warning")),
        (e, w) => Some(format!("{}, {}", count(e, "error"), count(w, "warning"))),
    }
}

struct Mark<'d> {
    span: Span,
    label: Option<&'d str>,
    primary: bool,
}

/// A run of 0-based lines `first..=last` and the marks that fall in it.
struct Cluster {
    first: usize,
    last: usize,
    marks: Vec<usize>,
}

fn cluster(index: &LineIndex<'_>, marks: &[Mark<'_>]) -> Vec<Cluster> {
    let mut spans: Vec<(usize, usize, usize)> = marks
        .iter()
        .enumerate()
        .map(|(i, mark)| {
            let first = index.position(mark.span.start).line - 1;
            let last = index.position(mark.span.end).line - 1;
            (first, last.max(first), i)
        })
        .collect();
    spans.sort_unstable();
    let mut clusters: Vec<Cluster> = Vec::new();
    for (first, last, mark) in spans {
        match clusters.last_mut() {
            Some(open) if first <= open.last + NEARBY_LINES => {
                open.last = open.last.max(last);
                open.marks.push(mark);
            }
            _ => clusters.push(Cluster {
                first,
                last,
                marks: vec![mark],
            }),
        }
    }
    // The cluster with the primary mark comes first; the rest keep source order.
    if let Some(at) = clusters.iter().position(|c| c.marks.contains(&0)) {
        let primary = clusters.remove(at);
        clusters.insert(0, primary);
    }
    clusters
}

/// The snippet of one cluster: only its lines, so rendering stays cheap in
/// big files. Snippets after the first name their place (`::: path:line:col`).
fn snippet<'s>(
    path: &'s str,
    source: &'s str,
    index: &LineIndex<'_>,
    cluster: &Cluster,
    marks: &'s [Mark<'_>],
) -> Option<Snippet<'s, annotate_snippets::Annotation<'s>>> {
    let (mut start, _) = index.line_bounds(cluster.first);
    let (_, end) = index.line_bounds(cluster.last);
    // A byte-order mark is not part of the text people see.
    if start == 0 && source.starts_with('\u{feff}') {
        start = '\u{feff}'.len_utf8();
    }
    // On a very long line (a generated file, a veto listing thousands of
    // clauses) show only a window around the marks: rendering the whole line
    // for each of its diagnostics would make the output quadratic.
    let (mut start, mut end) = (start, end);
    if cluster.first == cluster.last && end - start > LONG_LINE {
        let in_cluster = cluster.marks.iter().filter_map(|&i| marks.get(i));
        let from = in_cluster
            .clone()
            .map(|m| m.span.start)
            .min()
            .unwrap_or(start);
        let to = in_cluster.map(|m| m.span.end).max().unwrap_or(end);
        start = floor_boundary(source, from.saturating_sub(LONG_LINE_CONTEXT).max(start));
        end = ceil_boundary(source, to.saturating_add(LONG_LINE_CONTEXT).min(end));
    }
    let text = source.get(start..end)?;
    let mut snippet = Snippet::source(text)
        .line_start(cluster.first + 1)
        .fold(true);
    let is_primary = cluster.marks.contains(&0);
    if !is_primary {
        snippet = snippet.path(path);
    }
    for &i in &cluster.marks {
        let mark = marks.get(i)?;
        let kind = if mark.primary {
            AnnotationKind::Primary
        } else {
            AnnotationKind::Context
        };
        // Clamp into the snippet and onto character boundaries; an empty
        // span (something missing) marks one place.
        let from = floor_boundary(source, mark.span.start.clamp(start, end)) - start;
        let to = ceil_boundary(source, mark.span.end.clamp(start, end)) - start;
        let mut annotation = kind.span(from..to.max(from));
        if let Some(label) = mark.label {
            annotation = annotation.label(label);
        }
        snippet = snippet.annotation(annotation);
    }
    Some(snippet)
}

/// The nearest character boundary at or before `offset` (never before 0).
fn floor_boundary(source: &str, mut offset: usize) -> usize {
    while offset > 0 && !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The nearest character boundary at or after `offset` (never past the end).
fn ceil_boundary(source: &str, mut offset: usize) -> usize {
    while offset < source.len() && !source.is_char_boundary(offset) {
        offset += 1;
    }
    offset.min(source.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    fn span_of(source: &str, needle: &str) -> Span {
        let start = source.find(needle).unwrap();
        Span::new(start, start + needle.len())
    }

    #[test]
    fn first_line_and_marks_under_cjk() {
        let source = "rubric \"考核\" {\n  item 1 \"临泽县\" weight 0 {\n  }\n}\n";
        let d = Diagnostic::new(
            Code::ZeroValue,
            span_of(source, "0"),
            "item `1` has a weight of zero",
        )
        .with_help("a weight must be greater than zero");
        let text = render_diagnostics("a.rubric", source, &[d]);
        let expected = "\
a.rubric:2:23: error[E0205]: item `1` has a weight of zero
  |
2 |   item 1 \"临泽县\" weight 0 {
  |                          ^
  |
  = help: a weight must be greater than zero

";
        assert_eq!(text, expected, "\n{text}");
    }

    #[test]
    fn related_far_away_gets_its_own_snippet() {
        let mut source = String::from("unit a \"家\"\n");
        for _ in 0..20 {
            source.push_str("# filler\n");
        }
        source.push_str("\tunit a \"家\"\n");
        let first = Span::new(5, 6);
        let at = source.rfind("a \"").unwrap();
        let second = Span::new(at, at + 1);
        let d = Diagnostic::new(Code::DuplicateId, second, "duplicate unit id `a`")
            .with_label("defined again here")
            .with_related(first, "first defined here");
        let text = render_diagnostics("u.rubric", &source, &[d]);
        assert!(
            text.starts_with("u.rubric:22:7: error[E0201]: duplicate unit id `a`\n"),
            "{text}"
        );
        assert!(text.contains("::: u.rubric:1:6"), "{text}");
        assert!(!text.contains("filler"), "{text}");
        // The tab is shown as spaces and the mark sits under `a`.
        assert!(
            text.contains("22 |     unit a \"家\"\n   |          ^ defined again here\n"),
            "{text}"
        );
    }

    #[test]
    fn bom_and_crlf() {
        let source = "\u{feff}rubric \"t\" {\r\n  total 0\r\n}\r\n";
        let d = Diagnostic::new(Code::ZeroValue, span_of(source, "0"), "zero");
        let text = render_diagnostics("w.rubric", source, &[d]);
        assert!(
            text.starts_with("w.rubric:2:9: error[E0205]: zero\n"),
            "{text}"
        );
        assert!(!text.contains('\r'), "{text:?}");
        assert!(text.contains("2 |   total 0\n  |         ^\n"), "{text}");
    }

    #[test]
    fn summaries() {
        assert_eq!(summary(0, 0), None);
        assert_eq!(summary(1, 0).as_deref(), Some("1 error"));
        assert_eq!(summary(2, 1).as_deref(), Some("2 errors, 1 warning"));
        assert_eq!(summary(0, 3).as_deref(), Some("3 warnings"));
    }

    #[test]
    fn long_lines_are_cut_around_the_mark() {
        let mut source = String::from("veto v \"x\" at most good when ");
        let refs: Vec<String> = (0..5000).map(|i| format!("x{i}/a")).collect();
        source.push_str(&refs.join(", "));
        let at = source.find("x4000/a").unwrap();
        let d = Diagnostic::new(
            Code::UnknownClause,
            Span::new(at, at + 5),
            "unknown item `x4000`",
        );
        let text = render_diagnostics("v.rubric", &source, &[d]);
        assert!(text.len() < 2000, "{text}");
        assert!(text.contains("x4000/a"), "{text}");
        assert!(
            text.lines().any(|l| l.trim_end().ends_with("^^^^^")),
            "{text}"
        );
    }

    #[test]
    fn edge_spans_render() {
        let cases: &[(&str, Span)] = &[
            ("", Span::at(0)),
            ("rubric \"t\" {\n", Span::at(14)),
            ("rubric \"t\" {\n  item", Span::new(13, 99)),
            ("a\r\n\r\nb", Span::new(0, 7)),
            ("\u{feff}", Span::at(0)),
            ("临泽", Span::new(1, 2)),
        ];
        for (source, span) in cases {
            let d =
                Diagnostic::new(Code::UnclosedBlock, *span, "m").with_related(Span::at(0), "here");
            let text = render_diagnostics("e.rubric", source, &[d]);
            assert!(text.starts_with("e.rubric:"), "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_source_and_span_render(
            source in "(\\PC|\t|\r|\n|\u{feff}|临){0,40}",
            start in 0usize..200,
            len in 0usize..50,
            other in 0usize..200,
        ) {
            let d = Diagnostic::new(Code::UnexpectedToken, Span::new(start, start + len), "m")
                .with_label("l")
                .with_related(Span::new(other, other + 1), "r")
                .with_help("h");
            let text = render_diagnostics("p.rubric", &source, &[d]);
            proptest::prop_assert!(text.starts_with("p.rubric:"));
        }
    }
}
