//! **rubric**: deduction-based assessment rubrics.
//!
//! Rubric authors write a rubric in a small text language; this crate parses
//! it into a typed [`Rubric`], validates it with precise [`Diagnostic`]s, and
//! evaluates inspection findings against it with exact decimal arithmetic,
//! producing a report that explains every point lost.
//!
//! Data flows one way: text → [`syntax`] → [`model`] → [`check`] → [`eval`] →
//! [`report`]. Nothing in the library does I/O.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod check;
pub mod diagnostic;
pub mod eval;
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
    /// All diagnostics: errors first, then warnings, each sorted by position.
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
