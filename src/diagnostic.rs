//! Diagnostics: what is wrong with a rubric, where, and how to fix it.
//!
//! A [`Diagnostic`] is plain data (spans, never source text), so the parser
//! and the checker can produce them without knowing how they will be shown.
//! Rendering for people lives with the command-line tool; the JSON form is
//! [`Diagnostic::to_json`].

use crate::span::{LineIndex, Span};
use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The rubric is refused.
    Error,
    /// The rubric is accepted, but something looks wrong.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $severity:ident; )*) => {
        /// The stable code of every diagnostic. Codes never change meaning;
        /// docs/language.md lists them with examples.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed, e.g. `E0201`.
            pub const fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// The severity this code always has.
            pub const fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }
        }
    };
}

codes! {
    // --- Syntax (E01xx) ---
    /// A token other than the one the grammar expects here.
    UnexpectedToken = "E0101", Error;
    /// A string that is not closed on its line.
    UnterminatedString = "E0102", Error;
    /// An escape sequence other than `\"` `\\` `\n` `\t` `\u{XXXX}`.
    InvalidEscape = "E0103", Error;
    /// A malformed number: a sign, an exponent, a unit glued to it (`0.3分`), full-width digits.
    InvalidNumber = "E0104", Error;
    /// A character that cannot start any token, such as full-width punctuation.
    UnexpectedCharacter = "E0105", Error;
    /// A `{` without its `}` before the end of the file.
    UnclosedBlock = "E0106", Error;
    /// A keyword or declaration that is not allowed where it stands.
    MisplacedDeclaration = "E0107", Error;
    /// A declaration given twice where only one is allowed (`weight`, `total`, …).
    RepeatedDeclaration = "E0108", Error;
    /// Internal: the formatted text would not mean the same rubric (never expected; the file is left as it was).
    FormatterMismatch = "E0199", Error;

    // --- Validation errors (E02xx) ---
    /// Two things of the same kind with one id.
    DuplicateId = "E0201", Error;
    /// `per UNIT` names a unit that is not declared.
    UnknownUnit = "E0202", Error;
    /// A veto names an item or clause that does not exist.
    UnknownClause = "E0203", Error;
    /// A veto names a grade that does not exist.
    UnknownGrade = "E0204", Error;
    /// A weight, amount, cap or bound of zero.
    ZeroValue = "E0205", Error;
    /// A percentage above 100%.
    PercentageAbove100 = "E0206", Error;
    /// The weights of an item's externals add up to more than its weight.
    ExternalsExceedWeight = "E0207", Error;
    /// `total` is not the sum of the item weights.
    TotalMismatch = "E0208", Error;
    /// Grade thresholds that do not strictly descend.
    GradesNotDescending = "E0209", Error;
    /// A grade threshold above the total.
    GradeAboveTotal = "E0210", Error;
    /// The last grade band has a threshold, or another band has none.
    GradeBandThreshold = "E0211", Error;
    /// An item with neither clauses nor externals.
    EmptyItem = "E0212", Error;
    /// A form that refers to an item's weight used inside a penalty.
    ItemWeightInPenalty = "E0213", Error;
    /// A rubric without any item.
    NoItems = "E0214", Error;
    /// A `rounding` that cannot be honoured.
    InvalidRounding = "E0215", Error;

    // --- Warnings (W03xx) ---
    /// A once-deduction larger than its item's weight.
    DeductionAboveWeight = "W0301", Warning;
    /// A cap smaller than one deduction.
    CapBelowDeduction = "W0302", Warning;
    /// A declared unit that no clause uses.
    UnusedUnit = "W0303", Warning;
    /// An item without an owner.
    MissingOwner = "W0304", Warning;

    // --- Version 2 forms (E0216–E0233, W0305–W0306) ---
    /// A weighted section whose items' weights do not add up to its weight.
    SectionWeightMismatch = "E0216", Error;
    /// Sections nested more than 8 deep.
    SectionsTooDeep = "E0217", Error;
    /// `extra` where it is not allowed: in a penalty or a bonus, or `extra … when exhausted` beside a deduction.
    ExtraNotAllowed = "E0218", Error;
    /// A rate clause with a zero STEP, a STEP and P of different kinds, or `full`/`started` without a STEP.
    InvalidRate = "E0219", Error;
    /// A level table with fewer than two amounts, only zeros, or more amounts than `levels` has labels.
    InvalidLevelTable = "E0220", Error;
    /// A condition names a fact that is not declared.
    UnknownFact = "E0221", Error;
    /// A condition names a tag that no clause carries.
    UnknownTag = "E0222", Error;
    /// `score` in a veto's condition.
    ScoreInVeto = "E0223", Error;
    /// An exclusive group with fewer than two clauses, an unknown clause, a clause that is not an item's, or a clause in two groups.
    InvalidExclusive = "E0224", Error;
    /// A verb where it is not allowed: `add` outside a bonus, `deduct` in a bonus, `points` outside a points rubric (or not `points` in one).
    VerbNotAllowed = "E0225", Error;
    /// A form that a points rubric (or a bonus) refuses: `total`, `scale`, `ceiling`, `not-applicable`, `weight`, `optional`, `external`, `penalty`, `bonus`, `deduct all`, `item weight`, `score 0`.
    FormNotAllowed = "E0226", Error;
    /// `at least` in a points rubric, or `at most` in a deductions one.
    GradeBoundNotAllowed = "E0227", Error;
    /// A grade threshold above `scale`.
    GradeAboveScale = "E0228", Error;
    /// `ceiling` below `total`.
    CeilingBelowTotal = "E0229", Error;
    /// Tiers whose thresholds are not strictly ordered, mix `below` and `above`, or mix percentages and numbers.
    TiersNotOrdered = "E0230", Error;
    /// A range whose bounds are not 0 < A < B, or a cap on a range without `per occurrence`.
    InvalidRange = "E0231", Error;
    /// Grade thresholds of a points rubric that do not strictly ascend.
    GradesNotAscending = "E0232", Error;
    /// An id that the grammar reserves: `all`, `tagged` or `score` as a fact, `full` or `started` as a unit.
    ReservedId = "E0233", Error;
    /// A declared fact that no condition uses.
    UnusedFact = "W0305", Warning;
    /// A bonus clause that can add more than the bonus's cap.
    BonusAboveCap = "W0306", Warning;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary place that helps explain a diagnostic ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there.
    pub message: String,
}

/// One problem found in a rubric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code; also decides the severity.
    pub code: Code,
    /// One line, lowercase, no final period; rubric words, never Rust's.
    pub message: String,
    /// The primary place.
    pub span: Span,
    /// What to say at the primary place, if more than the message.
    pub label: Option<String>,
    /// Secondary places.
    pub related: Vec<Label>,
    /// How to fix it, e.g. "did you mean `enterprise`?".
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with a code, a place and a message.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            span,
            label: None,
            related: Vec::new(),
            help: None,
        }
    }

    /// Adds the text shown at the primary place.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Adds a secondary place.
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.related.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// The severity of this diagnostic's code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    /// The machine-readable form of spec section 8: path, line, column,
    /// end_line, end_column, severity, code, message (plus help when present).
    pub fn to_json(&self, path: &str, index: &LineIndex<'_>) -> serde_json::Value {
        let start = index.position(self.span.start);
        let end = index.position(self.span.end);
        let mut value = serde_json::json!({
            "path": path,
            "line": start.line,
            "column": start.column,
            "end_line": end.line,
            "end_column": end.column,
            "severity": self.severity().as_str(),
            "code": self.code.as_str(),
            "message": self.message,
        });
        if let (Some(help), Some(map)) = (&self.help, value.as_object_mut()) {
            map.insert("help".into(), serde_json::Value::String(help.clone()));
        }
        value
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity(), self.code, self.message)
    }
}

/// The diagnostics of one rubric: errors first, then warnings, each in source order.
///
/// Returned as the error of [`Rubric::parse`](crate::Rubric::parse) when at
/// least one of them is an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    /// Orders errors before warnings, each by position, then code, so the
    /// first line of the output is the first thing that must be fixed, and
    /// output never depends on the order in which the checks ran.
    pub fn sort(&mut self) {
        self.0
            .sort_by_key(|d| (d.severity(), d.span.start, d.span.end, d.code));
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.errors().count();
        match self.errors().next().or(self.0.first()) {
            Some(first) if errors > 1 => write!(f, "{first} (and {} more errors)", errors - 1),
            Some(first) => write!(f, "{first}"),
            None => f.write_str("no diagnostics"),
        }
    }
}

/// Edit distance between two ids, used for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = i;
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            let value = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
            row[j + 1] = value;
        }
    }
    row[b.len()]
}

/// The candidate closest to `wanted`, if it is close enough to be a likely typo.
pub fn closest<'c>(wanted: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (wanted.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&wanted.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("enterprise", "enterprise"), 0);
        assert_eq!(edit_distance("enterprize", "enterprise"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("dedcut", "deduct"), 2);
        assert_eq!(edit_distance("临泽", "临泽县"), 1);
    }

    #[test]
    fn closest_candidate() {
        let units = ["enterprise", "person", "item"];
        assert_eq!(closest("enterprize", units), Some("enterprise"));
        assert_eq!(closest("persn", units), Some("person"));
        assert_eq!(closest("zzzzzz", units), None);
    }

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }
}
