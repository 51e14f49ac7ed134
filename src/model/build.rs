//! Building rubrics in code, without source text: for tests, generators of
//! synthetic rubrics, and programs that assemble rubrics from other data.
//!
//! Every span is empty. A rubric built this way is not validated; run
//! [`check`](crate::check::check) on it when it comes from untrusted data.
//!
//! ```
//! use rubric::model::build::{amount, clause, item, once, per, rubric};
//!
//! let r = rubric("考核细则")
//!     .item(item("2.1", "学习", 4).owner("县委宣传部")
//!         .clause(clause("a", "未纳入", once(2)))
//!         .clause(clause("c", "不清楚", per(1, "person"))))
//!     .finish();
//! assert_eq!(r.items().len(), 1);
//! assert_eq!(amount("0.5").value.to_string(), "0.5");
//! ```

use super::{
    Amount, CheckStep, Clause, Comparison, Deduction, External, Grade, Id, Item, Limit,
    NotApplicable, Penalty, Rubric, RubricParts, Text, Unit, Veto,
};
use crate::span::Span;
use rust_decimal::Decimal;
use std::str::FromStr;

/// A value that can become an exact amount: an integer, a [`Decimal`], or
/// decimal text such as `"0.5"` or `"50%"`.
pub trait IntoAmount {
    /// The amount.
    fn into_amount(self) -> Amount;
}

impl IntoAmount for Amount {
    fn into_amount(self) -> Amount {
        self
    }
}

impl IntoAmount for Decimal {
    fn into_amount(self) -> Amount {
        Amount {
            value: self,
            percent: false,
            span: Span::default(),
        }
    }
}

impl IntoAmount for i64 {
    fn into_amount(self) -> Amount {
        Decimal::from(self).into_amount()
    }
}

impl IntoAmount for i32 {
    fn into_amount(self) -> Amount {
        Decimal::from(self).into_amount()
    }
}

impl IntoAmount for u32 {
    fn into_amount(self) -> Amount {
        Decimal::from(self).into_amount()
    }
}

impl IntoAmount for &str {
    /// Decimal text; `%` at the end divides by 100. Text that is not a
    /// decimal gives zero (the checker refuses a zero amount).
    fn into_amount(self) -> Amount {
        let (text, percent) = match self.strip_suffix('%') {
            Some(number) => (number, true),
            None => (self, false),
        };
        let value = Decimal::from_str(text).unwrap_or_default();
        Amount {
            value: if percent {
                value / Decimal::ONE_HUNDRED
            } else {
                value
            },
            percent,
            span: Span::default(),
        }
    }
}

/// An amount from an integer, a decimal or decimal text.
pub fn amount(value: impl IntoAmount) -> Amount {
    value.into_amount()
}

/// An id without a span.
pub fn id(name: impl Into<String>) -> Id {
    Id {
        name: name.into(),
        span: Span::default(),
    }
}

/// A text without a span.
pub fn text(value: impl Into<String>) -> Text {
    Text {
        value: value.into(),
        span: Span::default(),
    }
}

/// `deduct A`.
pub fn once(a: impl IntoAmount) -> Deduction {
    Deduction::Once {
        amount: a.into_amount(),
        cap: None,
    }
}

/// `deduct all`.
pub fn all() -> Deduction {
    Deduction::All {
        span: Span::default(),
    }
}

/// `deduct A per UNIT`.
pub fn per(a: impl IntoAmount, unit: &str) -> Deduction {
    Deduction::Per {
        amount: a.into_amount(),
        unit: id(unit),
        cap: None,
    }
}

/// `deduct up to M`.
pub fn up_to(max: impl IntoAmount) -> Deduction {
    Deduction::UpTo {
        max: Limit::Amount(max.into_amount()),
    }
}

/// `deduct up to item weight`.
pub fn up_to_item_weight() -> Deduction {
    Deduction::UpTo {
        max: Limit::ItemWeight(Span::default()),
    }
}

/// `deduct A when below P`.
pub fn below(a: impl IntoAmount, threshold: impl IntoAmount) -> Deduction {
    Deduction::Threshold {
        amount: a.into_amount(),
        op: Comparison::Below,
        threshold: threshold.into_amount(),
    }
}

/// `deduct A when above P`.
pub fn above(a: impl IntoAmount, threshold: impl IntoAmount) -> Deduction {
    Deduction::Threshold {
        amount: a.into_amount(),
        op: Comparison::Above,
        threshold: threshold.into_amount(),
    }
}

/// Adds `capped at C` to a once or per deduction (other shapes are returned unchanged).
pub fn capped(deduction: Deduction, cap: impl IntoAmount) -> Deduction {
    with_cap(deduction, Limit::Amount(cap.into_amount()))
}

/// Adds `capped at item weight` to a once or per deduction.
pub fn capped_at_item_weight(deduction: Deduction) -> Deduction {
    with_cap(deduction, Limit::ItemWeight(Span::default()))
}

fn with_cap(deduction: Deduction, limit: Limit) -> Deduction {
    match deduction {
        Deduction::Once { amount, .. } => Deduction::Once {
            amount,
            cap: Some(limit),
        },
        Deduction::Per { amount, unit, .. } => Deduction::Per {
            amount,
            unit,
            cap: Some(limit),
        },
        other => other,
    }
}

/// A clause.
pub fn clause(clause_id: &str, condition: &str, deduction: Deduction) -> Clause {
    Clause {
        id: id(clause_id),
        text: text(condition),
        deduction,
        owners: Vec::new(),
        span: Span::default(),
    }
}

/// Adds a clause owner.
pub fn clause_owner(mut clause: Clause, owner: &str) -> Clause {
    clause.owners.push(text(owner));
    clause
}

/// An item under construction.
#[derive(Debug, Clone)]
pub struct ItemBuilder(Item);

/// An item of weight `weight`, without clauses yet.
pub fn item(item_id: &str, title: &str, weight: impl IntoAmount) -> ItemBuilder {
    ItemBuilder(Item {
        id: id(item_id),
        title: text(title),
        section: None,
        weight: weight.into_amount(),
        optional: false,
        owners: Vec::new(),
        basis: Vec::new(),
        checks: Vec::new(),
        externals: Vec::new(),
        clauses: Vec::new(),
        span: Span::default(),
    })
}

impl ItemBuilder {
    /// Marks the item `optional`.
    #[must_use]
    pub fn optional(mut self) -> Self {
        self.0.optional = true;
        self
    }
    /// Adds an owner.
    #[must_use]
    pub fn owner(mut self, owner: &str) -> Self {
        self.0.owners.push(text(owner));
        self
    }
    /// Adds a basis.
    #[must_use]
    pub fn basis(mut self, basis: &str) -> Self {
        self.0.basis.push(text(basis));
        self
    }
    /// Adds a check step.
    #[must_use]
    pub fn check(mut self, what: &str, by: &[&str]) -> Self {
        self.0.checks.push(CheckStep {
            text: text(what),
            by: by.iter().map(|b| text(*b)).collect(),
        });
        self
    }
    /// Adds a clause.
    #[must_use]
    pub fn clause(mut self, clause: Clause) -> Self {
        self.0.clauses.push(clause);
        self
    }
    /// Adds an external part.
    #[must_use]
    pub fn external(mut self, external_id: &str, title: &str, weight: impl IntoAmount) -> Self {
        self.0.externals.push(External {
            id: id(external_id),
            title: text(title),
            weight: weight.into_amount(),
            by: Vec::new(),
            span: Span::default(),
        });
        self
    }
    /// The item.
    pub fn finish(self) -> Item {
        self.0
    }
}

/// A penalty.
pub fn penalty(
    penalty_id: &str,
    title: &str,
    cap: Option<Amount>,
    clauses: Vec<Clause>,
) -> Penalty {
    Penalty {
        id: id(penalty_id),
        title: text(title),
        cap,
        owners: Vec::new(),
        basis: Vec::new(),
        checks: Vec::new(),
        clauses,
        span: Span::default(),
    }
}

/// A veto allowing at most grade `at_most`, triggered by the listed `ITEM/CLAUSE`s.
pub fn veto(veto_id: &str, what: &str, at_most: &str, when: &[(&str, &str)]) -> Veto {
    Veto {
        id: id(veto_id),
        text: text(what),
        at_most: id(at_most),
        when: when
            .iter()
            .map(|(item, clause)| super::ClauseRef {
                item: id(*item),
                clause: id(*clause),
            })
            .collect(),
        span: Span::default(),
    }
}

/// A rubric under construction (`rounding` 2, `rescale`, no total).
#[derive(Debug, Clone)]
pub struct RubricBuilder(RubricParts, super::Forms);

/// A rubric titled `title`.
pub fn rubric(title: &str) -> RubricBuilder {
    RubricBuilder(
        RubricParts {
            title: text(title),
            rounding: 2,
            ..RubricParts::default()
        },
        super::Forms::default(),
    )
}

impl RubricBuilder {
    /// Sets `version`.
    #[must_use]
    pub fn version(mut self, version: &str) -> Self {
        self.0.version = Some(text(version));
        self
    }
    /// Sets `total`.
    #[must_use]
    pub fn total(mut self, total: impl IntoAmount) -> Self {
        self.0.total = Some(total.into_amount());
        self
    }
    /// Sets `not-applicable`.
    #[must_use]
    pub fn not_applicable(mut self, mode: NotApplicable) -> Self {
        self.0.not_applicable = mode;
        self
    }
    /// Sets `rounding`.
    #[must_use]
    pub fn rounding(mut self, decimals: u32) -> Self {
        self.0.rounding = decimals;
        self
    }
    /// Declares a unit.
    #[must_use]
    pub fn unit(mut self, unit_id: &str, label: &str) -> Self {
        self.0.units.push(Unit {
            id: id(unit_id),
            label: text(label),
            builtin: false,
        });
        self
    }
    /// Adds a grade band (best first); `None` for the last band.
    #[must_use]
    pub fn grade(mut self, grade_id: &str, label: &str, at_least: Option<Amount>) -> Self {
        self.0.grades.push(Grade {
            id: id(grade_id),
            label: text(label),
            at_least,
        });
        self
    }
    /// Adds an item.
    #[must_use]
    pub fn item(mut self, item: ItemBuilder) -> Self {
        self.0.items.push(item.finish());
        self
    }
    /// Adds a penalty.
    #[must_use]
    pub fn penalty(mut self, penalty: Penalty) -> Self {
        self.0.penalties.push(penalty);
        self
    }
    /// Adds a veto.
    #[must_use]
    pub fn veto(mut self, veto: Veto) -> Self {
        self.0.vetoes.push(veto);
        self
    }
    /// Sets the version 2 forms (see [`Forms`](super::Forms)); its side
    /// lists follow the order of the sections, grades, items, penalties and
    /// vetoes added to this builder.
    #[must_use]
    pub fn forms(mut self, forms: super::Forms) -> Self {
        self.1 = forms;
        self
    }
    /// The rubric.
    pub fn finish(self) -> Rubric {
        Rubric::with_forms(self.0, self.1)
    }
}
