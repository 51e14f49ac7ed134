//! Score reports (spec section 7): what an evaluation found, point by point,
//! and its renderings as JSON, terminal text and Markdown.
//!
//! A [`Report`] is plain data produced by
//! [`Rubric::evaluate`](crate::Rubric::evaluate). Its JSON form is the
//! contract other tools read: decimals are strings, keys come in a fixed
//! order, and lists are in rubric order (names sorted), so equal inputs give
//! byte-identical output whatever the order of the findings.

mod markdown;
mod text;
mod width;

pub use width::display_width;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// The result of evaluating one inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// Who was inspected.
    pub subject: String,
    /// Which rubric scored it.
    pub rubric: RubricInfo,
    /// The final score rounded to the rubric's `rounding` decimals, written
    /// with exactly that many decimals (`"20.50"`).
    #[serde(serialize_with = "as_written")]
    pub score: Decimal,
    /// The final score before rounding.
    #[serde(serialize_with = "normalized")]
    pub score_exact: Decimal,
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
    /// The grade; `None` when the rubric declares no grades.
    pub grade: Option<GradeResult>,
    /// Every item, in rubric order.
    pub items: Vec<ItemReport>,
    /// Every penalty, in rubric order.
    pub penalties: Vec<PenaltyReport>,
    /// The triggered vetoes, in rubric order.
    pub vetoes: Vec<VetoReport>,
    /// Points lost per owner (责任单位), largest first.
    pub by_owner: Vec<OwnerLoss>,
    /// Points caused per named entity, before any cap.
    pub by_entity: EntityAttribution,
    /// Things worth a second look that did not stop the evaluation.
    pub warnings: Vec<Warning>,
}

/// The rubric a report was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RubricInfo {
    /// Its title.
    pub title: String,
    /// Its version, when declared.
    pub version: Option<String>,
}

/// The grade earned, after vetoes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradeResult {
    /// The grade's id.
    pub id: String,
    /// What people call it.
    pub label: String,
    /// The grade the score alone would earn.
    pub by_score: String,
    /// What people call that grade.
    pub by_score_label: String,
    /// The triggered vetoes that lowered the grade below `by_score`.
    pub capped_by: Vec<String>,
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
pub struct ItemReport {
    /// The item's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// W.
    #[serde(serialize_with = "normalized")]
    pub weight: Decimal,
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
    /// The item's owners.
    pub owners: Vec<String>,
    /// The clauses that findings named, in rubric order (also those that
    /// deducted nothing, such as `count: 0`).
    pub deductions: Vec<DeductionReport>,
    /// Every external part, in rubric order.
    pub externals: Vec<ExternalReport>,
}

/// What one clause deducted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeductionReport {
    /// The clause id.
    pub clause: String,
    /// The clause's text.
    pub text: String,
    /// `once`, `per`, `discretionary` or `threshold`.
    pub shape: &'static str,
    /// The deduction after the clause's own cap (before the item's cap).
    #[serde(serialize_with = "normalized")]
    pub amount: Decimal,
    /// For `per` clauses, n; for once clauses, how many times it was found.
    pub count: Option<u64>,
    /// The id of the unit counted (`per` clauses).
    pub unit: Option<String>,
    /// The unit's measure word (`人`, `家`, `次`).
    pub unit_label: Option<String>,
    /// The deduction before the clause's cap.
    #[serde(serialize_with = "normalized")]
    pub raw: Decimal,
    /// True when the clause's cap cut the deduction.
    pub capped: bool,
    /// The measured value (threshold clauses).
    #[serde(serialize_with = "normalized_opt")]
    pub value: Option<Decimal>,
    /// The distinct named entities, sorted.
    pub entities: Vec<String>,
    /// The distinct notes of the clause's findings, sorted and joined with `; `.
    pub note: Option<String>,
    /// The distinct pieces of evidence, sorted.
    pub evidence: Vec<String>,
    /// Owners that answer for this clause instead of the item's owners.
    pub owners: Vec<String>,
}

/// An external part's score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalReport {
    /// The external id.
    pub id: String,
    /// What is scored.
    pub title: String,
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
pub struct PenaltyReport {
    /// The penalty id.
    pub id: String,
    /// Its title.
    pub title: String,
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
    pub deductions: Vec<DeductionReport>,
}

/// A triggered veto.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VetoReport {
    /// The veto id.
    pub id: String,
    /// What it is about.
    pub text: String,
    /// The id of the best grade it allows.
    pub at_most: String,
    /// What people call that grade.
    pub at_most_label: String,
    /// True when a finding named the veto directly.
    pub by_finding: bool,
    /// The listed clauses (`ITEM/CLAUSE`) that deducted, in the veto's order.
    pub clauses: Vec<String>,
    /// The distinct notes of the findings that named it, sorted.
    pub notes: Vec<String>,
    /// The distinct evidence of the findings that named it, sorted.
    pub evidence: Vec<String>,
}

/// Points lost by one owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerLoss {
    /// The owner (责任单位).
    pub owner: String,
    /// Points lost, summed over items (never split between owners).
    #[serde(serialize_with = "normalized")]
    pub lost: Decimal,
    /// The items and penalties whose lost points count for this owner, in rubric order.
    pub items: Vec<String>,
}

/// Attribution to named entities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityAttribution {
    /// Always true: the amounts are the per-unit amounts before any cap.
    pub before_caps: bool,
    /// Per entity, largest first.
    pub entities: Vec<EntityLoss>,
}

/// Points caused by one named entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityLoss {
    /// The name, as given in findings.
    pub entity: String,
    /// Σ of the per-unit amounts of the clauses that named it, before any cap.
    #[serde(serialize_with = "normalized")]
    pub amount: Decimal,
    /// The clauses that named it (`ITEM/CLAUSE`), in rubric order.
    pub clauses: Vec<String>,
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

/// A deduction together with the item or penalty it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Located<'r> {
    /// The item or penalty id.
    pub item: &'r str,
    /// The deduction.
    pub deduction: &'r DeductionReport,
}

impl Report {
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
                item: &item.id,
                deduction: d,
            })
        });
        let penalties = self.penalties.iter().flat_map(|p| {
            p.deductions.iter().map(|d| Located {
                item: &p.id,
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
pub(crate) fn counted(d: &DeductionReport) -> Option<String> {
    let n = d.count?;
    let unit = d.unit_label.as_deref().or(d.unit.as_deref())?;
    Some(format!("{n} {unit}"))
}

/// The `ITEM/CLAUSE` references of the clauses that findings named but that
/// deducted nothing (`count: 0`, a threshold not crossed, an amount of 0),
/// in rubric order. The tables for people leave them out and list them here
/// once, so that no finding disappears from a rendering.
pub(crate) fn checked_without_deduction(report: &Report) -> Vec<String> {
    report
        .deductions()
        .filter(|d| d.deduction.amount.is_zero())
        .map(|d| format!("{}/{}", d.item, d.deduction.clause))
        .collect()
}

fn normalized<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&plain(*value))
}

fn normalized_opt<S: Serializer>(
    value: &Option<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.serialize_str(&plain(*v)),
        None => serializer.serialize_none(),
    }
}

fn as_written<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&value.to_string())
}
