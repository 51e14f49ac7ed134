//! `rubric eval RUBRIC FINDINGS`: score one inspection.
//!
//! Exit codes: 0 the report was printed; 1 the rubric has errors or the
//! findings do not fit it (every problem is listed on stderr); 2 usage or I/O.

use super::{display_name, read_input, Outcome};
use crate::eval::{FindingsErrors, Location, Missing, Options};
use std::path::PathBuf;

/// Arguments of `rubric eval`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The rubric file.
    rubric: PathBuf,
    /// The findings file (JSON), or a filled inspector's workbook (`.xlsx`);
    /// `-` reads JSON from standard input.
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    findings: Option<PathBuf>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Assume this score for externals that have no score, instead of refusing the findings.
    #[arg(long, value_enum)]
    missing_external: Option<Assume>,
    /// Write the report to this file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    batch: super::batch::BatchArgs,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Aligned tables for the terminal.
    Text,
    /// The full report as JSON (decimals as strings).
    Json,
    /// Tables for people.
    Markdown,
    /// A CSV summary table (with `--batch`).
    Csv,
    /// One JSON summary per line (with `--batch`).
    Jsonl,
    /// A self-contained HTML page that prints on A4.
    Html,
    /// A report workbook (with `--output FILE`).
    Xlsx,
}

/// Scores to assume for missing externals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Assume {
    /// The external's full weight.
    Full,
    /// Zero.
    Zero,
}

/// Runs the command.
pub fn run(args: Args) -> Outcome {
    let Some(findings) = &args.findings else {
        let workbooks = args
            .batch
            .batch
            .as_deref()
            .is_some_and(super::xlsx::batch::has_workbooks);
        if args.format == Format::Xlsx || workbooks {
            let format = match args.format {
                Format::Xlsx => None,
                Format::Text => Some(super::batch::SummaryFormat::Text),
                Format::Csv => Some(super::batch::SummaryFormat::Csv),
                Format::Markdown => Some(super::batch::SummaryFormat::Markdown),
                Format::Json | Format::Jsonl => Some(super::batch::SummaryFormat::Jsonl),
                Format::Html => {
                    super::xlsx::say(
                        "error: `--batch` summarises as text, csv, markdown, jsonl or xlsx",
                    );
                    return Outcome::Usage;
                }
            };
            let output = args.output.as_deref();
            return super::xlsx::batch::run(
                &args.rubric,
                format,
                missing(&args),
                &args.batch,
                output,
            );
        }
        let format = match args.format {
            Format::Text => super::batch::SummaryFormat::Text,
            Format::Csv => super::batch::SummaryFormat::Csv,
            Format::Markdown => super::batch::SummaryFormat::Markdown,
            Format::Json | Format::Jsonl => super::batch::SummaryFormat::Jsonl,
            Format::Html | Format::Xlsx => {
                super::xlsx::say(
                    "error: `--batch` summarises as text, csv, markdown, jsonl or xlsx",
                );
                return Outcome::Usage;
            }
        };
        return super::batch::run(&args.rubric, format, missing(&args), &args.batch);
    };
    let findings_name = display_name(findings);
    if &args.rubric == findings && args.rubric.as_os_str() == "-" {
        errln!("error: the rubric and the findings cannot both be read from standard input");
        return Outcome::Usage;
    }
    if super::xlsx::is_workbook(findings) {
        return eval_workbook(&args, findings, &findings_name);
    }
    let findings_text = match read_input(findings) {
        Ok(text) => text,
        Err(message) => {
            errln!("{message}");
            return Outcome::Usage;
        }
    };
    let rubric = match super::load_rubric(&args.rubric) {
        Ok(rubric) => rubric,
        Err(outcome) => return outcome,
    };
    let options = Options::new().missing_external(missing(&args));
    match rubric.evaluate_json(&findings_text, &options) {
        Ok(report) => write_report(&args, &report),
        Err(errors) => {
            errput!("{}", render_problems(&findings_name, &errors));
            Outcome::Failure
        }
    }
}

/// `rubric eval RUBRIC FILLED.xlsx`: the workbook read into findings, then
/// evaluated exactly as the same findings in JSON; problems at their cells.
fn eval_workbook(args: &Args, path: &std::path::Path, name: &str) -> Outcome {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            super::xlsx::say(&format!("error: cannot read `{}`: {e}", path.display()));
            return Outcome::Usage;
        }
    };
    let rubric = match super::load_rubric(&args.rubric) {
        Ok(rubric) => rubric,
        Err(outcome) => return outcome,
    };
    let filled = match super::xlsx::read::read(&bytes, &rubric) {
        Ok(filled) => filled,
        Err(problems) => {
            super::xlsx::say(super::xlsx::read::render(name, &problems).trim_end());
            return Outcome::Failure;
        }
    };
    let options = Options::new().missing_external(missing(args));
    match rubric.evaluate(&filled.findings, &options) {
        Ok(report) => write_report(args, &report),
        Err(errors) => {
            let problems = super::xlsx::read::locate(&filled, &errors);
            super::xlsx::say(super::xlsx::read::render(name, &problems).trim_end());
            Outcome::Failure
        }
    }
}

/// Writes one report in the chosen format.
fn write_report(args: &Args, report: &crate::report::Report) -> Outcome {
    let output = args.output.as_deref();
    let mut text = match args.format {
        Format::Text => report.to_text(),
        Format::Json => report.to_json(),
        Format::Markdown => report.to_markdown(),
        Format::Html => report.to_html(),
        Format::Xlsx => {
            return match super::xlsx::report::workbook(report) {
                Ok(bytes) => super::xlsx::write_output(output, &bytes, "the report workbook"),
                Err(e) => {
                    super::xlsx::say(&format!("error: {}", super::xlsx::xlsx_error(&e)));
                    Outcome::Usage
                }
            }
        }
        Format::Csv | Format::Jsonl => {
            super::xlsx::say("error: `--format csv` and `--format jsonl` summarise a `--batch`");
            return Outcome::Usage;
        }
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    super::xlsx::write_text(output, &text)
}

/// `FINDINGS: findings[3].count: error: MESSAGE`, then `  = help: …`.
pub(crate) fn render_problems(path: &str, errors: &FindingsErrors) -> String {
    let mut out = String::new();
    for error in errors.iter().take(super::render::max_diagnostics()) {
        out.push_str(path);
        out.push_str(": ");
        if error.location != Location::Document {
            out.push_str(&error.location.to_string());
            out.push_str(": ");
        }
        out.push_str("error: ");
        out.push_str(&error.message);
        out.push('\n');
        if let Some(help) = &error.help {
            out.push_str("  = help: ");
            out.push_str(help);
            out.push('\n');
        }
    }
    let count = errors.len();
    out.push_str(&super::render::not_shown(path, count, "problems"));
    out.push_str(&format!(
        "error: {count} problem{} in the findings; no report was made\n",
        if count == 1 { "" } else { "s" }
    ));
    out
}

/// What to do about an external score the findings do not give.
fn missing(args: &Args) -> Missing {
    match args.missing_external {
        None => Missing::Error,
        Some(Assume::Full) => Missing::Full,
        Some(Assume::Zero) => Missing::Zero,
    }
}
