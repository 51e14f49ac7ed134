//! The command line under hostile input and faults: closed streams, output
//! folders in use, inputs at and past every documented limit. No panic
//! (exit 101), every file whole or untouched, every early stop said.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const VALID: &str = "rubric \"临泽县考核细则\" {\n  item 1.1 \"安全生产责任制\" weight 4 {\n    owner \"县应急局\"\n    clause a \"未制定责任清单的\" deduct 1\n  }\n}\n";
const FINDINGS: &str = r#"{"subject": "临泽县", "findings": [{"item": "1.1", "clause": "a"}]}"#;

/// 16 MiB: the largest file, and the longest batch line.
const LIMIT: usize = 16 << 20;

fn scratch() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "rubric-hostile-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("file written");
    path
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rubric"));
    command.current_dir(dir).args(args);
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    command(dir, args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn show(output: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A rubric with `n` items of weight 0: `n` errors.
fn many_errors(n: usize) -> String {
    let mut text = String::from("rubric \"r\" {\n");
    for i in 0..n {
        text.push_str(&format!(
            "  item {i} \"x\" weight 0 {{\n    owner \"甲\"\n    clause a \"c\" deduct 1\n  }}\n"
        ));
    }
    text.push_str("}\n");
    text
}

#[test]
fn fmt_rewrites_the_file_whole_and_leaves_nothing_beside_it() {
    let dir = scratch();
    write(&dir, "a.rubric", &VALID.replace("  item", "        item"));
    let out = run(&dir, &["fmt", "a.rubric"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("a.rubric")).unwrap_or_default(),
        VALID
    );
    assert_eq!(names(&dir), vec!["a.rubric"]);
    // A file that cannot be replaced is named, and nothing is lost.
    let missing = run(&dir, &["fmt", "no/such/a.rubric"]);
    assert_eq!(missing.status.code(), Some(2), "{}", show(&missing));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/a.rubric"));
}

#[test]
fn batch_out_refuses_a_folder_in_use_and_replaces_it_whole_when_asked() {
    let dir = scratch();
    write(&dir, "r.rubric", VALID);
    write(&dir, "in.jsonl", &format!("{FINDINGS}\n{FINDINGS}\n"));
    let first = run(
        &dir,
        &[
            "eval", "r.rubric", "--batch", "in.jsonl", "--out", "reports",
        ],
    );
    assert_eq!(first.status.code(), Some(0), "{}", show(&first));
    assert_eq!(
        names(&dir.join("reports")),
        vec!["0001-临泽县.json", "0002-临泽县.json", "aggregate.json"]
    );
    // A second run into the same folder would mix two runs: refused.
    write(&dir, "one.jsonl", &format!("{FINDINGS}\n"));
    let again = run(
        &dir,
        &[
            "eval",
            "r.rubric",
            "--batch",
            "one.jsonl",
            "--out",
            "reports",
        ],
    );
    assert_eq!(again.status.code(), Some(2), "{}", show(&again));
    assert!(String::from_utf8_lossy(&again.stderr).contains("`reports` is not empty"));
    assert_eq!(names(&dir.join("reports")).len(), 3, "untouched");
    // `--replace`: the folder holds this run only.
    let replaced = run(
        &dir,
        &[
            "eval",
            "r.rubric",
            "--batch",
            "one.jsonl",
            "--out",
            "reports",
            "--replace",
        ],
    );
    assert_eq!(replaced.status.code(), Some(0), "{}", show(&replaced));
    assert_eq!(
        names(&dir.join("reports")),
        vec!["0001-临泽县.json", "aggregate.json"]
    );
    // Nothing is left beside it.
    assert_eq!(
        names(&dir),
        vec!["in.jsonl", "one.jsonl", "r.rubric", "reports"]
    );
}

#[test]
fn batch_with_stdout_closed_early_finishes_its_files_and_exits_non_zero() {
    let dir = scratch();
    write(&dir, "r.rubric", VALID);
    write(&dir, "in.jsonl", &format!("{FINDINGS}\n").repeat(5000));
    let mut child = command(
        &dir,
        &[
            "eval", "r.rubric", "--batch", "in.jsonl", "--format", "csv", "--out", "reports",
        ],
    )
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("the binary runs");
    // `| head -c 0`: the reader goes away at once.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("the binary ends");
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("standard output was closed"), "{stderr}");
    let reports = names(&dir.join("reports"));
    assert_eq!(reports.len(), 5001, "every report and the aggregate");
    let aggregate = std::fs::read_to_string(dir.join("reports/aggregate.json")).unwrap_or_default();
    assert!(aggregate.contains("\"inspections\":5000"), "{aggregate}");
}

/// Runs with standard error a pipe whose reader has gone: no exit 101.
fn with_stderr_closed(dir: &Path, args: &[&str]) -> Output {
    let mut child = command(dir, args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stderr.take());
    child.wait_with_output().expect("the binary ends")
}

#[test]
fn a_closed_stderr_is_not_a_panic() {
    let dir = scratch();
    // More than a pipe holds, so that writing certainly meets the closed pipe.
    write(&dir, "bad.rubric", &many_errors(2000));
    write(&dir, "r.rubric", VALID);
    let mut bad_findings = String::from(r#"{"subject": "x", "findings": ["#);
    for i in 0..3000 {
        if i > 0 {
            bad_findings.push(',');
        }
        bad_findings.push_str(&format!(r#"{{"item": "nope{i}", "clause": "a"}}"#));
    }
    bad_findings.push_str("]}");
    write(&dir, "bad.json", &bad_findings);
    write(&dir, "bad.jsonl", &format!("{bad_findings}\n").repeat(20));
    let cases: [&[&str]; 3] = [
        &["check", "bad.rubric", "--max-diagnostics", "100000"],
        &[
            "eval",
            "r.rubric",
            "bad.json",
            "--max-diagnostics",
            "100000",
        ],
        &[
            "eval",
            "r.rubric",
            "--batch",
            "bad.jsonl",
            "--format",
            "csv",
        ],
    ];
    for args in cases {
        let out = with_stderr_closed(&dir, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", show(&out));
    }
}

#[test]
fn diagnostics_shown_stop_at_the_limit_and_say_how_many_more() {
    let dir = scratch();
    write(&dir, "at.rubric", &many_errors(100));
    write(&dir, "past.rubric", &many_errors(101));
    let at = run(&dir, &["check", "at.rubric"]);
    let at_err = String::from_utf8_lossy(&at.stderr);
    assert_eq!(at_err.matches("error[E0205]").count(), 100, "{at_err}");
    assert!(!at_err.contains("more diagnostics"));
    let past = run(&dir, &["check", "past.rubric"]);
    let past_err = String::from_utf8_lossy(&past.stderr);
    assert_eq!(past_err.matches("error[E0205]").count(), 100);
    assert!(
        past_err.contains("past.rubric: … and 1 more diagnostics not shown (`--max-diagnostics 101` shows them all)"),
        "{past_err}"
    );
    assert!(past_err.ends_with("101 errors\n"), "{past_err}");
    let all = run(&dir, &["check", "past.rubric", "--max-diagnostics", "101"]);
    assert_eq!(
        String::from_utf8_lossy(&all.stderr)
            .matches("error[E0205]")
            .count(),
        101
    );
}

#[test]
fn files_at_the_size_limit_are_read_and_past_it_refused() {
    let dir = scratch();
    let mut at = String::from(VALID);
    at.push('#');
    at.push_str(&"x".repeat(LIMIT - at.len()));
    assert_eq!(at.len(), LIMIT);
    write(&dir, "at.rubric", &at);
    let out = run(&dir, &["check", "at.rubric"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    at.push('x');
    write(&dir, "past.rubric", &at);
    let out = run(&dir, &["check", "past.rubric"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`past.rubric` is larger than 16777216 bytes (16 MiB)"),
        "{stderr}"
    );
}

#[test]
fn a_batch_line_at_the_size_limit_is_read_and_past_it_fails_alone() {
    let dir = scratch();
    write(&dir, "r.rubric", VALID);
    let line = |length: usize| {
        let head = r#"{"subject": "长", "findings": [{"item": "1.1", "clause": "a", "note": ""#;
        let tail = r#""}]}"#;
        format!(
            "{head}{}{tail}",
            "x".repeat(length - head.len() - tail.len())
        )
    };
    let input = format!("{}\n{}\n{FINDINGS}\n", line(LIMIT), line(LIMIT + 1));
    write(&dir, "in.jsonl", &input);
    let out = run(
        &dir,
        &[
            "eval", "r.rubric", "--batch", "in.jsonl", "--format", "jsonl",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "one row failed: {}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = stdout.lines().collect();
    assert!(
        rows[0].contains("\"status\":\"scored\""),
        "at the limit: {}",
        rows[0]
    );
    assert!(rows[1].contains("\"status\":\"failed\""), "{}", rows[1]);
    assert!(
        rows[1].contains("the line is 16777217 bytes long, more than the limit of 16777216 bytes"),
        "{}",
        rows[1]
    );
    assert!(
        rows[2].contains("\"status\":\"scored\""),
        "the batch goes on"
    );
}

#[test]
fn export_csv_neutralises_formulas() {
    let dir = scratch();
    write(
        &dir,
        "r.rubric",
        &VALID.replace("未制定责任清单的", "=HYPERLINK(\\\"http://x\\\")"),
    );
    let out = run(&dir, &["export", "r.rubric", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.contains(r#""'=HYPERLINK(""http://x"")""#), "{csv}");
}

#[test]
fn every_stdin_write_of_a_batch_is_bounded() {
    // Standard input as the batch: the same line limit holds.
    let dir = scratch();
    write(&dir, "r.rubric", VALID);
    let mut child = command(
        &dir,
        &["eval", "r.rubric", "--batch", "-", "--format", "csv"],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..20 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = stdin.write_all(format!("\n{FINDINGS}\n").as_bytes());
    });
    let out = child.wait_with_output().expect("the binary ends");
    let _ = writer.join();
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("more than the limit of 16777216 bytes"),
        "{stdout}"
    );
    assert!(stdout.contains(",scored,"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn a_terminated_batch_says_so_and_leaves_no_folder() {
    let dir = scratch();
    write(&dir, "r.rubric", VALID);
    let mut child = command(
        &dir,
        &[
            "eval", "r.rubric", "--batch", "-", "--format", "csv", "--out", "reports",
        ],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("the binary runs");
    // Some inspections, then the input stays open: the run is mid-way.
    // (Fewer than a pipe holds, so that writing them never waits.)
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(format!("{FINDINGS}\n").repeat(100).as_bytes())
        .expect("written");
    std::thread::sleep(std::time::Duration::from_millis(1000));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let out = child.wait_with_output().expect("the binary ends");
    drop(stdin);
    assert_eq!(out.status.code(), Some(130), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("interrupted; the run stopped early"),
        "{stderr}"
    );
    assert!(
        stderr.contains("nothing was written to `reports`"),
        "{stderr}"
    );
    assert_eq!(
        names(&dir),
        vec!["r.rubric"],
        "no report folder, no partial folder"
    );
}
