//! The real rubric, `rubrics/linze-2023.rubric` (the 2023 county inspection
//! scoring guide), against the text it was encoded from
//! (`tests/data/real/source.txt`, a text extraction of the Word table).
//!
//! The source is located row by row: an item's row starts at its title (found
//! verbatim, in source order) and runs to the next item's or penalty's title.
//! Every count below is taken from the text, never written down by hand.

use rubric::model::{CheckStep, Clause, Deduction, Text};
use rubric::{compile, Code, LineIndex, Rubric, Severity};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

const RUBRIC_PATH: &str = "rubrics/linze-2023.rubric";
const RUBRIC: &str = include_str!("../rubrics/linze-2023.rubric");
const SOURCE: &str = include_str!("data/real/source.txt");

/// Warnings the file is known to draw; a new one must be looked at, then added
/// here with the reason it is acceptable.
const EXPECTED_WARNINGS: &[Code] = &[];

/// Clause texts that are not a contiguous substring of the source, each with
/// the reason. Everything else (titles, basis, checks, clause texts, owners,
/// check offices) is verbatim.
const NOT_VERBATIM: &[(&str, &str, &str)] = &[
    (
        "2.2",
        "a",
        "各扣2分 over 安全生产、消防工作: shared words with one object",
    ),
    (
        "2.2",
        "b",
        "各扣2分 over 安全生产、消防工作: shared words with one object",
    ),
    (
        "10.1",
        "a",
        "分别扣1分 over 专项排查整治、应急演练: shared words with one object",
    ),
    (
        "10.1",
        "b",
        "分别扣1分 over 专项排查整治、应急演练: shared words with one object",
    ),
    (
        "12.3",
        "b",
        "分别扣1分 over three kinds of inspection: shared words with one object",
    ),
    (
        "12.3",
        "c",
        "分别扣1分 over three kinds of inspection: shared words with one object",
    ),
    (
        "12.3",
        "d",
        "分别扣1分 over three kinds of inspection: shared words with one object",
    ),
    (
        "25",
        "g",
        "the parenthesis that follows 扣1分 in the source is appended to the condition",
    ),
    (
        "31.3",
        "h",
        "分别扣0.5分 over two roads and two rates: one road with its rate",
    ),
    (
        "31.3",
        "i",
        "分别扣0.5分 over two roads and two rates: one road with its rate",
    ),
];

fn compiled_rubric() -> Rubric {
    let compiled = compile(RUBRIC);
    match compiled.rubric {
        Some(rubric) => rubric,
        None => panic!(
            "{RUBRIC_PATH} does not compile:\n{}",
            describe(compiled.diagnostics.0.iter())
        ),
    }
}

fn describe<'a>(diagnostics: impl Iterator<Item = &'a rubric::Diagnostic>) -> String {
    let index = LineIndex::new(RUBRIC);
    diagnostics
        .map(|d| {
            let at = index.position(d.span.start);
            format!("{RUBRIC_PATH}:{}:{}: {d}", at.line, at.column)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The source with every line trimmed and the lines joined with nothing in
/// between: the extraction breaks cells (and even amounts, "扣1⏎分") across lines.
fn joined_source() -> String {
    SOURCE.lines().map(str::trim).collect()
}

/// One row of the source table: an item or the penalty, and its text.
struct Row<'a> {
    id: String,
    clauses: &'a [Clause],
    text: String,
}

/// Splits the joined source into rows, one per item and penalty, in rubric
/// order. Panics when a title cannot be found after the previous one.
fn rows<'a>(rubric: &'a Rubric, source: &str) -> Vec<Row<'a>> {
    let heads = rubric
        .items()
        .iter()
        .map(|i| (i.id.as_str(), i.title.as_str(), i.clauses.as_slice()))
        .chain(
            rubric
                .penalties()
                .iter()
                .map(|p| (p.id.as_str(), p.title.as_str(), p.clauses.as_slice())),
        );
    let mut starts = Vec::new();
    let mut from = 0;
    for (id, title, clauses) in heads {
        let Some(at) = source.get(from..).and_then(|rest| rest.find(title)) else {
            panic!("the title of `{id}` is not in the source after the previous row: {title}");
        };
        starts.push((id, clauses, from + at));
        from += at + title.len();
    }
    let ends = starts
        .iter()
        .skip(1)
        .map(|&(_, _, start)| start)
        .chain([source.len()]);
    starts
        .iter()
        .zip(ends)
        .map(|(&(id, clauses, start), end)| Row {
            id: id.to_owned(),
            clauses,
            text: source[start..end].to_owned(),
        })
        .collect()
}

/// The amounts N of every "扣N分" of a text, leaving out caps ("最多扣N分").
fn deductions_in(text: &str) -> Vec<Decimal> {
    let mut amounts = Vec::new();
    for (at, _) in text.match_indices('扣') {
        let after = &text[at + '扣'.len_utf8()..];
        let number: String = after
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if number.is_empty() || !after[number.len()..].starts_with('分') {
            continue;
        }
        if text[..at].ends_with("最多") {
            continue;
        }
        let amount = Decimal::from_str(&number)
            .unwrap_or_else(|e| panic!("`扣{number}分` is not a number: {e}"));
        amounts.push(amount.normalize());
    }
    amounts
}

/// How many times each amount occurs.
fn tally(amounts: impl IntoIterator<Item = Decimal>) -> BTreeMap<Decimal, usize> {
    let mut counts = BTreeMap::new();
    for amount in amounts {
        *counts.entry(amount.normalize()).or_insert(0) += 1;
    }
    counts
}

/// The fixed amount a clause deducts per finding, per unit or past its
/// threshold; `None` for `deduct all` and discretionary clauses, whose amount
/// the source does not write as "扣N分".
fn fixed_amount(clause: &Clause) -> Option<Decimal> {
    match &clause.deduction {
        Deduction::Once { amount, .. }
        | Deduction::Per { amount, .. }
        | Deduction::Threshold { amount, .. } => Some(amount.value),
        Deduction::All { .. } | Deduction::UpTo { .. } => None,
    }
}

#[test]
fn the_rubric_compiles_without_errors() {
    let compiled = compile(RUBRIC);
    assert!(
        !compiled.diagnostics.has_errors(),
        "{RUBRIC_PATH} has errors:\n{}",
        describe(compiled.diagnostics.0.iter())
    );
    assert!(compiled.rubric.is_some());
}

#[test]
fn the_rubric_draws_only_the_expected_warnings() {
    let compiled = compile(RUBRIC);
    let found: BTreeSet<Code> = compiled
        .diagnostics
        .0
        .iter()
        .filter(|d| d.severity() == Severity::Warning)
        .map(|d| d.code)
        .collect();
    let expected: BTreeSet<Code> = EXPECTED_WARNINGS.iter().copied().collect();
    assert_eq!(
        found,
        expected,
        "the warnings of {RUBRIC_PATH} changed; all of them:\n{}",
        describe(compiled.diagnostics.warnings())
    );
}

#[test]
fn the_json_export_round_trips() {
    let rubric = compiled_rubric();
    let exported = rubric::export::to_json(&rubric);
    let read = rubric::export::from_json(&exported)
        .unwrap_or_else(|e| panic!("the export of {RUBRIC_PATH} cannot be read back: {e}"));
    assert_eq!(rubric::export::to_json(&read), exported);
}

#[test]
fn the_rubric_has_every_row_of_the_source() {
    let rubric = compiled_rubric();
    let source = joined_source();
    let rows = rows(&rubric, &source);
    assert_eq!(rows.len(), rubric.items().len() + rubric.penalties().len());
    // The first row of the table has lost its number; it opens the text.
    let first = rows.first().map(|r| r.id.as_str());
    assert_eq!(first, rubric.items().first().map(|i| i.id.as_str()));
    assert!(
        source.starts_with(rubric.items()[0].title.as_str()),
        "the first item's title must open the source"
    );
}

#[test]
fn every_deduction_of_the_source_has_its_clause() {
    let rubric = compiled_rubric();
    let source = joined_source();
    let mut problems = Vec::new();
    let mut occurrences = 0;
    let mut clauses_compared = 0;
    let penalty_ids: BTreeSet<&str> = rubric.penalties().iter().map(|p| p.id.as_str()).collect();
    for row in rows(&rubric, &source) {
        let in_source = tally(deductions_in(&row.text));
        let fixed: Vec<Decimal> = row.clauses.iter().filter_map(fixed_amount).collect();
        clauses_compared += fixed.len();
        let in_rubric = tally(fixed);
        occurrences += in_source.values().sum::<usize>();
        // The penalty row states its one rule three times (its own sentence, its
        // 评分要点 and a reminder in its 检查要求), so there only the amounts
        // are compared, not how often each occurs.
        let compare_counts = !penalty_ids.contains(row.id.as_str());
        for (amount, &times) in &in_source {
            let clauses = in_rubric.get(amount).copied().unwrap_or(0);
            if clauses == 0 || (compare_counts && clauses < times) {
                problems.push(format!(
                    "`{}`: the source deducts {amount} {times} time(s), the rubric has {clauses} clause(s) of {amount}",
                    row.id
                ));
            }
        }
        for (amount, &clauses) in &in_rubric {
            if !in_source.contains_key(amount) {
                problems.push(format!(
                    "`{}`: {clauses} clause(s) deduct {amount}, which the source row never says",
                    row.id
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} mismatch(es):\n{}",
        problems.len(),
        problems.join("\n")
    );
    // Sanity of the walk itself: it saw deductions, and every one was compared.
    eprintln!(
        "{occurrences} `扣N分` in the source, {clauses_compared} clauses with a fixed amount"
    );
    assert!(
        occurrences > 300,
        "only {occurrences} `扣N分` found in the source"
    );
    let whole = deductions_in(&source).len();
    assert_eq!(
        occurrences, whole,
        "some `扣N分` of the source lie outside every row"
    );
}

/// The owners, basis, checks and check offices of an item or a penalty,
/// each with what it is.
fn facts<'r>(
    owners: &'r [Text],
    basis: &'r [Text],
    checks: &'r [CheckStep],
) -> Vec<(String, &'r str)> {
    let mut texts: Vec<(String, &str)> = Vec::new();
    texts.extend(owners.iter().map(|t| ("owner".to_owned(), t.as_str())));
    texts.extend(basis.iter().map(|t| ("basis".to_owned(), t.as_str())));
    for check in checks {
        texts.push(("check".to_owned(), check.text.as_str()));
        texts.extend(
            check
                .by
                .iter()
                .map(|t| ("check office".to_owned(), t.as_str())),
        );
    }
    texts
}

#[test]
fn the_source_texts_are_verbatim() {
    let rubric = compiled_rubric();
    let source = joined_source();
    let rows = rows(&rubric, &source);
    let mut problems = Vec::new();
    let mut used_exceptions = BTreeSet::new();
    for (item, row) in rubric.items().iter().zip(&rows) {
        let mut texts = facts(&item.owners, &item.basis, &item.checks);
        for clause in &item.clauses {
            let key = (item.id.as_str(), clause.id.as_str());
            if let Some(&(_, _, _)) = NOT_VERBATIM.iter().find(|(i, c, _)| (*i, *c) == key) {
                used_exceptions.insert(key);
                if row.text.contains(clause.text.as_str()) {
                    problems.push(format!(
                        "`{}/{}` is listed as not verbatim but is: remove it from the list",
                        key.0, key.1
                    ));
                }
                continue;
            }
            texts.push((
                format!("clause {}", clause.id.as_str()),
                clause.text.as_str(),
            ));
        }
        for (what, text) in texts {
            if !row.text.contains(text) {
                problems.push(format!(
                    "`{}` {what}: not in its source row: {text}",
                    item.id.as_str()
                ));
            }
        }
    }
    for (penalty, row) in rubric
        .penalties()
        .iter()
        .zip(rows.iter().skip(rubric.items().len()))
    {
        let mut texts = facts(&penalty.owners, &penalty.basis, &penalty.checks);
        for clause in &penalty.clauses {
            texts.push((
                format!("clause {}", clause.id.as_str()),
                clause.text.as_str(),
            ));
        }
        for (what, text) in texts {
            if !row.text.contains(text) {
                problems.push(format!(
                    "penalty `{}` {what}: not in its source row: {text}",
                    penalty.id.as_str()
                ));
            }
        }
    }
    for veto in rubric.vetoes() {
        if !source.contains(veto.text.as_str()) {
            problems.push(format!("veto `{}`: not in the source", veto.id.as_str()));
        }
    }
    for (item, clause, _) in NOT_VERBATIM {
        if !used_exceptions.contains(&(*item, *clause)) {
            problems.push(format!(
                "`{item}/{clause}` is listed as not verbatim but does not exist"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_row_with_inspection_steps_has_its_checks() {
    let rubric = compiled_rubric();
    let source = joined_source();
    let checks = rubric
        .items()
        .iter()
        .map(|i| i.checks.len())
        .chain(rubric.penalties().iter().map(|p| p.checks.len()));
    let missing: Vec<String> = rows(&rubric, &source)
        .iter()
        .zip(checks)
        .filter(|(row, checks)| row.text.contains("检查要求：") && *checks == 0)
        .map(|(row, _)| row.id.clone())
        .collect();
    assert!(
        missing.is_empty(),
        "rows whose 检查要求 has no `check`: {missing:?}"
    );
}

// --- The sample inspection --------------------------------------------------

const FINDINGS: &str = include_str!("../examples/linze-2023-findings.json");

/// The rubric, compiled once: a report borrows from the rubric it was made with.
fn shared_rubric() -> &'static Rubric {
    static RUBRIC: std::sync::OnceLock<Rubric> = std::sync::OnceLock::new();
    RUBRIC.get_or_init(compiled_rubric)
}

fn sample_report() -> rubric::report::Report<'static> {
    shared_rubric()
        .evaluate_json(FINDINGS, &rubric::eval::Options::new())
        .unwrap_or_else(|e| panic!("the sample findings do not fit the rubric:\n{e}"))
}

/// Compares `actual` with the expectation file, writing it when it is missing
/// or when `BLESS=1` is set.
fn golden(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/real")
        .join(name);
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    if bless || !path.exists() {
        std::fs::write(&path, actual)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    assert!(
        expected == actual,
        "{} differs from the report (rerun with BLESS=1 if the change is intended)",
        path.display()
    );
}

#[test]
fn the_sample_findings_evaluate_to_the_golden_report() {
    let report = sample_report();
    golden("report.json", &report.to_json());
    golden("report.txt", &report.to_text());
    golden("report.md", &report.to_markdown());
}

#[test]
fn the_renderings_do_not_depend_on_the_order_of_findings() {
    let mut findings = rubric::eval::Findings::from_json(FINDINGS)
        .unwrap_or_else(|e| panic!("the sample findings do not read:\n{e}"));
    findings.findings.reverse();
    let reversed = shared_rubric()
        .evaluate(&findings, &rubric::eval::Options::new())
        .unwrap_or_else(|e| panic!("the reversed findings do not fit:\n{e}"));
    let report = sample_report();
    assert_eq!(report.to_json(), reversed.to_json());
    assert_eq!(report.to_text(), reversed.to_text());
    assert_eq!(report.to_markdown(), reversed.to_markdown());
}

#[test]
fn the_text_report_fits_a_terminal_and_speaks_in_measure_words() {
    let report = sample_report();
    let text = report.to_text();
    for line in text.lines() {
        let width = rubric::report::display_width(line);
        assert!(width <= 110, "{width} columns: {line}");
    }
    // A clause that deducted nothing is no deduction line, only listed once.
    assert!(
        !text.split_whitespace().any(|cell| cell == "-0"),
        "a `-0` deduction in\n{text}"
    );
    assert!(text.contains("checked, nothing deducted: 1/a, 2.1/a, 6.2/c"));
    for needle in [
        "-2  2 人",
        "-1  12 起",
        "-0.6  2 家",
        "entities: 张某, 李某",
    ] {
        assert!(text.contains(needle), "`{needle}` missing from\n{text}");
    }
    assert!(!text.contains("× person") && !text.contains("enterprise"));
    // The exact score is shown cut, not with all its 29 digits.
    assert!(text.contains("score    317.34 of 351 (exact 317.341907…)"));
    assert!(!text.contains("317.34190751445086705202312139"));
}

#[test]
fn the_markdown_report_is_a_document() {
    let markdown = sample_report().to_markdown();
    for needle in [
        "# 临泽县: score report",
        "**Score: 317.34 of 351** (exact 317.341907…) · **Grade: 良好 (good)** · **Vetoes: formality (at most 良好)**",
        "## Items",
        "| 2.1 | ",
        "c 不清楚的: −2 (2 人): 张某, 李某 — 座谈时随机抽查5人，2人不清楚",
        "<br>",
        "## Penalties",
        "## Vetoes triggered",
        "## Points lost by owner",
        "| 县消防救援大队 | 10.8 |",
        "## Points by entity (before caps)",
        "| 临泽县某某化工有限公司 | 1.2 |",
        "## Warnings",
        "Checked, nothing deducted: 1/a, 2.1/a",
    ] {
        assert!(markdown.contains(needle), "`{needle}` missing from\n{markdown}");
    }
    assert!(!markdown.contains("−0 ") && !markdown.contains("−0)"));
    // Every row of a table has as many cells as its header.
    let mut cells = None;
    for line in markdown.lines() {
        if !line.starts_with('|') {
            cells = None;
            continue;
        }
        let n = line.replace("\\|", "").matches('|').count();
        assert_eq!(*cells.get_or_insert(n), n, "{line}");
    }
}

#[test]
fn the_sample_score_is_the_one_computed_by_hand() {
    let report = sample_report();
    // By hand: 65 items weigh 351; 19.7 (5) is not applicable, so Wa = 346.
    // The clauses take 28.8 (item 7.1 found 6 but loses only its weight, 5),
    // the externals are scored 2.9 below their weights, so
    // raw = 346 − 28.8 − 2.9 = 314.3; scaled = 314.3 × 351 / 346;
    // penalty 39: 3 × 0.5 = 1.5.
    let d = |s: &str| Decimal::from_str(s).unwrap_or_default();
    let clauses: Decimal = report.items.iter().map(|i| i.deducted).sum();
    let externals: Decimal = report
        .items
        .iter()
        .flat_map(|i| &i.externals)
        .map(|e| e.weight - e.score.unwrap_or_default())
        .sum();
    assert_eq!((clauses, externals), (d("28.8"), d("2.9")));
    let exact = d("314.3") * d("351") / d("346") - d("1.5");
    assert_eq!(report.raw, d("314.3"));
    assert_eq!(report.applicable_weight, d("346"));
    assert_eq!(report.penalized, d("1.5"));
    assert_eq!(report.score_exact, exact);
    assert_eq!(report.score.to_string(), "317.34");
    let text = report.to_text();
    assert!(
        text.contains("317.34"),
        "the text report lacks the score:\n{text}"
    );
    // 317.34 earns 优秀 by score; the `formality` veto holds it at 良好.
    let grade = report.grade.as_ref().map(|g| (g.id, g.by_score));
    assert_eq!(grade, Some(("good", "excellent")));
}

#[test]
fn the_sample_findings_exercise_every_form() {
    let report = sample_report();
    let deductions: Vec<_> = report.items.iter().flat_map(|i| &i.deductions).collect();
    let has = |what: &str, f: &dyn Fn(&rubric::report::DeductionReport) -> bool| {
        assert!(deductions.iter().any(|d| f(d)), "no finding shows {what}");
    };
    has("a once deduction", &|d| {
        d.shape == "once" && !d.raw.is_zero()
    });
    has("a per-unit count", &|d| {
        d.shape == "per" && d.entities.is_empty() && !d.raw.is_zero()
    });
    has("named entities", &|d| {
        d.shape == "per" && d.entities.len() > 1
    });
    has("a clause cap reached", &|d| d.capped);
    has("a discretionary amount", &|d| {
        d.shape == "discretionary" && !d.raw.is_zero()
    });
    has("a threshold crossed", &|d| {
        d.shape == "threshold" && !d.raw.is_zero()
    });
    has("a threshold not crossed", &|d| {
        d.shape == "threshold" && d.raw.is_zero()
    });
    has("a clause checked and not found", &|d| d.count == Some(0));
    has("a note", &|d| d.note.is_some());
    has("evidence", &|d| !d.evidence.is_empty());
    assert!(
        report.items.iter().any(|i| i.capped),
        "no item reaches its weight"
    );
    assert!(
        report
            .items
            .iter()
            .any(|i| i.status == rubric::report::Status::NotApplicable && i.reason.is_some()),
        "no item is declared not applicable with a reason"
    );
    let externals = report.items.iter().flat_map(|i| &i.externals);
    assert!(externals.clone().count() > 0);
    assert!(
        externals
            .clone()
            .all(|e| e.score.is_some() && e.assumed.is_none()),
        "every external of the rubric must be scored by the findings"
    );
    assert!(report.penalties.iter().any(|p| !p.deducted.is_zero()));
    assert!(report.vetoes.iter().any(|v| v.by_finding));
    // The one warning: an enterprise named in two findings of the same clause.
    let warnings: Vec<String> = report.warnings.to_vec().into_iter().map(|w| w.at).collect();
    assert_eq!(warnings, ["16/e"], "{:#?}", report.warnings);
}
