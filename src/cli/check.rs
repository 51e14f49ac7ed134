//! `rubric check FILE...`: validate rubric files and print every diagnostic.
//!
//! Exit 0 when no file has errors (warnings allowed), 1 when any has, 2 when
//! a file cannot be read (the other files are still checked).

use super::render::{render_diagnostics, summary};
use super::{display_name, print_stdout, read_input, Outcome};
use crate::span::LineIndex;
use std::path::PathBuf;

/// Arguments of `rubric check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rubric files to check; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// `human`: diagnostics with the source marked, on standard error;
    /// `json`: one JSON array of all diagnostics, on standard output.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

/// Runs the command.
pub fn run(args: Args) -> Outcome {
    let mut unreadable = false;
    let mut errors = 0;
    let mut warnings = 0;
    let mut json = Vec::new();
    for path in &args.files {
        let source = match read_input(path) {
            Ok(source) => source,
            Err(message) => {
                errln!("{message}");
                unreadable = true;
                continue;
            }
        };
        let name = display_name(path);
        let compiled = crate::compile(&source);
        let diagnostics = &compiled.diagnostics.0;
        errors += compiled.diagnostics.errors().count();
        warnings += compiled.diagnostics.warnings().count();
        match args.format {
            Format::Human => errput!("{}", render_diagnostics(&name, &source, diagnostics)),
            Format::Json => {
                let index = LineIndex::new(&source);
                let shown = super::render::max_diagnostics();
                json.extend(
                    diagnostics
                        .iter()
                        .take(shown)
                        .map(|d| d.to_json(&name, &index)),
                );
                errput!(
                    "{}",
                    super::render::not_shown(&name, diagnostics.len(), "diagnostics")
                );
            }
        }
    }
    match args.format {
        Format::Human => {
            if let Some(line) = summary(errors, warnings) {
                errln!("{line}");
            }
        }
        Format::Json => {
            let mut text = serde_json::Value::Array(json).to_string();
            text.push('\n');
            if print_stdout(&text) == Outcome::Usage {
                return Outcome::Usage;
            }
        }
    }
    if unreadable {
        Outcome::Usage
    } else if errors > 0 {
        Outcome::Failure
    } else {
        Outcome::Success
    }
}
