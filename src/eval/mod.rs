//! Findings → score (spec section 5): the evaluator.
//!
//! [`Rubric::evaluate`] fits the findings of one inspection to the rubric,
//! reports every finding that does not fit (rule 10), and otherwise computes
//! the [`Report`] with exact decimals. Evaluation reads the rubric and never
//! changes it, so one parsed rubric can score any number of inspections, from
//! any number of threads.
//!
//! The work is linear in the size of the rubric plus the number of findings:
//! findings are sorted into per-clause and per-external slots in one pass
//! (items are found through the rubric's id index), then the report is built
//! in one pass over the rubric. Everything that depends on several findings
//! (notes, evidence, entity names) is sorted before it is reported, so the
//! report never depends on the order of the findings (rule 11).

pub mod findings;
mod template;
mod v2;

pub use findings::{Finding, FindingError, Findings, FindingsErrors, Level, Location};
pub use template::template;

use crate::model::{
    Clause, ClauseForm, Comparison, Deduction, Item, NotApplicable, Owner, OwnerRanks, Rubric,
    Target,
};
use crate::report::{
    ClausePath, DeductionReport, EntityAttribution, EntityLoss, ExternalReport, GradeResult,
    ItemReport, Names, Noticed, OwnerLoss, PenaltyReport, Report, RubricInfo, Status, VetoReport,
    Warnings,
};
use rust_decimal::{Decimal, RoundingStrategy};

/// The problems that stop an evaluation: findings that do not fit the
/// rubric, each with its position. The same type as the problems of reading
/// findings, so both can be shown alike.
pub type EvalErrors = FindingsErrors;

/// What to do when an external part of an applicable item has no score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Missing {
    /// Refuse the findings (the default).
    #[default]
    Error,
    /// Assume the external's full weight; the report says so.
    Full,
    /// Assume zero; the report says so.
    Zero,
}

/// Choices the caller makes for an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Options {
    /// What a missing external score means (spec rule 3).
    pub missing_external: Missing,
}

impl Options {
    /// The defaults: a missing external score is an error.
    pub fn new() -> Options {
        Options::default()
    }

    /// Sets what a missing external score means.
    #[must_use]
    pub fn missing_external(mut self, missing: Missing) -> Options {
        self.missing_external = missing;
        self
    }
}

impl Rubric {
    /// Evaluates the findings of one inspection (spec section 5).
    ///
    /// Returns every finding that does not fit the rubric at once, each with
    /// its position, or the report. Takes `&self`: the rubric is shared,
    /// never changed.
    ///
    /// The report borrows the rubric's texts (ids, titles, owners), so it
    /// lives no longer than the rubric.
    pub fn evaluate(
        &self,
        findings: &Findings,
        options: &Options,
    ) -> Result<Report<'_>, EvalErrors> {
        Evaluation::new(self, findings, options).run()
    }

    /// Reads findings from JSON and evaluates them: the problems of both
    /// steps come back as one list.
    pub fn evaluate_json(&self, json: &str, options: &Options) -> Result<Report<'_>, EvalErrors> {
        let (findings, form_errors) = findings::read(json);
        if form_errors.is_empty() {
            return self.evaluate(&findings, options);
        }
        // Without a list of findings there is nothing more to fit.
        if form_errors
            .iter()
            .any(|e| !matches!(e.location, Location::Finding { .. }))
        {
            return Err(FindingsErrors(form_errors));
        }
        // Fit the well-formed findings to the rubric as well, so that one run
        // lists every problem of the file (rule 10).
        let mut skip: Vec<usize> = form_errors
            .iter()
            .filter_map(|e| match e.location {
                Location::Finding { index, .. } => Some(index),
                _ => None,
            })
            .collect();
        skip.sort_unstable();
        skip.dedup();
        // What the findings leave out (a missing external score) may be what a
        // refused finding meant to give: say nothing of those items.
        let refused: Vec<&str> = skip
            .iter()
            .filter_map(|&i| findings.findings.get(i))
            .map(|f| f.item.as_deref().unwrap_or(""))
            .collect();
        let mut evaluation = Evaluation::new(self, &findings, options);
        evaluation.skip = skip;
        let mut errors = form_errors;
        if let Err(fit) = evaluation.run() {
            errors.extend(fit.0.into_iter().filter(|e| match &e.location {
                Location::Rubric(place) => {
                    let item = place.rsplit_once('/').map_or(place.as_str(), |(i, _)| i);
                    !refused.iter().any(|r| r.is_empty() || *r == item)
                }
                _ => true,
            }));
        }
        errors.sort();
        Err(FindingsErrors(errors))
    }
}

/// What the findings say about one clause, merged (rule 2).
#[derive(Debug, Default)]
struct ClauseState<'f> {
    touched: bool,
    /// Once clauses: Σ (count, or 1). Per clauses: Σ counts of findings without names.
    times: u64,
    /// The counts added up to more than a count can hold; an error, since
    /// the report would otherwise show a wrong count.
    too_many: bool,
    names: Vec<&'f str>,
    /// With the index of the finding that gave it, for "given twice" errors.
    amount: Option<(Decimal, usize)>,
    value: Option<(Decimal, usize)>,
    notes: Vec<&'f str>,
    evidence: Vec<&'f str>,
    /// What the version 2 shapes keep (levels, a target, range amounts).
    more: Option<Box<v2::More<'f>>>,
}

impl ClauseState<'_> {
    fn add_times(&mut self, count: u64) {
        match self.times.checked_add(count) {
            Some(times) => self.times = times,
            None => {
                self.times = u64::MAX;
                self.too_many = true;
            }
        }
    }
}

#[derive(Debug, Default)]
struct ExternalState<'f> {
    score: Option<(Decimal, usize)>,
    notes: Vec<&'f str>,
    evidence: Vec<&'f str>,
}

#[derive(Debug, Default)]
struct ItemState<'f> {
    /// Index of the first finding that declared the item not applicable.
    not_applicable: Option<usize>,
    declarations: usize,
    reasons: Vec<&'f str>,
    notes: Vec<&'f str>,
    evidence: Vec<&'f str>,
}

#[derive(Debug, Default)]
struct VetoState<'f> {
    by_finding: bool,
    notes: Vec<&'f str>,
    evidence: Vec<&'f str>,
}

/// One state per slot, made only for the slots that findings touch: a
/// rubric of hundreds of clauses costs an evaluation one word per clause,
/// and the states cost what the findings cost.
struct Slots<T> {
    /// Slot → 1 + the position of its state in `states`; 0 when untouched.
    index: Vec<usize>,
    states: Vec<T>,
}

impl<T: Default> Slots<T> {
    /// `slots` slots, of which at most `touched` are expected to be touched
    /// (one per finding at most): room for their states is made at once.
    fn new(slots: usize, touched: usize) -> Slots<T> {
        Slots {
            index: vec![0; slots],
            states: Vec::with_capacity(touched.min(slots)),
        }
    }

    /// The slot's state, made when the slot is touched first.
    fn get_mut(&mut self, slot: usize) -> Option<&mut T> {
        let entry = self.index.get_mut(slot)?;
        if *entry == 0 {
            self.states.push(T::default());
            *entry = self.states.len();
        }
        let at = *entry - 1;
        self.states.get_mut(at)
    }

    /// The slot's state, if it was touched.
    fn get(&self, slot: usize) -> Option<&T> {
        let at = self.index.get(slot)?.checked_sub(1)?;
        self.states.get(at)
    }

    /// How many of the `len` slots from `first` on were touched.
    fn touched(&self, first: usize, len: usize) -> usize {
        self.index
            .iter()
            .skip(first)
            .take(len)
            .filter(|&&at| at != 0)
            .count()
    }

    /// Takes the slot's state out, if it was touched.
    fn take(&mut self, slot: usize) -> Option<T> {
        let at = self.index.get(slot)?.checked_sub(1)?;
        self.states.get_mut(at).map(std::mem::take)
    }
}

/// Slot layout: the clauses of all items, then those of all penalties, in
/// rubric order; `clause_base[t]` is the first slot of target `t` (items
/// first, then penalties).
struct Evaluation<'r, 'f> {
    rubric: &'r Rubric,
    findings: &'f Findings,
    options: Options,
    clause_base: Vec<usize>,
    external_base: Vec<usize>,
    clauses: Slots<ClauseState<'f>>,
    externals: Slots<ExternalState<'f>>,
    items: Slots<ItemState<'f>>,
    vetoes: Slots<VetoState<'f>>,
    errors: Vec<FindingError>,
    warnings: Warnings<'r>,
    /// Positions of findings already refused for their form, left out here
    /// so that their problems are not reported twice (sorted).
    skip: Vec<usize>,
    /// True when the rubric uses forms of version 2; a version 1 rubric
    /// takes none of their paths.
    v2: bool,
    /// Per fact: the value a finding gave, with its position, note and evidence.
    facts: Vec<Option<v2::FactState<'f>>>,
    /// Clause slots whose deduction an exclusive group removed, with the
    /// clause that kept its own.
    excluded: Vec<(usize, crate::report::ClausePath<'r>)>,
    /// A sum or product of version 2 figures went beyond what a decimal holds.
    overflow: bool,
}

/// The fields a finding may carry, for "does not fit" errors.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Count,
    Entities,
    Amount,
    Value,
    Score,
    Reason,
    Level,
    Target,
}

impl Field {
    const fn name(self) -> &'static str {
        match self {
            Field::Count => "count",
            Field::Entities => "entities",
            Field::Amount => "amount",
            Field::Value => "value",
            Field::Score => "score",
            Field::Reason => "reason",
            Field::Level => "level",
            Field::Target => "target",
        }
    }

    const fn fits(self) -> &'static str {
        match self {
            Field::Count => "once and `per` clauses",
            Field::Entities => "`per` clauses",
            Field::Amount => "discretionary clauses (`deduct up to`)",
            Field::Value => "threshold clauses (`when below`, `when above`)",
            Field::Score => "externals",
            Field::Reason => "findings that declare an item not applicable",
            Field::Level => "level tables (`by level`)",
            Field::Target => "rate clauses measured from `target`",
        }
    }

    /// What the field fits in a rubric that uses version 2 forms.
    const fn fits_v2(self) -> &'static str {
        match self {
            Field::Count => "once, `per` and level-table clauses",
            Field::Amount => "discretionary and range clauses (`up to`, `A to B`)",
            Field::Value => "threshold, tier and rate clauses, and facts",
            other => other.fits(),
        }
    }

    fn given(self, finding: &Finding) -> bool {
        match self {
            Field::Count => finding.count.is_some(),
            Field::Entities => finding.entities.is_some(),
            Field::Amount => finding.amount.is_some(),
            Field::Value => finding.value.is_some(),
            Field::Score => finding.score.is_some(),
            Field::Reason => finding.reason.is_some(),
            Field::Level => finding.level.is_some(),
            Field::Target => finding.target.is_some(),
        }
    }
}

const ALL_FIELDS: [Field; 8] = [
    Field::Count,
    Field::Entities,
    Field::Amount,
    Field::Value,
    Field::Score,
    Field::Reason,
    Field::Level,
    Field::Target,
];

fn shape_words(deduction: &Deduction) -> String {
    match deduction {
        Deduction::Once { .. } => "which deducts once".into(),
        Deduction::All { .. } => "which deducts everything (`deduct all`)".into(),
        Deduction::Per { unit, .. } => format!("which deducts per `{}`", unit.name),
        Deduction::UpTo { .. } => "which is discretionary".into(),
        Deduction::Threshold { .. } => "which is a threshold clause".into(),
    }
}

fn accepts(deduction: &Deduction, field: Field) -> bool {
    match field {
        Field::Count => matches!(
            deduction,
            Deduction::Once { .. } | Deduction::All { .. } | Deduction::Per { .. }
        ),
        Field::Entities => matches!(deduction, Deduction::Per { .. }),
        Field::Amount => matches!(deduction, Deduction::UpTo { .. }),
        Field::Value => matches!(deduction, Deduction::Threshold { .. }),
        Field::Score | Field::Reason | Field::Level | Field::Target => false,
    }
}

/// The fields a finding gives, one bit each in the order of [`ALL_FIELDS`].
fn given_fields(finding: &Finding) -> u8 {
    u8::from(finding.count.is_some())
        | u8::from(finding.entities.is_some()) << 1
        | u8::from(finding.amount.is_some()) << 2
        | u8::from(finding.value.is_some()) << 3
        | u8::from(finding.score.is_some()) << 4
        | u8::from(finding.reason.is_some()) << 5
        | u8::from(finding.level.is_some()) << 6
        | u8::from(finding.target.is_some()) << 7
}

/// The fields a version 1 shape takes, as in [`given_fields`] (see [`accepts`]).
fn accepted_fields(deduction: &Deduction) -> u8 {
    match deduction {
        Deduction::Once { .. } | Deduction::All { .. } => 1,
        Deduction::Per { .. } => 1 | 1 << 1,
        Deduction::UpTo { .. } => 1 << 2,
        Deduction::Threshold { .. } => 1 << 3,
    }
}

/// A "did you mean" hint. One-letter ids (clause `a`, `b`) are all one edit
/// apart, so a hint for them would be a guess; the message lists them instead.
fn suggest<'c>(wanted: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<String> {
    if wanted.chars().count() < 2 {
        return None;
    }
    crate::diagnostic::closest(wanted, candidates).map(|near| format!("did you mean `{near}`?"))
}

fn list<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    ids.collect::<Vec<_>>().join(", ")
}

/// Sorted, without repeats: the order-independent form of merged texts.
fn distinct(mut texts: Vec<&str>) -> Vec<String> {
    texts.sort_unstable();
    texts.dedup();
    texts.into_iter().map(str::to_owned).collect()
}

/// Sorted, without repeats, joined with `; `; `None` when there is none.
fn joined(mut texts: Vec<&str>) -> Option<String> {
    texts.sort_unstable();
    texts.dedup();
    (!texts.is_empty()).then(|| texts.join("; "))
}

impl<'r, 'f> Evaluation<'r, 'f> {
    fn new(rubric: &'r Rubric, findings: &'f Findings, options: &Options) -> Self {
        let mut clause_base = Vec::with_capacity(rubric.items.len() + rubric.penalties.len());
        let mut slots = 0;
        for item in &rubric.items {
            clause_base.push(slots);
            slots += item.clauses.len();
        }
        for penalty in &rubric.penalties {
            clause_base.push(slots);
            slots += penalty.clauses.len();
        }
        // Bonus clauses follow (version 2 only: the list is empty otherwise).
        for bonus in rubric.bonuses() {
            clause_base.push(slots);
            slots += bonus.clauses.len();
        }
        let mut external_base = Vec::with_capacity(rubric.items.len());
        let mut externals = 0;
        for item in &rubric.items {
            external_base.push(externals);
            externals += item.externals.len();
        }
        let found = findings.findings.len();
        Evaluation {
            rubric,
            findings,
            options: *options,
            clause_base,
            external_base,
            clauses: Slots::new(slots, found),
            externals: Slots::new(externals, found),
            items: Slots::new(rubric.items.len(), 0),
            vetoes: Slots::new(rubric.vetoes.len(), 0),
            errors: Vec::new(),
            warnings: Warnings::default(),
            skip: Vec::new(),
            v2: !rubric.is_v1(),
            facts: rubric.facts().iter().map(|_| None).collect(),
            excluded: Vec::new(),
            overflow: false,
        }
    }

    fn run(mut self) -> Result<Report<'r>, EvalErrors> {
        // Not-applicable declarations first, so that a clause finding listed
        // before the declaration is refused just the same (rule 4, rule 11).
        for (index, finding) in self.findings.findings.iter().enumerate() {
            if self.skip.binary_search(&index).is_err() {
                self.declare_not_applicable(index, finding);
            }
        }
        for (index, finding) in self.findings.findings.iter().enumerate() {
            if self.skip.binary_search(&index).is_err() {
                self.sort_in(index, finding);
            }
        }
        let report = self.report();
        if self.errors.is_empty() {
            report.ok_or_else(|| FindingsErrors(Vec::new()))
        } else {
            self.errors.sort();
            Err(FindingsErrors(self.errors))
        }
    }

    fn error(
        &mut self,
        index: usize,
        field: Option<&'static str>,
        message: String,
    ) -> &mut FindingError {
        self.errors.push(FindingError::new(
            Location::Finding { index, field },
            message,
        ));
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    fn declare_not_applicable(&mut self, index: usize, finding: &'f Finding) {
        if !finding.not_applicable || finding.veto.is_some() {
            return;
        }
        let Some(Target::Item(i)) = finding
            .item
            .as_deref()
            .and_then(|id| self.rubric.target(id))
        else {
            return;
        };
        let Some(item) = self.rubric.items.get(i) else {
            return;
        };
        if !item.optional || finding.clause.is_some() || finding.external.is_some() {
            return; // refused in `sort_in`
        }
        let Some(state) = self.items.get_mut(i) else {
            return;
        };
        state.not_applicable.get_or_insert(index);
        state.declarations += 1;
        state.reasons.extend(finding.reason.as_deref());
        state.notes.extend(finding.note.as_deref());
        state
            .evidence
            .extend(finding.evidence.iter().map(String::as_str));
    }

    /// Checks one finding against the rubric and merges it into its slot.
    fn sort_in(&mut self, index: usize, finding: &'f Finding) {
        if let Some(fact) = &finding.fact {
            self.fact_finding(index, finding, fact);
            return;
        }
        if let Some(veto) = &finding.veto {
            self.veto_finding(index, finding, veto);
            return;
        }
        let Some(item_id) = finding.item.as_deref() else {
            let message = if finding.clause.is_some() || finding.external.is_some() {
                "a finding with a `clause` or `external` needs the `item` it belongs to"
            } else {
                "a finding names an `item` (with a `clause`, an `external` or `not_applicable`) or a `veto`"
            };
            self.error(index, None, message.into());
            return;
        };
        let Some(target) = self.rubric.target(item_id) else {
            if let Some(b) = self.rubric.bonus_index(item_id) {
                self.bonus_finding(index, finding, b);
                return;
            }
            let ids = self
                .rubric
                .items
                .iter()
                .map(|i| i.id.as_str())
                .chain(self.rubric.penalties.iter().map(|p| p.id.as_str()))
                .chain(self.rubric.bonuses().iter().map(|b| b.id.as_str()));
            let help = suggest(item_id, ids);
            let error = self.error(index, Some("item"), format!("unknown item `{item_id}`"));
            error.help = help;
            return;
        };
        if finding.clause.is_some() && finding.external.is_some() {
            self.error(
                index,
                None,
                "a finding names either a `clause` or an `external`, not both".into(),
            );
            return;
        }
        match target {
            Target::Item(i) => self.item_finding(index, finding, i),
            Target::Penalty(p) => self.penalty_finding(index, finding, p),
        }
    }

    fn veto_finding(&mut self, index: usize, finding: &'f Finding, id: &str) {
        let extras = [
            ("item", finding.item.is_some()),
            ("clause", finding.clause.is_some()),
            ("external", finding.external.is_some()),
            ("not_applicable", finding.not_applicable),
        ];
        for (name, given) in extras {
            if given {
                self.error(
                    index,
                    Some(name),
                    format!("`{name}` does not fit a veto finding, which takes only `note` and `evidence`"),
                );
            }
        }
        for field in ALL_FIELDS {
            if field.given(finding) {
                self.error(
                    index,
                    Some(field.name()),
                    format!(
                        "`{}` does not fit a veto finding, which takes only `note` and `evidence`",
                        field.name()
                    ),
                );
            }
        }
        let Some(v) = self.rubric.vetoes.iter().position(|v| v.id.name == id) else {
            let rubric = self.rubric;
            let message = if rubric.vetoes.is_empty() {
                format!("unknown veto `{id}`; the rubric declares no vetoes")
            } else {
                format!(
                    "unknown veto `{id}`; the vetoes are {}",
                    list(rubric.vetoes.iter().map(|v| v.id.as_str()))
                )
            };
            let help = suggest(id, rubric.vetoes.iter().map(|v| v.id.as_str()));
            self.error(index, Some("veto"), message).help = help;
            return;
        };
        if let Some(state) = self.vetoes.get_mut(v) {
            state.by_finding = true;
            state.notes.extend(finding.note.as_deref());
            state
                .evidence
                .extend(finding.evidence.iter().map(String::as_str));
        }
    }

    fn item_finding(&mut self, index: usize, finding: &'f Finding, i: usize) {
        let rubric = self.rubric;
        let Some(item) = rubric.items.get(i) else {
            return;
        };
        let id = item.id.as_str();
        if finding.not_applicable {
            if finding.clause.is_some() || finding.external.is_some() {
                self.error(
                    index,
                    Some("not_applicable"),
                    "a finding that declares an item not applicable names no clause or external"
                        .into(),
                );
            } else if !item.optional {
                self.error(
                    index,
                    Some("not_applicable"),
                    format!("item `{id}` is not optional, so it cannot be declared not applicable"),
                )
                .help = Some(
                    "only items marked `optional` after their weight may be not applicable".into(),
                );
            }
            for field in ALL_FIELDS {
                if field != Field::Reason && field.given(finding) {
                    self.error(
                        index,
                        Some(field.name()),
                        format!(
                            "`{}` does not fit a finding that declares item `{id}` not applicable",
                            field.name()
                        ),
                    );
                }
            }
            return;
        }
        let declared = self.items.get(i).and_then(|s| s.not_applicable);
        if let Some(clause_id) = finding.clause.as_deref() {
            let Some(c) = item.clauses.iter().position(|c| c.id.name == clause_id) else {
                self.unknown_clause(index, "item", id, &item.clauses, clause_id);
                return;
            };
            if let Some(at) = declared {
                self.error(
                    index,
                    Some("clause"),
                    format!("item `{id}` is declared not applicable (findings[{at}]), so clause `{clause_id}` cannot be found"),
                );
                return;
            }
            let slot = self.clause_base.get(i).map_or(0, |b| b + c);
            if let Some(clause) = item.clauses.get(c) {
                let form = if self.v2 {
                    rubric.clause_form(crate::model::ClausePlace {
                        owner: Owner::Item(i),
                        clause: c,
                    })
                } else {
                    &v2::V1_FORM
                };
                self.clause_finding(
                    index,
                    finding,
                    id,
                    clause,
                    form,
                    rubric.clause_weight_of(i),
                    slot,
                );
            }
        } else if let Some(external_id) = finding.external.as_deref() {
            self.external_finding(index, finding, i, item, external_id, declared);
        } else {
            self.error(
                index,
                None,
                format!("the finding for item `{id}` names no clause or external"),
            )
            .help = Some("add `clause`, `external`, or `\"not_applicable\": true`".into());
        }
    }

    fn external_finding(
        &mut self,
        index: usize,
        finding: &'f Finding,
        i: usize,
        item: &Item,
        external_id: &str,
        declared: Option<usize>,
    ) {
        let id = item.id.as_str();
        let Some(e) = item.externals.iter().position(|e| e.id.name == external_id) else {
            let message = if item.externals.is_empty() {
                format!("item `{id}` has no external `{external_id}`; it has no externals")
            } else {
                format!(
                    "item `{id}` has no external `{external_id}`; its externals are {}",
                    list(item.externals.iter().map(|e| e.id.as_str()))
                )
            };
            let help = suggest(external_id, item.externals.iter().map(|e| e.id.as_str()));
            self.error(index, Some("external"), message).help = help;
            return;
        };
        if let Some(at) = declared {
            self.error(
                index,
                Some("external"),
                format!("item `{id}` is declared not applicable (findings[{at}]), so its external `{external_id}` cannot be scored"),
            );
            return;
        }
        for field in ALL_FIELDS {
            if field != Field::Score && field.given(finding) {
                self.error(
                    index,
                    Some(field.name()),
                    format!(
                        "`{}` does not fit external `{id}/{external_id}`; `{}` fits {}",
                        field.name(),
                        field.name(),
                        field.fits()
                    ),
                );
            }
        }
        let Some(external) = item.externals.get(e) else {
            return;
        };
        let weight = external.weight.value;
        let slot = self.external_base.get(i).map_or(0, |b| b + e);
        let Some(score) = finding.score else {
            self.error(
                index,
                Some("score"),
                format!(
                    "missing `score` for external `{id}/{external_id}` (0 to {})",
                    crate::report::plain(weight)
                ),
            );
            return;
        };
        if score.is_sign_negative() && !score.is_zero() || score > weight {
            self.error(
                index,
                Some("score"),
                format!(
                    "score `{}` is out of range for external `{id}/{external_id}`: expected 0 ≤ score ≤ {}",
                    crate::report::plain(score),
                    crate::report::plain(weight)
                ),
            );
            // Recorded all the same, so it is not also reported as missing.
            if let Some(state) = self.externals.get_mut(slot) {
                state.score.get_or_insert((Decimal::ZERO, index));
            }
            return;
        }
        let Some(state) = self.externals.get_mut(slot) else {
            return;
        };
        if let Some((_, first)) = state.score {
            self.error(
                index,
                Some("score"),
                format!(
                    "external `{id}/{external_id}` is scored twice (first in findings[{first}])"
                ),
            );
            return;
        }
        state.score = Some((score, index));
        state.notes.extend(finding.note.as_deref());
        state
            .evidence
            .extend(finding.evidence.iter().map(String::as_str));
    }

    fn penalty_finding(&mut self, index: usize, finding: &'f Finding, p: usize) {
        let rubric = self.rubric;
        let Some(penalty) = rubric.penalties.get(p) else {
            return;
        };
        let id = penalty.id.as_str();
        if finding.not_applicable {
            self.error(
                index,
                Some("not_applicable"),
                format!("`{id}` is a penalty, which cannot be declared not applicable"),
            );
            return;
        }
        if finding.external.is_some() {
            self.error(
                index,
                Some("external"),
                format!("`{id}` is a penalty, which has no externals"),
            );
            return;
        }
        let Some(clause_id) = finding.clause.as_deref() else {
            self.error(
                index,
                None,
                format!("the finding for penalty `{id}` names no clause"),
            );
            return;
        };
        let Some(c) = penalty.clauses.iter().position(|c| c.id.name == clause_id) else {
            self.unknown_clause(index, "penalty", id, &penalty.clauses, clause_id);
            return;
        };
        let slot = self
            .clause_base
            .get(rubric.items.len() + p)
            .map_or(0, |b| b + c);
        // `item weight` has no meaning in a penalty (the checker refuses it);
        // the penalty's own cap stands in for it.
        let limit = penalty.cap.map_or(Decimal::ZERO, |c| c.value);
        if let Some(clause) = penalty.clauses.get(c) {
            let form = if self.v2 {
                rubric.clause_form(crate::model::ClausePlace {
                    owner: Owner::Penalty(p),
                    clause: c,
                })
            } else {
                &v2::V1_FORM
            };
            self.clause_finding(index, finding, id, clause, form, limit, slot);
        }
    }

    fn unknown_clause(
        &mut self,
        index: usize,
        kind: &str,
        id: &str,
        clauses: &[Clause],
        wanted: &str,
    ) {
        let message = if clauses.is_empty() {
            format!("{kind} `{id}` has no clause `{wanted}`; it has no clauses")
        } else {
            format!(
                "{kind} `{id}` has no clause `{wanted}`; its clauses are {}",
                list(clauses.iter().map(|c| c.id.as_str()))
            )
        };
        let help = suggest(wanted, clauses.iter().map(|c| c.id.as_str()));
        self.error(index, Some("clause"), message).help = help;
    }

    #[allow(clippy::too_many_arguments)]
    fn clause_finding(
        &mut self,
        index: usize,
        finding: &'f Finding,
        item_id: &str,
        clause: &Clause,
        form: &ClauseForm,
        clause_weight: Decimal,
        slot: usize,
    ) {
        // Written out only in a message.
        let reference = ClausePath {
            item: item_id,
            clause: &clause.id.name,
        };
        if let Some(shape) = &form.shape {
            self.shape_finding(index, finding, reference, shape, clause_weight, slot);
            return;
        }
        let deduction = &clause.deduction;
        let mut fits = true;
        // One test of the fields given against those the shape takes; the
        // fields are named one by one only when one does not fit.
        let misfit = given_fields(finding) & !accepted_fields(deduction) != 0;
        for field in ALL_FIELDS.iter().copied().filter(|_| misfit) {
            if field.given(finding) && !accepts(deduction, field) {
                fits = false;
                self.error(
                    index,
                    Some(field.name()),
                    format!(
                        "`{}` does not fit clause `{reference}`, {}; `{}` fits {}",
                        field.name(),
                        shape_words(deduction),
                        field.name(),
                        if self.v2 {
                            field.fits_v2()
                        } else {
                            field.fits()
                        }
                    ),
                );
            }
        }
        if !fits {
            return;
        }
        let Some(state) = self.clauses.get_mut(slot) else {
            return;
        };
        let mut problem: Option<(&'static str, String)> = None;
        match deduction {
            Deduction::Once { .. } | Deduction::All { .. } => {
                state.add_times(finding.count.unwrap_or(1));
            }
            Deduction::Per { .. } => match (&finding.entities, finding.count) {
                (Some(names), count) => {
                    if let Some(count) = count {
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
                    state.names.extend(names.iter().map(String::as_str));
                }
                (None, count) => state.add_times(count.unwrap_or(1)),
            },
            Deduction::UpTo { max } => {
                let max = max.resolve(clause_weight.max(Decimal::ZERO));
                match (finding.amount, state.amount) {
                    (None, _) => {
                        problem = Some((
                            "amount",
                            format!(
                                "missing `amount` for discretionary clause `{reference}` (0 to {})",
                                crate::report::plain(max)
                            ),
                        ));
                    }
                    (Some(_), Some((_, first))) => {
                        problem = Some((
                            "amount",
                            format!("a second `amount` for discretionary clause `{reference}` (the first is in findings[{first}]); give one amount per clause"),
                        ));
                    }
                    (Some(a), None) if (a.is_sign_negative() && !a.is_zero()) || a > max => {
                        problem = Some((
                            "amount",
                            format!(
                                "amount `{}` is out of range for clause `{reference}`: expected 0 ≤ amount ≤ {}",
                                crate::report::plain(a),
                                crate::report::plain(max)
                            ),
                        ));
                    }
                    (Some(a), None) => state.amount = Some((a, index)),
                }
            }
            Deduction::Threshold { .. } => match (finding.value, state.value) {
                (None, _) => {
                    problem = Some((
                        "value",
                        format!("missing `value` for threshold clause `{reference}` (a number, or a percentage such as \"42%\")"),
                    ));
                }
                (Some(_), Some((_, first))) => {
                    problem = Some((
                        "value",
                        format!("a second `value` for threshold clause `{reference}` (the first is in findings[{first}]); give one value per clause"),
                    ));
                }
                (Some(v), None) => state.value = Some((v, index)),
            },
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

    /// Builds the report in rubric order; `None` when an error stops it.
    fn report(&mut self) -> Option<Report<'r>> {
        if self.v2 {
            return self.report_v2();
        }
        let rubric = self.rubric;
        let mut owners = Owners::new(rubric);
        let mut entities = Entities::default();
        let mut items = Vec::with_capacity(rubric.items.len());
        let mut raw = Decimal::ZERO;
        let mut applicable_weight = Decimal::ZERO;
        let mut not_applicable_weight = Decimal::ZERO;
        for (i, item) in rubric.items.iter().enumerate() {
            let report = self.item_report(i, item, &mut owners, &mut entities);
            match report.score {
                Some(score) => {
                    raw = raw.saturating_add(score);
                    applicable_weight = applicable_weight.saturating_add(item.weight.value);
                }
                None => {
                    not_applicable_weight = not_applicable_weight.saturating_add(item.weight.value)
                }
            }
            items.push(report);
        }
        let mut penalties = Vec::with_capacity(rubric.penalties.len());
        let mut penalized = Decimal::ZERO;
        for (p, penalty) in rubric.penalties.iter().enumerate() {
            let base = self
                .clause_base
                .get(rubric.items.len() + p)
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
            let raw_sum = deductions
                .iter()
                .fold(Decimal::ZERO, |sum, d| sum.saturating_add(d.amount));
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
            penalized = penalized.saturating_add(deducted);
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
        let vetoes = self.vetoes_report(&items, &penalties);

        if applicable_weight <= Decimal::ZERO {
            self.errors.push(FindingError::new(
                Location::Field("findings"),
                "no item applies: every item is declared not applicable, so there is nothing to score",
            ));
            return None;
        }
        let total = rubric.total();
        let scaled = match rubric.not_applicable {
            NotApplicable::Rescale => raw
                .checked_mul(total)
                .and_then(|x| x.checked_div(applicable_weight))
                .or_else(|| {
                    raw.checked_div(applicable_weight)
                        .and_then(|x| x.checked_mul(total))
                }),
            NotApplicable::FullMarks => raw.checked_add(not_applicable_weight),
        };
        let Some(scaled) = scaled else {
            self.errors.push(FindingError::new(
                Location::Field("findings"),
                "the score is too large to compute exactly",
            ));
            return None;
        };
        let score_exact = scaled
            .saturating_sub(penalized)
            .max(Decimal::ZERO)
            .normalize();
        let decimals = rubric.rounding.min(28);
        let mut score =
            score_exact.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
        score.rescale(decimals);
        let grade = self.grade(score, &vetoes);
        Some(Report {
            subject: self.findings.subject.clone(),
            rubric: RubricInfo {
                title: &rubric.title.value,
                version: rubric.version.as_ref().map(|v| v.value.as_str()),
            },
            scoring: None,
            score,
            score_exact,
            score_before_veto: None,
            scale: None,
            unscaled: None,
            total,
            raw,
            applicable_weight,
            not_applicable: rubric.not_applicable.as_str(),
            scaled,
            penalized,
            bonused: None,
            ceiling_applied: None,
            grade,
            items,
            sections: None,
            penalties,
            bonuses: None,
            vetoes,
            flags: None,
            facts: None,
            by_owner: owners.finish(),
            by_entity: entities.finish(),
            warnings: std::mem::take(&mut self.warnings),
        })
    }

    // Inlined into both report paths: a call would copy the report out.
    #[inline(always)]
    fn item_report(
        &mut self,
        i: usize,
        item: &'r Item,
        owners: &mut Owners<'r>,
        entities: &mut Entities<'r, 'f>,
    ) -> ItemReport<'r> {
        let id = item.id.as_str();
        let state = self.items.take(i).unwrap_or_default();
        let item_owners = Names::new(&item.owners);
        if state.not_applicable.is_some() {
            if state.declarations > 1 {
                self.warnings.push(Noticed::DeclaredTimes {
                    item: id,
                    times: state.declarations,
                });
            }
            return ItemReport {
                id,
                title: &item.title.value,
                weight: item.weight.value,
                shown_weight: Some(item.weight.value),
                status: Status::NotApplicable,
                reason: joined(state.reasons),
                note: joined(state.notes),
                evidence: distinct(state.evidence),
                score: None,
                deducted: Decimal::ZERO,
                capped: false,
                more: None,
                owners: item_owners,
                deductions: Vec::new(),
                externals: item
                    .externals
                    .iter()
                    .map(|e| ExternalReport {
                        id: &e.id.name,
                        title: &e.title.value,
                        weight: e.weight.value,
                        score: None,
                        assumed: None,
                        note: None,
                        evidence: Vec::new(),
                    })
                    .collect(),
            };
        }
        let clause_weight = self.rubric.clause_weight_of(i).max(Decimal::ZERO);
        let base = self.clause_base.get(i).copied().unwrap_or(0);
        let deductions = self.deductions(
            Owner::Item(i),
            id,
            &item.clauses,
            base,
            clause_weight,
            entities,
        );
        let sum = deductions
            .iter()
            .fold(Decimal::ZERO, |sum, d| sum.saturating_add(d.amount));
        let capped = sum > clause_weight;
        let deducted = if capped { clause_weight } else { sum };
        let mut externals = Vec::with_capacity(item.externals.len());
        let mut external_scores = Decimal::ZERO;
        let ext_base = self.external_base.get(i).copied().unwrap_or(0);
        for (e, external) in item.externals.iter().enumerate() {
            let state = self.externals.take(ext_base + e).unwrap_or_default();
            let weight = external.weight.value;
            let (score, assumed) = match (state.score, self.options.missing_external) {
                (Some((score, _)), _) => (score, None),
                (None, Missing::Error) => {
                    self.errors.push(
                        FindingError::new(
                            Location::Rubric(format!("{id}/{}", external.id.name)),
                            format!("no score for external `{}` of item `{id}`", external.id.name),
                        )
                        .with_help(format!(
                            "add {{\"item\": \"{id}\", \"external\": \"{}\", \"score\": …}} (0 to {}), or choose to assume missing external scores full or zero",
                            external.id.name,
                            crate::report::plain(weight)
                        )),
                    );
                    (Decimal::ZERO, None)
                }
                (None, Missing::Full) => (weight, Some("full")),
                (None, Missing::Zero) => (Decimal::ZERO, Some("zero")),
            };
            if let Some(assumed) = assumed {
                self.warnings.push(Noticed::Assumed {
                    item: id,
                    external: &external.id.name,
                    assumed,
                    score,
                });
            }
            external_scores = external_scores.saturating_add(score);
            externals.push(ExternalReport {
                id: &external.id.name,
                title: &external.title.value,
                weight,
                score: Some(score),
                assumed,
                note: joined(state.notes),
                evidence: distinct(state.evidence),
            });
        }
        let score = clause_weight
            .saturating_sub(deducted)
            .saturating_add(external_scores);
        let lost = item.weight.value.saturating_sub(score).max(Decimal::ZERO);
        owners.charge_item(
            id,
            item_owners,
            &item.clauses,
            self.rubric.owner_ranks(Target::Item(i)),
            &deductions,
            deducted,
            lost,
        );
        ItemReport {
            id,
            title: &item.title.value,
            weight: item.weight.value,
            shown_weight: Some(item.weight.value),
            status: Status::Scored,
            reason: None,
            note: None,
            evidence: Vec::new(),
            score: Some(score),
            deducted,
            capped,
            more: None,
            owners: item_owners,
            deductions,
            externals,
        }
    }

    /// The deductions of the clauses that findings named, in rubric order.
    #[allow(clippy::too_many_arguments)]
    fn deductions(
        &mut self,
        owner: Owner,
        owner_id: &'r str,
        clauses: &'r [Clause],
        base: usize,
        clause_weight: Decimal,
        entities: &mut Entities<'r, 'f>,
    ) -> Vec<DeductionReport<'r>> {
        let mut out = Vec::with_capacity(self.clauses.touched(base, clauses.len()));
        let forms = if self.v2 {
            v2::clause_forms(self.rubric, owner)
        } else {
            &[]
        };
        for (c, clause) in clauses.iter().enumerate() {
            if let Some(shape) = forms.get(c).and_then(|f| f.shape.as_ref()) {
                let Some(mut state) = self.clauses.take(base + c) else {
                    continue;
                };
                if !state.touched {
                    continue;
                }
                let reference = ClausePath {
                    item: owner_id,
                    clause: &clause.id.name,
                };
                let mut report = self.shape_deduction(
                    clause,
                    shape,
                    &mut state,
                    reference,
                    clause_weight,
                    entities,
                );
                self.mark_excluded(owner, c, base + c, &mut report);
                out.push(report);
                continue;
            }
            let Some(state) = self.clauses.take(base + c) else {
                continue;
            };
            if !state.touched {
                continue;
            }
            let reference = ClausePath {
                item: owner_id,
                clause: &clause.id.name,
            };
            let mut names = state.names;
            names.sort_unstable();
            let before = names.len();
            let mut repeated: Vec<&str> = names
                .windows(2)
                .filter(|w| w.first() == w.get(1))
                .filter_map(|w| w.first().copied())
                .collect();
            repeated.dedup();
            names.dedup();
            if before != names.len() {
                for name in repeated {
                    self.warnings.push(Noticed::NamedTwice {
                        clause: reference,
                        name: name.to_owned(),
                    });
                }
            }
            let mut too_many = state.too_many;
            let (raw, count, unit, value) = match &clause.deduction {
                Deduction::Once { amount, .. } => {
                    let found = state.times >= 1;
                    if state.times > 1 {
                        self.warnings.push(Noticed::OnceFoundTimes {
                            clause: reference,
                            times: state.times,
                            amount: amount.value,
                        });
                    }
                    let raw = if found { amount.value } else { Decimal::ZERO };
                    (raw, Some(state.times), None, None)
                }
                Deduction::All { .. } => {
                    if state.times > 1 {
                        self.warnings.push(Noticed::AllFoundTimes {
                            clause: reference,
                            times: state.times,
                        });
                    }
                    let raw = if state.times >= 1 {
                        clause_weight
                    } else {
                        Decimal::ZERO
                    };
                    (raw, Some(state.times), None, None)
                }
                Deduction::Per { amount, unit, .. } => {
                    let n = u64::try_from(names.len())
                        .ok()
                        .and_then(|named| state.times.checked_add(named));
                    let n = n.unwrap_or_else(|| {
                        too_many = true;
                        u64::MAX
                    });
                    for name in &names {
                        entities.add(name, amount.value, reference);
                    }
                    let raw = amount.value.saturating_mul(Decimal::from(n));
                    (raw, Some(n), Some(unit.name.as_str()), None)
                }
                Deduction::UpTo { .. } => {
                    let raw = state.amount.map_or(Decimal::ZERO, |(a, _)| a);
                    (raw, None, None, None)
                }
                Deduction::Threshold {
                    amount,
                    op,
                    threshold,
                } => {
                    let value = state.value.map(|(v, _)| v);
                    let crossed = value.is_some_and(|v| match op {
                        Comparison::Below => v < threshold.value,
                        Comparison::Above => v > threshold.value,
                    });
                    let raw = if crossed { amount.value } else { Decimal::ZERO };
                    (raw, None, None, value)
                }
            };
            if too_many {
                self.errors.push(FindingError::new(
                    Location::Rubric(reference.to_string()),
                    format!(
                        "the counts given for clause `{reference}` add up to more than {}, the largest count",
                        u64::MAX
                    ),
                ));
            }
            // One comparison gives both the amount and whether the cap cut
            // it: comparing decimals of different scales is not cheap.
            let (amount, capped) = match clause.deduction.cap() {
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
            out.push(DeductionReport {
                clause: &clause.id.name,
                text: &clause.text.value,
                shape: clause.deduction.shape(),
                amount,
                count,
                unit,
                unit_label: unit
                    .and_then(|u| self.rubric.unit(u))
                    .map(|u| u.label.value.as_str()),
                raw,
                capped,
                value,
                more: None,
                entities: names.into_iter().map(str::to_owned).collect(),
                note: joined(state.notes),
                evidence: distinct(state.evidence),
                owners: Names::new(&clause.owners),
            });
            if self.v2 {
                if let Some(report) = out.last_mut() {
                    self.mark_excluded(owner, c, base + c, report);
                }
            }
        }
        out
    }

    fn vetoes_report(
        &mut self,
        items: &[ItemReport<'r>],
        penalties: &[PenaltyReport<'r>],
    ) -> Vec<VetoReport<'r>> {
        let rubric = self.rubric;
        let mut out = Vec::new();
        for (v, veto) in rubric.vetoes.iter().enumerate() {
            let state = self.vetoes.take(v).unwrap_or_default();
            let mut clauses = Vec::new();
            for reference in &veto.when {
                let deductions = match rubric.target(reference.item.as_str()) {
                    Some(Target::Item(i)) => items.get(i).map(|r| &r.deductions),
                    Some(Target::Penalty(p)) => penalties.get(p).map(|r| &r.deductions),
                    None => None,
                };
                let deducted = deductions.is_some_and(|list| {
                    list.iter()
                        .any(|d| d.clause == reference.clause.name && !d.amount.is_zero())
                });
                if deducted {
                    clauses.push(ClausePath {
                        item: &reference.item.name,
                        clause: &reference.clause.name,
                    });
                }
            }
            if state.by_finding || !clauses.is_empty() {
                out.push(VetoReport {
                    id: &veto.id.name,
                    text: &veto.text.value,
                    at_most: Some(&veto.at_most.name),
                    at_most_label: Some(
                        rubric
                            .grade(&veto.at_most.name)
                            .map_or("", |g| g.label.value.as_str()),
                    ),
                    score_zero: None,
                    by_finding: state.by_finding,
                    clauses,
                    parts: None,
                    notes: distinct(state.notes),
                    evidence: distinct(state.evidence),
                });
            }
        }
        out
    }

    fn grade(&self, score: Decimal, vetoes: &[VetoReport<'r>]) -> Option<GradeResult<'r>> {
        let grades = &self.rubric.grades;
        let last = grades.len().checked_sub(1)?;
        let by_score = if self.v2 {
            v2::band(self.rubric, score).unwrap_or(last)
        } else {
            grades
                .iter()
                .position(|g| g.at_least.is_some_and(|t| t.value <= score))
                .unwrap_or(last)
        };
        let mut rank = by_score;
        let mut capped_by = Vec::new();
        for veto in vetoes {
            let Some(at_most) = veto.at_most else {
                continue;
            };
            if let Some(limit) = self.rubric.grade_rank(at_most) {
                if limit > by_score {
                    capped_by.push(veto.id);
                    rank = rank.max(limit);
                }
            }
        }
        let grade = grades.get(rank)?;
        let by_score = grades.get(by_score);
        Some(GradeResult {
            id: &grade.id.name,
            label: &grade.label.value,
            by_score: by_score.map_or("", |g| g.id.name.as_str()),
            by_score_label: by_score.map_or("", |g| g.label.value.as_str()),
            capped_by,
        })
    }
}

/// Points lost per owner (rule 9). Owners are known by their rank (see
/// [`Rubric::owner_rank`], computed once per rubric), so charging looks no
/// name up, and equal losses come in the order the rubric first names the
/// owners, never in the findings' order. Only owners that lose points get
/// an entry.
struct Owners<'r> {
    /// Owner rank → 1 + position in `losses`; 0 for an owner not charged yet.
    by_rank: Vec<usize>,
    /// With the owner's rank.
    losses: Vec<(usize, OwnerLoss<'r>)>,
}

impl<'r> Owners<'r> {
    fn new(rubric: &Rubric) -> Owners<'r> {
        Owners {
            by_rank: vec![0; rubric.owner_count()],
            losses: Vec::new(),
        }
    }

    fn charge(&mut self, owner: &'r str, rank: usize, item: &'r str, amount: Decimal) {
        if amount <= Decimal::ZERO {
            return;
        }
        let Some(slot) = self.by_rank.get_mut(rank) else {
            return;
        };
        if *slot == 0 {
            self.losses.push((
                rank,
                OwnerLoss {
                    owner,
                    lost: Decimal::ZERO,
                    // An owner usually answers for several items: start
                    // with room for some, not one by one.
                    items: Vec::with_capacity(8),
                },
            ));
            *slot = self.losses.len();
        }
        let at = *slot - 1;
        if let Some((_, loss)) = self.losses.get_mut(at) {
            loss.lost = loss.lost.saturating_add(amount);
            if loss.items.last() != Some(&item) {
                loss.items.push(item);
            }
        }
    }

    /// Charges each distinct owner of a list once; `ranks` are the ranks of
    /// `owners`, position by position.
    fn charge_each(&mut self, owners: Names<'r>, ranks: &[usize], item: &'r str, amount: Decimal) {
        if amount <= Decimal::ZERO {
            return;
        }
        for (k, (owner, &rank)) in owners.iter().zip(ranks).enumerate() {
            let named_before = ranks.get(..k).is_some_and(|before| before.contains(&rank));
            if !named_before {
                self.charge(owner, rank, item, amount);
            }
        }
    }

    /// Clauses with their own owners are charged first, in rubric order, each
    /// with its deduction but never more than what is left of `deducted`
    /// (the points actually taken after the cap). Returns what they took.
    /// `deductions` are in the order of `clauses`; `ranks` holds the owner
    /// ranks of the item or penalty.
    fn charge_clauses(
        &mut self,
        item: &'r str,
        clauses: &'r [Clause],
        ranks: Option<&OwnerRanks>,
        deductions: &[DeductionReport<'r>],
        deducted: Decimal,
    ) -> Decimal {
        let mut left = deducted;
        // Both lists are in rubric order: one walk finds every clause.
        let mut rest = clauses.iter().enumerate();
        for d in deductions {
            let Some((c, clause)) = rest.find(|(_, c)| c.id.name == d.clause) else {
                break;
            };
            if clause.owners.is_empty() {
                continue;
            }
            let take = d.amount.min(left);
            left -= take;
            let clause_ranks = ranks
                .and_then(|r| r.clauses.get(c))
                .map_or(&[][..], Vec::as_slice);
            self.charge_each(Names::new(&clause.owners), clause_ranks, item, take);
        }
        deducted - left
    }

    /// The item's owners take what it lost (W − score) less what its
    /// clause owners took.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn charge_item(
        &mut self,
        item: &'r str,
        owners: Names<'r>,
        clauses: &'r [Clause],
        ranks: Option<&OwnerRanks>,
        deductions: &[DeductionReport<'r>],
        deducted: Decimal,
        lost: Decimal,
    ) {
        let by_clauses = self.charge_clauses(item, clauses, ranks, deductions, deducted);
        let rest = lost.saturating_sub(by_clauses);
        let item_ranks = ranks.map_or(&[][..], |r| r.owners.as_slice());
        self.charge_each(owners, item_ranks, item, rest);
    }

    fn finish(self) -> Vec<OwnerLoss<'r>> {
        let mut losses = self.losses;
        // Ranks are distinct, so the order is total: equal losses in rubric order.
        losses.sort_unstable_by(|(rank_a, a), (rank_b, b)| {
            b.lost.cmp(&a.lost).then(rank_a.cmp(rank_b))
        });
        losses
            .into_iter()
            .map(|(_, mut loss)| {
                loss.lost = loss.lost.normalize();
                loss
            })
            .collect()
    }
}

/// Points per named entity, before caps (rule 9): one record per name and
/// clause, grouped by name at the end (no table keyed by name).
#[derive(Default)]
struct Entities<'r, 'f> {
    /// Name, position of the record, amount, clause.
    named: Vec<(&'f str, usize, Decimal, ClausePath<'r>)>,
}

impl<'r, 'f> Entities<'r, 'f> {
    fn add(&mut self, name: &'f str, amount: Decimal, clause: ClausePath<'r>) {
        self.named.push((name, self.named.len(), amount, clause));
    }

    fn finish(self) -> EntityAttribution<'r> {
        let mut named = self.named;
        // By name, then by position: each name's clauses stay in rubric order.
        named.sort_unstable_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
        let mut entities: Vec<EntityLoss<'r>> = Vec::new();
        for (name, _, amount, clause) in named {
            match entities.last_mut() {
                Some(last) if last.entity == name => {
                    last.amount = last.amount.saturating_add(amount);
                    last.clauses.push(clause);
                }
                _ => entities.push(EntityLoss {
                    entity: name.to_owned(),
                    amount,
                    clauses: vec![clause],
                }),
            }
        }
        // Names are distinct after grouping, so the order is total.
        entities.sort_unstable_by(|a, b| {
            b.amount
                .cmp(&a.amount)
                .then_with(|| a.entity.cmp(&b.entity))
        });
        EntityAttribution {
            before_caps: true,
            entities,
        }
    }
}

#[cfg(test)]
mod tests;
