//! The rubric as JSON (spec section 7.1), and as a printable checklist
//! (评分表) in Markdown and CSV.
//!
//! The JSON form is a stable contract, so it is written out key by key here
//! rather than derived from the model. Decimals are strings holding the value
//! without trailing zeros (`2.50` → `"2.5"`, `50%` → `"0.5"`): the export
//! carries values, not notation. [`from_json`] reads the same form back.

use crate::model::{
    Amount, CheckStep, Clause, ClauseRef, Comparison, Deduction, External, Grade, Id, Item, Limit,
    NotApplicable, Penalty, Rubric, RubricParts, Section, Text, Unit, Veto, OCCURRENCE,
};
use crate::span::Span;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt::Write as _;

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

#[derive(Serialize)]
struct RubricJson<'r> {
    title: &'r str,
    version: Option<&'r str>,
    total: Option<String>,
    not_applicable: &'static str,
    rounding: u32,
    units: Vec<UnitJson<'r>>,
    grades: Vec<GradeJson<'r>>,
    sections: Vec<SectionJson<'r>>,
    items: Vec<ItemJson<'r>>,
    penalties: Vec<PenaltyJson<'r>>,
    vetoes: Vec<VetoJson<'r>>,
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
}

#[derive(Serialize)]
struct SectionJson<'r> {
    id: &'r str,
    title: &'r str,
}

#[derive(Serialize)]
struct ItemJson<'r> {
    id: &'r str,
    title: &'r str,
    section: Option<&'r str>,
    weight: String,
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
    at_most: &'r str,
    when: Vec<String>,
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
}

impl<'r> RubricJson<'r> {
    fn new(rubric: &'r Rubric) -> RubricJson<'r> {
        let sections = rubric.sections();
        RubricJson {
            title: rubric.title().as_str(),
            version: rubric.version().map(Text::as_str),
            total: rubric.declared_total().map(|t| decimal(t.value)),
            not_applicable: rubric.not_applicable().as_str(),
            rounding: rubric.rounding(),
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
                .map(|g| GradeJson {
                    id: g.id.as_str(),
                    label: g.label.as_str(),
                    at_least: g.at_least.map(|a| decimal(a.value)),
                })
                .collect(),
            sections: sections
                .iter()
                .map(|s| SectionJson {
                    id: s.id.as_str(),
                    title: s.title.as_str(),
                })
                .collect(),
            items: rubric
                .items()
                .iter()
                .map(|i| ItemJson {
                    id: i.id.as_str(),
                    title: i.title.as_str(),
                    section: i
                        .section
                        .and_then(|s| sections.get(s))
                        .map(|s| s.id.as_str()),
                    weight: decimal(i.weight.value),
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
                    clauses: i.clauses.iter().map(ClauseJson::new).collect(),
                })
                .collect(),
            penalties: rubric
                .penalties()
                .iter()
                .map(|p| PenaltyJson {
                    id: p.id.as_str(),
                    title: p.title.as_str(),
                    cap: p.cap.map(|c| decimal(c.value)),
                    owners: texts(&p.owners),
                    basis: texts(&p.basis),
                    checks: checks(&p.checks),
                    clauses: p.clauses.iter().map(ClauseJson::new).collect(),
                })
                .collect(),
            vetoes: rubric
                .vetoes()
                .iter()
                .map(|v| VetoJson {
                    id: v.id.as_str(),
                    text: v.text.as_str(),
                    at_most: v.at_most.as_str(),
                    when: v
                        .when
                        .iter()
                        .map(|r| format!("{}/{}", r.item.as_str(), r.clause.as_str()))
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The text of `item weight` wherever a limit may be the item's weight.
const ITEM_WEIGHT: &str = "item weight";

impl<'r> ClauseJson<'r> {
    fn new(clause: &'r Clause) -> ClauseJson<'r> {
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
        };
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
/// validated: run [`check`](crate::check::check) on it, which applies every
/// rule of a compiled rubric (negative numbers, sums past the exact range
/// included, which the text language cannot even express).
pub fn from_json(value: &Value) -> Result<Rubric, String> {
    let root = Object::new(value, "")?;
    root.only(&[
        "title",
        "version",
        "total",
        "not_applicable",
        "rounding",
        "units",
        "grades",
        "sections",
        "items",
        "penalties",
        "vetoes",
    ])?;
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
        o.only(&["id", "label", "at_least"])?;
        Ok(Grade {
            id: o.id("id")?,
            label: o.text("label")?,
            at_least: o.optional_amount("at_least")?,
        })
    })?;
    let sections = root.list("sections", |o| {
        o.only(&["id", "title"])?;
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
        Ok(Item {
            id: o.id("id")?,
            title: o.text("title")?,
            section,
            weight: o.amount("weight")?,
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
            clauses: o.list("clauses", clause_from_json)?,
            span: Span::default(),
        })
    })?;
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
            clauses: o.list("clauses", clause_from_json)?,
            span: Span::default(),
        })
    })?;
    let vetoes = root.list("vetoes", |o| {
        o.only(&["id", "text", "at_most", "when"])?;
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
    Ok(Rubric::new(RubricParts {
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
    }))
}

fn check_from_json(o: &Object<'_>) -> Result<CheckStep, String> {
    o.only(&["text", "by"])?;
    Ok(CheckStep {
        text: o.text("text")?,
        by: o.texts("by")?,
    })
}

fn clause_from_json(o: &Object<'_>) -> Result<Clause, String> {
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
    ])?;
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
            op: match o.str("op")? {
                "below" => Comparison::Below,
                "above" => Comparison::Above,
                other => {
                    return Err(format!(
                        "{}op: expected `below` or `above`, found `{other}`",
                        o.at
                    ))
                }
            },
            threshold: o.amount("threshold")?,
        },
        other => {
            return Err(format!(
                "{}shape: expected `once`, `per`, `discretionary` or `threshold`, found `{other}`",
                o.at
            ))
        }
    };
    Ok(Clause {
        id: o.id("id")?,
        text: o.text("text")?,
        deduction,
        owners: o.texts("owners")?,
        span: Span::default(),
    })
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
        let value = Decimal::from_str_exact(&text).map_err(|_| {
            if Decimal::from_str_exact(text.trim_end_matches('0')).is_ok()
                || text.parse::<f64>().is_ok()
            {
                format!(
                    "{}{key}: `{text}` has more than the 28 significant digits of an exact decimal",
                    self.at
                )
            } else {
                format!("{}{key}: `{text}` is not a decimal", self.at)
            }
        })?;
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
    facts.push(format!("总分：{} 分", show_decimal(rubric.total())));
    facts.push(match rubric.not_applicable() {
        NotApplicable::Rescale => "不适用项：按比例折算".to_owned(),
        NotApplicable::FullMarks => "不适用项：计满分".to_owned(),
    });
    let _ = writeln!(out, "{}\n", facts.join(" · "));
    out.push_str("受检单位：__________　检查人员：__________　检查日期：__________\n");

    let mut current_section: Option<Option<usize>> = None;
    for item in rubric.items() {
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
        item_markdown(&mut out, rubric, item);
    }

    if !rubric.penalties().is_empty() {
        out.push_str("\n## 减分项\n");
        for penalty in rubric.penalties() {
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
            for clause in &penalty.clauses {
                clause_row(&mut out, rubric, clause, &penalty.owners);
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

fn item_markdown(out: &mut String, rubric: &Rubric, item: &Item) {
    let optional = if item.optional { "，选查" } else { "" };
    let _ = writeln!(
        out,
        "\n### {} {}（{} 分{optional}）\n",
        line(item.id.as_str()),
        line(item.title.as_str()),
        show_decimal(item.weight.value)
    );
    facts_markdown(out, &item.owners, &item.basis, &item.checks);
    if item.optional {
        out.push_str("- [ ] 不涉及（不考核）\n");
    }
    out.push('\n');
    out.push_str("| 评分要点 | 扣分标准 | 责任单位 | 扣分 |\n|---|---|---|---|\n");
    for clause in &item.clauses {
        clause_row(out, rubric, clause, &item.owners);
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
    out.push_str("\n本项扣分：________　本项得分：________\n");
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

fn clause_row(out: &mut String, rubric: &Rubric, clause: &Clause, item_owners: &[Text]) {
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
        cell(&rule_in_words(rubric, &clause.deduction)),
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
    for item in rubric.items() {
        let section = rubric.section_of(item).map_or("", |s| s.title.as_str());
        let weight = show_decimal(item.weight.value);
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
        for clause in &item.clauses {
            let owners = if clause.owners.is_empty() {
                &item.owners
            } else {
                &clause.owners
            };
            clause_csv(
                &mut out,
                rubric,
                [section, item.id.as_str(), item.title.as_str(), &weight],
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
    for penalty in rubric.penalties() {
        for clause in &penalty.clauses {
            let owners = if clause.owners.is_empty() {
                &penalty.owners
            } else {
                &clause.owners
            };
            clause_csv(
                &mut out,
                rubric,
                ["减分项", penalty.id.as_str(), penalty.title.as_str(), ""],
                clause,
                owners,
            );
        }
    }
    out
}

fn clause_csv(
    out: &mut String,
    rubric: &Rubric,
    head: [&str; 4],
    clause: &Clause,
    owners: &[Text],
) {
    let rule = rule_in_words(rubric, &clause.deduction);
    let limit_text = |limit: &Limit| match limit {
        Limit::Amount(a) => show_decimal(a.value),
        Limit::ItemWeight(_) => ITEM_WEIGHT.to_owned(),
    };
    let (amount, unit, cap) = match &clause.deduction {
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

/// Whether a spreadsheet would run a CSV field as a formula: it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return. Every CSV this crate and
/// its tool write puts an apostrophe before such a field, so that a
/// spreadsheet shows the text (`'=HYPERLINK(…)`) instead of running it.
pub fn csv_formula_like(field: &str) -> bool {
    field.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn row(out: &mut String, fields: &[&str]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let neutral;
        let field = if csv_formula_like(field) {
            neutral = format!("'{field}");
            neutral.as_str()
        } else {
            field
        };
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
