//! `rubric eval RUBRIC --batch INPUT`, run as a user runs it: the real
//! binary on the example rubric of the spec and on inputs with broken
//! inspections (text that is not JSON, an unknown item, blank lines, a value
//! that is not an object, a truncated file).
//!
//! Inputs live in `tests/batch/`. `stream.jsonl` holds, line by line:
//! 1 the worked example of spec 6.1 (20.50, pass); 2 blank; 3 甘州区 with no
//! deduction (30.00, excellent); 4 not JSON; 5 an unknown item (and so a
//! missing external); 6 spaces; 7 a JSON array; 8 山丹县 with `deduct all`
//! on 2.1 and a veto (21.00, pass).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/batch")
        .join(name)
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("batch")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

fn rubric(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rubric"));
    command.args(args).current_dir(data(""));
    command.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("the rubric binary runs");
    if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
        use std::io::Write;
        pipe.write_all(input).expect("stdin is written");
    }
    let output = child.wait_with_output().expect("the rubric binary ends");
    eprintln!(
        "rubric {}\nstatus: {}\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn json_lines(output: &Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect()
}

#[test]
fn a_stream_with_broken_lines_scores_the_rest_in_order() {
    let output = rubric(
        &[
            "eval",
            "example.rubric",
            "--batch",
            "stream.jsonl",
            "--format",
            "jsonl",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let rows = json_lines(&output);
    assert_eq!(rows.len(), 7, "six inspections and the aggregate");

    let summary: Vec<(u64, &str, &str)> = rows[..6]
        .iter()
        .map(|row| {
            (
                row["number"].as_u64().unwrap_or(0),
                row["source"].as_str().unwrap_or(""),
                row["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "stream.jsonl:1", "scored"),
            (2, "stream.jsonl:3", "scored"),
            (3, "stream.jsonl:4", "failed"),
            (4, "stream.jsonl:5", "failed"),
            (5, "stream.jsonl:7", "failed"),
            (6, "stream.jsonl:8", "scored"),
        ]
    );

    let first = &rows[0];
    assert_eq!(first["subject"], "临泽县");
    assert_eq!(first["score"], "20.50");
    assert_eq!(first["grade"], "pass");
    assert_eq!(first["grade_label"], "合格");
    assert_eq!(first["lost"], "9.50");
    // The three largest deductions; equal amounts keep rubric order.
    let largest: Vec<(&str, &str)> = first["largest_deductions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["clause"].as_str().unwrap_or(""),
                d["amount"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(largest, [("2.1/c", "4"), ("2.1/a", "2"), ("10.2/d", "1")]);

    assert_eq!(rows[1]["subject"], "甘州区");
    assert_eq!(rows[1]["score"], "30.00");
    assert_eq!(rows[1]["grade"], "excellent");
    assert_eq!(rows[5]["subject"], "山丹县");
    assert_eq!(rows[5]["score"], "21.00");
    assert_eq!(rows[5]["grade"], "pass");

    // Every error of a failed inspection is a row entry and a stderr line.
    let unknown = rows[3]["errors"].as_array().cloned().unwrap_or_default();
    assert!(
        unknown.len() >= 2,
        "unknown item and missing external: {unknown:?}"
    );
    assert!(unknown
        .iter()
        .any(|e| e.as_str().unwrap_or("").contains("99.9")));
    assert!(unknown
        .iter()
        .any(|e| e.as_str().unwrap_or("").contains("9.1/daily")));

    // As `rubric eval` writes them, with the line number in front:
    // `SOURCE: [LOCATION: ]error: MESSAGE`.
    let errors = stderr(&output);
    let error_lines: Vec<&str> = errors.lines().filter(|l| l.contains("error: ")).collect();
    assert_eq!(error_lines.len(), 4, "{errors}");
    assert!(error_lines[0].starts_with("stream.jsonl:4: error: "));
    assert!(error_lines[1].starts_with("stream.jsonl:5: findings[0]"));
    assert!(error_lines[1].contains("error: ") && error_lines[1].contains("99.9"));
    assert!(error_lines[2].starts_with("stream.jsonl:5: 9.1/daily: error: "));
    assert!(error_lines[3].starts_with("stream.jsonl:7: error: "));
    // Errors come in input order.
    let positions: Vec<usize> = ["stream.jsonl:4:", "stream.jsonl:5:", "stream.jsonl:7:"]
        .iter()
        .filter_map(|p| errors.find(p))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{errors}");

    let aggregate = &rows[6]["aggregate"];
    assert_eq!(aggregate["inspections"], 6);
    assert_eq!(aggregate["scored"], 3);
    assert_eq!(aggregate["failed"], 3);
    // (20.50 + 30.00 + 21.00) / 3 = 23.8333…
    assert_eq!(aggregate["score"]["mean"], "23.83");
    assert_eq!(aggregate["score"]["lowest"], "20.5");
    assert_eq!(aggregate["score"]["highest"], "30");
    let grades: Vec<(&str, u64)> = aggregate["grades"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            (
                g["grade"].as_str().unwrap_or(""),
                g["count"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    assert_eq!(
        grades,
        [("excellent", 1), ("good", 0), ("pass", 2), ("fail", 0)]
    );
    let clauses: Vec<(&str, &str, u64)> = aggregate["clauses"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["clause"].as_str().unwrap_or(""),
                c["points"].as_str().unwrap_or(""),
                c["triggered"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        clauses,
        [
            ("2.1/c", "4", 1),
            ("2.1/z", "4", 1),
            ("2.1/a", "2", 1),
            ("10.2/d", "1", 1),
            ("39/hazard", "1", 1),
            ("10.2/g", "0.5", 1),
            ("10.2/h", "0.5", 1),
        ]
    );
    let owner = |name: &str| {
        aggregate["owners"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| o["owner"] == name)
            .and_then(|o| o["points"].as_str().map(str::to_owned))
    };
    assert_eq!(owner("县委宣传部").as_deref(), Some("8"));
    assert_eq!(owner("县安委会办公室").as_deref(), Some("7.5"));
    assert_eq!(owner("县安委办").as_deref(), Some("2"));
    assert_eq!(owner("县专项行动方案涉及的部门").as_deref(), Some("2"));
    let vetoes = &aggregate["vetoes"];
    assert_eq!(vetoes[0]["veto"], "formality");
    assert_eq!(vetoes[0]["triggered"], 2);
    assert_eq!(vetoes[1]["veto"], "inaction");
    assert_eq!(vetoes[1]["triggered"], 1);
}

#[test]
fn standard_input_is_read_for_a_dash() {
    let stream = std::fs::read(data("stream.jsonl")).expect("stream");
    let output = rubric(
        &[
            "eval",
            "example.rubric",
            "--batch",
            "-",
            "--format",
            "jsonl",
        ],
        Some(&stream),
    );
    assert_eq!(output.status.code(), Some(1));
    let rows = json_lines(&output);
    assert_eq!(rows[0]["source"], "<stdin>:1");
    assert_eq!(rows[2]["source"], "<stdin>:4");
    assert!(stderr(&output).contains("<stdin>:4: error: "));
}

#[test]
fn a_stream_without_failures_exits_zero() {
    let stream = std::fs::read_to_string(data("stream.jsonl")).expect("stream");
    let good: String = stream
        .lines()
        .filter(|line| line.contains("\"subject\"") && !line.contains("99.9"))
        .map(|line| format!("{line}\n"))
        .collect();
    let output = rubric(
        &["eval", "example.rubric", "--batch", "-", "--jobs", "2"],
        Some(good.as_bytes()),
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr(&output), "");
    let text = stdout(&output);
    let rows: Vec<&str> = text.lines().skip(1).take(3).collect();
    assert!(rows[0].contains("临泽县") && rows[0].contains("20.50") && rows[0].contains("合格"));
    assert!(rows[1].contains("甘州区") && rows[1].contains("30.00") && rows[1].contains("优秀"));
    assert!(rows[2].contains("山丹县") && rows[2].contains("21.00"));
    assert!(
        text.contains("aggregate: 3 inspections, 3 scored, 0 failed"),
        "{text}"
    );
}

#[test]
fn a_directory_is_read_in_file_name_order_and_reports_go_to_out() {
    let out = scratch("directory");
    let out_arg = out.display().to_string();
    let output = rubric(
        &[
            "eval",
            "example.rubric",
            "--batch",
            "dir",
            "--format",
            "csv",
            "--out",
            &out_arg,
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}number,source,status,subject,score,grade,lost,largest_deductions,errors"
    );
    assert_eq!(
        lines.len(),
        4,
        "header and three rows, no aggregate: {text}"
    );
    assert!(lines[1].starts_with("1,dir/a-linze.json,scored,临泽县,20.50,合格,9.50,"));
    assert!(lines[2].starts_with("2,dir/b-broken.json,failed,,,,,,"));
    assert!(lines[3].starts_with("3,dir/c-ganzhou.json,scored,甘州区,30.00,优秀,0.00,"));

    let errors = stderr(&output);
    assert!(errors.contains("dir/b-broken.json: error: "), "{errors}");
    assert!(
        errors.contains("notes.txt"),
        "left-out entries are named: {errors}"
    );

    let mut written: Vec<String> = std::fs::read_dir(&out)
        .expect("out directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        ["0001-临泽县.json", "0003-甘州区.json", "aggregate.json"]
    );
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("0001-临泽县.json")).expect("report"),
    )
    .expect("report is JSON");
    assert_eq!(report["subject"], "临泽县");
    assert_eq!(report["score"], "20.50");
    assert_eq!(report["score_exact"], "20.5");
    let aggregate: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("aggregate.json")).expect("aggregate"),
    )
    .expect("aggregate is JSON");
    assert_eq!(aggregate["aggregate"]["failed"], 1);
    assert_eq!(aggregate["aggregate"]["scored"], 2);
}

#[test]
fn markdown_has_the_table_and_the_aggregate() {
    let output = rubric(
        &[
            "eval",
            "example.rubric",
            "--batch",
            "stream.jsonl",
            "--format",
            "markdown",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.starts_with("| # | subject | score | grade | lost | largest deductions |\n"));
    assert!(text.contains("| 1 | 临泽县 | 20.50 | 合格 | 9.50 | 2.1/c −4, 2.1/a −2, 10.2/d −1 |"));
    assert!(text.contains("| 3 | stream.jsonl:4 | | **failed** |"));
    assert!(text.contains("## Aggregate"));
    assert!(text.contains("| 合格 (pass) | 2 | 66.7% |"), "{text}");
}

#[test]
fn a_missing_input_is_a_usage_error() {
    let output = rubric(
        &["eval", "example.rubric", "--batch", "no-such.jsonl"],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no-such.jsonl"));
}
