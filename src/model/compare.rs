//! Comparing rubrics by what they say, not where they say it.
//!
//! The formatter's soundness check and the tests share this: two sources
//! mean the same rubric when their models are equal once every span is
//! cleared.

use super::{CheckStep, Deduction, Id, Limit, Rubric, Text};
use crate::span::Span;

impl Rubric {
    /// A copy with every span cleared, for comparisons that ignore layout.
    pub fn without_spans(&self) -> Rubric {
        let mut r = self.clone();
        r.span = Span::default();
        r.rounding_span = None;
        clear_text(&mut r.title);
        if let Some(v) = r.version.as_mut() {
            clear_text(v);
        }
        if let Some(t) = r.total.as_mut() {
            t.span = Span::default();
        }
        for u in &mut r.units {
            clear_id(&mut u.id);
            clear_text(&mut u.label);
        }
        for g in &mut r.grades {
            clear_id(&mut g.id);
            clear_text(&mut g.label);
            if let Some(a) = g.at_least.as_mut() {
                a.span = Span::default();
            }
        }
        for s in &mut r.sections {
            clear_id(&mut s.id);
            clear_text(&mut s.title);
            s.span = Span::default();
        }
        for i in &mut r.items {
            clear_id(&mut i.id);
            clear_text(&mut i.title);
            i.weight.span = Span::default();
            i.owners.iter_mut().for_each(clear_text);
            i.basis.iter_mut().for_each(clear_text);
            i.checks.iter_mut().for_each(clear_check);
            for e in &mut i.externals {
                clear_id(&mut e.id);
                clear_text(&mut e.title);
                e.weight.span = Span::default();
                e.by.iter_mut().for_each(clear_text);
                e.span = Span::default();
            }
            i.clauses.iter_mut().for_each(clear_clause);
            i.span = Span::default();
        }
        for p in &mut r.penalties {
            clear_id(&mut p.id);
            clear_text(&mut p.title);
            if let Some(c) = p.cap.as_mut() {
                c.span = Span::default();
            }
            p.owners.iter_mut().for_each(clear_text);
            p.basis.iter_mut().for_each(clear_text);
            p.checks.iter_mut().for_each(clear_check);
            p.clauses.iter_mut().for_each(clear_clause);
            p.span = Span::default();
        }
        for v in &mut r.vetoes {
            clear_id(&mut v.id);
            clear_text(&mut v.text);
            clear_id(&mut v.at_most);
            for w in &mut v.when {
                clear_id(&mut w.item);
                clear_id(&mut w.clause);
            }
            v.span = Span::default();
        }
        clear_forms(&mut r.forms);
        r
    }

    /// Everything the rubric says, without spans, as text: equal texts mean
    /// equal rubrics. Also readable in a test failure.
    pub fn span_free_text(&self) -> String {
        let r = self.without_spans();
        format!(
            "title: {:?}\nversion: {:?}\ntotal: {:?}\nnot_applicable: {:?}\nrounding: {}\nunits: {:#?}\ngrades: {:#?}\nsections: {:#?}\nitems: {:#?}\npenalties: {:#?}\nvetoes: {:#?}\n",
            r.title.value,
            r.version.as_ref().map(|v| &v.value),
            r.total.as_ref().map(|t| (t.value, t.percent)),
            r.not_applicable,
            r.rounding,
            r.units,
            r.grades,
            r.sections,
            r.items,
            r.penalties,
            r.vetoes,
        ) + &if r.is_v1() {
            String::new()
        } else {
            format!("forms: {:#?}\n", r.forms)
        }
    }

    /// True when both rubrics say the same thing, wherever they say it.
    pub fn same_ignoring_spans(&self, other: &Rubric) -> bool {
        let (a, b) = (self.without_spans(), other.without_spans());
        a.title == b.title
            && a.version == b.version
            && a.total == b.total
            && a.not_applicable == b.not_applicable
            && a.rounding == b.rounding
            && a.units == b.units
            && a.grades == b.grades
            && a.sections == b.sections
            && a.items == b.items
            && a.penalties == b.penalties
            && a.vetoes == b.vetoes
            && ((a.is_v1() && b.is_v1()) || a.forms == b.forms)
    }
}

fn clear_id(id: &mut Id) {
    id.span = Span::default();
}

fn clear_text(text: &mut Text) {
    text.span = Span::default();
}

fn clear_check(check: &mut CheckStep) {
    clear_text(&mut check.text);
    check.by.iter_mut().for_each(clear_text);
}

fn clear_limit(limit: &mut Limit) {
    match limit {
        Limit::Amount(a) => a.span = Span::default(),
        Limit::ItemWeight(span) => *span = Span::default(),
    }
}

fn clear_clause(clause: &mut super::Clause) {
    clear_id(&mut clause.id);
    clear_text(&mut clause.text);
    clause.owners.iter_mut().for_each(clear_text);
    clause.span = Span::default();
    match &mut clause.deduction {
        Deduction::Once { amount, cap } | Deduction::Per { amount, cap, .. } => {
            amount.span = Span::default();
            if let Some(c) = cap.as_mut() {
                clear_limit(c);
            }
        }
        Deduction::All { span } => *span = Span::default(),
        Deduction::UpTo { max } => clear_limit(max),
        Deduction::Threshold {
            amount, threshold, ..
        } => {
            amount.span = Span::default();
            threshold.span = Span::default();
        }
    }
    if let Deduction::Per { unit, .. } = &mut clause.deduction {
        clear_id(unit);
    }
}

fn clear_amount(amount: &mut super::Amount) {
    amount.span = Span::default();
}

fn clear_condition(c: &mut super::Condition) {
    use super::Part;
    c.span = Span::default();
    for part in &mut c.parts {
        match part {
            Part::Clause(r) => {
                clear_id(&mut r.item);
                clear_id(&mut r.clause);
            }
            Part::Tagged { tag, span } => {
                clear_id(tag);
                *span = Span::default();
            }
            Part::Fact { fact, value, .. } => {
                clear_id(fact);
                clear_amount(value);
            }
            Part::Score { value, span, .. } => {
                clear_amount(value);
                *span = Span::default();
            }
        }
    }
}

fn clear_clause_form(form: &mut super::ClauseForm) {
    use super::{RatePoint, Shape};
    form.verb_span = Span::default();
    form.tags.iter_mut().for_each(clear_id);
    if let Some(extra) = form.extra.as_mut() {
        clear_amount(&mut extra.amount);
        extra.span = Span::default();
    }
    match form.shape.as_mut() {
        None => {}
        Some(Shape::Rate {
            amount,
            step,
            threshold,
            cap,
            ..
        }) => {
            clear_amount(amount);
            if let Some(step) = step.as_mut() {
                clear_amount(step);
            }
            match threshold {
                RatePoint::Fixed(p) => clear_amount(p),
                RatePoint::Target(span) => *span = Span::default(),
            }
            if let Some(c) = cap.as_mut() {
                clear_limit(c);
            }
        }
        Some(Shape::Levels { amounts, unit, cap }) => {
            amounts.iter_mut().for_each(clear_amount);
            if let Some(u) = unit.as_mut() {
                clear_id(u);
            }
            if let Some(c) = cap.as_mut() {
                clear_limit(c);
            }
        }
        Some(Shape::Tiers { tiers, .. }) => {
            for t in tiers {
                clear_amount(&mut t.amount);
                clear_amount(&mut t.threshold);
            }
        }
        Some(Shape::Range {
            min,
            max,
            per_occurrence,
            cap,
        }) => {
            clear_amount(min);
            clear_amount(max);
            if let Some(p) = per_occurrence.as_mut() {
                *p = Span::default();
            }
            if let Some(c) = cap.as_mut() {
                clear_limit(c);
            }
        }
        Some(Shape::Exhausted { span }) => *span = Span::default(),
    }
}

/// Clears every span of the version 2 forms.
fn clear_forms(f: &mut super::Forms) {
    f.scoring_span = None;
    f.not_applicable_span = None;
    f.levels_span = None;
    if let Some(a) = f.scale.as_mut() {
        clear_amount(a);
    }
    if let Some(a) = f.ceiling.as_mut() {
        clear_amount(a);
    }
    f.levels.iter_mut().for_each(clear_text);
    for fact in &mut f.facts {
        clear_id(&mut fact.id);
        clear_text(&mut fact.text);
        if let Some(d) = fact.default.as_mut() {
            clear_amount(d);
        }
        fact.span = Span::default();
    }
    for s in &mut f.sections {
        if let Some(w) = s.weight.as_mut() {
            clear_amount(w);
        }
    }
    for g in &mut f.grades {
        if let Some(a) = g.at_most.as_mut() {
            clear_amount(a);
        }
    }
    for i in &mut f.items {
        i.clauses.iter_mut().for_each(clear_clause_form);
    }
    f.penalties.iter_mut().flatten().for_each(clear_clause_form);
    for b in &mut f.bonuses {
        clear_id(&mut b.id);
        clear_text(&mut b.title);
        if let Some(c) = b.cap.as_mut() {
            clear_amount(c);
        }
        b.owners.iter_mut().for_each(clear_text);
        b.basis.iter_mut().for_each(clear_text);
        b.checks.iter_mut().for_each(clear_check);
        b.clauses.iter_mut().for_each(clear_clause);
        b.forms.iter_mut().for_each(clear_clause_form);
        b.span = Span::default();
    }
    for v in &mut f.vetoes {
        if let Some(s) = v.score_zero.as_mut() {
            *s = Span::default();
        }
        if let Some(c) = v.condition.as_mut() {
            clear_condition(c);
        }
    }
    for flag in &mut f.flags {
        clear_id(&mut flag.id);
        clear_text(&mut flag.text);
        clear_condition(&mut flag.when);
        flag.span = Span::default();
    }
    for e in &mut f.exclusive {
        clear_text(&mut e.text);
        for r in &mut e.clauses {
            clear_id(&mut r.item);
            clear_id(&mut r.clause);
        }
        e.span = Span::default();
    }
}
