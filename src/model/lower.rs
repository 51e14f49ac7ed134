//! Syntax tree → typed model.
//!
//! Lowering keeps everything the tree says, duplicates included, in source
//! order with spans: finding duplicates, unknown units and wrong values is
//! [`check`](crate::check)'s job. Lowering reports only what the model cannot
//! hold: a number too large for a decimal, a declaration given twice where
//! the model has room for one.

use super::{
    Amount, CheckStep, Clause, ClauseRef, Deduction, External, Grade, Id, Item, Limit,
    NotApplicable, Penalty, Rubric, RubricParts, Section, Text, Unit, Veto,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::span::Span;
use crate::syntax::ast;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Builds the typed rubric from a syntax tree. Problems that only the model
/// can see (a number too large for a decimal, …) come back as diagnostics.
pub fn lower(file: &ast::File) -> (Rubric, Vec<Diagnostic>) {
    let mut lowering = Lowering::default();
    let parts = match &file.rubric {
        Some(entry) => lowering.rubric(&entry.node),
        None => RubricParts {
            rounding: DEFAULT_ROUNDING,
            ..RubricParts::default()
        },
    };
    let mut rubric = Rubric::new(parts);
    rubric.rounding_span = lowering.rounding_span;
    (rubric, lowering.diagnostics)
}

/// Decimals of the final score when `rounding` is not declared.
pub const DEFAULT_ROUNDING: u32 = 2;

#[derive(Default)]
struct Lowering {
    diagnostics: Vec<Diagnostic>,
    /// Where the `rounding` that counts was written (not a part of
    /// [`RubricParts`], which callers outside the crate fill in).
    rounding_span: Option<Span>,
}

/// A singleton declaration already seen: where, to point at it from a repetition.
struct Seen {
    version: Option<Span>,
    total: Option<Span>,
    rounding: Option<Span>,
    not_applicable: Option<Span>,
}

impl Lowering {
    fn rubric(&mut self, rubric: &ast::Rubric) -> RubricParts {
        let mut parts = RubricParts {
            title: text(&rubric.title),
            rounding: DEFAULT_ROUNDING,
            not_applicable: NotApplicable::Rescale,
            span: rubric.span,
            ..RubricParts::default()
        };
        let mut seen = Seen {
            version: None,
            total: None,
            rounding: None,
            not_applicable: None,
        };
        for entry in &rubric.body.entries {
            match &entry.node {
                ast::Decl::Version(s, span) => {
                    if self.first(&mut seen.version, *span, "version") {
                        parts.version = Some(text(s));
                    }
                }
                ast::Decl::Total(n, span) => {
                    let amount = self.points(n);
                    if self.first(&mut seen.total, *span, "total") {
                        parts.total = Some(amount);
                    }
                }
                ast::Decl::Rounding(n, span) => {
                    let rounding = self.rounding(n);
                    if self.first(&mut seen.rounding, *span, "rounding") {
                        parts.rounding = rounding;
                        self.rounding_span = Some(n.span);
                    }
                }
                ast::Decl::NotApplicable(policy, _, span) => {
                    if self.first(&mut seen.not_applicable, *span, "not-applicable") {
                        parts.not_applicable = *policy;
                    }
                }
                ast::Decl::Unit(u) => parts.units.push(Unit {
                    id: id(&u.id),
                    label: text(&u.label),
                    builtin: false,
                }),
                ast::Decl::Grade(g) => {
                    let at_least = g.at_least.as_ref().map(|n| self.points(n));
                    parts.grades.push(Grade {
                        id: id(&g.id),
                        label: text(&g.label),
                        at_least,
                    });
                }
                ast::Decl::Section(s) => {
                    let index = parts.sections.len();
                    parts.sections.push(Section {
                        id: id(&s.id),
                        title: text(&s.title),
                        span: s.span,
                    });
                    for item in &s.body.entries {
                        let item = self.item(&item.node, Some(index));
                        parts.items.push(item);
                    }
                }
                ast::Decl::Item(i) => {
                    let item = self.item(i, None);
                    parts.items.push(item);
                }
                ast::Decl::Penalty(p) => {
                    let penalty = self.penalty(p);
                    parts.penalties.push(penalty);
                }
                ast::Decl::Veto(v) => parts.vetoes.push(Veto {
                    id: id(&v.id),
                    text: text(&v.text),
                    at_most: id(&v.at_most),
                    when: v
                        .when
                        .iter()
                        .map(|r| ClauseRef {
                            item: id(&r.item),
                            clause: id(&r.clause),
                        })
                        .collect(),
                    span: v.span,
                }),
            }
        }
        parts
    }

    /// Records the first occurrence of a singleton; reports a repetition.
    /// Returns true for the first.
    fn first(&mut self, seen: &mut Option<Span>, span: Span, what: &str) -> bool {
        match seen {
            None => {
                *seen = Some(span);
                true
            }
            Some(first) => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::RepeatedDeclaration,
                        span,
                        format!("`{what}` is given twice"),
                    )
                    .with_related(*first, "first given here")
                    .with_help(format!("keep one `{what}`")),
                );
                false
            }
        }
    }

    fn amount(&mut self, number: &ast::Number) -> Amount {
        let value = match Decimal::from_str_exact(&number.text) {
            Ok(value) => value,
            Err(_) => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidNumber,
                        number.span,
                        format!(
                            "expected a number with at most 28 digits, found `{}`",
                            number.text
                        ),
                    )
                    .with_help("numbers are exact decimals of at most 28 significant digits"),
                );
                Decimal::ZERO
            }
        };
        let value = if number.percent {
            // Exact: dividing by 100 only moves the decimal point, unless the
            // scale is already at its limit; then it is refused, not rounded.
            match crate::exact::percent(value) {
                Some(v) => v,
                None => {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::InvalidNumber,
                            number.span,
                            format!(
                                "the percentage `{}%` has more decimal places than an exact decimal holds",
                                number.text
                            ),
                        )
                        .with_help("a percentage has at most 26 decimal places (a fraction of at most 28)"),
                    );
                    Decimal::ZERO
                }
            }
        } else {
            value
        };
        Amount {
            value,
            percent: number.percent,
            span: number.span,
        }
    }

    /// A weight, amount, cap, bound, total or grade threshold: points, never
    /// a percentage (only a `when below`/`when above` threshold may be one).
    fn points(&mut self, number: &ast::Number) -> Amount {
        if number.percent {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::InvalidNumber,
                    number.span,
                    format!(
                        "expected a number of points, found the percentage `{}%`",
                        number.text
                    ),
                )
                .with_help(
                    "only a threshold (`when below 50%`) is a percentage; write the number of points",
                ),
            );
        }
        self.amount(number)
    }

    fn rounding(&mut self, number: &ast::Number) -> u32 {
        match u32::from_str(&number.text) {
            // Reported here, where the number's place is known; the model
            // keeps no span for it. The value is kept so nothing else complains.
            Ok(n) if !number.percent && n > crate::check::MAX_ROUNDING => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidRounding,
                        number.span,
                        format!("`rounding {n}` asks for more decimals than a score can keep"),
                    )
                    .with_help(format!(
                        "use a `rounding` between 0 and {} (the default is 2)",
                        crate::check::MAX_ROUNDING
                    )),
                );
                n
            }
            Ok(n) if !number.percent => n,
            _ => {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidNumber,
                        number.span,
                        format!(
                            "expected a whole number of decimals, found `{}{}`",
                            number.text,
                            if number.percent { "%" } else { "" }
                        ),
                    )
                    .with_help("`rounding 2` keeps two decimals"),
                );
                DEFAULT_ROUNDING
            }
        }
    }

    fn limit(&mut self, limit: &ast::Limit) -> Limit {
        match limit {
            ast::Limit::Number(n) => Limit::Amount(self.points(n)),
            ast::Limit::ItemWeight(span) => Limit::ItemWeight(*span),
        }
    }

    fn item(&mut self, item: &ast::Item, section: Option<usize>) -> Item {
        let mut weight: Option<Amount> = None;
        let mut optional: Option<Span> = None;
        for attr in &item.attrs {
            match attr {
                ast::ItemAttr::Weight(n) => {
                    let amount = self.points(n);
                    let mut seen = weight.map(|w| w.span);
                    if self.first(&mut seen, n.span, "weight") {
                        weight = Some(amount);
                    }
                }
                ast::ItemAttr::Optional(span) => {
                    let mut seen = optional;
                    if self.first(&mut seen, *span, "optional") {
                        optional = Some(*span);
                    }
                }
            }
        }
        let mut lowered = Item {
            id: id(&item.id),
            title: text(&item.title),
            section,
            // A missing weight was reported by the parser.
            weight: weight.unwrap_or(Amount {
                value: Decimal::ZERO,
                percent: false,
                span: Span::at(item.title.span.end),
            }),
            optional: optional.is_some(),
            owners: Vec::new(),
            basis: Vec::new(),
            checks: Vec::new(),
            externals: Vec::new(),
            clauses: Vec::new(),
            span: item.span,
        };
        for entry in &item.body.entries {
            match &entry.node {
                ast::ItemEntry::Owner(list, _) => lowered.owners.extend(list.iter().map(text)),
                ast::ItemEntry::Basis(list, _) => lowered.basis.extend(list.iter().map(text)),
                ast::ItemEntry::Check(c) => lowered.checks.push(check(c)),
                ast::ItemEntry::External(e) => {
                    let weight = self.points(&e.weight);
                    lowered.externals.push(External {
                        id: id(&e.id),
                        title: text(&e.title),
                        weight,
                        by: e.by.iter().map(text).collect(),
                        span: e.span,
                    });
                }
                ast::ItemEntry::Clause(c) => {
                    let clause = self.clause(c);
                    lowered.clauses.push(clause);
                }
            }
        }
        lowered
    }

    fn penalty(&mut self, penalty: &ast::Penalty) -> Penalty {
        let cap = penalty.cap.as_ref().map(|n| self.points(n));
        let mut lowered = Penalty {
            id: id(&penalty.id),
            title: text(&penalty.title),
            cap,
            owners: Vec::new(),
            basis: Vec::new(),
            checks: Vec::new(),
            clauses: Vec::new(),
            span: penalty.span,
        };
        for entry in &penalty.body.entries {
            match &entry.node {
                ast::PenaltyEntry::Owner(list, _) => lowered.owners.extend(list.iter().map(text)),
                ast::PenaltyEntry::Basis(list, _) => lowered.basis.extend(list.iter().map(text)),
                ast::PenaltyEntry::Check(c) => lowered.checks.push(check(c)),
                ast::PenaltyEntry::Clause(c) => {
                    let clause = self.clause(c);
                    lowered.clauses.push(clause);
                }
            }
        }
        lowered
    }

    fn clause(&mut self, clause: &ast::Clause) -> Clause {
        let deduction = match &clause.deduction {
            ast::Deduction::Once { amount, cap } => Deduction::Once {
                amount: self.points(amount),
                cap: cap.as_ref().map(|c| self.limit(c)),
            },
            ast::Deduction::Per { amount, unit, cap } => Deduction::Per {
                amount: self.points(amount),
                unit: id(unit),
                cap: cap.as_ref().map(|c| self.limit(c)),
            },
            ast::Deduction::All { span } => Deduction::All { span: *span },
            ast::Deduction::UpTo { max } => Deduction::UpTo {
                max: self.limit(max),
            },
            ast::Deduction::Threshold {
                amount,
                op,
                threshold,
                ..
            } => Deduction::Threshold {
                amount: self.points(amount),
                op: *op,
                threshold: self.amount(threshold),
            },
        };
        Clause {
            id: id(&clause.id),
            text: text(&clause.text),
            deduction,
            owners: clause.owners.iter().map(text).collect(),
            span: clause.span,
        }
    }
}

fn id(name: &ast::Name) -> Id {
    Id {
        name: name.text.clone(),
        span: name.span,
    }
}

fn check(c: &ast::Check) -> CheckStep {
    CheckStep {
        text: text(&c.text),
        by: c.by.iter().map(text).collect(),
    }
}

fn text(s: &ast::Str) -> Text {
    Text {
        value: s.value.clone(),
        span: s.span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::LineIndex;
    use crate::syntax::parse;

    /// Lowers `input` (which must parse) and compares the lowering
    /// diagnostics, one per line as `LINE:COLUMN: CODE: MESSAGE`, with `expected`.
    fn check(input: &str, expected: &str) -> Rubric {
        let parsed = parse(input);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let (rubric, diagnostics) = lower(&parsed.file);
        let index = LineIndex::new(input);
        let rendered: Vec<String> = diagnostics
            .iter()
            .map(|d| {
                let p = index.position(d.span.start);
                format!("{}:{}: {}: {}", p.line, p.column, d.code, d.message)
            })
            .collect();
        assert_eq!(
            rendered.join("\n"),
            expected.trim(),
            "\nfor input:\n{input}"
        );
        rubric
    }

    #[test]
    fn defaults() {
        let r = check("rubric \"t\" {\n}", "");
        assert_eq!(r.rounding(), 2);
        assert_eq!(r.not_applicable(), NotApplicable::Rescale);
        assert_eq!(r.declared_total(), None);
        assert_eq!(r.units().len(), 1);
    }

    #[test]
    fn percentages_are_divided_by_100_exactly() {
        let r = check(
            "rubric \"t\" {\n item 1 \"i\" weight 1 {\n  clause a \"a\" deduct 0.5 when below 45.5%\n }\n}",
            "",
        );
        let clause = r
            .item("1")
            .and_then(|i| i.clause("a"))
            .map(|c| &c.deduction);
        let Some(Deduction::Threshold { threshold, .. }) = clause else {
            panic!("{clause:?}");
        };
        assert_eq!(threshold.value.to_string(), "0.455");
        assert!(threshold.percent);
    }

    #[test]
    fn rounding_too_large_is_reported_at_its_number() {
        check(
            "rubric \"t\" {\n rounding 11\n}",
            "2:11: E0215: `rounding 11` asks for more decimals than a score can keep",
        );
    }

    #[test]
    fn a_percentage_where_points_are_meant_is_refused() {
        check(
            "rubric \"t\" {\n total 100%\n grade a \"A\" at least 90%\n grade b \"B\"\n item 1 \"i\" weight 40% {\n  external e \"e\" weight 5%\n  clause a \"a\" deduct 10% per occurrence capped at 20%\n  clause b \"b\" deduct up to 5%\n  clause c \"c\" deduct 1% when below 50%\n }\n penalty 2 \"p\" capped at 3% {\n  clause a \"a\" deduct 1\n }\n}",
            "
2:8: E0104: expected a number of points, found the percentage `100%`
3:23: E0104: expected a number of points, found the percentage `90%`
5:20: E0104: expected a number of points, found the percentage `40%`
6:25: E0104: expected a number of points, found the percentage `5%`
7:23: E0104: expected a number of points, found the percentage `10%`
7:52: E0104: expected a number of points, found the percentage `20%`
8:29: E0104: expected a number of points, found the percentage `5%`
9:23: E0104: expected a number of points, found the percentage `1%`
11:26: E0104: expected a number of points, found the percentage `3%`",
        );
    }

    #[test]
    fn singletons_given_twice() {
        let r = check(
            "rubric \"t\" {\n total 3\n total 4\n version \"a\"\n version \"b\"\n rounding 1\n rounding 3\n not-applicable rescale\n not-applicable full-marks\n item 1 \"i\" weight 1 weight 2 optional optional {\n }\n}",
            "
3:2: E0108: `total` is given twice
5:2: E0108: `version` is given twice
7:2: E0108: `rounding` is given twice
9:2: E0108: `not-applicable` is given twice
10:29: E0108: `weight` is given twice
10:40: E0108: `optional` is given twice",
        );
        assert_eq!(
            r.declared_total().map(|t| t.value.to_string()),
            Some("3".into())
        );
        assert_eq!(r.version().map(|v| v.as_str()), Some("a"));
        assert_eq!(r.rounding(), 1);
        assert_eq!(r.not_applicable(), NotApplicable::Rescale);
        assert_eq!(
            r.items().first().map(|i| i.weight.value.to_string()),
            Some("1".into())
        );
    }

    #[test]
    fn numbers_the_model_cannot_hold() {
        check(
            "rubric \"t\" {\n total 99999999999999999999999999999\n rounding 4294967296\n}",
            "
2:8: E0104: expected a number with at most 28 digits, found `99999999999999999999999999999`
3:11: E0104: expected a whole number of decimals, found `4294967296`",
        );
    }

    #[test]
    fn penalties_keep_owners_basis_and_checks() {
        let r = check(
            "rubric \"t\" {\n penalty 39 \"p\" {\n  owner \"x\", \"y\"\n  clause a \"a\" deduct 1\n  owner \"z\"\n  basis \"b\"\n  check \"c\" by \"x\"\n }\n}",
            "",
        );
        let p = r.penalty("39").map(|p| {
            (
                p.owners.iter().map(Text::as_str).collect::<Vec<_>>(),
                p.basis.iter().map(Text::as_str).collect::<Vec<_>>(),
                p.checks
                    .iter()
                    .map(|c| (c.text.as_str(), c.by.len()))
                    .collect::<Vec<_>>(),
                p.clauses.len(),
            )
        });
        assert_eq!(p, Some((vec!["x", "y", "z"], vec!["b"], vec![("c", 1)], 1)));
    }

    #[test]
    fn rounding_keeps_where_its_value_was_written() {
        let source = "rubric \"t\" {\n rounding 3\n rounding 4\n}";
        let parsed = parse(source);
        let (r, _) = lower(&parsed.file);
        assert_eq!(r.rounding(), 3);
        let span = r.rounding_span().map(|s| &source[s.start..s.end]);
        assert_eq!(span, Some("3"));
        let (r, _) = lower(&parse("rubric \"t\" {\n}").file);
        assert_eq!(r.rounding_span(), None);
    }

    #[test]
    fn duplicates_are_kept_for_the_checker() {
        let r = check(
            "rubric \"t\" {\n unit u \"a\"\n unit u \"b\"\n item 1 \"i\" weight 1 { clause a \"a\" deduct 1 clause a \"b\" deduct 2 }\n item 1 \"j\" weight 2 {\n }\n}",
            "",
        );
        assert_eq!(r.units().len(), 3);
        assert_eq!(r.items().len(), 2);
        assert_eq!(r.items().first().map(|i| i.clauses.len()), Some(2));
    }
}
