//! The `rubric` command-line tool: argument parsing, file and terminal I/O,
//! and exit codes. The only module that does I/O.
//!
//! Exit codes (spec section 8): 0 success, 1 the input has errors (or would
//! change under `fmt --check`), 2 usage or I/O errors.

/// Writes a line to standard error. A closed or failing standard error is
/// ignored, where `eprintln!` would panic: there is nowhere left to say it.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// Writes to standard error, ignoring a closed stream (see `errln!`).
macro_rules! errput {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod atomic;
pub mod batch;
mod check;
mod eval;
mod export;
mod format;
pub mod render;
mod template;
pub mod xlsx;

use clap::{Parser, Subcommand};
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

/// Deduction-based assessment rubrics: check, format, export and evaluate.
#[derive(Debug, Parser)]
#[command(name = "rubric", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Show at most N diagnostics (or findings problems) per file, then say
    /// how many more there are.
    #[arg(long, global = true, value_name = "N", default_value_t = render::DEFAULT_MAX_DIAGNOSTICS)]
    max_diagnostics: usize,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate rubric files and print their diagnostics.
    Check(check::Args),
    /// Rewrite rubric files in canonical form.
    Fmt(format::Args),
    /// Evaluate inspection findings against a rubric.
    Eval(eval::Args),
    /// Print a findings file to fill in: every item, clause and external, nothing triggered.
    Template(template::Args),
    /// Export a rubric as JSON, or as a printable checklist in Markdown or CSV.
    Export(export::Args),
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the input has errors, or `fmt --check` found a file to change.
    Failure,
    /// Exit 2: usage or I/O error.
    Usage,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> ExitCode {
        ExitCode::from(match outcome {
            Outcome::Success => 0,
            Outcome::Failure => 1,
            Outcome::Usage => 2,
        })
    }
}

/// Runs the command line and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let usage = err.use_stderr();
            // `--help` and `--version` are not errors.
            let _ = err.print();
            return if usage {
                Outcome::Usage.into()
            } else {
                Outcome::Success.into()
            };
        }
    };
    render::set_max_diagnostics(cli.max_diagnostics);
    let outcome = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Fmt(args) => format::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Template(args) => template::run(args),
        Command::Export(args) => export::run(args),
    };
    outcome.into()
}

/// The largest rubric or findings file the tool reads: 16 MiB (a whole
/// county guide is about 100 KB). Larger input is refused before it is held.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Reads a file, or standard input for `-`, of at most [`MAX_FILE_BYTES`].
/// The error is ready to print.
pub(crate) fn read_input(path: &Path) -> Result<String, String> {
    let mut text = String::new();
    let too_large = |name: &str| {
        format!("error: {name} is larger than {MAX_FILE_BYTES} bytes (16 MiB), the largest input the tool reads")
    };
    if path == Path::new("-") {
        std::io::stdin()
            .take(MAX_FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| format!("error: cannot read standard input: {e}"))?;
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(too_large("standard input"));
        }
    } else {
        let name = format!("`{}`", path.display());
        let file =
            std::fs::File::open(path).map_err(|e| format!("error: cannot read {name}: {e}"))?;
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("error: cannot read {name}: {e}"))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(too_large(&name));
        }
        text =
            String::from_utf8(bytes).map_err(|e| not_utf8(path, e.as_bytes(), e.utf8_error()))?;
    }
    Ok(text)
}

/// Reads and compiles a rubric that a command needs whole. On failure the
/// problem (an I/O error, or the rubric's errors) is already printed, and the
/// outcome says how to exit.
pub(crate) fn load_rubric(path: &Path) -> Result<crate::Rubric, Outcome> {
    let source = read_input(path).map_err(|message| {
        errln!("{message}");
        Outcome::Usage
    })?;
    let compiled = crate::compile(&source);
    compiled.rubric.ok_or_else(|| {
        let errors: Vec<_> = compiled.diagnostics.errors().cloned().collect();
        errput!(
            "{}",
            render::render_diagnostics(&display_name(path), &source, &errors)
        );
        Outcome::Failure
    })
}

/// Says where a file stops being UTF-8, as a line and column an editor can go to.
fn not_utf8(path: &Path, bytes: &[u8], error: std::str::Utf8Error) -> String {
    let valid = bytes.get(..error.valid_up_to()).unwrap_or_default();
    let valid = std::str::from_utf8(valid).unwrap_or_default();
    let line = valid.matches('\n').count() + 1;
    let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
    let column = valid
        .get(line_start..)
        .unwrap_or_default()
        .trim_start_matches('\u{feff}')
        .chars()
        .count()
        + 1;
    let byte = bytes.get(error.valid_up_to()).copied().unwrap_or_default();
    format!(
        "error: `{}` is not UTF-8 text: byte 0x{byte:02X} at line {line}, column {column}\n  = help: save the file as UTF-8 (some editors save Chinese text as GBK)",
        path.display()
    )
}

/// The name a path is shown under in diagnostics (`<stdin>` for `-`).
pub(crate) fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Prints to stdout; a closed pipe (`rubric … | head`) is not an error.
pub(crate) fn print_stdout(text: &str) -> Outcome {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Outcome::Success,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Outcome::Success,
        Err(e) => {
            errln!("error: cannot write to standard output: {e}");
            Outcome::Usage
        }
    }
}
