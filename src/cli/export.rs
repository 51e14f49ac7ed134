//! `rubric export RUBRIC --format json|markdown|csv`: the typed model as JSON
//! (spec section 7.1), or a printable checklist (评分表).
//!
//! A rubric with errors is not exported: its diagnostics are printed and the
//! exit code is 1.

use super::render::{render_diagnostics, summary};
use super::{display_name, read_input, Outcome};
use crate::export;
use std::path::PathBuf;

/// Arguments of `rubric export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The rubric file; `-` reads standard input.
    #[arg(value_name = "RUBRIC")]
    rubric: PathBuf,
    /// `json`: the model; `markdown`, `csv` or `xlsx`: a checklist to print.
    #[arg(long, value_enum)]
    format: Format,
    /// Write to this file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write CSV without the UTF-8 byte-order mark that Excel and WPS need to read Chinese.
    #[arg(long)]
    no_bom: bool,
}

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Json,
    Markdown,
    Csv,
    /// The printable 评分表 as a workbook (A4, header rows repeated).
    Xlsx,
}

/// Runs the command.
pub fn run(args: Args) -> Outcome {
    let source = match read_input(&args.rubric) {
        Ok(source) => source,
        Err(message) => {
            errln!("{message}");
            return Outcome::Usage;
        }
    };
    let compiled = crate::compile(&source);
    let Some(rubric) = compiled.rubric else {
        let name = display_name(&args.rubric);
        errput!(
            "{}",
            render_diagnostics(&name, &source, &compiled.diagnostics.0)
        );
        let errors = compiled.diagnostics.errors().count();
        let warnings = compiled.diagnostics.warnings().count();
        if let Some(line) = summary(errors, warnings) {
            errln!("{line}");
        }
        return Outcome::Failure;
    };
    let text = match args.format {
        Format::Json => export::to_json_pretty(&rubric),
        Format::Markdown => export::to_markdown(&rubric),
        Format::Csv if args.no_bom => export::to_csv(&rubric),
        Format::Csv => format!("\u{feff}{}", export::to_csv(&rubric)),
        Format::Xlsx => {
            return match super::xlsx::checklist::workbook(&rubric) {
                Ok(bytes) => {
                    super::xlsx::write_output(args.output.as_deref(), &bytes, "the workbook")
                }
                Err(e) => {
                    super::xlsx::say(&format!("error: {}", super::xlsx::xlsx_error(&e)));
                    Outcome::Usage
                }
            }
        }
    };
    super::xlsx::write_text(args.output.as_deref(), &text)
}
