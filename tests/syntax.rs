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

/// The example of spec section 3 lowers to the model it describes.
#[test]
fn spec_example_lowers_to_the_model_it_describes() {
    use rubric::model::{Comparison, Deduction, Limit, NotApplicable};
    use rust_decimal::Decimal;
    let source = read(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/syntax/ok/spec-example.rubric"),
    );
    let parsed = rubric::syntax::parse(&source);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let (r, diagnostics) = rubric::model::lower(&parsed.file);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let dec = |s: &str| s.parse::<Decimal>().unwrap_or_else(|e| panic!("{s}: {e}"));
    let text_at = |span: Span| source.get(span.range()).unwrap_or("");

    assert_eq!(
        r.title().as_str(),
        "临泽县2023年度安全生产和消防工作考核巡查评分细则"
    );
    assert_eq!(r.version().map(|v| v.as_str()), Some("2023"));
    assert_eq!(r.declared_total().map(|t| t.value), Some(dec("30")));
    assert_eq!(r.not_applicable(), NotApplicable::Rescale);
    assert_eq!(r.rounding(), 2);
    let units: Vec<(&str, &str, bool)> = r
        .units()
        .iter()
        .map(|u| (u.id.as_str(), u.label.as_str(), u.builtin))
        .collect();
    assert_eq!(
        units,
        [
            ("occurrence", "次", true),
            ("enterprise", "家", false),
            ("person", "人", false),
            ("item", "项", false)
        ]
    );
    let grades: Vec<(&str, &str, Option<Decimal>)> = r
        .grades()
        .iter()
        .map(|g| (g.id.as_str(), g.label.as_str(), g.at_least.map(|a| a.value)))
        .collect();
    assert_eq!(
        grades,
        [
            ("excellent", "优秀", Some(dec("27"))),
            ("good", "良好", Some(dec("24"))),
            ("pass", "合格", Some(dec("18"))),
            ("fail", "不合格", None)
        ]
    );
    assert_eq!(r.sections().len(), 1);
    assert_eq!(r.sections()[0].id.as_str(), "leadership");
    assert_eq!(text_at(r.sections()[0].span).lines().last(), Some("  }"));

    let ids: Vec<&str> = r.items().iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["2.1", "10.2", "9.1"]);
    assert!(r.items().iter().all(|i| i.section == Some(0)));

    let item = r.item("2.1").unwrap_or_else(|| panic!("no item 2.1"));
    assert_eq!(item.weight.value, dec("4"));
    assert!(!item.optional);
    assert_eq!(
        item.owners.iter().map(|o| o.as_str()).collect::<Vec<_>>(),
        ["县委宣传部"]
    );
    assert_eq!(item.basis.len(), 1);
    assert_eq!(item.checks.len(), 1);
    assert_eq!(
        item.checks[0]
            .by
            .iter()
            .map(|o| o.as_str())
            .collect::<Vec<_>>(),
        ["县委宣传部"]
    );
    let clause_ids: Vec<&str> = item.clauses.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(clause_ids, ["a", "b", "c", "z"]);
    assert!(
        matches!(&item.clauses[0].deduction, Deduction::Once { amount, cap: None } if amount.value == dec("2"))
    );
    match &item.clauses[2].deduction {
        Deduction::Per {
            amount,
            unit,
            cap: Some(Limit::ItemWeight(span)),
        } => {
            assert_eq!(amount.value, dec("1"));
            assert_eq!(unit.as_str(), "person");
            assert_eq!(text_at(*span), "item weight");
        }
        other => panic!("clause c: {other:?}"),
    }
    assert!(
        matches!(&item.clauses[3].deduction, Deduction::All { span } if text_at(*span) == "all")
    );
    assert_eq!(
        text_at(item.clauses[0].span),
        "clause a \"未将习近平总书记关于安全生产重要论述纳入党委宣传工作重点\" deduct 2"
    );

    let item = r.item("10.2").unwrap_or_else(|| panic!("no item 10.2"));
    assert!(item.optional);
    assert_eq!(item.weight.value, dec("6"));
    assert_eq!(item.owners.len(), 2);
    match &item.clauses[0].deduction {
        Deduction::Per {
            amount,
            unit,
            cap: Some(Limit::Amount(cap)),
        } => {
            assert_eq!(
                (amount.value, unit.as_str(), cap.value),
                (dec("0.1"), "occurrence", dec("1"))
            );
        }
        other => panic!("clause d: {other:?}"),
    }
    assert!(
        matches!(&item.clauses[1].deduction, Deduction::UpTo { max: Limit::Amount(m) } if m.value == dec("1"))
    );
    match &item.clauses[2].deduction {
        Deduction::Threshold {
            amount,
            op,
            threshold,
        } => {
            assert_eq!((amount.value, *op), (dec("0.5"), Comparison::Below));
            assert_eq!(threshold.value, dec("0.5"));
            assert!(threshold.percent);
            assert_eq!(text_at(threshold.span), "50%");
        }
        other => panic!("clause h: {other:?}"),
    }

    let item = r.item("9.1").unwrap_or_else(|| panic!("no item 9.1"));
    assert_eq!(item.externals.len(), 1);
    let external = &item.externals[0];
    assert_eq!(
        (
            external.id.as_str(),
            external.title.as_str(),
            external.weight.value
        ),
        ("daily", "日常工作", dec("15"))
    );
    assert_eq!(
        external.by.iter().map(|o| o.as_str()).collect::<Vec<_>>(),
        ["国务院安委会办公室"]
    );
    assert_eq!(item.clause_weight(), dec("5"));

    let penalty = r.penalty("39").unwrap_or_else(|| panic!("no penalty 39"));
    assert_eq!(penalty.cap.map(|c| c.value), Some(dec("10")));
    assert_eq!(penalty.clauses.len(), 1);
    assert!(
        matches!(&penalty.clauses[0].deduction, Deduction::Per { amount, unit, cap: None } if amount.value == dec("0.5") && unit.as_str() == "item")
    );

    let vetoes: Vec<(&str, &str, Vec<String>)> = r
        .vetoes()
        .iter()
        .map(|v| {
            let when = v
                .when
                .iter()
                .map(|w| format!("{}/{}", w.item.as_str(), w.clause.as_str()))
                .collect();
            (v.id.as_str(), v.at_most.as_str(), when)
        })
        .collect();
    assert_eq!(
        vetoes,
        [
            ("formality", "good", vec![]),
            (
                "inaction",
                "good",
                vec!["2.1/a".to_owned(), "2.1/b".to_owned()]
            )
        ]
    );
}
