//! The forms of language version 2 through parsing, lowering, checking and
//! formatting: the rubrics of spec section 9 (`tests/data/v2/`, also exported as goldens in `tests/data/export/v2-*`) compile
//! without errors, lower to the model the spec describes, and format
//! idempotently to the same model.

use rubric::model::{
    CompareOp, Comparison, ExtraWhen, Owner, Part, RatePoint, Scoring, Shape, Steps, Verb,
};
use rubric::{compile, Rubric, Severity};
use std::path::Path;

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/v2")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn compiled(source: &str) -> Rubric {
    let compiled = compile(source);
    let errors: Vec<String> = compiled
        .diagnostics
        .0
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    match compiled.rubric {
        Some(r) => r,
        None => panic!("no rubric"),
    }
}

/// Formats, checks idempotence and that the model is unchanged.
fn formats_soundly(source: &str) -> String {
    let formatted = match rubric::fmt::format(source) {
        Ok(f) => f,
        Err(e) => panic!("format failed: {:?}", e.0),
    };
    let again = rubric::fmt::format(&formatted).map_err(|e| e.0);
    assert_eq!(again.as_deref(), Ok(formatted.as_str()), "not idempotent");
    let before = compiled(source);
    let after = compiled(&formatted);
    assert!(before.same_ignoring_spans(&after));
    assert_eq!(before.span_free_text(), after.span_free_text());
    formatted
}

#[test]
fn the_standard_of_section_9_1_lowers_as_written() {
    let r = compiled(&read("standard.rubric"));
    assert!(!r.is_v1());
    let forms = r.forms();
    assert_eq!(forms.scale.map(|a| a.value.to_string()), Some("100".into()));
    assert_eq!(
        forms.ceiling.map(|a| a.value.to_string()),
        Some("50".into())
    );
    assert_eq!(forms.levels.len(), 3);
    assert_eq!(r.facts().len(), 1);
    assert_eq!(
        r.fact("deaths")
            .and_then(|f| f.default)
            .map(|d| d.value.to_string()),
        Some("0".into())
    );
    // Two weighted sections; item 13 stands outside them.
    assert_eq!(r.sections().len(), 2);
    assert_eq!(
        r.section_form(0).weight.map(|w| w.value.to_string()),
        Some("20".into())
    );
    assert_eq!(r.item_weighted_section(0), Some(0));
    let i13 = r.items().iter().position(|i| i.id.as_str() == "13");
    assert_eq!(i13.and_then(|i| r.item_weighted_section(i)), None);

    let place = |item: &str, clause: &str| {
        let i = r
            .items()
            .iter()
            .position(|x| x.id.as_str() == item)
            .unwrap_or(usize::MAX);
        let c = r
            .items()
            .get(i)
            .and_then(|x| x.clauses.iter().position(|c| c.id.as_str() == clause));
        rubric::model::ClausePlace {
            owner: Owner::Item(i),
            clause: c.unwrap_or(usize::MAX),
        }
    };
    let a = r.clause_form(place("2.1", "a"));
    assert_eq!(
        a.extra.map(|e| (e.amount.value.to_string(), e.when)),
        Some(("10".into(), ExtraWhen::Deducts))
    );
    let x = r.clause_form(place("2.1", "x"));
    assert!(matches!(x.shape, Some(Shape::Exhausted { .. })));
    assert_eq!(x.extra.map(|e| e.when), Some(ExtraWhen::Exhausted));
    match &r.clause_form(place("2.2", "a")).shape {
        Some(Shape::Rate {
            amount,
            step: Some(step),
            steps: Steps::Started,
            op: Comparison::Below,
            threshold: RatePoint::Fixed(p),
            cap: None,
        }) => {
            assert_eq!(amount.value.to_string(), "0.5");
            assert_eq!(step.value.to_string(), "0.01");
            assert_eq!(p.value.to_string(), "1");
        }
        other => panic!("{other:?}"),
    }
    let levels = r.clause_form(place("8.1", "a"));
    match &levels.shape {
        Some(Shape::Levels {
            amounts,
            unit: Some(unit),
            cap: None,
        }) => {
            let amounts: Vec<String> = amounts.iter().map(|a| a.value.to_string()).collect();
            assert_eq!(amounts, ["1", "3", "6"]);
            assert_eq!(unit.as_str(), "point");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(levels.tags.first().map(|t| t.as_str()), Some("hazard"));
    assert_eq!(r.tagged("hazard"), &[place("8.1", "a")]);

    let bonus = r
        .bonus("14")
        .map(|b| (b.cap.map(|c| c.value.to_string()), b.clauses.len()));
    assert_eq!(bonus, Some((Some("3".into()), 2)));
    let b0 = r.clause_form(rubric::model::ClausePlace {
        owner: Owner::Bonus(0),
        clause: 0,
    });
    assert_eq!(b0.verb, Verb::Add);

    assert_eq!(
        r.exclusive_members(0),
        &[place("8.1", "a"), place("8.3", "a")]
    );
    assert_eq!(r.exclusive_group_of(place("8.3", "a")), Some(0));

    let fatal2 = r.veto_form(1);
    assert!(fatal2.caps_grade);
    let condition = fatal2.condition.clone().map(|c| c.parts);
    match condition.as_deref() {
        Some(
            [Part::Fact {
                fact,
                op: CompareOp::Ge,
                value,
            }],
        ) => {
            assert_eq!(fact.as_str(), "deaths");
            assert_eq!(value.value.to_string(), "2");
        }
        other => panic!("{other:?}"),
    }
    let flag = r
        .flags()
        .first()
        .map(|f| (f.id.as_str(), f.when.all, f.when.parts.len()));
    assert_eq!(flag, Some(("major", false, 1)));
}

#[test]
fn the_points_rubric_of_example_c_lowers_as_written() {
    let r = compiled(&read("food-points.rubric"));
    assert_eq!(r.scoring(), Scoring::Points);
    assert_eq!(r.forms().levels.len(), 5);
    assert!(!r.item_weighted(0));
    let bands: Vec<Option<String>> = (0..r.grades().len())
        .map(|g| r.grade_form(g).at_most.map(|a| a.value.to_string()))
        .collect();
    assert_eq!(bands, [Some("13".into()), Some("27".into()), None]);
    let pending = r.flags().get(1).map(|f| (f.when.all, f.when.parts.len()));
    assert_eq!(pending, Some((true, 3)));
    assert!(matches!(
        r.flags().first().and_then(|f| f.when.parts.get(1)),
        Some(Part::Score {
            op: CompareOp::Ge,
            ..
        })
    ));
    let f = r.clause_form(rubric::model::ClausePlace {
        owner: Owner::Item(1),
        clause: 0,
    });
    assert_eq!(f.verb, Verb::Points);
    assert!(
        matches!(&f.shape, Some(Shape::Levels { unit: Some(u), .. }) if u.as_str() == "occurrence")
    );
}

#[test]
fn the_examples_format_idempotently_to_the_same_model() {
    formats_soundly(&read("standard.rubric"));
    formats_soundly(&read("food-points.rubric"));
    formats_soundly(&read("every-form.rubric"));
}

#[test]
fn clause_endings_are_written_in_canonical_order() {
    let source = "rubric \"t\" {\n  item 1 \"i\" weight 4 {\n    clause a \"x\" deduct 1 owner \"o\" tagged t, u extra 2  # note\n  }\n  flag f \"F\" when tagged t\n}\n";
    let formatted = formats_soundly(source);
    assert!(
        formatted.contains("clause a \"x\" deduct 1 extra 2 tagged t, u owner \"o\"  # note\n"),
        "{formatted}"
    );
}

#[test]
fn version_1_files_still_refuse_nested_sections() {
    let source = "rubric \"t\" {\n  section a \"A\" {\n    section b \"B\" {\n    }\n  }\n}\n";
    let codes: Vec<String> = compile(source)
        .diagnostics
        .0
        .iter()
        .map(|d| d.code.to_string())
        .collect();
    assert_eq!(codes, ["E0107"]);
    // With a weighted section the same nesting is a version 2 form.
    let v2 = "rubric \"t\" {\n  section a \"A\" weight 4 {\n    section b \"B\" {\n      item 1 \"i\" weight 4 {\n        owner \"o\"\n        clause a \"x\" deduct 1\n      }\n    }\n  }\n}\n";
    let r = compiled(v2);
    assert_eq!(r.section_form(1).parent, Some(0));
    assert_eq!(r.item_weighted_section(0), Some(0));
}

#[test]
fn sections_nested_too_deep_are_skipped_without_recursion() {
    let depth = 100_000;
    let mut source = String::from("rubric \"t\" {\n  section s \"S\" weight 1 {\n");
    for _ in 0..depth {
        source.push_str("section s \"S\" {\n");
    }
    for _ in 0..depth {
        source.push_str("}\n");
    }
    source.push_str("  }\n}\n");
    let codes: Vec<String> = compile(&source)
        .diagnostics
        .0
        .iter()
        .map(|d| d.code.to_string())
        .collect();
    assert!(codes.contains(&"E0217".to_owned()), "{codes:?}");
}

#[test]
fn the_json_export_reads_back_to_the_same_json() {
    for name in ["standard.rubric", "food-points.rubric", "every-form.rubric"] {
        let r = compiled(&read(name));
        let json = rubric::export::to_json(&r);
        let back = match rubric::export::from_json(&json) {
            Ok(b) => b,
            Err(e) => panic!("{name}: {e}"),
        };
        assert_eq!(rubric::export::to_json(&back), json, "{name}");
        assert!(rubric::check::check(&back)
            .iter()
            .all(|d| d.severity() != Severity::Error));
    }
}

#[test]
fn the_json_export_writes_the_keys_of_section_9_4_in_order() {
    let r = compiled(&read("standard.rubric"));
    let text = rubric::export::to_json_pretty(&r);
    let keys: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  \"") && !l.starts_with("   "))
        .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next())
        .collect();
    assert_eq!(
        keys,
        [
            "title",
            "version",
            "total",
            "not_applicable",
            "rounding",
            "scoring",
            "scale",
            "ceiling",
            "levels",
            "units",
            "grades",
            "facts",
            "sections",
            "items",
            "penalties",
            "bonuses",
            "vetoes",
            "flags",
            "exclusive"
        ]
    );
    let json = rubric::export::to_json(&r);
    let rate = &json["items"][1]["clauses"][0];
    assert_eq!(rate["shape"], "rate");
    assert_eq!(rate["step"], "0.01");
    assert_eq!(rate["steps"], "started");
    assert_eq!(rate["threshold"], "1");
    let levels = &json["items"][2]["clauses"][0];
    assert_eq!(levels["amounts"], serde_json::json!(["1", "3", "6"]));
    assert_eq!(levels["tags"], serde_json::json!(["hazard"]));
    let x = &json["items"][0]["clauses"][2];
    assert_eq!(
        (x["extra"].as_str(), x["extra_when"].as_str()),
        (Some("10"), Some("exhausted"))
    );
    assert_eq!(json["sections"][0]["weight"], "20");
    assert_eq!(
        json["vetoes"][0]["when"],
        serde_json::json!(["deaths >= 1"])
    );
    assert_eq!(
        json["flags"][0]["when"],
        serde_json::json!(["tagged hazard"])
    );
    assert_eq!(
        json["exclusive"][0]["clauses"],
        serde_json::json!(["8.1/a", "8.3/a"])
    );
    assert_eq!(json["bonuses"][0]["clauses"][1]["verb"], "add");
}
