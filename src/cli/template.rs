//! `rubric template RUBRIC`: a findings file to fill in.
//!
//! Every clause and external of every item and penalty, with values that
//! trigger nothing; fed back unchanged it scores full marks.

use super::{display_name, print_stdout, read_input, Outcome};
use std::path::PathBuf;

/// Arguments of `rubric template`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The rubric file; `-` reads standard input.
    rubric: PathBuf,
}

/// Runs the command.
pub fn run(args: Args) -> Outcome {
    let name = display_name(&args.rubric);
    let source = match read_input(&args.rubric) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("{message}");
            return Outcome::Usage;
        }
    };
    let compiled = crate::compile(&source);
    let Some(rubric) = compiled.rubric else {
        let errors: Vec<_> = compiled.diagnostics.errors().cloned().collect();
        eprint!(
            "{}",
            super::render::render_diagnostics(&name, &source, &errors)
        );
        return Outcome::Failure;
    };
    print_stdout(&crate::eval::template(&rubric))
}
