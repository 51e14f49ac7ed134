//! Golden tests of `rubric check`: every `tests/data/check/*.rubric` is
//! checked by the real binary, and what it prints on standard error must
//! equal the `.stderr` file beside it. A missing expectation is written;
//! `BLESS=1` rewrites them all.
//!
//! Files are named after the code they are about (`E0202-unknown-unit.rubric`)
//! and there is one for every code: the output must contain that code, and
//! the exit code must be 1 for an error and 0 for a warning.

use rubric::{Code, Severity};
use std::path::{Path, PathBuf};
use std::process::Command;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/check")
}

fn inputs() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("tests/data/check exists")
        .map(|entry| entry.expect("readable directory").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rubric"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn golden_check_output() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for input in inputs() {
        let name = file_name(&input);
        // Run inside the data directory so the output shows a short, portable path.
        let output = Command::new(env!("CARGO_BIN_EXE_rubric"))
            .current_dir(data_dir())
            .args(["check", &name])
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let code_text = name.get(..5).unwrap_or_default();
        let Some(code) = Code::ALL.iter().find(|c| c.as_str() == code_text) else {
            failures.push(format!(
                "{name}: the name does not start with a diagnostic code"
            ));
            continue;
        };
        let marker = format!("{}[{}]", code.severity(), code.as_str());
        if !stderr.contains(&marker) {
            failures.push(format!("{name}: expected `{marker}` in\n{stderr}"));
        }
        let expected_status = match code.severity() {
            Severity::Error => 1,
            Severity::Warning => 0,
        };
        if output.status.code() != Some(expected_status) {
            failures.push(format!(
                "{name}: exit status {:?}, expected {expected_status}",
                output.status.code()
            ));
        }
        let expectation = input.with_extension("stderr");
        match std::fs::read_to_string(&expectation) {
            Ok(expected) if !bless => {
                if expected != stderr {
                    failures.push(format!(
                        "{name}: output differs (rerun with BLESS=1 to accept)\n--- expected\n{expected}\n--- actual\n{stderr}"
                    ));
                }
            }
            _ => std::fs::write(&expectation, &stderr).expect("expectation written"),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_code_has_a_golden_file() {
    let names: Vec<String> = inputs().iter().map(|p| file_name(p)).collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        // E0199 is the formatter's internal soundness check: no input should reach it.
        .filter(|c| **c != Code::FormatterMismatch)
        .map(|c| c.as_str())
        .filter(|code| !names.iter().any(|n| n.starts_with(code)))
        .collect();
    assert!(missing.is_empty(), "no golden file for {missing:?}");
}
