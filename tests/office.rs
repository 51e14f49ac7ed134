//! The office formats through the real binary and real software: workbooks
//! read by openpyxl, an inspector's workbook filled in by openpyxl and scored
//! equal to the same findings in JSON, the HTML report printed to PDF by
//! headless Chromium (A4, its text checked with pdftotext), CSV with a
//! byte-order mark.
//!
//! The tests that need python3 with openpyxl, chromium or poppler-utils say
//! so and pass when those are missing, unless `RUBRIC_REQUIRE_OFFICE_TOOLS`
//! is set (as `.ci/run` does), in which case a missing tool fails them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const RUBRIC: &str = "rubrics/linze-2023.rubric";
const FINDINGS: &str = "examples/linze-2023-findings.json";

fn rubric(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rubric"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn show(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("office-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

/// Whether a program runs; when it does not, the test says so and is skipped
/// (or fails, where the tools are required).
fn available(program: &str, args: &[&str], what: &str) -> bool {
    let ok = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("RUBRIC_REQUIRE_OFFICE_TOOLS").is_none(),
            "{what} is required here but not available"
        );
        eprintln!("skipped: {what} is not available");
    }
    ok
}

fn run_ok(output: Output) -> Output {
    assert_eq!(output.status.code(), Some(0), "{}", show(&output));
    output
}

#[test]
fn openpyxl_reads_every_workbook_the_tool_writes() {
    if !available(
        "python3",
        &["-c", "import openpyxl"],
        "python3 with openpyxl",
    ) {
        return;
    }
    let dir = scratch("read");
    let template = dir.join("template.xlsx");
    let checklist = dir.join("checklist.xlsx");
    let report = dir.join("report.xlsx");
    run_ok(rubric(&[
        "template",
        RUBRIC,
        "--format",
        "xlsx",
        "--output",
        &path(&template),
    ]));
    run_ok(rubric(&[
        "export",
        RUBRIC,
        "--format",
        "xlsx",
        "--output",
        &path(&checklist),
    ]));
    run_ok(rubric(&[
        "eval",
        RUBRIC,
        FINDINGS,
        "--format",
        "xlsx",
        "--output",
        &path(&report),
    ]));
    let out = Command::new("python3")
        .arg("tests/office/read_all.py")
        .args([&template, &checklist, &report])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", show(&out));
}

#[test]
fn a_workbook_filled_in_by_openpyxl_scores_as_the_same_json() {
    if !available(
        "python3",
        &["-c", "import openpyxl"],
        "python3 with openpyxl",
    ) {
        return;
    }
    let dir = scratch("fill");
    let template = dir.join("template.xlsx");
    run_ok(rubric(&[
        "template",
        RUBRIC,
        "--format",
        "xlsx",
        "-o",
        &path(&template),
    ]));
    let filled = dir.join("filled.xlsx");
    let equivalent = dir.join("equivalent.json");
    let out = Command::new("python3")
        .arg("tests/office/fill.py")
        .args([&template, Path::new(FINDINGS), &filled, &equivalent])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", show(&out));
    for format in ["json", "text", "markdown", "html"] {
        let from_workbook = run_ok(rubric(&[
            "eval",
            RUBRIC,
            &path(&filled),
            "--format",
            format,
        ]));
        let from_json = run_ok(rubric(&[
            "eval",
            RUBRIC,
            &path(&equivalent),
            "--format",
            format,
        ]));
        assert!(from_json.stdout.len() > 1000);
        assert_eq!(
            String::from_utf8_lossy(&from_workbook.stdout),
            String::from_utf8_lossy(&from_json.stdout),
            "--format {format}"
        );
    }

    // A formula no program has computed is refused at its cell.
    let broken = dir.join("formula.xlsx");
    let out = Command::new("python3")
        .arg("tests/office/fill.py")
        .args([&template, Path::new(FINDINGS), &broken, &equivalent])
        .arg("formula")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", show(&out));
    let out = rubric(&["eval", RUBRIC, &path(&broken)]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("formula.xlsx: 评分!K7 (item 1, clause c): error: count: expected a number, found the formula `=1+1` with no computed value"),
        "{stderr}"
    );
    assert!(stderr.contains("= help: open the workbook in a spreadsheet program and save it"));
    assert!(out.stdout.is_empty());
}

#[test]
fn the_html_report_prints_on_a4_in_chromium() {
    if !available("chromium", &["--version"], "chromium")
        || !available("pdftotext", &["-v"], "pdftotext (poppler-utils)")
    {
        return;
    }
    let dir = scratch("print");
    let html = dir.join("report.html");
    run_ok(rubric(&[
        "eval",
        RUBRIC,
        FINDINGS,
        "--format",
        "html",
        "--output",
        &path(&html),
    ]));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no network"
    );
    let pdf = dir.join("report.pdf");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", path(&dir.join("profile"))))
        .arg(format!("--print-to-pdf={}", path(&pdf)))
        .arg(format!("file://{}", path(&html)))
        .output()
        .unwrap();
    assert!(pdf.exists(), "{}", show(&out));
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("(A4)"), "{info}");
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    assert!((2..=20).contains(&pages), "{info}");
    let text = Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for words in [
        "临泽县 · 评分报告",
        "317.34",
        "良好",
        "formality",
        "县消防救援大队",
        "检查人",
    ] {
        assert!(text.contains(words), "{words:?} not in the PDF:\n{text}");
    }
}

#[test]
fn csv_starts_with_a_byte_order_mark_unless_told_not_to() {
    let out = run_ok(rubric(&["export", RUBRIC, "--format", "csv"]));
    assert!(out.stdout.starts_with("\u{feff}section,item,".as_bytes()));
    let out = run_ok(rubric(&["export", RUBRIC, "--format", "csv", "--no-bom"]));
    assert!(out.stdout.starts_with(b"section,item,"));
}

#[test]
fn workbooks_are_refused_with_a_reason() {
    let dir = scratch("refuse");
    let template = dir.join("template.xlsx");
    run_ok(rubric(&[
        "template",
        RUBRIC,
        "--format",
        "xlsx",
        "-o",
        &path(&template),
    ]));
    let other = dir.join("other.rubric");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(RUBRIC))
        .unwrap()
        .replacen("version \"2023\"", "version \"2024\"", 1);
    std::fs::write(&other, text).unwrap();
    let out = rubric(&["eval", &path(&other), &path(&template)]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: this workbook was made for another version of the rubric: “临泽县2023年度安全生产和消防工作考核巡查评分细则” version 2023, not “临泽县2023年度安全生产和消防工作考核巡查评分细则” version 2024"),
        "{stderr}"
    );
    // The unfilled workbook scores full marks.
    let out = run_ok(rubric(&["eval", RUBRIC, &path(&template)]));
    assert!(String::from_utf8_lossy(&out.stdout).contains("score    351.00 of 351"));
    // A binary format is not written to a terminal, nor half-written anywhere.
    let missing = dir.join("no/such/dir/report.xlsx");
    let out = rubric(&[
        "eval",
        RUBRIC,
        FINDINGS,
        "--format",
        "xlsx",
        "-o",
        &path(&missing),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
}

#[test]
fn a_batch_reads_workbooks_and_sums_up_in_a_workbook() {
    let dir = scratch("batch");
    let input = dir.join("inspections");
    std::fs::create_dir_all(&input).unwrap();
    run_ok(rubric(&[
        "template",
        RUBRIC,
        "--format",
        "xlsx",
        "-o",
        &path(&input.join("b-unfilled.xlsx")),
    ]));
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(FINDINGS),
        input.join("a-linze.json"),
    )
    .unwrap();
    let out = run_ok(rubric(&["eval", RUBRIC, "--batch", &path(&input)]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("317.34"), "{text}");
    assert!(text.contains("351.00"), "{text}");
    assert!(text.contains("2 inspections, 2 scored, 0 failed"), "{text}");
    let summary = dir.join("summary.xlsx");
    run_ok(rubric(&[
        "eval",
        RUBRIC,
        "--batch",
        &path(&input),
        "--format",
        "xlsx",
        "--output",
        &path(&summary),
    ]));
    assert!(std::fs::read(&summary).unwrap().starts_with(b"PK"));
    if !available(
        "python3",
        &["-c", "import openpyxl"],
        "python3 with openpyxl",
    ) {
        return;
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import openpyxl, sys\nb = openpyxl.load_workbook(sys.argv[1])\nprint(b.sheetnames)\nfor r in b['检查'].iter_rows(min_row=2, values_only=True): print(r[3], r[4], r[5])",
        ])
        .arg(&summary)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("['检查', '汇总', '等级', '条款', '责任单位', '否决项']"),
        "{}",
        show(&out)
    );
    assert!(text.contains("临泽县 317.34 良好"), "{}", show(&out));
    assert!(text.contains("None 351 优秀"), "{}", show(&out));
}
