//! The baseline of the evaluation benchmark: the final score computed
//! straight from the rules of spec section 5, as someone would write it by
//! hand next to `serde_json`, with none of the evaluator's work on errors,
//! warnings, attribution, notes or the report.
//!
//! It assumes valid findings (no error checks at all) and gives the exact
//! final score before rounding, which the benchmark compares with the
//! report's `score_exact` before timing anything.

#![allow(dead_code)] // Each benchmark uses part of it.

use rubric::eval::Findings;
use rubric::model::{Comparison, Deduction, NotApplicable, Target};
use rubric::Rubric;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

#[derive(Default)]
struct Found<'f> {
    bare: u64,
    count: u64,
    entities: HashSet<&'f str>,
    amount: Decimal,
    value: Option<Decimal>,
}

/// The final score, exact (not rounded).
pub fn direct_score(rubric: &Rubric, findings: &Findings) -> Decimal {
    let items = rubric.items();
    let mut not_applicable = vec![false; items.len()];
    let mut external_scores = vec![Decimal::ZERO; items.len()];
    // Keyed by (is a penalty, index, clause id).
    let mut clauses: HashMap<(bool, usize, &str), Found<'_>> = HashMap::new();
    for finding in &findings.findings {
        let Some(target) = finding.item.as_deref().and_then(|id| rubric.target(id)) else {
            continue; // a veto: it changes the grade, not the score
        };
        if let Target::Item(i) = target {
            if finding.not_applicable {
                not_applicable[i] = true;
                continue;
            }
            if let Some(score) = finding.score {
                external_scores[i] += score;
                continue;
            }
        }
        let Some(clause) = finding.clause.as_deref() else {
            continue;
        };
        let key = match target {
            Target::Item(i) => (false, i, clause),
            Target::Penalty(p) => (true, p, clause),
        };
        let found = clauses.entry(key).or_default();
        if let Some(count) = finding.count {
            found.count += count;
        }
        if let Some(names) = &finding.entities {
            found.entities.extend(names.iter().map(String::as_str));
        }
        if finding.count.is_none() && finding.entities.is_none() {
            // Found, with nothing counted: once, or one counted thing.
            found.bare += 1;
        }
        if let Some(amount) = finding.amount {
            found.amount = amount;
        }
        if finding.value.is_some() {
            found.value = finding.value;
        }
    }

    let mut item_deductions = vec![Decimal::ZERO; items.len()];
    let mut penalty_deductions = vec![Decimal::ZERO; rubric.penalties().len()];
    for (&(is_penalty, index, clause_id), found) in &clauses {
        let (clause, clause_weight, sum) = if !is_penalty {
            let i = index;
            (
                items[i].clause(clause_id),
                items[i].clause_weight(),
                &mut item_deductions[i],
            )
        } else {
            (
                rubric.penalties()[index].clause(clause_id),
                Decimal::ZERO,
                &mut penalty_deductions[index],
            )
        };
        let Some(clause) = clause else { continue };
        let n = Decimal::from(found.bare + found.count + found.entities.len() as u64);
        let hit = !n.is_zero();
        let deduction = match &clause.deduction {
            Deduction::All { .. } if hit => clause_weight,
            Deduction::Once { amount, cap } if hit => match cap {
                Some(cap) => amount.value.min(cap.resolve(clause_weight)),
                None => amount.value,
            },
            Deduction::Per { amount, cap, .. } => match cap {
                Some(cap) => (amount.value * n).min(cap.resolve(clause_weight)),
                None => amount.value * n,
            },
            Deduction::UpTo { .. } => found.amount,
            Deduction::Threshold {
                amount,
                op,
                threshold,
            } => match (found.value, op) {
                (Some(v), Comparison::Below) if v < threshold.value => amount.value,
                (Some(v), Comparison::Above) if v > threshold.value => amount.value,
                _ => Decimal::ZERO,
            },
            _ => Decimal::ZERO,
        };
        *sum += deduction;
    }

    let mut raw = Decimal::ZERO;
    let mut applicable_weight = Decimal::ZERO;
    let mut not_applicable_weight = Decimal::ZERO;
    for (i, item) in items.iter().enumerate() {
        if not_applicable[i] {
            not_applicable_weight += item.weight.value;
            continue;
        }
        let clause_weight = item.clause_weight();
        raw += clause_weight - item_deductions[i].min(clause_weight) + external_scores[i];
        applicable_weight += item.weight.value;
    }
    let scaled = match rubric.not_applicable() {
        NotApplicable::Rescale => raw * rubric.total() / applicable_weight,
        NotApplicable::FullMarks => raw + not_applicable_weight,
    };
    let penalties: Decimal = rubric
        .penalties()
        .iter()
        .zip(&penalty_deductions)
        .map(|(penalty, &d)| match &penalty.cap {
            Some(cap) => d.min(cap.value),
            None => d,
        })
        .sum();
    (scaled - penalties).max(Decimal::ZERO)
}
