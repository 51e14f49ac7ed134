//! Validation: every error and warning of spec section 4, each with a stable
//! [`Code`].
//!
//! One function per rule; [`check`] runs them all and sorts what they find by
//! position, so the output never depends on the order of the rules. Every rule
//! is linear in the size of the rubric: duplicates are found with hash maps,
//! and "did you mean" hints share a bounded budget of comparisons, so a rubric
//! with a hundred thousand items and as many typos still checks quickly.

use crate::diagnostic::{closest, Code, Diagnostic, Diagnostics};
use crate::model::{
    Amount, Clause, Deduction, External, Id, Item, Limit, Owner, Penalty, Rubric, Target,
    OCCURRENCE,
};
use crate::span::Span;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

mod v2;

/// Validates a rubric and returns its errors and warnings, sorted by position
/// (then code), so the same rubric always gives the same list.
pub fn check(rubric: &Rubric) -> Vec<Diagnostic> {
    let mut checker = Checker {
        rubric,
        out: Vec::new(),
        hint_budget: HINT_BUDGET,
        clause_ids: HashMap::new(),
    };
    checker.run();
    let mut diagnostics = Diagnostics(checker.out);
    diagnostics.sort();
    diagnostics.0
}

/// How many candidate ids all "did you mean" searches of one run may compare
/// in total; past it, hints are left out rather than making the check slow.
const HINT_BUDGET: usize = 1_000_000;

/// The most decimals a final score may be rounded to: a decimal keeps 28
/// digits, and no marking scheme needs more than a handful.
pub const MAX_ROUNDING: u32 = 10;

/// How many ids a "the clauses are …" hint lists before it stops.
const LISTED_IDS: usize = 12;

struct Checker<'r> {
    rubric: &'r Rubric,
    out: Vec<Diagnostic>,
    hint_budget: usize,
    /// The clause ids of the items and penalties that vetoes name, built on
    /// first use so that many references to one big item stay linear.
    clause_ids: HashMap<(bool, &'r str), HashSet<&'r str>>,
}

impl<'r> Checker<'r> {
    fn run(&mut self) {
        self.no_items();
        self.rounding();
        self.duplicate_units();
        self.duplicate_grades();
        self.duplicate_sections();
        self.duplicate_vetoes();
        self.duplicate_items_and_penalties();
        self.total_adds_up();
        self.grade_bands();
        let rubric = self.rubric;
        for (index, item) in rubric.items().iter().enumerate() {
            if rubric.item_weighted(index) {
                self.item_values(item);
            }
            self.duplicate_item_parts(item);
            self.empty_item(item);
            self.externals_within_weight(item);
            self.item_owner(item);
            let clause_weight = item.clause_weight();
            for (c, clause) in item.clauses.iter().enumerate() {
                // A clause of a version 2 shape carries only a stand-in
                // `deduction`: its values are checked with its shape.
                if v2::shaped(rubric, Owner::Item(index), c) {
                    continue;
                }
                self.clause_values(clause);
                self.clause_unit(clause);
                if rubric.item_weighted(index) {
                    self.clause_against_item_weight(item, clause_weight, clause);
                }
            }
        }
        for (index, penalty) in rubric.penalties().iter().enumerate() {
            self.penalty_values(penalty);
            self.duplicate_penalty_clauses(penalty);
            self.penalty_cap_below_deduction(penalty);
            for (c, clause) in penalty.clauses.iter().enumerate() {
                if v2::shaped(rubric, Owner::Penalty(index), c) {
                    continue;
                }
                self.clause_values(clause);
                self.clause_unit(clause);
                self.item_weight_in_penalty(penalty, clause);
            }
        }
        self.unused_units();
        for (index, veto) in rubric.vetoes().iter().enumerate() {
            if rubric.veto_form(index).caps_grade {
                self.veto_grade(&veto.at_most, &veto.id);
            }
            for reference in &veto.when {
                self.veto_clause(&reference.item, &reference.clause, &veto.id);
            }
        }
        if !rubric.is_v1() {
            self.forms();
        }
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.out.push(diagnostic);
    }

    /// The closest candidate to `wanted`, within the run's hint budget.
    fn closest<'c>(
        &mut self,
        wanted: &str,
        candidates: impl IntoIterator<Item = &'c str>,
    ) -> Option<&'c str> {
        let wanted_len = wanted.chars().count();
        // The edit distance is at least the difference in length, and
        // `closest` accepts at most a third of the length: skip the rest cheaply.
        let limit = (wanted_len / 3).max(1);
        let mut near = Vec::new();
        for candidate in candidates {
            if self.hint_budget == 0 {
                return None;
            }
            self.hint_budget -= 1;
            if candidate.chars().count().abs_diff(wanted_len) <= limit {
                near.push(candidate);
            }
        }
        closest(wanted, near)
    }

    // --- The rubric as a whole -------------------------------------------

    /// E0214: a rubric must have at least one item.
    fn no_items(&mut self) {
        if self.rubric.items().is_empty() {
            let title = self.rubric.title();
            let span = if title.span.is_empty() {
                self.rubric.span()
            } else {
                title.span
            };
            self.push(
                Diagnostic::new(Code::NoItems, span, "the rubric has no items")
                    .with_label("no `item` in this rubric")
                    .with_help("a rubric scores its items: add at least one `item ID \"title\" weight W { … }`"),
            );
        }
    }

    /// E0215: `rounding` above [`MAX_ROUNDING`].
    fn rounding(&mut self) {
        let rounding = self.rubric.rounding();
        if rounding > MAX_ROUNDING {
            // A rubric not read from source has no place for `rounding`;
            // then the title stands for the whole rubric.
            let span = self
                .rubric
                .rounding_span()
                .unwrap_or(self.rubric.title().span);
            self.push(
                Diagnostic::new(
                    Code::InvalidRounding,
                    span,
                    format!("`rounding {rounding}` asks for more decimals than a score can keep"),
                )
                .with_help(format!(
                    "use a `rounding` between 0 and {MAX_ROUNDING} (the default is 2)"
                )),
            );
        }
    }

    // --- Duplicates -------------------------------------------------------

    fn duplicate_units(&mut self) {
        let ids: Vec<&Id> = self
            .rubric
            .units()
            .iter()
            .filter(|u| !u.builtin)
            .map(|u| &u.id)
            .collect();
        self.duplicates("unit", ids);
    }

    fn duplicate_grades(&mut self) {
        let ids: Vec<&Id> = self.rubric.grades().iter().map(|g| &g.id).collect();
        self.duplicates("grade", ids);
    }

    fn duplicate_sections(&mut self) {
        let ids: Vec<&Id> = self.rubric.sections().iter().map(|s| &s.id).collect();
        self.duplicates("section", ids);
    }

    fn duplicate_vetoes(&mut self) {
        let ids: Vec<&Id> = self.rubric.vetoes().iter().map(|v| &v.id).collect();
        self.duplicates("veto", ids);
    }

    /// E0201 for ids of one kind that must be unique in the rubric.
    fn duplicates(&mut self, kind: &str, ids: Vec<&Id>) {
        let mut seen: HashMap<&str, Span> = HashMap::with_capacity(ids.len());
        for id in ids {
            if let Some(first) = seen.get(id.as_str()) {
                let first = *first;
                self.push(duplicate(kind, id, kind, first, None));
            } else {
                seen.insert(id.as_str(), id.span);
            }
        }
    }

    /// E0201 for items and penalties, which share one namespace because a
    /// finding's `item` may name either.
    fn duplicate_items_and_penalties(&mut self) {
        let rubric = self.rubric;
        let ids = rubric
            .items()
            .iter()
            .map(|i| ("item", &i.id))
            .chain(rubric.penalties().iter().map(|p| ("penalty", &p.id)))
            .chain(rubric.bonuses().iter().map(|b| ("bonus", &b.id)));
        let mut seen: HashMap<&str, (&str, Span)> = HashMap::new();
        for (kind, id) in ids {
            match seen.get(id.as_str()) {
                Some(&(first_kind, first)) => {
                    let help = (first_kind != kind).then_some(
                        if kind == "bonus" || first_kind == "bonus" {
                            "items, penalties and bonuses share one set of ids, since a finding's `item` may name any of them"
                        } else {
                            "items and penalties share one set of ids, since a finding's `item` may name either"
                        },
                    );
                    self.push(duplicate(kind, id, first_kind, first, help));
                }
                None => {
                    seen.insert(id.as_str(), (kind, id.span));
                }
            }
        }
    }

    /// E0201 for the clauses and externals of one item, which share one
    /// namespace: findings name them in different fields, but people reading
    /// a report would not tell `2.1/a` the clause from `2.1/a` the external.
    fn duplicate_item_parts(&mut self, item: &Item) {
        let parts = item
            .clauses
            .iter()
            .map(|c| ("clause", &c.id))
            .chain(item.externals.iter().map(|e| ("external", &e.id)));
        let mut seen: HashMap<&str, (&str, Span)> = HashMap::new();
        for (kind, id) in parts {
            match seen.get(id.as_str()) {
                Some(&(first_kind, first)) => {
                    let help = (first_kind != kind)
                        .then_some("the clauses and externals of an item share one set of ids");
                    let mut d = duplicate(kind, id, first_kind, first, help);
                    d.message = format!("{} in item `{}`", d.message, item.id.as_str());
                    self.push(d);
                }
                None => {
                    seen.insert(id.as_str(), (kind, id.span));
                }
            }
        }
    }

    fn duplicate_penalty_clauses(&mut self, penalty: &Penalty) {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for clause in &penalty.clauses {
            if let Some(&first) = seen.get(clause.id.as_str()) {
                let mut d = duplicate("clause", &clause.id, "clause", first, None);
                d.message = format!("{} in penalty `{}`", d.message, penalty.id.as_str());
                self.push(d);
            } else {
                seen.insert(clause.id.as_str(), clause.id.span);
            }
        }
    }

    // --- Values -----------------------------------------------------------

    /// E0208: a declared `total` must equal the sum of the item weights.
    fn total_adds_up(&mut self) {
        let Some(total) = self.rubric.declared_total() else {
            return;
        };
        if self.rubric.scoring() == crate::model::Scoring::Points {
            return; // E0226: a points rubric has no total.
        }
        let items = self.rubric.items();
        if items.is_empty() {
            return; // E0214 says what is wrong.
        }
        let sum: Decimal = items.iter().map(|i| i.weight.value).sum();
        if sum != total.value {
            self.push(
                Diagnostic::new(
                    Code::TotalMismatch,
                    total.span,
                    format!(
                        "`total` is {}, but the item weights add up to {}",
                        show(total),
                        show_decimal(sum)
                    ),
                )
                .with_label(format!(
                    "the weights of {} items add up to {}",
                    items.len(),
                    show_decimal(sum)
                ))
                .with_help(format!(
                    "write `total {}`, or correct the item weights",
                    show_decimal(sum)
                )),
            );
        }
    }

    /// E0209, E0210, E0211: grade bands, best first, with strictly
    /// descending thresholds no higher than the total; only the last band
    /// has no threshold.
    fn grade_bands(&mut self) {
        let rubric = self.rubric;
        if rubric.scoring() == crate::model::Scoring::Points {
            self.points_grade_bands();
            return;
        }
        let grades = rubric.grades();
        let scale = rubric.forms().scale.map(|s| s.value);
        let total = scale.unwrap_or_else(|| rubric.total());
        let check_total = !rubric.items().is_empty() || rubric.declared_total().is_some();
        let mut previous: Option<(&Id, &Amount)> = None;
        for (index, grade) in grades.iter().enumerate() {
            let last = index + 1 == grades.len();
            match (&grade.at_least, last) {
                (Some(threshold), true) if grades.len() > 1 => self.push(
                    Diagnostic::new(
                        Code::GradeBandThreshold,
                        threshold.span,
                        format!(
                            "the last grade `{}` has a threshold",
                            grade.id.as_str()
                        ),
                    )
                    .with_label("the last band takes every score below the others")
                    .with_help(format!(
                        "remove `at least {}`",
                        show(threshold)
                    )),
                ),
                (None, false) if rubric.grade_form(index).at_most.is_none() => self.push(
                    Diagnostic::new(
                        Code::GradeBandThreshold,
                        grade.id.span,
                        format!(
                            "grade `{}` has no threshold, but it is not the last band",
                            grade.id.as_str()
                        ),
                    )
                    .with_help("add `at least N`, or move the band to the end: only the last band has no threshold"),
                ),
                _ => {}
            }
            let Some(threshold) = &grade.at_least else {
                continue;
            };
            if let Some((previous_id, previous_threshold)) = previous {
                if threshold.value >= previous_threshold.value {
                    self.push(
                        Diagnostic::new(
                            Code::GradesNotDescending,
                            threshold.span,
                            format!(
                                "grade `{}` starts at {}, not below the grade before it",
                                grade.id.as_str(),
                                show(threshold)
                            ),
                        )
                        .with_related(
                            previous_threshold.span,
                            format!("`{}` starts at {}", previous_id.as_str(), show(previous_threshold)),
                        )
                        .with_help("list the bands best first, each threshold strictly lower than the one before"),
                    );
                }
            }
            if check_total && threshold.value > total && scale.is_some() {
                self.push(
                    Diagnostic::new(
                        Code::GradeAboveScale,
                        threshold.span,
                        format!(
                            "grade `{}` starts at {}, above the scale of {}",
                            grade.id.as_str(),
                            show(threshold),
                            show_decimal(total)
                        ),
                    )
                    .with_label("no scaled score can reach this")
                    .with_help("with `scale S`, grade thresholds are on the scaled score: keep them at or below S"),
                );
            } else if check_total && threshold.value > total {
                self.push(
                    Diagnostic::new(
                        Code::GradeAboveTotal,
                        threshold.span,
                        format!(
                            "grade `{}` starts at {}, above the total of {}",
                            grade.id.as_str(),
                            show(threshold),
                            show_decimal(total)
                        ),
                    )
                    .with_label("no score can reach this"),
                );
            }
            previous = Some((&grade.id, threshold));
        }
    }

    /// E0205, E0206 on an item's weight and its externals' weights.
    fn item_values(&mut self, item: &Item) {
        self.positive(&item.weight, || {
            format!("item `{}` has a weight of zero", item.id.as_str())
        });
        for external in &item.externals {
            self.positive(&external.weight, || {
                format!(
                    "external `{}` of item `{}` has a weight of zero",
                    external.id.as_str(),
                    item.id.as_str()
                )
            });
        }
    }

    /// E0205, E0206 on a penalty's cap.
    fn penalty_values(&mut self, penalty: &Penalty) {
        if let Some(cap) = &penalty.cap {
            self.positive(cap, || {
                format!("penalty `{}` is capped at zero", penalty.id.as_str())
            });
        }
    }

    /// E0205, E0206 on the numbers of one clause.
    fn clause_values(&mut self, clause: &Clause) {
        let id = clause.id.as_str();
        match &clause.deduction {
            Deduction::Once { amount, cap } | Deduction::Per { amount, cap, .. } => {
                self.positive(amount, || format!("clause `{id}` deducts zero"));
                if let Some(Limit::Amount(cap)) = cap {
                    self.positive(cap, || format!("clause `{id}` is capped at zero"));
                }
            }
            Deduction::All { .. } => {}
            Deduction::UpTo { max } => {
                if let Limit::Amount(max) = max {
                    self.positive(max, || format!("clause `{id}` deducts up to zero"));
                }
            }
            Deduction::Threshold {
                amount,
                op,
                threshold,
            } => {
                self.positive(amount, || format!("clause `{id}` deducts zero"));
                self.percentage(threshold);
                if threshold.value.is_zero() && *op == crate::model::Comparison::Below {
                    self.push(
                        Diagnostic::new(
                            Code::ZeroValue,
                            threshold.span,
                            format!("clause `{id}` deducts when a value is below zero, which never happens"),
                        )
                        .with_help("give the threshold the rate or count below which the clause deducts"),
                    );
                }
            }
        }
    }

    /// E0205 when `amount` is zero, E0206 when it is a percentage above 100%.
    fn positive(&mut self, amount: &Amount, message: impl FnOnce() -> String) {
        if amount.value.is_zero() {
            self.push(
                Diagnostic::new(Code::ZeroValue, amount.span, message())
                    .with_help("a weight, amount, cap or bound must be greater than zero"),
            );
        }
        self.percentage(amount);
    }

    /// E0206: a percentage above 100%.
    fn percentage(&mut self, amount: &Amount) {
        if amount.percent && amount.value > Decimal::ONE {
            self.push(
                Diagnostic::new(
                    Code::PercentageAbove100,
                    amount.span,
                    format!("{} is more than 100%", show(amount)),
                )
                .with_help("a percentage is a share of a whole: at most 100%"),
            );
        }
    }

    // --- Items ------------------------------------------------------------

    /// E0212: an item with neither clauses nor externals can never lose or
    /// earn anything but its full weight.
    fn empty_item(&mut self, item: &Item) {
        if item.clauses.is_empty() && item.externals.is_empty() {
            self.push(
                Diagnostic::new(
                    Code::EmptyItem,
                    item.id.span,
                    format!("item `{}` has neither clauses nor externals", item.id.as_str()),
                )
                .with_help("add a `clause ID \"text\" deduct …` saying what loses points, or an `external`"),
            );
        }
    }

    /// E0207: externals worth more than their item.
    fn externals_within_weight(&mut self, item: &Item) {
        let weight = item.weight.value;
        let mut sum = Decimal::ZERO;
        for external in &item.externals {
            sum += external.weight.value;
            if sum > weight {
                let total = item.external_weight();
                self.push(
                    Diagnostic::new(
                        Code::ExternalsExceedWeight,
                        external.weight.span,
                        format!(
                            "the externals of item `{}` add up to {}, more than its weight of {}",
                            item.id.as_str(),
                            show_decimal(total),
                            show(&item.weight)
                        ),
                    )
                    .with_label(format!(
                        "with this, the externals reach {}",
                        show_decimal(sum)
                    ))
                    .with_related(item.weight.span, "the item's weight"),
                );
                return;
            }
        }
    }

    /// W0304: nobody answers for an item when it has no owner and some of
    /// its clauses (or all, when it has none) have none either.
    fn item_owner(&mut self, item: &Item) {
        if !item.owners.is_empty() {
            return;
        }
        let every_clause_owned =
            !item.clauses.is_empty() && item.clauses.iter().all(|c| !c.owners.is_empty());
        if !every_clause_owned {
            self.push(
                Diagnostic::new(
                    Code::MissingOwner,
                    item.id.span,
                    format!("item `{}` has no owner", item.id.as_str()),
                )
                .with_help("add `owner \"…\"` to the item (or to each of its clauses): the report attributes lost points to owners"),
            );
        }
    }

    /// W0301 and W0302 for a clause of an item, measured against what the
    /// item's clauses can take (W − E).
    fn clause_against_item_weight(&mut self, item: &Item, clause_weight: Decimal, clause: &Clause) {
        let id = clause.id.as_str();
        match &clause.deduction {
            Deduction::Once { amount, .. } | Deduction::Threshold { amount, .. }
                if amount.value > clause_weight && clause_weight > Decimal::ZERO =>
            {
                self.push(
                    Diagnostic::new(
                        Code::DeductionAboveWeight,
                        amount.span,
                        format!(
                            "clause `{id}` deducts {}, more than item `{}` can lose ({})",
                            show(amount),
                            item.id.as_str(),
                            show_decimal(clause_weight)
                        ),
                    )
                    .with_related(item.weight.span, "the item's weight")
                    .with_help(format!(
                        "the item loses at most {}; write `deduct all` if the clause takes everything",
                        show_decimal(clause_weight)
                    )),
                );
            }
            _ => {}
        }
        if let Deduction::Once { amount, cap } | Deduction::Per { amount, cap, .. } =
            &clause.deduction
        {
            if let Some(cap) = cap {
                let limit = cap.resolve(clause_weight);
                if limit < amount.value && !limit.is_zero() {
                    self.push(cap_below_deduction(id, cap.span(), limit, amount));
                }
            }
        }
    }

    // --- Penalties --------------------------------------------------------

    /// E0213: a penalty has no weight, so forms that refer to one are meaningless.
    fn item_weight_in_penalty(&mut self, penalty: &Penalty, clause: &Clause) {
        let span = match &clause.deduction {
            Deduction::All { span } => Some((*span, "`deduct all`")),
            Deduction::UpTo {
                max: Limit::ItemWeight(span),
            } => Some((*span, "`up to item weight`")),
            Deduction::Once {
                cap: Some(Limit::ItemWeight(span)),
                ..
            }
            | Deduction::Per {
                cap: Some(Limit::ItemWeight(span)),
                ..
            } => Some((*span, "`capped at item weight`")),
            _ => None,
        };
        if let Some((span, form)) = span {
            self.push(
                Diagnostic::new(
                    Code::ItemWeightInPenalty,
                    span,
                    format!(
                        "{form} in penalty `{}`, which has no weight",
                        penalty.id.as_str()
                    ),
                )
                .with_help("penalties deduct outside the item weights: give an amount (`deduct 1`, `capped at 5`, `up to 2`)"),
            );
        }
    }

    /// W0302 for a penalty whose own cap is below what one clause deducts.
    fn penalty_cap_below_deduction(&mut self, penalty: &Penalty) {
        let Some(cap) = &penalty.cap else {
            return;
        };
        if cap.value.is_zero() {
            return; // E0205 says what is wrong.
        }
        let first_above = penalty.clauses.iter().find_map(|c| match &c.deduction {
            Deduction::Once { amount, .. }
            | Deduction::Per { amount, .. }
            | Deduction::Threshold { amount, .. }
                if amount.value > cap.value =>
            {
                Some((c, amount))
            }
            _ => None,
        });
        if let Some((clause, amount)) = first_above {
            self.push(
                Diagnostic::new(
                    Code::CapBelowDeduction,
                    cap.span,
                    format!(
                        "penalty `{}` is capped at {}, less than its clause `{}` deducts at once ({})",
                        penalty.id.as_str(),
                        show(cap),
                        clause.id.as_str(),
                        show(amount)
                    ),
                )
                .with_related(amount.span, "one deduction"),
            );
        }
    }

    // --- Units ------------------------------------------------------------

    /// E0202: `per UNIT` names a declared unit.
    fn clause_unit(&mut self, clause: &Clause) {
        let Deduction::Per { unit, .. } = &clause.deduction else {
            return;
        };
        let rubric = self.rubric;
        if rubric.unit(unit.as_str()).is_some() {
            return;
        }
        let names = rubric.units().iter().map(|u| u.id.as_str());
        let help = match self.closest(unit.as_str(), names) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "the declared units are {}; declare a new one with `unit {} \"measure word\"`",
                list_ids(rubric.units().iter().map(|u| u.id.as_str())),
                unit.as_str()
            ),
        };
        self.push(
            Diagnostic::new(
                Code::UnknownUnit,
                unit.span,
                format!("unknown unit `{}`", unit.as_str()),
            )
            .with_help(help),
        );
    }

    /// W0303: a declared unit that no clause counts.
    fn unused_units(&mut self) {
        let rubric = self.rubric;
        let mut used: HashSet<&str> = HashSet::new();
        let clauses = rubric
            .items()
            .iter()
            .flat_map(|i| &i.clauses)
            .chain(rubric.penalties().iter().flat_map(|p| &p.clauses));
        let mut unknown: Vec<&str> = Vec::new();
        for clause in clauses {
            if let Deduction::Per { unit, .. } = &clause.deduction {
                used.insert(unit.as_str());
                if rubric.unit(unit.as_str()).is_none() {
                    unknown.push(unit.as_str());
                }
            }
        }
        for unit in v2::level_units(rubric) {
            used.insert(unit.as_str());
        }
        // A unit that a misspelt `per` reference was meant to name is used in
        // intent: the unknown-unit error already says so, a warning would only
        // repeat the same mistake from the other side.
        for wanted in unknown {
            let names = rubric.units().iter().map(|u| u.id.as_str());
            if let Some(near) = self.closest(wanted, names) {
                used.insert(near);
            }
        }
        let mut reported: HashSet<&str> = HashSet::new();
        for unit in rubric.units() {
            let name = unit.id.as_str();
            if unit.builtin || name == OCCURRENCE || used.contains(name) {
                continue;
            }
            // A duplicated unit is reported once as a duplicate, not twice as unused.
            if !reported.insert(name) {
                continue;
            }
            self.push(
                Diagnostic::new(
                    Code::UnusedUnit,
                    unit.id.span,
                    format!("unit `{name}` is declared but no clause counts it"),
                )
                .with_help(format!(
                    "remove it, or count it in a clause with `deduct A per {name}`"
                )),
            );
        }
    }

    // --- Vetoes -----------------------------------------------------------

    /// E0204: a veto's `at most` names a declared grade.
    fn veto_grade(&mut self, grade: &Id, veto: &Id) {
        let rubric = self.rubric;
        if rubric.grade(grade.as_str()).is_some() {
            return;
        }
        let help = if rubric.grades().is_empty() {
            "the rubric declares no grades: add bands with `grade ID \"label\" at least N`"
                .to_owned()
        } else {
            match self.closest(
                grade.as_str(),
                rubric.grades().iter().map(|g| g.id.as_str()),
            ) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "the grades are {}",
                    list_ids(rubric.grades().iter().map(|g| g.id.as_str()))
                ),
            }
        };
        self.push(
            Diagnostic::new(
                Code::UnknownGrade,
                grade.span,
                format!(
                    "unknown grade `{}` in veto `{}`",
                    grade.as_str(),
                    veto.as_str()
                ),
            )
            .with_help(help),
        );
    }

    /// E0203: a veto's `when ITEM/CLAUSE` names a clause of an item or penalty.
    fn veto_clause(&mut self, item_id: &'r Id, clause_id: &Id, veto: &Id) {
        let rubric = self.rubric;
        let (kind, clauses, externals): (&str, &'r [Clause], &'r [External]) =
            match rubric.target(item_id.as_str()) {
                Some(Target::Item(i)) => match rubric.items().get(i) {
                    Some(item) => ("item", &item.clauses, &item.externals),
                    None => return,
                },
                Some(Target::Penalty(i)) => match rubric.penalties().get(i) {
                    Some(penalty) => ("penalty", &penalty.clauses, &[]),
                    None => return,
                },
                None if rubric.bonus(item_id.as_str()).is_some() => {
                    match rubric.bonus(item_id.as_str()) {
                        Some(bonus) => ("bonus", &bonus.clauses, &[]),
                        None => return,
                    }
                }
                None => {
                    let ids = rubric
                        .items()
                        .iter()
                        .map(|i| i.id.as_str())
                        .chain(rubric.penalties().iter().map(|p| p.id.as_str()));
                    let mut d = Diagnostic::new(
                        Code::UnknownClause,
                        item_id.span,
                        format!(
                            "unknown item `{}` in veto `{}`",
                            item_id.as_str(),
                            veto.as_str()
                        ),
                    );
                    if let Some(near) = self.closest(item_id.as_str(), ids) {
                        d = d.with_help(format!("did you mean `{near}`?"));
                    }
                    self.push(d);
                    return;
                }
            };
        let wanted = clause_id.as_str();
        let key = (kind == "item", item_id.as_str());
        let known = self
            .clause_ids
            .entry(key)
            .or_insert_with(|| clauses.iter().map(|c| c.id.as_str()).collect());
        if known.contains(wanted) {
            return;
        }
        let mut d = Diagnostic::new(
            Code::UnknownClause,
            clause_id.span,
            format!("{kind} `{}` has no clause `{wanted}`", item_id.as_str()),
        );
        if externals.iter().any(|e| e.id.as_str() == wanted) {
            d = d.with_label("this is an external, not a clause").with_help(
                "a veto is triggered by a clause's deduction; externals are scored by another authority",
            );
        } else if clauses.is_empty() {
            d = d.with_help(format!("{kind} `{}` has no clauses", item_id.as_str()));
        } else {
            let near = self.closest(wanted, clauses.iter().map(|c| c.id.as_str()));
            let list = list_ids(clauses.iter().map(|c| c.id.as_str()));
            d = d.with_help(match near {
                Some(near) => format!(
                    "did you mean `{}/{near}`? the clauses of `{}` are {list}",
                    item_id.as_str(),
                    item_id.as_str()
                ),
                None => format!("the clauses of `{}` are {list}", item_id.as_str()),
            });
        }
        self.push(d);
    }
}

/// E0201 at the second occurrence, with the first as a related label.
fn duplicate(kind: &str, id: &Id, first_kind: &str, first: Span, help: Option<&str>) -> Diagnostic {
    let message = if kind == first_kind {
        format!("duplicate {kind} id `{}`", id.as_str())
    } else {
        format!(
            "duplicate id `{}`: already used by {} {first_kind}",
            id.as_str(),
            article(first_kind)
        )
    };
    let first_label = if kind == first_kind {
        "first defined here".to_owned()
    } else {
        format!(
            "first defined here, as {} {first_kind}",
            article(first_kind)
        )
    };
    let mut d = Diagnostic::new(Code::DuplicateId, id.span, message)
        .with_label("defined again here")
        .with_related(first, first_label);
    if let Some(help) = help {
        d = d.with_help(help);
    }
    d
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// W0302 for a clause whose cap is below one deduction.
fn cap_below_deduction(clause: &str, cap: Span, limit: Decimal, amount: &Amount) -> Diagnostic {
    Diagnostic::new(
        Code::CapBelowDeduction,
        cap,
        format!(
            "clause `{clause}` is capped at {}, less than one deduction of {}",
            show_decimal(limit),
            show(amount)
        ),
    )
    .with_related(amount.span, "one deduction")
    .with_help("the cap cuts every deduction of this clause: lower the amount or raise the cap")
}

/// An amount as people wrote it: `50%` stays a percentage, `2.50` reads `2.5`.
fn show(amount: &Amount) -> String {
    if amount.percent {
        format!("{}%", show_decimal(amount.value * Decimal::ONE_HUNDRED))
    } else {
        show_decimal(amount.value)
    }
}

fn show_decimal(value: Decimal) -> String {
    value.normalize().to_string()
}

/// `` `a`, `b`, `c` ``, shortened after [`LISTED_IDS`] names.
fn list_ids<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> String {
    // A duplicated id is listed once: the list says which ids exist.
    let mut seen = HashSet::new();
    let ids: Vec<&str> = ids.filter(|id| seen.insert(*id)).collect();
    let count = ids.len();
    let listed: Vec<String> = ids
        .iter()
        .take(LISTED_IDS)
        .map(|id| format!("`{id}`"))
        .collect();
    let mut text = listed.join(", ");
    if count > LISTED_IDS {
        text.push_str(&format!(" and {} more", count - LISTED_IDS));
    }
    text
}

#[cfg(test)]
pub(crate) mod tests;
