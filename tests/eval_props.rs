//! Laws of evaluation (spec section 5) on generated rubrics and findings.

use proptest::prelude::*;
use rubric::eval::{Finding, Findings, Missing, Options};
use rubric::model::build::*;
use rubric::model::{Deduction, NotApplicable};
use rubric::report::{Report, Status};
use rubric::Rubric;
use rust_decimal::Decimal;

/// A clause shape with its numbers, in tenths of a point.
#[derive(Debug, Clone)]
enum Shape {
    Once(u32),
    All,
    Per(u32, Option<u32>),
    UpTo(Option<u32>),
    Below(u32, u32),
    Above(u32, u32),
}

#[derive(Debug, Clone)]
struct ItemSpec {
    weight: u32,
    optional: bool,
    externals: Vec<u32>,
    clauses: Vec<Shape>,
}

#[derive(Debug, Clone)]
struct RubricSpec {
    items: Vec<ItemSpec>,
    penalties: Vec<(Option<u32>, Vec<Shape>)>,
    full_marks: bool,
    declared_total: bool,
    rounding: u32,
}

fn tenths(n: u32) -> Decimal {
    Decimal::new(i64::from(n), 1)
}

fn shape(in_penalty: bool) -> impl Strategy<Value = Shape> {
    let all = if in_penalty { 0 } else { 1 };
    prop_oneof![
        3 => (1u32..40).prop_map(Shape::Once),
        all => Just(Shape::All),
        3 => (1u32..20, proptest::option::of(1u32..40)).prop_map(|(a, c)| Shape::Per(a, c)),
        2 => proptest::option::of(1u32..30).prop_map(Shape::UpTo),
        1 => (1u32..20, 1u32..100).prop_map(|(a, p)| Shape::Below(a, p)),
        1 => (1u32..20, 1u32..100).prop_map(|(a, p)| Shape::Above(a, p)),
    ]
}

fn item_spec() -> impl Strategy<Value = ItemSpec> {
    (
        1u32..100,
        any::<bool>(),
        proptest::collection::vec(1u32..30, 0..3),
        proptest::collection::vec(shape(false), 1..5),
    )
        .prop_map(|(weight, optional, externals, clauses)| {
            // Externals take at most the item's weight together.
            let mut left = weight;
            let externals = externals
                .into_iter()
                .filter_map(|e| {
                    let e = e.min(left);
                    left -= e;
                    (e > 0).then_some(e)
                })
                .collect();
            ItemSpec {
                weight,
                optional,
                externals,
                clauses,
            }
        })
}

fn rubric_spec() -> impl Strategy<Value = RubricSpec> {
    (
        proptest::collection::vec(item_spec(), 1..6),
        proptest::collection::vec(
            (
                proptest::option::of(1u32..50),
                proptest::collection::vec(shape(true), 1..3),
            ),
            0..3,
        ),
        any::<bool>(),
        any::<bool>(),
        0u32..4,
    )
        .prop_map(
            |(items, penalties, full_marks, declared_total, rounding)| RubricSpec {
                items,
                penalties,
                full_marks,
                declared_total,
                rounding,
            },
        )
}

fn deduction(shape: &Shape) -> Deduction {
    match shape {
        Shape::Once(a) => once(tenths(*a)),
        Shape::All => all(),
        Shape::Per(a, None) => per(tenths(*a), "occurrence"),
        Shape::Per(a, Some(c)) => capped(per(tenths(*a), "occurrence"), tenths(*c)),
        Shape::UpTo(Some(m)) => up_to(tenths(*m)),
        Shape::UpTo(None) => up_to_item_weight(),
        Shape::Below(a, p) => below(tenths(*a), format!("{p}%").as_str()),
        Shape::Above(a, p) => above(tenths(*a), format!("{p}%").as_str()),
    }
}

fn build(spec: &RubricSpec) -> Rubric {
    let total: u32 = spec.items.iter().map(|i| i.weight).sum();
    let mut r = rubric("generated")
        .rounding(spec.rounding)
        .not_applicable(if spec.full_marks {
            NotApplicable::FullMarks
        } else {
            NotApplicable::Rescale
        })
        .grade("top", "优秀", Some(amount(tenths(total * 9))))
        .grade("mid", "合格", Some(amount(tenths(total * 6))))
        .grade("low", "不合格", None)
        .veto(veto("v", "veto", "mid", &[("1", "c0")]));
    if spec.declared_total {
        r = r.total(tenths(total));
    }
    for (i, item_spec) in spec.items.iter().enumerate() {
        let mut b = item(&(i + 1).to_string(), "item", tenths(item_spec.weight)).owner("owner");
        if item_spec.optional {
            b = b.optional();
        }
        for (e, w) in item_spec.externals.iter().enumerate() {
            b = b.external(&format!("e{e}"), "external", tenths(*w));
        }
        for (c, s) in item_spec.clauses.iter().enumerate() {
            let mut cl = clause(&format!("c{c}"), "clause", deduction(s));
            if c == 1 {
                cl = clause_owner(cl, "clause owner");
            }
            b = b.clause(cl);
        }
        r = r.item(b);
    }
    for (p, (cap, shapes)) in spec.penalties.iter().enumerate() {
        let clauses = shapes
            .iter()
            .enumerate()
            .map(|(c, s)| clause(&format!("c{c}"), "clause", deduction(s)))
            .collect();
        r = r.penalty(penalty(
            &format!("p{p}"),
            "penalty",
            cap.map(|c| amount(tenths(c))),
            clauses,
        ));
    }
    r.finish()
}

/// Valid findings for the rubric, driven by `dice`.
fn findings_for(spec: &RubricSpec, dice: &[u32]) -> Findings {
    let mut roll = dice.iter().copied().cycle();
    let mut next = move |n: u32| roll.next().unwrap_or(0) % n.max(1);
    let names = ["甲", "乙", "丙", "丁"];
    let mut findings = Findings::new("subject");
    let clause_findings = |id: &str,
                           shapes: &[Shape],
                           weight: u32,
                           next: &mut dyn FnMut(u32) -> u32,
                           findings: &mut Findings| {
        for (c, s) in shapes.iter().enumerate() {
            let clause_id = format!("c{c}");
            match s {
                Shape::Once(_) | Shape::All => {
                    for _ in 0..next(3) {
                        let f = Finding::clause(id, &clause_id);
                        findings.push(if next(2) == 0 {
                            f
                        } else {
                            f.count(u64::from(next(3)))
                        });
                    }
                }
                Shape::Per(..) => {
                    for _ in 0..next(3) {
                        let f = Finding::clause(id, &clause_id);
                        findings.push(match next(3) {
                            0 => f,
                            1 => f.count(u64::from(next(4))),
                            _ => f.entities((0..=next(3)).map(|k| names[k as usize % 4])),
                        });
                    }
                }
                Shape::UpTo(max) => {
                    if next(2) == 0 {
                        let m = max.unwrap_or(weight);
                        findings.push(Finding::clause(id, &clause_id).amount(tenths(next(m + 1))));
                    }
                }
                Shape::Below(..) | Shape::Above(..) => {
                    if next(2) == 0 {
                        let v = Decimal::new(i64::from(next(101)), 2);
                        findings.push(Finding::clause(id, &clause_id).value(v));
                    }
                }
            }
        }
    };
    for (i, item) in spec.items.iter().enumerate() {
        let id = (i + 1).to_string();
        if item.optional && next(4) == 0 {
            findings.push(Finding::not_applicable(&id).reason("不涉及"));
            continue;
        }
        let externals: u32 = item.externals.iter().sum();
        clause_findings(
            &id,
            &item.clauses,
            item.weight - externals,
            &mut next,
            &mut findings,
        );
        for (e, w) in item.externals.iter().enumerate() {
            if next(3) != 0 {
                findings.push(Finding::external(&id, format!("e{e}"), tenths(next(w + 1))));
            }
        }
    }
    for (p, (_, shapes)) in spec.penalties.iter().enumerate() {
        clause_findings(&format!("p{p}"), shapes, 0, &mut next, &mut findings);
    }
    if next(5) == 0 {
        findings.push(Finding::veto("v").note("note"));
    }
    findings
}

fn shuffled(findings: &Findings, seed: u64) -> Findings {
    let mut list = findings.findings.clone();
    let mut state = seed | 1;
    for i in (1..list.len()).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = (state >> 33) as usize % (i + 1);
        list.swap(i, j);
    }
    let mut out = Findings::new(findings.subject.clone());
    out.extend(list);
    out
}

fn options() -> Options {
    Options::new().missing_external(Missing::Full)
}

fn evaluate<'r>(r: &'r Rubric, f: &Findings) -> Report<'r> {
    match r.evaluate(f, &options()) {
        Ok(report) => report,
        Err(e) => panic!("valid findings refused: {e:?}\n{f:#?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn scores_stay_in_bounds(spec in rubric_spec(), dice in proptest::collection::vec(any::<u32>(), 1..64)) {
        let r = build(&spec);
        let report = match r.evaluate(&findings_for(&spec, &dice), &options()) {
            Ok(report) => report,
            // Only refused when every item is declared not applicable.
            Err(e) => {
                prop_assert!(e.len() == 1 && e.to_string().contains("no item applies"), "{e:?}");
                return Ok(());
            }
        };
        for item in &report.items {
            if let Some(score) = item.score {
                prop_assert!(score >= Decimal::ZERO && score <= item.weight, "{item:?}");
            }
        }
        prop_assert!(report.score_exact >= Decimal::ZERO);
        prop_assert!(report.score_exact <= report.total);
        // The rounded score may pass a total with more decimals than `rounding` (1.5 → 2).
        let total = report.total.round_dp_with_strategy(spec.rounding, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        prop_assert!(report.score >= Decimal::ZERO && report.score <= total);
    }

    #[test]
    fn order_of_findings_changes_nothing(spec in rubric_spec(), dice in proptest::collection::vec(any::<u32>(), 1..64), seed in any::<u64>()) {
        let r = build(&spec);
        let findings = findings_for(&spec, &dice);
        // Every rendering, not only the JSON, is byte-identical (rule 11).
        let render = |r: Report| (r.to_json(), r.to_text(), r.to_markdown());
        let a = r.evaluate(&findings, &options()).map(render).map_err(|e| e.len());
        let b = r.evaluate(&shuffled(&findings, seed), &options()).map(render).map_err(|e| e.len());
        prop_assert_eq!(a, b);
    }

    #[test]
    fn another_deduction_never_raises_a_score(spec in rubric_spec(), dice in proptest::collection::vec(any::<u32>(), 1..64), pick in any::<usize>(), count in 1u64..4) {
        let r = build(&spec);
        let findings = findings_for(&spec, &dice);
        let Ok(before) = r.evaluate(&findings, &options()) else { return Ok(()) };
        // A once or per clause of an applicable item or of a penalty.
        let mut candidates = Vec::new();
        for item in &before.items {
            if item.status == Status::Scored {
                let spec_item = &spec.items[item.id.parse::<usize>().unwrap() - 1];
                for (c, s) in spec_item.clauses.iter().enumerate() {
                    if matches!(s, Shape::Once(_) | Shape::All | Shape::Per(..)) {
                        candidates.push((item.id.to_owned(), format!("c{c}")));
                    }
                }
            }
        }
        for (p, (_, shapes)) in spec.penalties.iter().enumerate() {
            for (c, s) in shapes.iter().enumerate() {
                if matches!(s, Shape::Once(_) | Shape::Per(..)) {
                    candidates.push((format!("p{p}"), format!("c{c}")));
                }
            }
        }
        if candidates.is_empty() {
            return Ok(());
        }
        let (item, clause) = &candidates[pick % candidates.len()];
        let more = findings.clone().with(Finding::clause(item, clause).count(count));
        let after = evaluate(&r, &more);
        for (b, a) in before.items.iter().zip(&after.items) {
            prop_assert!(a.score <= b.score, "{} went from {:?} to {:?}", a.id, b.score, a.score);
        }
        prop_assert!(after.score_exact <= before.score_exact);
        prop_assert!(after.raw <= before.raw);
    }

    #[test]
    fn figures_agree(spec in rubric_spec(), dice in proptest::collection::vec(any::<u32>(), 1..64)) {
        let r = build(&spec);
        let Ok(report) = r.evaluate(&findings_for(&spec, &dice), &options()) else { return Ok(()) };
        let mut raw = Decimal::ZERO;
        let mut na_weight = Decimal::ZERO;
        for item in &report.items {
            let Some(score) = item.score else {
                na_weight += item.weight;
                continue;
            };
            raw += score;
            let externals_weight: Decimal = item.externals.iter().map(|e| e.weight).sum();
            let externals_score: Decimal = item.externals.iter().filter_map(|e| e.score).sum();
            let clause_weight = item.weight - externals_weight;
            let d: Decimal = item.deductions.iter().map(|d| d.amount).sum();
            prop_assert_eq!(item.deducted, d.min(clause_weight));
            prop_assert_eq!(item.capped, d > clause_weight);
            prop_assert_eq!(score, clause_weight - item.deducted + externals_score);
            for d in &item.deductions {
                prop_assert!(d.amount <= d.raw);
            }
        }
        prop_assert_eq!(report.raw, raw);
        let scaled = if spec.full_marks {
            raw + na_weight
        } else {
            raw * report.total / report.applicable_weight
        };
        prop_assert_eq!(report.scaled, scaled);
        let penalties: Decimal = report.penalties.iter().map(|p| p.deducted).sum();
        prop_assert_eq!(report.penalized, penalties);
        prop_assert_eq!(report.score_exact, (scaled - penalties).max(Decimal::ZERO).normalize());
        let rounded = report.score_exact.round_dp_with_strategy(spec.rounding, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        prop_assert_eq!(report.score, rounded);
        prop_assert_eq!(report.score.scale(), spec.rounding);
    }

    #[test]
    fn never_panics_on_any_json(spec in rubric_spec(), json in any_json()) {
        let r = build(&spec);
        let _ = r.evaluate_json(&json.to_string(), &Options::default());
        let document = serde_json::json!({"subject": "s", "findings": [json]});
        let _ = r.evaluate_json(&document.to_string(), &Options::default());
    }

    #[test]
    fn never_panics_on_finding_like_objects(spec in rubric_spec(), findings in proptest::collection::vec(finding_like(), 0..12)) {
        let r = build(&spec);
        let document = serde_json::json!({"subject": "s", "findings": findings});
        let _ = r.evaluate_json(&document.to_string(), &Options::default());
        let _ = r.evaluate_json(&document.to_string(), &Options::new().missing_external(Missing::Zero));
    }
}

fn leaf() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>().prop_map(|n| serde_json::json!(n)),
        "[a-z0-9.%_-]{0,6}".prop_map(serde_json::Value::String),
        prop_oneof![
            Just("1"),
            Just("p0"),
            Just("c0"),
            Just("e0"),
            Just("v"),
            Just("42%"),
            Just("1e30"),
            Just("-0.5")
        ]
        .prop_map(|s| serde_json::Value::String(s.to_owned())),
        prop_oneof![
            Just("1e400"),
            Just("79228162514264337593543950336"),
            Just("18446744073709551616"),
            Just("0.00000000000000000000000000001")
        ]
        .prop_map(|s| serde_json::from_str(s).unwrap_or(serde_json::Value::Null)),
    ]
}

fn any_json() -> impl Strategy<Value = serde_json::Value> {
    leaf().prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn finding_like() -> impl Strategy<Value = serde_json::Value> {
    let keys = prop_oneof![
        Just("item"),
        Just("clause"),
        Just("external"),
        Just("veto"),
        Just("count"),
        Just("entities"),
        Just("amount"),
        Just("value"),
        Just("score"),
        Just("not_applicable"),
        Just("reason"),
        Just("note"),
        Just("evidence"),
    ];
    proptest::collection::btree_map(keys, any_json(), 0..6).prop_map(|m| {
        serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    })
}
