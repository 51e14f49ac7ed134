//! A findings file to fill in (`rubric template`): every clause and
//! external of every item and penalty, with values that trigger nothing.
//!
//! Fed back unchanged, the template is valid input and scores full marks:
//! once and `per` clauses get `"count": 0` (checked, not found),
//! discretionary clauses `"amount": "0"`, threshold clauses the threshold
//! itself as their `value` (not strictly below nor above it, so nothing is
//! deducted), and externals their full weight as `score`.

use crate::model::{Deduction, Rubric};
use crate::report::plain;
use serde::Serialize;

#[derive(Serialize)]
struct Template<'r> {
    subject: &'static str,
    findings: Vec<Entry<'r>>,
}

#[derive(Serialize)]
struct Entry<'r> {
    item: &'r str,
    #[serde(skip_serializing_if = "Option::is_none")]
    clause: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<String>,
}

impl<'r> Entry<'r> {
    fn clause(item: &'r str, clause: &'r str, deduction: &Deduction) -> Entry<'r> {
        let mut entry = Entry {
            item,
            clause: Some(clause),
            external: None,
            count: None,
            amount: None,
            value: None,
            score: None,
        };
        match deduction {
            Deduction::Once { .. } | Deduction::All { .. } | Deduction::Per { .. } => {
                entry.count = Some(0);
            }
            Deduction::UpTo { .. } => entry.amount = Some("0".into()),
            Deduction::Threshold { threshold, .. } => {
                entry.value = Some(if threshold.percent {
                    format!(
                        "{}%",
                        plain(
                            threshold
                                .value
                                .saturating_mul(rust_decimal::Decimal::ONE_HUNDRED)
                        )
                    )
                } else {
                    plain(threshold.value)
                });
            }
        }
        entry
    }
}

/// The findings template of a rubric as pretty-printed JSON.
pub fn template(rubric: &Rubric) -> String {
    let mut findings = Vec::new();
    for item in rubric.items() {
        let id = item.id.as_str();
        for clause in &item.clauses {
            findings.push(Entry::clause(id, clause.id.as_str(), &clause.deduction));
        }
        for external in &item.externals {
            findings.push(Entry {
                item: id,
                clause: None,
                external: Some(external.id.as_str()),
                count: None,
                amount: None,
                value: None,
                score: Some(plain(external.weight.value)),
            });
        }
    }
    for penalty in rubric.penalties() {
        for clause in &penalty.clauses {
            findings.push(Entry::clause(
                penalty.id.as_str(),
                clause.id.as_str(),
                &clause.deduction,
            ));
        }
    }
    let template = Template {
        subject: "",
        findings,
    };
    let mut json = serde_json::to_string_pretty(&template).unwrap_or_default();
    json.push('\n');
    json
}
