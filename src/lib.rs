//! **rubric**: deduction-based assessment rubrics.
//!
//! # Overview
//!
//! An assessment rubric (考核细则) lists items, each worth a weight, and the
//! clauses that deduct points from them when an inspection finds something
//! wrong. Rubric authors write a rubric in a small text language; this crate
//! parses it into a typed [`Rubric`], validates it with precise
//! [`Diagnostic`]s, and evaluates inspection findings against it with exact
//! decimal arithmetic, producing a [`report::Report`] that explains every
//! point lost and who answers for it.
//!
//! ```
//! use rubric::eval::{Finding, Findings, Options};
//! use rubric::Rubric;
//! use rust_decimal::Decimal;
//!
//! let rubric = Rubric::parse(r#"
//!     rubric "安全生产考核细则" {
//!       unit enterprise "家"
//!       grade pass "合格" at least 6
//!       grade fail "不合格"
//!       item 1 "落实企业主体责任" weight 10 {
//!         owner "县应急局"
//!         clause a "未制定年度工作要点的" deduct 2
//!         clause b "企业未落实主体责任的" deduct 0.5 per enterprise capped at 1
//!       }
//!     }
//! "#)?;
//!
//! let findings = Findings::new("临泽县")
//!     .with(Finding::clause("1", "a"))
//!     .with(Finding::clause("1", "b").entities(["甲公司", "乙公司", "丙公司"]));
//! let report = rubric.evaluate(&findings, &Options::default())?;
//!
//! // a deducts 2; b deducts 3 × 0.5 = 1.5, capped at 1: 10 − 3 = 7.
//! assert_eq!(report.score, Decimal::new(700, 2));
//! assert_eq!(report.score.to_string(), "7.00");
//! assert_eq!(report.grade.as_ref().map(|g| g.id), Some("pass"));
//! assert_eq!(report.by_owner[0].owner, "县应急局");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Data flows one way: text → [`syntax`] → [`model`] → [`check`] → [`eval`] →
//! [`report`]. Nothing in the library does I/O; a parsed [`Rubric`] is never
//! changed by evaluation, so one rubric can score any number of inspections
//! from any number of threads.
//!
//! # The language
//!
//! A rubric declares its units (`unit enterprise "家"`), grade bands, items
//! with their weight, owners, basis and checks, and the clauses that deduct:
//! once (`deduct 2`), per counted thing (`deduct 0.3 per enterprise capped at
//! 1`), everything (`deduct all`), at the inspector's discretion (`deduct up
//! to 1`) or when a measured rate crosses a threshold (`deduct 0.5 when below
//! 50%`). Externals are parts of an item scored by another authority;
//! penalties deduct from the total; vetoes cap the grade. [`syntax::parse`]
//! keeps comments, so [`fmt`] can rewrite a file in canonical form, and
//! [`export`] writes the model as JSON, Markdown or CSV.
//!
//! # Diagnostics
//!
//! [`compile`] never panics and returns every problem at once: syntax errors
//! (`E01xx`), validation errors (`E02xx`) and warnings (`W03xx`), each with a
//! stable [`Code`], a message, the [`Span`] it is about and, where useful, a
//! hint such as "did you mean `enterprise`?". [`Rubric::parse`] is the short
//! form for callers that only want the rubric or its errors.
//!
//! # Evaluation
//!
//! [`Rubric::evaluate`] takes [`eval::Findings`] (built in code, as above, or
//! read from JSON with [`Rubric::evaluate_json`]) and either returns every
//! finding that does not fit the rubric, each with its position
//! (`findings[3].count`), or a [`report::Report`]. Arithmetic is exact
//! decimal; only the final score is rounded. The report is the same, byte for
//! byte, whatever the order of the findings, and renders as JSON
//! ([`report::Report::to_json`]), terminal text ([`report::Report::to_text`])
//! or Markdown ([`report::Report::to_markdown`]).
//!
//! # Features
//!
//! - `cli` (default): the `rubric` command-line tool (`check`, `fmt`,
//!   `eval`, `template`, `export`) in the `cli` module, with annotated source
//!   snippets, parallel checking of many files and progress bars. Build the
//!   library alone with `default-features = false`; it then depends only on
//!   serde, serde_json, nom, thiserror, rust_decimal and unicode-width.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod check;
pub mod diagnostic;
pub mod eval;
pub(crate) mod exact;
pub mod export;
pub mod fmt;
pub mod model;
pub mod report;
pub mod span;
pub mod syntax;

#[cfg(feature = "cli")]
pub mod cli;

pub use diagnostic::{Code, Diagnostic, Diagnostics, Severity};
pub use model::Rubric;
pub use span::{LineIndex, Span};

/// The result of reading a rubric: the rubric, when it has no errors, and
/// every diagnostic: errors first, then warnings, each in source order.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The rubric; `None` when any diagnostic is an error.
    pub rubric: Option<Rubric>,
    /// All diagnostics: errors first, then warnings, each in source order.
    pub diagnostics: Diagnostics,
}

/// Parses, builds and validates a rubric, collecting every diagnostic.
///
/// Never panics, whatever the input. Syntax errors stop before validation,
/// since a declaration the parser had to skip would show up again as a
/// misleading "unknown id".
pub fn compile(source: &str) -> Compiled {
    let parsed = syntax::parse(source);
    let mut diagnostics = parsed.diagnostics;
    let (rubric, lowering) = model::lower(&parsed.file);
    diagnostics.extend(lowering);
    if !diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.extend(check::check(&rubric));
    }
    let mut diagnostics = Diagnostics(diagnostics);
    diagnostics.sort();
    let rubric = (!diagnostics.has_errors()).then_some(rubric);
    Compiled {
        rubric,
        diagnostics,
    }
}

impl Rubric {
    /// Parses, builds and validates a rubric; warnings are dropped. Use
    /// [`compile`] to see them.
    pub fn parse(source: &str) -> Result<Rubric, Diagnostics> {
        let compiled = compile(source);
        compiled.rubric.ok_or(compiled.diagnostics)
    }
}

/// The README's examples, compiled and run as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
