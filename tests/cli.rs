//! The command line as users run it: exit codes, output streams, formats.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const VALID: &str = "rubric \"临泽县考核细则\" {\n  item 1.1 \"安全生产责任制\" weight 4 {\n    owner \"县应急局\"\n    clause a \"未制定责任清单的\" deduct 1\n  }\n}\n";
const WARNING: &str = "rubric \"临泽县考核细则\" {\n  unit person \"人\"\n  item 1.1 \"安全生产责任制\" weight 4 {\n    owner \"县应急局\"\n    clause a \"未制定责任清单的\" deduct 1\n  }\n}\n";
const ERROR: &str = "rubric \"临泽县考核细则\" {\n  item 1.1 \"安全生产责任制\" weight 0 {\n    owner \"县应急局\"\n    clause a \"未制定责任清单的\" deduct 1\n  }\n}\n";

/// A fresh directory for one test.
fn scratch() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "rubric-cli-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("file written");
    path
}

fn rubric(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rubric"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("stdin written");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("the binary ends")
}

fn show(output: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn check_exit_codes() {
    let dir = scratch();
    write(&dir, "ok.rubric", VALID);
    write(&dir, "warn.rubric", WARNING);
    write(&dir, "bad.rubric", ERROR);

    let ok = rubric(&dir, &["check", "ok.rubric"], None);
    assert_eq!(ok.status.code(), Some(0), "{}", show(&ok));
    assert_eq!(stderr(&ok), "", "{}", show(&ok));

    let warn = rubric(&dir, &["check", "warn.rubric"], None);
    assert_eq!(warn.status.code(), Some(0), "{}", show(&warn));
    assert!(
        stderr(&warn).starts_with("warn.rubric:2:8: warning[W0303]: "),
        "{}",
        show(&warn)
    );
    assert!(stderr(&warn).ends_with("\n1 warning\n"), "{}", show(&warn));

    let bad = rubric(&dir, &["check", "bad.rubric"], None);
    assert_eq!(bad.status.code(), Some(1), "{}", show(&bad));
    assert!(
        stderr(&bad).starts_with("bad.rubric:2:29: error[E0205]: "),
        "{}",
        show(&bad)
    );
    assert!(stderr(&bad).ends_with("\n1 error\n"), "{}", show(&bad));
}

#[test]
fn check_many_files_reports_them_all() {
    let dir = scratch();
    write(&dir, "ok.rubric", VALID);
    write(&dir, "warn.rubric", WARNING);
    write(&dir, "bad.rubric", ERROR);
    let out = rubric(
        &dir,
        &["check", "bad.rubric", "ok.rubric", "warn.rubric"],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let text = stderr(&out);
    let bad = text
        .find("bad.rubric:2:29: error[E0205]")
        .expect("bad reported");
    let warn = text
        .find("warn.rubric:2:8: warning[W0303]")
        .expect("warn reported");
    assert!(bad < warn, "{text}");
    assert!(text.ends_with("\n1 error, 1 warning\n"), "{text}");
}

#[test]
fn unreadable_files_exit_2_and_the_others_are_still_checked() {
    let dir = scratch();
    write(&dir, "bad.rubric", ERROR);
    std::fs::write(dir.join("latin1.rubric"), b"rubric \"\xe9\" {}").expect("written");
    let out = rubric(&dir, &["check", "missing.rubric", "bad.rubric"], None);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let text = stderr(&out);
    assert!(
        text.starts_with("error: cannot read `missing.rubric`"),
        "{text}"
    );
    assert!(text.contains("bad.rubric:2:29: error[E0205]"), "{text}");

    let out = rubric(&dir, &["check", "latin1.rubric"], None);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(stderr(&out).contains("is not UTF-8"), "{}", show(&out));
}

#[test]
fn usage_errors_exit_2() {
    let dir = scratch();
    for args in [
        &["check"][..],
        &["nonsense"],
        &["export", "x.rubric"],
        &["check", "--format", "xml", "x"],
    ] {
        let out = rubric(&dir, args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}\n{}", show(&out));
    }
}

#[test]
fn check_json_format() {
    let dir = scratch();
    write(&dir, "bad.rubric", ERROR);
    write(&dir, "warn.rubric", WARNING);
    let out = rubric(
        &dir,
        &["check", "--format", "json", "bad.rubric", "warn.rubric"],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert_eq!(stderr(&out), "");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let list = json.as_array().expect("an array");
    assert_eq!(list.len(), 2, "{json}");
    let first = &list[0];
    for key in [
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "severity",
        "code",
        "message",
    ] {
        assert!(first.get(key).is_some(), "no `{key}` in {first}");
    }
    assert_eq!(first["path"], "bad.rubric");
    assert_eq!(first["line"], 2);
    assert_eq!(first["column"], 29);
    assert_eq!(first["end_column"], 30);
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "E0205");
    assert_eq!(list[1]["severity"], "warning");

    let clean = rubric(&dir, &["check", "--format", "json", "warn.rubric"], None);
    assert_eq!(clean.status.code(), Some(0), "{}", show(&clean));
}

#[test]
fn check_reads_standard_input() {
    let dir = scratch();
    let out = rubric(&dir, &["check", "-"], Some(ERROR));
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        stderr(&out).starts_with("<stdin>:2:29: error[E0205]"),
        "{}",
        show(&out)
    );
}

#[test]
fn fmt_check_and_stdin() {
    let dir = scratch();
    let messy = VALID
        .replace("weight 4", "weight   4")
        .replace("deduct 1", "deduct   1");
    let path = write(&dir, "messy.rubric", &messy);

    // `-` formats standard input to standard output.
    let out = rubric(&dir, &["fmt", "-"], Some(&messy));
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let canonical = String::from_utf8(out.stdout.clone()).expect("UTF-8");
    assert_ne!(canonical, messy);

    // `--check` reports the messy file and leaves it alone.
    let out = rubric(&dir, &["fmt", "--check", "messy.rubric"], None);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(stderr(&out).contains("messy.rubric"), "{}", show(&out));
    assert_eq!(std::fs::read_to_string(&path).expect("readable"), messy);

    // Without `--check` the file is rewritten, and then it passes.
    let out = rubric(&dir, &["fmt", "messy.rubric"], None);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert_eq!(std::fs::read_to_string(&path).expect("readable"), canonical);
    let out = rubric(&dir, &["fmt", "--check", "messy.rubric"], None);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));

    // A file that does not parse is refused with its diagnostics.
    write(
        &dir,
        "broken.rubric",
        "rubric \"t\" {\n  item 1 \"x\" weight 4 {\n",
    );
    let out = rubric(&dir, &["fmt", "--check", "broken.rubric"], None);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(stderr(&out).starts_with("broken.rubric:"), "{}", show(&out));

    let out = rubric(&dir, &["fmt", "missing.rubric"], None);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
}

#[test]
fn export_formats() {
    let dir = scratch();
    write(&dir, "ok.rubric", VALID);
    write(&dir, "bad.rubric", ERROR);

    let out = rubric(&dir, &["export", "ok.rubric", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["title"], "临泽县考核细则");
    assert_eq!(json["items"][0]["weight"], "4");
    assert_eq!(json["items"][0]["clauses"][0]["shape"], "once");

    let out = rubric(&dir, &["export", "ok.rubric", "--format", "markdown"], None);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let markdown = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(markdown.starts_with("# 临泽县考核细则\n"), "{markdown}");
    assert!(
        markdown.contains("| a 未制定责任清单的 | 扣 1 分 | 县应急局 |  |"),
        "{markdown}"
    );

    let out = rubric(&dir, &["export", "ok.rubric", "--format", "csv"], None);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let csv = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        csv.contains("\r\n,1.1,安全生产责任制,4,a,未制定责任清单的,扣 1 分,1,,,县应急局,\r\n"),
        "{csv}"
    );

    let out = rubric(&dir, &["export", "bad.rubric", "--format", "json"], None);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).starts_with("bad.rubric:2:29: error[E0205]"),
        "{}",
        show(&out)
    );
}
