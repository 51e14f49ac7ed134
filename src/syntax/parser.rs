//! Tokens → concrete tree: nom 8 parsers for each declaration, inside block
//! loops that attach comments and recover after errors.
//!
//! The grammar has a fixed depth (rubric → section → item → declaration), so
//! the block loops are plain loops nested at most four deep, whatever the
//! input. After an error the parser skips to the next line that starts with a
//! keyword, or to the `}` of the block, and goes on.

use super::ast::*;
use super::input::{describe, error_span, PResult, SyntaxError, Tokens};
use super::lexer::{normalize_number, unescape, Lexed, LexedComment, Token, TokenKind};
use crate::diagnostic::{closest, Code, Diagnostic};
use crate::model::{Comparison, NotApplicable, Scoring, Steps, Verb};
use crate::span::Span;
use nom::branch::alt;
use nom::combinator::{cut, map, opt};
use nom::sequence::preceded;
use nom::{Err, Parser as _};

// ---------------------------------------------------------------------------
// Token parsers

/// A keyword (an identifier with this exact text).
fn kw<'a>(word: &'static str, shown: &'static str) -> impl Fn(Tokens<'a>) -> PResult<'a, Span> {
    move |i: Tokens<'a>| match i.peek() {
        Some(t) if t.kind == TokenKind::Ident && i.text(t) == word => Ok((i.advance(), t.span)),
        _ => Err(Err::Error(SyntaxError::expected(i.pos, shown))),
    }
}

/// A keyword that continues the declaration on the same line.
fn kw_same_line<'a>(
    word: &'static str,
    shown: &'static str,
) -> impl Fn(Tokens<'a>) -> PResult<'a, Span> {
    move |i: Tokens<'a>| match i.peek() {
        Some(t) if !t.line_start => kw(word, shown)(i),
        _ => Err(Err::Error(SyntaxError::expected(i.pos, shown))),
    }
}

fn punct<'a>(kind: TokenKind, shown: &'static str) -> impl Fn(Tokens<'a>) -> PResult<'a, Span> {
    move |i: Tokens<'a>| match i.peek() {
        Some(t) if t.kind == kind => Ok((i.advance(), t.span)),
        _ => Err(Err::Error(SyntaxError::expected(i.pos, shown))),
    }
}

fn string(i: Tokens<'_>) -> PResult<'_, Str> {
    match i.peek() {
        Some(
            t @ Token {
                kind: TokenKind::Str { closed },
                ..
            },
        ) => {
            let text = i.text(t);
            let body_start = text.chars().next().map_or(0, char::len_utf8);
            let body_end = if *closed {
                text.len() - text.chars().next_back().map_or(0, char::len_utf8)
            } else {
                text.len()
            };
            let raw = text.get(body_start..body_end.max(body_start)).unwrap_or("");
            Ok((
                i.advance(),
                Str {
                    value: unescape(raw),
                    span: t.span,
                },
            ))
        }
        _ => Err(Err::Error(SyntaxError::expected(i.pos, "a string"))),
    }
}

/// One or more strings separated by commas.
fn strings(i: Tokens<'_>) -> PResult<'_, Vec<Str>> {
    comma_separated(string)(i)
}

/// One or more `element`s separated by commas. A `,` commits to another
/// element, so `owner "甲",` at the end of a line is reported as a missing
/// element after the `,`, not as a `,` where a `,` was expected.
fn comma_separated<'a, T>(
    element: fn(Tokens<'a>) -> PResult<'a, T>,
) -> impl Fn(Tokens<'a>) -> PResult<'a, Vec<T>> {
    move |i: Tokens<'a>| {
        let (mut i, first) = element(i)?;
        let mut elements = vec![first];
        while let Ok((after_comma, _)) = punct(TokenKind::Comma, "`,`")(i) {
            let (rest, next) = cut(element).parse(after_comma)?;
            elements.push(next);
            i = rest;
        }
        Ok((i, elements))
    }
}

/// A number or percentage: digits with at most one dot.
fn number(i: Tokens<'_>) -> PResult<'_, Number> {
    match i.peek() {
        Some(
            t @ Token {
                kind: TokenKind::Number { percent, fullwidth },
                ..
            },
        ) => {
            let written = i.text(t);
            let text = if *fullwidth {
                normalize_number(written)
            } else {
                written.to_owned()
            };
            let text = text.strip_suffix('%').unwrap_or(&text).to_owned();
            if text.matches('.').count() > 1 {
                let diagnostic = Diagnostic::new(
                    Code::InvalidNumber,
                    t.span,
                    format!("expected a number, found `{written}`"),
                )
                .with_help("a number has at most one `.`; dotted ids such as `2.1.1` name items");
                return Err(Err::Failure(SyntaxError::custom(i.pos, diagnostic)));
            }
            Ok((
                i.advance(),
                Number {
                    text,
                    percent: *percent,
                    span: t.span,
                },
            ))
        }
        _ => Err(Err::Error(SyntaxError::expected(i.pos, "a number"))),
    }
}

/// An id: an identifier (keywords included) or a dotted number. A keyword
/// that starts a line begins the next declaration, so it is not taken as an
/// id of the declaration before (`deduct 1 per` then `clause b …`).
fn name<'a>(shown: &'static str) -> impl Fn(Tokens<'a>) -> PResult<'a, Name> {
    move |i: Tokens<'a>| match i.peek() {
        Some(t) if t.line_start && t.kind == TokenKind::Ident && is_keyword(i.text(t)) => {
            Err(Err::Error(SyntaxError::expected(i.pos, shown)))
        }
        Some(t)
            if t.kind == TokenKind::Ident
                || t.kind
                    == (TokenKind::Number {
                        percent: false,
                        fullwidth: false,
                    }) =>
        {
            Ok((
                i.advance(),
                Name {
                    text: i.text(t).to_owned(),
                    span: t.span,
                },
            ))
        }
        _ => Err(Err::Error(SyntaxError::expected(i.pos, shown))),
    }
}

/// `capped at C` / `up to M`'s bound: a number or `item weight`.
fn limit(i: Tokens<'_>) -> PResult<'_, Limit> {
    alt((
        map(
            (kw("item", "`item weight`"), kw("weight", "`weight`")),
            |(a, b)| Limit::ItemWeight(a.to(b)),
        ),
        map(number, Limit::Number),
    ))
    .parse(i)
}

fn cap(i: Tokens<'_>) -> PResult<'_, Limit> {
    preceded(
        (kw("capped", "`capped`"), cut(kw("at", "`at`"))),
        cut(limit),
    )
    .parse(i)
}

fn deduction(i: Tokens<'_>) -> PResult<'_, Deduction> {
    alt((
        map(kw("all", "`all`"), |span| Deduction::All { span }),
        map(
            preceded((kw("up", "`up to`"), cut(kw("to", "`to`"))), cut(limit)),
            |max| Deduction::UpTo { max },
        ),
        amount_deduction,
    ))
    .parse(i)
}

fn comparison(i: Tokens<'_>) -> PResult<'_, (Comparison, Span)> {
    alt((
        map(kw("below", "`below`"), |s| (Comparison::Below, s)),
        map(kw("above", "`above`"), |s| (Comparison::Above, s)),
    ))
    .parse(i)
}

/// `, A` of a level table: only a number after the `,` continues the table,
/// so a stray `,` after a clause is reported where it stands.
fn next_amount(i: Tokens<'_>) -> PResult<'_, Number> {
    preceded(punct(TokenKind::Comma, "`,`"), number).parse(i)
}

/// `, A when below P` of a tiered threshold.
fn next_tier(i: Tokens<'_>) -> PResult<'_, TierSyntax> {
    let (i, (_, amount)) = (punct(TokenKind::Comma, "`,`"), number).parse(i)?;
    let (i, (_, (op, op_span), threshold)) =
        (cut(kw("when", "`when`")), cut(comparison), cut(number)).parse(i)?;
    Ok((
        i,
        TierSyntax {
            amount,
            op,
            op_span,
            threshold,
        },
    ))
}

/// After `per`: `[full|started] [STEP] below|above P|target [capped at C]`.
fn rate_rest(amount: Number) -> impl Fn(Tokens<'_>) -> PResult<'_, Deduction> {
    move |i| {
        let (i, steps) = opt(alt((
            map(kw("full", "`full`"), |s| (Steps::Full, s)),
            map(kw("started", "`started`"), |s| (Steps::Started, s)),
        )))
        .parse(i)?;
        let (i, step) = if steps.is_some() {
            opt(number).parse(i)?
        } else {
            map(number, Some).parse(i)?
        };
        let (i, (op, op_span)) = cut(comparison).parse(i)?;
        let (i, threshold) = cut(alt((
            map(number, |n| (Some(n), None)),
            map(kw("target", "`target`"), |s| (None, Some(s))),
        )))
        .parse(i)?;
        let (i, cap) = opt(cap).parse(i)?;
        Ok((
            i,
            Deduction::Rate {
                amount: amount.clone(),
                steps: steps.map_or(Steps::Exact, |(s, _)| s),
                steps_span: steps.map(|(_, span)| span),
                step,
                op,
                op_span,
                threshold: threshold.0,
                target: threshold.1,
                cap,
            },
        ))
    }
}

fn amount_deduction(i: Tokens<'_>) -> PResult<'_, Deduction> {
    let (i, amount) = number(i)?;
    // `A1, A2, … by level`.
    let (after_list, more) = nom::multi::many0(next_amount).parse(i)?;
    let by_level = (kw("by", "`by level`"), cut(kw("level", "`level`")));
    let levels = if more.is_empty() {
        opt(by_level).parse(i)?
    } else {
        map(cut(by_level), Some).parse(after_list)?
    };
    if let (i, Some((by, level))) = levels {
        let mut amounts = vec![amount];
        amounts.extend(more);
        let (i, (unit, cap)) = (
            opt(preceded(kw("per", "`per`"), cut(name("a unit")))),
            opt(cap),
        )
            .parse(i)?;
        return Ok((
            i,
            Deduction::Levels {
                amounts,
                by_span: by.to(level),
                unit,
                cap,
            },
        ));
    }
    // `A to B [per occurrence] [capped at C]`.
    if let Ok((i, _)) = kw("to", "`to`")(i) {
        let (i, (max, per_occurrence, cap)) = (
            cut(number),
            opt(preceded(
                kw("per", "`per`"),
                cut(kw("occurrence", "`occurrence`")),
            )),
            opt(cap),
        )
            .parse(i)?;
        return Ok((
            i,
            Deduction::Range {
                min: amount,
                max,
                per_occurrence,
                cap,
            },
        ));
    }
    // `A per [full|started] STEP below|above P` (a rate).
    if let Ok((after_per, _)) = kw("per", "`per`")(i) {
        let rate = match after_per.peek() {
            Some(t) if matches!(t.kind, TokenKind::Number { .. }) => true,
            Some(t) if t.kind == TokenKind::Ident => {
                matches!(after_per.text(t), "full" | "started")
            }
            _ => false,
        };
        if rate {
            return rate_rest(amount)(after_per);
        }
    }
    let per = (kw("per", "`per`"), cut(name("a unit")), opt(cap));
    let threshold = (kw("when", "`when`"), cut(comparison), cut(number));
    alt((
        map(per, {
            let amount = amount.clone();
            move |(_, unit, cap)| Deduction::Per {
                amount: amount.clone(),
                unit,
                cap,
            }
        }),
        map((threshold, nom::multi::many0(next_tier)), {
            let amount = amount.clone();
            move |((_, (op, op_span), threshold), tiers)| {
                if tiers.is_empty() {
                    Deduction::Threshold {
                        amount: amount.clone(),
                        op,
                        op_span,
                        threshold,
                    }
                } else {
                    let mut all = vec![TierSyntax {
                        amount: amount.clone(),
                        op,
                        op_span,
                        threshold,
                    }];
                    all.extend(tiers);
                    Deduction::Tiers { tiers: all }
                }
            }
        }),
        map(opt(cap), move |cap| Deduction::Once {
            amount: amount.clone(),
            cap,
        }),
    ))
    .parse(i)
}

/// The verb of a clause: `deduct`, `add` or `points`.
fn verb(i: Tokens<'_>) -> PResult<'_, (Verb, Span)> {
    let verb = match i.peek() {
        Some(t) if t.kind == TokenKind::Ident => match i.text(t) {
            "deduct" => Some((Verb::Deduct, t.span)),
            "add" => Some((Verb::Add, t.span)),
            "points" => Some((Verb::Points, t.span)),
            _ => None,
        },
        _ => None,
    };
    match verb {
        Some(v) => Ok((i.advance(), v)),
        None => Err(Err::Error(SyntaxError::expected(i.pos, "`deduct`"))),
    }
}

/// `extra X [when exhausted]`, after `extra` at `start`.
fn extra_rest(start: Span) -> impl Fn(Tokens<'_>) -> PResult<'_, ExtraSyntax> {
    move |i| {
        let (i, (amount, exhausted)) = (
            cut(number),
            opt(preceded(
                kw("when", "`when exhausted`"),
                cut(kw("exhausted", "`exhausted`")),
            )),
        )
            .parse(i)?;
        let span = start.to(Span::at(i.previous_end()));
        Ok((
            i,
            ExtraSyntax {
                amount,
                exhausted,
                span,
            },
        ))
    }
}

fn tag(i: Tokens<'_>) -> PResult<'_, Name> {
    name("a tag")(i)
}

/// A clause ending given twice.
fn repeated_ending(i: &Tokens<'_>, span: Span, word: &str) -> Err<SyntaxError> {
    Err::Failure(SyntaxError::custom(
        i.pos,
        Diagnostic::new(
            Code::RepeatedDeclaration,
            span,
            format!("`{word}` is given twice in this clause"),
        )
        .with_help(format!(
            "a clause takes one `{word}`; list several values after it, separated by `,`"
        )),
    ))
}

/// `clause ID "text" deduct … [extra …] [tagged …] [owner …]`, after the keyword at `start`.
fn clause_rest(start: Span) -> impl Fn(Tokens<'_>) -> PResult<'_, Clause> {
    move |i| {
        let (i, (id, text)) = (name("a clause id"), string).parse(i)?;
        let mut extra = None;
        let (mut i, verb, verb_span, deduction) = match kw("extra", "`extra`")(i) {
            Ok((after, span)) => {
                let (after, e) = extra_rest(span)(after)?;
                extra = Some(e);
                (
                    after,
                    Verb::Deduct,
                    Span::at(span.start),
                    Deduction::Exhausted { span },
                )
            }
            Err(_) => {
                let (i, ((verb, verb_span), deduction)) = (verb, deduction).parse(i)?;
                (i, verb, verb_span, deduction)
            }
        };
        let mut tags: Option<Vec<Name>> = None;
        let mut owners: Option<Vec<Str>> = None;
        loop {
            if let Ok((after, span)) = kw("extra", "`extra`")(i) {
                if extra.is_some() {
                    return Err(repeated_ending(&i, span, "extra"));
                }
                let (after, e) = extra_rest(span)(after)?;
                extra = Some(e);
                i = after;
            } else if let Ok((after, span)) = kw("tagged", "`tagged`")(i) {
                if tags.is_some() {
                    return Err(repeated_ending(&i, span, "tagged"));
                }
                let (after, list) = cut(comma_separated(tag)).parse(after)?;
                tags = Some(list);
                i = after;
            } else if let Ok((after, span)) = kw_same_line("owner", "`owner`")(i) {
                if owners.is_some() {
                    return Err(repeated_ending(&i, span, "owner"));
                }
                let (after, list) = cut(strings).parse(after)?;
                owners = Some(list);
                i = after;
            } else {
                break;
            }
        }
        let span = start.to(Span::at(i.previous_end()));
        Ok((
            i,
            Clause {
                id,
                text,
                verb,
                verb_span,
                deduction,
                extra,
                tags: tags.unwrap_or_default(),
                owners: owners.unwrap_or_default(),
                span,
            },
        ))
    }
}

fn by(i: Tokens<'_>) -> PResult<'_, Vec<Str>> {
    map(
        opt(preceded(kw("by", "`by`"), cut(strings))),
        Option::unwrap_or_default,
    )
    .parse(i)
}

/// `check "text" [by …]`, after the keyword at `start`.
fn check_rest(start: Span) -> impl Fn(Tokens<'_>) -> PResult<'_, Check> {
    move |i| {
        let (i, (text, by)) = (string, by).parse(i)?;
        let span = start.to(Span::at(i.previous_end()));
        Ok((i, Check { text, by, span }))
    }
}

fn item_entry(keyword: &'static str, start: Span) -> impl Fn(Tokens<'_>) -> PResult<'_, ItemEntry> {
    move |i| {
        let end = |i: &Tokens<'_>| start.to(Span::at(i.previous_end()));
        match keyword {
            "owner" => {
                let (i, list) = strings(i)?;
                Ok((i, ItemEntry::Owner(list, end(&i))))
            }
            "basis" => {
                let (i, list) = strings(i)?;
                Ok((i, ItemEntry::Basis(list, end(&i))))
            }
            "check" => map(check_rest(start), ItemEntry::Check).parse(i),
            "external" => {
                let (i, (id, title, _, weight, by)) = (
                    name("an external id"),
                    string,
                    kw("weight", "`weight`"),
                    number,
                    by,
                )
                    .parse(i)?;
                let span = end(&i);
                Ok((
                    i,
                    ItemEntry::External(External {
                        id,
                        title,
                        weight,
                        by,
                        span,
                    }),
                ))
            }
            _ => map(clause_rest(start), |c| ItemEntry::Clause(Box::new(c))).parse(i),
        }
    }
}

/// A penalty block holds what an item block holds, except `external`.
fn penalty_entry(
    keyword: &'static str,
    start: Span,
) -> impl Fn(Tokens<'_>) -> PResult<'_, PenaltyEntry> {
    move |i| {
        let end = |i: &Tokens<'_>| start.to(Span::at(i.previous_end()));
        match keyword {
            "owner" => {
                let (i, list) = strings(i)?;
                Ok((i, PenaltyEntry::Owner(list, end(&i))))
            }
            "basis" => {
                let (i, list) = strings(i)?;
                Ok((i, PenaltyEntry::Basis(list, end(&i))))
            }
            "check" => map(check_rest(start), PenaltyEntry::Check).parse(i),
            _ => map(clause_rest(start), |c| PenaltyEntry::Clause(Box::new(c))).parse(i),
        }
    }
}

fn clause_ref(i: Tokens<'_>) -> PResult<'_, ClauseRef> {
    map(
        (
            name("an item id"),
            punct(TokenKind::Slash, "`/`"),
            name("a clause id"),
        ),
        |(item, _, clause)| ClauseRef { item, clause },
    )
    .parse(i)
}

/// A one-line rubric declaration after its keyword.
fn simple_decl(keyword: &'static str, start: Span) -> impl Fn(Tokens<'_>) -> PResult<'_, Decl> {
    move |i| {
        let end = |i: &Tokens<'_>| start.to(Span::at(i.previous_end()));
        match keyword {
            "version" => {
                let (i, s) = string(i)?;
                Ok((i, Decl::Version(s, end(&i))))
            }
            "total" => {
                let (i, n) = number(i)?;
                Ok((i, Decl::Total(n, end(&i))))
            }
            "rounding" => {
                let (i, n) = number(i)?;
                Ok((i, Decl::Rounding(n, end(&i))))
            }
            "not-applicable" => {
                let (rest, value) = name("`rescale` or `full-marks`")(i)?;
                let policy = match value.text.as_str() {
                    "rescale" => NotApplicable::Rescale,
                    "full-marks" => NotApplicable::FullMarks,
                    _ => {
                        return Err(Err::Error(SyntaxError {
                            pos: i.pos,
                            expected: vec!["`rescale`", "`full-marks`"],
                            diagnostic: None,
                        }))
                    }
                };
                Ok((rest, Decl::NotApplicable(policy, value.span, end(&rest))))
            }
            "unit" => {
                let (i, (id, label)) = (name("a unit id"), string).parse(i)?;
                let span = end(&i);
                Ok((i, Decl::Unit(Unit { id, label, span })))
            }
            "grade" => {
                let (i, (id, label)) = (name("a grade id"), string).parse(i)?;
                let (i, bound) = opt(preceded(
                    kw("at", "`at least`"),
                    cut(alt((
                        map(preceded(kw("most", "`most`"), cut(number)), |n| (false, n)),
                        map(preceded(kw("least", "`least`"), cut(number)), |n| (true, n)),
                    ))),
                ))
                .parse(i)
                .map_err(|e| match e {
                    // Say `least`, as version 1 did, when neither word follows `at`.
                    Err::Failure(mut f) if f.diagnostic.is_none() => {
                        f.expected.retain(|w| *w != "`most`");
                        Err::Failure(f)
                    }
                    other => other,
                })?;
                let (at_least, at_most) = match bound {
                    Some((true, n)) => (Some(n), None),
                    Some((false, n)) => (None, Some(n)),
                    None => (None, None),
                };
                let span = end(&i);
                Ok((
                    i,
                    Decl::Grade(Grade {
                        id,
                        label,
                        at_least,
                        at_most,
                        span,
                    }),
                ))
            }
            "scoring" => {
                let (rest, value) = name("`deductions` or `points`")(i)?;
                let scoring = match value.text.as_str() {
                    "deductions" => Scoring::Deductions,
                    "points" => Scoring::Points,
                    _ => {
                        return Err(Err::Error(SyntaxError {
                            pos: i.pos,
                            expected: vec!["`deductions`", "`points`"],
                            diagnostic: None,
                        }))
                    }
                };
                Ok((rest, Decl::Scoring(scoring, value.span, end(&rest))))
            }
            "scale" => {
                let (i, n) = number(i)?;
                Ok((i, Decl::Scale(n, end(&i))))
            }
            "ceiling" => {
                let (i, n) = number(i)?;
                Ok((i, Decl::Ceiling(n, end(&i))))
            }
            "levels" => {
                let (i, list) = strings(i)?;
                Ok((i, Decl::Levels(list, end(&i))))
            }
            "fact" => {
                let (i, (id, text, default)) = (
                    name("a fact id"),
                    string,
                    opt(preceded(kw("default", "`default`"), cut(number))),
                )
                    .parse(i)?;
                let span = end(&i);
                Ok((
                    i,
                    Decl::Fact(Fact {
                        id,
                        text,
                        default,
                        span,
                    }),
                ))
            }
            "flag" => {
                let (i, (id, text, when)) = (name("a flag id"), string, cut(condition)).parse(i)?;
                let span = end(&i);
                Ok((
                    i,
                    Decl::Flag(Flag {
                        id,
                        text,
                        when,
                        span,
                    }),
                ))
            }
            "exclusive" => {
                let (i, (text, clauses)) = (string, cut(comma_separated(clause_ref))).parse(i)?;
                let span = end(&i);
                Ok((
                    i,
                    Decl::Exclusive(Exclusive {
                        text,
                        clauses,
                        span,
                    }),
                ))
            }
            _ => {
                let (i, (id, text)) = (name("a veto id"), string).parse(i)?;
                let (i, first) = veto_outcome(i)?;
                let (i, second) =
                    opt(preceded(punct(TokenKind::Comma, "`,`"), cut(veto_outcome))).parse(i)?;
                let mut at_most = None;
                let mut score_zero = None;
                let score_first = matches!(first, VetoOutcome::ScoreZero(_));
                for outcome in [Some(first), second].into_iter().flatten() {
                    match outcome {
                        VetoOutcome::AtMost(grade) if at_most.is_none() => at_most = Some(grade),
                        VetoOutcome::ScoreZero(span) if score_zero.is_none() => {
                            score_zero = Some(span)
                        }
                        VetoOutcome::AtMost(grade) => {
                            return Err(repeated_outcome(&i, grade.span, "at most"))
                        }
                        VetoOutcome::ScoreZero(span) => {
                            return Err(repeated_outcome(&i, span, "score 0"))
                        }
                    }
                }
                let (i, when) = opt(condition).parse(i)?;
                let span = end(&i);
                Ok((
                    i,
                    Decl::Veto(Veto {
                        id,
                        text,
                        at_most,
                        score_zero,
                        score_first,
                        when,
                        span,
                    }),
                ))
            }
        }
    }
}

/// What a veto does: `at most GRADE` or `score 0`.
enum VetoOutcome {
    AtMost(Name),
    ScoreZero(Span),
}

fn veto_outcome(i: Tokens<'_>) -> PResult<'_, VetoOutcome> {
    if let Ok((after, score)) = kw("score", "`score 0`")(i) {
        let (after, zero) = cut(number).parse(after)?;
        if zero.percent || zero.text.chars().any(|c| c != '0' && c != '.') {
            return Err(Err::Failure(SyntaxError::custom(
                after.pos,
                Diagnostic::new(
                    Code::UnexpectedToken,
                    zero.span,
                    format!("expected `0`, found `{}`", zero.text),
                )
                .with_help("a veto sets the score to 0 (`score 0`); to limit the grade, write `at most GRADE`"),
            )));
        }
        return Ok((after, VetoOutcome::ScoreZero(score.to(zero.span))));
    }
    let (i, (_, _, grade)) = (
        kw("at", "`at most`"),
        kw("most", "`most`"),
        name("a grade id"),
    )
        .parse(i)?;
    Ok((i, VetoOutcome::AtMost(grade)))
}

fn repeated_outcome(i: &Tokens<'_>, span: Span, word: &str) -> Err<SyntaxError> {
    Err::Failure(SyntaxError::custom(
        i.pos,
        Diagnostic::new(
            Code::RepeatedDeclaration,
            span,
            format!("`{word}` is given twice in this veto"),
        )
        .with_help("a veto takes `at most GRADE`, `score 0`, or both separated by `,`"),
    ))
}

/// One part of a condition: `ITEM/CLAUSE`, `tagged T` or `NAME OP N`.
fn condition_part(i: Tokens<'_>) -> PResult<'_, CondPart> {
    if let Ok((after, tagged)) = kw("tagged", "`tagged`")(i) {
        if let Ok((after, tag)) = name("a tag")(after) {
            return Ok((after, CondPart::Tagged(tagged, tag)));
        }
    }
    let (i, left) = name("an item id")(i)?;
    if let Some(t) = i.peek() {
        if let TokenKind::Op(op) = t.kind {
            let after = i.advance();
            if let Some(next) = after.peek().filter(|n| matches!(n.kind, TokenKind::Op(_))) {
                let written = format!("{}{}", i.text(t), after.text(next));
                return Err(Err::Failure(SyntaxError::custom(
                    after.pos,
                    Diagnostic::new(
                        Code::UnexpectedToken,
                        t.span.to(next.span),
                        format!("expected a comparison, found `{written}`"),
                    )
                    .with_help("compare with `>=`, `>`, `<=`, `<` or `=`"),
                )));
            }
            let (i, value) = cut(number).parse(after)?;
            return Ok((
                i,
                CondPart::Compare {
                    left,
                    op,
                    op_span: t.span,
                    value,
                },
            ));
        }
    }
    let (i, (_, clause)) = (punct(TokenKind::Slash, "`/`"), name("a clause id")).parse(i)?;
    Ok((i, CondPart::Clause(ClauseRef { item: left, clause })))
}

/// `when [all] PART, PART, …`.
fn condition(i: Tokens<'_>) -> PResult<'_, Condition> {
    let (i, when) = kw("when", "`when`")(i)?;
    // `all` followed by `/` is an item named `all`.
    let all = match (kw("all", "`all`")(i), i.all.get(i.pos + 1)) {
        (Ok((_, span)), Some(next)) if next.kind != TokenKind::Slash => Some(span),
        (Ok((_, span)), None) => Some(span),
        _ => None,
    };
    let i = if all.is_some() { i.advance() } else { i };
    let (i, parts) = cut(comma_separated(condition_part)).parse(i)?;
    let span = when.to(Span::at(i.previous_end()));
    Ok((i, Condition { all, parts, span }))
}

// ---------------------------------------------------------------------------
// Block loops

const RUBRIC_KEYWORDS: &[&str] = &[
    "version",
    "total",
    "not-applicable",
    "rounding",
    "unit",
    "grade",
    "section",
    "item",
    "penalty",
    "veto",
    "scoring",
    "scale",
    "ceiling",
    "levels",
    "fact",
    "bonus",
    "flag",
    "exclusive",
];
const SECTION_KEYWORDS: &[&str] = &["item", "section"];
const ITEM_KEYWORDS: &[&str] = &["owner", "basis", "check", "external", "clause"];
const PENALTY_KEYWORDS: &[&str] = &["owner", "basis", "check", "clause"];

/// Words that continue a declaration begun on an earlier line; recovery
/// does not stop at a line that starts with one of them.
const CONTINUATION_WORDS: &[&str] = &[
    "deduct",
    "per",
    "capped",
    "at",
    "when",
    "below",
    "above",
    "up",
    "to",
    "all",
    "by",
    "weight",
    "optional",
    "most",
    "least",
    "level",
    "full",
    "started",
    "target",
    "extra",
    "exhausted",
    "tagged",
    "default",
    "score",
    "add",
    "points",
];

/// How deep sections may nest.
pub const MAX_SECTION_DEPTH: usize = 8;

fn is_keyword(word: &str) -> bool {
    RUBRIC_KEYWORDS.contains(&word) || ITEM_KEYWORDS.contains(&word) || word == "rubric"
}

/// Where a block stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Rubric,
    Section,
    Item,
    Penalty,
}

impl Level {
    fn keywords(self) -> &'static [&'static str] {
        match self {
            Level::Rubric => RUBRIC_KEYWORDS,
            Level::Section => SECTION_KEYWORDS,
            Level::Item => ITEM_KEYWORDS,
            Level::Penalty => PENALTY_KEYWORDS,
        }
    }

    /// Keywords that, at the start of a line, show that this block was not closed.
    fn closes(self, word: &str) -> bool {
        match self {
            Level::Rubric => false,
            Level::Section => {
                word != "item" && word != "section" && RUBRIC_KEYWORDS.contains(&word)
            }
            Level::Item | Level::Penalty => RUBRIC_KEYWORDS.contains(&word),
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Level::Rubric => "`version`, `total`, `not-applicable`, `rounding`, `unit`, `grade`, `section`, `item`, `penalty`, `veto` or `}`",
            Level::Section => "`item` or `}`",
            Level::Item => "`owner`, `basis`, `check`, `external`, `clause` or `}`",
            Level::Penalty => "`owner`, `basis`, `check`, `clause` or `}`",
        }
    }
}

/// Reads a whole file.
pub fn parse_file(source: &str, lexed: Lexed) -> (File, Vec<Diagnostic>) {
    let Lexed {
        tokens,
        comments,
        diagnostics,
    } = lexed;
    let lexical_errors: Vec<usize> = diagnostics.iter().map(|d| d.span.start).collect();
    let braces_balanced = braces_balanced(&tokens);
    let closes_too_many = closes_too_many(&tokens);
    let mut parser = Parser {
        source,
        tokens: &tokens,
        pos: 0,
        comments,
        comment_pos: 0,
        diagnostics,
        lexical_errors,
        interior: Vec::new(),
        header_start: 0,
        braces_balanced,
        closes_too_many,
        // `scoring points` may stand anywhere in the rubric: items written
        // before it need no `weight` either.
        points: tokens.windows(2).any(|pair| match pair {
            [a, b] => {
                a.kind == TokenKind::Ident
                    && b.kind == TokenKind::Ident
                    && source.get(a.span.range()) == Some("scoring")
                    && source.get(b.span.range()) == Some("points")
            }
            _ => false,
        }),
        depth: 0,
    };
    let file = parser.file();
    if !uses_v2(&file) {
        parser.refuse_nested_sections(&file);
    }
    let mut diagnostics = parser.diagnostics;
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    (file, diagnostics)
}

struct Parser<'a> {
    source: &'a str,
    tokens: &'a [Token],
    pos: usize,
    comments: Vec<LexedComment>,
    comment_pos: usize,
    diagnostics: Vec<Diagnostic>,
    // INVARIANT: sorted; the start offsets of the lexer's diagnostics.
    lexical_errors: Vec<usize>,
    /// Comments found inside a declaration's header, to be moved before it.
    interior: Vec<Comment>,
    /// Where the declaration whose block is about to be read starts.
    header_start: usize,
    /// Every `}` closes an earlier `{` and none is left open. Layout carries no
    /// meaning in the language, so only a file whose braces do not pair up
    /// may have its indentation consulted to guess which block lost its `}`.
    braces_balanced: bool,
    /// There are more `}` than `{`: a `}` indented deeper than the block it
    /// would close is then taken for the one too many.
    closes_too_many: bool,
    /// `scoring points` was read: items need no `weight`.
    points: bool,
    /// How many sections enclose the declaration being read.
    depth: usize,
}

/// True when the file has more `}` than `{`.
fn closes_too_many(tokens: &[Token]) -> bool {
    let count = |kind| tokens.iter().filter(|t| t.kind == kind).count();
    count(TokenKind::RBrace) > count(TokenKind::LBrace)
}

/// What a file must start with, for a file that does not.
const RUBRIC_HEADER_HELP: &str =
    "a rubric file starts with `rubric \"TITLE\" {` and ends with its `}`";

/// True when the braces pair up: no `}` without an open `{`, none left open.
fn braces_balanced(tokens: &[Token]) -> bool {
    let mut depth: usize = 0;
    for token in tokens {
        match token.kind {
            TokenKind::LBrace => depth += 1,
            TokenKind::RBrace => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

impl<'a> Parser<'a> {
    fn input(&self) -> Tokens<'a> {
        Tokens::new(self.source, self.tokens, self.pos)
    }

    fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    fn text(&self, token: &Token) -> &'a str {
        self.source.get(token.span.range()).unwrap_or("")
    }

    fn next_start(&self) -> usize {
        self.peek().map_or(self.source.len(), |t| t.span.start)
    }

    /// The width of the whitespace that starts the line of `offset`, in characters.
    fn indentation(&self, offset: usize) -> usize {
        let before = self.source.get(..offset).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = self.source.get(line_start..).unwrap_or("");
        line.chars()
            .take_while(|c| *c == ' ' || *c == '\t' || *c == '\u{feff}')
            .filter(|c| *c != '\u{feff}')
            .count()
    }

    /// Comments that start before `offset`.
    fn comments_before(&mut self, offset: usize) -> Vec<Comment> {
        let mut out = Vec::new();
        while let Some(c) = self.comments.get(self.comment_pos) {
            if c.comment.span.start >= offset {
                break;
            }
            out.push(c.comment.clone());
            self.comment_pos += 1;
        }
        out
    }

    /// The comment after the last token read, on its line.
    fn trailing_comment(&mut self) -> Option<Comment> {
        let next = self.next_start();
        let c = self.comments.get(self.comment_pos)?;
        if c.own_line || c.comment.span.start > next {
            return None;
        }
        self.comment_pos += 1;
        Some(c.comment.clone())
    }

    /// True when the lexer already reported something in `start..=end`, so a
    /// parse error there is most likely its consequence.
    fn already_reported(&self, start: usize, end: usize) -> bool {
        let i = self.lexical_errors.partition_point(|&o| o < start);
        self.lexical_errors.get(i).is_some_and(|&o| o <= end)
    }

    fn report(&mut self, start: usize, error: SyntaxError) {
        let input = self.input();
        let found = self.tokens.get(error.pos);
        let found_end = found.map_or(self.source.len(), |t| t.span.end);
        if self.already_reported(start, found_end) {
            return;
        }
        if let Some(d) = error.diagnostic {
            self.diagnostics.push(*d);
            return;
        }
        let mut expected: Vec<&str> = Vec::new();
        for e in &error.expected {
            if !expected.contains(e) {
                expected.push(e);
            }
        }
        let diagnostic = self.expected_found(&input, error.pos, &expected);
        self.diagnostics.push(diagnostic);
    }

    fn expected_found(&self, input: &Tokens<'a>, pos: usize, expected: &[&str]) -> Diagnostic {
        let found = self.tokens.get(pos);
        let list = join_expected(expected);
        let mut diagnostic = Diagnostic::new(
            Code::UnexpectedToken,
            error_span(input, pos),
            format!("expected {list}, found {}", describe(input, found)),
        );
        if let Some(t) = found.filter(|t| t.kind == TokenKind::Ident) {
            let words: Vec<&str> = expected
                .iter()
                .flat_map(|e| e.split(", "))
                .flat_map(|e| e.split(" or "))
                .filter_map(|e| e.strip_prefix('`')?.strip_suffix('`'))
                .filter(|w| {
                    w.chars()
                        .all(|c| c.is_ascii_alphabetic() || c == '-' || c == ' ')
                })
                .collect();
            if let Some(word) = guess(self.text(t), &words) {
                diagnostic = diagnostic.with_help(format!("did you mean `{word}`?"));
            }
        }
        if let Some(t) = found {
            if matches!(t.kind, TokenKind::Str { .. }) && expected.contains(&"`,`") {
                diagnostic = diagnostic.with_help("separate the strings with `,`");
            }
        }
        diagnostic
    }

    /// Skips to where parsing can resume: a `}`, a line that starts with a
    /// keyword, or the end.
    fn recover(&mut self, from: usize) {
        self.pos = from.max(self.pos);
        while let Some(t) = self.peek() {
            if t.kind == TokenKind::RBrace
                || (t.line_start
                    && t.kind == TokenKind::Ident
                    && !CONTINUATION_WORDS.contains(&self.text(t)))
            {
                break;
            }
            self.pos += 1;
        }
    }

    /// Runs a nom parser at the current token.
    fn run<T>(
        &mut self,
        mut parser: impl nom::Parser<Tokens<'a>, Output = T, Error = SyntaxError>,
    ) -> Result<T, SyntaxError> {
        match parser.parse(self.input()) {
            Ok((rest, value)) => {
                self.pos = rest.pos;
                Ok(value)
            }
            Err(Err::Error(e) | Err::Failure(e)) => Err(e),
            Err(Err::Incomplete(_)) => Err(SyntaxError::expected(self.pos, "more input")),
        }
    }

    fn file(&mut self) -> File {
        let Some(first) = self.peek() else {
            let input = self.input();
            let d = self
                .expected_found(&input, self.pos, &["`rubric`"])
                .with_help(RUBRIC_HEADER_HELP);
            self.diagnostics.push(d);
            let end_comments = self.comments_before(usize::MAX);
            return File {
                rubric: None,
                end_comments,
            };
        };
        let leading = self.comments_before(first.span.start);
        let blank_before = first.blank_before;
        let start = first.span;
        let header = self.text(first) == "rubric"
            || (first.kind == TokenKind::Ident
                && closest(self.text(first), ["rubric"]).is_some()
                && {
                    let input = self.input();
                    let d = self.expected_found(&input, self.pos, &["`rubric`"]);
                    self.diagnostics.push(d);
                    true
                });
        let (title, body) = if header {
            self.pos += 1;
            match self.run(string) {
                Ok(title) => {
                    let body = self.block(Level::Rubric, "the rubric".into(), |p, kw, start| {
                        p.rubric_decl(kw, start)
                    });
                    (title, body)
                }
                Err(e) => {
                    self.report(start.start, e);
                    self.recover(self.pos);
                    let body = self.block(Level::Rubric, "the rubric".into(), |p, kw, start| {
                        p.rubric_decl(kw, start)
                    });
                    (empty_str(start.end), body)
                }
            }
        } else {
            let input = self.input();
            let mut d = self.expected_found(&input, self.pos, &["`rubric`"]);
            if d.help.is_none() {
                d = d.with_help(RUBRIC_HEADER_HELP);
            }
            self.diagnostics.push(d);
            // Read what follows as the rubric's declarations, without braces.
            let body = self.entries(Level::Rubric, None, String::new(), &mut |p, kw, start| {
                p.rubric_decl(kw, start)
            });
            (empty_str(start.start), body)
        };
        let span = start.to(body.close.unwrap_or(Span::at(
            self.tokens
                .get(self.pos.saturating_sub(1))
                .map_or(0, |t| t.span.end),
        )));
        let mut interior = std::mem::take(&mut self.interior);
        let mut leading = leading;
        leading.append(&mut interior);
        let trailing = if body.close.is_some() {
            self.trailing_comment()
        } else {
            None
        };
        if let Some(t) = self.peek() {
            let input = self.input();
            let d = if t.kind == TokenKind::Ident && self.text(t) == "rubric" {
                Diagnostic::new(
                    Code::UnexpectedToken,
                    t.span,
                    "expected the end of the file, found a second `rubric`",
                )
                .with_help("a file holds one rubric: put the second in a file of its own")
            } else if t.kind == TokenKind::RBrace {
                Diagnostic::new(
                    Code::UnexpectedToken,
                    t.span,
                    "expected the end of the file, found a `}` too many",
                )
                .with_related(body.close.unwrap_or(span), "this `}` closes the rubric")
                .with_help("remove the `}` too many")
            } else {
                Diagnostic::new(
                    Code::UnexpectedToken,
                    t.span,
                    format!("expected the end of the file after the rubric's closing `}}`, found {}", describe(&input, Some(t))),
                )
                .with_help("a `}` too many closes the rubric early; everything belongs inside `rubric \"…\" { … }`")
            };
            if !self.already_reported(t.span.start, self.source.len()) {
                self.diagnostics.push(d);
            }
            self.pos = self.tokens.len();
        }
        let end_comments = self.comments_before(usize::MAX);
        File {
            rubric: Some(Entry {
                leading,
                blank_before,
                node: Rubric { title, body, span },
                trailing,
            }),
            end_comments,
        }
    }

    /// Reads `{ … }` (or what stands for it) for a block described as `what`.
    fn block<T>(
        &mut self,
        level: Level,
        what: String,
        mut entry: impl FnMut(&mut Self, &'static str, Span) -> Option<T>,
    ) -> Block<T> {
        let open = match self.peek() {
            Some(t) if t.kind == TokenKind::LBrace => {
                self.pos += 1;
                Some(t.span)
            }
            _ => {
                let start = self
                    .tokens
                    .get(self.pos.saturating_sub(1))
                    .map_or(0, |t| t.span.start);
                let error = SyntaxError::expected(self.pos, "`{`");
                self.report(start, error);
                // Skip what is left of the header, then read the block as if
                // the `{` had been written, so its `}` does not close the outer block.
                self.recover(self.pos);
                if let Some(t) = self.peek() {
                    let inner =
                        t.kind == TokenKind::Ident && level.keywords().contains(&self.text(t));
                    if !inner {
                        return Block::default();
                    }
                }
                None
            }
        };
        self.entries(level, open, what, &mut entry)
    }

    fn entries<T>(
        &mut self,
        level: Level,
        open: Option<Span>,
        what: String,
        entry: &mut dyn FnMut(&mut Self, &'static str, Span) -> Option<T>,
    ) -> Block<T> {
        let header_start = self.header_start;
        let mut block = Block {
            open,
            ..Block::default()
        };
        if open.is_some() {
            block.open_comment = self.trailing_comment();
        }
        loop {
            let comment_mark = self.comment_pos;
            let leading = self.comments_before(self.next_start());
            let Some(token) = self.peek() else {
                if let Some(open) = open {
                    self.unclosed(open, &what, None);
                }
                block.closing_comments = leading;
                break;
            };
            let text = self.text(token);
            if token.kind == TokenKind::RBrace {
                if open.is_some()
                    && self.closes_too_many
                    && token.line_start
                    && self.indentation(token.span.start) > self.indentation(header_start)
                {
                    // Indented as if closing something inside this block,
                    // whose own `}` came just before: the `}` too many.
                    let d = Diagnostic::new(
                        Code::UnexpectedToken,
                        token.span,
                        format!("expected a declaration or the `}}` of {what}, found a `}}` too many"),
                    )
                    .with_label("nothing is left open here")
                    .with_help(format!(
                        "remove this `}}`: it is indented deeper than the line that opens {what}, whose block goes on below"
                    ));
                    self.diagnostics.push(d);
                    block.closing_comments.extend(leading);
                    self.pos += 1;
                    continue;
                }
                if let Some(open) = open
                    .filter(|_| level != Level::Rubric && token.line_start && !self.braces_balanced)
                {
                    // A `}` left of the line that opened this block closes an
                    // outer block: this one was never closed.
                    if self.indentation(token.span.start) < self.indentation(header_start) {
                        self.unclosed(open, &what, Some(token));
                        self.comment_pos = comment_mark;
                        break;
                    }
                }
                block.closing_comments = leading;
                block.close = Some(token.span);
                self.pos += 1;
                break;
            }
            let keyword = if token.kind == TokenKind::Ident {
                level.keywords().iter().copied().find(|k| *k == text)
            } else {
                None
            };
            // In a file whose braces do not pair up, a `section` not indented
            // deeper than this section's header starts the next section.
            let keyword = match keyword {
                Some("section")
                    if level == Level::Section
                        && token.line_start
                        && (open.is_none()
                            || (!self.braces_balanced
                                && self.indentation(token.span.start)
                                    <= self.indentation(header_start))) =>
                {
                    if let Some(open) = open {
                        self.unclosed(open, &what, Some(token));
                    }
                    self.comment_pos = comment_mark;
                    break;
                }
                other => other,
            };
            let keyword = match keyword {
                Some(k) => Some(k),
                // A declaration of an outer block, on its own line and not
                // indented deeper than this block's header: this block lacks its `}`.
                None if token.kind == TokenKind::Ident
                    && token.line_start
                    && level.closes(text)
                    && (open.is_none()
                        || (!self.braces_balanced
                            && self.indentation(token.span.start)
                                <= self.indentation(header_start))) =>
                {
                    if let Some(open) = open {
                        self.unclosed(open, &what, Some(token));
                    }
                    // The comments belong to what follows the block.
                    self.comment_pos = comment_mark;
                    break;
                }
                None if token.kind == TokenKind::Ident && self.misplaced(level, token) => None,
                None => {
                    let input = self.input();
                    let mut d = self.expected_found(&input, self.pos, &[level.expected()]);
                    d.span = token.span;
                    // The keywords of version 2 are not in the version 1
                    // list of the message, but a misspelling of one is still
                    // worth a hint (`bonsu`).
                    if d.help.is_none() && token.kind == TokenKind::Ident {
                        if let Some(word) = guess(text, level.keywords()) {
                            d = d.with_help(format!("did you mean `{word}`?"));
                        }
                    }
                    let guess = d.help.as_ref().and_then(|h| {
                        level
                            .keywords()
                            .iter()
                            .copied()
                            .find(|k| h == &format!("did you mean `{k}`?"))
                    });
                    if !self.already_reported(token.span.start, token.span.end) {
                        self.diagnostics.push(d);
                    }
                    guess
                }
            };
            let Some(keyword) = keyword else {
                self.skip_unknown_declaration();
                block.closing_comments.extend(leading);
                continue;
            };
            let start = token.span;
            let blank_before = token.blank_before;
            self.pos += 1;
            match entry(self, keyword, start) {
                Some(node) => {
                    let mut leading = leading;
                    leading.append(&mut self.interior);
                    let end = self
                        .tokens
                        .get(self.pos.saturating_sub(1))
                        .map_or(0, |t| t.span.end);
                    leading.extend(self.comments_before(end));
                    let trailing = self.trailing_comment();
                    block.entries.push(Entry {
                        leading,
                        blank_before,
                        node,
                        trailing,
                    });
                }
                None => {
                    self.interior.clear();
                    block.closing_comments.extend(leading);
                }
            }
        }
        block
    }

    /// Skips a declaration that could not be recognised: the rest of its
    /// line and, when it opens a block there, the whole block, so that its
    /// `}` does not close the enclosing block.
    fn skip_unknown_declaration(&mut self) {
        self.pos += 1;
        while let Some(t) = self.peek() {
            match t.kind {
                TokenKind::RBrace => return,
                TokenKind::LBrace => {
                    self.skip_group();
                    return;
                }
                _ if t.line_start => return,
                _ => self.pos += 1,
            }
        }
    }

    /// Skips from a `{` to its matching `}` (iteratively: nesting is the input's choice).
    fn skip_group(&mut self) {
        let mut depth = 0usize;
        while let Some(t) = self.peek() {
            self.pos += 1;
            match t.kind {
                TokenKind::LBrace => depth += 1,
                TokenKind::RBrace => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// Reports a keyword that belongs to another kind of block.
    fn misplaced(&mut self, level: Level, token: &Token) -> bool {
        let text = self.text(token);
        let message = match (level, text) {
            (Level::Item, "weight" | "optional") => format!(
                "`{text}` belongs in the item's header: `item ID \"title\" weight N optional {{`"
            ),
            (
                Level::Rubric | Level::Section,
                "owner" | "basis" | "check" | "external" | "clause",
            ) => {
                format!("`{text}` must stand inside an item")
            }
            (Level::Penalty, "external") => {
                "`external` is not allowed in a penalty: a penalty has no weight for another authority to score".to_owned()
            }
            (Level::Item, "item") => "items cannot be nested".to_owned(),
            (Level::Section | Level::Item | Level::Penalty, _)
                if RUBRIC_KEYWORDS.contains(&text) =>
            {
                format!("`{text}` must stand directly in the rubric")
            }
            _ => return false,
        };
        let d = Diagnostic::new(Code::MisplacedDeclaration, token.span, message);
        if !self.already_reported(token.span.start, token.span.end) {
            self.diagnostics.push(d);
        }
        true
    }

    fn unclosed(&mut self, open: Span, what: &str, found: Option<&Token>) {
        let input = self.input();
        let found_text = match found {
            Some(t) if t.kind == TokenKind::RBrace => "the `}` of the enclosing block".to_owned(),
            _ => describe(&input, found),
        };
        let mut d = Diagnostic::new(
            Code::UnclosedBlock,
            open,
            format!("expected `}}` to close {what}, found {found_text}"),
        )
        .with_label("this `{` is never closed")
        .with_help(format!("add `}}` at the end of {what}"));
        if let Some(t) = found {
            let note = if t.kind == TokenKind::RBrace {
                "this `}` lines up with an enclosing block"
            } else {
                "this starts the next declaration"
            };
            d = d.with_related(t.span, note);
        }
        self.diagnostics.push(d);
    }

    /// Runs `parser` for a one-line declaration that started at `start`;
    /// reports and recovers on error. Then checks what follows on the line.
    fn line<T>(
        &mut self,
        start: Span,
        parser: impl Fn(Tokens<'a>) -> PResult<'a, T>,
        next: fn(&T) -> &'static [&'static str],
        level: Level,
    ) -> Option<T> {
        match self.run(parser) {
            Ok(node) => {
                if let Some(t) = self.peek() {
                    let starts_entry =
                        t.kind == TokenKind::Ident && level.keywords().contains(&self.text(t));
                    if !t.line_start && !starts_entry && t.kind != TokenKind::RBrace {
                        let mut expected: Vec<&str> = next(&node).to_vec();
                        expected.push("a new line");
                        let diagnostic = self.misordered_clause_word(t, &expected).map(|help| {
                            let input = self.input();
                            Box::new(
                                self.expected_found(&input, self.pos, &expected)
                                    .with_help(help),
                            )
                        });
                        let error = SyntaxError {
                            pos: self.pos,
                            expected,
                            diagnostic,
                        };
                        self.report(start.start, error);
                        self.recover(self.pos);
                        return None;
                    }
                }
                Some(node)
            }
            Err(error) => {
                self.report(start.start, error);
                self.recover(self.pos + 1);
                None
            }
        }
    }

    /// How to fix a deduction word that the clause's shape does not take
    /// where it stands: `deduct all capped at 1`, `capped at 1 per occurrence`.
    fn misordered_clause_word(&self, found: &Token, expected: &[&str]) -> Option<&'static str> {
        if found.kind != TokenKind::Ident {
            return None;
        }
        let word = self.text(found);
        if expected.iter().any(|e| e.trim_matches('`') == word) {
            return None;
        }
        match word {
            "capped" => Some(
                "only `deduct A` and `deduct A per UNIT` take `capped at`; `deduct all`, `deduct up to` and thresholds are bounded already",
            ),
            // Still open to `capped`: the clause already counts a unit.
            "per" if expected.contains(&"`capped`") => {
                Some("a clause counts one unit: keep one `per UNIT`")
            }
            "per" => Some("`per UNIT` comes right after the amount: `deduct 0.1 per occurrence capped at 1`"),
            "when" => Some("`when below`/`when above` comes right after the amount: `deduct 0.5 when below 50%`"),
            _ => None,
        }
    }

    fn rubric_decl(&mut self, keyword: &'static str, start: Span) -> Option<Decl> {
        match keyword {
            "section" => self.section(start).map(Decl::Section),
            "item" => self.item(start).map(Decl::Item),
            "penalty" => self.penalty(start, "penalty").map(Decl::Penalty),
            "bonus" => self.penalty(start, "bonus").map(Decl::Bonus),
            _ => self.line(
                start,
                simple_decl(keyword, start),
                decl_continuations,
                Level::Rubric,
            ),
        }
    }

    /// A block declaration's header, up to its `{`. On error, reads the block
    /// anyway (to report what is wrong inside) and returns `None`.
    fn header<H>(
        &mut self,
        start: Span,
        level: Level,
        what: &str,
        parser: impl nom::Parser<Tokens<'a>, Output = H, Error = SyntaxError>,
        expected_after: &'static [&'static str],
    ) -> Result<H, ()> {
        match self.run(parser) {
            Ok(header) => {
                if self
                    .peek()
                    .is_some_and(|t| t.kind != TokenKind::LBrace && !t.line_start)
                {
                    let error = SyntaxError {
                        pos: self.pos,
                        expected: expected_after.to_vec(),
                        diagnostic: None,
                    };
                    self.report(start.start, error);
                    self.skip_header_and_body(level, what);
                    return Err(());
                }
                Ok(header)
            }
            Err(error) => {
                self.report(start.start, error);
                self.skip_header_and_body(level, what);
                Err(())
            }
        }
    }

    fn skip_header_and_body(&mut self, level: Level, what: &str) {
        while let Some(t) = self.peek() {
            if t.kind == TokenKind::LBrace
                || t.kind == TokenKind::RBrace
                || (t.line_start && t.kind == TokenKind::Ident && is_keyword(self.text(t)))
            {
                break;
            }
            self.pos += 1;
        }
        let Some(t) = self.peek() else { return };
        let inner = t.kind == TokenKind::Ident && level.keywords().contains(&self.text(t));
        if t.kind == TokenKind::LBrace || inner {
            let open = (t.kind == TokenKind::LBrace).then_some(t.span);
            if open.is_some() {
                self.pos += 1;
            }
            self.interior.clear();
            match level {
                Level::Item => {
                    self.entries(level, open, what.to_owned(), &mut |p, kw, start| {
                        p.item_entry(kw, start)
                    });
                }
                Level::Penalty => {
                    self.entries(level, open, what.to_owned(), &mut |p, kw, start| {
                        p.penalty_entry(kw, start)
                    });
                }
                _ => {
                    self.entries(level, open, what.to_owned(), &mut |p, kw, start| {
                        p.section_item(kw, start)
                    });
                }
            }
        }
    }

    fn section(&mut self, start: Span) -> Option<Section> {
        if self.depth >= MAX_SECTION_DEPTH {
            self.too_deep(start);
            return None;
        }
        self.depth += 1;
        let section = self.section_at_depth(start);
        self.depth -= 1;
        section
    }

    /// Reports a section nested deeper than [`MAX_SECTION_DEPTH`] and skips
    /// it, block and all, without reading inside (so nesting never recurses
    /// further).
    fn too_deep(&mut self, start: Span) {
        self.diagnostics.push(
            Diagnostic::new(
                Code::SectionsTooDeep,
                start,
                format!("sections are nested more than {MAX_SECTION_DEPTH} deep"),
            )
            .with_help(format!(
                "nest sections at most {MAX_SECTION_DEPTH} deep: move this one up a level"
            )),
        );
        while let Some(t) = self.peek() {
            if t.kind == TokenKind::LBrace {
                self.skip_group();
                return;
            }
            if t.kind == TokenKind::RBrace || (t.line_start && self.pos > 0 && t.span != start) {
                return;
            }
            self.pos += 1;
        }
    }

    fn section_at_depth(&mut self, start: Span) -> Option<Section> {
        self.header_start = start.start;
        let (id, title, weight) = self
            .header(
                start,
                Level::Section,
                "the section",
                (
                    name("a section id"),
                    string,
                    opt(preceded(kw("weight", "`weight`"), cut(number))),
                ),
                &["`{`"],
            )
            .ok()?;
        self.interior = self.comments_before(self.next_start());
        let interior = std::mem::take(&mut self.interior);
        let body = self.block(
            Level::Section,
            format!("section `{}`", id.text),
            |p, kw, start| p.section_item(kw, start),
        );
        self.interior = interior;
        let span = start.to(Span::at(
            self.tokens
                .get(self.pos.saturating_sub(1))
                .map_or(0, |t| t.span.end),
        ));
        Some(Section {
            id,
            title,
            weight,
            body,
            span,
        })
    }

    fn section_item(&mut self, keyword: &'static str, start: Span) -> Option<SectionEntry> {
        if keyword == "section" {
            return self.section(start).map(SectionEntry::Section);
        }
        self.item(start).map(SectionEntry::Item)
    }

    /// In a file that uses nothing of language version 2, sections do not
    /// nest (version 1): report each section that stands in another.
    fn refuse_nested_sections(&mut self, file: &File) {
        let Some(rubric) = &file.rubric else { return };
        for entry in &rubric.node.body.entries {
            let Decl::Section(section) = &entry.node else {
                continue;
            };
            for inner in &section.body.entries {
                if let SectionEntry::Section(nested) = &inner.node {
                    let keyword = Span::new(
                        nested.span.start,
                        nested.span.start.saturating_add("section".len()),
                    );
                    if !self.already_reported(keyword.start, keyword.end) {
                        self.diagnostics.push(Diagnostic::new(
                            Code::MisplacedDeclaration,
                            keyword,
                            "sections cannot be nested",
                        ));
                    }
                }
            }
        }
    }

    fn item(&mut self, start: Span) -> Option<Item> {
        let attr = alt((
            map(preceded(kw("weight", "`weight`"), number), ItemAttr::Weight),
            map(kw("optional", "`optional`"), ItemAttr::Optional),
        ));
        let header = (name("an item id"), string, nom::multi::many0(attr));
        self.header_start = start.start;
        let (id, title, attrs) = self
            .header(
                start,
                Level::Item,
                "the item",
                header,
                &["`weight`", "`optional`", "`{`"],
            )
            .ok()?;
        if !self.points && !attrs.iter().any(|a| matches!(a, ItemAttr::Weight(_))) {
            let error = SyntaxError::expected(self.pos, "`weight`");
            self.report(start.start, error);
        }
        let interior = self.comments_before(self.next_start());
        let body = self.block(
            Level::Item,
            format!("item `{}`", id.text),
            |p, kw, start| p.item_entry(kw, start),
        );
        self.interior = interior;
        let span = start.to(Span::at(
            self.tokens
                .get(self.pos.saturating_sub(1))
                .map_or(0, |t| t.span.end),
        ));
        Some(Item {
            id,
            title,
            attrs,
            body,
            span,
        })
    }

    fn item_entry(&mut self, keyword: &'static str, start: Span) -> Option<ItemEntry> {
        self.line(
            start,
            item_entry(keyword, start),
            entry_continuations,
            Level::Item,
        )
    }

    fn penalty(&mut self, start: Span, kind: &str) -> Option<Penalty> {
        let header = (
            name("a penalty id"),
            string,
            opt(preceded(
                (kw("capped", "`capped`"), cut(kw("at", "`at`"))),
                cut(number),
            )),
        );
        self.header_start = start.start;
        let (id, title, cap) = self
            .header(
                start,
                Level::Penalty,
                if kind == "bonus" {
                    "the bonus"
                } else {
                    "the penalty"
                },
                header,
                &["`capped`", "`{`"],
            )
            .ok()?;
        let interior = self.comments_before(self.next_start());
        let body = self.block(
            Level::Penalty,
            format!("{kind} `{}`", id.text),
            |p, kw, start| p.penalty_entry(kw, start),
        );
        self.interior = interior;
        let span = start.to(Span::at(
            self.tokens
                .get(self.pos.saturating_sub(1))
                .map_or(0, |t| t.span.end),
        ));
        Some(Penalty {
            id,
            title,
            cap,
            body,
            span,
        })
    }

    fn penalty_entry(&mut self, keyword: &'static str, start: Span) -> Option<PenaltyEntry> {
        self.line(
            start,
            penalty_entry(keyword, start),
            penalty_entry_continuations,
            Level::Penalty,
        )
    }
}

/// The keyword an author most likely meant: a close edit, or the same
/// letters in another order (`itme`, `pre`).
fn guess<'k>(written: &str, keywords: &[&'k str]) -> Option<&'k str> {
    if let Some(k) = closest(written, keywords.iter().copied()) {
        return Some(k);
    }
    let mut letters: Vec<char> = written.to_lowercase().chars().collect();
    letters.sort_unstable();
    keywords.iter().copied().find(|k| {
        let mut other: Vec<char> = k.chars().collect();
        other.sort_unstable();
        other == letters
    })
}

fn empty_str(at: usize) -> Str {
    Str {
        value: String::new(),
        span: Span::at(at),
    }
}

fn join_expected(expected: &[&str]) -> String {
    match expected {
        [] => "something else".into(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// What may follow a complete clause on its line.
fn clause_continuations(clause: &Clause) -> &'static [&'static str] {
    if !clause.owners.is_empty() {
        return &["`,`"];
    }
    match &clause.deduction {
        Deduction::Once { cap: None, .. } => &["`per`", "`when`", "`capped`", "`owner`"],
        Deduction::Per { cap: None, .. } => &["`capped`", "`owner`"],
        Deduction::Levels {
            unit: None,
            cap: None,
            ..
        } => &["`per`", "`capped`", "`owner`"],
        Deduction::Levels { cap: None, .. }
        | Deduction::Rate { cap: None, .. }
        | Deduction::Range { cap: None, .. } => &["`capped`", "`owner`"],
        _ => &["`owner`"],
    }
}

fn entry_continuations(entry: &ItemEntry) -> &'static [&'static str] {
    match entry {
        ItemEntry::Clause(c) => clause_continuations(c),
        ItemEntry::Check(Check { by, .. }) | ItemEntry::External(External { by, .. })
            if by.is_empty() =>
        {
            &["`by`"]
        }
        _ => &["`,`"],
    }
}

fn penalty_entry_continuations(entry: &PenaltyEntry) -> &'static [&'static str] {
    match entry {
        PenaltyEntry::Clause(c) => clause_continuations(c),
        PenaltyEntry::Check(Check { by, .. }) if by.is_empty() => &["`by`"],
        _ => &["`,`"],
    }
}

fn decl_continuations(decl: &Decl) -> &'static [&'static str] {
    match decl {
        Decl::Grade(Grade {
            at_least: None,
            at_most: None,
            ..
        }) => &["`at least`"],
        Decl::Veto(Veto { when: None, .. }) => &["`when`"],
        Decl::Veto(_) | Decl::Flag(_) | Decl::Exclusive(_) | Decl::Levels(..) => &["`,`"],
        Decl::Fact(Fact { default: None, .. }) => &["`default`"],
        _ => &[],
    }
}

/// True when the file uses any form of language version 2.
pub fn uses_v2(file: &File) -> bool {
    let Some(rubric) = &file.rubric else {
        return false;
    };
    let clause_v2 = |c: &Clause| {
        c.verb != Verb::Deduct
            || c.extra.is_some()
            || !c.tags.is_empty()
            || matches!(
                c.deduction,
                Deduction::Levels { .. }
                    | Deduction::Rate { .. }
                    | Deduction::Tiers { .. }
                    | Deduction::Range { .. }
                    | Deduction::Exhausted { .. }
            )
    };
    let item_v2 = |item: &Item| {
        !item.attrs.iter().any(|a| matches!(a, ItemAttr::Weight(_)))
            || item.body.entries.iter().any(|e| match &e.node {
                ItemEntry::Clause(c) => clause_v2(c),
                _ => false,
            })
    };
    // Sections nest at most MAX_SECTION_DEPTH deep: walk them with a stack.
    let mut sections: Vec<&Section> = Vec::new();
    for entry in &rubric.node.body.entries {
        let v2 = match &entry.node {
            Decl::Scoring(..)
            | Decl::Scale(..)
            | Decl::Ceiling(..)
            | Decl::Levels(..)
            | Decl::Fact(_)
            | Decl::Bonus(_)
            | Decl::Flag(_)
            | Decl::Exclusive(_) => true,
            Decl::Grade(g) => g.at_most.is_some(),
            Decl::Veto(v) => {
                v.at_most.is_none()
                    || v.score_zero.is_some()
                    || v.when.as_ref().is_some_and(|c| {
                        c.all.is_some() || c.parts.iter().any(|p| !matches!(p, CondPart::Clause(_)))
                    })
            }
            Decl::Item(item) => item_v2(item),
            Decl::Penalty(p) => p.body.entries.iter().any(|e| match &e.node {
                PenaltyEntry::Clause(c) => clause_v2(c),
                _ => false,
            }),
            Decl::Section(s) => {
                sections.push(s);
                false
            }
            Decl::Version(..)
            | Decl::Total(..)
            | Decl::NotApplicable(..)
            | Decl::Rounding(..)
            | Decl::Unit(_) => false,
        };
        if v2 {
            return true;
        }
    }
    while let Some(section) = sections.pop() {
        if section.weight.is_some() {
            return true;
        }
        for entry in &section.body.entries {
            match &entry.node {
                SectionEntry::Item(item) if item_v2(item) => return true,
                SectionEntry::Item(_) => {}
                SectionEntry::Section(inner) => sections.push(inner),
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::span::LineIndex;
    use crate::syntax::ast::{Decl, ItemEntry, PenaltyEntry};
    use crate::syntax::parse;

    /// Parses `input` and compares its diagnostics, one per line as
    /// `LINE:COLUMN: CODE: MESSAGE`, with `expected`.
    fn check(input: &str, expected: &str) {
        let parsed = parse(input);
        let index = LineIndex::new(input);
        let rendered: Vec<String> = parsed
            .diagnostics
            .iter()
            .map(|d| {
                let p = index.position(d.span.start);
                format!("{}:{}: {}: {}", p.line, p.column, d.code, d.message)
            })
            .collect();
        assert_eq!(
            rendered.join("\n"),
            expected.trim(),
            "\nfor input:\n{input}"
        );
    }

    #[test]
    fn accepts_every_form() {
        check(
            "rubric \"t\" {\n version \"1\" total 2 not-applicable full-marks rounding 0\n unit u \"x\"\n grade a \"A\" at least 1\n grade b \"B\"\n section s \"S\" { item 1 \"i\" weight 1 optional { owner \"o\", \"p\" basis \"b\" check \"c\" by \"o\" external e \"e\" weight 0.5 by \"x\" clause a \"a\" deduct 1 per u capped at item weight owner \"q\" } }\n item 2 \"j\" weight 1 { clause a \"a\" deduct 1 when above 3 }\n penalty p \"P\" capped at 1 { clause a \"a\" deduct 0.5 }\n veto v \"v\" at most b when 1/a, 2/a\n}",
            "",
        );
    }

    #[test]
    fn reports_independent_mistakes_in_one_run() {
        check(
            "rubric \"t\" {\n  item 1 \"i\" weight 1 {\n    clause a \"a\" dedcut 1\n    clause b \"b\" deduct 1 pre occurrence\n    ownr \"x\"\n  }\n  grade a \"A\" at lest 1\n}",
            "
3:18: E0101: expected `deduct`, found `dedcut`
4:27: E0101: expected `per`, `when`, `capped`, `owner` or a new line, found `pre`
5:5: E0101: expected `owner`, `basis`, `check`, `external`, `clause` or `}`, found `ownr`
7:18: E0101: expected `least`, found `lest`",
        );
    }

    #[test]
    fn an_owner_on_the_next_line_belongs_to_the_item() {
        let parsed = parse("rubric \"t\" {\n item 1 \"i\" weight 1 {\n  clause a \"a\" deduct all\n  owner \"x\"\n  clause b \"b\" deduct 1 owner \"y\"\n }\n}");
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let rubric = parsed.file.rubric.map(|r| r.node);
        let Some(Decl::Item(item)) = rubric
            .as_ref()
            .and_then(|r| r.body.entries.first())
            .map(|e| &e.node)
        else {
            panic!("no item");
        };
        let kinds: Vec<String> = item
            .body
            .entries
            .iter()
            .map(|e| match &e.node {
                ItemEntry::Owner(list, _) => format!("owner {}", list.len()),
                ItemEntry::Clause(c) => format!("clause {} owners {}", c.id.text, c.owners.len()),
                _ => "other".into(),
            })
            .collect();
        assert_eq!(kinds, ["clause a owners 0", "owner 1", "clause b owners 1"]);
    }

    #[test]
    fn a_penalty_takes_owners_basis_and_checks() {
        let parsed = parse("rubric \"t\" {\n penalty 39 \"p\" capped at 10 {\n  owner \"x\", \"y\"\n  clause a \"a\" deduct all\n  owner \"z\"\n  clause b \"b\" deduct 1 owner \"w\"\n  basis \"b\"\n  check \"c\" by \"x\"\n  check \"d\"\n }\n}");
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let rubric = parsed.file.rubric.map(|r| r.node);
        let Some(Decl::Penalty(penalty)) = rubric
            .as_ref()
            .and_then(|r| r.body.entries.first())
            .map(|e| &e.node)
        else {
            panic!("no penalty");
        };
        let kinds: Vec<String> = penalty
            .body
            .entries
            .iter()
            .map(|e| match &e.node {
                PenaltyEntry::Owner(list, _) => format!("owner {}", list.len()),
                PenaltyEntry::Basis(list, _) => format!("basis {}", list.len()),
                PenaltyEntry::Check(c) => format!("check {} by {}", c.text.value, c.by.len()),
                PenaltyEntry::Clause(c) => {
                    format!("clause {} owners {}", c.id.text, c.owners.len())
                }
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "owner 2",
                "clause a owners 0",
                "owner 1",
                "clause b owners 1",
                "basis 1",
                "check c by 1",
                "check d by 0"
            ]
        );
    }

    #[test]
    fn a_brace_too_many_is_found_by_its_indentation() {
        check(
            "rubric \"t\" {\n  section s \"S\" {\n    item 1 \"i\" weight 1 {\n      clause a \"a\" deduct 1\n    }\n    }\n    item 2 \"j\" weight 1 {\n      clause a \"a\" deduct 1\n    }\n  }\n}\n",
            "
6:5: E0101: expected a declaration or the `}` of section `s`, found a `}` too many",
        );
        // Braces that pair up are read as written, whatever the layout.
        check(
            "rubric \"t\" {\n  section s \"S\" {\n    item 1 \"i\" weight 1 {\n      clause a \"a\" deduct 1\n    }\n      }\n}\n",
            "",
        );
    }

    #[test]
    fn deduction_words_out_of_place_say_where_they_go() {
        let parsed = parse(
            "rubric \"t\" {\n  item 1 \"i\" weight 1 {\n    clause a \"a\" deduct all capped at 1\n    clause b \"b\" deduct 1 capped at 1 per occurrence\n    clause c \"c\" deduct up to 1 when below 5\n    clause d \"d\" deduct 1 per a per b\n  }\n}",
        );
        let helps: Vec<&str> = parsed
            .diagnostics
            .iter()
            .filter_map(|d| d.help.as_deref())
            .collect();
        assert_eq!(
            helps,
            [
                "only `deduct A` and `deduct A per UNIT` take `capped at`; `deduct all`, `deduct up to` and thresholds are bounded already",
                "`per UNIT` comes right after the amount: `deduct 0.1 per occurrence capped at 1`",
                "`when below`/`when above` comes right after the amount: `deduct 0.5 when below 50%`",
                "a clause counts one unit: keep one `per UNIT`",
            ]
        );
    }

    #[test]
    fn trailing_commas_and_second_rubrics() {
        check(
            "rubric \"t\" {\n  item 1 \"i\" weight 1 {\n    owner \"甲\",\n    clause a \"a\" deduct 1\n  }\n  veto v \"v\" at most g when 1/a,\n}\nrubric \"u\" {\n}\n",
            "
3:15: E0101: expected a string, found `clause`
6:33: E0101: expected an item id, found `}`
8:1: E0101: expected the end of the file, found a second `rubric`",
        );
    }

    #[test]
    fn unclosed_blocks_point_at_their_brace() {
        check(
            "rubric \"t\" {\n  item 1 \"i\" weight 1 {\n    clause a \"a\" deduct 1\n  item 2 \"j\" weight 1 {\n    clause a \"a\" deduct 1\n  }\n",
            "
1:12: E0106: expected `}` to close the rubric, found the end of the file
2:23: E0106: expected `}` to close item `1`, found `item`",
        );
    }

    #[test]
    fn misplaced_declarations() {
        check(
            "rubric \"t\" {\n  clause a \"a\" deduct 1\n  section s \"S\" {\n    section t \"T\" {\n    }\n  }\n  penalty p \"P\" { external x \"x\" weight 1 clause a \"a\" deduct 1 }\n}",
            "
2:3: E0107: `clause` must stand inside an item
4:5: E0107: sections cannot be nested
7:19: E0107: `external` is not allowed in a penalty: a penalty has no weight for another authority to score",
        );
    }

    #[test]
    fn missing_header() {
        check(
            "item 1 \"i\" weight 1 { clause a \"a\" deduct 1 }",
            "1:1: E0101: expected `rubric`, found `item`",
        );
        check(
            "",
            "1:1: E0101: expected `rubric`, found the end of the file",
        );
        check(
            "# only a comment\n",
            "1:1: E0101: expected `rubric`, found the end of the file",
        );
    }

    #[test]
    fn deep_braces_do_not_recurse() {
        let input = format!("rubric \"t\" {{ x {} }}", "{".repeat(200_000));
        let parsed = parse(&input);
        assert!(!parsed.diagnostics.is_empty());
    }
}
