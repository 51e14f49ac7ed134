//! `rubric template RUBRIC`: a findings file to fill in.
//!
//! Every clause and external of every item and penalty, with values that
//! trigger nothing; fed back unchanged it scores full marks.

use super::{print_stdout, Outcome};
use std::path::PathBuf;

/// Arguments of `rubric template`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The rubric file; `-` reads standard input.
    rubric: PathBuf,
}

/// Runs the command.
pub fn run(args: Args) -> Outcome {
    let rubric = match super::load_rubric(&args.rubric) {
        Ok(rubric) => rubric,
        Err(outcome) => return outcome,
    };
    print_stdout(&crate::eval::template(&rubric))
}
