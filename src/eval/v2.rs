//! Evaluation of the forms of language version 2 (spec section 9.3): rate,
//! level, tier and range clauses, extra deductions, exclusive groups,
//! weighted sections, bonus items, scale and ceiling, facts, conditions,
//! vetoes that zero the score, flags, and rubrics that count points upward.
//!
//! A version 1 rubric never comes here: [`Evaluation::report`] takes this
//! path only when the rubric uses a version 2 form, so version 1 rubrics pay
//! nothing for it. Everything here uses checked decimal arithmetic; a figure
//! that a decimal cannot hold becomes an evaluation error, never a panic or
//! a silently rounded number.

use super::{distinct, joined, list, suggest, Entities, Evaluation, Field, Owners, ALL_FIELDS};
use crate::eval::findings::{Finding, FindingError, Level, Location};
use crate::model::{
    Clause, ClauseForm, ClausePlace, Comparison, Deduction, NotApplicable, Owner, Part, RatePoint,
    Rubric, Scoring, Shape, Steps, Target,
};
use crate::report::{
    BonusReport, ClausePath, DeductionMore, DeductionReport, ExtraReport, FactReport, FlagReport,
    ItemMore, ItemReport, LevelReport, Names, Noticed, PenaltyReport, Report, RubricInfo,
    SectionReport, Status, VetoReport,
};
use rust_decimal::{Decimal, RoundingStrategy};

/// The version 1 meaning of a clause, for clauses without a form of their own.
pub(super) static V1_FORM: ClauseForm = ClauseForm::V1;

/// The forms of the clauses of an item, penalty or bonus (empty: all version 1).
pub(super) fn clause_forms(rubric: &Rubric, owner: Owner) -> &[ClauseForm] {
    match owner {
        Owner::Item(i) => rubric.item_form(i).map_or(&[], |f| f.clauses.as_slice()),
        Owner::Penalty(p) => rubric.forms().penalties.get(p).map_or(&[], Vec::as_slice),
        Owner::Bonus(b) => rubric.bonuses().get(b).map_or(&[], |b| b.forms.as_slice()),
    }
}

/// What the version 2 shapes keep of their findings, beside a clause's state.
#[derive(Debug, Default)]
pub(super) struct More<'f> {
    /// Level tables: one entry per level found, in the order first found.
    levels: Vec<LevelState<'f>>,
    /// Rate clauses measured from `target`: the target, with its finding.
    target: Option<(Decimal, usize)>,
    /// Ranges `per occurrence`: Σ of the findings' amounts.
    sum: Decimal,
    /// Ranges `per occurrence`: how many findings gave an amount.
    occurrences: u64,
}

#[derive(Debug)]
struct LevelState<'f> {
    /// 1-based.
    level: usize,
    /// Σ counts (or 1 per finding without count or names).
    times: u64,
    names: Vec<&'f str>,
}

/// The value a finding gave for a fact.
#[derive(Debug)]
pub(super) struct FactState<'f> {
    value: Decimal,
    index: usize,
    notes: Vec<&'f str>,
    evidence: Vec<&'f str>,
}

/// The figures of one clause, before its cap.
#[derive(Debug, Default)]
struct Figures<'r> {
    raw: Decimal,
    count: Option<u64>,
    unit: Option<&'r str>,
    value: Option<Decimal>,
    target: Option<Decimal>,
    steps: Option<Decimal>,
    levels: Option<Vec<LevelReport<'r>>>,
}

fn shape_words(shape: &Shape) -> &'static str {
    match shape {
        Shape::Rate { .. } => "which is a rate clause",
        Shape::Levels { unit: Some(_), .. } => "which is a level table counted per unit",
        Shape::Levels { unit: None, .. } => "which is a level table",
        Shape::Tiers { .. } => "which is a tiered threshold",
        Shape::Range {
            per_occurrence: Some(_),
            ..
        } => "which is a range per occurrence",
        Shape::Range { .. } => "which is a range",
        Shape::Exhausted { .. } => "which applies by itself when its item is exhausted",
    }
}

fn shape_accepts(shape: &Shape, field: Field) -> bool {
    match field {
        Field::Count => matches!(shape, Shape::Levels { .. }),
        Field::Entities => matches!(shape, Shape::Levels { unit: Some(_), .. }),
        Field::Amount => matches!(shape, Shape::Range { .. }),
        Field::Value => matches!(shape, Shape::Rate { .. } | Shape::Tiers { .. }),
        Field::Level => matches!(shape, Shape::Levels { .. }),
        Field::Target => matches!(
            shape,
            Shape::Rate {
                threshold: RatePoint::Target(_),
                ..
            }
        ),
        Field::Score | Field::Reason => false,
    }
}

/// A decimal written for a condition: `50%` for a percentage, else plain.
fn amount_text(amount: &crate::model::Amount) -> String {
    if amount.percent {
        match amount.value.checked_mul(Decimal::ONE_HUNDRED) {
            Some(v) => format!("{}%", v.normalize()),
            None => amount.value.normalize().to_string(),
        }
    } else {
        amount.value.normalize().to_string()
    }
}

/// A condition part in canonical form (`8.1/a`, `tagged hazard`, `deaths >= 1`).
pub(crate) fn part_text(part: &Part) -> String {
    match part {
        Part::Clause(r) => format!("{}/{}", r.item.name, r.clause.name),
        Part::Tagged { tag, .. } => format!("tagged {}", tag.name),
        Part::Fact { fact, op, value } => {
            format!("{} {} {}", fact.name, op.as_str(), amount_text(value))
        }
        Part::Score { op, value, .. } => format!("score {} {}", op.as_str(), amount_text(value)),
    }
}

/// The grade band a rounded score earns in a version 2 rubric: thresholds
/// `at least` (best first, first band whose threshold ≤ score) or, in a
/// points rubric, `at most` (first band whose threshold ≥ score); `None`
/// for the last band.
pub(super) fn band(rubric: &Rubric, score: Decimal) -> Option<usize> {
    if rubric.scoring() == Scoring::Points {
        (0..rubric.grades().len()).find(|&g| {
            rubric
                .grade_form(g)
                .at_most
                .is_some_and(|t| score <= t.value)
        })
    } else {
        rubric
            .grades()
            .iter()
            .position(|g| g.at_least.is_some_and(|t| t.value <= score))
    }
}

/// Whether a clause's own deduction (or points), before exclusion and
/// caps, is not zero.
fn found(d: &DeductionReport<'_>) -> bool {
    match d.excluded_by() {
        Some(Some(_)) => !d.raw.is_zero(),
        _ => !d.amount.is_zero(),
    }
}

/// The outcome that conditions are tested against.
struct Outcome<'a, 'r> {
    rubric: &'r Rubric,
    items: &'a [ItemReport<'r>],
    penalties: &'a [PenaltyReport<'r>],
    bonuses: &'a [BonusReport<'r>],
    facts: &'a [Option<Decimal>],
    /// The rounded reported score (flags only).
    score: Decimal,
}

impl Outcome<'_, '_> {
    fn clause_holds(&self, place: ClausePlace) -> bool {
        let Some(clause) = self.rubric.clause_at(place) else {
            return false;
        };
        let id = clause.id.as_str();
        let list = match place.owner {
            Owner::Item(i) => {
                let Some(item) = self.items.get(i) else {
                    return false;
                };
                if matches!(
                    self.rubric.clause_form(place).shape,
                    Some(Shape::Exhausted { .. })
                ) {
                    return item
                        .extra()
                        .is_some_and(|e| e.clauses.iter().any(|p| p.clause == id));
                }
                &item.deductions
            }
            Owner::Penalty(p) => match self.penalties.get(p) {
                Some(r) => &r.deductions,
                None => return false,
            },
            Owner::Bonus(b) => match self.bonuses.get(b) {
                Some(r) => &r.additions,
                None => return false,
            },
        };
        list.iter().any(|d| d.clause == id && found(d))
    }

    fn holds(&self, part: &Part) -> bool {
        match part {
            Part::Clause(r) => self
                .rubric
                .resolve(r)
                .is_some_and(|place| self.clause_holds(place)),
            Part::Tagged { tag, .. } => self
                .rubric
                .tagged(tag.as_str())
                .iter()
                .any(|&place| self.clause_holds(place)),
            Part::Fact { fact, op, value } => self
                .rubric
                .fact_index(fact.as_str())
                .and_then(|f| self.facts.get(f).copied().flatten())
                .is_some_and(|v| op.holds(v, value.value)),
            Part::Score { op, value, .. } => op.holds(self.score, value.value),
        }
    }

    /// The parts that held, and whether the condition holds.
    fn test<'p>(&self, all: bool, parts: &'p [Part]) -> (Vec<&'p Part>, bool) {
        let held: Vec<&Part> = parts.iter().filter(|p| self.holds(p)).collect();
        let holds = if all {
            !parts.is_empty() && held.len() == parts.len()
        } else {
            !held.is_empty()
        };
        (held, holds)
    }
}

/// The raw deduction of a version 1 shape, as `deductions` computes it, for
/// exclusive groups (which look at clauses before their items are scored).
fn v1_raw(
    deduction: &Deduction,
    state: &super::ClauseState<'_>,
    clause_weight: Decimal,
) -> Decimal {
    match deduction {
        Deduction::Once { amount, .. } if state.times >= 1 => amount.value,
        Deduction::All { .. } if state.times >= 1 => clause_weight,
        Deduction::Per { amount, .. } => {
            let mut names = state.names.clone();
            names.sort_unstable();
            names.dedup();
            let n = u64::try_from(names.len())
                .ok()
                .and_then(|named| state.times.checked_add(named))
                .unwrap_or(u64::MAX);
            amount.value.saturating_mul(Decimal::from(n))
        }
        Deduction::UpTo { .. } => state.amount.map_or(Decimal::ZERO, |(a, _)| a),
        Deduction::Threshold {
            amount,
            op,
            threshold,
        } => {
            let crossed = state.value.is_some_and(|(v, _)| match op {
                Comparison::Below => v < threshold.value,
                Comparison::Above => v > threshold.value,
            });
            if crossed {
                amount.value
            } else {
                Decimal::ZERO
            }
        }
        _ => Decimal::ZERO,
    }
}

const TOO_LARGE: &str = "is too large to compute exactly (a decimal holds at most 28 significant digits, up to about 7.9e28)";

/// The figures of a version 2 shape from its merged findings. Level names
/// must already be distinct. Pure: problems come back as a message.
fn figures<'r>(
    rubric: &'r Rubric,
    shape: &'r Shape,
    state: &super::ClauseState<'_>,
) -> Result<Figures<'r>, String> {
    let more = state.more.as_deref();
    match shape {
        Shape::Rate {
            amount,
            step,
            steps,
            op,
            threshold,
            ..
        } => {
            let value = state.value.map(|(v, _)| v);
            let target = more.and_then(|m| m.target).map(|(t, _)| t);
            let point = match threshold {
                RatePoint::Fixed(p) => Some(p.value),
                RatePoint::Target(_) => target,
            };
            let mut figures = Figures {
                value,
                target: match threshold {
                    RatePoint::Target(_) => target,
                    RatePoint::Fixed(_) => None,
                },
                ..Figures::default()
            };
            let (Some(v), Some(p)) = (value, point) else {
                return Ok(figures);
            };
            let gap = match op {
                Comparison::Below => p.checked_sub(v),
                Comparison::Above => v.checked_sub(p),
            }
            .ok_or_else(|| format!("the gap {TOO_LARGE}"))?;
            if gap <= Decimal::ZERO {
                figures.steps = Some(Decimal::ZERO);
                return Ok(figures);
            }
            let step = step.map_or(Decimal::ONE, |s| s.value);
            if step <= Decimal::ZERO {
                return Err("the rate clause has a step of zero".into());
            }
            let quotient = gap
                .checked_div(step)
                .ok_or_else(|| format!("the number of steps {TOO_LARGE}"))?;
            let counted = match steps {
                Steps::Exact => quotient,
                Steps::Full => quotient.floor(),
                Steps::Started => quotient.ceil(),
            };
            figures.steps = Some(counted);
            figures.raw = amount
                .value
                .checked_mul(counted)
                .ok_or_else(|| format!("the deduction {TOO_LARGE}"))?;
            Ok(figures)
        }
        Shape::Levels { amounts, unit, .. } => {
            let labels = &rubric.forms().levels;
            let mut found: Vec<&LevelState<'_>> =
                more.map_or(Vec::new(), |m| m.levels.iter().collect());
            found.sort_by_key(|l| l.level);
            let mut raw = Decimal::ZERO;
            let mut total: u64 = 0;
            let mut levels = Vec::with_capacity(found.len());
            for l in found {
                let a = l
                    .level
                    .checked_sub(1)
                    .and_then(|k| amounts.get(k))
                    .map_or(Decimal::ZERO, |a| a.value);
                let (count, amount) = if unit.is_some() {
                    let n = u64::try_from(l.names.len())
                        .ok()
                        .and_then(|named| l.times.checked_add(named))
                        .ok_or_else(|| format!("the count {TOO_LARGE}"))?;
                    let amount = a
                        .checked_mul(Decimal::from(n))
                        .ok_or_else(|| format!("the deduction {TOO_LARGE}"))?;
                    (n, amount)
                } else if l.times >= 1 {
                    (l.times, a)
                } else {
                    (0, Decimal::ZERO)
                };
                total = total.saturating_add(count);
                raw = raw
                    .checked_add(amount)
                    .ok_or_else(|| format!("the deduction {TOO_LARGE}"))?;
                levels.push(LevelReport {
                    level: l.level,
                    label: l
                        .level
                        .checked_sub(1)
                        .and_then(|k| labels.get(k))
                        .map(|t| t.as_str()),
                    count,
                    amount,
                });
            }
            Ok(Figures {
                raw,
                count: Some(total),
                unit: unit.as_ref().map(|u| u.as_str()),
                levels: Some(levels),
                ..Figures::default()
            })
        }
        Shape::Tiers { op, tiers } => {
            let value = state.value.map(|(v, _)| v);
            let raw = value
                .and_then(|v| {
                    tiers.iter().find(|t| match op {
                        Comparison::Below => v < t.threshold.value,
                        Comparison::Above => v > t.threshold.value,
                    })
                })
                .map_or(Decimal::ZERO, |t| t.amount.value);
            Ok(Figures {
                raw,
                value,
                ..Figures::default()
            })
        }
        Shape::Range { per_occurrence, .. } => match per_occurrence {
            Some(_) => Ok(Figures {
                raw: more.map_or(Decimal::ZERO, |m| m.sum),
                count: Some(more.map_or(0, |m| m.occurrences)),
                unit: Some(crate::model::OCCURRENCE),
                ..Figures::default()
            }),
            None => Ok(Figures {
                raw: state.amount.map_or(Decimal::ZERO, |(a, _)| a),
                ..Figures::default()
            }),
        },
        Shape::Exhausted { .. } => Ok(Figures::default()),
    }
}

impl<'r, 'f> Evaluation<'r, 'f> {
    /// A finding that gives a fact's value.
    pub(super) fn fact_finding(&mut self, index: usize, finding: &'f Finding, id: &str) {
        let others = [
            ("item", finding.item.is_some()),
            ("clause", finding.clause.is_some()),
            ("external", finding.external.is_some()),
            ("veto", finding.veto.is_some()),
            ("not_applicable", finding.not_applicable),
        ];
        for (name, given) in others {
            if given {
                self.error(
                    index,
                    Some(name),
                    format!("`{name}` does not fit a fact finding, which takes `value`, `note` and `evidence`"),
                );
            }
        }
        for field in ALL_FIELDS {
            if field != Field::Value && field.given(finding) {
                self.error(
                    index,
                    Some(field.name()),
                    format!(
                        "`{}` does not fit a fact finding, which takes `value`, `note` and `evidence`",
                        field.name()
                    ),
                );
            }
        }
        let rubric = self.rubric;
        let Some(f) = rubric.fact_index(id) else {
            let message = if rubric.facts().is_empty() {
                format!("unknown fact `{id}`; the rubric declares no facts")
            } else {
                format!(
                    "unknown fact `{id}`; the facts are {}",
                    list(rubric.facts().iter().map(|f| f.id.as_str()))
                )
            };
            let help = suggest(id, rubric.facts().iter().map(|f| f.id.as_str()));
            self.error(index, Some("fact"), message).help = help;
            return;
        };
        let Some(value) = finding.value else {
            self.error(
                index,
                Some("value"),
                format!(
                    "missing `value` for fact `{id}` (a number, or a percentage such as \"42%\")"
                ),
            );
            return;
        };
        let Some(slot) = self.facts.get_mut(f) else {
            return;
        };
        if let Some(first) = slot {
            let first = first.index;
            self.error(
                index,
                Some("fact"),
                format!("fact `{id}` is given twice (first in findings[{first}]); give one value per fact"),
            );
            return;
        }
        *slot = Some(FactState {
            value,
            index,
            notes: finding.note.as_deref().into_iter().collect(),
            evidence: finding.evidence.iter().map(String::as_str).collect(),
        });
    }

    /// A finding for a clause of a bonus item.
    pub(super) fn bonus_finding(&mut self, index: usize, finding: &'f Finding, b: usize) {
        let rubric = self.rubric;
        let Some(bonus) = rubric.bonuses().get(b) else {
            return;
        };
        let id = bonus.id.as_str();
        if finding.not_applicable {
            self.error(
                index,
                Some("not_applicable"),
                format!("`{id}` is a bonus item, which cannot be declared not applicable"),
            );
            return;
        }
        if finding.external.is_some() {
            self.error(
                index,
                Some("external"),
                format!("`{id}` is a bonus item, which has no externals"),
            );
            return;
        }
        let Some(clause_id) = finding.clause.as_deref() else {
            self.error(
                index,
                None,
                format!("the finding for bonus item `{id}` names no clause"),
            );
            return;
        };
        let Some(c) = bonus.clauses.iter().position(|c| c.id.name == clause_id) else {
            self.unknown_clause(index, "bonus item", id, &bonus.clauses, clause_id);
            return;
        };
        let base = rubric.items().len() + rubric.penalties().len() + b;
        let slot = self.clause_base.get(base).map_or(0, |s| s + c);
        let limit = bonus.cap.map_or(Decimal::ZERO, |c| c.value);
        let form = bonus.forms.get(c).unwrap_or(&V1_FORM);
        if let Some(clause) = bonus.clauses.get(c) {
            self.clause_finding(index, finding, id, clause, form, limit, slot);
        }
    }

    /// A finding for a clause of a version 2 shape.
    pub(super) fn shape_finding(
        &mut self,
        index: usize,
        finding: &'f Finding,
        reference: ClausePath<'_>,
        shape: &Shape,
        clause_weight: Decimal,
        slot: usize,
    ) {
        let _ = clause_weight;
        if let Shape::Exhausted { .. } = shape {
            self.error(
                index,
                Some("clause"),
                format!("clause `{reference}` is an `extra … when exhausted` clause: it takes no findings and applies by itself when its item is exhausted"),
            );
            return;
        }
        let mut fits = true;
        for field in ALL_FIELDS {
            if field.given(finding) && !shape_accepts(shape, field) {
                fits = false;
                self.error(
                    index,
                    Some(field.name()),
                    format!(
                        "`{}` does not fit clause `{reference}`, {}; `{}` fits {}",
                        field.name(),
                        shape_words(shape),
                        field.name(),
                        field.fits_v2()
                    ),
                );
            }
        }
        if !fits {
            return;
        }
        let labels = &self.rubric.forms().levels;
        let Some(state) = self.clauses.get_mut(slot) else {
            return;
        };
        let mut problem: Option<(&'static str, String)> = None;
        match shape {
            Shape::Rate { threshold, .. } => {
                match (finding.value, state.value) {
                    (None, _) => {
                        problem = Some((
                            "value",
                            format!("missing `value` for rate clause `{reference}` (a number, or a percentage such as \"42%\")"),
                        ));
                    }
                    (Some(_), Some((_, first))) => {
                        problem = Some((
                            "value",
                            format!("a second finding for rate clause `{reference}` (the first is findings[{first}]); give one value per clause"),
                        ));
                    }
                    (Some(v), None) => state.value = Some((v, index)),
                }
                if matches!(threshold, RatePoint::Target(_)) && problem.is_none() {
                    match finding.target {
                        Some(t) => {
                            state.more.get_or_insert_with(Default::default).target =
                                Some((t, index));
                        }
                        None => {
                            problem = Some((
                                "target",
                                format!("missing `target` for rate clause `{reference}`, which measures from the finding's target"),
                            ));
                        }
                    }
                }
            }
            Shape::Tiers { .. } => match (finding.value, state.value) {
                (None, _) => {
                    problem = Some((
                        "value",
                        format!("missing `value` for tiered clause `{reference}` (a number, or a percentage such as \"42%\")"),
                    ));
                }
                (Some(_), Some((_, first))) => {
                    problem = Some((
                        "value",
                        format!("a second `value` for tiered clause `{reference}` (the first is in findings[{first}]); give one value per clause"),
                    ));
                }
                (Some(v), None) => state.value = Some((v, index)),
            },
            Shape::Range {
                min,
                max,
                per_occurrence,
                ..
            } => {
                let (min, max) = (min.value, max.value);
                match finding.amount {
                    None => {
                        problem = Some((
                            "amount",
                            format!(
                                "missing `amount` for range clause `{reference}` ({} to {})",
                                crate::report::plain(min),
                                crate::report::plain(max)
                            ),
                        ));
                    }
                    Some(a) if a < min || a > max => {
                        problem = Some((
                            "amount",
                            format!(
                                "amount `{}` is out of range for clause `{reference}`: expected {} ≤ amount ≤ {}",
                                crate::report::plain(a),
                                crate::report::plain(min),
                                crate::report::plain(max)
                            ),
                        ));
                    }
                    Some(a) if per_occurrence.is_some() => {
                        let more = state.more.get_or_insert_with(Default::default);
                        match more.sum.checked_add(a) {
                            Some(sum) => {
                                more.sum = sum;
                                more.occurrences = more.occurrences.saturating_add(1);
                            }
                            None => {
                                problem = Some((
                                    "amount",
                                    format!("the amounts for clause `{reference}` add up to more than a decimal holds"),
                                ));
                            }
                        }
                    }
                    Some(a) => match state.amount {
                        Some((_, first)) => {
                            problem = Some((
                                "amount",
                                format!("a second `amount` for range clause `{reference}` (the first is in findings[{first}]); give one amount per clause, or write the clause `per occurrence`"),
                            ));
                        }
                        None => state.amount = Some((a, index)),
                    },
                }
            }
            Shape::Levels { amounts, unit, .. } => {
                let level = match &finding.level {
                    None => {
                        problem = Some((
                            "level",
                            format!(
                                "missing `level` for level-table clause `{reference}` (1 to {})",
                                amounts.len()
                            ),
                        ));
                        None
                    }
                    Some(Level::Number(k)) => match usize::try_from(*k) {
                        Ok(k) if k >= 1 && k <= amounts.len() => Some(k),
                        _ => {
                            problem = Some((
                                "level",
                                format!(
                                    "level {k} is out of range for clause `{reference}`: its table has levels 1 to {}",
                                    amounts.len()
                                ),
                            ));
                            None
                        }
                    },
                    Some(Level::Label(label)) => {
                        match labels.iter().position(|l| l.as_str() == label) {
                            Some(k) if k < amounts.len() => Some(k + 1),
                            Some(k) => {
                                problem = Some((
                                    "level",
                                    format!(
                                        "level \"{label}\" is level {} but clause `{reference}` has levels 1 to {}",
                                        k + 1,
                                        amounts.len()
                                    ),
                                ));
                                None
                            }
                            None => {
                                let message = if labels.is_empty() {
                                    format!("unknown level \"{label}\"; the rubric declares no `levels` labels, so give the level's number (1 to {})", amounts.len())
                                } else {
                                    format!(
                                        "unknown level \"{label}\"; the levels are {}",
                                        labels
                                            .iter()
                                            .map(|l| format!("\"{}\"", l.as_str()))
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    )
                                };
                                problem = Some(("level", message));
                                None
                            }
                        }
                    }
                };
                if let Some(level) = level {
                    if let (Some(names), Some(count)) = (&finding.entities, finding.count) {
                        let mut own: Vec<&str> = names.iter().map(String::as_str).collect();
                        own.sort_unstable();
                        own.dedup();
                        if usize::try_from(count).ok() != Some(own.len()) {
                            problem = Some((
                                "count",
                                format!(
                                    "`count` is {count} but `entities` names {} for clause `{reference}`; give one, or make them agree",
                                    own.len()
                                ),
                            ));
                        }
                    }
                    let more = state.more.get_or_insert_with(Default::default);
                    let at = match more.levels.iter().position(|l| l.level == level) {
                        Some(at) => at,
                        None => {
                            more.levels.push(LevelState {
                                level,
                                times: 0,
                                names: Vec::new(),
                            });
                            more.levels.len() - 1
                        }
                    };
                    if let Some(slot) = more.levels.get_mut(at) {
                        match (&finding.entities, unit) {
                            (Some(names), Some(_)) => {
                                slot.names.extend(names.iter().map(String::as_str));
                            }
                            _ => match slot.times.checked_add(finding.count.unwrap_or(1)) {
                                Some(times) => slot.times = times,
                                None => {
                                    slot.times = u64::MAX;
                                    state.too_many = true;
                                }
                            },
                        }
                    }
                }
            }
            Shape::Exhausted { .. } => {}
        }
        state.touched = true;
        state.notes.extend(finding.note.as_deref());
        state
            .evidence
            .extend(finding.evidence.iter().map(String::as_str));
        if let Some((field, message)) = problem {
            self.error(index, Some(field), message);
        }
    }

    /// The report of a clause of a version 2 shape.
    pub(super) fn shape_deduction(
        &mut self,
        clause: &'r Clause,
        shape: &'r Shape,
        state: &mut super::ClauseState<'f>,
        reference: ClausePath<'r>,
        clause_weight: Decimal,
        entities: &mut Entities<'r, 'f>,
    ) -> DeductionReport<'r> {
        if let (Shape::Levels { amounts, unit, .. }, Some(more)) =
            (shape, state.more.as_deref_mut())
        {
            more.levels.sort_by_key(|l| l.level);
            for level in &mut more.levels {
                let a = level
                    .level
                    .checked_sub(1)
                    .and_then(|k| amounts.get(k))
                    .map_or(Decimal::ZERO, |a| a.value);
                if unit.is_some() {
                    level.names.sort_unstable();
                    let before = level.names.len();
                    let mut repeated: Vec<&str> = level
                        .names
                        .windows(2)
                        .filter(|w| w.first() == w.get(1))
                        .filter_map(|w| w.first().copied())
                        .collect();
                    repeated.dedup();
                    level.names.dedup();
                    if before != level.names.len() {
                        for name in repeated {
                            self.warnings.push(Noticed::NamedTwice {
                                clause: reference,
                                name: name.to_owned(),
                            });
                        }
                    }
                    for name in &level.names {
                        entities.add(name, a, reference);
                    }
                } else if level.times > 1 {
                    self.warnings.push(Noticed::LevelFoundTimes {
                        clause: reference,
                        level: level.level,
                        times: level.times,
                    });
                }
            }
        }
        if state.too_many {
            self.errors.push(FindingError::new(
                Location::Rubric(reference.to_string()),
                format!(
                    "the counts given for clause `{reference}` add up to more than {}, the largest count",
                    u64::MAX
                ),
            ));
        }
        let figures = match figures(self.rubric, shape, state) {
            Ok(figures) => figures,
            Err(message) => {
                self.errors.push(FindingError::new(
                    Location::Rubric(reference.to_string()),
                    format!("clause `{reference}`: {message}"),
                ));
                Figures::default()
            }
        };
        let raw = figures.raw;
        let (amount, capped) = match shape.cap() {
            Some(cap) => {
                let limit = cap.resolve(clause_weight);
                if raw > limit {
                    (limit, true)
                } else {
                    (raw, false)
                }
            }
            None => (raw, false),
        };
        let mut names: Vec<&str> = Vec::new();
        if let Some(more) = state.more.as_deref() {
            for level in &more.levels {
                names.extend(level.names.iter().copied());
            }
        }
        names.sort_unstable();
        names.dedup();
        let unit = figures.unit;
        DeductionReport {
            clause: &clause.id.name,
            text: &clause.text.value,
            shape: shape.name(),
            amount,
            count: figures.count,
            unit,
            unit_label: unit
                .and_then(|u| self.rubric.unit(u))
                .map(|u| u.label.value.as_str()),
            raw,
            capped,
            value: figures.value,
            more: Some(Box::new(DeductionMore {
                target: figures.target,
                steps: figures.steps,
                level: figures.levels,
                excluded_by: None,
            })),
            entities: names.into_iter().map(str::to_owned).collect(),
            note: joined(std::mem::take(&mut state.notes)),
            evidence: distinct(std::mem::take(&mut state.evidence)),
            owners: Names::new(&clause.owners),
        }
    }

    /// The clause slot of a place.
    fn slot_of(&self, place: ClausePlace) -> Option<usize> {
        let rubric = self.rubric;
        let target = match place.owner {
            Owner::Item(i) => i,
            Owner::Penalty(p) => rubric.items().len() + p,
            Owner::Bonus(b) => rubric.items().len() + rubric.penalties().len() + b,
        };
        Some(self.clause_base.get(target)? + place.clause)
    }

    /// `ITEM/CLAUSE` of a place.
    fn path_of(&self, place: ClausePlace) -> Option<ClausePath<'r>> {
        let rubric = self.rubric;
        let owner = match place.owner {
            Owner::Item(i) => rubric.items().get(i)?.id.as_str(),
            Owner::Penalty(p) => rubric.penalties().get(p)?.id.as_str(),
            Owner::Bonus(b) => rubric.bonuses().get(b)?.id.as_str(),
        };
        let clause = rubric.clause_at(place)?;
        Some(ClausePath {
            item: owner,
            clause: clause.id.as_str(),
        })
    }

    /// Exclusive groups (rule 9.3.3): of the listed clauses that deduct,
    /// the first in rubric order keeps its deduction; the others are noted
    /// in `excluded` with the clause that kept its own.
    fn exclusions(&mut self) {
        let rubric = self.rubric;
        for g in 0..rubric.exclusive_groups().len() {
            let mut members = rubric.exclusive_members(g).to_vec();
            members.sort_unstable();
            members.dedup();
            let mut kept: Option<ClausePath<'r>> = None;
            for place in members {
                let (Some(slot), Some(clause)) = (self.slot_of(place), rubric.clause_at(place))
                else {
                    continue;
                };
                let Some(state) = self.clauses.get(slot) else {
                    continue;
                };
                if !state.touched {
                    continue;
                }
                let clause_weight = match place.owner {
                    Owner::Item(i) => rubric.clause_weight_of(i).max(Decimal::ZERO),
                    _ => Decimal::ZERO,
                };
                let raw = match &rubric.clause_form(place).shape {
                    Some(shape) => figures(rubric, shape, state).map_or(Decimal::ZERO, |f| f.raw),
                    None => v1_raw(&clause.deduction, state, clause_weight),
                };
                if raw.is_zero() {
                    continue;
                }
                match kept {
                    None => kept = self.path_of(place),
                    Some(winner) => self.excluded.push((slot, winner)),
                }
            }
        }
    }

    /// Marks a deduction of a clause in an exclusive group: `excluded_by`,
    /// and no amount when another clause kept its deduction.
    pub(super) fn mark_excluded(
        &self,
        owner: Owner,
        clause: usize,
        slot: usize,
        report: &mut DeductionReport<'r>,
    ) {
        let place = ClausePlace { owner, clause };
        if self.rubric.exclusive_group_of(place).is_none() {
            return;
        }
        let by = self
            .excluded
            .iter()
            .find(|(s, _)| *s == slot)
            .map(|(_, winner)| *winner);
        if by.is_some() {
            report.amount = Decimal::ZERO;
        }
        report.more.get_or_insert_with(Default::default).excluded_by = Some(by);
    }

    fn checked(&mut self, value: Option<Decimal>) -> Decimal {
        value.unwrap_or_else(|| {
            self.overflow = true;
            Decimal::ZERO
        })
    }

    /// The report of a rubric that uses version 2 forms (spec 9.3).
    pub(super) fn report_v2(&mut self) -> Option<Report<'r>> {
        let rubric = self.rubric;
        let points = rubric.scoring() == Scoring::Points;
        if !rubric.exclusive_groups().is_empty() {
            self.exclusions();
        }
        let has_extras = (0..rubric.items().len()).any(|i| {
            clause_forms(rubric, Owner::Item(i))
                .iter()
                .any(|f| f.extra.is_some())
        });
        let mut owners = Owners::new(rubric);
        let mut entities = Entities::default();
        let mut items = Vec::with_capacity(rubric.items().len());
        let mut item_extras = Vec::with_capacity(rubric.items().len());
        let mut applicable_weight = Decimal::ZERO;
        let mut not_applicable_weight = Decimal::ZERO;
        for (i, item) in rubric.items().iter().enumerate() {
            let mut report = self.item_report(i, item, &mut owners, &mut entities);
            let mut extra = Decimal::ZERO;
            if points {
                report.shown_weight = None;
            }
            if report.score.is_none() {
                let sum = self.checked(not_applicable_weight.checked_add(item.weight.value));
                not_applicable_weight = sum;
                if has_extras {
                    report.more = Some(Box::new(ItemMore {
                        points: None,
                        exhausted: Some(false),
                        extra: Some(ExtraReport {
                            amount: Decimal::ZERO,
                            clauses: Vec::new(),
                        }),
                    }));
                }
                items.push(report);
                item_extras.push(extra);
                continue;
            }
            let sum = report
                .deductions
                .iter()
                .try_fold(Decimal::ZERO, |s, d| s.checked_add(d.amount));
            let d = self.checked(sum);
            let ranks = rubric.owner_ranks(Target::Item(i));
            if points {
                report.score = Some(d);
                report.more = Some(Box::new(ItemMore {
                    points: Some(d),
                    ..ItemMore::default()
                }));
                report.deducted = Decimal::ZERO;
                report.capped = false;
                // As `charge_item` does, with the points for what was lost.
                let by_clauses = owners.charge_clauses(
                    item.id.as_str(),
                    &item.clauses,
                    ranks,
                    &report.deductions,
                    d,
                );
                owners.charge_each(
                    Names::new(&item.owners),
                    ranks.map_or(&[][..], |r| r.owners.as_slice()),
                    item.id.as_str(),
                    d.saturating_sub(by_clauses),
                );
            } else {
                let total = self.checked(applicable_weight.checked_add(item.weight.value));
                applicable_weight = total;
                if has_extras {
                    let clause_weight = rubric.clause_weight_of(i).max(Decimal::ZERO);
                    let exhausted = d > Decimal::ZERO && d >= clause_weight;
                    let mut clauses = Vec::new();
                    for (c, form) in clause_forms(rubric, Owner::Item(i)).iter().enumerate() {
                        let (Some(x), Some(clause)) = (form.extra, item.clauses.get(c)) else {
                            continue;
                        };
                        let applies = match form.shape {
                            Some(Shape::Exhausted { .. }) => exhausted,
                            _ => report.deductions.iter().any(|d| {
                                d.clause == clause.id.name
                                    && !d.raw.is_zero()
                                    && !matches!(d.excluded_by(), Some(Some(_)))
                            }),
                        };
                        if applies {
                            extra = self.checked(extra.checked_add(x.amount.value));
                            clauses.push(ClausePath {
                                item: item.id.as_str(),
                                clause: clause.id.as_str(),
                            });
                        }
                    }
                    owners.charge_each(
                        Names::new(&item.owners),
                        ranks.map_or(&[][..], |r| r.owners.as_slice()),
                        item.id.as_str(),
                        extra,
                    );
                    report.more = Some(Box::new(ItemMore {
                        points: None,
                        exhausted: Some(exhausted),
                        extra: Some(ExtraReport {
                            amount: extra,
                            clauses,
                        }),
                    }));
                }
            }
            items.push(report);
            item_extras.push(extra);
        }
        let (raw, sections) = self.sections(&items, &item_extras);

        let mut penalties = Vec::with_capacity(rubric.penalties().len());
        let mut penalized = Decimal::ZERO;
        for (p, penalty) in rubric.penalties().iter().enumerate() {
            let base = self
                .clause_base
                .get(rubric.items().len() + p)
                .copied()
                .unwrap_or(0);
            let limit = penalty.cap.map_or(Decimal::ZERO, |c| c.value);
            let deductions = self.deductions(
                Owner::Penalty(p),
                &penalty.id.name,
                &penalty.clauses,
                base,
                limit,
                &mut entities,
            );
            let sum = deductions
                .iter()
                .try_fold(Decimal::ZERO, |s, d| s.checked_add(d.amount));
            let raw_sum = self.checked(sum);
            let (deducted, capped) = match penalty.cap {
                Some(cap) if raw_sum > cap.value => (cap.value, true),
                _ => (raw_sum, false),
            };
            owners.charge_clauses(
                &penalty.id.name,
                &penalty.clauses,
                rubric.owner_ranks(Target::Penalty(p)),
                &deductions,
                deducted,
            );
            penalized = self.checked(penalized.checked_add(deducted));
            penalties.push(PenaltyReport {
                id: &penalty.id.name,
                title: &penalty.title.value,
                cap: penalty.cap.map(|c| c.value),
                deducted,
                raw: raw_sum,
                capped,
                deductions,
            });
        }

        let mut bonuses = Vec::with_capacity(rubric.bonuses().len());
        let mut bonused = Decimal::ZERO;
        for (b, bonus) in rubric.bonuses().iter().enumerate() {
            let base = self
                .clause_base
                .get(rubric.items().len() + rubric.penalties().len() + b)
                .copied()
                .unwrap_or(0);
            let limit = bonus.cap.map_or(Decimal::ZERO, |c| c.value);
            let additions = self.deductions(
                Owner::Bonus(b),
                &bonus.id.name,
                &bonus.clauses,
                base,
                limit,
                &mut entities,
            );
            let sum = additions
                .iter()
                .try_fold(Decimal::ZERO, |s, d| s.checked_add(d.amount));
            let raw_sum = self.checked(sum);
            let (added, capped) = match bonus.cap {
                Some(cap) if raw_sum > cap.value => (cap.value, true),
                _ => (raw_sum, false),
            };
            bonused = self.checked(bonused.checked_add(added));
            bonuses.push(BonusReport {
                id: &bonus.id.name,
                title: &bonus.title.value,
                cap: bonus.cap.map(|c| c.value),
                added,
                raw: raw_sum,
                capped,
                additions,
            });
        }

        let facts = self.fact_values();

        if !points && applicable_weight <= Decimal::ZERO {
            self.errors.push(FindingError::new(
                Location::Field("findings"),
                "no item applies: every item is declared not applicable, so there is nothing to score",
            ));
            return None;
        }
        let total = rubric.total();
        let scaled = if points {
            Some(raw)
        } else {
            match rubric.not_applicable() {
                NotApplicable::Rescale => raw
                    .checked_mul(total)
                    .and_then(|x| x.checked_div(applicable_weight))
                    .or_else(|| {
                        raw.checked_div(applicable_weight)
                            .and_then(|x| x.checked_mul(total))
                    }),
                NotApplicable::FullMarks => raw.checked_add(not_applicable_weight),
            }
        };
        let scaled = self.checked(scaled);
        let after = scaled
            .checked_sub(penalized)
            .and_then(|x| x.checked_add(bonused));
        let mut fin = self.checked(after).max(Decimal::ZERO);
        let ceiling_applied = rubric.forms().ceiling.map(|c| {
            if fin > c.value {
                fin = c.value;
                true
            } else {
                false
            }
        });
        let unscaled = fin;
        let scale = rubric.forms().scale.map(|s| s.value);
        if let Some(s) = scale {
            let scaled = fin
                .checked_mul(s)
                .and_then(|x| x.checked_div(total))
                .or_else(|| fin.checked_div(total).and_then(|x| x.checked_mul(s)));
            fin = self.checked(scaled);
        }
        if self.overflow {
            self.errors.push(FindingError::new(
                Location::Field("findings"),
                "the score is too large to compute exactly (a decimal holds at most 28 significant digits, up to about 7.9e28)",
            ));
            return None;
        }
        let decimals = rubric.rounding().min(28);
        let round = |x: Decimal| {
            let mut r = x.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
            r.rescale(decimals);
            r
        };
        let mut score_exact = fin.normalize();
        let mut score = round(score_exact);
        let mut unscaled = unscaled.normalize();

        let vetoes = {
            let outcome = Outcome {
                rubric,
                items: &items,
                penalties: &penalties,
                bonuses: &bonuses,
                facts: &facts,
                score,
            };
            self.vetoes_v2(&outcome)
        };
        let zeroing = (0..rubric.vetoes().len()).any(|v| rubric.veto_form(v).score_zero.is_some());
        let score_before_veto = zeroing.then_some(score);
        if vetoes.iter().any(|v| v.score_zero == Some(true)) {
            score_exact = Decimal::ZERO;
            score = round(Decimal::ZERO);
            unscaled = Decimal::ZERO;
        }
        let grade = self.grade(score, &vetoes);
        let flags = (!rubric.flags().is_empty()).then(|| {
            let outcome = Outcome {
                rubric,
                items: &items,
                penalties: &penalties,
                bonuses: &bonuses,
                facts: &facts,
                score,
            };
            rubric
                .flags()
                .iter()
                .filter_map(|flag| {
                    let (held, holds) = outcome.test(flag.when.all, &flag.when.parts);
                    holds.then(|| FlagReport {
                        id: flag.id.as_str(),
                        text: flag.text.as_str(),
                        parts: held.into_iter().map(part_text).collect(),
                    })
                })
                .collect()
        });
        let fact_reports = (!rubric.facts().is_empty()).then(|| {
            rubric
                .facts()
                .iter()
                .enumerate()
                .map(|(f, fact)| {
                    let state = self.facts.get_mut(f).and_then(Option::take);
                    let (value, defaulted, notes, evidence) = match state {
                        Some(s) => (Some(s.value), false, s.notes, s.evidence),
                        None => (
                            fact.default.map(|d| d.value),
                            fact.default.is_some(),
                            Vec::new(),
                            Vec::new(),
                        ),
                    };
                    FactReport {
                        id: fact.id.as_str(),
                        text: fact.text.as_str(),
                        value,
                        defaulted,
                        note: joined(notes),
                        evidence: distinct(evidence),
                    }
                })
                .collect()
        });
        Some(Report {
            subject: self.findings.subject.clone(),
            rubric: RubricInfo {
                title: rubric.title().as_str(),
                version: rubric.version().map(|v| v.as_str()),
            },
            scoring: points.then_some("points"),
            score,
            score_exact,
            score_before_veto,
            scale,
            unscaled: scale.map(|_| unscaled),
            total,
            raw,
            applicable_weight,
            not_applicable: rubric.not_applicable().as_str(),
            scaled,
            penalized,
            bonused: (!rubric.bonuses().is_empty()).then_some(bonused),
            ceiling_applied,
            grade,
            items,
            sections,
            penalties,
            bonuses: (!rubric.bonuses().is_empty()).then_some(bonuses),
            vetoes,
            flags,
            facts: fact_reports,
            by_owner: owners.finish(),
            by_entity: entities.finish(),
            warnings: std::mem::take(&mut self.warnings),
        })
    }

    /// Weighted sections (rule 9.3.4) and raw: each item's score and extras
    /// go to its nearest weighted section, or to the rubric.
    fn sections(
        &mut self,
        items: &[ItemReport<'r>],
        item_extras: &[Decimal],
    ) -> (Decimal, Option<Vec<SectionReport<'r>>>) {
        let rubric = self.rubric;
        let n = rubric.sections().len();
        let weighted = (0..n).any(|s| rubric.section_form(s).weight.is_some());
        let mut top = Decimal::ZERO;
        let mut rubric_extra = Decimal::ZERO;
        let mut sums = vec![Decimal::ZERO; if weighted { n } else { 0 }];
        let mut extras = sums.clone();
        let mut applicable = vec![false; sums.len()];
        for (i, report) in items.iter().enumerate() {
            let Some(score) = report.score else {
                continue;
            };
            let extra = item_extras.get(i).copied().unwrap_or_default();
            let section = if weighted {
                rubric.item_weighted_section(i)
            } else {
                None
            };
            match section.and_then(|s| Some((sums.get_mut(s)?, s))) {
                Some((sum, s)) => {
                    let added = sum.checked_add(score);
                    *sum = added.unwrap_or_default();
                    if added.is_none() {
                        self.overflow = true;
                    }
                    if let Some(flag) = applicable.get_mut(s) {
                        *flag = true;
                    }
                    if let Some(x) = extras.get_mut(s) {
                        let added = x.checked_add(extra);
                        *x = added.unwrap_or_default();
                        if added.is_none() {
                            self.overflow = true;
                        }
                    }
                }
                None => {
                    top = self.checked(top.checked_add(score));
                    rubric_extra = self.checked(rubric_extra.checked_add(extra));
                }
            }
        }
        let mut reports: Vec<Option<SectionReport<'r>>> = (0..sums.len()).map(|_| None).collect();
        // Children come after their parents: scoring from the last section
        // back gives every section its children's scores first.
        for s in (0..sums.len()).rev() {
            let form = rubric.section_form(s);
            let (Some(weight), Some(section)) = (form.weight, rubric.sections().get(s)) else {
                continue;
            };
            let sum = sums.get(s).copied().unwrap_or_default();
            let extra = extras.get(s).copied().unwrap_or_default();
            let is_applicable = applicable.get(s).copied().unwrap_or(false);
            let parent = rubric.section_weighted_parent(s);
            let (score, floored) = if is_applicable {
                let left = self.checked(sum.checked_sub(extra));
                let floored = left < Decimal::ZERO;
                let score = left.max(Decimal::ZERO);
                match parent.and_then(|p| Some((sums.get_mut(p)?, p))) {
                    Some((parent_sum, p)) => {
                        let added = parent_sum.checked_add(score);
                        *parent_sum = added.unwrap_or_default();
                        if added.is_none() {
                            self.overflow = true;
                        }
                        if let Some(flag) = applicable.get_mut(p) {
                            *flag = true;
                        }
                    }
                    None => top = self.checked(top.checked_add(score)),
                }
                (Some(score), floored)
            } else {
                (None, false)
            };
            if let Some(slot) = reports.get_mut(s) {
                *slot = Some(SectionReport {
                    id: section.id.as_str(),
                    title: section.title.as_str(),
                    weight: weight.value,
                    parent: parent
                        .and_then(|p| rubric.sections().get(p))
                        .map(|p| p.id.as_str()),
                    status: if is_applicable {
                        Status::Scored
                    } else {
                        Status::NotApplicable
                    },
                    score,
                    extra,
                    floored,
                });
            }
        }
        let raw = self
            .checked(top.checked_sub(rubric_extra))
            .max(Decimal::ZERO);
        let sections = weighted.then(|| reports.into_iter().flatten().collect());
        (raw, sections)
    }

    /// The value of every fact (a finding's, or the default); a fact that a
    /// condition names and that has neither is an error.
    fn fact_values(&mut self) -> Vec<Option<Decimal>> {
        let rubric = self.rubric;
        let values: Vec<Option<Decimal>> = rubric
            .facts()
            .iter()
            .zip(&self.facts)
            .map(|(fact, state)| match state {
                Some(s) => Some(s.value),
                None => fact.default.map(|d| d.value),
            })
            .collect();
        let mut named = vec![false; values.len()];
        let mut mark = |parts: &[Part]| {
            for part in parts {
                if let Part::Fact { fact, .. } = part {
                    if let Some(flag) = rubric
                        .fact_index(fact.as_str())
                        .and_then(|f| named.get_mut(f))
                    {
                        *flag = true;
                    }
                }
            }
        };
        for v in 0..rubric.vetoes().len() {
            if let Some(condition) = &rubric.veto_form(v).condition {
                mark(&condition.parts);
            }
        }
        for flag in rubric.flags() {
            mark(&flag.when.parts);
        }
        for ((fact, value), named) in rubric.facts().iter().zip(&values).zip(named) {
            if named && value.is_none() {
                let id = fact.id.as_str();
                self.errors.push(
                    FindingError::new(
                        Location::Rubric(format!("fact {id}")),
                        format!("no value for fact `{id}`, which a condition of the rubric tests"),
                    )
                    .with_help(format!(
                        "add {{\"fact\": \"{id}\", \"value\": …}}; the rubric gives it no default"
                    )),
                );
            }
        }
        values
    }

    /// The triggered vetoes of a version 2 rubric.
    fn vetoes_v2(&mut self, outcome: &Outcome<'_, 'r>) -> Vec<VetoReport<'r>> {
        let rubric = self.rubric;
        let mut out = Vec::new();
        for (v, veto) in rubric.vetoes().iter().enumerate() {
            let state = self.vetoes.take(v).unwrap_or_default();
            let form = rubric.forms().vetoes.get(v);
            let (clauses, parts, holds) = match form.and_then(|f| f.condition.as_ref()) {
                None => {
                    let clauses: Vec<ClausePath<'r>> = veto
                        .when
                        .iter()
                        .filter(|r| outcome.holds(&Part::Clause((*r).clone())))
                        .map(|r| ClausePath {
                            item: r.item.as_str(),
                            clause: r.clause.as_str(),
                        })
                        .collect();
                    let holds = !clauses.is_empty();
                    (clauses, None, holds)
                }
                Some(condition) => {
                    let (held, holds) = outcome.test(condition.all, &condition.parts);
                    let clauses = held
                        .iter()
                        .filter_map(|p| match p {
                            Part::Clause(r) => Some(ClausePath {
                                item: r.item.as_str(),
                                clause: r.clause.as_str(),
                            }),
                            _ => None,
                        })
                        .collect();
                    let parts = held.into_iter().map(part_text).collect();
                    (clauses, Some(parts), holds)
                }
            };
            if !(state.by_finding || holds) {
                continue;
            }
            let caps = form.map_or(true, |f| f.caps_grade);
            out.push(VetoReport {
                id: veto.id.as_str(),
                text: veto.text.as_str(),
                at_most: caps.then_some(veto.at_most.as_str()),
                at_most_label: caps.then(|| {
                    rubric
                        .grade(veto.at_most.as_str())
                        .map_or("", |g| g.label.as_str())
                }),
                score_zero: form.and_then(|f| f.score_zero).map(|_| true),
                by_finding: state.by_finding,
                clauses,
                parts,
                notes: distinct(state.notes),
                evidence: distinct(state.evidence),
            });
        }
        out
    }
}
