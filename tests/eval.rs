//! Golden evaluation scenarios: `tests/data/eval/<case>/` holds
//! `rubric.rubric`, `findings.json`, optionally `options.txt`
//! (`missing-external=full|zero`) and `score.txt` (the rounded score worked
//! out by hand, never rewritten), and the expectation: `report.json` when
//! the findings fit, `errors.txt` when they do not. A missing expectation is
//! written; `BLESS=1` rewrites them all.

use rubric::eval::{Location, Missing, Options};
use std::fs;
use std::path::Path;

fn check_expectation(path: &Path, actual: &str, failures: &mut Vec<String>) {
    let bless = std::env::var_os("BLESS").is_some();
    match fs::read_to_string(path) {
        Ok(expected) if expected == actual => {}
        Ok(_) if bless => fs::write(path, actual).unwrap(),
        Err(_) => fs::write(path, actual).unwrap(),
        Ok(expected) => failures.push(format!(
            "{} differs (BLESS=1 rewrites it)\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        )),
    }
}

#[test]
fn golden_scenarios() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eval");
    let mut cases: Vec<_> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 20,
        "scenarios missing under {}",
        root.display()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let source = fs::read_to_string(case.join("rubric.rubric")).unwrap();
        let findings = fs::read_to_string(case.join("findings.json")).unwrap();
        let compiled = rubric::compile(&source);
        let Some(rubric) = compiled.rubric else {
            failures.push(format!(
                "{name}: the rubric does not compile: {:?}",
                compiled.diagnostics
            ));
            continue;
        };
        let mut options = Options::new();
        if let Ok(text) = fs::read_to_string(case.join("options.txt")) {
            options = options.missing_external(match text.trim() {
                "missing-external=full" => Missing::Full,
                "missing-external=zero" => Missing::Zero,
                other => panic!("{name}: unknown option `{other}`"),
            });
        }
        match rubric.evaluate_json(&findings, &options) {
            Ok(report) => {
                if case.join("errors.txt").exists() {
                    failures.push(format!("{name}: expected errors, got a report"));
                }
                if let Ok(score) = fs::read_to_string(case.join("score.txt")) {
                    if score.trim() != report.score.to_string() {
                        failures.push(format!(
                            "{name}: score {} but worked out by hand as {}",
                            report.score,
                            score.trim()
                        ));
                    }
                }
                let mut json = report.to_json();
                json.push('\n');
                check_expectation(&case.join("report.json"), &json, &mut failures);
            }
            Err(errors) => {
                if case.join("report.json").exists() || case.join("score.txt").exists() {
                    failures.push(format!("{name}: expected a report, got errors: {errors:?}"));
                }
                let mut text = String::new();
                for e in &errors {
                    if e.location != Location::Document {
                        text.push_str(&format!("{}: ", e.location));
                    }
                    text.push_str(&format!("error: {}\n", e.message));
                    if let Some(help) = &e.help {
                        text.push_str(&format!("  = help: {help}\n"));
                    }
                }
                check_expectation(&case.join("errors.txt"), &text, &mut failures);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Rule 11: every scenario that yields a report yields the same bytes
/// whatever the order of its findings.
#[test]
fn shuffled_findings_give_the_same_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/eval");
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in fs::read_dir(&root).unwrap() {
        let case = entry.unwrap().path();
        if !case.join("report.json").exists() {
            continue;
        }
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let source = fs::read_to_string(case.join("rubric.rubric")).unwrap();
        let Some(rubric) = rubric::compile(&source).rubric else {
            continue;
        };
        let mut options = Options::new();
        if let Ok(text) = fs::read_to_string(case.join("options.txt")) {
            options = options.missing_external(match text.trim() {
                "missing-external=full" => Missing::Full,
                _ => Missing::Zero,
            });
        }
        let text = fs::read_to_string(case.join("findings.json")).unwrap();
        let document: serde_json::Value = serde_json::from_str(&text).unwrap();
        let findings = document["findings"].as_array().unwrap().clone();
        let expected = rubric.evaluate_json(&text, &options).unwrap().to_json();
        for order in orders(findings.len()) {
            let mut shuffled = document.clone();
            shuffled["findings"] = order.iter().map(|&i| findings[i].clone()).collect();
            let json = serde_json::to_string(&shuffled).unwrap();
            match rubric.evaluate_json(&json, &options) {
                Ok(report) if report.to_json() == expected => {}
                Ok(_) => failures.push(format!("{name}: order {order:?} changes the report")),
                Err(e) => failures.push(format!("{name}: order {order:?} gives errors {e:?}")),
            }
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} scenarios with a report");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Reversed, rotated, odd positions before even ones, and a fixed
/// pseudo-random permutation.
fn orders(n: usize) -> Vec<Vec<usize>> {
    let mut orders = vec![(0..n).rev().collect::<Vec<_>>()];
    orders.push((0..n).map(|i| (i + 1) % n).collect());
    orders.push(
        (0..n)
            .filter(|i| i % 2 == 1)
            .chain((0..n).filter(|i| i % 2 == 0))
            .collect(),
    );
    let mut random: Vec<usize> = (0..n).collect();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for i in (1..n).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        random.swap(i, (state % (i as u64 + 1)) as usize);
    }
    orders.push(random);
    orders
}
