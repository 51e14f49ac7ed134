//! Data-driven tests of the parser, the lowering and the formatter.
//!
//! - `tests/data/syntax/ok/*.rubric` must parse and lower without any diagnostic.
//! - `tests/data/syntax/err/*.rubric` are compared with their `.expected` file:
//!   one diagnostic per line, `LINE:COLUMN: error[CODE]: MESSAGE`, then
//!   `  help: …` when there is a hint.
//! - `tests/data/fmt/*.rubric` are compared with their `.formatted` file, which
//!   must itself be a fixed point of the formatter.
//!
//! A missing expectation file is written; `BLESS=1` rewrites them all.

use rubric::{LineIndex, Span};
use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};

fn data(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rubric"))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> String {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Syntax and lowering diagnostics, rendered one per line.
fn render(source: &str) -> String {
    let parsed = rubric::syntax::parse(source);
    let (_, lowering) = rubric::model::lower(&parsed.file);
    let mut diagnostics = parsed.diagnostics;
    diagnostics.extend(lowering);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    let index = LineIndex::new(source);
    let mut out = String::new();
    for d in &diagnostics {
        let at = index.position(d.span.start);
        let _ = writeln!(
            out,
            "{}:{}: {}[{}]: {}",
            at.line,
            at.column,
            d.severity(),
            d.code,
            d.message
        );
        if let Some(help) = &d.help {
            let _ = writeln!(out, "  help: {help}");
        }
    }
    out
}

/// Compares `actual` with the file at `path`, writing it when missing or when blessing.
fn expect_file(path: &Path, actual: &str, failures: &mut Vec<String>) {
    let bless = std::env::var_os("BLESS").is_some();
    match fs::read_to_string(path) {
        Ok(expected) if !bless => {
            if expected != actual {
                failures.push(format!(
                    "{}\n--- expected\n{expected}--- actual\n{actual}",
                    path.display()
                ));
            }
        }
        _ => fs::write(path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    }
}

#[test]
fn ok_files_have_no_diagnostics() {
    let files = data("syntax/ok");
    assert!(files.len() >= 5, "too few ok files");
    let mut failures = Vec::new();
    for path in files {
        let rendered = render(&read(&path));
        if !rendered.is_empty() {
            failures.push(format!("{}\n{rendered}", path.display()));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn err_files_match_their_expectations() {
    let files = data("syntax/err");
    assert!(files.len() >= 30, "too few error files");
    let mut failures = Vec::new();
    for path in files {
        let rendered = render(&read(&path));
        if rendered.is_empty() {
            failures.push(format!("{}: no diagnostic", path.display()));
        }
        expect_file(&path.with_extension("expected"), &rendered, &mut failures);
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn fmt_files_match_their_expectations() {
    let files = data("fmt");
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for path in files {
        let source = read(&path);
        let formatted = match rubric::fmt::format(&source) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{}: {:?}", path.display(), e.0));
                continue;
            }
        };
        match rubric::fmt::format(&formatted) {
            Ok(again) if again == formatted => {}
            other => failures.push(format!("{}: not idempotent: {other:?}", path.display())),
        }
        expect_file(&path.with_extension("formatted"), &formatted, &mut failures);
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Windows files: a BOM, CRLF line ends and tabs are normal, and positions stay right.
#[test]
fn windows_files_keep_positions() {
    let source = "\u{feff}rubric \"t\" {\r\n\titem 1 \"a\" weight 2分 {\r\n\t\tclause a \"x\" deduct 1\r\n\t}\r\n}\r\n";
    assert_eq!(
        render(source),
        "2:20: error[E0104]: expected a number, found `2分`\n  help: write the number alone: `2`\n"
    );
    let clean = source.replace("2分", "2");
    assert_eq!(render(&clean), "");
    let formatted = rubric::fmt::format(&clean).map_err(|e| e.0);
    assert_eq!(
        formatted.as_deref(),
        Ok("rubric \"t\" {\n  item 1 \"a\" weight 2 {\n    clause a \"x\" deduct 1\n  }\n}\n")
    );
    let _ = Span::default();
}
