//! The worked examples of the language reference for version 2 (spec
//! section 9.5), with exactly the stated results, and the report keys that
//! version 2 adds.

use rubric::eval::Options;
use rubric::Rubric;
use std::path::Path;

/// Reads and compiles a rubric of `tests/data/export/` (the spec's own
/// examples, which compile without errors).
fn load(name: &str) -> Rubric {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/export")
        .join(name);
    let source = std::fs::read_to_string(&path).unwrap();
    let compiled = rubric::compile(&source);
    match compiled.rubric {
        Some(rubric) => rubric,
        None => panic!("{name}: {:?}", compiled.diagnostics),
    }
}

fn json(report: &rubric::report::Report<'_>) -> serde_json::Value {
    serde_json::from_str(&report.to_json()).unwrap()
}

const A: &str = r#"{"subject": "A", "findings": [
  {"item": "2.1", "clause": "b", "count": 4},
  {"item": "2.2", "clause": "a", "value": "99.2%"},
  {"item": "8.1", "clause": "a", "level": 1, "count": 2},
  {"item": "8.1", "clause": "a", "level": 2, "count": 1},
  {"item": "8.3", "clause": "a", "count": 2},
  {"item": "8.2", "not_applicable": true},
  {"item": "13", "clause": "b", "amount": 1.5}
]}"#;

#[test]
fn example_a() {
    let rubric = load("v2-standard.rubric");
    let report = rubric.evaluate_json(A, &Options::new()).unwrap();
    assert_eq!(report.score.to_string(), "52.3");
    let grade = report.grade.as_ref().unwrap();
    assert_eq!(grade.id, "none");
    let flags: Vec<&str> = report
        .flags
        .as_ref()
        .unwrap()
        .iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(flags, ["major"]);
    let v = json(&report);
    // 2.1: exhausted, not capped; extra 10 from x.
    let item = |id: &str| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(item("2.1")["score"], "0");
    assert_eq!(item("2.1")["capped"], false);
    assert_eq!(item("2.1")["exhausted"], true);
    assert_eq!(item("2.1")["extra"]["amount"], "10");
    assert_eq!(item("2.1")["extra"]["clauses"][0], "2.1/x");
    assert_eq!(item("2.2")["score"], "15.5");
    assert_eq!(item("2.2")["deductions"][0]["steps"], "1");
    assert_eq!(item("8.1")["score"], "3");
    assert_eq!(item("8.1")["deductions"][0]["level"][1]["label"], "较大");
    assert_eq!(item("8.3")["score"], "6");
    assert_eq!(item("8.3")["deductions"][0]["excluded_by"], "8.1/a");
    assert_eq!(item("8.3")["deductions"][0]["amount"], "0");
    assert_eq!(
        item("8.1")["deductions"][0]["excluded_by"],
        serde_json::Value::Null
    );
    assert_eq!(item("8.2")["status"], "not_applicable");
    assert_eq!(item("13")["score"], "8.5");
    let sections = v["sections"].as_array().unwrap();
    assert_eq!(sections[0]["id"], "2");
    assert_eq!(sections[0]["score"], "5.5");
    assert_eq!(sections[0]["extra"], "10");
    assert_eq!(sections[1]["score"], "9");
    assert_eq!(v["raw"], "23");
    assert_eq!(v["applicable_weight"], "44");
    assert_eq!(v["scale"], "100");
    assert!(v["unscaled"].as_str().unwrap().starts_with("26.136363"));
    assert!(v["score_exact"].as_str().unwrap().starts_with("52.272727"));
    assert_eq!(v["ceiling_applied"], false);
    assert_eq!(v["facts"][0]["value"], "0");
    assert_eq!(v["facts"][0]["defaulted"], true);
    assert_eq!(v["vetoes"].as_array().unwrap().len(), 0);
    assert_eq!(v["flags"][0]["parts"][0], "tagged hazard");
}

const B: &str = r#"{"subject": "B", "findings": [
  {"item": "2.2", "clause": "a", "value": "99.2%"},
  {"item": "13", "clause": "b", "amount": "1.5"},
  {"item": "14", "clause": "a"},
  {"item": "14", "clause": "b", "count": 1},
  {"fact": "deaths", "value": 1}
]}"#;

#[test]
fn example_b() {
    let rubric = load("v2-standard.rubric");
    let report = rubric.evaluate_json(B, &Options::new()).unwrap();
    assert_eq!(report.score.to_string(), "100.0");
    assert_eq!(report.ceiling_applied, Some(true));
    let grade = report.grade.as_ref().unwrap();
    assert_eq!(grade.id, "level2");
    assert_eq!(grade.by_score, "level1");
    assert_eq!(grade.capped_by, ["fatal1"]);
    let vetoes: Vec<&str> = report.vetoes.iter().map(|v| v.id).collect();
    assert_eq!(vetoes, ["fatal1"]);
    assert!(report.flags.as_ref().unwrap().is_empty());
    let v = json(&report);
    let scores: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["score"].as_str().unwrap())
        .collect();
    assert_eq!(scores, ["4", "15.5", "8", "6", "6", "8.5"]);
    let sections: Vec<&str> = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["score"].as_str().unwrap())
        .collect();
    assert_eq!(sections, ["19.5", "20"]);
    assert_eq!(v["raw"], "48");
    assert_eq!(v["scaled"], "48");
    assert_eq!(v["bonused"], "3");
    assert_eq!(v["bonuses"][0]["added"], "3");
    assert_eq!(v["unscaled"], "50");
    assert_eq!(v["vetoes"][0]["parts"][0], "deaths >= 1");
    assert_eq!(v["facts"][0]["value"], "1");
    assert_eq!(v["facts"][0]["defaulted"], false);
}

#[test]
fn example_c() {
    let rubric = load("v2-food-points.rubric");
    let first = r#"{"subject": "C1", "findings": [
      {"item": "02", "clause": "B", "level": "II"},
      {"item": "10", "clause": "F", "level": 1},
      {"fact": "visit", "value": 1}
    ]}"#;
    let report = rubric.evaluate_json(first, &Options::new()).unwrap();
    assert_eq!(report.score.to_string(), "8");
    assert_eq!(report.grade.as_ref().unwrap().id, "A");
    let flags: Vec<&str> = report
        .flags
        .as_ref()
        .unwrap()
        .iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(flags, ["notice"]);
    let v = json(&report);
    assert_eq!(v["scoring"], "points");
    assert_eq!(v["items"][0]["weight"], serde_json::Value::Null);
    assert_eq!(v["items"][0]["points"], "6");
    assert_eq!(v["items"][1]["points"], "2");

    let second = r#"{"subject": "C2", "findings": [
      {"item": "10", "clause": "F", "level": 1, "count": 7},
      {"fact": "visit", "value": 2},
      {"fact": "first", "value": 14}
    ]}"#;
    let report = rubric.evaluate_json(second, &Options::new()).unwrap();
    assert_eq!(report.score.to_string(), "14");
    assert_eq!(report.grade.as_ref().unwrap().id, "B");
    let flags: Vec<&str> = report
        .flags
        .as_ref()
        .unwrap()
        .iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(flags, ["notice", "pending"]);
    let v = json(&report);
    assert_eq!(v["flags"][0]["parts"][0], "score >= 14");
}

#[test]
fn a_missing_fact_that_a_condition_tests_is_an_error() {
    let rubric = load("v2-food-points.rubric");
    let errors = rubric
        .evaluate_json(
            r#"{"findings": [{"item": "10", "clause": "F", "level": 1}]}"#,
            &Options::new(),
        )
        .unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 1, "{text:?}");
    assert!(
        text[0].starts_with("fact visit: no value for fact `visit`"),
        "{text:?}"
    );
}

/// The template names facts, levels, targets and bonus clauses, and fed
/// back unchanged it deducts nothing.
#[test]
fn the_template_deducts_nothing() {
    let rubric = load("v2-standard.rubric");
    let template = rubric::eval::template(&rubric);
    assert!(template.contains("\"fact\": \"deaths\""), "{template}");
    assert!(template.contains("\"level\": 1"), "{template}");
    assert!(template.contains("\"item\": \"14\""), "{template}");
    assert!(!template.contains("\"clause\": \"x\""), "{template}");
    let report = rubric.evaluate_json(&template, &Options::new()).unwrap();
    assert_eq!(report.score.to_string(), "100.0");
    assert!(report.items.iter().all(|i| i.deducted.is_zero()));
    assert_eq!(report.bonused.map(|b| b.to_string()), Some("0".into()));

    let points = load("v2-food-points.rubric");
    let template = rubric::eval::template(&points);
    assert!(template.contains("\"fact\": \"visit\""), "{template}");
    let report = points.evaluate_json(&template, &Options::new()).unwrap();
    assert_eq!(report.score.to_string(), "0");
    assert_eq!(report.grade.as_ref().unwrap().id, "A");

    let source = r#"rubric "目标" {
      item 1 "事故起数" weight 10 {
        clause a "比上年每多一起扣0.2分" deduct 0.2 per 1 above target
        clause b "每低1个百分点扣0.5分" deduct 0.5 per started 1% below 100%
        clause c "低于2%扣0.5分，低于3%扣0.25分" deduct 0.5 when below 2%, 0.25 when below 3%
        clause d "酌情扣1—3分" deduct 1 to 3
      }
    }"#;
    let parsed = rubric::syntax::parse(source);
    let (target, _) = rubric::model::lower(&parsed.file);
    let template = rubric::eval::template(&target);
    assert!(template.contains("\"target\": \"0\""), "{template}");
    assert!(template.contains("\"value\": \"100%\""), "{template}");
    assert!(template.contains("\"value\": \"3%\""), "{template}");
    assert!(!template.contains("\"clause\": \"d\""), "{template}");
    let report = target.evaluate_json(&template, &Options::new()).unwrap();
    assert_eq!(report.score.to_string(), "10.00");
}
