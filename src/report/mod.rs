//! Score reports (spec section 7): what an evaluation found, point by point,
//! and its renderings as JSON, terminal text and Markdown.
//!
//! A [`Report`] is plain data produced by
//! [`Rubric::evaluate`](crate::Rubric::evaluate). Its JSON form is the
//! contract other tools read: decimals are strings, keys come in a fixed
//! order, and lists are in rubric order (names sorted), so equal inputs give
//! byte-identical output whatever the order of the findings.
//!
//! A report borrows what the rubric says (ids, titles, clause texts, owners,
//! labels) for the rubric's lifetime `'r` instead of copying it, so that
//! scoring an inspection costs what its findings cost, not what the rubric
//! weighs. What the findings say (subject, notes, evidence, entity names) is
//! owned. Decimals stay [`Decimal`]s; they are written out only by the
//! renderings.

mod markdown;
mod text;
mod width;

pub use width::display_width;

use crate::model::Text;
use rust_decimal::Decimal;
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use std::fmt;

/// The result of evaluating one inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Report<'r> {
    /// Who was inspected.
    pub subject: String,
    /// Which rubric scored it.
    pub rubric: RubricInfo<'r>,
    /// `"points"` for a rubric that counts points upward (`scoring points`);
    /// absent for a deductions rubric.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scoring: Option<&'static str>,
    /// The final score rounded to the rubric's `rounding` decimals, written
    /// with exactly that many decimals (`"20.50"`).
    #[serde(serialize_with = "as_written")]
    pub score: Decimal,
    /// The final score before rounding.
    #[serde(serialize_with = "normalized")]
    pub score_exact: Decimal,
    /// The score, rounded and scaled like `score`, that the rubric's
    /// `score 0` vetoes would have left; present only when the rubric has such a veto.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "as_written_opt"
    )]
    pub score_before_veto: Option<Decimal>,
    /// S, when the rubric declares `scale`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "normalized_opt"
    )]
    pub scale: Option<Decimal>,
    /// The final score in the rubric's own points, before `scale`; present
    /// only when the rubric declares `scale`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "normalized_opt"
    )]
    pub unscaled: Option<Decimal>,
    /// T: the declared total, or the sum of all item weights.
    #[serde(serialize_with = "normalized")]
    pub total: Decimal,
    /// The sum of the applicable items' scores.
    #[serde(serialize_with = "normalized")]
    pub raw: Decimal,
    /// The sum of the applicable items' weights (Wa).
    #[serde(serialize_with = "normalized")]
    pub applicable_weight: Decimal,
    /// How not-applicable items were handled: `rescale` or `full-marks`.
    pub not_applicable: &'static str,
    /// The score after rescaling (or full marks), before penalties.
    #[serde(serialize_with = "normalized")]
    pub scaled: Decimal,
    /// What the penalties deducted together.
    #[serde(serialize_with = "normalized")]
    pub penalized: Decimal,
    /// What the bonus items added together; present only when the rubric has bonus items.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "normalized_opt"
    )]
    pub bonused: Option<Decimal>,
    /// True when `ceiling` cut the final score; present only when the rubric declares `ceiling`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ceiling_applied: Option<bool>,
    /// The grade; `None` when the rubric declares no grades.
    pub grade: Option<GradeResult<'r>>,
    /// Every item, in rubric order.
    pub items: Vec<ItemReport<'r>>,
    /// Every weighted section (小计), in rubric order; present only when
    /// the rubric has weighted sections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<SectionReport<'r>>>,
    /// Every penalty, in rubric order.
    pub penalties: Vec<PenaltyReport<'r>>,
    /// Every bonus item (加分项), in rubric order; present only when the
    /// rubric has bonus items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bonuses: Option<Vec<BonusReport<'r>>>,
    /// The triggered vetoes, in rubric order.
    pub vetoes: Vec<VetoReport<'r>>,
    /// The flags whose conditions held, in rubric order; present only when
    /// the rubric declares flags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<FlagReport<'r>>>,
    /// Every declared fact with the value used; present only when the
    /// rubric declares facts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facts: Option<Vec<FactReport<'r>>>,
    /// Points lost per owner (责任单位), largest first.
    pub by_owner: Vec<OwnerLoss<'r>>,
    /// Points caused per named entity, before any cap.
    pub by_entity: EntityAttribution<'r>,
    /// Things worth a second look that did not stop the evaluation.
    pub warnings: Warnings<'r>,
}

/// The rubric a report was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RubricInfo<'r> {
    /// Its title.
    pub title: &'r str,
    /// Its version, when declared.
    pub version: Option<&'r str>,
}

/// The grade earned, after vetoes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradeResult<'r> {
    /// The grade's id.
    pub id: &'r str,
    /// What people call it.
    pub label: &'r str,
    /// The grade the score alone would earn.
    pub by_score: &'r str,
    /// What people call that grade.
    pub by_score_label: &'r str,
    /// The triggered vetoes that lowered the grade below `by_score`.
    pub capped_by: Vec<&'r str>,
}

/// Whether an item counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Scored.
    Scored,
    /// Declared not applicable: neither its score nor its weight count.
    NotApplicable,
}

/// One item's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemReport<'r> {
    /// The item's id.
    pub id: &'r str,
    /// Its title.
    pub title: &'r str,
    /// W (0 for an item of a points rubric, which has no weight).
    #[serde(skip)]
    pub weight: Decimal,
    /// W as written in JSON: null for an item of a points rubric.
    #[serde(rename = "weight", serialize_with = "normalized_opt")]
    pub(crate) shown_weight: Option<Decimal>,
    /// Scored or not applicable.
    pub status: Status,
    /// Why the item does not apply (not-applicable items only; distinct
    /// reasons sorted and joined with `; `).
    pub reason: Option<String>,
    /// The notes of the findings that declared it not applicable.
    pub note: Option<String>,
    /// The evidence of the findings that declared it not applicable.
    pub evidence: Vec<String>,
    /// (W − E) − min(D, W − E) + Σ external scores; `None` when not applicable.
    #[serde(serialize_with = "normalized_opt")]
    pub score: Option<Decimal>,
    /// min(D, W − E): what the clauses took, after the item's cap.
    #[serde(serialize_with = "normalized")]
    pub deducted: Decimal,
    /// True when the item's cap cut the clauses' deductions (D > W − E).
    pub capped: bool,
    /// What the forms of version 2 add to the item (points, exhausted,
    /// extra); `None` where the rubric uses none of them. Kept apart so
    /// that a version 1 report carries one word for it.
    #[serde(flatten)]
    pub more: Option<Box<ItemMore<'r>>>,
    /// The item's owners.
    pub owners: Names<'r>,
    /// The clauses that findings named, in rubric order (also those that
    /// deducted nothing, such as `count: 0`).
    pub deductions: Vec<DeductionReport<'r>>,
    /// Every external part, in rubric order.
    pub externals: Vec<ExternalReport<'r>>,
}

/// What one clause deducted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeductionReport<'r> {
    /// The clause id.
    pub clause: &'r str,
    /// The clause's text.
    pub text: &'r str,
    /// `once`, `per`, `discretionary` or `threshold`.
    pub shape: &'static str,
    /// The deduction after the clause's own cap (before the item's cap).
    #[serde(serialize_with = "normalized")]
    pub amount: Decimal,
    /// For `per` clauses, n; for once clauses, how many times it was found.
    pub count: Option<u64>,
    /// The id of the unit counted (`per` clauses).
    pub unit: Option<&'r str>,
    /// The unit's measure word (`人`, `家`, `次`).
    pub unit_label: Option<&'r str>,
    /// The deduction before the clause's cap.
    #[serde(serialize_with = "normalized")]
    pub raw: Decimal,
    /// True when the clause's cap cut the deduction.
    pub capped: bool,
    /// The measured value (threshold clauses).
    #[serde(serialize_with = "normalized_opt")]
    pub value: Option<Decimal>,
    /// What the forms of version 2 add to the deduction (target, steps,
    /// levels, exclusion); `None` for a clause that uses none of them.
    #[serde(flatten)]
    pub more: Option<Box<DeductionMore<'r>>>,
    /// The distinct named entities, sorted.
    pub entities: Vec<String>,
    /// The distinct notes of the clause's findings, sorted and joined with `; `.
    pub note: Option<String>,
    /// The distinct pieces of evidence, sorted.
    pub evidence: Vec<String>,
    /// Owners that answer for this clause instead of the item's owners.
    pub owners: Names<'r>,
}

/// What the forms of version 2 add to a deduction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeductionMore<'r> {
    /// The target the gap was measured from (rate clauses that say `target`).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "normalized_opt"
    )]
    pub target: Option<Decimal>,
    /// The steps counted (rate clauses): gap / STEP, whole or started as written.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "normalized_opt"
    )]
    pub steps: Option<Decimal>,
    /// The levels found, in level order (level tables only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<Vec<LevelReport<'r>>>,
    /// For a clause in an exclusive group: the clause that kept its
    /// deduction instead of this one (then `amount` is 0), or null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_by: Option<Option<ClausePath<'r>>>,
}

impl<'r> DeductionReport<'r> {
    /// The target of a rate clause measured from `target`.
    pub fn target(&self) -> Option<Decimal> {
        self.more.as_ref()?.target
    }
    /// The steps a rate clause counted.
    pub fn steps(&self) -> Option<Decimal> {
        self.more.as_ref()?.steps
    }
    /// The levels a level table found.
    pub fn level(&self) -> Option<&[LevelReport<'r>]> {
        self.more.as_ref()?.level.as_deref()
    }
    /// `Some` for a clause in an exclusive group: the clause that kept its
    /// deduction instead of this one, or `None` when this one kept its own.
    pub fn excluded_by(&self) -> Option<Option<ClausePath<'r>>> {
        self.more.as_ref()?.excluded_by
    }
}

/// What the forms of version 2 add to an item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ItemMore<'r> {
    /// The points the item's clauses gave (points rubrics only).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "normalized_opt"
    )]
    pub points: Option<Decimal>,
    /// True when the item is exhausted (D > 0 and D ≥ W − E); present only
    /// when the rubric has extra deductions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exhausted: Option<bool>,
    /// The extra deductions (追加扣除) the item caused, outside its cap;
    /// present only when the rubric has extra deductions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<ExtraReport<'r>>,
}

impl<'r> ItemReport<'r> {
    /// The points of an item of a points rubric.
    pub fn points(&self) -> Option<Decimal> {
        self.more.as_ref()?.points
    }
    /// Whether the item is exhausted (rubrics with extra deductions).
    pub fn exhausted(&self) -> Option<bool> {
        self.more.as_ref()?.exhausted
    }
    /// The extra deductions the item caused (rubrics with extra deductions).
    pub fn extra(&self) -> Option<&ExtraReport<'r>> {
        self.more.as_ref()?.extra.as_ref()
    }
}

/// One level found for a level-table clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelReport<'r> {
    /// The level's number, 1-based.
    pub level: usize,
    /// Its label, when the rubric declares `levels`.
    pub label: Option<&'r str>,
    /// How many were found at this level (n_k; 1 for a table without a unit).
    pub count: u64,
    /// A_k × n_k (or A_k once).
    #[serde(serialize_with = "normalized")]
    pub amount: Decimal,
}

/// The extra deductions of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtraReport<'r> {
    /// X: their sum.
    #[serde(serialize_with = "normalized")]
    pub amount: Decimal,
    /// The clauses whose `extra` applied, in rubric order.
    pub clauses: Vec<ClausePath<'r>>,
}

/// A weighted section's subtotal (小计).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionReport<'r> {
    /// The section's id.
    pub id: &'r str,
    /// Its title.
    pub title: &'r str,
    /// Its weight.
    #[serde(serialize_with = "normalized")]
    pub weight: Decimal,
    /// The nearest weighted section it stands in, if any.
    pub parent: Option<&'r str>,
    /// Scored, or not applicable when none of its items applies.
    pub status: Status,
    /// max(0, Σ scores inside − extra); `None` when not applicable.
    #[serde(serialize_with = "normalized_opt")]
    pub score: Option<Decimal>,
    /// The extra deductions of the items whose nearest weighted section it is.
    #[serde(serialize_with = "normalized")]
    pub extra: Decimal,
    /// True when the floor at 0 cut something.
    pub floored: bool,
}

/// One bonus item's result (加分项).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BonusReport<'r> {
    /// The bonus id.
    pub id: &'r str,
    /// Its title.
    pub title: &'r str,
    /// Its header cap, if any.
    #[serde(serialize_with = "normalized_opt")]
    pub cap: Option<Decimal>,
    /// What it added to the score, after its cap.
    #[serde(serialize_with = "normalized")]
    pub added: Decimal,
    /// The sum of its clause additions, before its cap.
    #[serde(serialize_with = "normalized")]
    pub raw: Decimal,
    /// True when its cap cut something.
    pub capped: bool,
    /// The clauses that findings named, in rubric order (`amount` is what each added).
    pub additions: Vec<DeductionReport<'r>>,
}

/// A flag whose condition held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlagReport<'r> {
    /// The flag's id.
    pub id: &'r str,
    /// What it means.
    pub text: &'r str,
    /// The parts of its condition that held, in canonical form
    /// (`8.1/a`, `tagged hazard`, `deaths >= 1`, `score >= 14`).
    pub parts: Vec<String>,
}

/// A declared fact and the value evaluation used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactReport<'r> {
    /// The fact's id.
    pub id: &'r str,
    /// What it is.
    pub text: &'r str,
    /// The value given, or the default; `None` when neither (and no condition needs it).
    #[serde(serialize_with = "normalized_opt")]
    pub value: Option<Decimal>,
    /// True when the value is the declared default.
    pub defaulted: bool,
    /// The note of the finding that gave it.
    pub note: Option<String>,
    /// The evidence of the finding that gave it.
    pub evidence: Vec<String>,
}

/// An external part's score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalReport<'r> {
    /// The external id.
    pub id: &'r str,
    /// What is scored.
    pub title: &'r str,
    /// Its weight.
    #[serde(serialize_with = "normalized")]
    pub weight: Decimal,
    /// Its score; `None` only for a not-applicable item.
    #[serde(serialize_with = "normalized_opt")]
    pub score: Option<Decimal>,
    /// `"full"` or `"zero"` when the score was assumed because none was given.
    pub assumed: Option<&'static str>,
    /// The distinct notes of its findings, sorted and joined with `; `.
    pub note: Option<String>,
    /// The distinct pieces of evidence, sorted.
    pub evidence: Vec<String>,
}

/// One penalty's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PenaltyReport<'r> {
    /// The penalty id.
    pub id: &'r str,
    /// Its title.
    pub title: &'r str,
    /// Its header cap, if any.
    #[serde(serialize_with = "normalized_opt")]
    pub cap: Option<Decimal>,
    /// What it deducted from the score, after its cap.
    #[serde(serialize_with = "normalized")]
    pub deducted: Decimal,
    /// The sum of its clause deductions, before its cap.
    #[serde(serialize_with = "normalized")]
    pub raw: Decimal,
    /// True when its cap cut something.
    pub capped: bool,
    /// The clauses that findings named, in rubric order.
    pub deductions: Vec<DeductionReport<'r>>,
}

/// A triggered veto.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VetoReport<'r> {
    /// The veto id.
    pub id: &'r str,
    /// What it is about.
    pub text: &'r str,
    /// The id of the best grade it allows; `None` for a veto that only zeroes the score.
    pub at_most: Option<&'r str>,
    /// What people call that grade.
    pub at_most_label: Option<&'r str>,
    /// True for a `score 0` veto (一票否决): it set the score to 0; present only for such vetoes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score_zero: Option<bool>,
    /// True when a finding named the veto directly.
    pub by_finding: bool,
    /// The listed clauses (`ITEM/CLAUSE`) that deducted, in the veto's order.
    pub clauses: Vec<ClausePath<'r>>,
    /// The parts of its condition that held, in canonical form; present
    /// only for a veto whose condition has parts other than clauses, or is `when all`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<String>>,
    /// The distinct notes of the findings that named it, sorted.
    pub notes: Vec<String>,
    /// The distinct evidence of the findings that named it, sorted.
    pub evidence: Vec<String>,
}

/// Points lost by one owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerLoss<'r> {
    /// The owner (责任单位).
    pub owner: &'r str,
    /// Points lost, summed over items (never split between owners).
    #[serde(serialize_with = "normalized")]
    pub lost: Decimal,
    /// The items and penalties whose lost points count for this owner, in rubric order.
    pub items: Vec<&'r str>,
}

/// Attribution to named entities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityAttribution<'r> {
    /// Always true: the amounts are the per-unit amounts before any cap.
    pub before_caps: bool,
    /// Per entity, largest first.
    pub entities: Vec<EntityLoss<'r>>,
}

/// Points caused by one named entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityLoss<'r> {
    /// The name, as given in findings.
    pub entity: String,
    /// Σ of the per-unit amounts of the clauses that named it, before any cap.
    #[serde(serialize_with = "normalized")]
    pub amount: Decimal,
    /// The clauses that named it (`ITEM/CLAUSE`), in rubric order.
    pub clauses: Vec<ClausePath<'r>>,
}

/// Something worth a second look that did not stop the evaluation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Warning {
    /// Where, in rubric terms (`2.1/c`, `9.1/daily`, `10.2`): a position in
    /// the findings list would depend on their order.
    pub at: String,
    /// What.
    pub message: String,
}

/// The warnings of a report. They are kept as what was noticed (which
/// clause, how many times) and written as text only when they are read or
/// rendered, so that an evaluation whose report is only summed up does not
/// pay for formatting them. Read as a list of [`Warning`]s sorted by place,
/// then message, without repeats; written in JSON as that list.
#[derive(Debug, Clone, Default)]
pub struct Warnings<'r> {
    noticed: Vec<Noticed<'r>>,
}

/// One thing an evaluation noticed, before it is written as a [`Warning`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Noticed<'r> {
    /// An optional item declared not applicable by several findings.
    DeclaredTimes { item: &'r str, times: usize },
    /// An entity named more than once for a `per` clause.
    NamedTwice {
        clause: ClausePath<'r>,
        name: String,
    },
    /// A once clause found several times.
    OnceFoundTimes {
        clause: ClausePath<'r>,
        times: u64,
        amount: Decimal,
    },
    /// A `deduct all` clause found several times.
    AllFoundTimes { clause: ClausePath<'r>, times: u64 },
    /// A level of a level table without a unit found several times.
    LevelFoundTimes {
        clause: ClausePath<'r>,
        level: usize,
        times: u64,
    },
    /// A missing external score that was assumed.
    Assumed {
        item: &'r str,
        external: &'r str,
        assumed: &'static str,
        score: Decimal,
    },
}

impl Noticed<'_> {
    fn warning(&self) -> Warning {
        match self {
            Noticed::DeclaredTimes { item, times } => Warning {
                at: (*item).to_owned(),
                message: format!("item `{item}` is declared not applicable {times} times"),
            },
            Noticed::NamedTwice { clause, name } => Warning {
                at: clause.to_string(),
                message: format!(
                    "`{name}` is named more than once for clause `{clause}`; counted once"
                ),
            },
            Noticed::OnceFoundTimes {
                clause,
                times,
                amount,
            } => Warning {
                at: clause.to_string(),
                message: format!(
                    "clause `{clause}` deducts once but was found {times} times; it deducts {} once",
                    amount.normalize()
                ),
            },
            Noticed::AllFoundTimes { clause, times } => Warning {
                at: clause.to_string(),
                message: format!(
                    "clause `{clause}` deducts everything once but was found {times} times"
                ),
            },
            Noticed::LevelFoundTimes {
                clause,
                level,
                times,
            } => Warning {
                at: clause.to_string(),
                message: format!(
                    "level {level} of clause `{clause}` deducts once but was found {times} times; it deducts once"
                ),
            },
            Noticed::Assumed {
                item,
                external,
                assumed,
                score,
            } => Warning {
                at: format!("{item}/{external}"),
                message: format!(
                    "no score for external `{external}` of item `{item}`; assumed {assumed} ({})",
                    plain(*score)
                ),
            },
        }
    }
}

impl<'r> Warnings<'r> {
    pub(crate) fn push(&mut self, noticed: Noticed<'r>) {
        self.noticed.push(noticed);
    }

    /// The warnings written out, sorted by place, then message, without
    /// repeats.
    pub fn to_vec(&self) -> Vec<Warning> {
        let mut warnings: Vec<Warning> = self.noticed.iter().map(Noticed::warning).collect();
        // Equal warnings are identical, so an unstable sort is deterministic.
        warnings.sort_unstable();
        warnings.dedup();
        warnings
    }

    /// How many warnings there are (repeats counted once).
    pub fn len(&self) -> usize {
        match self.noticed.len() {
            0 | 1 => self.noticed.len(),
            _ => self.to_vec().len(),
        }
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.noticed.is_empty()
    }
}

impl PartialEq for Warnings<'_> {
    /// Equal when they read the same.
    fn eq(&self, other: &Warnings<'_>) -> bool {
        self.to_vec() == other.to_vec()
    }
}

impl Eq for Warnings<'_> {}

impl Serialize for Warnings<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_vec().serialize(serializer)
    }
}

/// A clause named by its item (or penalty) and its id; written `ITEM/CLAUSE`
/// (`2.1/c`), also in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClausePath<'r> {
    /// The item or penalty id.
    pub item: &'r str,
    /// The clause id.
    pub clause: &'r str,
}

impl fmt::Display for ClausePath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.item, self.clause)
    }
}

impl Serialize for ClausePath<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl PartialEq<str> for ClausePath<'_> {
    /// True when `other` is this clause written `ITEM/CLAUSE`.
    fn eq(&self, other: &str) -> bool {
        other
            .strip_prefix(self.item)
            .and_then(|rest| rest.strip_prefix('/'))
            == Some(self.clause)
    }
}

impl PartialEq<&str> for ClausePath<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

/// A list of names as the rubric writes them (owners), borrowed from the
/// rubric. Reads like a list of `&str`; written in JSON as a list of strings.
#[derive(Clone, Copy, Default)]
pub struct Names<'r>(&'r [Text]);

impl<'r> Names<'r> {
    /// The names of `texts`.
    pub fn new(texts: &'r [Text]) -> Names<'r> {
        Names(texts)
    }

    /// The names, in rubric order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'r str> + DoubleEndedIterator + 'r {
        self.0.iter().map(Text::as_str)
    }

    /// How many names.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The name at `index`.
    pub fn get(&self, index: usize) -> Option<&'r str> {
        self.0.get(index).map(Text::as_str)
    }

    /// The names joined with `separator`.
    pub fn join(&self, separator: &str) -> String {
        self.iter().collect::<Vec<_>>().join(separator)
    }
}

impl fmt::Debug for Names<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Names<'_> {
    /// Equal names; where the rubric wrote them does not matter.
    fn eq(&self, other: &Names<'_>) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Names<'_> {}

impl<S: AsRef<str>> PartialEq<[S]> for Names<'_> {
    fn eq(&self, other: &[S]) -> bool {
        self.iter().eq(other.iter().map(AsRef::as_ref))
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for Names<'_> {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

impl<'r> IntoIterator for Names<'r> {
    type Item = &'r str;
    type IntoIter = std::iter::Map<std::slice::Iter<'r, Text>, fn(&'r Text) -> &'r str>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(Text::as_str as fn(&'r Text) -> &'r str)
    }
}

impl Serialize for Names<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for name in self.iter() {
            seq.serialize_element(name)?;
        }
        seq.end()
    }
}

/// A deduction together with the item or penalty it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    /// The item or penalty id.
    pub item: &'a str,
    /// The deduction.
    pub deduction: &'a DeductionReport<'a>,
}

impl<'r> Report<'r> {
    /// The report as pretty-printed JSON (spec section 7).
    pub fn to_json(&self) -> String {
        // Serialising plain strings, numbers and lists cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The report as text for a terminal: aligned tables that fit in 110
    /// columns, CJK characters counting two; long texts are cut with `…`,
    /// entity lists and notes follow on indented lines.
    pub fn to_text(&self) -> String {
        text::render(self)
    }

    /// The report as Markdown for people.
    pub fn to_markdown(&self) -> String {
        markdown::render(self)
    }

    /// Every deduction of items and penalties, in rubric order.
    pub fn deductions(&self) -> impl Iterator<Item = Located<'_>> {
        let items = self.items.iter().flat_map(|item| {
            item.deductions.iter().map(|d| Located {
                item: item.id,
                deduction: d,
            })
        });
        let penalties = self.penalties.iter().flat_map(|p| {
            p.deductions.iter().map(|d| Located {
                item: p.id,
                deduction: d,
            })
        });
        items.chain(penalties)
    }

    /// The `n` largest non-zero deductions (after clause caps), largest
    /// first; ties keep rubric order.
    pub fn largest_deductions(&self, n: usize) -> Vec<Located<'_>> {
        let mut all: Vec<Located<'_>> = self
            .deductions()
            .filter(|d| !d.deduction.amount.is_zero())
            .collect();
        all.sort_by_key(|d| std::cmp::Reverse(d.deduction.amount));
        all.truncate(n);
        all
    }
}

/// How the score came about, in the words both renderings use: "raw R of
/// applicable weight W, rescaled to S; penalties −P". `minus` is the sign
/// the rendering writes before the penalties.
pub(crate) fn how_scored(report: &Report<'_>, minus: &str) -> String {
    use std::fmt::Write;
    let mut how = format!(
        "raw {} of applicable weight {}",
        plain(report.raw),
        plain(report.applicable_weight)
    );
    if report.scaled != report.raw {
        let verb = if report.not_applicable == "rescale" {
            "rescaled to"
        } else {
            "with full marks for items not applicable:"
        };
        let _ = write!(how, ", {verb} {}", readable(report.scaled));
    }
    if report.penalized.is_zero() {
        how.push_str("; no penalties");
    } else {
        let _ = write!(how, "; penalties {minus}{}", plain(report.penalized));
    }
    if let Some(bonused) = report.bonused {
        let _ = write!(how, "; bonuses +{}", plain(bonused));
    }
    if report.ceiling_applied == Some(true) {
        if let Some(unscaled) = report.unscaled {
            let _ = write!(how, "; cut to the ceiling {}", plain(unscaled));
        } else {
            let _ = write!(how, "; cut to the ceiling {}", readable(report.score_exact));
        }
    }
    if let (Some(scale), Some(unscaled)) = (report.scale, report.unscaled) {
        let _ = write!(
            how,
            "; {} in rubric points, × {} / {}",
            readable(unscaled),
            plain(scale),
            plain(report.total)
        );
    }
    if let Some(before) = report.score_before_veto {
        if report.vetoes.iter().any(|v| v.score_zero == Some(true)) {
            let _ = write!(how, "; a veto sets the score to 0 (before it: {before})");
        }
    }
    how
}

/// What the score is out of, for people: `of 30`, `of 100` on a scaled
/// rubric, or `points` in a points rubric.
pub(crate) fn out_of(report: &Report<'_>) -> String {
    if report.scoring.is_some() {
        return "points".to_owned();
    }
    format!("of {}", plain(report.scale.unwrap_or(report.total)))
}

/// A deduction that an exclusive group removed (`excluded_by` names the clause that kept its own).
pub(crate) fn excluded<'r>(d: &DeductionReport<'r>) -> Option<ClausePath<'r>> {
    d.excluded_by().flatten()
}

/// The levels a level-table deduction found, for people: `level 1 (一般) × 2`.
pub(crate) fn levels_found(d: &DeductionReport<'_>) -> Option<String> {
    use std::fmt::Write;
    let levels = d.level()?;
    let parts: Vec<String> = levels
        .iter()
        .map(|l| {
            let mut text = format!("level {}", l.level);
            if let Some(label) = l.label {
                let _ = write!(text, " ({label})");
            }
            let _ = write!(text, " × {}", l.count);
            text
        })
        .collect();
    Some(parts.join(", "))
}

/// A decimal without trailing zeros, `-0` as `0`.
pub(crate) fn plain(value: Decimal) -> String {
    value.normalize().to_string()
}

/// How many decimals of an exact value the text and Markdown renderings
/// show before cutting it with `…`.
const SHOWN_DECIMALS: usize = 6;

/// A decimal for people: written as [`plain`], but with at most
/// [`SHOWN_DECIMALS`] decimals; longer fractions (a rescaled score such as
/// 317.34190751445086705202312139) are cut there and marked with `…`.
pub(crate) fn readable(value: Decimal) -> String {
    let text = plain(value);
    match text.split_once('.') {
        Some((whole, fraction)) if fraction.chars().count() > SHOWN_DECIMALS => {
            let shown: String = fraction.chars().take(SHOWN_DECIMALS).collect();
            format!("{whole}.{shown}…")
        }
        _ => text,
    }
}

/// `count unit` with the unit's measure word (`2 人`), for people.
pub(crate) fn counted(d: &DeductionReport<'_>) -> Option<String> {
    let n = d.count?;
    let unit = d.unit_label.or(d.unit)?;
    Some(format!("{n} {unit}"))
}

/// The `ITEM/CLAUSE` references of the clauses that findings named but that
/// deducted nothing (`count: 0`, a threshold not crossed, an amount of 0),
/// in rubric order. The tables for people leave them out and list them here
/// once, so that no finding disappears from a rendering.
pub(crate) fn checked_without_deduction(report: &Report<'_>) -> Vec<String> {
    report
        .deductions()
        .filter(|d| d.deduction.amount.is_zero() && excluded(d.deduction).is_none())
        .map(|d| format!("{}/{}", d.item, d.deduction.clause))
        .collect()
}

/// `ITEM/CLAUSE` references joined with `, `, for people.
pub(crate) fn joined_paths(paths: &[ClausePath<'_>]) -> String {
    paths
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

// Decimals are written straight into the output (`collect_str`), with no
// string made for each.
fn normalized<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&value.normalize())
}

fn normalized_opt<S: Serializer>(
    value: &Option<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.collect_str(&v.normalize()),
        None => serializer.serialize_none(),
    }
}

fn as_written_opt<S: Serializer>(
    value: &Option<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.collect_str(v),
        None => serializer.serialize_none(),
    }
}

fn as_written<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}
