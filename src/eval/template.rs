//! A findings file to fill in (`rubric template`): every clause and
//! external of every item and penalty, with values that trigger nothing.
//!
//! Fed back unchanged, the template is valid input and scores full marks:
//! once and `per` clauses get `"count": 0` (checked, not found),
//! discretionary clauses `"amount": "0"`, threshold clauses the threshold
//! itself as their `value` (not strictly below nor above it, so nothing is
//! deducted), and externals their full weight as `score`.
//!
//! The forms of version 2: level tables get `"level": 1, "count": 0`; rate
//! clauses their threshold as `value` (a gap of zero), or, measured from
//! `target`, a `value` equal to the `target`; tiered clauses the last
//! threshold, which no tier's test passes; bonus clauses are listed like
//! penalty clauses, and every fact gets its default (or 0) as `value`.
//! Ranges (`deduct A to B`) are left out, since any amount they take
//! deducts, and so are `extra … when exhausted` clauses, which take no
//! findings.

use crate::model::{Amount, ClauseForm, Deduction, RatePoint, Rubric, Shape};
use crate::report::plain;
use serde::Serialize;

#[derive(Serialize)]
struct Template<'r> {
    subject: &'static str,
    findings: Vec<Entry<'r>>,
}

#[derive(Serialize)]
struct Entry<'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    clause: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fact: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<String>,
}

/// An amount as a finding writes it: `"50%"` for a percentage.
fn written(amount: &Amount) -> String {
    if amount.percent {
        format!(
            "{}%",
            plain(
                amount
                    .value
                    .saturating_mul(rust_decimal::Decimal::ONE_HUNDRED)
            )
        )
    } else {
        plain(amount.value)
    }
}

impl<'r> Entry<'r> {
    fn empty() -> Entry<'r> {
        Entry {
            item: None,
            clause: None,
            external: None,
            fact: None,
            level: None,
            count: None,
            amount: None,
            value: None,
            target: None,
            score: None,
        }
    }

    /// The entry of a clause of a version 2 shape; `None` for the shapes
    /// that take no finding that deducts nothing.
    fn shaped(item: &'r str, clause: &'r str, shape: &Shape) -> Option<Entry<'r>> {
        let mut entry = Entry {
            item: Some(item),
            clause: Some(clause),
            ..Entry::empty()
        };
        match shape {
            Shape::Levels { .. } => {
                entry.level = Some(1);
                entry.count = Some(0);
            }
            Shape::Rate {
                threshold, step, ..
            } => match threshold {
                RatePoint::Fixed(p) => entry.value = Some(written(p)),
                RatePoint::Target(_) => {
                    let zero = if step.is_some_and(|s| s.percent) {
                        "0%"
                    } else {
                        "0"
                    };
                    entry.value = Some(zero.into());
                    entry.target = Some(zero.into());
                }
            },
            Shape::Tiers { tiers, .. } => entry.value = Some(written(&tiers.last()?.threshold)),
            Shape::Range { .. } | Shape::Exhausted { .. } => return None,
        }
        Some(entry)
    }

    fn clause(item: &'r str, clause: &'r str, deduction: &Deduction) -> Entry<'r> {
        let mut entry = Entry {
            item: Some(item),
            clause: Some(clause),
            ..Entry::empty()
        };
        match deduction {
            Deduction::Once { .. } | Deduction::All { .. } | Deduction::Per { .. } => {
                entry.count = Some(0);
            }
            Deduction::UpTo { .. } => entry.amount = Some("0".into()),
            Deduction::Threshold { threshold, .. } => entry.value = Some(written(threshold)),
        }
        entry
    }

    /// The entry of a clause with its version 2 form (none for a clause
    /// that takes no finding that deducts nothing).
    fn of(
        item: &'r str,
        clause: &'r str,
        deduction: &Deduction,
        form: Option<&ClauseForm>,
    ) -> Option<Entry<'r>> {
        match form.and_then(|f| f.shape.as_ref()) {
            Some(shape) => Entry::shaped(item, clause, shape),
            None => Some(Entry::clause(item, clause, deduction)),
        }
    }
}

/// The findings template of a rubric as pretty-printed JSON.
pub fn template(rubric: &Rubric) -> String {
    let mut findings = Vec::new();
    let forms = rubric.forms();
    for (i, item) in rubric.items().iter().enumerate() {
        let id = item.id.as_str();
        let item_forms = rubric
            .item_form(i)
            .map_or(&[][..], |f| f.clauses.as_slice());
        for (c, clause) in item.clauses.iter().enumerate() {
            findings.extend(Entry::of(
                id,
                clause.id.as_str(),
                &clause.deduction,
                item_forms.get(c),
            ));
        }
        for external in &item.externals {
            findings.push(Entry {
                item: Some(id),
                external: Some(external.id.as_str()),
                score: Some(plain(external.weight.value)),
                ..Entry::empty()
            });
        }
    }
    for (p, penalty) in rubric.penalties().iter().enumerate() {
        let penalty_forms = forms.penalties.get(p).map_or(&[][..], Vec::as_slice);
        for (c, clause) in penalty.clauses.iter().enumerate() {
            findings.extend(Entry::of(
                penalty.id.as_str(),
                clause.id.as_str(),
                &clause.deduction,
                penalty_forms.get(c),
            ));
        }
    }
    for bonus in rubric.bonuses() {
        for (c, clause) in bonus.clauses.iter().enumerate() {
            findings.extend(Entry::of(
                bonus.id.as_str(),
                clause.id.as_str(),
                &clause.deduction,
                bonus.forms.get(c),
            ));
        }
    }
    for fact in rubric.facts() {
        findings.push(Entry {
            fact: Some(fact.id.as_str()),
            value: Some(
                fact.default
                    .as_ref()
                    .map_or_else(|| "0".to_owned(), written),
            ),
            ..Entry::empty()
        });
    }
    let template = Template {
        subject: "",
        findings,
    };
    let mut json = serde_json::to_string_pretty(&template).unwrap_or_default();
    json.push('\n');
    json
}
