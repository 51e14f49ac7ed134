//! Laws of evaluation for the forms of language version 2 (spec section
//! 9.3), on generated rubrics (written as source text) and findings: order
//! independence, bounds, monotonicity, sections never below zero, and
//! exclusive groups that never deduct twice.

use proptest::prelude::*;
use rubric::eval::Options;
use rubric::report::{Report, Status};
use rubric::Rubric;
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// A clause shape, numbers in tenths of a point (percentages in whole %).
#[derive(Debug, Clone)]
enum Shape {
    Once(u32),
    All,
    Per(u32, Option<u32>),
    UpTo(u32),
    /// A per STEP% below P%, steps kind (0 exact, 1 full, 2 started), cap.
    Rate(u32, u32, u32, u8, Option<u32>),
    /// A per 1 above target.
    RateTarget(u32),
    /// Amounts, per occurrence, cap.
    Levels(Vec<u32>, bool, Option<u32>),
    /// Two tiers below P1% < P2%.
    Tiers(u32, u32, u32, u32),
    /// min < max, per occurrence, cap.
    Range(u32, u32, bool, Option<u32>),
}

#[derive(Debug, Clone)]
struct ClauseSpec {
    shape: Shape,
    extra: Option<u32>,
    tagged: bool,
}

#[derive(Debug, Clone)]
struct ItemSpec {
    weight: u32,
    optional: bool,
    clauses: Vec<ClauseSpec>,
    /// `extra X when exhausted`.
    exhausted: Option<u32>,
}

#[derive(Debug, Clone)]
struct Spec {
    points: bool,
    /// Items per weighted section; the last group stands at the top level.
    sections: Vec<Vec<ItemSpec>>,
    top: Vec<ItemSpec>,
    bonus: Option<(Option<u32>, Vec<u32>)>,
    penalty: Option<Vec<u32>>,
    scale: bool,
    /// Pairs of (item, clause) positions in the flat item list.
    exclusive: Option<(usize, usize)>,
    zero_veto: bool,
}

fn tenths(n: u32) -> String {
    Decimal::new(i64::from(n), 1).normalize().to_string()
}

fn shape(points: bool) -> impl Strategy<Value = Shape> {
    let all = if points { 0 } else { 1 };
    let ranges = if points { 0 } else { 1 };
    prop_oneof![
        2 => (1u32..30).prop_map(Shape::Once),
        all => Just(Shape::All),
        2 => (1u32..20, proptest::option::of(1u32..40)).prop_map(|(a, c)| Shape::Per(a, c)),
        1 => (1u32..30).prop_map(Shape::UpTo),
        2 => (1u32..10, 1u32..6, 0u32..3, 50u8..100, proptest::option::of(1u32..40))
            .prop_map(|(a, s, k, p, c)| Shape::Rate(a, s, k, p, c)),
        1 => (1u32..10).prop_map(Shape::RateTarget),
        2 => (proptest::collection::vec(0u32..30, 2..4), any::<bool>(), proptest::option::of(1u32..50))
            .prop_map(|(mut a, per, c)| {
                if a.iter().all(|x| *x == 0) {
                    a[0] = 1;
                }
                Shape::Levels(a, per, c)
            }),
        ranges => (1u32..10, 1u32..10, 1u32..20, 1u32..20)
            .prop_map(|(a1, a2, p1, d)| Shape::Tiers(a1, a2, p1, p1 + d)),
        ranges => (1u32..10, 1u32..10, any::<bool>(), proptest::option::of(1u32..40))
            .prop_map(|(min, d, per, c)| Shape::Range(min, min + d, per, if per { c } else { None })),
    ]
}

fn clause_spec(points: bool) -> impl Strategy<Value = ClauseSpec> {
    (
        shape(points),
        proptest::option::of(1u32..50),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(shape, extra, with_extra, tagged)| ClauseSpec {
            shape,
            extra: (with_extra && !points).then_some(extra).flatten(),
            tagged,
        })
}

fn item_spec(points: bool) -> impl Strategy<Value = ItemSpec> {
    (
        1u32..200,
        any::<bool>(),
        proptest::collection::vec(clause_spec(points), 1..4),
        proptest::option::of(1u32..50),
    )
        .prop_map(move |(weight, optional, clauses, exhausted)| ItemSpec {
            weight,
            optional: optional && !points,
            clauses,
            exhausted: if points { None } else { exhausted },
        })
}

fn spec() -> impl Strategy<Value = Spec> {
    any::<bool>().prop_flat_map(|points| {
        (
            proptest::collection::vec(proptest::collection::vec(item_spec(points), 1..3), 0..3),
            proptest::collection::vec(item_spec(points), 1..3),
            proptest::option::of((
                proptest::option::of(1u32..60),
                proptest::collection::vec(1u32..30, 1..3),
            )),
            proptest::option::of(proptest::collection::vec(1u32..30, 1..3)),
            any::<bool>(),
            proptest::option::of((any::<usize>(), any::<usize>())),
            any::<bool>(),
        )
            .prop_map(
                move |(sections, top, bonus, penalty, scale, exclusive, zero_veto)| Spec {
                    points,
                    sections: if points { Vec::new() } else { sections },
                    top,
                    bonus: if points { None } else { bonus },
                    penalty: if points { None } else { penalty },
                    scale: scale && !points,
                    exclusive,
                    zero_veto: zero_veto && !points,
                },
            )
    })
}

impl Spec {
    /// Every item with its id, in rubric order.
    fn items(&self) -> Vec<(String, &ItemSpec)> {
        let mut out = Vec::new();
        for (s, items) in self.sections.iter().enumerate() {
            for (i, item) in items.iter().enumerate() {
                out.push((format!("{}.{}", s + 1, i + 1), item));
            }
        }
        for (i, item) in self.top.iter().enumerate() {
            out.push((format!("9{}", i + 1), item));
        }
        out
    }

    fn total(&self) -> u32 {
        self.items().iter().map(|(_, i)| i.weight).sum()
    }

    /// The two clauses of the exclusive group: (item id, clause id) each,
    /// from two different items; none when there are not two items.
    fn group(&self) -> Option<[(String, String); 2]> {
        let (a, b) = self.exclusive?;
        let items = self.items();
        if items.len() < 2 {
            return None;
        }
        let first = a % items.len();
        let second = (first + 1 + b % (items.len() - 1)) % items.len();
        let pick = |i: usize, seed: usize| {
            let (id, item) = &items[i];
            (id.clone(), format!("c{}", seed % item.clauses.len()))
        };
        Some([pick(first, a), pick(second, b)])
    }
}

fn clause_text(c: usize, clause: &ClauseSpec, points: bool) -> String {
    let verb = if points { "points" } else { "deduct" };
    let cap = |c: &Option<u32>| c.map_or(String::new(), |c| format!(" capped at {}", tenths(c)));
    let shape = match &clause.shape {
        Shape::Once(a) => format!("{verb} {}", tenths(*a)),
        Shape::All => format!("{verb} all"),
        Shape::Per(a, c) => format!("{verb} {} per occurrence{}", tenths(*a), cap(c)),
        Shape::UpTo(m) => format!("{verb} up to {}", tenths(*m)),
        Shape::Rate(a, step, kind, p, c) => format!(
            "{verb} {} per {}{step}% below {p}%{}",
            tenths(*a),
            ["", "full ", "started "][*kind as usize % 3],
            cap(c)
        ),
        Shape::RateTarget(a) => format!("{verb} {} per 1 above target", tenths(*a)),
        Shape::Levels(amounts, per, c) => format!(
            "{verb} {} by level{}{}",
            amounts
                .iter()
                .map(|a| tenths(*a))
                .collect::<Vec<_>>()
                .join(", "),
            if *per { " per occurrence" } else { "" },
            cap(c)
        ),
        Shape::Tiers(a1, a2, p1, p2) => format!(
            "{verb} {} when below {p1}%, {} when below {p2}%",
            tenths(*a1),
            tenths(*a2)
        ),
        Shape::Range(min, max, per, c) => format!(
            "{verb} {} to {}{}{}",
            tenths(*min),
            tenths(*max),
            if *per { " per occurrence" } else { "" },
            cap(c)
        ),
    };
    let mut line = format!("      clause c{c} \"条款\" {shape}");
    if let Some(x) = clause.extra {
        line.push_str(&format!(" extra {}", tenths(x)));
    }
    if clause.tagged {
        line.push_str(" tagged t");
    }
    line
}

fn item_text(id: &str, item: &ItemSpec, points: bool) -> String {
    let weight = if points {
        String::new()
    } else {
        format!(" weight {}", tenths(item.weight))
    };
    let optional = if item.optional { " optional" } else { "" };
    let mut out =
        format!("    item {id} \"考核项\"{weight}{optional} {{\n      owner \"责任单位{id}\"\n");
    for (c, clause) in item.clauses.iter().enumerate() {
        out.push_str(&clause_text(c, clause, points));
        out.push('\n');
    }
    if let Some(x) = item.exhausted {
        out.push_str(&format!(
            "      clause x \"扣满的，追加扣除\" extra {} when exhausted\n",
            tenths(x)
        ));
    }
    out.push_str("    }\n");
    out
}

fn source(spec: &Spec) -> String {
    let mut out = String::from("rubric \"生成\" {\n");
    if spec.points {
        out.push_str("  scoring points\n  grade A \"A\" at most 5\n  grade B \"B\" at most 20\n  grade C \"C\"\n");
    } else {
        let total = spec.total();
        out.push_str(&format!("  total {}\n", tenths(total)));
        if spec.scale {
            out.push_str("  scale 100\n");
        }
        if spec.bonus.is_some() {
            out.push_str(&format!("  ceiling {}\n", tenths(total)));
        }
        out.push_str("  grade good \"好\" at least 0.1\n  grade bad \"差\"\n");
    }
    out.push_str("  fact f \"事实\" default 0\n");
    let items = spec.items();
    let mut at = 0;
    for (s, section) in spec.sections.iter().enumerate() {
        let weight: u32 = section.iter().map(|i| i.weight).sum();
        out.push_str(&format!(
            "  section s{} \"小计\" weight {} {{\n",
            s + 1,
            tenths(weight)
        ));
        for _ in section {
            let (id, item) = &items[at];
            out.push_str(&item_text(id, item, false));
            at += 1;
        }
        out.push_str("  }\n");
    }
    for (id, item) in &items[at..] {
        out.push_str(&item_text(id, item, spec.points));
    }
    if let Some(amounts) = &spec.penalty {
        out.push_str("  penalty p \"减分项\" {\n");
        for (c, a) in amounts.iter().enumerate() {
            out.push_str(&format!(
                "    clause c{c} \"减分\" deduct {} per occurrence\n",
                tenths(*a)
            ));
        }
        out.push_str("  }\n");
    }
    if let Some((cap, amounts)) = &spec.bonus {
        let cap = cap.map_or(String::new(), |c| format!(" capped at {}", tenths(c)));
        out.push_str(&format!("  bonus b \"加分项\"{cap} {{\n"));
        for (c, a) in amounts.iter().enumerate() {
            out.push_str(&format!(
                "    clause c{c} \"加分\" add {} per occurrence\n",
                tenths(*a)
            ));
        }
        out.push_str("  }\n");
    }
    if let Some([(i1, c1), (i2, c2)]) = spec.group() {
        out.push_str(&format!(
            "  exclusive \"不重复扣分\" {i1}/{c1}, {i2}/{c2}\n"
        ));
    }
    if spec.zero_veto {
        out.push_str("  veto z \"一票否决\" at most bad, score 0 when f >= 1\n");
    }
    out.push_str("  flag t \"标记\" when tagged t, f >= 1\n");
    out.push_str("}\n");
    out
}

fn load(source: &str) -> Rubric {
    let compiled = rubric::compile(source);
    if let Some(rubric) = compiled.rubric {
        return rubric;
    }
    let parsed = rubric::syntax::parse(source);
    assert!(
        !parsed.diagnostics.iter().any(|d| d.is_error()),
        "{source}\n{:?}",
        parsed.diagnostics
    );
    let (rubric, lowering) = rubric::model::lower(&parsed.file);
    assert!(!lowering.iter().any(|d| d.is_error()), "{lowering:?}");
    rubric
}

/// Valid findings for the rubric, driven by `dice`.
fn findings(spec: &Spec, dice: &[u32]) -> Vec<Value> {
    let mut roll = dice.iter().copied().cycle();
    let mut next = move |n: u32| roll.next().unwrap_or(0) % n.max(1);
    let mut out = Vec::new();
    for (id, item) in spec.items() {
        if item.optional && next(4) == 0 {
            out.push(json!({"item": id, "not_applicable": true}));
            continue;
        }
        for (c, clause) in item.clauses.iter().enumerate() {
            let clause_id = format!("c{c}");
            let f = |extra: Value| {
                let mut v = json!({"item": id, "clause": clause_id});
                if let (Some(o), Value::Object(e)) = (v.as_object_mut(), extra) {
                    o.extend(e);
                }
                v
            };
            match &clause.shape {
                Shape::Once(_) | Shape::All | Shape::Per(..) => {
                    for _ in 0..next(3) {
                        out.push(if next(2) == 0 {
                            f(json!({}))
                        } else {
                            f(json!({"count": next(3)}))
                        });
                    }
                }
                Shape::UpTo(m) => {
                    if next(2) == 0 {
                        out.push(f(json!({"amount": tenths(next(*m + 1))})));
                    }
                }
                Shape::Rate(..) | Shape::Tiers(..) => {
                    if next(2) == 0 {
                        out.push(f(json!({"value": format!("{}%", next(101))})));
                    }
                }
                Shape::RateTarget(_) => {
                    if next(2) == 0 {
                        out.push(f(json!({"value": next(20), "target": next(20)})));
                    }
                }
                Shape::Levels(amounts, _, _) => {
                    for _ in 0..next(4) {
                        let level = 1 + next(amounts.len() as u32);
                        out.push(if next(2) == 0 {
                            f(json!({"level": level}))
                        } else {
                            f(json!({"level": level, "count": next(3)}))
                        });
                    }
                }
                Shape::Range(min, max, per, _) => {
                    let times = if *per { next(3) } else { next(2) };
                    for _ in 0..times {
                        out.push(f(json!({"amount": tenths(min + next(max - min + 1))})));
                    }
                }
            }
        }
    }
    if let Some(amounts) = &spec.penalty {
        for c in 0..amounts.len() {
            if next(2) == 0 {
                out.push(json!({"item": "p", "clause": format!("c{c}"), "count": next(3)}));
            }
        }
    }
    if let Some((_, amounts)) = &spec.bonus {
        for c in 0..amounts.len() {
            if next(2) == 0 {
                out.push(json!({"item": "b", "clause": format!("c{c}"), "count": next(3)}));
            }
        }
    }
    if next(3) == 0 {
        out.push(json!({"fact": "f", "value": next(2)}));
    }
    out
}

fn document(findings: &[Value]) -> String {
    json!({"subject": "s", "findings": findings}).to_string()
}

fn evaluate<'r>(rubric: &'r Rubric, findings: &[Value]) -> Option<Report<'r>> {
    match rubric.evaluate_json(&document(findings), &Options::new()) {
        Ok(report) => Some(report),
        Err(e) => {
            // Only refused when every item is declared not applicable.
            assert!(
                e.len() == 1 && e.to_string().contains("no item applies"),
                "{e:?}\n{}",
                document(findings)
            );
            None
        }
    }
}

/// The clauses outside the exclusive group that one more finding with
/// `count` 1 makes deduct (once, `per` and level tables).
fn counted_clauses(spec: &Spec, report: &Report<'_>) -> Vec<Value> {
    let group = spec.group();
    let mut out = Vec::new();
    for ((id, item), r) in spec.items().iter().zip(&report.items) {
        if r.status != Status::Scored {
            continue;
        }
        for (c, clause) in item.clauses.iter().enumerate() {
            let clause_id = format!("c{c}");
            if group
                .as_ref()
                .is_some_and(|g| g.iter().any(|(i, cl)| i == id && *cl == clause_id))
            {
                continue;
            }
            match &clause.shape {
                Shape::Once(_) | Shape::All | Shape::Per(..) => {
                    out.push(json!({"item": id, "clause": clause_id, "count": 1}));
                }
                Shape::Levels(amounts, ..) => out.push(
                    json!({"item": id, "clause": clause_id, "level": amounts.len(), "count": 1}),
                ),
                _ => {}
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn order_of_findings_changes_nothing(spec in spec(), dice in proptest::collection::vec(any::<u32>(), 1..64), seed in any::<u64>()) {
        let rubric = load(&source(&spec));
        let list = findings(&spec, &dice);
        let mut shuffled = list.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let render = |r: Report| (r.to_json(), r.to_text(), r.to_markdown());
        let a = evaluate(&rubric, &list).map(render);
        let b = evaluate(&rubric, &shuffled).map(render);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn scores_stay_in_bounds(spec in spec(), dice in proptest::collection::vec(any::<u32>(), 1..64)) {
        let rubric = load(&source(&spec));
        let Some(report) = evaluate(&rubric, &findings(&spec, &dice)) else { return Ok(()) };
        prop_assert!(report.score_exact >= Decimal::ZERO);
        prop_assert!(report.score >= Decimal::ZERO);
        if !spec.points {
            // The ceiling is the total whenever bonuses could pass it.
            let top = if spec.scale { Decimal::ONE_HUNDRED } else { report.total };
            prop_assert!(report.score_exact <= top, "{} > {}", report.score_exact, top);
            for item in &report.items {
                if let Some(score) = item.score {
                    prop_assert!(score >= Decimal::ZERO && score <= item.weight, "{item:?}");
                }
            }
        }
        // A weighted section never goes below 0.
        for section in report.sections.iter().flatten() {
            if let Some(score) = section.score {
                prop_assert!(score >= Decimal::ZERO, "{section:?}");
            }
        }
    }

    #[test]
    fn an_exclusive_group_never_deducts_twice(spec in spec(), dice in proptest::collection::vec(any::<u32>(), 1..64)) {
        let Some(group) = spec.group() else { return Ok(()) };
        let rubric = load(&source(&spec));
        let Some(report) = evaluate(&rubric, &findings(&spec, &dice)) else { return Ok(()) };
        let deducting = group
            .iter()
            .filter(|(item, clause)| {
                report.items.iter().filter(|i| i.id == item).any(|i| {
                    i.deductions.iter().any(|d| d.clause == clause && !d.amount.is_zero())
                })
            })
            .count();
        prop_assert!(deducting <= 1, "{}", report.to_json());
    }

    #[test]
    fn one_more_finding_moves_the_score_one_way(spec in spec(), dice in proptest::collection::vec(any::<u32>(), 1..64), pick in any::<usize>()) {
        let rubric = load(&source(&spec));
        let list = findings(&spec, &dice);
        let Some(before) = evaluate(&rubric, &list) else { return Ok(()) };
        let candidates = counted_clauses(&spec, &before);
        if candidates.is_empty() {
            return Ok(());
        }
        let mut more = list.clone();
        more.push(candidates[pick % candidates.len()].clone());
        let after = evaluate(&rubric, &more).expect("one more finding refused");
        if spec.points {
            // One more finding never lowers a points score.
            prop_assert!(after.score_exact >= before.score_exact, "{} < {}", after.score_exact, before.score_exact);
        } else {
            // One more deducting finding never raises a deductions score.
            prop_assert!(after.score_exact <= before.score_exact, "{} > {}", after.score_exact, before.score_exact);
            prop_assert!(after.raw <= before.raw);
        }
    }
}

/// A finding-like object: the right fields with values of any kind.
fn finding_like() -> impl Strategy<Value = Value> {
    let id = prop_oneof![
        Just(json!("1.1")),
        Just(json!("91")),
        Just(json!("92")),
        Just(json!("b")),
        Just(json!("p")),
        Just(json!("c0")),
        Just(json!("x")),
        Just(json!("f")),
        Just(json!(1)),
    ];
    let number = prop_oneof![
        Just(json!(0)),
        Just(json!(1)),
        Just(json!(-1)),
        Just(json!("50%")),
        Just(json!("1e30")),
        Just(json!(79228162514264337593543950335u128.to_string())),
        Just(json!(0.5)),
        Just(json!("一般")),
        Just(json!(null)),
    ];
    let key = prop_oneof![
        Just("item"),
        Just("clause"),
        Just("fact"),
        Just("level"),
        Just("target"),
        Just("value"),
        Just("amount"),
        Just("count"),
        Just("veto"),
        Just("not_applicable"),
    ];
    proptest::collection::vec((key, prop_oneof![id, number]), 0..6).prop_map(|entries| {
        let mut object = serde_json::Map::new();
        for (k, v) in entries {
            object.insert(k.to_owned(), v);
        }
        Value::Object(object)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_finding_like_objects(spec in spec(), list in proptest::collection::vec(finding_like(), 0..10)) {
        let rubric = load(&source(&spec));
        if let Ok(report) = rubric.evaluate_json(&document(&list), &Options::new()) {
            let _ = (report.to_json(), report.to_text(), report.to_markdown());
        }
    }
}
