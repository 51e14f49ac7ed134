//! The forms of language version 2 (spec section 9): points rubrics, weighted
//! and nested sections, rate, level, tier and range clauses, extras, tags,
//! bonus items, facts, conditions, flags and exclusive groups.
//!
//! They stand beside the version 1 lists of a [`Rubric`](super::Rubric) in one
//! [`Forms`] value, so that a version 1 rubric carries nothing but empty lists
//! and pays nothing for them. The side lists that belong to a version 1 list
//! ([`Forms::sections`], [`Forms::grades`], [`Forms::items`],
//! [`Forms::penalties`], [`Forms::vetoes`]) are either empty or exactly as long
//! as the list they describe; [`Rubric::with_forms`](super::Rubric::with_forms)
//! pads a short one with defaults, so readers go through the rubric's
//! accessors ([`Rubric::clause_form`](super::Rubric::clause_form), …), which
//! answer the version 1 meaning where nothing was written.

use super::{Amount, CheckStep, Clause, ClauseRef, Comparison, Id, Limit, Text};
use crate::span::Span;

/// How a rubric counts (`scoring deductions`, the default, or `scoring points`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Scoring {
    /// Items lose points from their weights (version 1).
    #[default]
    Deductions,
    /// Clauses give points upward; items have no weight; lower is better.
    Points,
}

impl Scoring {
    /// `deductions` or `points`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scoring::Deductions => "deductions",
            Scoring::Points => "points",
        }
    }
}

/// The verb of a clause: what its amount does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Verb {
    /// `deduct`: takes points from an item or a penalty.
    #[default]
    Deduct,
    /// `add`: adds points in a bonus item (加分项).
    Add,
    /// `points`: gives points in a points rubric.
    Points,
}

impl Verb {
    /// `deduct`, `add` or `points`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Verb::Deduct => "deduct",
            Verb::Add => "add",
            Verb::Points => "points",
        }
    }
}

/// How a rate clause counts its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Steps {
    /// `per STEP`: steps = gap / STEP, exactly.
    #[default]
    Exact,
    /// `per full STEP`: only whole steps count (floor).
    Full,
    /// `per started STEP`: a started step counts as a whole one (ceiling).
    Started,
}

impl Steps {
    /// `exact`, `full` or `started`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Steps::Exact => "exact",
            Steps::Full => "full",
            Steps::Started => "started",
        }
    }
}

/// What a rate clause measures the gap from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatePoint {
    /// A fixed P (a percentage is already divided by 100).
    Fixed(Amount),
    /// `target`: the finding gives it (`"target"`).
    Target(Span),
}

impl RatePoint {
    /// Where it was written.
    pub fn span(&self) -> Span {
        match self {
            RatePoint::Fixed(a) => a.span,
            RatePoint::Target(span) => *span,
        }
    }
}

/// One tier of a tiered threshold: `A when below P`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    /// A.
    pub amount: Amount,
    /// P.
    pub threshold: Amount,
}

/// The clause shapes of version 2. A clause that has one (see
/// [`ClauseForm::shape`]) is of this shape; its `deduction` then holds only a
/// stand-in (`Once` of the first amount, or of zero) and must not be
/// evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// `deduct A per [full|started] [STEP] below|above P|target [capped at C]`:
    /// A × steps, where steps = gap / STEP (the gap is P − v for `below`,
    /// v − P for `above`; no deduction when gap ≤ 0). Without STEP the step
    /// is 1 and counted exactly (the parser accepts `full`/`started` only
    /// with a STEP; `check` refuses them otherwise).
    Rate {
        /// A, per step.
        amount: Amount,
        /// STEP, when written.
        step: Option<Amount>,
        /// How steps are counted.
        steps: Steps,
        /// `below` or `above`.
        op: Comparison,
        /// P, or `target`.
        threshold: RatePoint,
        /// Optional clause cap.
        cap: Option<Limit>,
    },
    /// `deduct A1, A2, … by level [per UNIT] [capped at C]`: a finding gives
    /// its level k (1-based); A_k once per level found, or A_k × n_k with a unit.
    Levels {
        /// A1, A2, … (the parser guarantees at least one; `check` asks for two).
        amounts: Vec<Amount>,
        /// The unit counted, when `per UNIT` is written.
        unit: Option<Id>,
        /// Optional clause cap.
        cap: Option<Limit>,
    },
    /// `deduct A1 when below P1, A2 when below P2, …`: the first tier whose
    /// test holds gives the amount. Tiers are kept in source order; `check`
    /// refuses thresholds that are not strictly ordered (ascending for
    /// `below`, descending for `above`).
    Tiers {
        /// `below` or `above`, the same for every tier (the parser refuses a mix).
        op: Comparison,
        /// The tiers, in source order (at least one).
        tiers: Vec<Tier>,
    },
    /// `deduct A to B [per occurrence] [capped at C]`: the finding's amount in
    /// [A, B]; with `per occurrence` every finding gives its own and they add up.
    Range {
        /// A.
        min: Amount,
        /// B.
        max: Amount,
        /// Where `per occurrence` was written, when it was.
        per_occurrence: Option<Span>,
        /// Optional clause cap (only with `per occurrence`; `check` refuses it otherwise).
        cap: Option<Limit>,
    },
    /// `extra X when exhausted`: no deduction of its own; the clause takes no
    /// findings, and its [`Extra`] applies when its item is exhausted.
    Exhausted {
        /// Where `extra` was written.
        span: Span,
    },
}

impl Shape {
    /// The shape's name in the JSON export: `rate`, `levels`, `tiers`, `range`,
    /// or `once` for an `extra … when exhausted` clause.
    pub const fn name(&self) -> &'static str {
        match self {
            Shape::Rate { .. } => "rate",
            Shape::Levels { .. } => "levels",
            Shape::Tiers { .. } => "tiers",
            Shape::Range { .. } => "range",
            Shape::Exhausted { .. } => "exhausted",
        }
    }

    /// The clause cap, if any.
    pub fn cap(&self) -> Option<&Limit> {
        match self {
            Shape::Rate { cap, .. } | Shape::Levels { cap, .. } | Shape::Range { cap, .. } => {
                cap.as_ref()
            }
            Shape::Tiers { .. } | Shape::Exhausted { .. } => None,
        }
    }
}

/// When an `extra` (追加扣除) applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtraWhen {
    /// `extra X`: when the clause's own deduction before caps is not zero.
    Deducts,
    /// `extra X when exhausted`: when the item is exhausted (扣满).
    Exhausted,
}

impl ExtraWhen {
    /// `deducts` or `exhausted`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ExtraWhen::Deducts => "deducts",
            ExtraWhen::Exhausted => "exhausted",
        }
    }
}

/// `extra X [when exhausted]`: X more deducted outside the item's cap, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extra {
    /// X.
    pub amount: Amount,
    /// When it applies.
    pub when: ExtraWhen,
    /// From `extra` to the end of the ending.
    pub span: Span,
}

/// What version 2 adds to one clause. The default is the version 1 meaning:
/// verb `deduct`, the shape of the clause's `deduction`, no extra, no tags.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClauseForm {
    /// The verb written.
    pub verb: Verb,
    /// Where the verb was written (empty when not read from source).
    pub verb_span: Span,
    /// A version 2 shape; when present it replaces the clause's `deduction`.
    pub shape: Option<Shape>,
    /// `extra X [when exhausted]`.
    pub extra: Option<Extra>,
    /// `tagged T1, T2`, in source order.
    pub tags: Vec<Id>,
}

impl ClauseForm {
    /// The version 1 meaning, as a constant for accessors.
    pub const V1: ClauseForm = ClauseForm {
        verb: Verb::Deduct,
        verb_span: Span::new(0, 0),
        shape: None,
        extra: None,
        tags: Vec::new(),
    };

    /// True when nothing of version 2 is written.
    pub fn is_v1(&self) -> bool {
        self.verb == Verb::Deduct
            && self.shape.is_none()
            && self.extra.is_none()
            && self.tags.is_empty()
    }
}

/// What version 2 adds to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemForm {
    /// False for an item written without `weight` (a points rubric); its
    /// `weight` is then a zero stand-in.
    pub weighted: bool,
    /// One per clause of the item, in the same order (or empty: all version 1).
    pub clauses: Vec<ClauseForm>,
}

impl Default for ItemForm {
    fn default() -> ItemForm {
        ItemForm {
            weighted: true,
            clauses: Vec::new(),
        }
    }
}

/// What version 2 adds to one section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SectionForm {
    /// `weight W`: a weighted section (小计); `None` for a heading.
    pub weight: Option<Amount>,
    /// Index into the rubric's sections of the enclosing section, when nested.
    /// A parent always comes before its children (parent index < own index).
    pub parent: Option<usize>,
}

/// What version 2 adds to one grade band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GradeForm {
    /// `at most N` (a points rubric); the grade's `at_least` is then `None`.
    pub at_most: Option<Amount>,
}

/// A comparison in a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `>=`
    Ge,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `=`
    Eq,
}

impl CompareOp {
    /// The operator as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            CompareOp::Ge => ">=",
            CompareOp::Gt => ">",
            CompareOp::Le => "<=",
            CompareOp::Lt => "<",
            CompareOp::Eq => "=",
        }
    }

    /// Whether `left OP right` holds.
    pub fn holds(self, left: rust_decimal::Decimal, right: rust_decimal::Decimal) -> bool {
        match self {
            CompareOp::Ge => left >= right,
            CompareOp::Gt => left > right,
            CompareOp::Le => left <= right,
            CompareOp::Lt => left < right,
            CompareOp::Eq => left == right,
        }
    }
}

/// One part of a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// `ITEM/CLAUSE`: the clause's own deduction or points (before exclusion
    /// and caps) is not zero; for an `extra … when exhausted` clause, its extra applies.
    Clause(ClauseRef),
    /// `tagged T`: any clause tagged T holds in that sense.
    Tagged {
        /// T.
        tag: Id,
        /// From `tagged` to the tag.
        span: Span,
    },
    /// `FACT OP N`.
    Fact {
        /// The fact's id.
        fact: Id,
        /// OP.
        op: CompareOp,
        /// N.
        value: Amount,
    },
    /// `score OP N` (flags only): the rounded reported score.
    Score {
        /// OP.
        op: CompareOp,
        /// N.
        value: Amount,
        /// From `score` to N.
        span: Span,
    },
}

impl Part {
    /// Where the part was written.
    pub fn span(&self) -> Span {
        match self {
            Part::Clause(r) => r.span(),
            Part::Tagged { span, .. } | Part::Score { span, .. } => *span,
            Part::Fact { fact, value, .. } => fact.span.to(value.span),
        }
    }
}

/// `when [all] PART, PART, …`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Condition {
    /// True for `when all …` (every part must hold); false: any part.
    pub all: bool,
    /// The parts, in source order (at least one when read from source).
    pub parts: Vec<Part>,
    /// From `when` to the last part.
    pub span: Span,
}

/// What version 2 adds to one veto.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VetoForm {
    /// True when `at most GRADE` is written (the veto's `at_most` is then the
    /// grade); false for a veto that only says `score 0` (its `at_most` then
    /// has an empty name).
    pub caps_grade: bool,
    /// Where `score 0` was written, when it was: the veto zeroes the score.
    pub score_zero: Option<Span>,
    /// The full condition, when it has parts other than clause references or
    /// is `when all`; `None` means the veto's `when` list (any of them) is the
    /// condition, as in version 1. When `Some`, the veto's `when` still lists
    /// the clause references among the parts, in order.
    pub condition: Option<Condition>,
}

impl Default for VetoForm {
    fn default() -> VetoForm {
        VetoForm {
            caps_grade: true,
            score_zero: None,
            condition: None,
        }
    }
}

/// `fact ID "text" [default N]`: a number findings may report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The fact's id.
    pub id: Id,
    /// What it is.
    pub text: Text,
    /// The value when no finding gives one.
    pub default: Option<Amount>,
    /// The whole declaration.
    pub span: Span,
}

/// A bonus item (加分项): adds to the final score, outside the item weights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bonus {
    /// Shares its namespace with item and penalty ids.
    pub id: Id,
    /// Its title.
    pub title: Text,
    /// The most it can add; `None` means uncapped.
    pub cap: Option<Amount>,
    /// Who answers for it (not charged in `by_owner`).
    pub owners: Vec<Text>,
    /// What it rests on.
    pub basis: Vec<Text>,
    /// What the inspector looks at.
    pub checks: Vec<CheckStep>,
    /// Its clauses; their `deduction` holds what they add (verb `add`).
    pub clauses: Vec<Clause>,
    /// One per clause, same order (always as long as `clauses`).
    pub forms: Vec<ClauseForm>,
    /// The whole bonus block.
    pub span: Span,
}

impl Bonus {
    /// The clause with this id.
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id.name == id)
    }
}

/// `flag ID "text" when CONDITION`: a named outcome the report lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The flag's id.
    pub id: Id,
    /// What it means.
    pub text: Text,
    /// When it holds.
    pub when: Condition,
    /// The whole declaration.
    pub span: Span,
}

/// `exclusive "text" REF, REF, …` (不重复扣分): of the listed clauses that
/// deduct, only the first in source order keeps its deduction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusive {
    /// Why, in words.
    pub text: Text,
    /// The clauses, as written.
    pub clauses: Vec<ClauseRef>,
    /// The whole declaration.
    pub span: Span,
}

/// Which list a clause belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    /// Index into the rubric's items.
    Item(usize),
    /// Index into the rubric's penalties.
    Penalty(usize),
    /// Index into [`Forms::bonuses`].
    Bonus(usize),
}

/// A clause by position: its owner and its index in the owner's clauses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClausePlace {
    /// The item, penalty or bonus.
    pub owner: Owner,
    /// Index into its clauses.
    pub clause: usize,
}

/// Everything version 2 adds to a rubric. `Forms::default()` is a version 1
/// rubric.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Forms {
    /// `scoring`.
    pub scoring: Scoring,
    /// Where `scoring` was written.
    pub scoring_span: Option<Span>,
    /// Where `not-applicable` was written (a points rubric refuses it).
    pub not_applicable_span: Option<Span>,
    /// `scale S`.
    pub scale: Option<Amount>,
    /// `ceiling C`.
    pub ceiling: Option<Amount>,
    /// `levels "…", …`: level k is `levels[k - 1]`.
    pub levels: Vec<Text>,
    /// Where `levels` was written.
    pub levels_span: Option<Span>,
    /// `fact` declarations, in source order.
    pub facts: Vec<Fact>,
    /// One per section of the rubric (or empty).
    pub sections: Vec<SectionForm>,
    /// One per grade (or empty).
    pub grades: Vec<GradeForm>,
    /// One per item (or empty).
    pub items: Vec<ItemForm>,
    /// One per penalty: the forms of its clauses (or empty).
    pub penalties: Vec<Vec<ClauseForm>>,
    /// Bonus items, in source order.
    pub bonuses: Vec<Bonus>,
    /// One per veto (or empty).
    pub vetoes: Vec<VetoForm>,
    /// Flags, in source order.
    pub flags: Vec<Flag>,
    /// Exclusive groups, in source order.
    pub exclusive: Vec<Exclusive>,
}

impl Forms {
    /// True when nothing of version 2 is written: a version 1 rubric.
    pub fn is_v1(&self) -> bool {
        self.scoring == Scoring::Deductions
            && self.scale.is_none()
            && self.ceiling.is_none()
            && self.levels.is_empty()
            && self.facts.is_empty()
            && self
                .sections
                .iter()
                .all(|s| s.weight.is_none() && s.parent.is_none())
            && self.grades.iter().all(|g| g.at_most.is_none())
            && self
                .items
                .iter()
                .all(|i| i.weighted && i.clauses.iter().all(ClauseForm::is_v1))
            && self.penalties.iter().flatten().all(ClauseForm::is_v1)
            && self.bonuses.is_empty()
            && self.vetoes.iter().all(|v| v == &VetoForm::default())
            && self.flags.is_empty()
            && self.exclusive.is_empty()
    }
}

impl super::Rubric {
    /// Pads the side lists and builds the version 2 indexes (called once,
    /// only for a rubric that uses version 2 forms).
    pub(super) fn index_forms(&mut self) {
        let forms = &mut self.forms;
        pad(
            &mut forms.sections,
            self.sections.len(),
            SectionForm::default,
        );
        pad(&mut forms.grades, self.grades.len(), GradeForm::default);
        pad(&mut forms.items, self.items.len(), ItemForm::default);
        pad(&mut forms.penalties, self.penalties.len(), Vec::new);
        pad(&mut forms.vetoes, self.vetoes.len(), VetoForm::default);
        for (form, item) in forms.items.iter_mut().zip(&self.items) {
            if !form.clauses.is_empty() {
                pad(&mut form.clauses, item.clauses.len(), ClauseForm::default);
            }
        }
        for (form, penalty) in forms.penalties.iter_mut().zip(&self.penalties) {
            if !form.is_empty() {
                pad(form, penalty.clauses.len(), ClauseForm::default);
            }
        }
        for bonus in &mut forms.bonuses {
            pad(&mut bonus.forms, bonus.clauses.len(), || ClauseForm {
                verb: Verb::Add,
                ..ClauseForm::default()
            });
        }
        let mut index = super::Index2::default();
        for (i, bonus) in self.forms.bonuses.iter().enumerate() {
            index.bonuses.entry(bonus.id.name.clone()).or_insert(i);
        }
        for (i, fact) in self.forms.facts.iter().enumerate() {
            index.facts.entry(fact.id.name.clone()).or_insert(i);
        }
        let mut tag = |place: ClausePlace, form: &ClauseForm| {
            for t in &form.tags {
                let places = index.tags.entry(t.name.clone()).or_default();
                if places.last() != Some(&place) {
                    places.push(place);
                }
            }
        };
        for (i, form) in self.forms.items.iter().enumerate() {
            for (c, f) in form.clauses.iter().enumerate() {
                tag(
                    ClausePlace {
                        owner: Owner::Item(i),
                        clause: c,
                    },
                    f,
                );
            }
        }
        for (i, forms) in self.forms.penalties.iter().enumerate() {
            for (c, f) in forms.iter().enumerate() {
                tag(
                    ClausePlace {
                        owner: Owner::Penalty(i),
                        clause: c,
                    },
                    f,
                );
            }
        }
        for (i, bonus) in self.forms.bonuses.iter().enumerate() {
            for (c, f) in bonus.forms.iter().enumerate() {
                tag(
                    ClausePlace {
                        owner: Owner::Bonus(i),
                        clause: c,
                    },
                    f,
                );
            }
        }
        self.index2 = index;
        let mut clause_places: super::IdMap<super::IdMap<ClausePlace>> = Default::default();
        let owners = self
            .items
            .iter()
            .enumerate()
            .map(|(i, x)| (Owner::Item(i), &x.id, &x.clauses))
            .chain(
                self.penalties
                    .iter()
                    .enumerate()
                    .map(|(i, x)| (Owner::Penalty(i), &x.id, &x.clauses)),
            )
            .chain(
                self.forms
                    .bonuses
                    .iter()
                    .enumerate()
                    .map(|(i, x)| (Owner::Bonus(i), &x.id, &x.clauses)),
            );
        // Items and penalties come first and an id's first declaration wins,
        // as in `target`; a bonus that repeats an item's id is not reached.
        let mut owner_of: super::IdMap<Owner> = Default::default();
        for (owner, id, list) in owners {
            if *owner_of.entry(id.name.clone()).or_insert(owner) != owner {
                continue;
            }
            let places = clause_places.entry(id.name.clone()).or_default();
            for (c, clause) in list.iter().enumerate() {
                places
                    .entry(clause.id.name.clone())
                    .or_insert(ClausePlace { owner, clause: c });
            }
        }
        self.index2.clause_places = clause_places;
        let mut members = Vec::with_capacity(self.forms.exclusive.len());
        let mut exclusive_of = std::collections::HashMap::new();
        for (g, group) in self.forms.exclusive.iter().enumerate() {
            let places: Vec<ClausePlace> = group
                .clauses
                .iter()
                .filter_map(|r| self.resolve(r))
                .collect();
            for place in &places {
                exclusive_of.entry(*place).or_insert(g);
            }
            members.push(places);
        }
        // Nearest weighted section above each section and around each item.
        // Parents come before their children, so one pass in order suffices.
        let mut above: Vec<Option<usize>> = Vec::with_capacity(self.sections.len());
        for (s, form) in self.forms.sections.iter().enumerate() {
            let nearest = match form.parent {
                Some(p) if p < s => match self.forms.sections.get(p) {
                    Some(parent) if parent.weight.is_some() => Some(p),
                    _ => above.get(p).copied().flatten(),
                },
                _ => None,
            };
            above.push(nearest);
        }
        let item_weighted_section = self
            .items
            .iter()
            .map(|item| {
                let s = item.section?;
                match self.forms.sections.get(s) {
                    Some(form) if form.weight.is_some() => Some(s),
                    _ => above.get(s).copied().flatten(),
                }
            })
            .collect();
        self.index2.exclusive_of = exclusive_of;
        self.index2.exclusive_members = members;
        self.index2.section_weighted_parent = above;
        self.index2.item_weighted_section = item_weighted_section;
    }

    /// Everything version 2 adds (empty lists for a version 1 rubric).
    pub fn forms(&self) -> &Forms {
        &self.forms
    }
    /// True when the rubric uses no version 2 form.
    pub fn is_v1(&self) -> bool {
        self.v1
    }
    /// `scoring`.
    pub fn scoring(&self) -> Scoring {
        self.forms.scoring
    }
    /// Bonus items in source order.
    pub fn bonuses(&self) -> &[Bonus] {
        &self.forms.bonuses
    }
    /// The bonus with this id.
    pub fn bonus(&self, id: &str) -> Option<&Bonus> {
        self.forms.bonuses.get(*self.index2.bonuses.get(id)?)
    }
    /// The position of the bonus with this id.
    pub fn bonus_index(&self, id: &str) -> Option<usize> {
        self.index2.bonuses.get(id).copied()
    }
    /// Facts in source order.
    pub fn facts(&self) -> &[Fact] {
        &self.forms.facts
    }
    /// The position of the fact with this id.
    pub fn fact_index(&self, id: &str) -> Option<usize> {
        self.index2.facts.get(id).copied()
    }
    /// The fact with this id.
    pub fn fact(&self, id: &str) -> Option<&Fact> {
        self.forms.facts.get(self.fact_index(id)?)
    }
    /// Flags in source order.
    pub fn flags(&self) -> &[Flag] {
        &self.forms.flags
    }
    /// Exclusive groups in source order.
    pub fn exclusive_groups(&self) -> &[Exclusive] {
        &self.forms.exclusive
    }
    /// The clauses of exclusive group `group` that exist, in the group's order.
    pub fn exclusive_members(&self, group: usize) -> &[ClausePlace] {
        self.index2
            .exclusive_members
            .get(group)
            .map_or(&[], Vec::as_slice)
    }
    /// The exclusive group a clause stands in.
    pub fn exclusive_group_of(&self, place: ClausePlace) -> Option<usize> {
        if self.index2.exclusive_of.is_empty() {
            return None;
        }
        self.index2.exclusive_of.get(&place).copied()
    }
    /// The clauses tagged `tag`, in rubric order (items, penalties, bonuses).
    pub fn tagged(&self, tag: &str) -> &[ClausePlace] {
        self.index2.tags.get(tag).map_or(&[], Vec::as_slice)
    }
    /// Every tag some clause carries.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.index2.tags.keys().map(String::as_str)
    }
    /// Where `ITEM/CLAUSE` points: a clause of an item, penalty or bonus.
    pub fn resolve(&self, r: &ClauseRef) -> Option<ClausePlace> {
        if !self.v1 {
            return self
                .index2
                .clause_places
                .get(r.item.as_str())?
                .get(r.clause.as_str())
                .copied();
        }
        let (owner, clauses) = match self.target(r.item.as_str()) {
            Some(super::Target::Item(i)) => (Owner::Item(i), &self.items.get(i)?.clauses),
            Some(super::Target::Penalty(p)) => (Owner::Penalty(p), &self.penalties.get(p)?.clauses),
            None => {
                let b = self.bonus_index(r.item.as_str())?;
                (Owner::Bonus(b), &self.forms.bonuses.get(b)?.clauses)
            }
        };
        let clause = clauses.iter().position(|c| c.id.name == r.clause.name)?;
        Some(ClausePlace { owner, clause })
    }
    /// The clause at a place.
    pub fn clause_at(&self, place: ClausePlace) -> Option<&Clause> {
        match place.owner {
            Owner::Item(i) => self.items.get(i)?.clauses.get(place.clause),
            Owner::Penalty(p) => self.penalties.get(p)?.clauses.get(place.clause),
            Owner::Bonus(b) => self.forms.bonuses.get(b)?.clauses.get(place.clause),
        }
    }
    /// What version 2 adds to the clause at a place ([`ClauseForm::V1`] when nothing).
    pub fn clause_form(&self, place: ClausePlace) -> &ClauseForm {
        let form = match place.owner {
            Owner::Item(i) => self
                .forms
                .items
                .get(i)
                .and_then(|f| f.clauses.get(place.clause)),
            Owner::Penalty(p) => self
                .forms
                .penalties
                .get(p)
                .and_then(|f| f.get(place.clause)),
            Owner::Bonus(b) => self
                .forms
                .bonuses
                .get(b)
                .and_then(|f| f.forms.get(place.clause)),
        };
        form.unwrap_or(&V1_CLAUSE)
    }
    /// What version 2 adds to the item at `index` (weighted, no clause forms when nothing).
    pub fn item_form(&self, index: usize) -> Option<&ItemForm> {
        self.forms.items.get(index)
    }
    /// True unless the item at `index` was written without a weight (points rubric).
    pub fn item_weighted(&self, index: usize) -> bool {
        self.forms.items.get(index).map_or(true, |f| f.weighted)
    }
    /// What version 2 adds to the section at `index`.
    pub fn section_form(&self, index: usize) -> SectionForm {
        self.forms.sections.get(index).copied().unwrap_or_default()
    }
    /// The nearest weighted section enclosing the item at `index`.
    pub fn item_weighted_section(&self, index: usize) -> Option<usize> {
        self.index2
            .item_weighted_section
            .get(index)
            .copied()
            .flatten()
    }
    /// The nearest weighted section strictly enclosing the section at `index`.
    pub fn section_weighted_parent(&self, index: usize) -> Option<usize> {
        self.index2
            .section_weighted_parent
            .get(index)
            .copied()
            .flatten()
    }
    /// What version 2 adds to the grade at `index`.
    pub fn grade_form(&self, index: usize) -> GradeForm {
        self.forms.grades.get(index).copied().unwrap_or_default()
    }
    /// What version 2 adds to the veto at `index` (the version 1 meaning when nothing).
    pub fn veto_form(&self, index: usize) -> std::borrow::Cow<'_, VetoForm> {
        match self.forms.vetoes.get(index) {
            Some(form) => std::borrow::Cow::Borrowed(form),
            None => std::borrow::Cow::Owned(VetoForm::default()),
        }
    }
}

/// The version 1 meaning of a clause, for [`Rubric::clause_form`](super::Rubric::clause_form).
static V1_CLAUSE: ClauseForm = ClauseForm::V1;

fn pad<T>(list: &mut Vec<T>, len: usize, fill: impl Fn() -> T) {
    while list.len() < len {
        list.push(fill());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::build::{clause, id, item, once, rubric, text};
    use crate::model::{Rubric, Section};

    fn tagged(tag: &str) -> ClauseForm {
        ClauseForm {
            tags: vec![id(tag)],
            ..ClauseForm::default()
        }
    }

    fn sample() -> Rubric {
        let forms = Forms {
            items: vec![
                ItemForm {
                    weighted: true,
                    clauses: vec![tagged("hazard")],
                },
                ItemForm::default(),
            ],
            exclusive: vec![Exclusive {
                text: text("不重复扣分"),
                clauses: vec![
                    ClauseRef {
                        item: id("1"),
                        clause: id("a"),
                    },
                    ClauseRef {
                        item: id("2"),
                        clause: id("a"),
                    },
                ],
                span: Span::default(),
            }],
            ..Forms::default()
        };
        rubric("r")
            .item(item("1", "一", 4).clause(clause("a", "x", once(1))))
            .item(item("2", "二", 6).clause(clause("a", "y", once(2))))
            .forms(forms)
            .finish()
    }

    #[test]
    fn version_1_rubrics_have_no_forms() {
        let r = rubric("r")
            .item(item("1", "一", 4).clause(clause("a", "x", once(1))))
            .finish();
        assert!(r.is_v1());
        let place = ClausePlace {
            owner: Owner::Item(0),
            clause: 0,
        };
        assert!(r.clause_form(place).is_v1());
        assert_eq!(r.exclusive_group_of(place), None);
        assert!(r.tagged("hazard").is_empty());
    }

    #[test]
    fn indexes_tags_and_exclusive_groups() {
        let r = sample();
        assert!(!r.is_v1());
        let first = ClausePlace {
            owner: Owner::Item(0),
            clause: 0,
        };
        let second = ClausePlace {
            owner: Owner::Item(1),
            clause: 0,
        };
        assert_eq!(r.tagged("hazard"), &[first]);
        assert_eq!(r.exclusive_group_of(second), Some(0));
        assert_eq!(r.exclusive_members(0), &[first, second]);
        // The short clause list of item 2 reads as version 1.
        assert!(r.clause_form(second).is_v1());
    }

    #[test]
    fn references_resolve_to_the_first_declaration() {
        let source = "rubric \"t\" {\n  item 1 \"a\" weight 2 { clause a \"x\" deduct 1 tagged t clause a \"y\" deduct 1 }\n  penalty 1 \"p\" { clause b \"z\" deduct 1 }\n  bonus 9 \"b\" { clause c \"w\" add 1 }\n}\n";
        let (r, _) = crate::model::lower(&crate::syntax::parse(source).file);
        let place = |item: &str, clause: &str| {
            r.resolve(&ClauseRef {
                item: id(item),
                clause: id(clause),
            })
        };
        let first = Some(ClausePlace {
            owner: Owner::Item(0),
            clause: 0,
        });
        assert_eq!(place("1", "a"), first);
        // Penalty 1 repeats the item's id: `1/b` is not reached.
        assert_eq!(place("1", "b"), None);
        assert_eq!(
            place("9", "c"),
            Some(ClausePlace {
                owner: Owner::Bonus(0),
                clause: 0,
            })
        );
        assert_eq!(place("9", "x"), None);
        assert_eq!(place("7", "a"), None);
    }

    #[test]
    fn nearest_weighted_section_looks_through_headings() {
        let section = |name: &str| Section {
            id: id(name),
            title: text(name),
            span: Span::default(),
        };
        let mut parts = crate::model::RubricParts {
            title: text("r"),
            sections: vec![section("a"), section("b"), section("c")],
            ..Default::default()
        };
        let mut one = item("1", "一", 4)
            .clause(clause("a", "x", once(1)))
            .finish();
        one.section = Some(2);
        parts.items.push(one);
        let forms = Forms {
            sections: vec![
                SectionForm {
                    weight: Some(crate::model::build::amount(4)),
                    parent: None,
                },
                SectionForm {
                    weight: None,
                    parent: Some(0),
                },
                SectionForm {
                    weight: None,
                    parent: Some(1),
                },
            ],
            ..Forms::default()
        };
        let r = Rubric::with_forms(parts, forms);
        assert_eq!(r.item_weighted_section(0), Some(0));
        assert_eq!(r.section_weighted_parent(2), Some(0));
        assert_eq!(r.section_weighted_parent(0), None);
    }
}
