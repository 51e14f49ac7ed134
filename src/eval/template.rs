//! A findings file to fill in (`rubric template`): every clause and
//! external of every item and penalty, with values that trigger nothing.
//!
//! Fed back unchanged, the template is valid input and scores full marks:
//! once and `per` clauses get `"count": 0` (checked, not found),
//! discretionary clauses `"amount": "0"`, threshold clauses the threshold
//! itself as their `value` (not strictly below nor above it, so nothing is
//! deducted), and externals their full weight as `score`. Each entry also
//! carries the clause's `text` and its `rule` in words as reading aids,
//! which evaluation ignores.

use crate::model::{Clause, Deduction, External, Rubric};
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
    /// A reading aid: the clause's text (or the external's title).
    text: &'r str,
    /// A reading aid: the clause's rule in words (每家扣0.3分，最多扣2分).
    rule: String,
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
    fn clause(rubric: &Rubric, item: &'r str, clause: &'r Clause) -> Entry<'r> {
        let deduction = &clause.deduction;
        let mut entry = Entry {
            item,
            clause: Some(clause.id.as_str()),
            external: None,
            text: clause.text.as_str(),
            rule: crate::export::rule_in_words(rubric, deduction),
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

/// An external's rule in words: who scores it, and out of how much.
fn external_rule(external: &External) -> String {
    let by: Vec<&str> = external.by.iter().map(|b| b.as_str()).collect();
    let weight = plain(external.weight.value);
    if by.is_empty() {
        format!("直接评分，满分 {weight} 分")
    } else {
        format!("由{}直接评分，满分 {weight} 分", by.join("、"))
    }
}

/// The findings template of a rubric as pretty-printed JSON.
pub fn template(rubric: &Rubric) -> String {
    let mut findings = Vec::new();
    for item in rubric.items() {
        let id = item.id.as_str();
        for clause in &item.clauses {
            findings.push(Entry::clause(rubric, id, clause));
        }
        for external in &item.externals {
            findings.push(Entry {
                item: id,
                clause: None,
                external: Some(external.id.as_str()),
                text: external.title.as_str(),
                rule: external_rule(external),
                count: None,
                amount: None,
                value: None,
                score: Some(plain(external.weight.value)),
            });
        }
    }
    for penalty in rubric.penalties() {
        for clause in &penalty.clauses {
            findings.push(Entry::clause(rubric, penalty.id.as_str(), clause));
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
