//! Laws of the JSON export: reading back what was exported gives the same
//! rubric, for generated rubrics of every shape.

use proptest::prelude::*;
use rubric::export::{from_json, to_json, to_json_pretty};
use rubric::model::{
    Amount, CheckStep, Clause, ClauseRef, Comparison, Deduction, External, Grade, Id, Item, Limit,
    NotApplicable, Penalty, RubricParts, Section, Text, Unit, Veto,
};
use rubric::{Rubric, Span};
use rust_decimal::Decimal;

// Generated rubrics carry empty spans and no percentages: the JSON form
// holds neither, so with them the round trip must be exact.

fn decimal() -> impl Strategy<Value = Decimal> {
    (0i64..1_000_000, 0u32..5).prop_map(|(m, s)| Decimal::new(m, s))
}

fn amount() -> impl Strategy<Value = Amount> {
    decimal().prop_map(|value| Amount {
        value,
        percent: false,
        span: Span::default(),
    })
}

fn text() -> impl Strategy<Value = Text> {
    "\\PC{0,12}".prop_map(|value| Text {
        value,
        span: Span::default(),
    })
}

fn id() -> impl Strategy<Value = Id> {
    prop_oneof!["[a-z][a-z0-9_-]{0,6}", "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}"].prop_map(|name| Id {
        name,
        span: Span::default(),
    })
}

fn limit() -> impl Strategy<Value = Limit> {
    prop_oneof![
        amount().prop_map(Limit::Amount),
        Just(Limit::ItemWeight(Span::default())),
    ]
}

fn deduction(units: usize) -> impl Strategy<Value = Deduction> {
    let unit = (0..units.max(1)).prop_map(move |i| Id {
        name: if units == 0 {
            "occurrence".to_owned()
        } else {
            format!("u{i}")
        },
        span: Span::default(),
    });
    prop_oneof![
        (amount(), proptest::option::of(limit()))
            .prop_map(|(amount, cap)| Deduction::Once { amount, cap }),
        Just(Deduction::All {
            span: Span::default()
        }),
        (amount(), unit, proptest::option::of(limit()))
            .prop_map(|(amount, unit, cap)| Deduction::Per { amount, unit, cap }),
        limit().prop_map(|max| Deduction::UpTo { max }),
        (amount(), any::<bool>(), amount()).prop_map(|(amount, below, threshold)| {
            Deduction::Threshold {
                amount,
                op: if below {
                    Comparison::Below
                } else {
                    Comparison::Above
                },
                threshold,
            }
        }),
    ]
}

fn texts() -> impl Strategy<Value = Vec<Text>> {
    proptest::collection::vec(text(), 0..3)
}

fn clause(units: usize) -> impl Strategy<Value = Clause> {
    (id(), text(), deduction(units), texts()).prop_map(|(id, text, deduction, owners)| Clause {
        id,
        text,
        deduction,
        owners,
        span: Span::default(),
    })
}

fn item(units: usize, sections: usize) -> impl Strategy<Value = Item> {
    (
        (
            id(),
            text(),
            proptest::option::of(0..sections.max(1)),
            amount(),
            any::<bool>(),
        ),
        (texts(), texts()),
        proptest::collection::vec((text(), texts()), 0..3),
        proptest::collection::vec((id(), text(), amount(), texts()), 0..3),
        proptest::collection::vec(clause(units), 0..5),
    )
        .prop_map(
            move |(
                (id, title, section, weight, optional),
                (owners, basis),
                checks,
                externals,
                clauses,
            )| Item {
                id,
                title,
                section: section.filter(|_| sections > 0),
                weight,
                optional,
                owners,
                basis,
                checks: checks
                    .into_iter()
                    .map(|(text, by)| CheckStep { text, by })
                    .collect(),
                externals: externals
                    .into_iter()
                    .map(|(id, title, weight, by)| External {
                        id,
                        title,
                        weight,
                        by,
                        span: Span::default(),
                    })
                    .collect(),
                clauses,
                span: Span::default(),
            },
        )
}

fn penalty(units: usize) -> impl Strategy<Value = Penalty> {
    (
        (id(), text(), proptest::option::of(amount())),
        (texts(), texts()),
        proptest::collection::vec((text(), texts()), 0..3),
        proptest::collection::vec(clause(units), 0..3),
    )
        .prop_map(
            |((id, title, cap), (owners, basis), checks, clauses)| Penalty {
                id,
                title,
                cap,
                owners,
                basis,
                checks: checks
                    .into_iter()
                    .map(|(text, by)| CheckStep { text, by })
                    .collect(),
                clauses,
                span: Span::default(),
            },
        )
}

fn parts() -> impl Strategy<Value = RubricParts> {
    (0usize..4, 0usize..3).prop_flat_map(|(units, sections)| {
        (
            (
                text(),
                proptest::option::of(text()),
                proptest::option::of(amount()),
                any::<bool>(),
                0u32..12,
            ),
            proptest::collection::vec(text(), units..=units),
            proptest::collection::vec((id(), text(), proptest::option::of(amount())), 0..4),
            proptest::collection::vec(text(), sections..=sections),
            proptest::collection::vec(item(units, sections), 0..6),
            proptest::collection::vec(penalty(units), 0..3),
            proptest::collection::vec(
                (
                    id(),
                    text(),
                    id(),
                    proptest::collection::vec((id(), id()), 0..3),
                ),
                0..3,
            ),
        )
            .prop_map(
                |(
                    (title, version, total, full_marks, rounding),
                    unit_labels,
                    grades,
                    section_titles,
                    items,
                    penalties,
                    vetoes,
                )| {
                    RubricParts {
                        title,
                        version,
                        total,
                        not_applicable: if full_marks {
                            NotApplicable::FullMarks
                        } else {
                            NotApplicable::Rescale
                        },
                        rounding,
                        units: unit_labels
                            .into_iter()
                            .enumerate()
                            .map(|(i, label)| Unit {
                                id: Id {
                                    name: format!("u{i}"),
                                    span: Span::default(),
                                },
                                label,
                                builtin: false,
                            })
                            .collect(),
                        grades: grades
                            .into_iter()
                            .map(|(id, label, at_least)| Grade {
                                id,
                                label,
                                at_least,
                            })
                            .collect(),
                        sections: section_titles
                            .into_iter()
                            .enumerate()
                            .map(|(i, title)| Section {
                                id: Id {
                                    name: format!("s{i}"),
                                    span: Span::default(),
                                },
                                title,
                                span: Span::default(),
                            })
                            .collect(),
                        items,
                        penalties,
                        vetoes: vetoes
                            .into_iter()
                            .map(|(id, text, at_most, when)| Veto {
                                id,
                                text,
                                at_most,
                                when: when
                                    .into_iter()
                                    .map(|(item, clause)| ClauseRef { item, clause })
                                    .collect(),
                                span: Span::default(),
                            })
                            .collect(),
                        span: Span::default(),
                    }
                },
            )
    })
}

fn assert_same(a: &Rubric, b: &Rubric) {
    assert_eq!(a.title(), b.title());
    assert_eq!(a.version(), b.version());
    assert_eq!(a.declared_total(), b.declared_total());
    assert_eq!(a.not_applicable(), b.not_applicable());
    assert_eq!(a.rounding(), b.rounding());
    assert_eq!(a.units(), b.units());
    assert_eq!(a.grades(), b.grades());
    assert_eq!(a.sections(), b.sections());
    assert_eq!(a.items(), b.items());
    assert_eq!(a.penalties(), b.penalties());
    assert_eq!(a.vetoes(), b.vetoes());
}

proptest! {
    #[test]
    fn from_json_inverts_to_json(parts in parts()) {
        let rubric = Rubric::new(parts);
        let json = to_json(&rubric);
        let back = from_json(&json).map_err(TestCaseError::fail)?;
        assert_same(&rubric, &back);
        // Through text, as other tools read it.
        let text = to_json_pretty(&rubric);
        let reread: serde_json::Value = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = from_json(&reread).map_err(TestCaseError::fail)?;
        assert_same(&rubric, &back);
    }

    #[test]
    fn checklists_never_break_a_table_row(parts in parts()) {
        let rubric = Rubric::new(parts);
        let markdown = rubric::export::to_markdown(&rubric);
        for row in markdown.lines().filter(|l| l.starts_with('|')) {
            let bars = row.replace("\\|", "").matches('|').count();
            prop_assert!(bars == 5 || bars == 3, "{}", row);
        }
        let csv = rubric::export::to_csv(&rubric);
        prop_assert!(csv.ends_with("\r\n"));
    }
}

/// Golden exports: every `tests/data/export/*.rubric` exported as JSON,
/// Markdown and CSV must equal the `.json`, `.md` and `.csv` files beside it.
/// Missing expectations are written; `BLESS=1` rewrites them.
#[test]
fn golden_exports() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/export");
    let bless = std::env::var_os("BLESS").is_some();
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/export exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rubric"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    let mut failures = Vec::new();
    for input in inputs {
        let source = std::fs::read_to_string(&input).expect("readable");
        let rubric = match Rubric::parse(&source) {
            Ok(rubric) => rubric,
            Err(e) => {
                failures.push(format!("{}: {e}", input.display()));
                continue;
            }
        };
        // The export reads back as the rubric it came from.
        let back = from_json(&to_json(&rubric)).expect("reads back");
        assert_eq!(to_json(&back), to_json(&rubric));
        for (extension, actual) in [
            ("json", to_json_pretty(&rubric)),
            ("md", rubric::export::to_markdown(&rubric)),
            ("csv", rubric::export::to_csv(&rubric)),
        ] {
            let expectation = input.with_extension(extension);
            match std::fs::read_to_string(&expectation) {
                Ok(expected) if !bless => {
                    if expected != actual {
                        failures.push(format!(
                            "{}: differs (BLESS=1 to accept)\n{actual}",
                            expectation.display()
                        ));
                    }
                }
                _ => std::fs::write(&expectation, actual).expect("written"),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
