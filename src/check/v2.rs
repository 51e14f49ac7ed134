//! Validation of the forms of language version 2 (spec section 9.2): one
//! method per rule, each with its own [`Code`] and a hint that names what is
//! allowed where the mistake stands.

use super::{list_ids, show, show_decimal, Checker};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    Amount, Clause, ClauseForm, ClausePlace, Comparison, Condition, Deduction, ExtraWhen, Id,
    Limit, Owner, Part, RatePoint, Rubric, Scoring, Shape, Steps, Verb,
};
use crate::syntax::MAX_SECTION_DEPTH;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// True when the clause at `index` of `owner` has a version 2 shape (its
/// `deduction` is then only a stand-in).
pub(super) fn shaped(rubric: &Rubric, owner: Owner, index: usize) -> bool {
    !rubric.is_v1()
        && rubric
            .clause_form(ClausePlace {
                owner,
                clause: index,
            })
            .shape
            .is_some()
}

/// The units that level tables count (`by level per UNIT`).
pub(super) fn level_units(rubric: &Rubric) -> Vec<&Id> {
    let mut out = Vec::new();
    if rubric.is_v1() {
        return out;
    }
    for (_, _, form) in clauses(rubric) {
        if let Some(Shape::Levels {
            unit: Some(unit), ..
        }) = &form.shape
        {
            out.push(unit);
        }
    }
    out
}

/// Every clause of the rubric with its place and form: items, penalties, bonuses.
fn clauses(rubric: &Rubric) -> Vec<(ClausePlace, &Clause, &ClauseForm)> {
    let mut out = Vec::new();
    for (i, item) in rubric.items().iter().enumerate() {
        for (c, clause) in item.clauses.iter().enumerate() {
            let place = ClausePlace {
                owner: Owner::Item(i),
                clause: c,
            };
            out.push((place, clause, rubric.clause_form(place)));
        }
    }
    for (i, penalty) in rubric.penalties().iter().enumerate() {
        for (c, clause) in penalty.clauses.iter().enumerate() {
            let place = ClausePlace {
                owner: Owner::Penalty(i),
                clause: c,
            };
            out.push((place, clause, rubric.clause_form(place)));
        }
    }
    for (i, bonus) in rubric.bonuses().iter().enumerate() {
        for (c, clause) in bonus.clauses.iter().enumerate() {
            let place = ClausePlace {
                owner: Owner::Bonus(i),
                clause: c,
            };
            out.push((place, clause, rubric.clause_form(place)));
        }
    }
    out
}

/// What a clause's owner is called in messages.
fn owner_name(rubric: &Rubric, owner: Owner) -> String {
    match owner {
        Owner::Item(i) => rubric
            .items()
            .get(i)
            .map_or_else(String::new, |x| format!("item `{}`", x.id.as_str())),
        Owner::Penalty(i) => rubric
            .penalties()
            .get(i)
            .map_or_else(String::new, |x| format!("penalty `{}`", x.id.as_str())),
        Owner::Bonus(i) => rubric
            .bonuses()
            .get(i)
            .map_or_else(String::new, |x| format!("bonus `{}`", x.id.as_str())),
    }
}

impl<'r> Checker<'r> {
    /// Every rule of spec section 9.2, for a rubric that uses version 2 forms.
    pub(super) fn forms(&mut self) {
        let rubric = self.rubric;
        self.header_forms();
        self.reserved_ids();
        self.duplicate_v2_ids();
        self.section_weights();
        let points = rubric.scoring() == Scoring::Points;
        for (place, clause, form) in clauses(rubric) {
            self.clause_verb(place, clause, form, points);
            self.clause_extra(place, clause, form, points);
            if let Some(shape) = &form.shape {
                self.shape_values(place, clause, shape);
            }
            if points || matches!(place.owner, Owner::Bonus(_)) {
                self.item_weight_forms(clause, form, points);
            } else if let (Owner::Penalty(p), Some(Limit::ItemWeight(span))) =
                (place.owner, form.shape.as_ref().and_then(Shape::cap))
            {
                let penalty = rubric.penalties().get(p).map_or("", |x| x.id.as_str());
                self.push(
                    Diagnostic::new(
                        Code::ItemWeightInPenalty,
                        *span,
                        format!(
                            "`capped at item weight` in penalty `{penalty}`, which has no weight"
                        ),
                    )
                    .with_help(
                        "penalties deduct outside the item weights: give an amount (`capped at 5`)",
                    ),
                );
            }
        }
        self.bonus_values();
        self.points_refusals();
        self.grade_kinds();
        let mut used_facts: HashSet<&str> = HashSet::new();
        for (index, veto) in rubric.vetoes().iter().enumerate() {
            let form = rubric.veto_form(index);
            if let Some(span) = form.score_zero {
                if points {
                    self.push(
                        Diagnostic::new(
                            Code::FormNotAllowed,
                            span,
                            format!("`score 0` in veto `{}` of a points rubric", veto.id.as_str()),
                        )
                        .with_help("a points rubric has no score to zero: limit the grade with `at most GRADE`"),
                    );
                }
            }
            if let Some(condition) = &form.condition {
                let condition = condition.clone();
                self.condition(&condition, "veto", &veto.id, &mut used_facts);
            }
        }
        for flag in rubric.flags() {
            self.condition(&flag.when, "flag", &flag.id, &mut used_facts);
        }
        for fact in rubric.facts() {
            if !used_facts.contains(fact.id.as_str()) {
                self.push(
                    Diagnostic::new(
                        Code::UnusedFact,
                        fact.id.span,
                        format!(
                            "fact `{}` is declared but no condition uses it",
                            fact.id.as_str()
                        ),
                    )
                    .with_help(format!(
                        "remove it, or test it in a veto or flag: `when {} >= 1`",
                        fact.id.as_str()
                    )),
                );
            }
        }
        self.exclusive_groups();
    }

    /// E0205 on `scale` and `ceiling`, E0229 `ceiling` below `total`.
    fn header_forms(&mut self) {
        let rubric = self.rubric;
        let forms = rubric.forms();
        if let Some(scale) = &forms.scale {
            self.positive(scale, || "`scale` is zero".to_owned());
        }
        if let Some(ceiling) = &forms.ceiling {
            self.positive(ceiling, || "`ceiling` is zero".to_owned());
            let total = rubric.total();
            if !ceiling.value.is_zero() && ceiling.value < total && !rubric.items().is_empty() {
                self.push(
                    Diagnostic::new(
                        Code::CeilingBelowTotal,
                        ceiling.span,
                        format!(
                            "`ceiling` is {}, below the total of {}",
                            show(ceiling),
                            show_decimal(total)
                        ),
                    )
                    .with_label("a full score would be cut")
                    .with_help(format!(
                        "the ceiling caps bonuses above the total: write `ceiling {}` or more",
                        show_decimal(total)
                    )),
                );
            }
        }
        if let Some(levels) = forms.levels_span {
            if forms.levels.is_empty() {
                self.push(
                    Diagnostic::new(Code::InvalidLevelTable, levels, "`levels` names no level")
                        .with_help("list the labels, lowest level first: `levels \"一般\", \"较大\", \"重大\"`"),
                );
            }
        }
    }

    /// E0233: ids the grammar reserves.
    fn reserved_ids(&mut self) {
        let rubric = self.rubric;
        for fact in rubric.facts() {
            let name = fact.id.as_str();
            if matches!(name, "all" | "tagged" | "score") {
                self.push(
                    Diagnostic::new(
                        Code::ReservedId,
                        fact.id.span,
                        format!("`{name}` cannot be a fact id"),
                    )
                    .with_help("`all`, `tagged` and `score` have their own meaning in a condition: choose another id"),
                );
            }
        }
        for unit in rubric.units() {
            let name = unit.id.as_str();
            if matches!(name, "full" | "started") {
                self.push(
                    Diagnostic::new(
                        Code::ReservedId,
                        unit.id.span,
                        format!("`{name}` cannot be a unit id"),
                    )
                    .with_help("`per full` and `per started` begin a rate: choose another unit id"),
                );
            }
        }
    }

    /// E0201 for facts, flags and the clauses of each bonus.
    fn duplicate_v2_ids(&mut self) {
        let rubric = self.rubric;
        self.duplicates("fact", rubric.facts().iter().map(|f| &f.id).collect());
        self.duplicates("flag", rubric.flags().iter().map(|f| &f.id).collect());
        for bonus in rubric.bonuses() {
            let mut seen: HashMap<&str, crate::span::Span> = HashMap::new();
            for clause in &bonus.clauses {
                if let Some(&first) = seen.get(clause.id.as_str()) {
                    let mut d = super::duplicate("clause", &clause.id, "clause", first, None);
                    d.message = format!("{} in bonus `{}`", d.message, bonus.id.as_str());
                    self.push(d);
                } else {
                    seen.insert(clause.id.as_str(), clause.id.span);
                }
            }
        }
    }

    /// E0216: a weighted section's items (at any depth) add up to its
    /// weight; E0217: sections nest at most 8 deep.
    fn section_weights(&mut self) {
        let rubric = self.rubric;
        let sections = rubric.sections();
        // `None` once a sum no longer fits a decimal.
        let mut sums: Vec<Option<Decimal>> = vec![Some(Decimal::ZERO); sections.len()];
        let mut counts: Vec<usize> = vec![0; sections.len()];
        for item in rubric.items() {
            let mut at = item.section;
            // Parents come before children, so each step goes to a lower
            // index: the walk ends within the number of sections.
            let mut steps = 0;
            while let Some(s) = at {
                if let (Some(sum), Some(count)) = (sums.get_mut(s), counts.get_mut(s)) {
                    *sum = sum.and_then(|sum| sum.checked_add(item.weight.value));
                    *count += 1;
                }
                steps += 1;
                at = rubric.section_form(s).parent.filter(|&p| p < s);
                if steps > sections.len() {
                    break;
                }
            }
        }
        for (index, section) in sections.iter().enumerate() {
            let form = rubric.section_form(index);
            let mut depth = 1;
            let mut at = form.parent.filter(|&p| p < index);
            while let Some(p) = at {
                depth += 1;
                at = rubric.section_form(p).parent.filter(|&q| q < p);
            }
            if depth > MAX_SECTION_DEPTH {
                self.push(
                    Diagnostic::new(
                        Code::SectionsTooDeep,
                        section.id.span,
                        format!(
                            "section `{}` is nested {depth} deep, more than {MAX_SECTION_DEPTH}",
                            section.id.as_str()
                        ),
                    )
                    .with_help(format!(
                        "nest sections at most {MAX_SECTION_DEPTH} deep: move this one up a level"
                    )),
                );
            }
            let Some(weight) = &form.weight else { continue };
            self.positive(weight, || {
                format!("section `{}` has a weight of zero", section.id.as_str())
            });
            let count = counts.get(index).copied().unwrap_or_default();
            let Some(sum) = sums.get(index).copied().flatten() else {
                self.push(
                    Diagnostic::new(
                        Code::SectionWeightMismatch,
                        weight.span,
                        format!(
                            "the weights of the {count} items inside section `{}` add up to more than a decimal can hold (about 7.9 × 10^28)",
                            section.id.as_str()
                        ),
                    )
                    .with_help("use weights of ordinary size: a section's weight is the sum of its items' weights"),
                );
                continue;
            };
            if sum != weight.value && !weight.value.is_zero() {
                self.push(
                    Diagnostic::new(
                        Code::SectionWeightMismatch,
                        weight.span,
                        format!(
                            "section `{}` has weight {}, but its items' weights add up to {}",
                            section.id.as_str(),
                            show(weight),
                            show_decimal(sum)
                        ),
                    )
                    .with_label(format!(
                        "the weights of {count} items inside add up to {}",
                        show_decimal(sum)
                    ))
                    .with_help(format!(
                        "write `weight {}`, or correct the item weights",
                        show_decimal(sum)
                    )),
                );
            }
        }
    }

    /// E0225: the verb fits where the clause stands.
    fn clause_verb(
        &mut self,
        place: ClausePlace,
        clause: &Clause,
        form: &ClauseForm,
        points: bool,
    ) {
        if matches!(form.shape, Some(Shape::Exhausted { .. })) {
            return;
        }
        let rubric = self.rubric;
        let in_bonus = matches!(place.owner, Owner::Bonus(_));
        let span = if form.verb_span.is_empty() {
            clause.id.span
        } else {
            form.verb_span
        };
        let (message, help) = match (form.verb, in_bonus, points) {
            (Verb::Add, false, false) => (
                "`add` outside a bonus",
                "`add` is only allowed in a bonus; use `deduct` here",
            ),
            (Verb::Add, false, true) => (
                "`add` in a points rubric",
                "`add` is only allowed in a bonus of a deductions rubric; use `points` here",
            ),
            (Verb::Deduct, true, _) => (
                "`deduct` in a bonus",
                "a bonus adds points: use `add` here (`add 2`, `add 1 per item`)",
            ),
            (Verb::Points, true, _) => (
                "`points` in a bonus",
                "a bonus adds points: use `add` here",
            ),
            (Verb::Points, false, false) => (
                "`points` in a deductions rubric",
                "`points` is only allowed in a rubric that says `scoring points`; use `deduct` here",
            ),
            (Verb::Deduct, false, true) => (
                "`deduct` in a points rubric",
                "a points rubric counts upward: use `points` here",
            ),
            _ => return,
        };
        self.push(
            Diagnostic::new(
                Code::VerbNotAllowed,
                span,
                format!(
                    "{message}: clause `{}` of {}",
                    clause.id.as_str(),
                    owner_name(rubric, place.owner)
                ),
            )
            .with_help(help),
        );
    }

    /// E0218: `extra` only on an item's clauses; `extra … when exhausted` stands alone.
    fn clause_extra(
        &mut self,
        place: ClausePlace,
        clause: &Clause,
        form: &ClauseForm,
        points: bool,
    ) {
        let Some(extra) = &form.extra else { return };
        let rubric = self.rubric;
        self.positive(&extra.amount, || {
            format!("clause `{}` has an extra of zero", clause.id.as_str())
        });
        let (message, help) = match place.owner {
            Owner::Penalty(_) => (
                "`extra` in a penalty",
                "`extra` is only allowed on a clause of an item: a penalty deducts outside the items already",
            ),
            Owner::Bonus(_) => (
                "`extra` in a bonus",
                "`extra` is only allowed on a clause of an item; a bonus only adds",
            ),
            Owner::Item(_) if points => (
                "`extra` in a points rubric",
                "a points rubric has no item weights to deduct outside of: give the points in the clause",
            ),
            Owner::Item(_)
                if extra.when == ExtraWhen::Exhausted
                    && !matches!(form.shape, Some(Shape::Exhausted { .. })) =>
            (
                "`extra … when exhausted` after a deduction",
                "write `extra X when exhausted` as a clause of its own (`clause x \"扣满…\" extra 10 when exhausted`), or drop `when exhausted` to add X when this clause deducts",
            ),
            Owner::Item(_) => return,
        };
        self.push(
            Diagnostic::new(
                Code::ExtraNotAllowed,
                extra.span,
                format!(
                    "{message}: clause `{}` of {}",
                    clause.id.as_str(),
                    owner_name(rubric, place.owner)
                ),
            )
            .with_help(help),
        );
    }

    /// E0226 for `deduct all` and `item weight` in a bonus or a points rubric.
    fn item_weight_forms(&mut self, clause: &Clause, form: &ClauseForm, points: bool) {
        let where_ = if points {
            "a points rubric, whose items have no weight"
        } else {
            "a bonus, which has no weight"
        };
        let allowed = if points {
            "give a number of points"
        } else {
            "give an amount (`add 2`, `capped at 3`, `up to 2`)"
        };
        let mut found: Vec<(crate::span::Span, &str)> = Vec::new();
        if form.shape.is_none() {
            match &clause.deduction {
                Deduction::All { span } => found.push((*span, "`all`")),
                Deduction::UpTo {
                    max: Limit::ItemWeight(span),
                } => found.push((*span, "`up to item weight`")),
                Deduction::Once {
                    cap: Some(Limit::ItemWeight(span)),
                    ..
                }
                | Deduction::Per {
                    cap: Some(Limit::ItemWeight(span)),
                    ..
                } => found.push((*span, "`capped at item weight`")),
                _ => {}
            }
        } else if let Some(Limit::ItemWeight(span)) = form.shape.as_ref().and_then(Shape::cap) {
            found.push((*span, "`capped at item weight`"));
        }
        for (span, what) in found {
            self.push(
                Diagnostic::new(
                    Code::FormNotAllowed,
                    span,
                    format!("{what} in {where_}: clause `{}`", clause.id.as_str()),
                )
                .with_help(allowed),
            );
        }
    }

    /// The values of a version 2 shape: E0205, E0206, E0219, E0220, E0230,
    /// E0231, E0202 for a level table's unit.
    fn shape_values(&mut self, place: ClausePlace, clause: &Clause, shape: &Shape) {
        let rubric = self.rubric;
        let id = clause.id.as_str();
        if let Some(Limit::Amount(cap)) = shape.cap() {
            self.positive(cap, || format!("clause `{id}` is capped at zero"));
        }
        // W0302: a cap below one deduction of the shape.
        if let Some(cap) = shape.cap() {
            let clause_weight = match place.owner {
                Owner::Item(i) => rubric.clause_weight_of(i),
                _ => Decimal::ZERO,
            };
            let limit = cap.resolve(clause_weight);
            let largest = match shape {
                Shape::Rate { amount, .. } => Some(amount),
                Shape::Levels { amounts, .. } => amounts.iter().max_by_key(|a| a.value),
                Shape::Range {
                    max,
                    per_occurrence: Some(_),
                    ..
                } => Some(max),
                _ => None,
            };
            if let Some(amount) = largest {
                if limit < amount.value && !limit.is_zero() {
                    self.push(super::cap_below_deduction(id, cap.span(), limit, amount));
                }
            }
        }
        match shape {
            Shape::Rate {
                amount,
                step,
                steps,
                threshold,
                ..
            } => {
                self.positive(amount, || format!("clause `{id}` deducts zero per step"));
                if let RatePoint::Fixed(p) = threshold {
                    self.percentage(p);
                }
                match step {
                    None if *steps != Steps::Exact => self.push(
                        Diagnostic::new(
                            Code::InvalidRate,
                            clause.id.span,
                            format!("clause `{id}` counts `{}` steps but gives no STEP", steps.as_str()),
                        )
                        .with_help(format!(
                            "give the step after `{}`: `per {} 1% below 100%`",
                            steps.as_str(),
                            steps.as_str()
                        )),
                    ),
                    Some(step) if step.value.is_zero() => self.push(
                        Diagnostic::new(
                            Code::InvalidRate,
                            step.span,
                            format!("clause `{id}` has a step of zero"),
                        )
                        .with_help("the step is the size of one unit of the gap (`per 1%`): it must be greater than zero"),
                    ),
                    Some(step) => {
                        self.percentage(step);
                        if let RatePoint::Fixed(p) = threshold {
                            if p.percent != step.percent {
                                self.push(
                                    Diagnostic::new(
                                        Code::InvalidRate,
                                        step.span,
                                        format!(
                                            "clause `{id}` measures steps of {} from {}: one is a percentage, the other a number",
                                            show(step),
                                            show(p)
                                        ),
                                    )
                                    .with_help("write STEP and P both as percentages (`per 1% below 95%`) or both as numbers (`per 1 above 3`)"),
                                );
                            }
                        }
                    }
                    None => {}
                }
            }
            Shape::Levels { amounts, unit, .. } => {
                let span = amounts.first().map_or(clause.id.span, |a| a.span);
                for a in amounts {
                    self.percentage(a);
                }
                if amounts.len() < 2 {
                    self.push(
                        Diagnostic::new(
                            Code::InvalidLevelTable,
                            span,
                            format!("clause `{id}` has a level table with one amount"),
                        )
                        .with_help("a level table lists one amount per level, at least two (`deduct 1, 3, 6 by level`); for one amount write `deduct A`"),
                    );
                } else if amounts.iter().all(|a| a.value.is_zero()) {
                    self.push(
                        Diagnostic::new(
                            Code::InvalidLevelTable,
                            span,
                            format!("every amount of clause `{id}`'s level table is zero"),
                        )
                        .with_help("an amount may be 0, but not all of them"),
                    );
                }
                let labels = rubric.forms().levels.len();
                if labels > 0 && amounts.len() > labels {
                    let extra = amounts.get(labels).map_or(span, |a| a.span);
                    self.push(
                        Diagnostic::new(
                            Code::InvalidLevelTable,
                            extra,
                            format!(
                                "clause `{id}` lists {} amounts, but `levels` names {labels}",
                                amounts.len()
                            ),
                        )
                        .with_help(format!("give at most {labels} amounts, one per declared level, or add labels to `levels`")),
                    );
                }
                if let Some(unit) = unit {
                    if rubric.unit(unit.as_str()).is_none() {
                        let names = rubric.units().iter().map(|u| u.id.as_str());
                        let help = match self.closest(unit.as_str(), names) {
                            Some(near) => format!("did you mean `{near}`?"),
                            None => format!(
                                "the declared units are {}",
                                list_ids(rubric.units().iter().map(|u| u.id.as_str()))
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
                }
            }
            Shape::Tiers { op, tiers } => {
                let mut previous: Option<&Amount> = None;
                for tier in tiers {
                    self.positive(&tier.amount, || {
                        format!("a tier of clause `{id}` deducts zero")
                    });
                    self.percentage(&tier.threshold);
                    if let Some(before) = previous {
                        let ordered = match op {
                            Comparison::Below => tier.threshold.value > before.value,
                            Comparison::Above => tier.threshold.value < before.value,
                        };
                        if before.percent != tier.threshold.percent {
                            self.push(
                                Diagnostic::new(
                                    Code::TiersNotOrdered,
                                    tier.threshold.span,
                                    format!("the tiers of clause `{id}` mix percentages and numbers"),
                                )
                                .with_help("write every threshold as a percentage, or every one as a number"),
                            );
                        } else if !ordered {
                            let (way, help) = match op {
                                Comparison::Below => ("above", "with `when below`, list the tiers from the lowest threshold up: `0.5 when below 2%, 0.25 when below 3%`"),
                                Comparison::Above => ("below", "with `when above`, list the tiers from the highest threshold down: `1 when above 10, 0.5 when above 5`"),
                            };
                            self.push(
                                Diagnostic::new(
                                    Code::TiersNotOrdered,
                                    tier.threshold.span,
                                    format!(
                                        "tier threshold {} of clause `{id}` is not strictly {way} the one before ({})",
                                        show(&tier.threshold),
                                        show(before)
                                    ),
                                )
                                .with_help(help),
                            );
                        }
                    }
                    previous = Some(&tier.threshold);
                }
            }
            Shape::Range {
                min,
                max,
                per_occurrence,
                cap,
            } => {
                self.percentage(min);
                self.percentage(max);
                if min.value.is_zero() {
                    self.push(
                        Diagnostic::new(
                            Code::InvalidRange,
                            min.span,
                            format!("clause `{id}` ranges from zero"),
                        )
                        .with_help(format!(
                            "a range from 0 is discretionary: write `up to {}`",
                            show(max)
                        )),
                    );
                } else if min.value >= max.value {
                    self.push(
                        Diagnostic::new(
                            Code::InvalidRange,
                            max.span,
                            format!(
                                "clause `{id}` ranges from {} to {}: the upper bound must be greater",
                                show(min),
                                show(max)
                            ),
                        )
                        .with_help("write the lower bound first: `deduct 5 to 15 per occurrence`"),
                    );
                }
                if let (None, Some(cap)) = (per_occurrence, cap) {
                    self.push(
                        Diagnostic::new(
                            Code::InvalidRange,
                            cap.span(),
                            format!("clause `{id}` caps a range taken once"),
                        )
                        .with_help("only `deduct A to B per occurrence` takes `capped at C`; a single range is bounded by B already"),
                    );
                }
            }
            // Its extra is checked by `clause_extra` (E0218 outside an item).
            Shape::Exhausted { .. } => {}
        }
    }

    /// E0205 on bonus caps; W0306 a bonus clause larger than the bonus's cap.
    fn bonus_values(&mut self) {
        let rubric = self.rubric;
        for (b, bonus) in rubric.bonuses().iter().enumerate() {
            let Some(cap) = &bonus.cap else {
                continue;
            };
            self.positive(cap, || {
                format!("bonus `{}` is capped at zero", bonus.id.as_str())
            });
            if cap.value.is_zero() {
                continue;
            }
            for (c, clause) in bonus.clauses.iter().enumerate() {
                let form = rubric.clause_form(ClausePlace {
                    owner: Owner::Bonus(b),
                    clause: c,
                });
                let most: Option<&Amount> = match &form.shape {
                    None => match &clause.deduction {
                        Deduction::Once { amount, .. }
                        | Deduction::Per { amount, .. }
                        | Deduction::Threshold { amount, .. } => Some(amount),
                        Deduction::UpTo {
                            max: Limit::Amount(max),
                        } => Some(max),
                        _ => None,
                    },
                    Some(Shape::Levels { amounts, .. }) => amounts.iter().max_by_key(|a| a.value),
                    Some(Shape::Tiers { tiers, .. }) => {
                        tiers.iter().map(|t| &t.amount).max_by_key(|a| a.value)
                    }
                    Some(Shape::Range { max, .. }) => Some(max),
                    Some(Shape::Rate { amount, .. }) => Some(amount),
                    Some(Shape::Exhausted { .. }) => None,
                };
                if let Some(amount) = most.filter(|a| a.value > cap.value) {
                    self.push(
                        Diagnostic::new(
                            Code::BonusAboveCap,
                            amount.span,
                            format!(
                                "clause `{}` adds {}, more than bonus `{}` can add ({})",
                                clause.id.as_str(),
                                show(amount),
                                bonus.id.as_str(),
                                show(cap)
                            ),
                        )
                        .with_related(cap.span, "the bonus's cap")
                        .with_help(
                            "the bonus adds at most its cap: lower the amount or raise the cap",
                        ),
                    );
                }
            }
        }
    }

    /// E0226: the forms a points rubric refuses.
    fn points_refusals(&mut self) {
        let rubric = self.rubric;
        if rubric.scoring() != Scoring::Points {
            return;
        }
        let forms = rubric.forms();
        let help = "a points rubric counts points upward: it has no total, scale, ceiling, not-applicable rule, item or section weights, externals, penalties or bonuses";
        let refuse = |checker: &mut Self, span: crate::span::Span, what: String| {
            checker.push(
                Diagnostic::new(
                    Code::FormNotAllowed,
                    span,
                    format!("{what} in a points rubric"),
                )
                .with_help(help),
            );
        };
        if let Some(total) = rubric.declared_total() {
            refuse(self, total.span, "`total`".into());
        }
        if let Some(scale) = &forms.scale {
            refuse(self, scale.span, "`scale`".into());
        }
        if let Some(ceiling) = &forms.ceiling {
            refuse(self, ceiling.span, "`ceiling`".into());
        }
        if let Some(span) = forms.not_applicable_span {
            refuse(self, span, "`not-applicable`".into());
        }
        for (index, section) in rubric.sections().iter().enumerate() {
            if let Some(weight) = rubric.section_form(index).weight {
                refuse(
                    self,
                    weight.span,
                    format!("`weight` on section `{}`", section.id.as_str()),
                );
            }
        }
        for (index, item) in rubric.items().iter().enumerate() {
            if rubric.item_weighted(index) {
                refuse(
                    self,
                    item.weight.span,
                    format!("`weight` on item `{}`", item.id.as_str()),
                );
            }
            if item.optional {
                refuse(
                    self,
                    item.id.span,
                    format!("`optional` on item `{}`", item.id.as_str()),
                );
            }
            for external in &item.externals {
                refuse(
                    self,
                    external.id.span,
                    format!("`external` in item `{}`", item.id.as_str()),
                );
            }
        }
        for penalty in rubric.penalties() {
            refuse(
                self,
                penalty.id.span,
                format!("penalty `{}`", penalty.id.as_str()),
            );
        }
        for bonus in rubric.bonuses() {
            refuse(
                self,
                bonus.id.span,
                format!("bonus `{}`", bonus.id.as_str()),
            );
        }
    }

    /// E0227: `at least` only in a deductions rubric, `at most` only in a
    /// points rubric.
    fn grade_kinds(&mut self) {
        let rubric = self.rubric;
        let points = rubric.scoring() == Scoring::Points;
        for (index, grade) in rubric.grades().iter().enumerate() {
            let form = rubric.grade_form(index);
            match (&grade.at_least, &form.at_most, points) {
                (Some(at_least), _, true) => self.push(
                    Diagnostic::new(
                        Code::GradeBoundNotAllowed,
                        at_least.span,
                        format!("`at least` on grade `{}` of a points rubric", grade.id.as_str()),
                    )
                    .with_help(format!(
                        "in a points rubric lower is better: write `at most {}`",
                        show(at_least)
                    )),
                ),
                (_, Some(at_most), false) => self.push(
                    Diagnostic::new(
                        Code::GradeBoundNotAllowed,
                        at_most.span,
                        format!("`at most` on grade `{}` of a deductions rubric", grade.id.as_str()),
                    )
                    .with_help(format!(
                        "grades of a deductions rubric start at a score: write `at least {}` (or `scoring points` for a rubric that counts upward)",
                        show(at_most)
                    )),
                ),
                _ => {}
            }
        }
    }

    /// E0232, E0211 for the grade bands of a points rubric: thresholds
    /// (`at most`) strictly ascending, only the last band without one.
    pub(super) fn points_grade_bands(&mut self) {
        let rubric = self.rubric;
        let grades = rubric.grades();
        let mut previous: Option<(&Id, Amount)> = None;
        for (index, grade) in grades.iter().enumerate() {
            let last = index + 1 == grades.len();
            let threshold = rubric.grade_form(index).at_most;
            match (&threshold, last) {
                (Some(t), true) if grades.len() > 1 => self.push(
                    Diagnostic::new(
                        Code::GradeBandThreshold,
                        t.span,
                        format!("the last grade `{}` has a threshold", grade.id.as_str()),
                    )
                    .with_label("the last band takes every score above the others")
                    .with_help(format!("remove `at most {}`", show(t))),
                ),
                (None, false) if grade.at_least.is_none() => self.push(
                    Diagnostic::new(
                        Code::GradeBandThreshold,
                        grade.id.span,
                        format!(
                            "grade `{}` has no threshold, but it is not the last band",
                            grade.id.as_str()
                        ),
                    )
                    .with_help("add `at most N`, or move the band to the end: only the last band has no threshold"),
                ),
                _ => {}
            }
            let Some(threshold) = threshold else { continue };
            if let Some((previous_id, before)) = &previous {
                if threshold.value <= before.value {
                    self.push(
                        Diagnostic::new(
                            Code::GradesNotAscending,
                            threshold.span,
                            format!(
                                "grade `{}` ends at {}, not above the grade before it",
                                grade.id.as_str(),
                                show(&threshold)
                            ),
                        )
                        .with_related(
                            before.span,
                            format!("`{}` ends at {}", previous_id.as_str(), show(before)),
                        )
                        .with_help("in a points rubric list the bands best first, each `at most` strictly higher than the one before"),
                    );
                }
            }
            previous = Some((&grade.id, threshold));
        }
    }

    /// E0203, E0221, E0222, E0223 in a condition; records the facts it uses.
    fn condition(
        &mut self,
        condition: &Condition,
        kind: &str,
        owner: &'r Id,
        used_facts: &mut HashSet<&'r str>,
    ) {
        let rubric = self.rubric;
        for part in &condition.parts {
            match part {
                Part::Clause(r) => {
                    // Vetoes' clause references are checked with version 1's rule.
                    if kind != "veto" {
                        self.flag_clause(r, owner);
                    }
                }
                Part::Tagged { tag, .. } => {
                    if rubric.tagged(tag.as_str()).is_empty() {
                        let mut tags: Vec<&str> = rubric.tags().collect();
                        tags.sort_unstable();
                        let help = match self.closest(tag.as_str(), tags.iter().copied()) {
                            Some(near) => format!("did you mean `{near}`?"),
                            None if tags.is_empty() => "no clause carries a tag: add `tagged T` at the end of the clauses this condition means".to_owned(),
                            None => format!("the tags are {}", list_ids(tags.iter().copied())),
                        };
                        self.push(
                            Diagnostic::new(
                                Code::UnknownTag,
                                tag.span,
                                format!(
                                    "no clause is tagged `{}` (in {kind} `{}`)",
                                    tag.as_str(),
                                    owner.as_str()
                                ),
                            )
                            .with_help(help),
                        );
                    }
                }
                Part::Fact { fact, value, .. } => {
                    self.percentage(value);
                    match rubric.fact(fact.as_str()) {
                        Some(f) => {
                            used_facts.insert(f.id.as_str());
                        }
                        None => {
                            let names = rubric.facts().iter().map(|f| f.id.as_str());
                            let near = self.closest(fact.as_str(), names);
                            if let Some(near) = near {
                                // Used in intent: the error already says so.
                                used_facts.insert(near);
                            }
                            let help = match near {
                                Some(near) => format!("did you mean `{near}`?"),
                                None if rubric.facts().is_empty() => format!(
                                    "declare it: `fact {} \"what it counts\"`",
                                    fact.as_str()
                                ),
                                None => format!(
                                    "the facts are {}; declare a new one with `fact {} \"…\"`",
                                    list_ids(rubric.facts().iter().map(|f| f.id.as_str())),
                                    fact.as_str()
                                ),
                            };
                            self.push(
                                Diagnostic::new(
                                    Code::UnknownFact,
                                    fact.span,
                                    format!(
                                        "unknown fact `{}` in {kind} `{}`",
                                        fact.as_str(),
                                        owner.as_str()
                                    ),
                                )
                                .with_help(help),
                            );
                        }
                    }
                }
                Part::Score { span, .. } => {
                    if kind == "veto" {
                        self.push(
                            Diagnostic::new(
                                Code::ScoreInVeto,
                                *span,
                                format!("`score` in the condition of veto `{}`", owner.as_str()),
                            )
                            .with_help("a veto decides the grade from the score, so it cannot test it: use a flag (`flag ID \"…\" when score >= N`), or test clauses, tags and facts here"),
                        );
                    }
                }
            }
        }
    }

    /// E0203 for a flag's `ITEM/CLAUSE`.
    fn flag_clause(&mut self, r: &crate::model::ClauseRef, flag: &Id) {
        let rubric = self.rubric;
        if rubric.resolve(r).is_some() {
            return;
        }
        let known_owner =
            rubric.target(r.item.as_str()).is_some() || rubric.bonus(r.item.as_str()).is_some();
        let d = if known_owner {
            Diagnostic::new(
                Code::UnknownClause,
                r.clause.span,
                format!(
                    "`{}` has no clause `{}` (in flag `{}`)",
                    r.item.as_str(),
                    r.clause.as_str(),
                    flag.as_str()
                ),
            )
        } else {
            Diagnostic::new(
                Code::UnknownClause,
                r.item.span,
                format!(
                    "unknown item `{}` in flag `{}`",
                    r.item.as_str(),
                    flag.as_str()
                ),
            )
        };
        self.push(d.with_help(
            "a clause reference is `ITEM/CLAUSE`, naming a clause of an item, penalty or bonus",
        ));
    }

    /// E0224: exclusive groups.
    fn exclusive_groups(&mut self) {
        let rubric = self.rubric;
        let mut seen: HashMap<ClausePlace, crate::span::Span> = HashMap::new();
        for group in rubric.exclusive_groups() {
            if group.clauses.len() < 2 {
                self.push(
                    Diagnostic::new(
                        Code::InvalidExclusive,
                        group.span,
                        "an exclusive group names fewer than two clauses",
                    )
                    .with_help("list at least two clauses that must not both deduct: `exclusive \"不重复扣分\" 8.1/a, 8.3/a`"),
                );
            }
            for r in &group.clauses {
                match rubric.resolve(r) {
                    None => {
                        let help = match rubric.item(r.item.as_str()) {
                            Some(item) => match self
                                .closest(r.clause.as_str(), item.clauses.iter().map(|c| c.id.as_str()))
                            {
                                Some(near) => format!("did you mean `{}/{near}`?", r.item.as_str()),
                                None => format!(
                                    "the clauses of `{}` are {}",
                                    r.item.as_str(),
                                    list_ids(item.clauses.iter().map(|c| c.id.as_str()))
                                ),
                            },
                            None => "name a clause of an item as `ITEM/CLAUSE`".to_owned(),
                        };
                        self.push(
                            Diagnostic::new(
                                Code::InvalidExclusive,
                                r.span(),
                                format!(
                                    "unknown clause `{}/{}` in an exclusive group",
                                    r.item.as_str(),
                                    r.clause.as_str()
                                ),
                            )
                            .with_help(help),
                        );
                    }
                    Some(place) if !matches!(place.owner, Owner::Item(_)) => self.push(
                        Diagnostic::new(
                            Code::InvalidExclusive,
                            r.span(),
                            format!(
                                "`{}/{}` is not a clause of an item",
                                r.item.as_str(),
                                r.clause.as_str()
                            ),
                        )
                        .with_help("an exclusive group holds clauses of items only, not of penalties or bonuses"),
                    ),
                    Some(place) => {
                        if let Some(&first) = seen.get(&place) {
                            self.push(
                                Diagnostic::new(
                                    Code::InvalidExclusive,
                                    r.span(),
                                    format!(
                                        "clause `{}/{}` stands in two exclusive groups",
                                        r.item.as_str(),
                                        r.clause.as_str()
                                    ),
                                )
                                .with_related(first, "first listed here")
                                .with_help("a clause stands in at most one group: merge the two groups into one"),
                            );
                        } else {
                            seen.insert(place, r.span());
                        }
                    }
                }
            }
        }
    }
}
