//! Syntax tree → typed model.
//!
//! Lowering keeps everything the tree says, duplicates included, in source
//! order with spans: finding duplicates, unknown units and wrong values is
//! [`check`](crate::check)'s job. Lowering reports only what the model cannot
//! hold: a number too large for a decimal, a declaration given twice where
//! the model has room for one.

use super::{
    Amount, Bonus, CheckStep, Clause, ClauseForm, ClauseRef, Comparison, Condition, Deduction,
    Exclusive, External, Extra, ExtraWhen, Fact, Flag, Forms, Grade, GradeForm, Id, Item, ItemForm,
    Limit, NotApplicable, Part, Penalty, RatePoint, Rubric, RubricParts, Section, SectionForm,
    Shape, Text, Tier, Unit, Veto, VetoForm,
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
    let forms = std::mem::take(&mut lowering.forms);
    let mut rubric = Rubric::with_forms(parts, forms);
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
    /// What version 2 adds, built beside the parts.
    forms: Forms,
}

/// A singleton declaration already seen: where, to point at it from a repetition.
struct Seen {
    version: Option<Span>,
    total: Option<Span>,
    rounding: Option<Span>,
    not_applicable: Option<Span>,
    scoring: Option<Span>,
    scale: Option<Span>,
    ceiling: Option<Span>,
    levels: Option<Span>,
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
            scoring: None,
            scale: None,
            ceiling: None,
            levels: None,
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
                        self.forms.not_applicable_span = Some(*span);
                    }
                }
                ast::Decl::Unit(u) => parts.units.push(Unit {
                    id: id(&u.id),
                    label: text(&u.label),
                    builtin: false,
                }),
                ast::Decl::Grade(g) => {
                    let at_least = g.at_least.as_ref().map(|n| self.points(n));
                    let at_most = g.at_most.as_ref().map(|n| self.points(n));
                    parts.grades.push(Grade {
                        id: id(&g.id),
                        label: text(&g.label),
                        at_least,
                    });
                    self.forms.grades.push(GradeForm { at_most });
                }
                ast::Decl::Section(s) => self.section(s, &mut parts),
                ast::Decl::Item(i) => {
                    let item = self.item(i, None);
                    parts.items.push(item);
                }
                ast::Decl::Penalty(p) => {
                    let (penalty, forms) = self.penalty(p);
                    parts.penalties.push(penalty);
                    self.forms.penalties.push(forms);
                }
                ast::Decl::Bonus(b) => {
                    let (p, forms) = self.penalty(b);
                    self.forms.bonuses.push(Bonus {
                        id: p.id,
                        title: p.title,
                        cap: p.cap,
                        owners: p.owners,
                        basis: p.basis,
                        checks: p.checks,
                        clauses: p.clauses,
                        forms,
                        span: p.span,
                    });
                }
                ast::Decl::Veto(v) => {
                    let (when, condition) = match &v.when {
                        Some(c) => {
                            let condition = self.condition(c);
                            let refs: Vec<ClauseRef> = condition
                                .parts
                                .iter()
                                .filter_map(|p| match p {
                                    Part::Clause(r) => Some(r.clone()),
                                    _ => None,
                                })
                                .collect();
                            let plain = !condition.all && refs.len() == condition.parts.len();
                            (refs, (!plain).then_some(condition))
                        }
                        None => (Vec::new(), None),
                    };
                    parts.vetoes.push(Veto {
                        id: id(&v.id),
                        text: text(&v.text),
                        at_most: match &v.at_most {
                            Some(g) => id(g),
                            None => Id {
                                name: String::new(),
                                span: v.score_zero.unwrap_or(v.id.span),
                            },
                        },
                        when,
                        span: v.span,
                    });
                    self.forms.vetoes.push(VetoForm {
                        caps_grade: v.at_most.is_some(),
                        score_zero: v.score_zero,
                        condition,
                    });
                }
                ast::Decl::Scoring(scoring, value, span) => {
                    if self.first(&mut seen.scoring, *span, "scoring") {
                        self.forms.scoring = *scoring;
                        self.forms.scoring_span = Some(*value);
                    }
                }
                ast::Decl::Scale(n, span) => {
                    let amount = self.points(n);
                    if self.first(&mut seen.scale, *span, "scale") {
                        self.forms.scale = Some(amount);
                    }
                }
                ast::Decl::Ceiling(n, span) => {
                    let amount = self.points(n);
                    if self.first(&mut seen.ceiling, *span, "ceiling") {
                        self.forms.ceiling = Some(amount);
                    }
                }
                ast::Decl::Levels(list, span) => {
                    if self.first(&mut seen.levels, *span, "levels") {
                        self.forms.levels = list.iter().map(text).collect();
                        self.forms.levels_span = Some(*span);
                    }
                }
                ast::Decl::Fact(f) => {
                    let default = f.default.as_ref().map(|n| self.amount(n));
                    self.forms.facts.push(Fact {
                        id: id(&f.id),
                        text: text(&f.text),
                        default,
                        span: f.span,
                    });
                }
                ast::Decl::Flag(f) => {
                    let when = self.condition(&f.when);
                    self.forms.flags.push(Flag {
                        id: id(&f.id),
                        text: text(&f.text),
                        when,
                        span: f.span,
                    });
                }
                ast::Decl::Exclusive(e) => self.forms.exclusive.push(Exclusive {
                    text: text(&e.text),
                    clauses: e.clauses.iter().map(clause_ref).collect(),
                    span: e.span,
                }),
            }
        }
        parts
    }

    /// A section and everything inside it, in source order. Sections nest
    /// at most `MAX_SECTION_DEPTH` deep (the parser skips deeper ones); the
    /// walk keeps its own stack all the same.
    fn section(&mut self, top: &ast::Section, parts: &mut RubricParts) {
        type Entries<'t> = std::slice::Iter<'t, ast::Entry<ast::SectionEntry>>;
        let first = self.open_section(top, None, parts);
        let mut stack: Vec<(usize, Entries<'_>)> = vec![(first, top.body.entries.iter())];
        loop {
            let (index, entry) = match stack.last_mut() {
                None => break,
                Some((index, entries)) => (*index, entries.next()),
            };
            match entry.map(|e| &e.node) {
                None => {
                    stack.pop();
                }
                Some(ast::SectionEntry::Item(item)) => {
                    let item = self.item(item, Some(index));
                    parts.items.push(item);
                }
                Some(ast::SectionEntry::Section(inner)) => {
                    let nested = self.open_section(inner, Some(index), parts);
                    stack.push((nested, inner.body.entries.iter()));
                }
            }
        }
    }

    fn open_section(
        &mut self,
        s: &ast::Section,
        parent: Option<usize>,
        parts: &mut RubricParts,
    ) -> usize {
        let index = parts.sections.len();
        parts.sections.push(Section {
            id: id(&s.id),
            title: text(&s.title),
            span: s.span,
        });
        let weight = s.weight.as_ref().map(|n| self.points(n));
        self.forms.sections.push(SectionForm { weight, parent });
        index
    }

    fn condition(&mut self, c: &ast::Condition) -> Condition {
        let parts = c
            .parts
            .iter()
            .map(|p| match p {
                ast::CondPart::Clause(r) => Part::Clause(clause_ref(r)),
                ast::CondPart::Tagged(span, tag) => Part::Tagged {
                    tag: id(tag),
                    span: span.to(tag.span),
                },
                ast::CondPart::Compare {
                    left, op, value, ..
                } => {
                    let value = self.amount(value);
                    if left.text == "score" {
                        Part::Score {
                            op: *op,
                            value,
                            span: left.span.to(value.span),
                        }
                    } else {
                        Part::Fact {
                            fact: id(left),
                            op: *op,
                            value,
                        }
                    }
                }
            })
            .collect();
        Condition {
            all: c.all.is_some(),
            parts,
            span: c.span,
        }
    }

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
            // scale is already at its limit.
            match value.checked_div(Decimal::ONE_HUNDRED) {
                Some(v) => v,
                None => Decimal::ZERO,
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
        let mut clause_forms = Vec::new();
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
                    let (clause, form) = self.clause(c);
                    lowered.clauses.push(clause);
                    clause_forms.push(form);
                }
            }
        }
        self.forms.items.push(ItemForm {
            weighted: weight.is_some(),
            clauses: clause_forms,
        });
        lowered
    }

    fn penalty(&mut self, penalty: &ast::Penalty) -> (Penalty, Vec<ClauseForm>) {
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
        let mut forms = Vec::new();
        for entry in &penalty.body.entries {
            match &entry.node {
                ast::PenaltyEntry::Owner(list, _) => lowered.owners.extend(list.iter().map(text)),
                ast::PenaltyEntry::Basis(list, _) => lowered.basis.extend(list.iter().map(text)),
                ast::PenaltyEntry::Check(c) => lowered.checks.push(check(c)),
                ast::PenaltyEntry::Clause(c) => {
                    let (clause, form) = self.clause(c);
                    lowered.clauses.push(clause);
                    forms.push(form);
                }
            }
        }
        (lowered, forms)
    }

    fn clause(&mut self, clause: &ast::Clause) -> (Clause, ClauseForm) {
        let mut shape = None;
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
            ast::Deduction::Levels {
                amounts, unit, cap, ..
            } => {
                let amounts: Vec<Amount> = amounts.iter().map(|a| self.points(a)).collect();
                let stand_in = stand_in(amounts.first().copied(), clause);
                shape = Some(Shape::Levels {
                    amounts,
                    unit: unit.as_ref().map(id),
                    cap: cap.as_ref().map(|c| self.limit(c)),
                });
                stand_in
            }
            ast::Deduction::Rate {
                amount,
                steps,
                step,
                op,
                threshold,
                target,
                cap,
                ..
            } => {
                let amount = self.points(amount);
                let point = match (threshold, target) {
                    (Some(p), _) => RatePoint::Fixed(self.amount(p)),
                    (None, Some(span)) => RatePoint::Target(*span),
                    (None, None) => RatePoint::Target(clause.span),
                };
                shape = Some(Shape::Rate {
                    amount,
                    step: step.as_ref().map(|s| self.amount(s)),
                    steps: *steps,
                    op: *op,
                    threshold: point,
                    cap: cap.as_ref().map(|c| self.limit(c)),
                });
                stand_in(Some(amount), clause)
            }
            ast::Deduction::Tiers { tiers } => {
                let op = tiers.first().map_or(Comparison::Below, |t| t.op);
                if let Some(mixed) = tiers.iter().find(|t| t.op != op) {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::TiersNotOrdered,
                            mixed.op_span,
                            format!(
                                "this tier says `{}` where the first tier says `{}`",
                                mixed.op.as_str(),
                                op.as_str()
                            ),
                        )
                        .with_help("tiers are all `when below` (thresholds ascending) or all `when above` (thresholds descending)"),
                    );
                }
                let tiers: Vec<Tier> = tiers
                    .iter()
                    .map(|t| Tier {
                        amount: self.points(&t.amount),
                        threshold: self.amount(&t.threshold),
                    })
                    .collect();
                let stand_in = stand_in(tiers.first().map(|t| t.amount), clause);
                shape = Some(Shape::Tiers { op, tiers });
                stand_in
            }
            ast::Deduction::Range {
                min,
                max,
                per_occurrence,
                cap,
            } => {
                let min = self.points(min);
                let max = self.points(max);
                shape = Some(Shape::Range {
                    min,
                    max,
                    per_occurrence: *per_occurrence,
                    cap: cap.as_ref().map(|c| self.limit(c)),
                });
                stand_in(Some(min), clause)
            }
            ast::Deduction::Exhausted { span } => {
                shape = Some(Shape::Exhausted { span: *span });
                stand_in(None, clause)
            }
        };
        let extra = clause.extra.as_ref().map(|e| Extra {
            amount: self.points(&e.amount),
            when: if e.exhausted.is_some() {
                ExtraWhen::Exhausted
            } else {
                ExtraWhen::Deducts
            },
            span: e.span,
        });
        let form = ClauseForm {
            verb: clause.verb,
            verb_span: clause.verb_span,
            shape,
            extra,
            tags: clause.tags.iter().map(id).collect(),
        };
        (
            Clause {
                id: id(&clause.id),
                text: text(&clause.text),
                deduction,
                owners: clause.owners.iter().map(text).collect(),
                span: clause.span,
            },
            form,
        )
    }
}

/// The `deduction` a clause of a version 2 shape carries for readers that
/// know only version 1: `Once` of its first amount (or zero), never evaluated.
fn stand_in(amount: Option<Amount>, clause: &ast::Clause) -> Deduction {
    Deduction::Once {
        amount: amount.unwrap_or(Amount {
            value: Decimal::ZERO,
            percent: false,
            span: Span::at(clause.span.start),
        }),
        cap: None,
    }
}

fn clause_ref(r: &ast::ClauseRef) -> ClauseRef {
    ClauseRef {
        item: id(&r.item),
        clause: id(&r.clause),
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
