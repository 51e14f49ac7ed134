use super::*;
use crate::model::{
    CheckStep, ClauseRef, Comparison, External, Grade, RubricParts, Section, Text, Unit, Veto,
};
use std::cell::Cell;
use std::str::FromStr;

// Every test model gets distinct, increasing spans, so diagnostics can be
// matched to the declaration they point at.
thread_local! { static NEXT: Cell<usize> = const { Cell::new(0) }; }

pub(crate) fn span() -> Span {
    NEXT.with(|n| {
        let start = n.get();
        n.set(start + 10);
        Span::new(start, start + 5)
    })
}

pub(crate) fn id(name: &str) -> Id {
    Id {
        name: name.into(),
        span: span(),
    }
}

pub(crate) fn text(value: &str) -> Text {
    Text {
        value: value.into(),
        span: span(),
    }
}

pub(crate) fn num(value: &str) -> Amount {
    Amount {
        value: Decimal::from_str(value).unwrap(),
        percent: false,
        span: span(),
    }
}

pub(crate) fn pct(value: &str) -> Amount {
    Amount {
        value: Decimal::from_str(value).unwrap() / Decimal::ONE_HUNDRED,
        percent: true,
        span: span(),
    }
}

pub(crate) fn clause(name: &str, deduction: Deduction) -> Clause {
    Clause {
        id: id(name),
        text: text("未按规定"),
        deduction,
        owners: vec![],
        span: span(),
    }
}

pub(crate) fn once(amount: &str) -> Deduction {
    Deduction::Once {
        amount: num(amount),
        cap: None,
    }
}

pub(crate) fn per(amount: &str, unit: &str, cap: Option<Limit>) -> Deduction {
    Deduction::Per {
        amount: num(amount),
        unit: id(unit),
        cap,
    }
}

pub(crate) fn item(name: &str, weight: &str, clauses: Vec<Clause>) -> Item {
    Item {
        id: id(name),
        title: text("考核要点"),
        section: None,
        weight: num(weight),
        optional: false,
        owners: vec![text("县应急局")],
        basis: vec![],
        checks: vec![CheckStep {
            text: text("查看资料"),
            by: vec![],
        }],
        externals: vec![],
        clauses,
        span: span(),
    }
}

pub(crate) fn external(name: &str, weight: &str) -> External {
    External {
        id: id(name),
        title: text("日常工作"),
        weight: num(weight),
        by: vec![text("县安委办")],
        span: span(),
    }
}

pub(crate) fn unit(name: &str) -> Unit {
    Unit {
        id: id(name),
        label: text("家"),
        builtin: false,
    }
}

pub(crate) fn grade(name: &str, at_least: Option<&str>) -> Grade {
    Grade {
        id: id(name),
        label: text("优秀"),
        at_least: at_least.map(num),
    }
}

pub(crate) fn veto(name: &str, at_most: &str, when: &[(&str, &str)]) -> Veto {
    Veto {
        id: id(name),
        text: text("走过场"),
        at_most: id(at_most),
        when: when
            .iter()
            .map(|(i, c)| ClauseRef {
                item: id(i),
                clause: id(c),
            })
            .collect(),
        span: span(),
    }
}

pub(crate) fn penalty(name: &str, cap: Option<&str>, clauses: Vec<Clause>) -> Penalty {
    Penalty {
        id: id(name),
        title: text("重大事故隐患"),
        cap: cap.map(num),
        owners: Vec::new(),
        basis: Vec::new(),
        checks: Vec::new(),
        clauses,
        span: span(),
    }
}

/// A valid rubric to start from: one item, two grades, one unit in use.
pub(crate) fn parts() -> RubricParts {
    RubricParts {
        title: text("考核细则"),
        rounding: 2,
        units: vec![unit("enterprise")],
        grades: vec![grade("good", Some("3")), grade("fail", None)],
        sections: vec![Section {
            id: id("leadership"),
            title: text("一、党政领导责任"),
            span: span(),
        }],
        items: vec![item(
            "2.1",
            "4",
            vec![
                clause("a", once("2")),
                clause("b", per("0.5", "enterprise", None)),
            ],
        )],
        ..RubricParts::default()
    }
}

fn run(parts: RubricParts) -> Vec<Diagnostic> {
    check(&Rubric::new(parts))
}

fn codes(parts: RubricParts) -> Vec<&'static str> {
    run(parts).iter().map(|d| d.code.as_str()).collect()
}

fn only(parts: RubricParts, code: Code) -> Diagnostic {
    let found = run(parts);
    assert_eq!(
        found.iter().map(|d| d.code).collect::<Vec<_>>(),
        vec![code],
        "{found:#?}"
    );
    found.into_iter().next().unwrap()
}

#[test]
fn valid_rubric_has_no_diagnostics() {
    assert_eq!(codes(parts()), Vec::<&str>::new());
}

#[test]
fn duplicate_item_reported_at_second_with_first_related() {
    let mut p = parts();
    p.items.push(item("2.1", "1", vec![clause("a", once("1"))]));
    p.total = None;
    let first = p.items[0].id.span;
    let second = p.items[1].id.span;
    let d = only(p, Code::DuplicateId);
    assert_eq!(d.span, second);
    assert_eq!(d.message, "duplicate item id `2.1`");
    assert_eq!(d.related[0].span, first);
    assert_eq!(d.related[0].message, "first defined here");
}

#[test]
fn item_and_penalty_share_ids() {
    let mut p = parts();
    p.penalties
        .push(penalty("2.1", None, vec![clause("x", once("1"))]));
    let d = only(p, Code::DuplicateId);
    assert_eq!(d.message, "duplicate id `2.1`: already used by an item");
    assert!(d.help.unwrap().contains("share one set of ids"));
}

#[test]
fn clause_and_external_of_one_item_share_ids() {
    let mut p = parts();
    p.items[0].externals.push(external("a", "1"));
    let d = only(p, Code::DuplicateId);
    assert_eq!(
        d.message,
        "duplicate id `a`: already used by a clause in item `2.1`"
    );
}

#[test]
fn same_clause_id_in_two_items_is_fine() {
    let mut p = parts();
    p.items.push(item("2.2", "1", vec![clause("a", once("1"))]));
    assert_eq!(codes(p), Vec::<&str>::new());
}

#[test]
fn duplicate_units_grades_sections_vetoes_penalty_clauses() {
    let mut p = parts();
    p.units.push(unit("enterprise"));
    p.grades.insert(1, grade("good", Some("2")));
    p.sections.push(Section {
        id: id("leadership"),
        title: text("二"),
        span: span(),
    });
    p.vetoes.push(veto("v", "good", &[]));
    p.vetoes.push(veto("v", "good", &[]));
    p.penalties.push(penalty(
        "39",
        None,
        vec![clause("h", once("1")), clause("h", once("1"))],
    ));
    let found = run(p);
    let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "duplicate unit id `enterprise`",
            "duplicate grade id `good`",
            "duplicate section id `leadership`",
            "duplicate veto id `v`",
            "duplicate clause id `h` in penalty `39`",
        ]
    );
}

#[test]
fn unknown_unit_suggests_the_closest() {
    let mut p = parts();
    p.items[0].clauses[1].deduction = per("0.5", "enterprize", None);
    // `enterprise` is not also reported as unused: the typo was meant to use it.
    let d = only(p, Code::UnknownUnit);
    assert_eq!(d.message, "unknown unit `enterprize`");
    assert_eq!(d.help.as_deref(), Some("did you mean `enterprise`?"));
}

#[test]
fn a_unit_nothing_near_is_still_unused() {
    let mut p = parts();
    p.units.push(unit("person"));
    p.items[0].clauses[1].deduction = per("0.5", "enterprize", None);
    // Errors come first, whatever their place.
    assert_eq!(codes(p), ["E0202", "W0303"]);
}

#[test]
fn a_duplicated_id_is_listed_once_in_a_help() {
    let mut p = parts();
    p.units.push(unit("enterprise"));
    p.items[0]
        .clauses
        .push(clause("c", per("1", "household", None)));
    let found = run(p);
    let unknown = found.iter().find(|d| d.code == Code::UnknownUnit);
    assert_eq!(
        unknown.and_then(|d| d.help.as_deref()),
        Some("the declared units are `occurrence`, `enterprise`; declare a new one with `unit household \"measure word\"`")
    );
}

#[test]
fn unknown_unit_lists_units_when_nothing_is_close() {
    let mut p = parts();
    p.items[0]
        .clauses
        .push(clause("c", per("1", "household", None)));
    let d = only(p, Code::UnknownUnit);
    assert_eq!(
        d.help.as_deref(),
        Some("the declared units are `occurrence`, `enterprise`; declare a new one with `unit household \"measure word\"`")
    );
}

#[test]
fn occurrence_is_always_declared() {
    let mut p = parts();
    p.items[0]
        .clauses
        .push(clause("c", per("1", "occurrence", None)));
    assert_eq!(codes(p), Vec::<&str>::new());
}

#[test]
fn unknown_clause_in_veto() {
    let mut p = parts();
    p.vetoes
        .push(veto("v", "good", &[("2.1", "d"), ("2.2", "a")]));
    let found = run(p);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0].code, Code::UnknownClause);
    assert_eq!(found[0].message, "item `2.1` has no clause `d`");
    assert_eq!(
        found[0].help.as_deref(),
        Some("did you mean `2.1/a`? the clauses of `2.1` are `a`, `b`")
    );
    assert_eq!(found[1].message, "unknown item `2.2` in veto `v`");
    assert_eq!(found[1].help.as_deref(), Some("did you mean `2.1`?"));
}

#[test]
fn veto_naming_an_external_says_so() {
    let mut p = parts();
    p.items[0].externals.push(external("daily", "1"));
    p.vetoes.push(veto("v", "good", &[("2.1", "daily")]));
    let d = only(p, Code::UnknownClause);
    assert_eq!(
        d.label.as_deref(),
        Some("this is an external, not a clause")
    );
}

#[test]
fn veto_may_name_a_penalty_clause() {
    let mut p = parts();
    p.penalties
        .push(penalty("39", None, vec![clause("h", once("1"))]));
    p.vetoes.push(veto("v", "good", &[("39", "h")]));
    assert_eq!(codes(p), Vec::<&str>::new());
}

#[test]
fn unknown_grade_in_veto() {
    let mut p = parts();
    p.vetoes.push(veto("v", "goo", &[]));
    let d = only(p, Code::UnknownGrade);
    assert_eq!(d.message, "unknown grade `goo` in veto `v`");
    assert_eq!(d.help.as_deref(), Some("did you mean `good`?"));
}

#[test]
fn zero_values_at_the_value() {
    let mut p = parts();
    p.items[0].weight = num("0");
    let weight = p.items[0].weight.span;
    let found = run(p);
    let zero: Vec<&Diagnostic> = found.iter().filter(|d| d.code == Code::ZeroValue).collect();
    assert_eq!(zero.len(), 1);
    assert_eq!(zero[0].span, weight);

    let mut p = parts();
    p.items[0].clauses[0].deduction = Deduction::Once {
        amount: num("0"),
        cap: Some(Limit::Amount(num("0"))),
    };
    p.items[0].clauses.push(clause(
        "u",
        Deduction::UpTo {
            max: Limit::Amount(num("0")),
        },
    ));
    p.items[0].externals.push(external("e", "0"));
    p.penalties
        .push(penalty("39", Some("0"), vec![clause("h", once("1"))]));
    assert_eq!(codes(p), vec!["E0205"; 5]);
}

#[test]
fn percentage_above_100() {
    let mut p = parts();
    p.items[0].clauses.push(clause(
        "h",
        Deduction::Threshold {
            amount: num("0.5"),
            op: Comparison::Below,
            threshold: pct("150"),
        },
    ));
    let d = only(p, Code::PercentageAbove100);
    assert_eq!(d.message, "150% is more than 100%");
}

#[test]
fn below_zero_never_deducts() {
    let mut p = parts();
    p.items[0].clauses.push(clause(
        "h",
        Deduction::Threshold {
            amount: num("0.5"),
            op: Comparison::Below,
            threshold: pct("0"),
        },
    ));
    only(p, Code::ZeroValue);
}

#[test]
fn externals_exceeding_the_weight() {
    let mut p = parts();
    p.items[0].externals = vec![external("x", "3"), external("y", "2")];
    let at = p.items[0].externals[1].weight.span;
    let d = only(p, Code::ExternalsExceedWeight);
    assert_eq!(d.span, at);
    assert_eq!(
        d.message,
        "the externals of item `2.1` add up to 5, more than its weight of 4"
    );
}

#[test]
fn total_must_add_up() {
    let mut p = parts();
    p.items
        .push(item("2.2", "1.50", vec![clause("a", once("1"))]));
    p.total = Some(num("6"));
    let at = p.total.unwrap().span;
    let d = only(p, Code::TotalMismatch);
    assert_eq!(d.span, at);
    assert_eq!(
        d.message,
        "`total` is 6, but the item weights add up to 5.5"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("write `total 5.5`, or correct the item weights")
    );
}

#[test]
fn grade_bands() {
    let mut p = parts();
    p.grades = vec![
        grade("excellent", Some("3")),
        grade("good", Some("3")),
        grade("pass", None),
        grade("meh", Some("5")),
        grade("fail", Some("1")),
    ];
    assert_eq!(codes(p), vec!["E0209", "E0211", "E0209", "E0210", "E0211"]);
}

#[test]
fn single_band_without_threshold_is_fine() {
    let mut p = parts();
    p.grades = vec![grade("pass", None)];
    p.vetoes.clear();
    assert_eq!(codes(p), Vec::<&str>::new());
}

#[test]
fn empty_item_and_no_items() {
    let mut p = parts();
    p.items.push(item("2.2", "1", vec![]));
    assert_eq!(codes(p), vec!["E0212"]);
    let mut p = parts();
    p.items.clear();
    p.units.clear();
    assert_eq!(codes(p), vec!["E0214"]);
}

#[test]
fn item_weight_forms_in_a_penalty() {
    let mut p = parts();
    p.penalties.push(penalty(
        "39",
        None,
        vec![
            clause("a", Deduction::All { span: span() }),
            clause(
                "b",
                Deduction::UpTo {
                    max: Limit::ItemWeight(span()),
                },
            ),
            clause(
                "c",
                Deduction::Once {
                    amount: num("1"),
                    cap: Some(Limit::ItemWeight(span())),
                },
            ),
        ],
    ));
    assert_eq!(codes(p), vec!["E0213"; 3]);
}

#[test]
fn rounding_above_ten() {
    let mut p = parts();
    p.rounding = 11;
    let title = p.title.span;
    // Built without source, the rubric has no place for `rounding`: the title stands in.
    assert_eq!(only(p, Code::InvalidRounding).span, title);
}

#[test]
fn rounding_above_ten_points_at_the_number() {
    let source = "rubric \"t\" {\n  rounding 12\n  item 1 \"i\" weight 1 {\n    owner \"o\"\n    clause a \"a\" deduct 1\n  }\n}";
    let compiled = crate::compile(source);
    let found: Vec<(&str, &str)> = compiled
        .diagnostics
        .0
        .iter()
        .map(|d| (d.code.as_str(), &source[d.span.start..d.span.end]))
        .collect();
    assert_eq!(found, [("E0215", "12")]);
}

#[test]
fn once_deduction_above_what_the_item_can_lose() {
    let mut p = parts();
    p.items[0].externals.push(external("x", "3"));
    // W − E = 1, and clause `a` deducts 2.
    let d = only(p, Code::DeductionAboveWeight);
    assert_eq!(
        d.message,
        "clause `a` deducts 2, more than item `2.1` can lose (1)"
    );
}

#[test]
fn caps_below_one_deduction() {
    let mut p = parts();
    p.items[0].clauses[1].deduction = per("0.5", "enterprise", Some(Limit::Amount(num("0.3"))));
    let d = only(p, Code::CapBelowDeduction);
    assert_eq!(
        d.message,
        "clause `b` is capped at 0.3, less than one deduction of 0.5"
    );

    let mut p = parts();
    p.items[0].clauses[1].deduction = per("5", "enterprise", Some(Limit::ItemWeight(span())));
    only(p, Code::CapBelowDeduction);

    let mut p = parts();
    p.penalties
        .push(penalty("39", Some("1"), vec![clause("h", once("2"))]));
    let d = only(p, Code::CapBelowDeduction);
    assert!(d.message.starts_with("penalty `39` is capped at 1"));
}

#[test]
fn unused_unit() {
    let mut p = parts();
    p.units.push(unit("person"));
    let d = only(p, Code::UnusedUnit);
    assert_eq!(
        d.message,
        "unit `person` is declared but no clause counts it"
    );
}

#[test]
fn owners() {
    let mut p = parts();
    p.items[0].owners.clear();
    only(p, Code::MissingOwner);

    let mut p = parts();
    p.items[0].owners.clear();
    for c in &mut p.items[0].clauses {
        c.owners.push(text("县消防救援大队"));
    }
    assert_eq!(codes(p), Vec::<&str>::new());
}

#[test]
fn output_is_sorted_and_deterministic() {
    let build = || {
        let mut p = parts();
        p.items.push(item("2.1", "0", vec![]));
        p.vetoes.push(veto("v", "nope", &[("9", "z")]));
        p.units.push(unit("person"));
        p
    };
    let a = run(build());
    let b = run(build());
    assert!(a.len() >= 5);
    let key = |d: &Diagnostic| (d.severity(), d.span.start);
    assert!(a.windows(2).all(|w| key(&w[0]) <= key(&w[1])));
    let codes_a: Vec<_> = a.iter().map(|d| (d.code, d.message.clone())).collect();
    let codes_b: Vec<_> = b.iter().map(|d| (d.code, d.message.clone())).collect();
    assert_eq!(codes_a, codes_b);
}

#[test]
fn many_items_and_typos_stay_linear() {
    // 50 000 items and 50 000 references to unknown items: a quadratic
    // "did you mean" search would not finish; the hint budget keeps it short.
    let mut p = parts();
    p.items = (0..50_000)
        .map(|i| item(&format!("{i}.1"), "1", vec![clause("a", once("1"))]))
        .collect();
    let refs: Vec<(String, String)> = (0..50_000).map(|i| (format!("x{i}"), "a".into())).collect();
    let refs: Vec<(&str, &str)> = refs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    p.vetoes.push(veto("v", "good", &refs));
    let found = run(p);
    assert_eq!(
        found
            .iter()
            .filter(|d| d.code == Code::UnknownClause)
            .count(),
        50_000
    );
}

#[test]
fn item_weight_in_a_penalty_is_refused_for_version_2_shapes_too() {
    let source = "rubric \"t\" {\n  item 1 \"i\" weight 4 { owner \"o\" clause a \"x\" deduct 1 }\n  penalty 2 \"p\" {\n    clause a \"x\" deduct 1, 2 by level capped at item weight\n    clause b \"y\" deduct 1 to 3 per occurrence capped at item weight\n  }\n}\n";
    let codes: Vec<Code> = crate::compile(source)
        .diagnostics
        .0
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(
        codes,
        [Code::ItemWeightInPenalty, Code::ItemWeightInPenalty]
    );
}
