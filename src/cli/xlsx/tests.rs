//! Round trips: the inspector's workbook, filled in cell by cell as a
//! spreadsheet program would save it, reads back into exactly the findings
//! the same JSON gives, and so into the same report, byte for byte.

use super::read::{self, Problem};
use super::{template, Field, Lang, META_SHEET};
use crate::eval::{Findings, Options};
use crate::Rubric;
use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::Workbook;
use serde_json::Value;
use std::io::Cursor;

const RUBRIC: &str = include_str!("../../../rubrics/linze-2023.rubric");
const FINDINGS: &str = include_str!("../../../examples/linze-2023-findings.json");

/// A cell to write into a copy of a workbook.
#[derive(Debug, Clone)]
enum Put {
    Text(String),
    Number(f64),
    Bool(bool),
    Date,
    /// A formula and the value a spreadsheet program computed for it.
    Formula(&'static str, &'static str),
}

/// The cells of every sheet of a workbook, as calamine reads them.
type Sheets = Vec<(String, Vec<(u32, u32, Data)>)>;

fn sheets(bytes: &[u8]) -> Sheets {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let cells = range
                .used_cells()
                .map(|(r, c, d)| {
                    let (r0, c0) = range.start().unwrap();
                    (r0 + r as u32, c0 + c as u32, d.clone())
                })
                .collect();
            (name, cells)
        })
        .collect()
}

/// A copy of the workbook with some cells replaced, written by rust_xlsxwriter.
fn filled(sheets: &Sheets, puts: &[(String, u32, u16, Put)]) -> Vec<u8> {
    filled_with(sheets, puts, &[])
}

/// The same, with cells merged: (sheet, first row, last row, column, text).
fn filled_with(
    sheets: &Sheets,
    puts: &[(String, u32, u16, Put)],
    merges: &[(String, u32, u32, u16, String)],
) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, cells) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, c, d) in cells {
            let c = *c as u16;
            match d {
                Data::String(s) => sheet.write_string(*r, c, s).map(|_| ()).unwrap(),
                Data::Float(f) => sheet.write_number(*r, c, *f).map(|_| ()).unwrap(),
                Data::Int(i) => sheet.write_number(*r, c, *i as f64).map(|_| ()).unwrap(),
                _ => {}
            }
        }
        for (sheet_name, r, c, put) in puts {
            if sheet_name != name {
                continue;
            }
            match put {
                Put::Text(s) => sheet.write_string(*r, *c, s).map(|_| ()).unwrap(),
                Put::Number(n) => sheet.write_number(*r, *c, *n).map(|_| ()).unwrap(),
                Put::Bool(b) => sheet.write_boolean(*r, *c, *b).map(|_| ()).unwrap(),
                Put::Formula(formula, value) => {
                    let formula = rust_xlsxwriter::Formula::new(*formula).set_result(*value);
                    sheet.write_formula(*r, *c, formula).map(|_| ()).unwrap();
                }
                Put::Date => {
                    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2023, 5, 1).unwrap();
                    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
                    sheet
                        .write_datetime_with_format(*r, *c, &date, &format)
                        .map(|_| ())
                        .unwrap();
                }
            }
        }
        for (sheet_name, first, last, c, text) in merges {
            if sheet_name == name {
                sheet
                    .merge_range(*first, *c, *last, *c, text, &rust_xlsxwriter::Format::new())
                    .unwrap();
            }
        }
        if name == META_SHEET {
            sheet.set_hidden(true);
        }
    }
    book.save_to_buffer().unwrap()
}

/// Where a row's and a column's cells are: (sheet, row) by ids, column by field.
struct Layout {
    rows: Vec<(String, u32, String)>,
    columns: Vec<(String, Field, u16)>,
}

impl Layout {
    fn new(sheets: &Sheets) -> Layout {
        let mut rows = Vec::new();
        let mut columns = Vec::new();
        for (name, cells) in sheets {
            let header: Vec<(Field, u16)> = cells
                .iter()
                .filter(|(r, _, _)| *r == template::HEADER_ROW)
                .filter_map(|(_, c, d)| Some((Field::from_header(&d.to_string())?, *c as u16)))
                .collect();
            let col = |f: Field| {
                header
                    .iter()
                    .find(|(g, _)| *g == f)
                    .map(|(_, c)| u32::from(*c))
            };
            for (f, c) in &header {
                columns.push((name.clone(), *f, *c));
            }
            let text = |r: u32, f: Field| {
                col(f)
                    .and_then(|c| cells.iter().find(|(rr, cc, _)| *rr == r && *cc == c))
                    .map(|(_, _, d)| d.to_string())
                    .unwrap_or_default()
            };
            let last = cells.iter().map(|(r, _, _)| *r).max().unwrap_or(0);
            for r in template::HEADER_ROW + 1..=last {
                let key = if !text(r, Field::Veto).is_empty() {
                    format!("veto {}", text(r, Field::Veto))
                } else if !text(r, Field::Fact).is_empty() {
                    format!("fact {}", text(r, Field::Fact))
                } else {
                    let level = text(r, Field::Level);
                    format!(
                        "{}/{}/{}{}",
                        text(r, Field::Item),
                        text(r, Field::Clause),
                        text(r, Field::External),
                        if level.is_empty() {
                            String::new()
                        } else {
                            format!("#{level}")
                        }
                    )
                };
                rows.push((name.clone(), r, key));
            }
        }
        Layout { rows, columns }
    }

    fn row(&self, key: &str) -> Option<(String, u32)> {
        self.rows
            .iter()
            .find(|(_, _, k)| k == key)
            .map(|(s, r, _)| (s.clone(), *r))
    }

    fn col(&self, sheet: &str, field: Field) -> u16 {
        self.columns
            .iter()
            .find(|(s, f, _)| s == sheet && *f == field)
            .map(|(_, _, c)| *c)
            .unwrap()
    }
}

/// Fills a template with the findings of a JSON file, one row per clause;
/// returns the filled workbook and the JSON of the findings it holds (a
/// second finding for a row already filled is left out of both).
fn fill_from_json(rubric: &Rubric, json: &str, lang: Lang) -> (Vec<u8>, String) {
    let bytes = template::workbook(rubric, lang).unwrap();
    let sheets = sheets(&bytes);
    let layout = Layout::new(&sheets);
    let document: Value = serde_json::from_str(json).unwrap();
    let mut puts = Vec::new();
    let mut used = Vec::new();
    let mut kept = Vec::new();
    let first = sheets[0].0.clone();
    let subject = document["subject"].as_str().unwrap_or_default();
    puts.push((first, 1, 2, Put::Text(subject.to_owned())));
    let [yes, _] = super::yes_no(lang);
    for finding in document["findings"].as_array().unwrap() {
        let s = |k: &str| finding.get(k).and_then(Value::as_str).unwrap_or_default();
        let level = match finding.get("level") {
            Some(Value::Number(n)) => format!("#{n}"),
            Some(Value::String(label)) => {
                let k = rubric
                    .forms()
                    .levels
                    .iter()
                    .position(|l| l.as_str() == label)
                    .unwrap();
                format!("#{}", k + 1)
            }
            _ => String::new(),
        };
        let key = if finding.get("veto").is_some() {
            format!("veto {}", s("veto"))
        } else if finding.get("fact").is_some() {
            format!("fact {}", s("fact"))
        } else {
            format!("{}/{}/{}{level}", s("item"), s("clause"), s("external"))
        };
        let Some((sheet, row)) = layout.row(&key) else {
            panic!("no row for {key}");
        };
        if used.contains(&key) {
            continue;
        }
        used.push(key);
        kept.push(finding.clone());
        let mut put = |field: Field, value: Put| {
            puts.push((sheet.clone(), row, layout.col(&sheet, field), value));
        };
        let is_found = finding.get("veto").is_some()
            || (finding.get("clause").is_some()
                && ["count", "entities", "amount", "value"]
                    .iter()
                    .all(|k| finding.get(*k).is_none()));
        if is_found {
            put(Field::Found, Put::Text(yes.to_owned()));
        }
        for (key, value) in finding.as_object().unwrap() {
            let text = match value {
                Value::String(t) => t.clone(),
                Value::Number(n) => n.to_string(),
                _ => String::new(),
            };
            match key.as_str() {
                "count" => put(Field::Count, Put::Number(text.parse().unwrap())),
                // Numbers stored as text, and as numbers.
                "amount" => put(Field::Amount, Put::Text(text)),
                "score" => put(Field::Score, Put::Number(text.parse().unwrap())),
                "value" => put(Field::Value, Put::Text(text)),
                "target" => put(Field::Target, Put::Text(text)),
                "entities" => put(
                    Field::Entities,
                    Put::Text(
                        value
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|v| v.as_str().unwrap())
                            .collect::<Vec<_>>()
                            .join("\n"),
                    ),
                ),
                "evidence" => put(
                    Field::Evidence,
                    Put::Text(
                        value
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|v| v.as_str().unwrap())
                            .collect::<Vec<_>>()
                            .join("\n"),
                    ),
                ),
                "not_applicable" => put(Field::NotApplicable, Put::Bool(true)),
                "reason" => put(Field::Reason, Put::Text(text)),
                "note" => put(Field::Note, Put::Text(text)),
                _ => {}
            }
        }
    }
    // Externals the findings do not score: clear the preset full score.
    for (sheet, row, key) in &layout.rows {
        if key.ends_with('/')
            || key.starts_with("veto")
            || key.starts_with("fact")
            || !key.split('/').nth(1).unwrap().is_empty()
        {
            continue;
        }
        if !used.contains(key) {
            puts.push((
                sheet.clone(),
                *row,
                layout.col(sheet, Field::Score),
                Put::Text(String::new()),
            ));
        }
    }
    let json = serde_json::json!({"subject": subject, "findings": kept}).to_string();
    (filled(&sheets, &puts), json)
}

fn sorted(findings: &Findings) -> Vec<String> {
    let mut all: Vec<String> = findings.findings.iter().map(|f| format!("{f:?}")).collect();
    all.sort();
    all
}

#[test]
fn a_filled_workbook_scores_as_the_same_json() {
    let rubric = Rubric::parse(RUBRIC).unwrap();
    for lang in [Lang::Zh, Lang::En] {
        let (bytes, json) = fill_from_json(&rubric, FINDINGS, lang);
        let from_json = Findings::from_json(&json).unwrap();
        assert!(from_json.findings.len() > 50);
        let filled = read::read(&bytes, &rubric).unwrap();
        assert_eq!(filled.findings.subject, from_json.subject);
        assert_eq!(sorted(&filled.findings), sorted(&from_json));
        let options = Options::new();
        let a = rubric.evaluate(&filled.findings, &options).unwrap();
        let b = rubric.evaluate_json(&json, &options).unwrap();
        assert_eq!(a.to_json(), b.to_json());
        assert_eq!(a.to_text(), b.to_text());
        assert_eq!(a.to_markdown(), b.to_markdown());
        assert_eq!(a.to_html(), b.to_html());
    }
}

#[test]
fn the_unfilled_workbook_scores_full_marks() {
    let rubric = Rubric::parse(RUBRIC).unwrap();
    let bytes = template::workbook(&rubric, Lang::Zh).unwrap();
    let filled = read::read(&bytes, &rubric).unwrap();
    // Only the externals' preset scores are findings.
    assert!(filled
        .findings
        .findings
        .iter()
        .all(|f| f.external.is_some()));
    let report = rubric.evaluate(&filled.findings, &Options::new()).unwrap();
    assert_eq!(report.score, rubric.total());
}

fn problems(rubric: &Rubric, puts: &[(u32, Field, Put)], key: &str) -> Vec<Problem> {
    let bytes = template::workbook(rubric, Lang::Zh).unwrap();
    let sheets = sheets(&bytes);
    let layout = Layout::new(&sheets);
    let (sheet, row) = layout.row(key).unwrap();
    let puts: Vec<_> = puts
        .iter()
        .map(|(dr, f, p)| (sheet.clone(), row + dr, layout.col(&sheet, *f), p.clone()))
        .collect();
    let bytes = filled(&sheets, &puts);
    match read::read(&bytes, rubric) {
        Err(problems) => problems,
        Ok(filled) => match rubric.evaluate(&filled.findings, &Options::new()) {
            Err(errors) => read::locate(&filled, &errors),
            Ok(_) => Vec::new(),
        },
    }
}

#[test]
fn cells_people_type_are_read_or_refused_at_their_place() {
    let rubric = Rubric::parse(RUBRIC).unwrap();
    // Full-width digits and `分` are read.
    let ok = problems(
        &rubric,
        &[(0, Field::Count, Put::Text("２".into()))],
        "1/c/",
    );
    assert_eq!(ok, Vec::new());
    // A formula counts with the value it shows.
    let ok = problems(
        &rubric,
        &[(0, Field::Count, Put::Formula("=1+1", "2"))],
        "1/c/",
    );
    assert_eq!(ok, Vec::new());
    // A fraction of a count is refused at its cell, with item and clause.
    let bad = problems(
        &rubric,
        &[(0, Field::Count, Put::Text("2.5".into()))],
        "1/c/",
    );
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].at.as_deref(), Some("评分!K7"));
    assert_eq!(bad[0].context.as_deref(), Some("item 1, clause c"));
    assert!(bad[0].message.starts_with("count: "), "{}", bad[0].message);
    // `2次` is refused with a hint.
    let bad = problems(
        &rubric,
        &[(0, Field::Count, Put::Text("2次".into()))],
        "1/c/",
    );
    assert_eq!(
        bad[0].help.as_deref(),
        Some("write the number alone, such as `0.5`")
    );
    // A column whose header names no field: its content would be lost.
    let bytes = template::workbook(&rubric, Lang::Zh).unwrap();
    let sheets = sheets(&bytes);
    let extra = filled(
        &sheets,
        &[
            (
                "评分".into(),
                template::HEADER_ROW,
                40,
                Put::Text("检查人".into()),
            ),
            ("评分".into(), 8, 40, Put::Text("张三".into())),
        ],
    );
    let Err(bad) = read::read(&extra, &rubric) else {
        panic!("a column that names no field was read");
    };
    assert_eq!(bad[0].at.as_deref(), Some("评分!AO9"), "{bad:?}");
    assert!(bad[0]
        .message
        .contains("`检查人`, which names no findings field"));
    // A sheet of the workbook that lost its header row.
    let mut headless = sheets.clone();
    headless[0].1.retain(|(r, _, _)| *r != template::HEADER_ROW);
    let Err(bad) = read::read(&filled(&headless, &[]), &rubric) else {
        panic!("a sheet without its header was read");
    };
    assert!(bad[0].message.contains("lost its header row"), "{bad:?}");
    // A note alone does not say what was found.
    let bad = problems(
        &rubric,
        &[(0, Field::Note, Put::Text("看过".into()))],
        "1/c/",
    );
    assert!(
        bad[0].message.contains("does not say what was found"),
        "{bad:?}"
    );
    // Found 否 with a count is a contradiction.
    let bad = problems(
        &rubric,
        &[
            (0, Field::Found, Put::Text("否".into())),
            (0, Field::Count, Put::Number(2.0)),
        ],
        "1/a/",
    );
    assert!(bad[0].message.contains("marked not found"), "{bad:?}");
    // An external score above its weight: evaluation's error, at the score cell.
    let bad = problems(
        &rubric,
        &[(0, Field::Score, Put::Number(1000.0))],
        "9.1//daily",
    );
    if !bad.is_empty() {
        assert!(
            bad[0].at.as_deref().unwrap().starts_with("评分!P"),
            "{bad:?}"
        );
    }
}

#[test]
fn a_workbook_for_another_rubric_is_refused() {
    let rubric = Rubric::parse(RUBRIC).unwrap();
    let bytes = template::workbook(&rubric, Lang::Zh).unwrap();
    let other = Rubric::parse(&RUBRIC.replacen("version \"2023\"", "version \"2024\"", 1)).unwrap();
    let Err(problems) = read::read(&bytes, &other) else {
        panic!("accepted");
    };
    assert!(
        problems[0]
            .message
            .contains("another version of the rubric"),
        "{problems:?}"
    );
    let other = Rubric::parse(&RUBRIC.replacen("rubric \"临泽县", "rubric \"甘州区", 1)).unwrap();
    let Err(problems) = read::read(&bytes, &other) else {
        panic!("accepted");
    };
    assert!(
        problems[0].message.contains("another rubric"),
        "{problems:?}"
    );
    let edited =
        Rubric::parse(&RUBRIC.replacen("有关内容的\" deduct 2", "有关内容的\" deduct 3", 1))
            .unwrap();
    let Err(problems) = read::read(&bytes, &edited) else {
        panic!("accepted");
    };
    assert!(problems[0].message.contains("has changed"), "{problems:?}");
    let Err(problems) = read::read(b"not a workbook", &rubric) else {
        panic!("accepted");
    };
    assert!(
        problems[0].message.contains("not a workbook"),
        "{problems:?}"
    );
}

#[test]
fn version_2_workbooks_score_as_the_same_json() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eval");
    let mut checked = 0;
    for entry in std::fs::read_dir(root).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("v2-") || !dir.join("report.json").exists() {
            continue;
        }
        let source = std::fs::read_to_string(dir.join("rubric.rubric")).unwrap();
        let json = std::fs::read_to_string(dir.join("findings.json")).unwrap();
        let rubric = crate::compile(&source).rubric.unwrap();
        let (bytes, json) = fill_from_json(&rubric, &json, Lang::Zh);
        let filled = match read::read(&bytes, &rubric) {
            Ok(filled) => filled,
            Err(problems) => panic!("{name}: {problems:?}"),
        };
        // Levels written as labels in JSON are numbers in the workbook: the
        // findings differ in form, the reports must not.
        let options = Options::new();
        let a = rubric.evaluate(&filled.findings, &options);
        let b = rubric.evaluate_json(&json, &options);
        match (a, b) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.to_json(), b.to_json(), "{name}");
                assert_eq!(a.to_html(), b.to_html(), "{name}");
            }
            (Err(a), Err(b)) => assert_eq!(a.len(), b.len(), "{name}"),
            (a, b) => panic!("{name}: {:?} vs {:?}", a.is_ok(), b.is_ok()),
        }
        checked += 1;
    }
    assert!(checked >= 4, "{checked} version 2 scenarios");
}

#[test]
fn the_worked_examples_of_version_2_score_the_same_from_a_workbook() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v2");
    let examples = [
        (
            "standard.rubric",
            r#"{"subject": "A", "findings": [
                {"item": "2.1", "clause": "b", "count": 4},
                {"item": "2.2", "clause": "a", "value": "99.2%"},
                {"item": "8.1", "clause": "a", "level": 1, "count": 2},
                {"item": "8.1", "clause": "a", "level": 2, "count": 1},
                {"item": "8.3", "clause": "a", "count": 2},
                {"item": "8.2", "not_applicable": true},
                {"item": "13", "clause": "b", "amount": "1.5"}]}"#,
            "52.3",
        ),
        (
            "standard.rubric",
            r#"{"subject": "B", "findings": [
                {"item": "2.2", "clause": "a", "value": "99.2%"},
                {"item": "13", "clause": "b", "amount": 1.5},
                {"item": "14", "clause": "a"},
                {"item": "14", "clause": "b", "count": 1},
                {"fact": "deaths", "value": 1}]}"#,
            "100.0",
        ),
        (
            "food-points.rubric",
            r#"{"subject": "C", "findings": [
                {"item": "02", "clause": "B", "level": "II"},
                {"item": "10", "clause": "F", "level": 1},
                {"fact": "visit", "value": 1}]}"#,
            "8",
        ),
    ];
    for (file, json, score) in examples {
        let source = std::fs::read_to_string(root.join(file)).unwrap();
        let rubric = crate::compile(&source).rubric.unwrap();
        let (bytes, json) = fill_from_json(&rubric, json, Lang::Zh);
        let filled = match read::read(&bytes, &rubric) {
            Ok(filled) => filled,
            Err(problems) => panic!("{file}: {problems:?}"),
        };
        let options = Options::new();
        let a = rubric.evaluate(&filled.findings, &options).unwrap();
        let b = rubric.evaluate_json(&json, &options).unwrap();
        assert_eq!(a.score.to_string(), score, "{file}");
        assert_eq!(a.to_json(), b.to_json(), "{file}");
        assert_eq!(a.to_text(), b.to_text(), "{file}");
    }
    // A fact a condition needs, left empty: located at its value cell.
    let source = std::fs::read_to_string(root.join("food-points.rubric")).unwrap();
    let rubric = crate::compile(&source).rubric.unwrap();
    let bytes = template::workbook(&rubric, Lang::Zh).unwrap();
    let filled = read::read(&bytes, &rubric).unwrap();
    let errors = rubric
        .evaluate(&filled.findings, &Options::new())
        .unwrap_err();
    let problems = read::locate(&filled, &errors);
    assert_eq!(problems[0].at.as_deref(), Some("事实!D5"), "{problems:?}");
    assert_eq!(problems[0].context.as_deref(), Some("fact visit"));
}

#[test]
fn dates_and_merged_inputs_are_refused_at_their_cells() {
    let rubric = Rubric::parse(RUBRIC).unwrap();
    let bad = problems(&rubric, &[(0, Field::Count, Put::Date)], "1/c/");
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].at.as_deref(), Some("评分!K7"));
    assert_eq!(bad[0].message, "count: expected a number, found a date");
    assert!(bad[0]
        .help
        .as_deref()
        .unwrap()
        .contains("formatted as a date"));

    let bytes = template::workbook(&rubric, Lang::Zh).unwrap();
    let sheets = sheets(&bytes);
    let layout = Layout::new(&sheets);
    let (sheet, row) = layout.row("1/c/").unwrap();
    let col = layout.col(&sheet, Field::Count);
    let merged = filled_with(&sheets, &[], &[(sheet, row, row + 1, col, "2".into())]);
    let Err(bad) = read::read(&merged, &rubric) else {
        panic!("merged input accepted");
    };
    assert_eq!(bad[0].at.as_deref(), Some("评分!K7:K8"), "{bad:?}");
    assert!(bad[0].message.contains("merged cells"), "{bad:?}");
}
