//! The rubric as JSON (spec section 7.1), and as a printable checklist
//! (评分表) in Markdown and CSV.
//!
//! The JSON form is a stable contract, so it is written out key by key here
//! rather than derived from the model. Decimals are strings holding the value
//! without trailing zeros (`2.50` → `"2.5"`, `50%` → `"0.5"`): the export
//! carries values, not notation. [`from_json`] reads the same form back.

use crate::model::{
    Amount, Bonus, CheckStep, Clause, ClauseForm, ClausePlace, ClauseRef, CompareOp, Comparison,
    Condition, Deduction, Exclusive, External, Extra, ExtraWhen, Fact, Flag, Forms, Grade,
    GradeForm, Id, Item, ItemForm, Limit, NotApplicable, Owner, Part, Penalty, RatePoint, Rubric,
    RubricParts, Scoring, Section, SectionForm, Shape, Steps, Text, Tier, Unit, Verb, Veto,
    VetoForm, OCCURRENCE,
};
use crate::span::Span;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::str::FromStr;

// --- JSON ------------------------------------------------------------------

/// The rubric in the JSON form of spec section 7.1: everything the source
/// says except comments and layout; lists in source order, absent values `null`.
pub fn to_json(rubric: &Rubric) -> Value {
    serde_json::to_value(RubricJson::new(rubric)).unwrap_or(Value::Null)
}

/// [`to_json`] as indented text, with the keys in the order of spec
/// section 7.1, ending with a newline.
pub fn to_json_pretty(rubric: &Rubric) -> String {
    // Serializing plain structs of strings, numbers and lists cannot fail.
    let mut text = serde_json::to_string_pretty(&RubricJson::new(rubric)).unwrap_or_default();
    text.push('\n');
    text
}

// The export form, field by field in the order of spec section 7.1. Kept
// apart from the model so that the contract cannot change by accident.

// The keys of spec section 9.4 are written only for a rubric that uses a
// form of language version 2 (`skip_serializing_if`), so a version 1 rubric
// exports exactly as it always has; for a version 2 rubric each of them is
// present, `null` when absent.

/// A key of spec section 9.4: `None` leaves it out (a version 1 rubric).
type V2<T> = Option<T>;

#[derive(Serialize)]
struct RubricJson<'r> {
    title: &'r str,
    version: Option<&'r str>,
    total: Option<String>,
    not_applicable: &'static str,
    rounding: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    scoring: V2<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scale: V2<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ceiling: V2<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    levels: V2<Vec<&'r str>>,
    units: Vec<UnitJson<'r>>,
    grades: Vec<GradeJson<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    facts: V2<Vec<FactJson<'r>>>,
    sections: Vec<SectionJson<'r>>,
    items: Vec<ItemJson<'r>>,
    penalties: Vec<PenaltyJson<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bonuses: V2<Vec<PenaltyJson<'r>>>,
    vetoes: Vec<VetoJson<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flags: V2<Vec<FlagJson<'r>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exclusive: V2<Vec<ExclusiveJson<'r>>>,
}

#[derive(Serialize)]
struct FactJson<'r> {
    id: &'r str,
    text: &'r str,
    default: Option<String>,
}

#[derive(Serialize)]
struct FlagJson<'r> {
    id: &'r str,
    text: &'r str,
    when: Vec<String>,
    all: bool,
}

#[derive(Serialize)]
struct ExclusiveJson<'r> {
    text: &'r str,
    clauses: Vec<String>,
}

#[derive(Serialize)]
struct TierJson {
    amount: String,
    op: &'static str,
    threshold: String,
}

#[derive(Serialize)]
struct UnitJson<'r> {
    id: &'r str,
    label: &'r str,
}

#[derive(Serialize)]
struct GradeJson<'r> {
    id: &'r str,
    label: &'r str,
    at_least: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at_most: V2<Option<String>>,
}

#[derive(Serialize)]
struct SectionJson<'r> {
    id: &'r str,
    title: &'r str,
    #[serde(skip_serializing_if = "Option::is_none")]
    weight: V2<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: V2<Option<&'r str>>,
}

#[derive(Serialize)]
struct ItemJson<'r> {
    id: &'r str,
    title: &'r str,
    section: Option<&'r str>,
    // `null` for an item of a points rubric, which has no weight.
    weight: Option<String>,
    optional: bool,
    owners: Vec<&'r str>,
    basis: Vec<&'r str>,
    checks: Vec<CheckJson<'r>>,
    externals: Vec<ExternalJson<'r>>,
    clauses: Vec<ClauseJson<'r>>,
}

#[derive(Serialize)]
struct CheckJson<'r> {
    text: &'r str,
    by: Vec<&'r str>,
}

#[derive(Serialize)]
struct ExternalJson<'r> {
    id: &'r str,
    title: &'r str,
    weight: String,
    by: Vec<&'r str>,
}

// `owners`, `basis` and `checks` are additions to spec section 7.1, in the
// place and shape they have in an item.
#[derive(Serialize)]
struct PenaltyJson<'r> {
    id: &'r str,
    title: &'r str,
    cap: Option<String>,
    owners: Vec<&'r str>,
    basis: Vec<&'r str>,
    checks: Vec<CheckJson<'r>>,
    clauses: Vec<ClauseJson<'r>>,
}

#[derive(Serialize)]
struct VetoJson<'r> {
    id: &'r str,
    text: &'r str,
    // `null` for a veto that only says `score 0`.
    at_most: Option<&'r str>,
    when: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    all: V2<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score_zero: V2<bool>,
}

#[derive(Serialize)]
struct ClauseJson<'r> {
    id: &'r str,
    text: &'r str,
    shape: &'static str,
    amount: Option<String>,
    unit: Option<&'r str>,
    cap: Option<String>,
    max: Option<String>,
    op: Option<&'static str>,
    threshold: Option<String>,
    owners: Vec<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verb: V2<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra: V2<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra_when: V2<Option<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: V2<Vec<&'r str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: V2<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    steps: V2<Option<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amounts: V2<Option<Vec<String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tiers: V2<Option<Vec<TierJson>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: V2<Option<String>>,
}

impl<'r> RubricJson<'r> {
    fn new(rubric: &'r Rubric) -> RubricJson<'r> {
        let sections = rubric.sections();
        let v2 = !rubric.is_v1();
        let forms = rubric.forms();
        let place = |owner: Owner, clause: usize| ClausePlace { owner, clause };
        RubricJson {
            title: rubric.title().as_str(),
            version: rubric.version().map(Text::as_str),
            total: rubric.declared_total().map(|t| decimal(t.value)),
            not_applicable: rubric.not_applicable().as_str(),
            rounding: rubric.rounding(),
            scoring: v2.then(|| rubric.scoring().as_str()),
            scale: v2.then(|| forms.scale.map(|a| decimal(a.value))),
            ceiling: v2.then(|| forms.ceiling.map(|a| decimal(a.value))),
            levels: v2.then(|| texts(&forms.levels)),
            units: rubric
                .units()
                .iter()
                .map(|u| UnitJson {
                    id: u.id.as_str(),
                    label: u.label.as_str(),
                })
                .collect(),
            grades: rubric
                .grades()
                .iter()
                .enumerate()
                .map(|(index, g)| GradeJson {
                    id: g.id.as_str(),
                    label: g.label.as_str(),
                    at_least: g.at_least.map(|a| decimal(a.value)),
                    at_most: v2.then(|| rubric.grade_form(index).at_most.map(|a| decimal(a.value))),
                })
                .collect(),
            facts: v2.then(|| {
                rubric
                    .facts()
                    .iter()
                    .map(|f| FactJson {
                        id: f.id.as_str(),
                        text: f.text.as_str(),
                        default: f.default.map(|d| decimal(d.value)),
                    })
                    .collect()
            }),
            sections: sections
                .iter()
                .enumerate()
                .map(|(index, s)| {
                    let form = rubric.section_form(index);
                    SectionJson {
                        id: s.id.as_str(),
                        title: s.title.as_str(),
                        weight: v2.then(|| form.weight.map(|w| decimal(w.value))),
                        parent: v2.then(|| {
                            form.parent
                                .and_then(|p| sections.get(p))
                                .map(|p| p.id.as_str())
                        }),
                    }
                })
                .collect(),
            items: rubric
                .items()
                .iter()
                .enumerate()
                .map(|(index, i)| ItemJson {
                    id: i.id.as_str(),
                    title: i.title.as_str(),
                    section: i
                        .section
                        .and_then(|s| sections.get(s))
                        .map(|s| s.id.as_str()),
                    weight: rubric.item_weighted(index).then(|| decimal(i.weight.value)),
                    optional: i.optional,
                    owners: texts(&i.owners),
                    basis: texts(&i.basis),
                    checks: checks(&i.checks),
                    externals: i
                        .externals
                        .iter()
                        .map(|e| ExternalJson {
                            id: e.id.as_str(),
                            title: e.title.as_str(),
                            weight: decimal(e.weight.value),
                            by: texts(&e.by),
                        })
                        .collect(),
                    clauses: i
                        .clauses
                        .iter()
                        .enumerate()
                        .map(|(c, clause)| {
                            let form = v2.then(|| rubric.clause_form(place(Owner::Item(index), c)));
                            ClauseJson::new(clause, form)
                        })
                        .collect(),
                })
                .collect(),
            penalties: rubric
                .penalties()
                .iter()
                .enumerate()
                .map(|(index, p)| PenaltyJson {
                    id: p.id.as_str(),
                    title: p.title.as_str(),
                    cap: p.cap.map(|c| decimal(c.value)),
                    owners: texts(&p.owners),
                    basis: texts(&p.basis),
                    checks: checks(&p.checks),
                    clauses: p
                        .clauses
                        .iter()
                        .enumerate()
                        .map(|(c, clause)| {
                            let form =
                                v2.then(|| rubric.clause_form(place(Owner::Penalty(index), c)));
                            ClauseJson::new(clause, form)
                        })
                        .collect(),
                })
                .collect(),
            bonuses: v2.then(|| {
                rubric
                    .bonuses()
                    .iter()
                    .enumerate()
                    .map(|(index, b)| PenaltyJson {
                        id: b.id.as_str(),
                        title: b.title.as_str(),
                        cap: b.cap.map(|c| decimal(c.value)),
                        owners: texts(&b.owners),
                        basis: texts(&b.basis),
                        checks: checks(&b.checks),
                        clauses: b
                            .clauses
                            .iter()
                            .enumerate()
                            .map(|(c, clause)| {
                                let form = rubric.clause_form(place(Owner::Bonus(index), c));
                                ClauseJson::new(clause, Some(form))
                            })
                            .collect(),
                    })
                    .collect()
            }),
            vetoes: rubric
                .vetoes()
                .iter()
                .enumerate()
                .map(|(index, v)| {
                    let form = rubric.veto_form(index);
                    let when = match &form.condition {
                        Some(c) => c.parts.iter().map(condition_text).collect(),
                        None => v
                            .when
                            .iter()
                            .map(|r| format!("{}/{}", r.item.as_str(), r.clause.as_str()))
                            .collect(),
                    };
                    VetoJson {
                        id: v.id.as_str(),
                        text: v.text.as_str(),
                        at_most: form.caps_grade.then(|| v.at_most.as_str()),
                        when,
                        all: v2.then(|| form.condition.as_ref().is_some_and(|c| c.all)),
                        score_zero: v2.then_some(form.score_zero.is_some()),
                    }
                })
                .collect(),
            flags: v2.then(|| {
                rubric
                    .flags()
                    .iter()
                    .map(|f| FlagJson {
                        id: f.id.as_str(),
                        text: f.text.as_str(),
                        when: f.when.parts.iter().map(condition_text).collect(),
                        all: f.when.all,
                    })
                    .collect()
            }),
            exclusive: v2.then(|| {
                rubric
                    .exclusive_groups()
                    .iter()
                    .map(|e| ExclusiveJson {
                        text: e.text.as_str(),
                        clauses: e
                            .clauses
                            .iter()
                            .map(|r| format!("{}/{}", r.item.as_str(), r.clause.as_str()))
                            .collect(),
                    })
                    .collect()
            }),
        }
    }
}

/// A condition part in canonical form: `2.1/a`, `tagged hazard`,
/// `deaths >= 1`, `score < 60`; numbers as exact decimals (50% is `0.5`).
fn condition_text(part: &Part) -> String {
    match part {
        Part::Clause(r) => format!("{}/{}", r.item.as_str(), r.clause.as_str()),
        Part::Tagged { tag, .. } => format!("tagged {}", tag.as_str()),
        Part::Fact { fact, op, value } => {
            format!("{} {} {}", fact.as_str(), op.as_str(), decimal(value.value))
        }
        Part::Score { op, value, .. } => format!("score {} {}", op.as_str(), decimal(value.value)),
    }
}

/// The text of `item weight` wherever a limit may be the item's weight.
const ITEM_WEIGHT: &str = "item weight";

impl<'r> ClauseJson<'r> {
    /// `form` is `None` for a clause of a version 1 rubric: the keys of
    /// spec section 9.4 are then left out.
    fn new(clause: &'r Clause, form: Option<&'r ClauseForm>) -> ClauseJson<'r> {
        let mut json = ClauseJson {
            id: clause.id.as_str(),
            text: clause.text.as_str(),
            shape: clause.deduction.shape(),
            amount: None,
            unit: None,
            cap: None,
            max: None,
            op: None,
            threshold: None,
            owners: texts(&clause.owners),
            verb: None,
            extra: None,
            extra_when: None,
            tags: None,
            step: None,
            steps: None,
            amounts: None,
            tiers: None,
            min: None,
        };
        if let Some(form) = form {
            json.verb = Some(form.verb.as_str());
            json.extra = Some(form.extra.map(|e| decimal(e.amount.value)));
            json.extra_when = Some(form.extra.map(|e| e.when.as_str()));
            json.tags = Some(form.tags.iter().map(Id::as_str).collect());
            json.step = Some(None);
            json.steps = Some(None);
            json.amounts = Some(None);
            json.tiers = Some(None);
            json.min = Some(None);
        }
        match form.and_then(|f| f.shape.as_ref()) {
            Some(Shape::Rate {
                amount,
                step,
                steps,
                op,
                threshold,
                cap,
            }) => {
                json.shape = "rate";
                json.amount = Some(decimal(amount.value));
                json.op = Some(op.as_str());
                json.threshold = Some(match threshold {
                    RatePoint::Fixed(p) => decimal(p.value),
                    RatePoint::Target(_) => "target".to_owned(),
                });
                json.cap = cap.as_ref().map(limit);
                json.step = Some(step.map(|s| decimal(s.value)));
                json.steps = Some(Some(steps.as_str()));
                return json;
            }
            Some(Shape::Levels { amounts, unit, cap }) => {
                json.shape = "levels";
                json.unit = unit.as_ref().map(Id::as_str);
                json.cap = cap.as_ref().map(limit);
                json.amounts = Some(Some(amounts.iter().map(|a| decimal(a.value)).collect()));
                return json;
            }
            Some(Shape::Tiers { op, tiers }) => {
                json.shape = "tiers";
                json.tiers = Some(Some(
                    tiers
                        .iter()
                        .map(|t| TierJson {
                            amount: decimal(t.amount.value),
                            op: op.as_str(),
                            threshold: decimal(t.threshold.value),
                        })
                        .collect(),
                ));
                return json;
            }
            Some(Shape::Range {
                min,
                max,
                per_occurrence,
                cap,
            }) => {
                json.shape = "range";
                json.min = Some(Some(decimal(min.value)));
                json.max = Some(decimal(max.value));
                json.unit = per_occurrence.map(|_| OCCURRENCE);
                json.cap = cap.as_ref().map(limit);
                return json;
            }
            Some(Shape::Exhausted { .. }) => {
                json.shape = "exhausted";
                return json;
            }
            None => {}
        }
        match &clause.deduction {
            Deduction::Once { amount, cap } => {
                json.amount = Some(decimal(amount.value));
                json.cap = cap.as_ref().map(limit);
            }
            Deduction::All { .. } => json.amount = Some("all".to_owned()),
            Deduction::Per { amount, unit, cap } => {
                json.amount = Some(decimal(amount.value));
                json.unit = Some(unit.as_str());
                json.cap = cap.as_ref().map(limit);
            }
            Deduction::UpTo { max } => json.max = Some(limit(max)),
            Deduction::Threshold {
                amount,
                op,
                threshold,
            } => {
                json.amount = Some(decimal(amount.value));
                json.op = Some(op.as_str());
                json.threshold = Some(decimal(threshold.value));
            }
        }
        json
    }
}

fn limit(limit: &Limit) -> String {
    match limit {
        Limit::Amount(a) => decimal(a.value),
        Limit::ItemWeight(_) => ITEM_WEIGHT.to_owned(),
    }
}

/// A decimal as a string, without trailing zeros.
fn decimal(value: Decimal) -> String {
    value.normalize().to_string()
}

fn texts(list: &[Text]) -> Vec<&str> {
    list.iter().map(Text::as_str).collect()
}

fn checks(list: &[CheckStep]) -> Vec<CheckJson<'_>> {
    list.iter()
        .map(|c| CheckJson {
            text: c.text.as_str(),
            by: texts(&c.by),
        })
        .collect()
}

/// Reads the JSON form of [`to_json`] back into a rubric.
///
/// The result equals the exported rubric except for what the JSON form does
/// not hold: spans (all empty) and whether a number was written as a
/// percentage (`50%` comes back as `0.5`). Decimals may be strings or JSON
/// numbers. Unknown keys are refused, like in findings. The rubric is not
/// validated: run [`check`](crate::check::check) on it.
pub fn from_json(value: &Value) -> Result<Rubric, String> {
    let root = Object::new(value, "")?;
    root.only(&[
        "title",
        "version",
        "total",
        "not_applicable",
        "rounding",
        "scoring",
        "scale",
        "ceiling",
        "levels",
        "units",
        "grades",
        "facts",
        "sections",
        "items",
        "penalties",
        "bonuses",
        "vetoes",
        "flags",
        "exclusive",
    ])?;
    // The keys of spec section 9.4 are read when present.
    let mut forms = Forms::default();
    if root.has("scoring") {
        forms.scoring = match root.str("scoring")? {
            "deductions" => Scoring::Deductions,
            "points" => Scoring::Points,
            other => {
                return Err(format!(
                    "scoring: expected `deductions` or `points`, found `{other}`"
                ))
            }
        };
    }
    if root.has("scale") {
        forms.scale = root.optional_amount("scale")?;
    }
    if root.has("ceiling") {
        forms.ceiling = root.optional_amount("ceiling")?;
    }
    if root.has("levels") {
        forms.levels = root.texts("levels")?;
    }
    if root.has("facts") {
        forms.facts = root.list("facts", |o| {
            o.only(&["id", "text", "default"])?;
            Ok(Fact {
                id: o.id("id")?,
                text: o.text("text")?,
                default: o.optional_amount("default")?,
                span: Span::default(),
            })
        })?;
    }
    let not_applicable = match root.str("not_applicable")? {
        "rescale" => NotApplicable::Rescale,
        "full-marks" => NotApplicable::FullMarks,
        other => {
            return Err(format!(
                "not_applicable: expected `rescale` or `full-marks`, found `{other}`"
            ))
        }
    };
    let rounding = match root.get("rounding")? {
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| format!("rounding: expected a whole number, found {n}"))?,
        other => return Err(format!("rounding: expected a number, found {other}")),
    };
    let units = root.list("units", |o| {
        o.only(&["id", "label"])?;
        let id = o.id("id")?;
        Ok(Unit {
            builtin: id.name == OCCURRENCE,
            id,
            label: o.text("label")?,
        })
    })?;
    let grades = root.list("grades", |o| {
        o.only(&["id", "label", "at_least", "at_most"])?;
        if o.has("at_most") {
            forms.grades.push(GradeForm {
                at_most: o.optional_amount("at_most")?,
            });
        }
        Ok(Grade {
            id: o.id("id")?,
            label: o.text("label")?,
            at_least: o.optional_amount("at_least")?,
        })
    })?;
    let mut section_parents: Vec<(Option<Amount>, Option<String>)> = Vec::new();
    let sections = root.list("sections", |o| {
        o.only(&["id", "title", "weight", "parent"])?;
        let weight = if o.has("weight") {
            o.optional_amount("weight")?
        } else {
            None
        };
        let parent = if o.has("parent") {
            o.optional_text("parent")?.map(|t| t.value)
        } else {
            None
        };
        section_parents.push((weight, parent));
        Ok(Section {
            id: o.id("id")?,
            title: o.text("title")?,
            span: Span::default(),
        })
    })?;
    let mut section_index: HashMap<&str, usize> = HashMap::new();
    for (i, s) in sections.iter().enumerate() {
        section_index.entry(s.id.as_str()).or_insert(i);
    }
    for (i, (weight, parent)) in section_parents.into_iter().enumerate() {
        let parent = match parent {
            None => None,
            Some(p) => match section_index.get(p.as_str()) {
                Some(&index) if index < i => Some(index),
                _ => {
                    return Err(format!(
                        "sections[{i}].parent: `{p}` is not a section declared before it"
                    ))
                }
            },
        };
        forms.sections.push(SectionForm { weight, parent });
    }
    let mut item_forms = Vec::new();
    let items = root.list("items", |o| {
        o.only(&[
            "id",
            "title",
            "section",
            "weight",
            "optional",
            "owners",
            "basis",
            "checks",
            "externals",
            "clauses",
        ])?;
        let section = match o.get("section")? {
            Value::Null => None,
            Value::String(s) => Some(
                *section_index
                    .get(s.as_str())
                    .ok_or_else(|| format!("{}section: unknown section `{s}`", o.at))?,
            ),
            other => {
                return Err(format!(
                    "{}section: expected a string or null, found {other}",
                    o.at
                ))
            }
        };
        let weighted = !matches!(o.get("weight")?, Value::Null);
        let weight = if weighted {
            o.amount("weight")?
        } else {
            Amount {
                value: Decimal::ZERO,
                percent: false,
                span: Span::default(),
            }
        };
        let mut clause_forms = Vec::new();
        let clauses = o.list("clauses", |c| {
            let (clause, form) = clause_from_json(c)?;
            clause_forms.push(form);
            Ok(clause)
        })?;
        item_forms.push(ItemForm {
            weighted,
            clauses: clause_forms,
        });
        Ok(Item {
            id: o.id("id")?,
            title: o.text("title")?,
            section,
            weight,
            optional: o.bool("optional")?,
            owners: o.texts("owners")?,
            basis: o.texts("basis")?,
            checks: o.list("checks", check_from_json)?,
            externals: o.list("externals", |e| {
                e.only(&["id", "title", "weight", "by"])?;
                Ok(External {
                    id: e.id("id")?,
                    title: e.text("title")?,
                    weight: e.amount("weight")?,
                    by: e.texts("by")?,
                    span: Span::default(),
                })
            })?,
            clauses,
            span: Span::default(),
        })
    })?;
    forms.items = item_forms;
    let mut penalty_forms = Vec::new();
    let penalties = root.list("penalties", |o| {
        o.only(&["id", "title", "cap", "owners", "basis", "checks", "clauses"])?;
        // `owners`, `basis` and `checks` came after the other keys: JSON
        // written without them still reads, as a penalty that has none.
        let has = |key: &str| o.map.contains_key(key);
        Ok(Penalty {
            id: o.id("id")?,
            title: o.text("title")?,
            cap: o.optional_amount("cap")?,
            owners: if has("owners") {
                o.texts("owners")?
            } else {
                Vec::new()
            },
            basis: if has("basis") {
                o.texts("basis")?
            } else {
                Vec::new()
            },
            checks: if has("checks") {
                o.list("checks", check_from_json)?
            } else {
                Vec::new()
            },
            clauses: {
                let mut clause_forms = Vec::new();
                let clauses = o.list("clauses", |c| {
                    let (clause, form) = clause_from_json(c)?;
                    clause_forms.push(form);
                    Ok(clause)
                })?;
                penalty_forms.push(clause_forms);
                clauses
            },
            span: Span::default(),
        })
    })?;
    forms.penalties = penalty_forms;
    if root.has("bonuses") {
        forms.bonuses = root.list("bonuses", |o| {
            o.only(&["id", "title", "cap", "owners", "basis", "checks", "clauses"])?;
            let mut clause_forms = Vec::new();
            let clauses = o.list("clauses", |c| {
                let (clause, form) = clause_from_json(c)?;
                clause_forms.push(form);
                Ok(clause)
            })?;
            Ok(Bonus {
                id: o.id("id")?,
                title: o.text("title")?,
                cap: o.optional_amount("cap")?,
                owners: o.texts("owners")?,
                basis: o.texts("basis")?,
                checks: o.list("checks", check_from_json)?,
                clauses,
                forms: clause_forms,
                span: Span::default(),
            })
        })?;
    }
    if root.has("flags") {
        forms.flags = root.list("flags", |o| {
            o.only(&["id", "text", "when", "all"])?;
            Ok(Flag {
                id: o.id("id")?,
                text: o.text("text")?,
                when: Condition {
                    all: o.bool("all")?,
                    parts: o.conditions("when")?,
                    span: Span::default(),
                },
                span: Span::default(),
            })
        })?;
    }
    if root.has("exclusive") {
        forms.exclusive = root.list("exclusive", |o| {
            o.only(&["text", "clauses"])?;
            let clauses = o
                .conditions("clauses")?
                .into_iter()
                .map(|p| match p {
                    Part::Clause(r) => Ok(r),
                    _ => Err(format!(
                        "{}clauses: expected `ITEM/CLAUSE` references",
                        o.at
                    )),
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(Exclusive {
                text: o.text("text")?,
                clauses,
                span: Span::default(),
            })
        })?;
    }
    let vetoes = root.list("vetoes", |o| {
        o.only(&["id", "text", "at_most", "when", "all", "score_zero"])?;
        if o.has("all") || o.has("score_zero") || matches!(o.get("at_most")?, Value::Null) {
            let parts = o.conditions("when")?;
            let all = o.has("all") && o.bool("all")?;
            let score_zero = o.has("score_zero") && o.bool("score_zero")?;
            let caps_grade = !matches!(o.get("at_most")?, Value::Null);
            let refs: Vec<ClauseRef> = parts
                .iter()
                .filter_map(|p| match p {
                    Part::Clause(r) => Some(r.clone()),
                    _ => None,
                })
                .collect();
            let plain = !all && refs.len() == parts.len();
            forms.vetoes.push(VetoForm {
                caps_grade,
                score_zero: score_zero.then(Span::default),
                condition: (!plain).then(|| Condition {
                    all,
                    parts,
                    span: Span::default(),
                }),
            });
            return Ok(Veto {
                id: o.id("id")?,
                text: o.text("text")?,
                at_most: if caps_grade {
                    o.id("at_most")?
                } else {
                    plain_id("")
                },
                when: refs,
                span: Span::default(),
            });
        }
        forms.vetoes.push(VetoForm::default());
        let when = match o.get("when")? {
            Value::Array(list) => list
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let text = r
                        .as_str()
                        .ok_or_else(|| format!("{}when[{i}]: expected a string", o.at))?;
                    let (item, clause) = text.rsplit_once('/').ok_or_else(|| {
                        format!("{}when[{i}]: expected `ITEM/CLAUSE`, found `{text}`", o.at)
                    })?;
                    Ok(ClauseRef {
                        item: plain_id(item),
                        clause: plain_id(clause),
                    })
                })
                .collect::<Result<Vec<_>, String>>()?,
            other => return Err(format!("{}when: expected a list, found {other}", o.at)),
        };
        Ok(Veto {
            id: o.id("id")?,
            text: o.text("text")?,
            at_most: o.id("at_most")?,
            when,
            span: Span::default(),
        })
    })?;
    Ok(Rubric::with_forms(
        RubricParts {
            title: root.text("title")?,
            version: root.optional_text("version")?,
            total: root.optional_amount("total")?,
            not_applicable,
            rounding,
            units,
            grades,
            sections,
            items,
            penalties,
            vetoes,
            span: Span::default(),
        },
        forms,
    ))
}

fn check_from_json(o: &Object<'_>) -> Result<CheckStep, String> {
    o.only(&["text", "by"])?;
    Ok(CheckStep {
        text: o.text("text")?,
        by: o.texts("by")?,
    })
}

fn clause_from_json(o: &Object<'_>) -> Result<(Clause, ClauseForm), String> {
    o.only(&[
        "id",
        "text",
        "shape",
        "amount",
        "unit",
        "cap",
        "max",
        "op",
        "threshold",
        "owners",
        "verb",
        "extra",
        "extra_when",
        "tags",
        "step",
        "steps",
        "amounts",
        "tiers",
        "min",
    ])?;
    let op = |o: &Object<'_>| -> Result<Comparison, String> {
        match o.str("op")? {
            "below" => Ok(Comparison::Below),
            "above" => Ok(Comparison::Above),
            other => Err(format!(
                "{}op: expected `below` or `above`, found `{other}`",
                o.at
            )),
        }
    };
    let mut form = ClauseForm::default();
    if o.has("verb") {
        form.verb = match o.str("verb")? {
            "deduct" => Verb::Deduct,
            "add" => Verb::Add,
            "points" => Verb::Points,
            other => {
                return Err(format!(
                    "{}verb: expected `deduct`, `add` or `points`, found `{other}`",
                    o.at
                ))
            }
        };
    }
    if o.has("extra") {
        if let Some(amount) = o.optional_amount("extra")? {
            let when = match o
                .has("extra_when")
                .then(|| o.optional_text("extra_when"))
                .transpose()?
                .flatten()
            {
                Some(t) if t.value == "exhausted" => ExtraWhen::Exhausted,
                Some(t) if t.value != "deducts" => {
                    return Err(format!(
                        "{}extra_when: expected `deducts` or `exhausted`, found `{}`",
                        o.at, t.value
                    ))
                }
                _ => ExtraWhen::Deducts,
            };
            form.extra = Some(Extra {
                amount,
                when,
                span: Span::default(),
            });
        }
    }
    if o.has("tags") {
        form.tags = o
            .texts("tags")?
            .into_iter()
            .map(|t| plain_id(&t.value))
            .collect();
    }
    let stand_in = |amount: Option<Amount>| Deduction::Once {
        amount: amount.unwrap_or(Amount {
            value: Decimal::ZERO,
            percent: false,
            span: Span::default(),
        }),
        cap: None,
    };
    let deduction = match o.str("shape")? {
        "once" if o.get("amount")?.as_str() == Some("all") => Deduction::All {
            span: Span::default(),
        },
        "once" => Deduction::Once {
            amount: o.amount("amount")?,
            cap: o.optional_limit("cap")?,
        },
        "per" => Deduction::Per {
            amount: o.amount("amount")?,
            unit: o.id("unit")?,
            cap: o.optional_limit("cap")?,
        },
        "discretionary" => Deduction::UpTo {
            max: o
                .optional_limit("max")?
                .ok_or_else(|| format!("{}max: a discretionary clause needs one", o.at))?,
        },
        "threshold" => Deduction::Threshold {
            amount: o.amount("amount")?,
            op: op(o)?,
            threshold: o.amount("threshold")?,
        },
        "rate" => {
            let amount = o.amount("amount")?;
            let threshold = match o.get("threshold")? {
                Value::String(t) if t == "target" => RatePoint::Target(Span::default()),
                _ => RatePoint::Fixed(o.amount("threshold")?),
            };
            let steps = match o.optional_text("steps")?.as_ref().map(|t| t.value.as_str()) {
                None | Some("exact") => Steps::Exact,
                Some("full") => Steps::Full,
                Some("started") => Steps::Started,
                Some(other) => {
                    return Err(format!(
                        "{}steps: expected `exact`, `full` or `started`, found `{other}`",
                        o.at
                    ))
                }
            };
            form.shape = Some(Shape::Rate {
                amount,
                step: o.optional_amount("step")?,
                steps,
                op: op(o)?,
                threshold,
                cap: o.optional_limit("cap")?,
            });
            stand_in(Some(amount))
        }
        "levels" => {
            let amounts = match o.get("amounts")? {
                Value::Array(list) => list
                    .iter()
                    .enumerate()
                    .map(|(i, v)| decimal_value(v).map_err(|e| format!("{}amounts[{i}]: {e}", o.at)))
                    .collect::<Result<Vec<_>, String>>()?,
                other => return Err(format!("{}amounts: expected a list, found {other}", o.at)),
            };
            let first = amounts.first().copied();
            form.shape = Some(Shape::Levels {
                amounts,
                unit: o.optional_text("unit")?.map(|t| plain_id(&t.value)),
                cap: o.optional_limit("cap")?,
            });
            stand_in(first)
        }
        "tiers" => {
            let tiers = o.list("tiers", |t| {
                t.only(&["amount", "op", "threshold"])?;
                Ok((
                    Tier {
                        amount: t.amount("amount")?,
                        threshold: t.amount("threshold")?,
                    },
                    op(t)?,
                ))
            })?;
            let first_op = tiers.first().map_or(Comparison::Below, |t| t.1);
            let first = tiers.first().map(|t| t.0.amount);
            form.shape = Some(Shape::Tiers {
                op: first_op,
                tiers: tiers.into_iter().map(|t| t.0).collect(),
            });
            stand_in(first)
        }
        "range" => {
            let min = o.amount("min")?;
            form.shape = Some(Shape::Range {
                min,
                max: o.amount("max")?,
                per_occurrence: o.optional_text("unit")?.map(|_| Span::default()),
                cap: o.optional_limit("cap")?,
            });
            stand_in(Some(min))
        }
        "exhausted" => {
            form.shape = Some(Shape::Exhausted {
                span: Span::default(),
            });
            stand_in(None)
        }
        other => {
            return Err(format!(
                "{}shape: expected `once`, `per`, `discretionary`, `threshold`, `rate`, `levels`, `tiers`, `range` or `exhausted`, found `{other}`",
                o.at
            ))
        }
    };
    Ok((
        Clause {
            id: o.id("id")?,
            text: o.text("text")?,
            deduction,
            owners: o.texts("owners")?,
            span: Span::default(),
        },
        form,
    ))
}

/// A decimal given as a string or a JSON number.
fn decimal_value(value: &Value) -> Result<Amount, String> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => return Err(format!("expected a decimal, found {other}")),
    };
    let value = Decimal::from_str(&text).map_err(|_| format!("`{text}` is not a decimal"))?;
    Ok(Amount {
        value,
        percent: false,
        span: Span::default(),
    })
}

/// A condition part in the form [`condition_text`] writes.
fn condition_from_text(text: &str) -> Result<Part, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [reference] => {
            let (item, clause) = reference
                .rsplit_once('/')
                .ok_or_else(|| format!("expected `ITEM/CLAUSE`, found `{text}`"))?;
            Ok(Part::Clause(ClauseRef {
                item: plain_id(item),
                clause: plain_id(clause),
            }))
        }
        ["tagged", tag] => Ok(Part::Tagged {
            tag: plain_id(tag),
            span: Span::default(),
        }),
        [left, op, value] => {
            let op = match *op {
                ">=" => CompareOp::Ge,
                ">" => CompareOp::Gt,
                "<=" => CompareOp::Le,
                "<" => CompareOp::Lt,
                "=" => CompareOp::Eq,
                other => {
                    return Err(format!(
                        "expected `>=`, `>`, `<=`, `<` or `=`, found `{other}`"
                    ))
                }
            };
            let value = decimal_value(&Value::String((*value).to_owned()))?;
            Ok(if *left == "score" {
                Part::Score {
                    op,
                    value,
                    span: Span::default(),
                }
            } else {
                Part::Fact {
                    fact: plain_id(left),
                    op,
                    value,
                }
            })
        }
        _ => Err(format!("expected a condition, found `{text}`")),
    }
}

fn plain_id(name: &str) -> Id {
    Id {
        name: name.to_owned(),
        span: Span::default(),
    }
}

/// A JSON object being read, with the path to it for error messages
/// (`items[3].`).
struct Object<'v> {
    map: &'v Map<String, Value>,
    at: String,
}

impl<'v> Object<'v> {
    fn new(value: &'v Value, at: &str) -> Result<Object<'v>, String> {
        match value {
            Value::Object(map) => Ok(Object {
                map,
                at: at.to_owned(),
            }),
            other => Err(format!(
                "{}: expected an object, found {other}",
                at.trim_end_matches('.')
            )),
        }
    }

    fn only(&self, keys: &[&str]) -> Result<(), String> {
        match self.map.keys().find(|k| !keys.contains(&k.as_str())) {
            Some(unknown) => Err(format!("{}{unknown}: unknown key", self.at)),
            None => Ok(()),
        }
    }

    fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// A list of condition texts (`2.1/a`, `tagged T`, `deaths >= 1`).
    fn conditions(&self, key: &str) -> Result<Vec<Part>, String> {
        match self.get(key)? {
            Value::Array(list) => list
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let text = v
                        .as_str()
                        .ok_or_else(|| format!("{}{key}[{i}]: expected a string", self.at))?;
                    condition_from_text(text).map_err(|e| format!("{}{key}[{i}]: {e}", self.at))
                })
                .collect(),
            other => Err(format!("{}{key}: expected a list, found {other}", self.at)),
        }
    }

    fn get(&self, key: &str) -> Result<&'v Value, String> {
        self.map
            .get(key)
            .ok_or_else(|| format!("{}{key}: missing", self.at))
    }

    fn str(&self, key: &str) -> Result<&'v str, String> {
        self.get(key)?
            .as_str()
            .ok_or_else(|| format!("{}{key}: expected a string", self.at))
    }

    fn bool(&self, key: &str) -> Result<bool, String> {
        self.get(key)?
            .as_bool()
            .ok_or_else(|| format!("{}{key}: expected `true` or `false`", self.at))
    }

    fn id(&self, key: &str) -> Result<Id, String> {
        Ok(plain_id(self.str(key)?))
    }

    fn text(&self, key: &str) -> Result<Text, String> {
        Ok(Text {
            value: self.str(key)?.to_owned(),
            span: Span::default(),
        })
    }

    /// `null` is `None`; anything else is read by `read`.
    fn optional<T>(
        &self,
        key: &str,
        read: impl FnOnce(&Self, &str) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        match self.get(key)? {
            Value::Null => Ok(None),
            _ => read(self, key).map(Some),
        }
    }

    fn optional_text(&self, key: &str) -> Result<Option<Text>, String> {
        self.optional(key, Self::text)
    }

    fn texts(&self, key: &str) -> Result<Vec<Text>, String> {
        match self.get(key)? {
            Value::Array(list) => list
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::String(s) => Ok(Text {
                        value: s.clone(),
                        span: Span::default(),
                    }),
                    _ => Err(format!("{}{key}[{i}]: expected a string", self.at)),
                })
                .collect(),
            _ => Err(format!("{}{key}: expected a list of strings", self.at)),
        }
    }

    fn amount(&self, key: &str) -> Result<Amount, String> {
        let text = match self.get(key)? {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(format!(
                    "{}{key}: expected a decimal, found {other}",
                    self.at
                ))
            }
        };
        let value = Decimal::from_str(&text)
            .map_err(|_| format!("{}{key}: `{text}` is not a decimal", self.at))?;
        Ok(Amount {
            value,
            percent: false,
            span: Span::default(),
        })
    }

    fn optional_amount(&self, key: &str) -> Result<Option<Amount>, String> {
        self.optional(key, Self::amount)
    }

    fn optional_limit(&self, key: &str) -> Result<Option<Limit>, String> {
        match self.get(key)? {
            Value::Null => Ok(None),
            Value::String(s) if s == ITEM_WEIGHT => Ok(Some(Limit::ItemWeight(Span::default()))),
            _ => self.amount(key).map(|a| Some(Limit::Amount(a))),
        }
    }

    fn list<T>(
        &self,
        key: &str,
        mut read: impl FnMut(&Object<'v>) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        match self.get(key)? {
            Value::Array(list) => list
                .iter()
                .enumerate()
                .map(|(i, v)| read(&Object::new(v, &format!("{}{key}[{i}].", self.at))?))
                .collect(),
            other => Err(format!("{}{key}: expected a list, found {other}", self.at)),
        }
    }
}

// --- The checklist (评分表) ----------------------------------------------------

/// A printable checklist (评分表) an inspector takes into the field: per
/// item its clauses with their deduction rules in words and an empty column
/// to write the deduction in; then penalties, vetoes and grade bands.
pub fn to_markdown(rubric: &Rubric) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", line(rubric.title().as_str()));
    let mut facts = Vec::new();
    if let Some(version) = rubric.version() {
        facts.push(format!("版本：{}", line(version.as_str())));
    }
    if rubric.scoring() == Scoring::Deductions {
        facts.push(format!("总分：{} 分", show_decimal(rubric.total())));
        facts.push(match rubric.not_applicable() {
            NotApplicable::Rescale => "不适用项：按比例折算".to_owned(),
            NotApplicable::FullMarks => "不适用项：计满分".to_owned(),
        });
    }
    if !facts.is_empty() {
        let _ = writeln!(out, "{}\n", facts.join(" · "));
    }
    out.push_str("受检单位：__________　检查人员：__________　检查日期：__________\n");

    if !rubric.is_v1() {
        v2_markdown(&mut out, rubric);
        return out;
    }

    let mut current_section: Option<Option<usize>> = None;
    for (index, item) in rubric.items().iter().enumerate() {
        if current_section != Some(item.section) {
            match rubric.section_of(item) {
                Some(section) => {
                    let _ = writeln!(out, "\n## {}", line(section.title.as_str()));
                }
                None if current_section.is_some() => out.push_str("\n## 其他考核要点\n"),
                None => {}
            }
            current_section = Some(item.section);
        }
        item_markdown(&mut out, rubric, index, item);
    }

    if !rubric.penalties().is_empty() {
        out.push_str("\n## 减分项\n");
        for (p, penalty) in rubric.penalties().iter().enumerate() {
            let cap = penalty
                .cap
                .map(|c| format!("（最多扣 {} 分）", show_decimal(c.value)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "\n### {} {}{cap}\n",
                line(penalty.id.as_str()),
                line(penalty.title.as_str())
            );
            if !penalty.owners.is_empty() || !penalty.basis.is_empty() || !penalty.checks.is_empty()
            {
                facts_markdown(&mut out, &penalty.owners, &penalty.basis, &penalty.checks);
                out.push('\n');
            }
            out.push_str("| 评分要点 | 扣分标准 | 责任单位 | 扣分 |\n|---|---|---|---|\n");
            for (c, clause) in penalty.clauses.iter().enumerate() {
                let place = ClausePlace {
                    owner: Owner::Penalty(p),
                    clause: c,
                };
                clause_row(&mut out, rubric, place, clause, &penalty.owners);
            }
            out.push_str("\n减分合计：________\n");
        }
    }

    if !rubric.vetoes().is_empty() {
        out.push_str("\n## 否决项\n\n");
        for veto in rubric.vetoes() {
            let grade = rubric
                .grade(veto.at_most.as_str())
                .map_or(veto.at_most.as_str(), |g| g.label.as_str());
            let _ = write!(
                out,
                "- [ ] {}：{}（最高评为“{}”）",
                line(veto.id.as_str()),
                line(veto.text.as_str()),
                line(grade)
            );
            if !veto.when.is_empty() {
                let refs: Vec<String> = veto
                    .when
                    .iter()
                    .map(|r| format!("{}/{}", r.item.as_str(), r.clause.as_str()))
                    .collect();
                let _ = write!(out, "；以下评分要点扣分即触发：{}", line(&refs.join("、")));
            }
            out.push('\n');
        }
    }

    if !rubric.grades().is_empty() {
        out.push_str("\n## 等级\n\n| 等级 | 得分 |\n|---|---|\n");
        for grade in rubric.grades() {
            let bound = match grade.at_least {
                Some(a) => format!("≥ {}", show_decimal(a.value)),
                None => "其余".to_owned(),
            };
            let _ = writeln!(out, "| {} | {} |", cell(grade.label.as_str()), bound);
        }
    }

    out.push_str("\n考核得分：________　减分：________　最终得分：________　等级：________\n");
    out
}

/// The chain of sections from the outermost to `section` (at most
/// `MAX_SECTION_DEPTH` long for a rubric read from source; the walk stops at
/// the number of sections whatever the parents say).
fn section_chain(rubric: &Rubric, section: Option<usize>) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut at = section;
    while let Some(s) = at {
        if chain.len() > rubric.sections().len() {
            break;
        }
        chain.push(s);
        at = rubric.section_form(s).parent.filter(|&p| p < s);
    }
    chain.reverse();
    chain
}

/// The 小计 line of a weighted section, when it is one.
fn subtotal_markdown(out: &mut String, rubric: &Rubric, section: usize) {
    if let (Some(s), Some(weight)) = (
        rubric.sections().get(section),
        rubric.section_form(section).weight,
    ) {
        let _ = writeln!(
            out,
            "\n**{} 小计**（满分 {} 分，扣完为止，追加扣除在此扣减）：________",
            line(s.title.as_str()),
            show_decimal(weight.value)
        );
    }
}

/// The checklist of a rubric that uses version 2 forms: nested and weighted
/// sections with their 小计, bonus items, facts, flags and exclusive groups.
fn v2_markdown(out: &mut String, rubric: &Rubric) {
    let forms = rubric.forms();
    let points = rubric.scoring() == Scoring::Points;
    let mut notes = Vec::new();
    if points {
        notes.push("计分方式：累计记分（分数越低越好）".to_owned());
    }
    if let Some(scale) = forms.scale {
        notes.push(format!("折算：得分 × {} / 总分", show_decimal(scale.value)));
    }
    if let Some(ceiling) = forms.ceiling {
        notes.push(format!("得分上限：{} 分", show_decimal(ceiling.value)));
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "\n{}", notes.join(" · "));
    }
    if !rubric.facts().is_empty() {
        out.push_str("\n## 基本情况\n\n");
        for fact in rubric.facts() {
            let default = fact
                .default
                .map(|d| format!("（未填按 {} 计）", show_decimal(d.value)))
                .unwrap_or_default();
            let _ = writeln!(out, "- {}：________{default}", line(fact.text.as_str()));
        }
    }
    let mut open: Vec<usize> = Vec::new();
    let mut outside = false;
    let mut had_section = false;
    for (index, item) in rubric.items().iter().enumerate() {
        let chain = section_chain(rubric, item.section);
        let keep = open.iter().zip(&chain).take_while(|(a, b)| a == b).count();
        while open.len() > keep {
            if let Some(s) = open.pop() {
                subtotal_markdown(out, rubric, s);
            }
        }
        for &s in chain.iter().skip(keep) {
            if let Some(section) = rubric.sections().get(s) {
                let depth = open.len().min(3);
                let weight = rubric
                    .section_form(s)
                    .weight
                    .map(|w| format!("（{} 分）", show_decimal(w.value)))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "\n##{} {}{weight}",
                    "#".repeat(depth),
                    line(section.title.as_str())
                );
            }
            open.push(s);
        }
        if chain.is_empty() && !outside && had_section {
            out.push_str("\n## 其他考核要点\n");
            outside = true;
        }
        had_section |= !chain.is_empty();
        item_markdown(out, rubric, index, item);
    }
    while let Some(s) = open.pop() {
        subtotal_markdown(out, rubric, s);
    }
    let table =
        |out: &mut String, owner: Owner, clauses: &[Clause], owners: &[Text], head: &str| {
            out.push_str(head);
            for (c, clause) in clauses.iter().enumerate() {
                clause_row(
                    out,
                    rubric,
                    ClausePlace { owner, clause: c },
                    clause,
                    owners,
                );
            }
        };
    if !rubric.penalties().is_empty() {
        out.push_str("\n## 减分项\n");
        for (p, penalty) in rubric.penalties().iter().enumerate() {
            let cap = penalty
                .cap
                .map(|c| format!("（最多扣 {} 分）", show_decimal(c.value)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "\n### {} {}{cap}\n",
                line(penalty.id.as_str()),
                line(penalty.title.as_str())
            );
            facts_markdown(out, &penalty.owners, &penalty.basis, &penalty.checks);
            out.push('\n');
            table(
                out,
                Owner::Penalty(p),
                &penalty.clauses,
                &penalty.owners,
                "| 评分要点 | 扣分标准 | 责任单位 | 扣分 |\n|---|---|---|---|\n",
            );
            out.push_str("\n减分合计：________\n");
        }
    }
    if !rubric.bonuses().is_empty() {
        out.push_str("\n## 加分项\n");
        for (b, bonus) in rubric.bonuses().iter().enumerate() {
            let cap = bonus
                .cap
                .map(|c| format!("（最多加 {} 分）", show_decimal(c.value)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "\n### {} {}{cap}\n",
                line(bonus.id.as_str()),
                line(bonus.title.as_str())
            );
            facts_markdown(out, &bonus.owners, &bonus.basis, &bonus.checks);
            out.push('\n');
            table(
                out,
                Owner::Bonus(b),
                &bonus.clauses,
                &bonus.owners,
                "| 评分要点 | 加分标准 | 责任单位 | 加分 |\n|---|---|---|---|\n",
            );
            out.push_str("\n加分合计：________\n");
        }
    }
    if !rubric.exclusive_groups().is_empty() {
        out.push_str("\n## 不重复扣分\n\n");
        for group in rubric.exclusive_groups() {
            let refs: Vec<String> = group
                .clauses
                .iter()
                .map(|r| format!("{}/{}", r.item.as_str(), r.clause.as_str()))
                .collect();
            let _ = writeln!(
                out,
                "- {}：{}（只按其中第一个扣分的评分要点扣分）",
                line(group.text.as_str()),
                line(&refs.join("、"))
            );
        }
    }
    if !rubric.vetoes().is_empty() {
        out.push_str("\n## 否决项\n\n");
        for (v, veto) in rubric.vetoes().iter().enumerate() {
            let form = rubric.veto_form(v);
            let mut effects = Vec::new();
            if form.caps_grade {
                let grade = rubric
                    .grade(veto.at_most.as_str())
                    .map_or(veto.at_most.as_str(), |g| g.label.as_str());
                effects.push(format!("最高评为“{}”", line(grade)));
            }
            if form.score_zero.is_some() {
                effects.push("一票否决，考核得分为 0".to_owned());
            }
            let _ = write!(
                out,
                "- [ ] {}：{}（{}）",
                line(veto.id.as_str()),
                line(veto.text.as_str()),
                effects.join("，")
            );
            let words = match &form.condition {
                Some(c) => condition_words(rubric, c),
                None if veto.when.is_empty() => String::new(),
                None => {
                    let refs: Vec<String> = veto
                        .when
                        .iter()
                        .map(|r| format!("{}/{}", r.item.as_str(), r.clause.as_str()))
                        .collect();
                    format!("以下评分要点扣分即触发：{}", refs.join("、"))
                }
            };
            if !words.is_empty() {
                let _ = write!(out, "；{}", line(&words));
            }
            out.push('\n');
        }
    }
    if !rubric.flags().is_empty() {
        out.push_str("\n## 提示事项\n\n");
        for flag in rubric.flags() {
            let _ = writeln!(
                out,
                "- [ ] {}：{}；{}",
                line(flag.id.as_str()),
                line(flag.text.as_str()),
                line(&condition_words(rubric, &flag.when))
            );
        }
    }
    if !rubric.grades().is_empty() {
        let scale = if forms.scale.is_some() {
            "折算后得分"
        } else if points {
            "记分"
        } else {
            "得分"
        };
        let _ = write!(out, "\n## 等级\n\n| 等级 | {scale} |\n|---|---|\n");
        for (g, grade) in rubric.grades().iter().enumerate() {
            let bound = match (grade.at_least, rubric.grade_form(g).at_most) {
                (Some(a), _) => format!("≥ {}", show_decimal(a.value)),
                (None, Some(a)) => format!("≤ {}", show_decimal(a.value)),
                (None, None) => "其余".to_owned(),
            };
            let _ = writeln!(out, "| {} | {} |", cell(grade.label.as_str()), bound);
        }
    }
    if points {
        out.push_str("\n记分合计：________　等级：________\n");
    } else {
        let bonus = if rubric.bonuses().is_empty() {
            ""
        } else {
            "加分：________　"
        };
        out.push_str(&format!(
            "\n考核得分：________　减分：________　{bonus}最终得分：________　等级：________\n"
        ));
    }
}

/// A condition in words: "以下任一情形：8.1/a 扣分、标记为 hazard 的评分要点扣分、申请前一年内生产安全事故死亡人数 ≥ 1".
fn condition_words(rubric: &Rubric, condition: &Condition) -> String {
    let parts: Vec<String> = condition
        .parts
        .iter()
        .map(|part| match part {
            Part::Clause(r) => format!("{}/{} 扣分", r.item.as_str(), r.clause.as_str()),
            Part::Tagged { tag, .. } => format!("标记为 {} 的评分要点扣分", tag.as_str()),
            Part::Fact { fact, op, value } => {
                let name = rubric
                    .fact(fact.as_str())
                    .map_or(fact.as_str(), |f| f.text.as_str());
                format!("{name} {} {}", op_words(*op), show_amount(value))
            }
            Part::Score { op, value, .. } => {
                format!("得分 {} {}", op_words(*op), show_amount(value))
            }
        })
        .collect();
    let lead = if condition.all || parts.len() < 2 {
        if parts.len() < 2 {
            "条件："
        } else {
            "同时满足："
        }
    } else {
        "以下任一情形："
    };
    format!("{lead}{}", parts.join("、"))
}

fn op_words(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Ge => "≥",
        CompareOp::Gt => ">",
        CompareOp::Le => "≤",
        CompareOp::Lt => "<",
        CompareOp::Eq => "=",
    }
}

fn item_markdown(out: &mut String, rubric: &Rubric, index: usize, item: &Item) {
    let optional = if item.optional { "，选查" } else { "" };
    let points = rubric.scoring() == Scoring::Points;
    let weight = if rubric.item_weighted(index) {
        format!("{} 分", show_decimal(item.weight.value))
    } else {
        "记分项".to_owned()
    };
    let _ = writeln!(
        out,
        "\n### {} {}（{weight}{optional}）\n",
        line(item.id.as_str()),
        line(item.title.as_str()),
    );
    facts_markdown(out, &item.owners, &item.basis, &item.checks);
    if item.optional {
        out.push_str("- [ ] 不涉及（不考核）\n");
    }
    out.push('\n');
    if points {
        out.push_str("| 评分要点 | 记分标准 | 责任单位 | 记分 |\n|---|---|---|---|\n");
    } else {
        out.push_str("| 评分要点 | 扣分标准 | 责任单位 | 扣分 |\n|---|---|---|---|\n");
    }
    for (c, clause) in item.clauses.iter().enumerate() {
        let place = ClausePlace {
            owner: Owner::Item(index),
            clause: c,
        };
        clause_row(out, rubric, place, clause, &item.owners);
    }
    for external in &item.externals {
        let _ = writeln!(
            out,
            "| {} {} | {} | {} | 得分： |",
            cell(external.id.as_str()),
            cell(external.title.as_str()),
            cell(&external_rule(external)),
            cell(&joined(&external.by)),
        );
    }
    if points {
        out.push_str("\n本项记分：________\n");
    } else {
        out.push_str("\n本项扣分：________　本项得分：________\n");
    }
}

/// The owners, basis and checks of an item or a penalty, one list line each.
fn facts_markdown(out: &mut String, owners: &[Text], basis: &[Text], checks: &[CheckStep]) {
    if !owners.is_empty() {
        let _ = writeln!(out, "- 责任单位：{}", line(&joined(owners)));
    }
    for basis in basis {
        let _ = writeln!(out, "- 评分依据：{}", line(basis.as_str()));
    }
    for step in checks {
        let by = if step.by.is_empty() {
            String::new()
        } else {
            format!("（{}）", joined(&step.by))
        };
        let _ = writeln!(out, "- 检查要求：{}{}", line(step.text.as_str()), line(&by));
    }
}

fn clause_row(
    out: &mut String,
    rubric: &Rubric,
    place: ClausePlace,
    clause: &Clause,
    item_owners: &[Text],
) {
    let owners = if clause.owners.is_empty() {
        item_owners
    } else {
        &clause.owners
    };
    let _ = writeln!(
        out,
        "| {} {} | {} | {} |  |",
        cell(clause.id.as_str()),
        cell(clause.text.as_str()),
        cell(&rule_at(rubric, place, clause)),
        cell(&joined(owners)),
    );
}

/// A clause's deduction rule in words, as a printed rubric says it:
/// "扣 0.3 分/家，最多扣 1 分", "酌情扣分，最多 2 分", "低于 50% 扣 0.5 分", "不得分".
pub fn rule_in_words(rubric: &Rubric, deduction: &Deduction) -> String {
    let cap_words = |cap: &Option<Limit>| match cap {
        Some(Limit::Amount(c)) => format!("，最多扣 {} 分", show_decimal(c.value)),
        Some(Limit::ItemWeight(_)) => "，扣完本项分值为止".to_owned(),
        None => String::new(),
    };
    match deduction {
        Deduction::Once { amount, cap } => {
            format!("扣 {} 分{}", show_decimal(amount.value), cap_words(cap))
        }
        Deduction::All { .. } => "不得分".to_owned(),
        Deduction::Per { amount, unit, cap } => {
            let label = rubric
                .unit(unit.as_str())
                .map_or(unit.as_str(), |u| u.label.as_str());
            format!(
                "扣 {} 分/{label}{}",
                show_decimal(amount.value),
                cap_words(cap)
            )
        }
        Deduction::UpTo { max } => match max {
            Limit::Amount(m) => format!("酌情扣分，最多 {} 分", show_decimal(m.value)),
            Limit::ItemWeight(_) => "酌情扣分，最多扣完本项分值".to_owned(),
        },
        Deduction::Threshold {
            amount,
            op,
            threshold,
        } => {
            let side = match op {
                Comparison::Below => "低于",
                Comparison::Above => "高于",
            };
            format!(
                "{side} {} 扣 {} 分",
                show_amount(threshold),
                show_decimal(amount.value)
            )
        }
    }
}

/// A clause's rule in words, with what version 2 adds: the verb (加/记
/// instead of 扣), the new shapes ("低于 100% 的，每低 1 个百分点扣 0.5 分，不足 1
/// 个百分点按 1 个百分点计", "一般扣 1 分、较大扣 3 分", "视情况每次扣 5—15 分"), and
/// the extra ("不得分，并追加扣除 10 分").
pub fn clause_rule_in_words(rubric: &Rubric, clause: &Clause, form: &ClauseForm) -> String {
    let verb = match form.verb {
        Verb::Deduct => "扣",
        Verb::Add => "加",
        Verb::Points => "记",
    };
    let cap_words = |cap: &Option<Limit>| match cap {
        Some(Limit::Amount(c)) => format!("，最多{verb} {} 分", show_decimal(c.value)),
        Some(Limit::ItemWeight(_)) => "，扣完本项分值为止".to_owned(),
        None => String::new(),
    };
    let unit_label = |unit: &Id| {
        rubric
            .unit(unit.as_str())
            .map_or(unit.as_str(), |u| u.label.as_str())
            .to_owned()
    };
    let mut words = match &form.shape {
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
            cap,
        }) => {
            let (side, gap) = match op {
                Comparison::Below => ("低于", "低"),
                Comparison::Above => ("高于", "高"),
            };
            let point = match threshold {
                RatePoint::Fixed(p) => format!(" {} ", show_amount(p)),
                RatePoint::Target(_) => "目标值".to_owned(),
            };
            let step_words = match step {
                Some(s) if s.percent => {
                    format!("{} 个百分点", show_decimal(s.value * Decimal::ONE_HUNDRED))
                }
                Some(s) => show_decimal(s.value),
                None => "1".to_owned(),
            };
            let percent = step.is_some_and(|s| s.percent);
            let rest = match (steps, percent) {
                (Steps::Exact, _) => "，按比例计".to_owned(),
                (Steps::Full, true) => format!("，不足 {step_words}不计"),
                (Steps::Full, false) => format!("，不足 {step_words} 不计"),
                (Steps::Started, true) => format!("，不足 {step_words}按 {step_words}计"),
                (Steps::Started, false) => format!("，不足 {step_words} 按 {step_words} 计"),
            };
            let space = if percent { "" } else { " " };
            format!(
                "{side}{point}的，每{gap} {step_words}{space}{verb} {} 分{rest}{}",
                show_decimal(amount.value),
                cap_words(cap)
            )
        }
        Some(Shape::Levels { amounts, unit, cap }) => {
            let labels = &rubric.forms().levels;
            let parts: Vec<String> = amounts
                .iter()
                .enumerate()
                .map(|(k, a)| {
                    let level = labels
                        .get(k)
                        .map_or_else(|| format!("{} 级", k + 1), |l| l.as_str().to_owned());
                    let space = if level.chars().last().is_some_and(|c| c.is_ascii()) {
                        " "
                    } else {
                        ""
                    };
                    format!("{level}{space}{verb} {} 分", show_decimal(a.value))
                })
                .collect();
            let per = unit
                .as_ref()
                .map(|u| format!("每{}：", unit_label(u)))
                .unwrap_or_default();
            format!("{per}{}{}", parts.join("、"), cap_words(cap))
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
                        show_decimal(t.amount.value)
                    )
                })
                .collect::<Vec<_>>()
                .join("、")
        }
        Some(Shape::Range {
            min,
            max,
            per_occurrence,
            cap,
        }) => {
            let (lead, each) = match per_occurrence {
                Some(_) => ("视情况", "每次"),
                None => ("酌情", ""),
            };
            format!(
                "{lead}{each}{verb} {}—{} 分{}",
                show_decimal(min.value),
                show_decimal(max.value),
                cap_words(cap)
            )
        }
        Some(Shape::Exhausted { .. }) => "扣满本项分值的".to_owned(),
    };
    if let Some(extra) = &form.extra {
        let and = if matches!(form.shape, Some(Shape::Exhausted { .. })) {
            ""
        } else {
            "并"
        };
        let _ = write!(
            words,
            "，{and}追加扣除 {} 分",
            show_decimal(extra.amount.value)
        );
    }
    words
}

/// The rule of the clause at `place` in words: [`rule_in_words`] for a
/// version 1 rubric, [`clause_rule_in_words`] otherwise.
fn rule_at(rubric: &Rubric, place: ClausePlace, clause: &Clause) -> String {
    if rubric.is_v1() {
        rule_in_words(rubric, &clause.deduction)
    } else {
        clause_rule_in_words(rubric, clause, rubric.clause_form(place))
    }
}

fn external_rule(external: &External) -> String {
    let by = joined(&external.by);
    if by.is_empty() {
        format!("直接评分，{} 分", show_decimal(external.weight.value))
    } else {
        format!("由{by}直接评分，{} 分", show_decimal(external.weight.value))
    }
}

fn show_decimal(value: Decimal) -> String {
    value.normalize().to_string()
}

fn show_amount(amount: &Amount) -> String {
    if amount.percent {
        format!("{}%", show_decimal(amount.value * Decimal::ONE_HUNDRED))
    } else {
        show_decimal(amount.value)
    }
}

fn joined(list: &[Text]) -> String {
    list.iter().map(Text::as_str).collect::<Vec<_>>().join("、")
}

/// Text for a Markdown table cell: a `|` would end the cell and a newline the row.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out.trim().to_owned()
}

/// Text for a heading or list line: a newline would end it.
fn line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

// --- CSV -------------------------------------------------------------------

/// The checklist as CSV (RFC 4180: fields quoted when needed, CRLF line
/// ends), one row per clause and external of every item, then per penalty
/// clause; the `deducted` column is left blank to fill in.
pub fn to_csv(rubric: &Rubric) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "section",
            "item",
            "item title",
            "weight",
            "clause",
            "clause text",
            "rule",
            "amount",
            "unit",
            "cap",
            "owners",
            "deducted",
        ],
    );
    let v2 = !rubric.is_v1();
    let mut open: Vec<usize> = Vec::new();
    for (index, item) in rubric.items().iter().enumerate() {
        if v2 {
            let chain = section_chain(rubric, item.section);
            let keep = open.iter().zip(&chain).take_while(|(a, b)| a == b).count();
            while open.len() > keep {
                if let Some(s) = open.pop() {
                    subtotal_csv(&mut out, rubric, s);
                }
            }
            open.extend(chain.iter().skip(keep));
        }
        let section = rubric.section_of(item).map_or("", |s| s.title.as_str());
        let weight = if rubric.item_weighted(index) {
            show_decimal(item.weight.value)
        } else {
            String::new()
        };
        if item.clauses.is_empty() && item.externals.is_empty() {
            let owners = joined(&item.owners);
            row(
                &mut out,
                &[
                    section,
                    item.id.as_str(),
                    item.title.as_str(),
                    &weight,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    &owners,
                    "",
                ],
            );
        }
        for (c, clause) in item.clauses.iter().enumerate() {
            let owners = if clause.owners.is_empty() {
                &item.owners
            } else {
                &clause.owners
            };
            clause_csv(
                &mut out,
                rubric,
                [section, item.id.as_str(), item.title.as_str(), &weight],
                ClausePlace {
                    owner: Owner::Item(index),
                    clause: c,
                },
                clause,
                owners,
            );
        }
        for external in &item.externals {
            let rule = external_rule(external);
            let amount = show_decimal(external.weight.value);
            let by = joined(&external.by);
            row(
                &mut out,
                &[
                    section,
                    item.id.as_str(),
                    item.title.as_str(),
                    &weight,
                    external.id.as_str(),
                    external.title.as_str(),
                    &rule,
                    &amount,
                    "",
                    "",
                    &by,
                    "",
                ],
            );
        }
    }
    while let Some(s) = open.pop() {
        subtotal_csv(&mut out, rubric, s);
    }
    for (p, penalty) in rubric.penalties().iter().enumerate() {
        for (c, clause) in penalty.clauses.iter().enumerate() {
            let owners = if clause.owners.is_empty() {
                &penalty.owners
            } else {
                &clause.owners
            };
            clause_csv(
                &mut out,
                rubric,
                ["减分项", penalty.id.as_str(), penalty.title.as_str(), ""],
                ClausePlace {
                    owner: Owner::Penalty(p),
                    clause: c,
                },
                clause,
                owners,
            );
        }
    }
    for (b, bonus) in rubric.bonuses().iter().enumerate() {
        for (c, clause) in bonus.clauses.iter().enumerate() {
            let owners = if clause.owners.is_empty() {
                &bonus.owners
            } else {
                &clause.owners
            };
            clause_csv(
                &mut out,
                rubric,
                ["加分项", bonus.id.as_str(), bonus.title.as_str(), ""],
                ClausePlace {
                    owner: Owner::Bonus(b),
                    clause: c,
                },
                clause,
                owners,
            );
        }
    }
    out
}

/// The 小计 row of a weighted section: its title, `小计` in the item title
/// column, its weight, and the `deducted` column to fill in.
fn subtotal_csv(out: &mut String, rubric: &Rubric, section: usize) {
    if let (Some(s), Some(weight)) = (
        rubric.sections().get(section),
        rubric.section_form(section).weight,
    ) {
        let weight = show_decimal(weight.value);
        row(
            out,
            &[
                s.title.as_str(),
                "",
                "小计",
                &weight,
                "",
                "",
                "扣完为止，追加扣除在此扣减",
                "",
                "",
                "",
                "",
                "",
            ],
        );
    }
}

fn clause_csv(
    out: &mut String,
    rubric: &Rubric,
    head: [&str; 4],
    place: ClausePlace,
    clause: &Clause,
    owners: &[Text],
) {
    let rule = rule_at(rubric, place, clause);
    let limit_text = |limit: &Limit| match limit {
        Limit::Amount(a) => show_decimal(a.value),
        Limit::ItemWeight(_) => ITEM_WEIGHT.to_owned(),
    };
    let shape = if rubric.is_v1() {
        None
    } else {
        rubric.clause_form(place).shape.as_ref()
    };
    let label = |unit: &Id| {
        rubric
            .unit(unit.as_str())
            .map_or(unit.as_str(), |u| u.label.as_str())
            .to_owned()
    };
    let (amount, unit, cap) = match shape {
        Some(Shape::Rate { amount, cap, .. }) => (
            show_decimal(amount.value),
            String::new(),
            cap.as_ref().map(limit_text).unwrap_or_default(),
        ),
        Some(Shape::Levels { amounts, unit, cap }) => (
            amounts
                .iter()
                .map(|a| show_decimal(a.value))
                .collect::<Vec<_>>()
                .join("/"),
            unit.as_ref().map(label).unwrap_or_default(),
            cap.as_ref().map(limit_text).unwrap_or_default(),
        ),
        Some(Shape::Tiers { tiers, .. }) => (
            tiers
                .iter()
                .map(|t| show_decimal(t.amount.value))
                .collect::<Vec<_>>()
                .join("/"),
            String::new(),
            String::new(),
        ),
        Some(Shape::Range {
            min,
            max,
            per_occurrence,
            cap,
        }) => (
            format!("{}—{}", show_decimal(min.value), show_decimal(max.value)),
            per_occurrence
                .map(|_| {
                    rubric
                        .unit(OCCURRENCE)
                        .map_or("次", |u| u.label.as_str())
                        .to_owned()
                })
                .unwrap_or_default(),
            cap.as_ref().map(limit_text).unwrap_or_default(),
        ),
        Some(Shape::Exhausted { .. }) => (String::new(), String::new(), String::new()),
        None => match &clause.deduction {
            Deduction::Once { amount, cap } => (
                show_decimal(amount.value),
                String::new(),
                cap.as_ref().map(limit_text).unwrap_or_default(),
            ),
            Deduction::All { .. } => ("all".to_owned(), String::new(), String::new()),
            Deduction::Per { amount, unit, cap } => (
                show_decimal(amount.value),
                rubric
                    .unit(unit.as_str())
                    .map_or(unit.as_str(), |u| u.label.as_str())
                    .to_owned(),
                cap.as_ref().map(limit_text).unwrap_or_default(),
            ),
            Deduction::UpTo { max } => (String::new(), String::new(), limit_text(max)),
            Deduction::Threshold { amount, .. } => {
                (show_decimal(amount.value), String::new(), String::new())
            }
        },
    };
    let owners = joined(owners);
    let [section, item, title, weight] = head;
    row(
        out,
        &[
            section,
            item,
            title,
            weight,
            clause.id.as_str(),
            clause.text.as_str(),
            &rule,
            &amount,
            &unit,
            &cap,
            &owners,
            "",
        ],
    );
}

fn row(out: &mut String, fields: &[&str]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests;
