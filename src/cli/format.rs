//! `rubric fmt`. (Placeholder.)

use super::Outcome;

/// Arguments of `rubric fmt`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the command.
pub fn run(args: Args) -> Outcome {
    let _ = args;
    eprintln!("error: not implemented yet");
    Outcome::Usage
}
