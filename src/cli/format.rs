//! `rubric fmt FILE... [--check]`: rewrite rubric files in canonical form.
//!
//! A file is only written when its canonical form differs. `-` reads standard
//! input and writes the result to standard output. With `--check` nothing is
//! written; the exit code is 1 when any file would change. A file that does
//! not parse is left alone, its diagnostics printed, and the exit code is 1.

use super::render::render_diagnostics;
use super::{display_name, print_stdout, read_input, Outcome};
use std::path::{Path, PathBuf};

/// Arguments of `rubric fmt`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rubric files to format; `-` reads standard input and writes standard output.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Write nothing; exit 1 when a file is not in canonical form.
    #[arg(long)]
    check: bool,
}

/// Runs the command.
pub fn run(args: Args) -> Outcome {
    let mut outcome = Outcome::Success;
    for path in &args.files {
        let result = format_one(path, args.check);
        outcome = worse(outcome, result);
    }
    outcome
}

fn format_one(path: &Path, check: bool) -> Outcome {
    let source = match read_input(path) {
        Ok(source) => source,
        Err(message) => {
            errln!("{message}");
            return Outcome::Usage;
        }
    };
    let name = display_name(path);
    let formatted = match crate::fmt::format(&source) {
        Ok(formatted) => formatted,
        Err(diagnostics) => {
            errput!("{}", render_diagnostics(&name, &source, &diagnostics.0));
            return Outcome::Failure;
        }
    };
    let stdin = path == Path::new("-");
    if check {
        if formatted == source {
            return Outcome::Success;
        }
        errln!("{name}: not in canonical form (run `rubric fmt {name}`)");
        return Outcome::Failure;
    }
    if stdin {
        return print_stdout(&formatted);
    }
    if formatted == source {
        return Outcome::Success;
    }
    // Whole or not at all: on a full disk the rubric keeps its old text.
    match super::atomic::write(path, formatted.as_bytes()) {
        Ok(()) => Outcome::Success,
        Err(message) => {
            errln!("error: {message}");
            Outcome::Usage
        }
    }
}

/// The outcome that says more: usage/I/O over failure over success.
fn worse(a: Outcome, b: Outcome) -> Outcome {
    match (a, b) {
        (Outcome::Usage, _) | (_, Outcome::Usage) => Outcome::Usage,
        (Outcome::Failure, _) | (_, Outcome::Failure) => Outcome::Failure,
        _ => Outcome::Success,
    }
}
