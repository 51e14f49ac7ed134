//! Text → concrete syntax tree. Keeps every comment, so the formatter can
//! reproduce them; recovers after errors, so one run reports every
//! independent mistake.
//!
//! Two passes, both linear: [`lexer`] turns the text into tokens with byte
//! spans (comments apart), then `parser` reads declarations with nom 8
//! parsers over the token slice.

pub mod ast;
mod input;
pub mod lexer;
mod parser;
pub use parser::MAX_SECTION_DEPTH;

use crate::diagnostic::Diagnostic;

/// A parsed file: the tree (as much as could be read) and the syntax errors.
#[derive(Debug, Clone, Default)]
pub struct Parse {
    /// The concrete tree.
    pub file: ast::File,
    /// Syntax diagnostics, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a rubric source. Never fails and never panics.
pub fn parse(source: &str) -> Parse {
    let lexed = lexer::lex(source);
    let (file, diagnostics) = parser::parse_file(source, lexed);
    Parse { file, diagnostics }
}
