//! A clause's rule in words, for every form of the language: what the
//! inspector's workbook, the findings template and the printed 评分表 show
//! beside each clause ("扣 0.3 分/家，最多扣 2 分", "每低 1% 扣 0.5 分（不足 1% 按
//! 1% 计）", "一般 1 分、较大 3 分、重大 6 分/处", "酌情扣 0.5—2 分").

use super::rule_in_words;
use crate::model::{
    Amount, Clause, ClauseForm, Comparison, ExtraWhen, Limit, RatePoint, Rubric, Shape, Steps, Verb,
};
use rust_decimal::Decimal;

fn show(value: Decimal) -> String {
    value.normalize().to_string()
}

fn show_amount(amount: &Amount) -> String {
    if amount.percent {
        format!(
            "{}%",
            show(amount.value.saturating_mul(Decimal::ONE_HUNDRED))
        )
    } else {
        show(amount.value)
    }
}

/// The rule of a clause in words, with its form (`None` for a version 1
/// clause, which [`rule_in_words`] describes).
pub fn clause_rule(rubric: &Rubric, clause: &Clause, form: Option<&ClauseForm>) -> String {
    let verb = match form.map(|f| f.verb) {
        Some(Verb::Add) => "加",
        Some(Verb::Points) => "记",
        _ => "扣",
    };
    let cap = |cap: &Option<Limit>| match cap {
        Some(Limit::Amount(c)) => format!("，最多{verb} {} 分", show(c.value)),
        Some(Limit::ItemWeight(_)) => "，扣完本项分值为止".to_owned(),
        None => String::new(),
    };
    let unit_label = |unit: &str| {
        rubric
            .unit(unit)
            .map_or_else(|| unit.to_owned(), |u| u.label.as_str().to_owned())
    };
    let mut words = match form.and_then(|f| f.shape.as_ref()) {
        None => {
            let words = rule_in_words(rubric, &clause.deduction);
            if verb == "扣" {
                words
            } else {
                words.replace('扣', verb)
            }
        }
        Some(Shape::Rate {
            amount,
            step,
            steps,
            op,
            threshold,
            cap: limit,
        }) => {
            let (side, each) = match op {
                Comparison::Below => ("低于", "每低"),
                Comparison::Above => ("高于", "每高"),
            };
            let point = match threshold {
                RatePoint::Fixed(p) => show_amount(p),
                RatePoint::Target(_) => "目标值".to_owned(),
            };
            let step_words = step.as_ref().map_or_else(|| "1".to_owned(), show_amount);
            let rounding = match steps {
                Steps::Exact => String::new(),
                Steps::Full => format!("（不足 {step_words} 不计）"),
                Steps::Started => format!("（不足 {step_words} 按 {step_words} 计）"),
            };
            format!(
                "{side} {point} 时{each} {step_words} {verb} {} 分{rounding}{}",
                show(amount.value),
                cap(limit)
            )
        }
        Some(Shape::Levels {
            amounts,
            unit,
            cap: limit,
        }) => {
            let per = unit
                .as_ref()
                .map(|u| format!("/{}", unit_label(u.as_str())))
                .unwrap_or_default();
            let levels = &rubric.forms().levels;
            let list: Vec<String> = amounts
                .iter()
                .enumerate()
                .map(|(k, a)| {
                    let name = levels
                        .get(k)
                        .map_or_else(|| format!("{} 级", k + 1), |l| l.as_str().to_owned());
                    format!("{name} {} 分{per}", show(a.value))
                })
                .collect();
            format!("按等级{verb}分：{}{}", list.join("、"), cap(limit))
        }
        Some(Shape::Tiers { op, tiers }) => {
            let side = match op {
                Comparison::Below => "低于",
                Comparison::Above => "高于",
            };
            tiers
                .iter()
                .map(|t| {
                    format!(
                        "{side} {} {verb} {} 分",
                        show_amount(&t.threshold),
                        show(t.amount.value)
                    )
                })
                .collect::<Vec<_>>()
                .join("；")
        }
        Some(Shape::Range {
            min,
            max,
            per_occurrence,
            cap: limit,
        }) => {
            let each = if per_occurrence.is_some() {
                "视情况每次"
            } else {
                "酌情"
            };
            format!(
                "{each}{verb} {}—{} 分{}",
                show(min.value),
                show(max.value),
                cap(limit)
            )
        }
        Some(Shape::Exhausted { .. }) => String::new(),
    };
    if let Some(extra) = form.and_then(|f| f.extra.as_ref()) {
        let amount = show(extra.amount.value);
        let more = match extra.when {
            ExtraWhen::Deducts => format!("并追加扣除 {amount} 分"),
            ExtraWhen::Exhausted => format!("扣满本项分值的，追加扣除 {amount} 分"),
        };
        if words.is_empty() {
            words = more;
        } else {
            words.push('，');
            words.push_str(&more);
        }
    }
    words
}
