//! Laws of the parser and the formatter, checked on generated input:
//! - no input, bytes or token soup, makes parsing, lowering or formatting panic;
//! - for a generated rubric, parse(fmt(print(rubric))) gives back the rubric;
//! - fmt is idempotent on generated sources with comments.
//!
//! Also: a ~10 MB rubric parses and lowers without overflowing the stack.

use proptest::prelude::*;
use rubric::model::{
    Amount, CheckStep, Clause, ClauseRef, Comparison, Deduction, External, Grade, Id, Item, Limit,
    NotApplicable, Penalty, Rubric, RubricParts, Section, Text, Unit, Veto,
};
use rubric::Span;
use rust_decimal::Decimal;
use std::fmt::Write;

fn never_panics(source: &str) {
    let parsed = rubric::syntax::parse(source);
    let _ = rubric::model::lower(&parsed.file);
    let _ = rubric::fmt::format(source);
    let _ = rubric::compile(source);
}

const SOUP: &[&str] = &[
    "rubric",
    "section",
    "item",
    "clause",
    "deduct",
    "per",
    "capped",
    "at",
    "item weight",
    "all",
    "up",
    "to",
    "when",
    "below",
    "above",
    "owner",
    "basis",
    "check",
    "by",
    "external",
    "weight",
    "optional",
    "penalty",
    "veto",
    "most",
    "least",
    "grade",
    "unit",
    "version",
    "total",
    "rounding",
    "not-applicable",
    "rescale",
    "full-marks",
    "{",
    "}",
    ",",
    "/",
    "\"s\"",
    "\"县委\"",
    "\"unclosed",
    "\"\\q\"",
    "\"\\u{110000}\"",
    "2",
    "0.5",
    "2.1",
    "2.1.1",
    "50%",
    "0.3分",
    "-1",
    ".5",
    "5.",
    "1e5",
    "１",
    "，",
    "：",
    "（",
    "“x”",
    "”",
    "｛",
    "｝",
    "％",
    "#c",
    "\n",
    "\r\n",
    "\t",
    "\u{feff}",
    "é",
    "99999999999999999999999999999999",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(SOUP), 0..80).prop_map(|words| words.join(" "))
}

// --- Generated rubrics -------------------------------------------------------

fn string_text() -> impl Strategy<Value = String> {
    let chars = prop::sample::select(vec![
        'a', 'Z', ' ', '"', '\\', '\n', '\t', '县', '“', '”', '#', '{', '}', '%', '，', '１',
        '\u{7}',
    ]);
    prop::collection::vec(chars, 0..8).prop_map(|v| v.into_iter().collect())
}

fn ident() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_-]{0,5}"
}

fn item_id() -> impl Strategy<Value = String> {
    prop_oneof![ident(), "[1-9][0-9]?(\\.[0-9]{1,2}){0,2}"]
}

#[derive(Debug, Clone)]
struct Num {
    text: String,
    percent: bool,
}

/// Points: a weight, amount, cap, bound, total or grade threshold.
fn num() -> impl Strategy<Value = Num> {
    prop_oneof!["[1-9][0-9]{0,2}(\\.[0-9]{1,3})?", "0\\.[0-9]{1,3}"].prop_map(|text| Num {
        text,
        percent: false,
    })
}

/// The threshold of `when below`/`when above`: a number or a percentage.
fn threshold() -> impl Strategy<Value = Num> {
    (
        prop_oneof!["[1-9][0-9]{0,2}(\\.[0-9]{1,3})?", "0\\.[0-9]{1,3}"],
        prop::bool::weighted(0.2),
    )
        .prop_map(|(text, percent)| Num { text, percent })
}

#[derive(Debug, Clone)]
enum Lim {
    Num(Num),
    ItemWeight,
}

fn lim() -> impl Strategy<Value = Lim> {
    prop_oneof![num().prop_map(Lim::Num), Just(Lim::ItemWeight)]
}

#[derive(Debug, Clone)]
enum Ded {
    Once(Num, Option<Lim>),
    Per(Num, String, Option<Lim>),
    All,
    UpTo(Lim),
    Threshold(Num, bool, Num),
}

fn ded() -> impl Strategy<Value = Ded> {
    prop_oneof![
        (num(), prop::option::of(lim())).prop_map(|(a, c)| Ded::Once(a, c)),
        (num(), ident(), prop::option::of(lim())).prop_map(|(a, u, c)| Ded::Per(a, u, c)),
        Just(Ded::All),
        lim().prop_map(Ded::UpTo),
        (num(), any::<bool>(), threshold()).prop_map(|(a, b, p)| Ded::Threshold(a, b, p)),
    ]
}

#[derive(Debug, Clone)]
struct Cl {
    id: String,
    text: String,
    ded: Ded,
    owners: Vec<String>,
}

fn clause() -> impl Strategy<Value = Cl> {
    (
        item_id(),
        string_text(),
        ded(),
        prop::collection::vec(string_text(), 0..3),
    )
        .prop_map(|(id, text, ded, owners)| Cl {
            id,
            text,
            ded,
            owners,
        })
}

#[derive(Debug, Clone)]
struct It {
    id: String,
    title: String,
    weight: Num,
    optional: bool,
    owners: Vec<Vec<String>>,
    basis: Vec<String>,
    checks: Vec<(String, Vec<String>)>,
    externals: Vec<(String, String, Num, Vec<String>)>,
    clauses: Vec<Cl>,
}

fn item() -> impl Strategy<Value = It> {
    (
        item_id(),
        string_text(),
        num(),
        any::<bool>(),
        prop::collection::vec(prop::collection::vec(string_text(), 1..3), 0..3),
        prop::collection::vec(string_text(), 0..2),
        prop::collection::vec(
            (string_text(), prop::collection::vec(string_text(), 0..3)),
            0..2,
        ),
        prop::collection::vec(
            (
                ident(),
                string_text(),
                num(),
                prop::collection::vec(string_text(), 0..2),
            ),
            0..2,
        ),
        prop::collection::vec(clause(), 0..4),
    )
        .prop_map(
            |(id, title, weight, optional, owners, basis, checks, externals, clauses)| It {
                id,
                title,
                weight,
                optional,
                owners,
                basis,
                checks,
                externals,
                clauses,
            },
        )
}

/// `veto ID "text" at most GRADE when ITEM/CLAUSE, …`.
type GenVeto = (String, String, String, Vec<(String, String)>);
/// `penalty ID "title" capped at C { … }`.
#[derive(Debug, Clone)]
struct GenPenalty {
    id: String,
    title: String,
    cap: Option<Num>,
    owners: Vec<Vec<String>>,
    basis: Vec<String>,
    checks: Vec<(String, Vec<String>)>,
    clauses: Vec<Cl>,
}

fn penalty() -> impl Strategy<Value = GenPenalty> {
    (
        item_id(),
        string_text(),
        prop::option::of(num()),
        prop::collection::vec(prop::collection::vec(string_text(), 1..3), 0..3),
        prop::collection::vec(string_text(), 0..2),
        prop::collection::vec(
            (string_text(), prop::collection::vec(string_text(), 0..3)),
            0..2,
        ),
        prop::collection::vec(clause(), 0..3),
    )
        .prop_map(
            |(id, title, cap, owners, basis, checks, clauses)| GenPenalty {
                id,
                title,
                cap,
                owners,
                basis,
                checks,
                clauses,
            },
        )
}

#[derive(Debug, Clone)]
struct Gen {
    title: String,
    version: Option<String>,
    total: Option<Num>,
    full_marks: Option<bool>,
    rounding: Option<u32>,
    units: Vec<(String, String)>,
    grades: Vec<(String, String, Option<Num>)>,
    sections: Vec<(String, String, Vec<It>)>,
    items: Vec<It>,
    penalties: Vec<GenPenalty>,
    vetoes: Vec<GenVeto>,
}

fn rubric_gen() -> impl Strategy<Value = Gen> {
    (
        (
            string_text(),
            prop::option::of(string_text()),
            prop::option::of(num()),
            prop::option::of(any::<bool>()),
            prop::option::of(0u32..8),
            prop::collection::vec((ident(), string_text()), 0..3),
            prop::collection::vec((ident(), string_text(), prop::option::of(num())), 0..3),
        ),
        (
            prop::collection::vec(
                (ident(), string_text(), prop::collection::vec(item(), 0..3)),
                0..3,
            ),
            prop::collection::vec(item(), 0..3),
            prop::collection::vec(penalty(), 0..2),
            prop::collection::vec(
                (
                    ident(),
                    string_text(),
                    ident(),
                    prop::collection::vec((item_id(), item_id()), 0..3),
                ),
                0..3,
            ),
        ),
    )
        .prop_map(
            |(
                (title, version, total, full_marks, rounding, units, grades),
                (sections, items, penalties, vetoes),
            )| Gen {
                title,
                version,
                total,
                full_marks,
                rounding,
                units,
                grades,
                sections,
                items,
                penalties,
                vetoes,
            },
        )
}

// --- Printing a generated rubric as source ------------------------------------

/// A string literal, escaped differently from the formatter (tabs as `\u{9}`).
fn lit(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '”' => out.push_str("\\u{201d}"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn n(num: &Num) -> String {
    format!("{}{}", num.text, if num.percent { "%" } else { "" })
}

fn l(limit: &Lim) -> String {
    match limit {
        Lim::Num(x) => n(x),
        Lim::ItemWeight => "item weight".into(),
    }
}

fn list(strings: &[String]) -> String {
    strings
        .iter()
        .map(|s| lit(s))
        .collect::<Vec<_>>()
        .join(" ,")
}

fn print_clause(c: &Cl) -> String {
    let mut out = format!("clause {} {} deduct ", c.id, lit(&c.text));
    match &c.ded {
        Ded::Once(a, cap) => {
            out += &n(a);
            if let Some(cap) = cap {
                out += &format!(" capped at {}", l(cap));
            }
        }
        Ded::Per(a, u, cap) => {
            out += &format!("{} per {u}", n(a));
            if let Some(cap) = cap {
                out += &format!(" capped\n at {}", l(cap));
            }
        }
        Ded::All => out += "all",
        Ded::UpTo(m) => out += &format!("up to {}", l(m)),
        Ded::Threshold(a, below, p) => {
            out += &format!(
                "{} when {} {}",
                n(a),
                if *below { "below" } else { "above" },
                n(p)
            )
        }
    }
    if !c.owners.is_empty() {
        out += &format!(" owner {}", list(&c.owners));
    }
    out
}

fn print_item(it: &It, out: &mut String) {
    let _ = write!(
        out,
        "item {} {} weight {}",
        it.id,
        lit(&it.title),
        n(&it.weight)
    );
    if it.optional {
        out.push_str(" optional");
    }
    out.push_str(" {\n");
    for o in &it.owners {
        let _ = writeln!(out, "owner {}", list(o));
    }
    for b in &it.basis {
        let _ = writeln!(out, "basis {}", lit(b));
    }
    for (text, by) in &it.checks {
        let _ = write!(out, "check {}", lit(text));
        if !by.is_empty() {
            let _ = write!(out, " by {}", list(by));
        }
        out.push('\n');
    }
    for (id, title, weight, by) in &it.externals {
        let _ = write!(out, "external {id} {} weight {}", lit(title), n(weight));
        if !by.is_empty() {
            let _ = write!(out, " by {}", list(by));
        }
        out.push('\n');
    }
    for c in &it.clauses {
        let _ = writeln!(out, "{}", print_clause(c));
    }
    out.push_str("}\n");
}

fn print(g: &Gen) -> String {
    let mut out = format!("rubric {} {{\n", lit(&g.title));
    if let Some(v) = &g.version {
        let _ = writeln!(out, "version {}", lit(v));
    }
    if let Some(t) = &g.total {
        let _ = writeln!(out, "total {}", n(t));
    }
    if let Some(f) = g.full_marks {
        let _ = writeln!(
            out,
            "not-applicable {}",
            if f { "full-marks" } else { "rescale" }
        );
    }
    if let Some(r) = g.rounding {
        let _ = writeln!(out, "rounding {r}");
    }
    for (id, label) in &g.units {
        let _ = writeln!(out, "unit {id} {}", lit(label));
    }
    for (id, label, at_least) in &g.grades {
        let _ = write!(out, "grade {id} {}", lit(label));
        if let Some(a) = at_least {
            let _ = write!(out, " at least {}", n(a));
        }
        out.push('\n');
    }
    for (id, title, items) in &g.sections {
        let _ = writeln!(out, "section {id} {} {{", lit(title));
        for it in items {
            print_item(it, &mut out);
        }
        out.push_str("}\n");
    }
    for it in &g.items {
        print_item(it, &mut out);
    }
    for p in &g.penalties {
        let _ = write!(out, "penalty {} {}", p.id, lit(&p.title));
        if let Some(c) = &p.cap {
            let _ = write!(out, " capped at {}", n(c));
        }
        out.push_str(" {\n");
        // Clauses first, so that an `owner` line right after a clause must
        // be read as the penalty's, not the clause's.
        for c in &p.clauses {
            let _ = writeln!(out, "{}", print_clause(c));
        }
        for o in &p.owners {
            let _ = writeln!(out, "owner {}", list(o));
        }
        for b in &p.basis {
            let _ = writeln!(out, "basis {}", lit(b));
        }
        for (text, by) in &p.checks {
            let _ = write!(out, "check {}", lit(text));
            if !by.is_empty() {
                let _ = write!(out, " by {}", list(by));
            }
            out.push('\n');
        }
        out.push_str("}\n");
    }
    for (id, text, at_most, when) in &g.vetoes {
        let _ = write!(out, "veto {id} {} at most {at_most}", lit(text));
        for (i, (item, clause)) in when.iter().enumerate() {
            let _ = write!(
                out,
                "{}{item} / {clause}",
                if i == 0 { " when " } else { ", " }
            );
        }
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

// --- The model a generated rubric describes -------------------------------------

fn id(s: &str) -> Id {
    Id {
        name: s.to_owned(),
        span: Span::default(),
    }
}

fn text(s: &str) -> Text {
    Text {
        value: s.to_owned(),
        span: Span::default(),
    }
}

fn amount(x: &Num) -> Amount {
    let value = Decimal::from_str_exact(&x.text).unwrap_or_default();
    let value = if x.percent {
        value.checked_div(Decimal::ONE_HUNDRED).unwrap_or_default()
    } else {
        value
    };
    Amount {
        value,
        percent: x.percent,
        span: Span::default(),
    }
}

fn limit(x: &Lim) -> Limit {
    match x {
        Lim::Num(x) => Limit::Amount(amount(x)),
        Lim::ItemWeight => Limit::ItemWeight(Span::default()),
    }
}

fn model_clause(c: &Cl) -> Clause {
    let deduction = match &c.ded {
        Ded::Once(a, cap) => Deduction::Once {
            amount: amount(a),
            cap: cap.as_ref().map(limit),
        },
        Ded::Per(a, u, cap) => Deduction::Per {
            amount: amount(a),
            unit: id(u),
            cap: cap.as_ref().map(limit),
        },
        Ded::All => Deduction::All {
            span: Span::default(),
        },
        Ded::UpTo(m) => Deduction::UpTo { max: limit(m) },
        Ded::Threshold(a, below, p) => Deduction::Threshold {
            amount: amount(a),
            op: if *below {
                Comparison::Below
            } else {
                Comparison::Above
            },
            threshold: amount(p),
        },
    };
    Clause {
        id: id(&c.id),
        text: text(&c.text),
        deduction,
        owners: c.owners.iter().map(|o| text(o)).collect(),
        span: Span::default(),
    }
}

fn model_item(it: &It, section: Option<usize>) -> Item {
    Item {
        id: id(&it.id),
        title: text(&it.title),
        section,
        weight: amount(&it.weight),
        optional: it.optional,
        owners: it.owners.iter().flatten().map(|o| text(o)).collect(),
        basis: it.basis.iter().map(|b| text(b)).collect(),
        checks: it
            .checks
            .iter()
            .map(|(t, by)| CheckStep {
                text: text(t),
                by: by.iter().map(|b| text(b)).collect(),
            })
            .collect(),
        externals: it
            .externals
            .iter()
            .map(|(i, t, w, by)| External {
                id: id(i),
                title: text(t),
                weight: amount(w),
                by: by.iter().map(|b| text(b)).collect(),
                span: Span::default(),
            })
            .collect(),
        clauses: it.clauses.iter().map(model_clause).collect(),
        span: Span::default(),
    }
}

fn model(g: &Gen) -> Rubric {
    let mut items = Vec::new();
    for (i, (_, _, section_items)) in g.sections.iter().enumerate() {
        items.extend(section_items.iter().map(|it| model_item(it, Some(i))));
    }
    items.extend(g.items.iter().map(|it| model_item(it, None)));
    Rubric::new(RubricParts {
        title: text(&g.title),
        version: g.version.as_deref().map(text),
        total: g.total.as_ref().map(amount),
        not_applicable: if g.full_marks == Some(true) {
            NotApplicable::FullMarks
        } else {
            NotApplicable::Rescale
        },
        rounding: g.rounding.unwrap_or(2),
        units: g
            .units
            .iter()
            .map(|(i, label)| Unit {
                id: id(i),
                label: text(label),
                builtin: false,
            })
            .collect(),
        grades: g
            .grades
            .iter()
            .map(|(i, label, at_least)| Grade {
                id: id(i),
                label: text(label),
                at_least: at_least.as_ref().map(amount),
            })
            .collect(),
        sections: g
            .sections
            .iter()
            .map(|(i, title, _)| Section {
                id: id(i),
                title: text(title),
                span: Span::default(),
            })
            .collect(),
        items,
        penalties: g
            .penalties
            .iter()
            .map(|p| Penalty {
                id: id(&p.id),
                title: text(&p.title),
                cap: p.cap.as_ref().map(amount),
                owners: p.owners.iter().flatten().map(|o| text(o)).collect(),
                basis: p.basis.iter().map(|b| text(b)).collect(),
                checks: p
                    .checks
                    .iter()
                    .map(|(t, by)| CheckStep {
                        text: text(t),
                        by: by.iter().map(|b| text(b)).collect(),
                    })
                    .collect(),
                clauses: p.clauses.iter().map(model_clause).collect(),
                span: Span::default(),
            })
            .collect(),
        vetoes: g
            .vetoes
            .iter()
            .map(|(i, t, at_most, when)| Veto {
                id: id(i),
                text: text(t),
                at_most: id(at_most),
                when: when
                    .iter()
                    .map(|(item, clause)| ClauseRef {
                        item: id(item),
                        clause: id(clause),
                    })
                    .collect(),
                span: Span::default(),
            })
            .collect(),
        span: Span::default(),
    })
}

/// Adds comments: own-line ones before some lines and trailing ones after others.
fn with_comments(source: &str, seeds: &[u8]) -> String {
    let mut out = String::new();
    for (i, line) in source.lines().enumerate() {
        let seed = seeds.get(i % seeds.len().max(1)).copied().unwrap_or(0);
        if seed % 3 == 0 {
            let _ = writeln!(out, "# own line {i} \"q\" {{");
        }
        if seed % 5 == 0 {
            out.push('\n');
        }
        out.push_str(line);
        if seed % 4 == 1 {
            let _ = write!(out, " # trailing {i} }}");
        }
        out.push('\n');
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        never_panics(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        never_panics(&text);
    }

    #[test]
    fn token_soups_never_panic(source in soup()) {
        never_panics(&source);
        never_panics(&format!("rubric \"t\" {{\n{source}\n}}"));
        never_panics(&format!("rubric \"t\" {{ item 1 \"i\" weight 1 {{\n{source}\n}} }}"));
    }

    #[test]
    fn formatting_a_generated_rubric_keeps_its_model(g in rubric_gen()) {
        let source = print(&g);
        let parsed = rubric::syntax::parse(&source);
        prop_assert!(parsed.diagnostics.is_empty(), "{:?}\n{source}", parsed.diagnostics);
        let expected = model(&g).span_free_text();
        let (direct, diagnostics) = rubric::model::lower(&parsed.file);
        prop_assert!(diagnostics.is_empty(), "{diagnostics:?}");
        prop_assert_eq!(&direct.span_free_text(), &expected);
        let formatted = rubric::fmt::format(&source).map_err(|e| TestCaseError::fail(format!("{:?}\n{source}", e.0)))?;
        let reparsed = rubric::syntax::parse(&formatted);
        prop_assert!(reparsed.diagnostics.is_empty(), "{:?}", reparsed.diagnostics);
        let (after, _) = rubric::model::lower(&reparsed.file);
        prop_assert_eq!(&after.span_free_text(), &expected);
    }

    #[test]
    fn formatting_is_idempotent_with_comments(g in rubric_gen(), seeds in prop::collection::vec(any::<u8>(), 1..16)) {
        let source = with_comments(&print(&g), &seeds);
        let once = rubric::fmt::format(&source).map_err(|e| TestCaseError::fail(format!("{:?}\n{source}", e.0)))?;
        let twice = rubric::fmt::format(&once).map_err(|e| TestCaseError::fail(format!("{:?}\n{once}", e.0)))?;
        prop_assert_eq!(&twice, &once, "source:\n{}", source);
        let comments = |s: &str| s.matches("# own line").count() + s.matches("# trailing").count();
        prop_assert_eq!(comments(&once), comments(&source));
    }
}

/// About 10 MB of rubric: parsing and lowering are iterative and linear.
#[test]
fn a_ten_megabyte_rubric_parses_and_lowers() {
    let mut source = String::with_capacity(10_500_000);
    source.push_str("rubric \"大\" {\n  unit person \"人\"\n");
    let mut items = 0usize;
    let mut section = 0usize;
    while source.len() < 10_000_000 {
        let _ = writeln!(source, "  section s{section} \"第{section}部分\" {{");
        for _ in 0..50 {
            let _ = writeln!(
                source,
                "    item {items}.{section} \"考核要点{items}\" weight 4 optional {{  # 注释\n      owner \"县应急局\", \"县消防救援大队\"\n      basis \"依据\"\n      clause a \"未落实的\" deduct 0.5 per person capped at item weight owner \"县委\"\n      clause b \"未开展的\" deduct all\n      clause c \"酌情\" deduct up to 1\n      clause d \"应用率\" deduct 0.5 when below 50%\n      check \"查看\" by \"县委\"\n    }}"
            );
            items += 1;
        }
        source.push_str("  }\n");
        section += 1;
    }
    source.push_str("}\n");
    let parsed = rubric::syntax::parse(&source);
    assert!(
        parsed.diagnostics.is_empty(),
        "{:?}",
        parsed.diagnostics.first()
    );
    let (rubric, diagnostics) = rubric::model::lower(&parsed.file);
    assert!(diagnostics.is_empty());
    assert_eq!(rubric.items().len(), items);
    assert_eq!(rubric.sections().len(), section);
}

// --- Version 2 forms ---------------------------------------------------------

/// A number as text: whole or with one or two decimals, never zero.
fn v2_number() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..20).prop_map(|n| n.to_string()),
        (1u32..200).prop_map(|n| format!("{}.{}", n / 10, n % 10)),
    ]
}

/// One clause after its id and text, in a deductions rubric item, for `verb`.
fn v2_clause_body(verb: &'static str) -> impl Strategy<Value = String> {
    let endings = (
        prop::option::of(v2_number()),
        prop::collection::vec(
            prop::sample::select(vec!["hazard", "paper", "critical"]),
            0..3,
        ),
        prop::option::of(prop::sample::select(vec!["县应急局", "县消防救援大队"])),
        0usize..6,
    )
        .prop_map(move |(extra, tags, owner, order)| {
            let mut parts: Vec<String> = Vec::new();
            if let Some(x) = extra.filter(|_| verb == "deduct") {
                parts.push(format!("extra {x}"));
            }
            if !tags.is_empty() {
                let mut tags = tags;
                tags.dedup();
                parts.push(format!("tagged {}", tags.join(", ")));
            }
            if let Some(o) = owner {
                parts.push(format!("owner \"{o}\""));
            }
            // Endings in any order: rotate them.
            let n = parts.len().max(1);
            parts.rotate_left(order % n);
            parts.join(" ")
        });
    let shape = prop_oneof![
        v2_number().prop_map(|a| a),
        (v2_number(), prop::sample::select(vec!["occurrence", "u"]))
            .prop_map(|(a, u)| format!("{a} per {u}")),
        (v2_number(), v2_number()).prop_map(|(a, c)| format!("{a} capped at {c}")),
        (
            v2_number(),
            1u32..5,
            1u32..100,
            prop::sample::select(vec!["", "full ", "started "])
        )
            .prop_map(|(a, step, p, steps)| format!("{a} per {steps}{step}% below {p}%")),
        (v2_number(), 1u32..5).prop_map(|(a, step)| format!("{a} per {step} above target")),
        (prop::collection::vec(v2_number(), 2..4), any::<bool>()).prop_map(
            |(amounts, per)| format!(
                "{} by level{}",
                amounts.join(", "),
                if per { " per occurrence" } else { "" }
            )
        ),
        (v2_number(), v2_number(), 1u32..40, any::<bool>()).prop_map(|(a, b, p, above)| {
            if above {
                format!("{a} when above {}%, {b} when above {}%", p + 50, p)
            } else {
                format!("{a} when below {p}%, {b} when below {}%", p + 50)
            }
        }),
        (1u32..5, 6u32..15, any::<bool>()).prop_map(|(a, b, per)| {
            if per {
                format!("{a} to {b} per occurrence capped at {}", b * 2)
            } else {
                format!("{a} to {b}")
            }
        }),
        v2_number().prop_map(|m| format!("up to {m}")),
    ];
    (shape, endings).prop_map(move |(shape, endings)| {
        if endings.is_empty() {
            format!("{verb} {shape}")
        } else {
            format!("{verb} {shape} {endings}")
        }
    })
}

/// A version 2 rubric as text: nested weighted sections, every clause
/// shape and ending, a bonus, facts, vetoes with conditions, flags and an
/// exclusive group.
fn v2_rubric() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::collection::vec(v2_clause_body("deduct"), 1..4), 1..5),
        prop::collection::vec(v2_clause_body("add"), 0..3),
        1usize..4,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(items, bonus, depth, all, score_zero)| {
            let mut out = String::from("rubric \"版本2\" {\n  scale 100\n  unit u \"处\"\n  levels \"一般\", \"较大\", \"重大\"\n  fact deaths \"死亡人数\" default 0\n  grade a \"一级\" at least 90\n  grade b \"不达标\"\n");
            let weight = items.len() * 10;
            for d in 0..depth {
                let w = if d == 0 { format!(" weight {weight}") } else { String::new() };
                let _ = writeln!(out, "{}section s{d} \"第{d}层\"{w} {{", "  ".repeat(d + 1));
            }
            for (i, clauses) in items.iter().enumerate() {
                let _ = writeln!(out, "item {i} \"条目{i}\" weight 10 {{\n  owner \"县应急局\"");
                for (c, body) in clauses.iter().enumerate() {
                    let _ = writeln!(out, "  clause c{c} \"情形{c}\" {body}");
                }
                if i == 0 {
                    out.push_str("  clause x \"扣满的\" extra 5 when exhausted\n");
                }
                out.push_str("}\n");
            }
            for _ in 0..depth {
                out.push_str("}\n");
            }
            if !bonus.is_empty() {
                out.push_str("bonus 99 \"加分项\" capped at 5 {\n");
                for (c, body) in bonus.iter().enumerate() {
                    let _ = writeln!(out, "  clause b{c} \"加分{c}\" {body}");
                }
                out.push_str("}\n");
            }
            if items.len() > 1 {
                out.push_str("exclusive \"不重复扣分\" 0/c0, 1/c0\n");
            }
            let all = if all { "all " } else { "" };
            let outcome = if score_zero { "score 0, at most b" } else { "at most b" };
            let _ = writeln!(out, "veto v \"否决\" {outcome} when {all}deaths >= 1, 0/c0");
            out.push_str("flag f \"提示\" when score < 60, 0/x\n}\n");
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn formatting_a_version_2_rubric_keeps_its_model(source in v2_rubric(), seeds in prop::collection::vec(any::<u8>(), 1..16)) {
        let parsed = rubric::syntax::parse(&source);
        prop_assert!(parsed.diagnostics.is_empty(), "{:?}\n{source}", parsed.diagnostics);
        let (before, diagnostics) = rubric::model::lower(&parsed.file);
        prop_assert!(diagnostics.is_empty(), "{diagnostics:?}");
        prop_assert!(!before.is_v1());
        // A rubric written by the rules of version 2 draws no error from `check`.
        let compiled = rubric::compile(&source);
        let errors: Vec<String> = compiled.diagnostics.0.iter().filter(|d| d.is_error()).map(|d| format!("{} {}", d.code, d.message)).collect();
        prop_assert!(errors.is_empty(), "{errors:?}\n{source}");
        let formatted = rubric::fmt::format(&source).map_err(|e| TestCaseError::fail(format!("{:?}\n{source}", e.0)))?;
        let (after, _) = rubric::model::lower(&rubric::syntax::parse(&formatted).file);
        prop_assert!(before.same_ignoring_spans(&after));
        prop_assert_eq!(before.span_free_text(), after.span_free_text());
        prop_assert_eq!(rubric::fmt::format(&formatted).map_err(|e| TestCaseError::fail(format!("{:?}", e.0)))?, formatted.clone());
        // With comments everywhere: still idempotent, every comment kept.
        let commented = with_comments(&source, &seeds);
        let once = rubric::fmt::format(&commented).map_err(|e| TestCaseError::fail(format!("{:?}\n{commented}", e.0)))?;
        let twice = rubric::fmt::format(&once).map_err(|e| TestCaseError::fail(format!("{:?}\n{once}", e.0)))?;
        prop_assert_eq!(&twice, &once);
        let comments = |s: &str| s.matches("# own line").count() + s.matches("# trailing").count();
        prop_assert_eq!(comments(&once), comments(&commented));
        // The JSON export reads back to itself.
        let json = rubric::export::to_json(&before);
        let back = rubric::export::from_json(&json).map_err(TestCaseError::fail)?;
        prop_assert_eq!(rubric::export::to_json(&back), json);
    }

    #[test]
    fn version_2_token_soups_never_panic(words in prop::collection::vec(prop::sample::select(vec![
        "scoring", "points", "scale", "ceiling", "levels", "fact", "default", "bonus", "add",
        "flag", "exclusive", "extra", "exhausted", "tagged", "by", "level", "full", "started",
        "target", "score", "0", "all", ">=", ">", "<=", "<", "=", ",", "/", "{", "}", "1", "2%",
        "when", "below", "above", "to", "per", "occurrence", "section", "weight", "item",
        "clause", "deduct", "\"t\"", "a", "\n",
    ]), 0..80)) {
        let soup = words.join(" ");
        never_panics(&format!("rubric \"t\" {{\n{soup}\n}}"));
        never_panics(&format!("rubric \"t\" {{ item 1 \"i\" weight 1 {{\n clause a \"a\" {soup}\n}} }}"));
    }
}
