//! The typed rubric: what a rubric says, with ids resolved and every number an
//! exact decimal.
//!
//! A [`Rubric`] is built from the syntax tree by [`lower`] and validated by
//! [`check`](crate::check). Everything in it keeps the span it was written at,
//! so later stages (the checker, the evaluator) can point back at the source.
//! Model types are not `Serialize`: their JSON contract is
//! [`export`](crate::export), written out explicitly so that it cannot change
//! by accident.

pub mod build;
mod compare;
pub mod forms;
pub mod lower;

use crate::span::Span;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

pub use forms::{
    Bonus, ClauseForm, ClausePlace, CompareOp, Condition, Exclusive, Extra, ExtraWhen, Fact, Flag,
    Forms, GradeForm, ItemForm, Owner, Part, RatePoint, Scoring, SectionForm, Shape, Steps, Tier,
    Verb, VetoForm,
};
pub use lower::lower;

/// A name as written in the source: an identifier, or a dotted item number
/// kept exactly as written (`19.10` is not `19.1`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Id {
    /// The text of the id.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

impl Id {
    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.name
    }
}

/// A string literal, unescaped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Text {
    /// The unescaped text.
    pub value: String,
    /// Where the literal was written, quotes included.
    pub span: Span,
}

impl Text {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A number or percentage, read exactly (`50%` is `0.5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Amount {
    /// The value; a percentage is already divided by 100.
    pub value: Decimal,
    /// True when written with `%`.
    pub percent: bool,
    /// Where it was written.
    pub span: Span,
}

/// How not-applicable items change the score (spec section 5, rule 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NotApplicable {
    /// scaled = raw × T / Wa.
    #[default]
    Rescale,
    /// scaled = raw + Σ weights of not-applicable items.
    FullMarks,
}

impl NotApplicable {
    /// The keyword as written: `rescale` or `full-marks`.
    pub const fn as_str(self) -> &'static str {
        match self {
            NotApplicable::Rescale => "rescale",
            NotApplicable::FullMarks => "full-marks",
        }
    }
}

/// A counting unit for `per` clauses, with its measure word (家, 人, 项).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The unit's id (`enterprise`).
    pub id: Id,
    /// Its measure word (`家`).
    pub label: Text,
    /// True for `occurrence` ("次"), which every rubric has without declaring it.
    pub builtin: bool,
}

/// A grade band (优秀, 良好, …). Bands are listed best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grade {
    /// The grade's id (`excellent`).
    pub id: Id,
    /// What people call it (`优秀`).
    pub label: Text,
    /// The lowest rounded final score that earns it; `None` for the last band.
    pub at_least: Option<Amount>,
}

/// A group of items under a title. Sections carry no score of their own (yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The section's id.
    pub id: Id,
    /// Its title.
    pub title: Text,
    /// The whole `section … { … }` block.
    pub span: Span,
}

/// An inspection step (检查要求): what to look at, and at whose office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckStep {
    /// What the inspector looks at.
    pub text: Text,
    /// The offices where it is looked at (may be empty).
    pub by: Vec<Text>,
}

/// A part of an item scored directly by another authority (由…直接评分).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct External {
    /// Unique inside its item.
    pub id: Id,
    /// What is scored.
    pub title: Text,
    /// The share of the item's weight it is worth.
    pub weight: Amount,
    /// The authorities that score it.
    pub by: Vec<Text>,
    /// The whole declaration.
    pub span: Span,
}

/// An upper limit that is either a number or "the item's weight" (W − E).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// A fixed amount.
    Amount(Amount),
    /// `item weight`: the item's weight less its externals' weights.
    ItemWeight(Span),
}

impl Limit {
    /// Where the limit was written.
    pub fn span(&self) -> Span {
        match self {
            Limit::Amount(a) => a.span,
            Limit::ItemWeight(span) => *span,
        }
    }

    /// The limit's value for an item whose clauses can take `clause_weight` (W − E).
    pub fn resolve(&self, clause_weight: Decimal) -> Decimal {
        match self {
            Limit::Amount(a) => a.value,
            Limit::ItemWeight(_) => clause_weight,
        }
    }
}

/// Which side of a threshold deducts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// Deducts when the value is strictly below the threshold.
    Below,
    /// Deducts when the value is strictly above the threshold.
    Above,
}

impl Comparison {
    /// `below` or `above`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Comparison::Below => "below",
            Comparison::Above => "above",
        }
    }
}

/// What a clause deducts: the clause's shape (spec section 3).
///
/// New shapes are added here and handled in `check`, `eval` and `export`;
/// the compiler lists every place that must learn about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deduction {
    /// `deduct A [capped at C]`: A once when the clause is found.
    Once {
        /// A.
        amount: Amount,
        /// Optional cap.
        cap: Option<Limit>,
    },
    /// `deduct all` (不得分): everything the item's clauses can take, W − E.
    All {
        /// Where `all` was written.
        span: Span,
    },
    /// `deduct A per UNIT [capped at C]`: A × n for n counted things.
    Per {
        /// A, per counted thing.
        amount: Amount,
        /// The unit counted.
        unit: Id,
        /// Optional cap.
        cap: Option<Limit>,
    },
    /// `deduct up to M` (酌情扣分): an amount the inspector chooses, 0 ≤ a ≤ M.
    UpTo {
        /// M.
        max: Limit,
    },
    /// `deduct A when below P` / `when above P`: A when a measured value crosses P.
    Threshold {
        /// A.
        amount: Amount,
        /// Below or above.
        op: Comparison,
        /// P (a percentage is already divided by 100).
        threshold: Amount,
    },
}

impl Deduction {
    /// The shape's name in the JSON export: `once`, `per`, `discretionary` or `threshold`.
    pub const fn shape(&self) -> &'static str {
        match self {
            Deduction::Once { .. } | Deduction::All { .. } => "once",
            Deduction::Per { .. } => "per",
            Deduction::UpTo { .. } => "discretionary",
            Deduction::Threshold { .. } => "threshold",
        }
    }

    /// The clause cap, if any.
    pub fn cap(&self) -> Option<&Limit> {
        match self {
            Deduction::Once { cap, .. } | Deduction::Per { cap, .. } => cap.as_ref(),
            _ => None,
        }
    }
}

/// A deduction rule (评分要点) of an item or a penalty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Unique inside its item or penalty.
    pub id: Id,
    /// The condition, as the source words it.
    pub text: Text,
    /// What it deducts.
    pub deduction: Deduction,
    /// Owners that answer for this clause instead of the item's owners.
    pub owners: Vec<Text>,
    /// The whole clause.
    pub span: Span,
}

/// An assessed item (考核要点), worth its weight (分值).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The item's id, as written (`2.1`, `19.10`).
    pub id: Id,
    /// The item's title.
    pub title: Text,
    /// Index into [`Rubric::sections`], when the item stands in a section.
    pub section: Option<usize>,
    /// W.
    pub weight: Amount,
    /// True when a finding may declare the item not applicable.
    pub optional: bool,
    /// Who answers for it (责任单位).
    pub owners: Vec<Text>,
    /// What it rests on (评分依据).
    pub basis: Vec<Text>,
    /// What the inspector looks at (检查要求).
    pub checks: Vec<CheckStep>,
    /// Parts scored by another authority.
    pub externals: Vec<External>,
    /// Deduction rules.
    pub clauses: Vec<Clause>,
    /// The whole item block.
    pub span: Span,
}

impl Item {
    /// E: the sum of the externals' weights.
    pub fn external_weight(&self) -> Decimal {
        self.externals.iter().map(|e| e.weight.value).sum()
    }

    /// W − E: what the item's clauses can take at most.
    pub fn clause_weight(&self) -> Decimal {
        self.weight.value - self.external_weight()
    }

    /// The clause with this id.
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id.name == id)
    }

    /// The external with this id.
    pub fn external(&self, id: &str) -> Option<&External> {
        self.externals.iter().find(|e| e.id.name == id)
    }
}

/// A penalty item (减分项): deducts from the total, outside the item weights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Penalty {
    /// Shares its namespace with item ids.
    pub id: Id,
    /// Its title.
    pub title: Text,
    /// The most the penalty can deduct; `None` means uncapped.
    pub cap: Option<Amount>,
    /// Who answers for it (责任单位). Evaluation does not charge them in
    /// `by_owner`, which attributes the points items lose.
    pub owners: Vec<Text>,
    /// What it rests on (评分依据).
    pub basis: Vec<Text>,
    /// What the inspector looks at (检查要求).
    pub checks: Vec<CheckStep>,
    /// Its deduction rules.
    pub clauses: Vec<Clause>,
    /// The whole penalty block.
    pub span: Span,
}

impl Penalty {
    /// The clause with this id.
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id.name == id)
    }
}

/// `ITEM/CLAUSE`, as written in a veto.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseRef {
    /// The item (or penalty) id.
    pub item: Id,
    /// The clause id.
    pub clause: Id,
}

impl ClauseRef {
    /// The whole reference.
    pub fn span(&self) -> Span {
        self.item.span.to(self.clause.span)
    }
}

/// A veto (一律不得评为优秀): when triggered, the grade is no better than `at_most`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Veto {
    /// The veto's id.
    pub id: Id,
    /// What triggers it, in words.
    pub text: Text,
    /// The best grade still allowed.
    pub at_most: Id,
    /// Clauses whose non-zero deduction triggers it.
    pub when: Vec<ClauseRef>,
    /// The whole declaration.
    pub span: Span,
}

/// Where an id that findings may name points: an item or a penalty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Index into [`Rubric::items`].
    Item(usize),
    /// Index into [`Rubric::penalties`].
    Penalty(usize),
}

/// A whole rubric (考核细则).
///
/// Parse once with [`Rubric::parse`](crate::Rubric::parse), then evaluate as
/// many inspections as needed; it is immutable, `Send` and `Sync`.
#[derive(Debug, Clone)]
pub struct Rubric {
    pub(crate) title: Text,
    pub(crate) version: Option<Text>,
    pub(crate) total: Option<Amount>,
    pub(crate) not_applicable: NotApplicable,
    pub(crate) rounding: u32,
    /// Where the `rounding` value was written, for diagnostics.
    pub(crate) rounding_span: Option<Span>,
    pub(crate) units: Vec<Unit>,
    pub(crate) grades: Vec<Grade>,
    pub(crate) sections: Vec<Section>,
    pub(crate) items: Vec<Item>,
    pub(crate) penalties: Vec<Penalty>,
    pub(crate) vetoes: Vec<Veto>,
    pub(crate) span: Span,
    // INVARIANT: built by `Rubric::new` from the lists above and never out of date,
    // since the lists cannot change after construction. For a duplicated id the
    // first declaration wins (the checker reports the second).
    targets: IdMap<Target>,
    unit_index: IdMap<usize>,
    grade_index: IdMap<usize>,
    veto_index: IdMap<usize>,
    /// Each owner's position in the order the rubric first names it (an
    /// item's owners, then its clauses' owners, item by item, then the
    /// owners of penalty clauses): the order of equal losses in reports.
    owner_rank: IdMap<usize>,
    /// W − E of every item, computed once: evaluation needs it for every
    /// clause it scores.
    clause_weights: Vec<Decimal>,
    /// The ranks of every item's owner lists, so evaluation charges owners
    /// without looking names up.
    item_owner_ranks: Vec<OwnerRanks>,
    /// The same for penalties (whose own owners are not ranked: evaluation
    /// does not charge them).
    penalty_owner_ranks: Vec<OwnerRanks>,
    /// What version 2 adds (all empty for a version 1 rubric).
    forms: Forms,
    /// True when `forms` holds nothing: evaluation may take the version 1 path.
    v1: bool,
    /// Version 2 indexes, built once; empty for a version 1 rubric.
    index2: Index2,
}

/// The indexes of the version 2 forms, built once by [`Rubric::with_forms`].
#[derive(Debug, Clone, Default)]
struct Index2 {
    /// Bonus ids (first declaration wins).
    bonuses: IdMap<usize>,
    /// Fact ids (first declaration wins).
    facts: IdMap<usize>,
    /// Each tag's clauses, in rubric order (items, penalties, bonuses).
    tags: IdMap<Vec<ClausePlace>>,
    /// The exclusive group each clause stands in (the first, if several).
    exclusive_of: HashMap<ClausePlace, usize>,
    /// Each group's clauses that resolve, in the group's order.
    exclusive_members: Vec<Vec<ClausePlace>>,
    /// For each item, the nearest enclosing weighted section.
    item_weighted_section: Vec<Option<usize>>,
    /// For each section, the nearest weighted section strictly above it.
    section_weighted_parent: Vec<Option<usize>>,
    /// `ITEM/CLAUSE` → its place, for items, penalties and bonuses (the
    /// first declaration wins), so references resolve in constant time.
    clause_places: IdMap<IdMap<ClausePlace>>,
}

/// FNV-1a: the indexes are keyed by the rubric's own short ids, not by
/// text an adversary chooses to collide, and evaluation looks an id up for
/// every finding, where SipHash costs more than the rest of the lookup.
#[derive(Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Default for IdHasher {
    fn default() -> IdHasher {
        IdHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A table keyed by id, hashed with [`IdHasher`].
type IdMap<V> = HashMap<String, V, BuildHasherDefault<IdHasher>>;

/// The owner ranks (see [`Rubric::owner_rank`]) of an item's or penalty's
/// owner lists, position by position.
#[derive(Debug, Clone, Default)]
pub(crate) struct OwnerRanks {
    /// Of the item's `owners`; empty for a penalty.
    pub(crate) owners: Vec<usize>,
    /// Of each clause's `owners`, clause by clause.
    pub(crate) clauses: Vec<Vec<usize>>,
}

/// The parts a [`Rubric`] is made of, for [`Rubric::new`].
#[derive(Debug, Clone, Default)]
pub struct RubricParts {
    /// The title.
    pub title: Text,
    /// `version`.
    pub version: Option<Text>,
    /// `total`.
    pub total: Option<Amount>,
    /// `not-applicable`.
    pub not_applicable: NotApplicable,
    /// `rounding` (2 when not declared).
    pub rounding: u32,
    /// Units, `occurrence` first (it is added when missing).
    pub units: Vec<Unit>,
    /// Grade bands, best first.
    pub grades: Vec<Grade>,
    /// Sections.
    pub sections: Vec<Section>,
    /// Items, in source order.
    pub items: Vec<Item>,
    /// Penalties.
    pub penalties: Vec<Penalty>,
    /// Vetoes.
    pub vetoes: Vec<Veto>,
    /// The whole `rubric` block.
    pub span: Span,
}

/// The id of the unit every rubric has.
pub const OCCURRENCE: &str = "occurrence";

impl Rubric {
    /// Assembles a rubric from its parts and indexes its ids. Adds the
    /// built-in `occurrence` unit when it is missing. Does not validate: see
    /// [`check`](crate::check).
    pub fn new(parts: RubricParts) -> Rubric {
        Rubric::with_forms(parts, Forms::default())
    }

    /// Assembles a rubric from its parts and the version 2 forms, and
    /// indexes both. A side list of `forms` that is shorter than the list it
    /// describes is padded with the version 1 meaning. Does not validate.
    pub fn with_forms(parts: RubricParts, forms: Forms) -> Rubric {
        let RubricParts {
            title,
            version,
            total,
            not_applicable,
            rounding,
            mut units,
            grades,
            sections,
            items,
            penalties,
            vetoes,
            span,
        } = parts;
        if !units.iter().any(|u| u.id.name == OCCURRENCE) {
            units.insert(
                0,
                Unit {
                    id: Id {
                        name: OCCURRENCE.into(),
                        span: Span::default(),
                    },
                    label: Text {
                        value: "次".into(),
                        span: Span::default(),
                    },
                    builtin: true,
                },
            );
        }
        let mut targets =
            IdMap::with_capacity_and_hasher(items.len() + penalties.len(), Default::default());
        for (i, item) in items.iter().enumerate() {
            targets
                .entry(item.id.name.clone())
                .or_insert(Target::Item(i));
        }
        for (i, penalty) in penalties.iter().enumerate() {
            targets
                .entry(penalty.id.name.clone())
                .or_insert(Target::Penalty(i));
        }
        fn index<T>(list: &[T], id: impl Fn(&T) -> &str) -> IdMap<usize> {
            let mut map = IdMap::with_capacity_and_hasher(list.len(), Default::default());
            for (i, x) in list.iter().enumerate() {
                map.entry(id(x).to_owned()).or_insert(i);
            }
            map
        }
        let unit_index = index(&units, |u| &u.id.name);
        let grade_index = index(&grades, |g| &g.id.name);
        let veto_index = index(&vetoes, |v| &v.id.name);
        let mut owner_rank: IdMap<usize> = IdMap::default();
        let mut ranks = |owners: &[Text]| -> Vec<usize> {
            let mut out = Vec::with_capacity(owners.len());
            for owner in owners {
                let rank = match owner_rank.get(owner.as_str()) {
                    Some(&rank) => rank,
                    None => {
                        let rank = owner_rank.len();
                        owner_rank.insert(owner.value.clone(), rank);
                        rank
                    }
                };
                out.push(rank);
            }
            out
        };
        let item_owner_ranks: Vec<OwnerRanks> = items
            .iter()
            .map(|item| OwnerRanks {
                owners: ranks(&item.owners),
                clauses: item.clauses.iter().map(|c| ranks(&c.owners)).collect(),
            })
            .collect();
        let penalty_owner_ranks: Vec<OwnerRanks> = penalties
            .iter()
            .map(|penalty| OwnerRanks {
                owners: Vec::new(),
                clauses: penalty.clauses.iter().map(|c| ranks(&c.owners)).collect(),
            })
            .collect();
        let clause_weights = items
            .iter()
            .map(|item| {
                let external = item
                    .externals
                    .iter()
                    .fold(Decimal::ZERO, |sum, e| sum.saturating_add(e.weight.value));
                item.weight.value.saturating_sub(external)
            })
            .collect();
        let v1 = forms.is_v1();
        // A version 1 rubric keeps no side lists: nothing in them is worth
        // their memory, and readers get the version 1 meaning without them.
        let forms = if v1 {
            Forms {
                scoring_span: forms.scoring_span,
                not_applicable_span: forms.not_applicable_span,
                levels_span: forms.levels_span,
                ..Forms::default()
            }
        } else {
            forms
        };
        let mut rubric = Rubric {
            title,
            version,
            total,
            not_applicable,
            rounding,
            // Only lowering knows where `rounding` was written; it sets this.
            rounding_span: None,
            units,
            grades,
            sections,
            items,
            penalties,
            vetoes,
            span,
            targets,
            unit_index,
            grade_index,
            veto_index,
            owner_rank,
            clause_weights,
            item_owner_ranks,
            penalty_owner_ranks,
            forms,
            v1,
            index2: Index2::default(),
        };
        if !v1 {
            rubric.index_forms();
        }
        rubric
    }

    /// The title.
    pub fn title(&self) -> &Text {
        &self.title
    }
    /// `version`, when declared.
    pub fn version(&self) -> Option<&Text> {
        self.version.as_ref()
    }
    /// `total` as declared.
    pub fn declared_total(&self) -> Option<&Amount> {
        self.total.as_ref()
    }
    /// T: the declared total, or the sum of all item weights.
    pub fn total(&self) -> Decimal {
        match &self.total {
            Some(t) => t.value,
            None => self.items.iter().map(|i| i.weight.value).sum(),
        }
    }
    /// How not-applicable items are handled.
    pub fn not_applicable(&self) -> NotApplicable {
        self.not_applicable
    }
    /// Decimals of the final score.
    pub fn rounding(&self) -> u32 {
        self.rounding
    }
    /// Where the `rounding` value was written; `None` when not declared
    /// (or when the rubric was not read from source).
    pub fn rounding_span(&self) -> Option<Span> {
        self.rounding_span
    }
    /// Units, `occurrence` included.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }
    /// Grade bands, best first.
    pub fn grades(&self) -> &[Grade] {
        &self.grades
    }
    /// Sections.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }
    /// Items in source order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }
    /// Penalties in source order.
    pub fn penalties(&self) -> &[Penalty] {
        &self.penalties
    }
    /// Vetoes in source order.
    pub fn vetoes(&self) -> &[Veto] {
        &self.vetoes
    }
    /// The whole rubric block.
    pub fn span(&self) -> Span {
        self.span
    }

    /// What an id that a finding names points to: an item or a penalty.
    pub fn target(&self, id: &str) -> Option<Target> {
        self.targets.get(id).copied()
    }
    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        match self.target(id)? {
            Target::Item(i) => self.items.get(i),
            Target::Penalty(_) => None,
        }
    }
    /// The penalty with this id.
    pub fn penalty(&self, id: &str) -> Option<&Penalty> {
        match self.target(id)? {
            Target::Penalty(i) => self.penalties.get(i),
            Target::Item(_) => None,
        }
    }
    /// The unit with this id.
    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.get(*self.unit_index.get(id)?)
    }
    /// The position of a grade among the bands (0 is the best).
    pub fn grade_rank(&self, id: &str) -> Option<usize> {
        self.grade_index.get(id).copied()
    }
    /// The grade with this id.
    pub fn grade(&self, id: &str) -> Option<&Grade> {
        self.grades.get(self.grade_rank(id)?)
    }
    /// The veto with this id.
    pub fn veto(&self, id: &str) -> Option<&Veto> {
        self.vetoes.get(*self.veto_index.get(id)?)
    }
    /// The position of an owner (责任单位) in the order the rubric first
    /// names them: an item's owners, then its clauses' owners, item by item,
    /// then the owners of penalty clauses. `None` for a name no item,
    /// clause or penalty gives.
    pub fn owner_rank(&self, owner: &str) -> Option<usize> {
        self.owner_rank.get(owner).copied()
    }
    /// How many distinct owners the rubric ranks.
    pub(crate) fn owner_count(&self) -> usize {
        self.owner_rank.len()
    }
    /// The owner ranks of an item's or penalty's owner lists.
    /// W − E of the item at `index` (see [`Item::clause_weight`]), computed
    /// once per rubric; zero for an index out of range.
    pub(crate) fn clause_weight_of(&self, index: usize) -> Decimal {
        self.clause_weights.get(index).copied().unwrap_or_default()
    }

    pub(crate) fn owner_ranks(&self, target: Target) -> Option<&OwnerRanks> {
        match target {
            Target::Item(i) => self.item_owner_ranks.get(i),
            Target::Penalty(p) => self.penalty_owner_ranks.get(p),
        }
    }
    /// The section an item stands in.
    pub fn section_of(&self, item: &Item) -> Option<&Section> {
        self.sections.get(item.section?)
    }
}
