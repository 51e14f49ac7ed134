//! Generates synthetic rubrics and inspection streams for load tests.
//!
//! ```text
//! cargo run --release --example generate -- rubric --items 1000 --seed 7 > big.rubric
//! cargo run --release --example generate -- findings --rubric big.rubric --count 10000 --seed 7 > stream.jsonl
//! ```
//!
//! `rubric` options: `--items N` (default 150), `--per-section N` (default 10), `--seed S`.
//! `findings` options: `--rubric FILE` (required), `--count N` inspections (default 1000),
//! `--findings K` clause findings per inspection (default 100), `--seed S`.
//! The same options always give the same bytes; the benchmarks use the same code.

#[path = "../benches/support/synth.rs"]
mod synth;

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: generate rubric [--items N] [--per-section N] [--seed S]\n       generate findings --rubric FILE [--count N] [--findings K] [--seed S]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Reads `--name value` pairs.
fn options(args: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    let mut rest = args.iter();
    while let Some(name) = rest.next() {
        let Some(name) = name.strip_prefix("--") else {
            return Err(format!("unexpected argument `{name}`"));
        };
        let value = rest
            .next()
            .ok_or_else(|| format!("`--{name}` needs a value"))?;
        pairs.push((name.to_owned(), value.clone()));
    }
    Ok(pairs)
}

fn number(name: &str, value: &str) -> Result<u64, String> {
    value
        .parse()
        .map_err(|_| format!("`--{name}` takes a whole number, not `{value}`"))
}

fn run(args: Vec<String>) -> Result<(), String> {
    let Some((command, rest)) = args.split_first() else {
        return Err("missing command".into());
    };
    let mut seed = 0;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let write_error = |e: std::io::Error| format!("cannot write to standard output: {e}");
    match command.as_str() {
        "rubric" => {
            let mut options_of = synth::RubricOptions::new(150, 0);
            for (name, value) in options(rest)? {
                match name.as_str() {
                    "items" => options_of.items = number(&name, &value)?.max(1) as usize,
                    "per-section" => {
                        options_of.items_per_section = number(&name, &value)?.max(1) as usize
                    }
                    "seed" => seed = number(&name, &value)?,
                    _ => return Err(format!("unknown option `--{name}`")),
                }
            }
            options_of.seed = seed;
            out.write_all(synth::rubric_source(&options_of).as_bytes())
                .map_err(write_error)?;
        }
        "findings" => {
            let (mut path, mut count, mut findings) = (None, 1000, 100);
            for (name, value) in options(rest)? {
                match name.as_str() {
                    "rubric" => path = Some(value),
                    "count" => count = number(&name, &value)?,
                    "findings" => findings = number(&name, &value)? as usize,
                    "seed" => seed = number(&name, &value)?,
                    _ => return Err(format!("unknown option `--{name}`")),
                }
            }
            let path = path.ok_or("`findings` needs `--rubric FILE`")?;
            let source =
                std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
            let rubric = rubric::Rubric::parse(&source).map_err(|diagnostics| {
                format!(
                    "`{path}` is not a valid rubric ({} diagnostics; run `rubric check {path}`)",
                    diagnostics.0.len()
                )
            })?;
            for index in 0..count {
                let line = synth::inspection(&rubric, findings, seed, index);
                writeln!(out, "{line}").map_err(write_error)?;
            }
        }
        other => return Err(format!("unknown command `{other}`")),
    }
    out.flush().map_err(write_error)
}
