//! The concrete syntax tree: every declaration as written, with its spans,
//! its comments and its numbers' source text, so that the formatter can
//! reproduce the document.
//!
//! The tree knows nothing of later stages; [`crate::model::lower`] turns it
//! into a [`Rubric`](crate::Rubric). After a syntax error the tree holds what
//! could be read: a declaration the parser had to skip is left out.

use crate::model::{CompareOp, Comparison, NotApplicable, Scoring, Steps, Verb};
use crate::span::Span;

/// A `#` comment, from the `#` to the end of its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The comment's text, `#` included, without the line ending or trailing whitespace.
    pub text: String,
    /// Where it was written.
    pub span: Span,
    /// True when an empty line separates it from what comes before it.
    pub blank_before: bool,
}

/// An identifier or a dotted number used as a name (`2.1`, `enterprise`), as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The text as written.
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// A string literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str {
    /// The unescaped text.
    pub value: String,
    /// Where it was written, quotes included.
    pub span: Span,
}

/// A number or a percentage, kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    /// The digits as written, without the `%` (`0.30`, `45.5`).
    pub text: String,
    /// True when written with `%`.
    pub percent: bool,
    /// Where it was written, `%` included.
    pub span: Span,
}

/// An upper limit: a number, or `item weight`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Limit {
    /// A number.
    Number(Number),
    /// `item weight`; the span covers both words.
    ItemWeight(Span),
}

/// What a clause deducts, in the shapes of spec section 3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deduction {
    /// `deduct A [capped at C]`.
    Once {
        /// A.
        amount: Number,
        /// `capped at C`.
        cap: Option<Limit>,
    },
    /// `deduct A per UNIT [capped at C]`.
    Per {
        /// A.
        amount: Number,
        /// UNIT.
        unit: Name,
        /// `capped at C`.
        cap: Option<Limit>,
    },
    /// `deduct all`.
    All {
        /// Where `all` was written.
        span: Span,
    },
    /// `deduct up to M`.
    UpTo {
        /// M.
        max: Limit,
    },
    /// `deduct A when below P` / `deduct A when above P`.
    Threshold {
        /// A.
        amount: Number,
        /// `below` or `above`.
        op: Comparison,
        /// Where the comparison word was written.
        op_span: Span,
        /// P.
        threshold: Number,
    },
    /// `A1, A2, … by level [per UNIT] [capped at C]`.
    Levels {
        /// A1, A2, … (at least one).
        amounts: Vec<Number>,
        /// `by level`.
        by_span: Span,
        /// `per UNIT`.
        unit: Option<Name>,
        /// `capped at C`.
        cap: Option<Limit>,
    },
    /// `A per [full|started] [STEP] below|above P|target [capped at C]`.
    Rate {
        /// A.
        amount: Number,
        /// How steps count, and where `full`/`started` was written.
        steps: Steps,
        /// Where `full`/`started` was written.
        steps_span: Option<Span>,
        /// STEP.
        step: Option<Number>,
        /// Below or above.
        op: Comparison,
        /// Where `below`/`above` was written.
        op_span: Span,
        /// P, or `None` for `target` (whose span is `target`).
        threshold: Option<Number>,
        /// Where `target` was written.
        target: Option<Span>,
        /// `capped at C`.
        cap: Option<Limit>,
    },
    /// `A1 when below P1, A2 when below P2, …` (two tiers or more).
    Tiers {
        /// Each tier: amount, comparison, where it was written, threshold.
        tiers: Vec<TierSyntax>,
    },
    /// `A to B [per occurrence] [capped at C]`.
    Range {
        /// A.
        min: Number,
        /// B.
        max: Number,
        /// `per occurrence`.
        per_occurrence: Option<Span>,
        /// `capped at C`.
        cap: Option<Limit>,
    },
    /// No deduction of its own: the clause is `extra X when exhausted`.
    Exhausted {
        /// Where `extra` was written.
        span: Span,
    },
}

/// One tier of a tiered threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierSyntax {
    /// A.
    pub amount: Number,
    /// Below or above.
    pub op: Comparison,
    /// Where the comparison was written.
    pub op_span: Span,
    /// P.
    pub threshold: Number,
}

/// `extra X [when exhausted]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraSyntax {
    /// X.
    pub amount: Number,
    /// Where `when exhausted` was written.
    pub exhausted: Option<Span>,
    /// From `extra` to its end.
    pub span: Span,
}

/// `clause ID "text" VERB … [extra …] [tagged …] [owner …]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The clause id.
    pub id: Name,
    /// The condition.
    pub text: Str,
    /// `deduct`, `add` or `points`.
    pub verb: Verb,
    /// Where the verb was written (empty for an `extra … when exhausted` clause).
    pub verb_span: Span,
    /// What it deducts (adds, gives).
    pub deduction: Deduction,
    /// `extra X [when exhausted]`.
    pub extra: Option<ExtraSyntax>,
    /// `tagged T1, T2`.
    pub tags: Vec<Name>,
    /// `owner "…", …` after the deduction.
    pub owners: Vec<Str>,
    /// From `clause` to the end of the declaration.
    pub span: Span,
}

/// `check "text" [by "…", …]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What the inspector looks at.
    pub text: Str,
    /// Where.
    pub by: Vec<Str>,
    /// The whole declaration.
    pub span: Span,
}

/// `external ID "title" weight N [by "…", …]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct External {
    /// The external id.
    pub id: Name,
    /// What is scored.
    pub title: Str,
    /// Its weight.
    pub weight: Number,
    /// Who scores it.
    pub by: Vec<Str>,
    /// The whole declaration.
    pub span: Span,
}

/// A declaration inside an item block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemEntry {
    /// `owner "…", …`.
    Owner(Vec<Str>, Span),
    /// `basis "…", …`.
    Basis(Vec<Str>, Span),
    /// `check …`.
    Check(Check),
    /// `external …`.
    External(External),
    /// `clause …`.
    Clause(Box<Clause>),
}

impl ItemEntry {
    /// The whole declaration.
    pub fn span(&self) -> Span {
        match self {
            ItemEntry::Owner(_, span) | ItemEntry::Basis(_, span) => *span,
            ItemEntry::Check(c) => c.span,
            ItemEntry::External(e) => e.span,
            ItemEntry::Clause(c) => c.span,
        }
    }
}

/// Something written in an item's header after its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemAttr {
    /// `weight N`.
    Weight(Number),
    /// `optional`.
    Optional(Span),
}

/// `item ID "title" weight N [optional] { … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The item id, as written.
    pub id: Name,
    /// The title.
    pub title: Str,
    /// `weight N` and `optional`, in the order written.
    pub attrs: Vec<ItemAttr>,
    /// The block.
    pub body: Block<ItemEntry>,
    /// From `item` to the closing `}`.
    pub span: Span,
}

/// `section ID "title" { item … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The section id.
    pub id: Name,
    /// The title.
    pub title: Str,
    /// `weight W`.
    pub weight: Option<Number>,
    /// The items and nested sections.
    pub body: Block<SectionEntry>,
    /// From `section` to the closing `}`.
    pub span: Span,
}

/// What a section holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionEntry {
    /// An item.
    Item(Item),
    /// A nested section.
    Section(Section),
}

/// A declaration inside a penalty block: what an item block holds, except
/// `external` (a penalty has no weight for another authority to score).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PenaltyEntry {
    /// `owner "…", …`.
    Owner(Vec<Str>, Span),
    /// `basis "…", …`.
    Basis(Vec<Str>, Span),
    /// `check …`.
    Check(Check),
    /// `clause …`.
    Clause(Box<Clause>),
}

impl PenaltyEntry {
    /// The whole declaration.
    pub fn span(&self) -> Span {
        match self {
            PenaltyEntry::Owner(_, span) | PenaltyEntry::Basis(_, span) => *span,
            PenaltyEntry::Check(c) => c.span,
            PenaltyEntry::Clause(c) => c.span,
        }
    }
}

/// `penalty ID "title" [capped at C] { … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Penalty {
    /// The penalty id (shares its namespace with items).
    pub id: Name,
    /// The title.
    pub title: Str,
    /// `capped at C` in the header.
    pub cap: Option<Number>,
    /// Owners, basis, checks and clauses, in the order written.
    pub body: Block<PenaltyEntry>,
    /// From `penalty` to the closing `}`.
    pub span: Span,
}

/// `ITEM/CLAUSE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseRef {
    /// The item (or penalty) id.
    pub item: Name,
    /// The clause id.
    pub clause: Name,
}

/// `veto ID "text" at most GRADE [when ITEM/CLAUSE, …]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Veto {
    /// The veto id.
    pub id: Name,
    /// What triggers it.
    pub text: Str,
    /// The best grade still allowed (`at most GRADE`).
    pub at_most: Option<Name>,
    /// Where `score 0` was written.
    pub score_zero: Option<Span>,
    /// True when `score 0` was written before `at most`.
    pub score_first: bool,
    /// What triggers it (`when …`).
    pub when: Option<Condition>,
    /// The whole declaration.
    pub span: Span,
}

/// One part of a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CondPart {
    /// `ITEM/CLAUSE`.
    Clause(ClauseRef),
    /// `tagged T`: the span of `tagged`, and T.
    Tagged(Span, Name),
    /// `FACT OP N` or `score OP N`.
    Compare {
        /// The fact id, or `score`.
        left: Name,
        /// OP.
        op: CompareOp,
        /// Where OP was written.
        op_span: Span,
        /// N.
        value: Number,
    },
}

/// `when [all] PART, …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// Where `all` was written.
    pub all: Option<Span>,
    /// The parts.
    pub parts: Vec<CondPart>,
    /// From `when` to the end.
    pub span: Span,
}

/// `flag ID "text" when …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The flag id.
    pub id: Name,
    /// What it means.
    pub text: Str,
    /// When it holds.
    pub when: Condition,
    /// The whole declaration.
    pub span: Span,
}

/// `fact ID "text" [default N]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The fact id.
    pub id: Name,
    /// What it is.
    pub text: Str,
    /// `default N`.
    pub default: Option<Number>,
    /// The whole declaration.
    pub span: Span,
}

/// `exclusive "text" REF, REF, …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusive {
    /// Why.
    pub text: Str,
    /// The clauses.
    pub clauses: Vec<ClauseRef>,
    /// The whole declaration.
    pub span: Span,
}

/// `grade ID "label" [at least N]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grade {
    /// The grade id.
    pub id: Name,
    /// Its label.
    pub label: Str,
    /// `at least N`.
    pub at_least: Option<Number>,
    /// `at most N` (a points rubric).
    pub at_most: Option<Number>,
    /// The whole declaration.
    pub span: Span,
}

/// `unit ID "label"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The unit id.
    pub id: Name,
    /// Its measure word.
    pub label: Str,
    /// The whole declaration.
    pub span: Span,
}

/// A declaration inside the rubric block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decl {
    /// `version "…"`; the span covers the declaration.
    Version(Str, Span),
    /// `total N`.
    Total(Number, Span),
    /// `not-applicable rescale|full-marks`; the first span is the value's.
    NotApplicable(NotApplicable, Span, Span),
    /// `rounding N`.
    Rounding(Number, Span),
    /// `unit …`.
    Unit(Unit),
    /// `grade …`.
    Grade(Grade),
    /// `section …`.
    Section(Section),
    /// `item …` outside any section.
    Item(Item),
    /// `penalty …`.
    Penalty(Penalty),
    /// `veto …`.
    Veto(Veto),
    /// `scoring deductions|points`; the first span is the value's.
    Scoring(Scoring, Span, Span),
    /// `scale N`.
    Scale(Number, Span),
    /// `ceiling N`.
    Ceiling(Number, Span),
    /// `levels "…", …`.
    Levels(Vec<Str>, Span),
    /// `fact …`.
    Fact(Fact),
    /// `bonus …` (its block holds what a penalty's holds).
    Bonus(Penalty),
    /// `flag …`.
    Flag(Flag),
    /// `exclusive …`.
    Exclusive(Exclusive),
}

impl Decl {
    /// The whole declaration.
    pub fn span(&self) -> Span {
        match self {
            Decl::Version(_, span)
            | Decl::Total(_, span)
            | Decl::NotApplicable(_, _, span)
            | Decl::Rounding(_, span)
            | Decl::Scoring(_, _, span)
            | Decl::Scale(_, span)
            | Decl::Ceiling(_, span)
            | Decl::Levels(_, span) => *span,
            Decl::Fact(f) => f.span,
            Decl::Bonus(b) => b.span,
            Decl::Flag(f) => f.span,
            Decl::Exclusive(e) => e.span,
            Decl::Unit(u) => u.span,
            Decl::Grade(g) => g.span,
            Decl::Section(s) => s.span,
            Decl::Item(i) => i.span,
            Decl::Penalty(p) => p.span,
            Decl::Veto(v) => v.span,
        }
    }

    /// True for declarations with a `{ … }` block.
    pub fn is_block(&self) -> bool {
        matches!(
            self,
            Decl::Section(_) | Decl::Item(_) | Decl::Penalty(_) | Decl::Bonus(_)
        )
    }
}

/// A declaration with the comments that belong to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<T> {
    /// Own-line comments before it (and comments written inside a one-line
    /// declaration, which the formatter moves here).
    pub leading: Vec<Comment>,
    /// True when an empty line separates the declaration from what comes before it.
    pub blank_before: bool,
    /// The declaration.
    pub node: T,
    /// A comment on the same line after it (after the `}` for a block).
    pub trailing: Option<Comment>,
}

/// `{ … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block<T> {
    /// The `{`; `None` when it was missing (a syntax error was reported).
    pub open: Option<Span>,
    /// A comment on the line of the `{`, after it.
    pub open_comment: Option<Comment>,
    /// The declarations inside.
    pub entries: Vec<Entry<T>>,
    /// Own-line comments after the last declaration, before the `}`.
    pub closing_comments: Vec<Comment>,
    /// The `}`; `None` when it was missing (a syntax error was reported).
    pub close: Option<Span>,
}

impl<T> Default for Block<T> {
    fn default() -> Self {
        Block {
            open: None,
            open_comment: None,
            entries: Vec::new(),
            closing_comments: Vec::new(),
            close: None,
        }
    }
}

/// `rubric "title" { … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rubric {
    /// The title.
    pub title: Str,
    /// The declarations.
    pub body: Block<Decl>,
    /// From `rubric` to the closing `}`.
    pub span: Span,
}

/// A whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct File {
    /// The rubric with its comments; `None` only for a file without any token.
    /// When the `rubric` header is missing (an error), the declarations found
    /// are kept in a rubric with an empty title and a block without braces.
    pub rubric: Option<Entry<Rubric>>,
    /// Comments after the rubric block.
    pub end_comments: Vec<Comment>,
}
