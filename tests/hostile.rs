//! Hostile input: numbers at and past the exact decimal range, rubrics that
//! come in other ways than text, findings built in code. Nothing panics,
//! every figure is exact or refused with an error that names the value.

use rubric::eval::{Finding, Findings, Options};
use rubric::{Code, Rubric};

/// The largest decimal: 29 digits.
const MAX: &str = "79228162514264337593543950335";

fn rubric_with_weights(weights: &[&str]) -> String {
    let mut text = String::from("rubric \"考核\" {\n  rounding 0\n");
    for (i, weight) in weights.iter().enumerate() {
        text.push_str(&format!(
            "  item {} \"项\" weight {weight} {{\n    owner \"甲\"\n    clause a \"问题\" deduct 0.5\n    clause b \"每家\" deduct 1 per occurrence\n  }}\n",
            i + 1
        ));
    }
    text.push_str("}\n");
    text
}

fn codes(source: &str) -> Vec<Code> {
    rubric::compile(source)
        .diagnostics
        .0
        .iter()
        .map(|d| d.code)
        .collect()
}

fn error_text(result: Result<rubric::report::Report<'_>, rubric::eval::EvalErrors>) -> String {
    match result {
        Ok(report) => panic!("expected a refusal, got the score {}", report.score),
        Err(errors) => errors.to_string(),
    }
}

#[test]
fn weights_that_add_up_past_the_decimal_range_are_refused_not_panicked() {
    // Past the limit: the sum of the weights has no exact value.
    let source = rubric_with_weights(&[MAX, "1"]);
    assert_eq!(codes(&source), vec![Code::BeyondExactRange]);
    // With a declared total the total check does not panic either.
    let with_total = source.replace("rounding 0\n", &format!("rounding 0\n  total {MAX}\n"));
    assert_eq!(codes(&with_total), vec![Code::BeyondExactRange]);
    // At the limit: the weights add up to the largest decimal exactly.
    let at = rubric_with_weights(&["79228162514264337593543950334", "1"]);
    assert_eq!(codes(&at), vec![]);
}

#[test]
fn externals_that_add_up_past_the_decimal_range_are_refused() {
    let source = format!(
        "rubric \"考核\" {{\n  item 1 \"项\" weight {MAX} {{\n    owner \"甲\"\n    external e1 \"一\" weight {MAX}\n    external e2 \"二\" weight 1\n  }}\n}}\n"
    );
    assert!(
        codes(&source).contains(&Code::BeyondExactRange),
        "{:?}",
        codes(&source)
    );
}

#[test]
fn a_rubric_read_from_json_is_checked_and_evaluated_without_panic() {
    let source = rubric_with_weights(&["79228162514264337593543950334", "1"]);
    let rubric = Rubric::parse(&source).expect("at the limit the rubric compiles");
    let mut json = rubric::export::to_json(&rubric);
    json["items"][1]["weight"] = serde_json::json!("2");
    let back = rubric::export::from_json(&json).expect("the form is right");
    let found: Vec<Code> = rubric::check::check(&back).iter().map(|d| d.code).collect();
    assert_eq!(found, vec![Code::BeyondExactRange]);
    let findings = Findings::new("甲").with(Finding::clause("1", "a"));
    let error = error_text(back.evaluate(&findings, &Options::default()));
    assert!(error.contains("cannot be computed exactly"), "{error}");
}

#[test]
fn a_negative_weight_read_from_json_is_flagged_by_check() {
    let rubric = Rubric::parse(&rubric_with_weights(&["1", "1"])).expect("compiles");
    let mut json = rubric::export::to_json(&rubric);
    json["items"][0]["weight"] = serde_json::json!("-4");
    json["items"][0]["clauses"][0]["amount"] = serde_json::json!("-1");
    let back = rubric::export::from_json(&json).expect("the form is right");
    let negative = rubric::check::check(&back)
        .iter()
        .filter(|d| d.code == Code::ZeroValue && d.message.contains("negative"))
        .count();
    assert_eq!(negative, 2);
}

#[test]
fn rescaling_keeps_every_digit_when_nothing_is_not_applicable() {
    let rubric = Rubric::parse(&rubric_with_weights(&["90000000000000", "1"])).expect("compiles");
    let findings = Findings::new("甲").with(Finding::clause("1", "a"));
    let report = rubric
        .evaluate(&findings, &Options::default())
        .expect("scores");
    assert_eq!(report.score_exact.to_string(), "90000000000000.5");
    assert_eq!(report.score.to_string(), "90000000000001");
}

#[test]
fn a_rescaled_product_past_the_exact_range_is_refused_not_rounded() {
    let source = rubric_with_weights(&["90000000000000", "1", "3"]).replace(
        "item 3 \"项\" weight 3 {",
        "item 3 \"项\" weight 3 optional {",
    );
    let rubric = Rubric::parse(&source).expect("compiles");
    let findings = Findings::new("甲")
        .with(Finding::clause("1", "a"))
        .with(Finding::not_applicable("3").reason("无"));
    let error = error_text(rubric.evaluate(&findings, &Options::default()));
    assert!(
        error.contains("90000000000000.5 × 90000000000004 cannot be computed exactly"),
        "{error}"
    );
}

#[test]
fn a_deduction_at_29_digit_weights_is_kept_or_refused() {
    // At the range: a 28-digit weight loses exactly 1.
    let rubric = Rubric::parse(&rubric_with_weights(&["7922816251426433759354395033", "1"]))
        .expect("compiles");
    let findings = Findings::new("甲").with(Finding::clause("1", "b"));
    let report = rubric
        .evaluate(&findings, &Options::default())
        .expect("scores");
    assert_eq!(report.score.to_string(), "7922816251426433759354395033");
    // Past it: half a point cannot be held beside 29 digits; refused.
    let rubric = Rubric::parse(&rubric_with_weights(&[
        "79228162514264337593543950333",
        "1",
    ]))
    .expect("compiles");
    let findings = Findings::new("甲").with(Finding::clause("1", "a"));
    let error = error_text(rubric.evaluate(&findings, &Options::default()));
    assert!(error.contains("cannot be computed exactly"), "{error}");
}

#[test]
fn a_per_clause_amount_times_a_huge_count_is_refused_not_saturated() {
    let rubric = Rubric::parse(&rubric_with_weights(&["10", "1"])).expect("compiles");
    let source = format!(
        "rubric \"考核\" {{\n  item 1 \"项\" weight {MAX} {{\n    owner \"甲\"\n    clause b \"每次\" deduct 7922816251426433759354395033.5 per occurrence\n  }}\n}}\n"
    );
    let huge = Rubric::parse(&source).expect("compiles");
    let findings = Findings::new("甲").with(Finding::clause("1", "b").count(3));
    let error = error_text(huge.evaluate(&findings, &Options::default()));
    assert!(
        error.contains("7922816251426433759354395033.5 × 3 cannot be computed exactly"),
        "{error}"
    );
    // An ordinary count is exact.
    let findings = Findings::new("甲").with(Finding::clause("1", "b").count(u64::MAX));
    let report = rubric
        .evaluate(&findings, &Options::default())
        .expect("capped at the item weight");
    assert_eq!(report.score.to_string(), "1");
}

#[test]
fn a_percentage_threshold_is_exact_or_refused() {
    let threshold = |t: &str| {
        format!(
            "rubric \"考核\" {{\n  item 1 \"项\" weight 4 {{\n    owner \"甲\"\n    clause a \"比率\" deduct 1 when below {t}\n  }}\n}}\n"
        )
    };
    // At the limit: 26 decimal places in percent, 28 as a fraction.
    let at = Rubric::parse(&threshold("0.12345678901234567890123456%")).expect("exact");
    let below = Findings::new("甲").with(
        Finding::clause("1", "a").value("0.0012345678901234567890123455".parse().expect("decimal")),
    );
    let report = at.evaluate(&below, &Options::default()).expect("scores");
    assert_eq!(
        report.score.to_string(),
        "3.00",
        "a value strictly below deducts"
    );
    // Past it: refused with E0104 instead of being rounded (or read as zero).
    for past in [
        "0.123456789012345678901234567%",
        "0.0000000000000000000000000001%",
    ] {
        let found = codes(&threshold(past));
        assert_eq!(found, vec![Code::InvalidNumber], "{past}");
    }
}

#[test]
fn a_lone_cr_ends_a_line_as_editors_show_it() {
    let lf = "rubric \"r\" {\n  item 1 \"x\" weight 4 {\n    clause a \"c\" deduct 1\n    owner \"甲\"\n  }\n}\n";
    let cr = lf.replace('\n', "\r");
    let from_lf = Rubric::parse(lf).expect("compiles");
    let from_cr = Rubric::parse(&cr).expect("compiles");
    assert!(from_cr.same_ignoring_spans(&from_lf));
    let item = from_cr.item("1").expect("item 1");
    assert_eq!(
        item.owners.len(),
        1,
        "the owner on its own line is the item's"
    );
    assert!(item.clauses.iter().all(|c| c.owners.is_empty()));
    // Diagnostics count lone CRs as line ends too.
    let bad = "rubric \"r\" {\r  item 1 \"x\" weight 0 {\r    clause a \"c\" deduct 1\r  }\r}\r";
    let compiled = rubric::compile(bad);
    let first = compiled
        .diagnostics
        .0
        .first()
        .expect("weight 0 is an error");
    let position = rubric::LineIndex::new(bad).position(first.span.start);
    assert_eq!((position.line, position.column), (2, 21));
}

#[test]
fn the_builder_refuses_what_json_refuses() {
    let rubric = Rubric::parse(
        "rubric \"r\" {\n  unit enterprise \"家\"\n  item 1 \"x\" weight 4 {\n    owner \"甲\"\n    clause b \"每家\" deduct 1 per enterprise\n  }\n}\n",
    )
    .expect("compiles");
    let cases: [(Finding, &str); 3] = [
        (
            Finding::clause("1", "b").entities(Vec::<String>::new()),
            r#"{"findings": [{"item": "1", "clause": "b", "entities": []}]}"#,
        ),
        (
            Finding::clause("1", "b").entity("  "),
            r#"{"findings": [{"item": "1", "clause": "b", "entities": ["  "]}]}"#,
        ),
        (
            Finding::clause("1", "b").entity(""),
            r#"{"findings": [{"item": "1", "clause": "b", "entities": [""]}]}"#,
        ),
    ];
    for (finding, json) in cases {
        let built = rubric.evaluate(&Findings::new("").with(finding), &Options::default());
        let read = rubric.evaluate_json(json, &Options::default());
        let (built, read) = (error_text(built), error_text(read));
        assert!(built.contains("findings[0].entities"), "{built}");
        assert!(read.contains("findings[0].entities"), "{read}");
    }
}

#[test]
fn a_million_character_id_is_checked_in_seconds() {
    let long = "u".repeat(1_000_000);
    let source = format!(
        "rubric \"r\" {{\n  unit enterprise \"家\"\n  item 1 \"x\" weight 4 {{\n    owner \"甲\"\n    clause a \"c\" deduct 1 per {long}\n  }}\n}}\n"
    );
    let start = std::time::Instant::now();
    let found = codes(&source);
    assert!(found.contains(&Code::UnknownUnit), "{found:?}");
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn unknown_ids_and_clause_lists_stay_bounded() {
    // An item with 2,000 clauses, and 2,000 findings naming unknown items
    // and unknown clauses: linear time, and each message lists at most 20.
    let mut source = String::from("rubric \"r\" {\n  item 1 \"x\" weight 4 {\n    owner \"甲\"\n");
    for c in 0..2000 {
        source.push_str(&format!("    clause c{c} \"c\" deduct 1\n"));
    }
    source.push_str("  }\n");
    for i in 2..2000 {
        source.push_str(&format!(
            "  item {i} \"x\" weight 1 {{\n    owner \"甲\"\n    clause a \"c\" deduct 1\n  }}\n"
        ));
    }
    source.push_str("}\n");
    let rubric = Rubric::parse(&source).expect("compiles");
    let mut findings = Findings::new("甲");
    for n in 0..2000 {
        findings.push(Finding::clause("1", format!("zz{n}")));
        findings.push(Finding::clause(format!("9{n}x"), "a"));
    }
    let start = std::time::Instant::now();
    let error = error_text(rubric.evaluate(&findings, &Options::default()));
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    assert!(
        error.contains("its clauses are c0, c1,"),
        "{}",
        &error[..200]
    );
    assert!(error.contains("c19 and 1980 more"));
    assert!(error.len() < 2_000_000, "{} bytes of errors", error.len());
}

#[test]
fn inside_the_documented_envelope_every_figure_is_exact() {
    // Total below 10^9, numbers with at most 4 decimal places, counts below
    // 10^15: exact whatever the findings (docs/limits.md).
    let source = "rubric \"r\" {\n  rounding 4\n  item 1 \"x\" weight 999999997.9999 {\n    owner \"甲\"\n    clause a \"每次\" deduct 0.0001 per occurrence\n    clause b \"酌情\" deduct up to 3.0001\n  }\n  item 2 \"y\" weight 1.0001 optional {\n    owner \"甲\"\n    clause a \"c\" deduct 1\n  }\n  item 3 \"z\" weight 0.9999 {\n    owner \"甲\"\n    external e \"外\" weight 0.9999\n  }\n}\n";
    let rubric = Rubric::parse(source).expect("compiles");
    let findings = Findings::new("甲")
        .with(Finding::clause("1", "a").count(999_999_999_999_999))
        .with(Finding::clause("1", "b").amount("2.9999".parse().expect("decimal")))
        .with(Finding::not_applicable("2").reason("无"))
        .with(Finding::external(
            "3",
            "e",
            "0.1234".parse().expect("decimal"),
        ));
    let report = rubric
        .evaluate(&findings, &Options::default())
        .expect("inside the envelope nothing is refused");
    // The per clause is capped at the item weight: item 1 scores 0.
    assert_eq!(report.raw.to_string(), "0.1234");
    assert!(!report.score_exact.is_zero() && report.score_exact.is_sign_positive());
}

#[test]
fn a_percentage_threshold_survives_the_json_round_trip() {
    // Found by fuzzing (`fuzz/` target `compile`): the JSON form keeps the
    // threshold's value (0.5), not that it was written as `50%`; reading it
    // back gives the same JSON and a rubric that passes the same checks.
    let source = "rubric \"阈值\" {\n  item 1 \"比率\" weight 10 {\n    clause d \"非数\" deduct 1 when below 50%\n  }\n}\n";
    let rubric = Rubric::parse(source).expect("compiles");
    let json = rubric::export::to_json(&rubric);
    let back = rubric::export::from_json(&json).expect("reads back");
    assert_eq!(rubric::export::to_json(&back), json);
    assert!(rubric::check::check(&back).iter().all(|d| !d.is_error()));
    let findings =
        Findings::new("甲").with(Finding::clause("1", "d").value("0.49".parse().expect("decimal")));
    let (a, b) = (
        rubric
            .evaluate(&findings, &Options::default())
            .expect("scores"),
        back.evaluate(&findings, &Options::default())
            .expect("scores"),
    );
    assert_eq!(a.score, b.score);
}
