//! Malformed rubrics as authors really write them: `rubric check` must refuse
//! each with exit 1, never panic, and start with the diagnostic that points at
//! the mistake.
//!
//! Every `tests/data/malformed/*.rubric` says what its first diagnostic must be
//! in a comment line (usually the first line, which counts as line 1):
//!
//! ```text
//! # expect: 21:47 E0101 ~ expected `deduct`, found `dedcut`
//! ```
//!
//! `LINE:COLUMN CODE`, then optionally `~` and text the message must contain.
//! Files with CRLF line ends, a BOM and tabs keep their bytes (see
//! .gitattributes). What `check` prints is also compared with the `.stderr`
//! file beside each input: a missing one is written, `BLESS=1` rewrites them.
//!
//! Inputs too large or too odd to keep as files are generated here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/malformed")
}

fn rubric(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rubric"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// What a file expects of its first diagnostic.
#[derive(Debug, PartialEq)]
struct Expectation {
    line: usize,
    column: usize,
    code: String,
    message: Option<String>,
}

fn expectation(source: &str) -> Option<Expectation> {
    let header = source
        .lines()
        .map(|l| l.trim_start_matches('\u{feff}').trim_end_matches('\r'))
        .find_map(|l| l.strip_prefix("# expect: "))?;
    let (position, message) = match header.split_once(" ~ ") {
        Some((p, m)) => (p, Some(m.to_owned())),
        None => (header, None),
    };
    let (at, code) = position.split_once(' ')?;
    let (line, column) = at.split_once(':')?;
    Some(Expectation {
        line: line.parse().ok()?,
        column: column.parse().ok()?,
        code: code.trim().to_owned(),
        message,
    })
}

/// Checks the first line of `stderr` against `expected`; returns what is wrong.
fn first_line_problems(name: &str, stderr: &str, expected: &Expectation) -> Option<String> {
    let first = stderr.lines().next().unwrap_or_default();
    let prefix = format!(
        "{name}:{}:{}: error[{}]: ",
        expected.line, expected.column, expected.code
    );
    let Some(message) = first.strip_prefix(&prefix) else {
        return Some(format!("first line should start with `{prefix}`"));
    };
    match &expected.message {
        Some(wanted) if !message.contains(wanted.as_str()) => {
            Some(format!("the message should contain `{wanted}`"))
        }
        _ => None,
    }
}

#[test]
fn malformed_files_are_refused_at_the_mistake() {
    let dir = data_dir();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/data/malformed exists")
        .map(|entry| entry.expect("readable directory").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rubric"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 60, "only {} malformed files", inputs.len());
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for input in &inputs {
        let name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = String::from_utf8_lossy(&std::fs::read(input).expect("readable")).into_owned();
        let Some(expected) = expectation(&source) else {
            failures.push(format!("{name}: no `# expect: LINE:COLUMN CODE` line"));
            continue;
        };
        let output = rubric(&dir, &["check", &name]);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if stderr.contains("panicked") || output.status.code() != Some(1) {
            failures.push(format!(
                "{name}: exit status {:?}, expected 1\n{stderr}",
                output.status.code()
            ));
            continue;
        }
        if let Some(problem) = first_line_problems(&name, &stderr, &expected) {
            failures.push(format!("{name}: {problem}\n{stderr}"));
        }
        // The formatter does not panic on them either (it formats files that
        // only fail validation, and refuses the others).
        let formatted = rubric(&dir, &["fmt", "--check", &name]);
        let fmt_stderr = String::from_utf8_lossy(&formatted.stderr);
        if fmt_stderr.contains("panicked") || !matches!(formatted.status.code(), Some(0 | 1)) {
            failures.push(format!(
                "{name}: `fmt --check` exit status {:?}\n{fmt_stderr}",
                formatted.status.code()
            ));
        }
        let golden = input.with_extension("stderr");
        match std::fs::read_to_string(&golden) {
            Ok(expected) if !bless => {
                if expected != stderr {
                    failures.push(format!(
                        "{name}: output differs (rerun with BLESS=1 to accept)\n--- expected\n{expected}\n--- actual\n{stderr}"
                    ));
                }
            }
            _ => std::fs::write(&golden, &stderr).expect("expectation written"),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn expectation_lines_are_read() {
    assert_eq!(
        expectation("\u{feff}# expect: 21:47 E0101 ~ found `dedcut`\r\nrubric"),
        Some(Expectation {
            line: 21,
            column: 47,
            code: "E0101".into(),
            message: Some("found `dedcut`".into()),
        })
    );
    assert_eq!(
        expectation("rubric\n# expect: 1:1 E0101").map(|e| (e.line, e.column)),
        Some((1, 1))
    );
    assert_eq!(expectation("rubric \"t\" {}"), None);
}

fn scratch() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "rubric-malformed-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// Writes `bytes` to a fresh file, checks it, and returns the exit code and stderr.
fn check_bytes(bytes: &[u8]) -> (Option<i32>, String) {
    let dir = scratch();
    std::fs::write(dir.join("in.rubric"), bytes).expect("written");
    let output = rubric(&dir, &["check", "in.rubric"]);
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (output.status.code(), stderr)
}

fn assert_first_line(bytes: &[u8], line: usize, column: usize, code: &str, message: &str) {
    let (status, stderr) = check_bytes(bytes);
    assert_eq!(status, Some(1), "{stderr}");
    let expected = Expectation {
        line,
        column,
        code: code.into(),
        message: Some(message.into()),
    };
    if let Some(problem) = first_line_problems("in.rubric", &stderr, &expected) {
        panic!(
            "{problem}\n{}",
            stderr.chars().take(2000).collect::<String>()
        );
    }
}

#[test]
fn empty_and_blank_files() {
    assert_first_line(
        b"",
        1,
        1,
        "E0101",
        "expected `rubric`, found the end of the file",
    );
    assert_first_line(
        b"\xef\xbb\xbf\r\n\t\r\n",
        1,
        1,
        "E0101",
        "found the end of the file",
    );
}

#[test]
fn a_one_megabyte_line_keeps_its_column() {
    // 350 000 Chinese characters (over 1 MB) count one column each.
    let title = "中".repeat(350_000);
    let source =
        format!("rubric \"t\" {{ item 1 \"{title}\" weight 2 {{ clause a \"x\" dedcut 1 }} }}");
    let column = source
        .find("dedcut")
        .map(|b| source[..b].chars().count() + 1);
    assert_eq!(column, Some(350_048));
    assert_first_line(
        source.as_bytes(),
        1,
        350_048,
        "E0101",
        "expected `deduct`, found `dedcut`",
    );
}

#[test]
fn deeply_nested_braces() {
    let opened = format!("rubric \"t\" {}", "{".repeat(100_000));
    assert_first_line(opened.as_bytes(), 1, 12, "E0106", "close the rubric");
    let paired = format!("{}{}", "{".repeat(100_000), "}".repeat(100_000));
    assert_first_line(
        paired.as_bytes(),
        1,
        1,
        "E0101",
        "expected `rubric`, found `{`",
    );
    let items = format!(
        "rubric \"t\" {{\n{}",
        "item 1 \"i\" weight 1 {\n".repeat(20_000)
    );
    assert_first_line(items.as_bytes(), 1, 12, "E0106", "close the rubric");
}

#[test]
fn text_that_is_not_utf8_says_where() {
    // GBK, as some editors save Chinese text: exit 2 (the file cannot be read
    // as text), with the line and column of the first bad byte.
    let (status, stderr) = check_bytes(b"rubric \"t\" {\r\n\titem 1 \"\xd6\xd0\" weight 1 {\r\n");
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: `in.rubric` is not UTF-8 text: byte 0xD6 at line 2, column 10"),
        "{stderr}"
    );
    assert!(stderr.contains("save the file as UTF-8"), "{stderr}");
    // Binary garbage: the same, never a panic.
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let (status, stderr) = check_bytes(&garbage);
    assert!(matches!(status, Some(1 | 2)), "{status:?} {stderr}");
}

#[test]
fn json_findings_given_as_a_rubric() {
    let json = r#"{"subject": "临泽县", "findings": [{"item": "2.1", "clause": "a"}]}"#;
    assert_first_line(
        json.as_bytes(),
        1,
        1,
        "E0101",
        "expected `rubric`, found `{`",
    );
}
