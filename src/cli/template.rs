//! `rubric template RUBRIC`: a findings file to fill in.
//!
//! Every clause and external of every item and penalty, with values that
//! trigger nothing; fed back unchanged it scores full marks. With
//! `--format xlsx`, the inspector's workbook (see `xlsx::template`).

use super::Outcome;
use std::path::PathBuf;

/// Arguments of `rubric template`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The rubric file; `-` reads standard input.
    rubric: PathBuf,
    /// `json`: a findings file; `xlsx`: the inspector's workbook to fill in.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Write to this file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The language of the workbook's labels.
    #[arg(long, value_enum, default_value_t = super::xlsx::Lang::Zh)]
    lang: super::xlsx::Lang,
}

/// What to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Json,
    Xlsx,
}

/// Runs the command.
pub fn run(args: Args) -> Outcome {
    let rubric = match super::load_rubric(&args.rubric) {
        Ok(rubric) => rubric,
        Err(outcome) => return outcome,
    };
    match args.format {
        Format::Json => {
            super::xlsx::write_text(args.output.as_deref(), &crate::eval::template(&rubric))
        }
        Format::Xlsx => match super::xlsx::template::workbook(&rubric, args.lang) {
            Ok(bytes) => super::xlsx::write_output(args.output.as_deref(), &bytes, "the workbook"),
            Err(e) => {
                super::xlsx::say(&format!("error: {}", super::xlsx::xlsx_error(&e)));
                Outcome::Usage
            }
        },
    }
}
