//! `rubric eval RUBRIC --batch DIR` over filled workbooks, and the batch
//! summary as a workbook (`--batch … --format xlsx --output FILE`).
//!
//! A directory may hold `.json` findings files and filled `.xlsx` workbooks;
//! each workbook is read (and checked against the rubric) as it is listed,
//! into the same findings JSON that a file would hold, so the batch scores it
//! exactly as `rubric eval RUBRIC FILLED.xlsx` does. The summary workbook is
//! built from the JSON Lines summary: one row per inspection, then the
//! aggregate (scores, grades, clauses, owners, vetoes) on sheets of its own.

use super::{is_workbook, read};
use crate::cli::batch::{self, BatchArgs, BatchOptions, Content, Record, Source, SummaryFormat};
use crate::cli::Outcome;
use crate::eval::{self, Findings};
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, XlsxError};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// True when `--batch INPUT` is a directory holding at least one workbook.
pub fn has_workbooks(input: &Path) -> bool {
    input.is_dir()
        && std::fs::read_dir(input)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .any(|e| is_workbook(&e.path()))
            })
            .unwrap_or(false)
}

/// Runs a batch over a directory of findings files and workbooks, or a JSON
/// Lines file; `format` `None` writes the summary workbook to `output`.
pub fn run(
    rubric_path: &Path,
    format: Option<SummaryFormat>,
    missing: eval::Missing,
    args: &BatchArgs,
    output: Option<&Path>,
) -> Outcome {
    let Some(input) = &args.batch else {
        let _ = writeln!(
            std::io::stderr(),
            "error: give a findings file or `--batch INPUT`"
        );
        return Outcome::Usage;
    };
    let rubric = match crate::cli::load_rubric(rubric_path) {
        Ok(rubric) => rubric,
        Err(outcome) => return outcome,
    };
    let options = BatchOptions {
        format: format.unwrap_or(SummaryFormat::Jsonl),
        out: args.out.clone(),
        bom: !args.no_bom,
        ..BatchOptions::default()
    };
    if let Some(dir) = &options.out {
        if let Err(e) = std::fs::create_dir_all(dir) {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot create `{}`: {e}",
                dir.display()
            );
            return Outcome::Usage;
        }
    }
    let evaluate = batch::evaluator(&rubric, eval::Options::new().missing_external(missing));
    let grades = batch::grade_names(&rubric);
    let mut records: Box<dyn Iterator<Item = std::io::Result<Record>>> = if input.is_dir() {
        match listing(input) {
            Ok(files) => Box::new(files.into_iter().zip(1..).map(|(path, number)| {
                let content = if is_workbook(&path) {
                    workbook_content(&path, &rubric)
                } else {
                    Content::File(path.clone())
                };
                Ok(Record {
                    number,
                    source: Source::File(path),
                    content,
                })
            })),
            Err(e) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: cannot read the directory `{}`: {e}",
                    input.display()
                );
                return Outcome::Usage;
            }
        }
    } else if input == Path::new("-") {
        Box::new(batch::LineRecords::new(std::io::stdin().lock(), "<stdin>"))
    } else {
        let file = match std::fs::File::open(input) {
            Ok(file) => file,
            Err(e) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: cannot read `{}`: {e}",
                    input.display()
                );
                return Outcome::Usage;
            }
        };
        Box::new(batch::LineRecords::new(
            std::io::BufReader::new(file),
            crate::cli::display_name(input),
        ))
    };
    let mut summary = Vec::new();
    let stdout = std::io::stdout();
    let mut lock;
    let out: &mut dyn Write = if format.is_none() {
        &mut summary
    } else {
        lock = std::io::BufWriter::new(stdout.lock());
        &mut lock
    };
    let result = batch::run_batch(
        &mut records,
        &evaluate,
        &grades,
        &options,
        out,
        &mut |line| {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(line.as_bytes());
            if !line.ends_with('\n') {
                let _ = err.write_all(b"\n");
            }
        },
        &mut |_| {},
    );
    let totals = match result {
        Ok(totals) => totals,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Outcome::Success,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            return Outcome::Usage;
        }
    };
    if format.is_none() {
        let text = String::from_utf8_lossy(&summary);
        let written = match summary_workbook(&text) {
            Ok(bytes) => super::write_output(output, &bytes, "the summary workbook"),
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "error: {}", super::xlsx_error(&e));
                Outcome::Usage
            }
        };
        if written != Outcome::Success {
            return written;
        }
    }
    if totals.io_error {
        Outcome::Usage
    } else if totals.failed > 0 {
        Outcome::Failure
    } else {
        Outcome::Success
    }
}

/// The `.json` and `.xlsx` files of a directory, sorted by name; the rest is
/// named on standard error.
fn listing(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut left_out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        // Lock files a spreadsheet program leaves beside an open workbook.
        let lock = entry.file_name().to_string_lossy().starts_with("~$");
        if (json || is_workbook(&path)) && !lock && path.is_file() {
            files.push(path);
        } else {
            left_out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    if !left_out.is_empty() {
        left_out.sort();
        let _ = writeln!(
            std::io::stderr(),
            "note: {} entries of `{}` are not `.json` or `.xlsx` files and were not read: {}",
            left_out.len(),
            dir.display(),
            left_out.join(", ")
        );
    }
    Ok(files)
}

/// A workbook read into findings JSON, or its problems as one message.
fn workbook_content(path: &Path, rubric: &crate::Rubric) -> Content {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return Content::Unreadable(format!("cannot read `{}`: {e}", path.display())),
    };
    match read::read(&bytes, rubric) {
        Ok(filled) => Content::Text(findings_json(&filled.findings)),
        Err(problems) => {
            let lines: Vec<String> = problems
                .iter()
                .map(|p| {
                    let mut line = String::new();
                    if let Some(at) = &p.at {
                        line.push_str(at);
                        if let Some(context) = &p.context {
                            line.push_str(&format!(" ({context})"));
                        }
                        line.push_str(": ");
                    }
                    line.push_str(&p.message);
                    line
                })
                .collect();
            Content::Unreadable(lines.join("; "))
        }
    }
}

/// Findings as the JSON a findings file holds (decimals as strings).
pub fn findings_json(findings: &Findings) -> String {
    let list: Vec<Value> = findings
        .findings
        .iter()
        .map(|f| {
            let mut map = serde_json::Map::new();
            let mut text = |key: &str, value: &Option<String>| {
                if let Some(v) = value {
                    map.insert(key.to_owned(), Value::String(v.clone()));
                }
            };
            text("item", &f.item);
            text("clause", &f.clause);
            text("external", &f.external);
            text("veto", &f.veto);
            text("fact", &f.fact);
            text("reason", &f.reason);
            text("note", &f.note);
            if let Some(n) = f.count {
                map.insert("count".into(), Value::String(n.to_string()));
            }
            if let Some(names) = &f.entities {
                map.insert(
                    "entities".into(),
                    Value::Array(names.iter().cloned().map(Value::String).collect()),
                );
            }
            for (key, value) in [
                ("amount", f.amount),
                ("value", f.value),
                ("target", f.target),
                ("score", f.score),
            ] {
                if let Some(v) = value {
                    map.insert(key.into(), Value::String(v.to_string()));
                }
            }
            match &f.level {
                Some(crate::eval::findings::Level::Number(n)) => {
                    map.insert("level".into(), Value::from(*n));
                }
                Some(crate::eval::findings::Level::Label(l)) => {
                    map.insert("level".into(), Value::String(l.clone()));
                }
                None => {}
            }
            if f.not_applicable {
                map.insert("not_applicable".into(), Value::Bool(true));
            }
            if !f.evidence.is_empty() {
                map.insert(
                    "evidence".into(),
                    Value::Array(f.evidence.iter().cloned().map(Value::String).collect()),
                );
            }
            Value::Object(map)
        })
        .collect();
    serde_json::json!({"subject": findings.subject, "findings": list}).to_string()
}

/// The summary workbook, from the JSON Lines summary of a batch.
fn summary_workbook(jsonl: &str) -> Result<Vec<u8>, XlsxError> {
    let mut rows = Vec::new();
    let mut aggregate = Value::Null;
    for line in jsonl.lines() {
        let Ok(value) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if let Some(a) = value.get("aggregate") {
            aggregate = a.clone();
        } else {
            rows.push(value);
        }
    }
    let s = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let mut book = Workbook::new();
    let inspections: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let largest = r["largest_deductions"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .map(|d| format!("{} −{}", s(&d["clause"]), s(&d["amount"])))
                        .collect::<Vec<_>>()
                        .join("，")
                })
                .unwrap_or_default();
            let errors = r["errors"]
                .as_array()
                .map(|list| list.iter().map(s).collect::<Vec<_>>().join("\n"))
                .unwrap_or_default();
            vec![
                s(&r["number"]),
                s(&r["source"]),
                s(&r["status"]),
                s(&r["subject"]),
                s(&r["score"]),
                s(&r["grade_label"]),
                s(&r["lost"]),
                largest,
                errors,
            ]
        })
        .collect();
    sheet(
        &mut book,
        "检查",
        &[
            "序号 number",
            "来源 source",
            "状态 status",
            "被检查对象 subject",
            "得分 score",
            "等级 grade",
            "失分 lost",
            "主要扣分 largest_deductions",
            "问题 errors",
        ],
        &[6.0, 28.0, 8.0, 18.0, 8.0, 8.0, 8.0, 40.0, 40.0],
        &inspections,
        &[0, 4, 6],
    )?;
    let score = &aggregate["score"];
    let totals = vec![
        vec!["检查数 inspections".into(), s(&aggregate["inspections"])],
        vec!["已评分 scored".into(), s(&aggregate["scored"])],
        vec!["未评分 failed".into(), s(&aggregate["failed"])],
        vec!["总分之和 score.sum".into(), s(&score["sum"])],
        vec!["平均分 score.mean".into(), s(&score["mean"])],
        vec!["最低分 score.lowest".into(), s(&score["lowest"])],
        vec!["最高分 score.highest".into(), s(&score["highest"])],
    ];
    sheet(
        &mut book,
        "汇总",
        &["项目", "值"],
        &[24.0, 30.0],
        &totals,
        &[],
    )?;
    let list = |key: &str, fields: &[&str]| -> Vec<Vec<String>> {
        aggregate[key]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|item| fields.iter().map(|f| s(&item[*f])).collect())
                    .collect()
            })
            .unwrap_or_default()
    };
    sheet(
        &mut book,
        "等级",
        &["等级 grade", "名称 label", "数量 count"],
        &[12.0, 12.0, 8.0],
        &list("grades", &["grade", "label", "count"]),
        &[2],
    )?;
    sheet(
        &mut book,
        "条款",
        &["条款 clause", "扣分合计 points", "触发次数 triggered"],
        &[12.0, 12.0, 12.0],
        &list("clauses", &["clause", "points", "triggered"]),
        &[1, 2],
    )?;
    sheet(
        &mut book,
        "责任单位",
        &["责任单位 owner", "失分合计 points"],
        &[28.0, 12.0],
        &list("owners", &["owner", "points"]),
        &[1],
    )?;
    sheet(
        &mut book,
        "否决项",
        &["否决项 veto", "触发次数 triggered"],
        &[16.0, 12.0],
        &list("vetoes", &["veto", "triggered"]),
        &[1],
    )?;
    book.save_to_buffer()
}

/// A sheet of text cells; `numeric` columns are written as numbers when they read as one.
fn sheet(
    book: &mut Workbook,
    name: &str,
    headers: &[&str],
    widths: &[f64],
    rows: &[Vec<String>],
    numeric: &[u16],
) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0x00D9_E1F2));
    let cell = Format::new().set_text_wrap().set_border(FormatBorder::Thin);
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    for (col, (h, w)) in (0u16..).zip(headers.iter().zip(widths)) {
        sheet.write_string_with_format(0, col, *h, &header)?;
        sheet.set_column_width(col, *w)?;
    }
    for (r, row) in (1u32..).zip(rows) {
        for (col, value) in (0u16..).zip(row) {
            match value.parse::<f64>() {
                Ok(n) if numeric.contains(&col) => {
                    sheet.write_number_with_format(r, col, n, &cell)?
                }
                _ => sheet.write_string_with_format(r, col, value, &cell)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_paper_size(9);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}
