//! The canonical layout of a rubric source.
//!
//! One declaration per line, two spaces per level, a blank line around each
//! section, item and penalty, the author's single blank lines kept elsewhere,
//! numbers exactly as written, strings re-escaped minimally, and every comment
//! where it was: before its declaration, after it on the same line, or before
//! a closing `}`. A comment written inside a declaration that the formatter
//! puts on one line moves to the line before it.
//!
//! [`format`] ends with a soundness check: the output is parsed again and
//! must give the same rubric, ignoring spans, and keep every comment.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::lower;
use crate::span::Span;
use crate::syntax::ast::*;
use crate::syntax::parse;
use std::fmt::Write;

const INDENT: &str = "  ";

/// Formats a rubric source. Fails with the syntax errors when the source has
/// any (a file that cannot be read cannot be laid out), or with an internal
/// error when the formatted text would not mean the same rubric.
pub fn format(source: &str) -> Result<String, Diagnostics> {
    let parsed = parse(source);
    if parsed.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Diagnostics(parsed.diagnostics));
    }
    let output = print(&parsed.file);
    soundness_check(source, &parsed.file, &output)?;
    Ok(output)
}

/// Prints a syntax tree in canonical layout.
pub fn print(file: &File) -> String {
    let mut p = Printer::default();
    if let Some(entry) = &file.rubric {
        p.comments(&entry.leading, 0, true);
        let rubric = &entry.node;
        let mut header = String::from("rubric");
        if rubric.body.open.is_some() || !rubric.title.value.is_empty() {
            header.push(' ');
            push_str_literal(&mut header, &rubric.title.value);
        }
        p.block_header(&header, &rubric.body.open_comment);
        for (i, e) in rubric.body.entries.iter().enumerate() {
            let previous_is_block = i > 0
                && rubric
                    .body
                    .entries
                    .get(i - 1)
                    .is_some_and(|e| e.node.is_block());
            p.entry_start(e, i == 0, previous_is_block || e.node.is_block(), 1);
            p.decl(&e.node, 1, &e.trailing);
        }
        p.block_end(&rubric.body.closing_comments, 0, &entry.trailing);
    }
    if !file.end_comments.is_empty() {
        p.comments(&file.end_comments, 0, p.out.is_empty());
    }
    p.out
}

#[derive(Default)]
struct Printer {
    out: String,
}

impl Printer {
    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str(INDENT);
        }
    }

    fn blank_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") && !self.out.ends_with("{\n") {
            self.out.push('\n');
        }
    }

    fn comments(&mut self, comments: &[Comment], level: usize, first_in_block: bool) {
        for (i, c) in comments.iter().enumerate() {
            if c.blank_before && !(first_in_block && i == 0) {
                self.blank_line();
            }
            self.indent(level);
            self.out.push_str(&c.text);
            self.out.push('\n');
        }
    }

    /// Blank lines and leading comments before an entry.
    fn entry_start<T>(&mut self, entry: &Entry<T>, first: bool, around_block: bool, level: usize) {
        if around_block && !first {
            self.blank_line();
        }
        self.comments(&entry.leading, level, first);
        if entry.blank_before && !(first && entry.leading.is_empty()) {
            self.blank_line();
        }
        self.indent(level);
    }

    fn end_line(&mut self, trailing: &Option<Comment>) {
        if let Some(c) = trailing {
            self.out.push_str("  ");
            self.out.push_str(&c.text);
        }
        self.out.push('\n');
    }

    /// The line `HEADER {`; the caller has indented it.
    fn block_header(&mut self, header: &str, open_comment: &Option<Comment>) {
        self.out.push_str(header);
        self.out.push_str(" {");
        self.end_line(open_comment);
    }

    fn block_end(&mut self, closing: &[Comment], level: usize, trailing: &Option<Comment>) {
        if !closing.is_empty() {
            if closing.first().is_some_and(|c| c.blank_before) {
                self.blank_line();
            }
            let (first, rest) = closing.split_at(1);
            for c in first {
                self.indent(level + 1);
                self.out.push_str(&c.text);
                self.out.push('\n');
            }
            self.comments(rest, level + 1, false);
        }
        self.indent(level);
        self.out.push('}');
        self.end_line(trailing);
    }

    fn decl(&mut self, decl: &Decl, level: usize, trailing: &Option<Comment>) {
        let mut line = String::new();
        match decl {
            Decl::Version(s, _) => {
                line.push_str("version ");
                push_str_literal(&mut line, &s.value);
            }
            Decl::Total(n, _) => {
                line.push_str("total ");
                push_number(&mut line, n);
            }
            Decl::NotApplicable(policy, _, _) => {
                line.push_str("not-applicable ");
                line.push_str(policy.as_str());
            }
            Decl::Rounding(n, _) => {
                line.push_str("rounding ");
                push_number(&mut line, n);
            }
            Decl::Unit(u) => {
                let _ = write!(line, "unit {} ", u.id.text);
                push_str_literal(&mut line, &u.label.value);
            }
            Decl::Grade(g) => {
                let _ = write!(line, "grade {} ", g.id.text);
                push_str_literal(&mut line, &g.label.value);
                if let Some(n) = &g.at_least {
                    line.push_str(" at least ");
                    push_number(&mut line, n);
                }
                if let Some(n) = &g.at_most {
                    line.push_str(" at most ");
                    push_number(&mut line, n);
                }
            }
            Decl::Veto(v) => {
                let _ = write!(line, "veto {} ", v.id.text);
                push_str_literal(&mut line, &v.text.value);
                match (&v.at_most, v.score_zero) {
                    (Some(g), Some(_)) if v.score_first => {
                        let _ = write!(line, " score 0, at most {}", g.text);
                    }
                    (Some(g), Some(_)) => {
                        let _ = write!(line, " at most {}, score 0", g.text);
                    }
                    (Some(g), None) => {
                        let _ = write!(line, " at most {}", g.text);
                    }
                    (None, _) => line.push_str(" score 0"),
                }
                if let Some(c) = &v.when {
                    push_condition(&mut line, c);
                }
            }
            Decl::Scoring(scoring, _, _) => {
                line.push_str("scoring ");
                line.push_str(scoring.as_str());
            }
            Decl::Scale(n, _) => {
                line.push_str("scale ");
                push_number(&mut line, n);
            }
            Decl::Ceiling(n, _) => {
                line.push_str("ceiling ");
                push_number(&mut line, n);
            }
            Decl::Levels(list, _) => {
                line.push_str("levels ");
                push_strings(&mut line, list);
            }
            Decl::Fact(f) => {
                let _ = write!(line, "fact {} ", f.id.text);
                push_str_literal(&mut line, &f.text.value);
                if let Some(n) = &f.default {
                    line.push_str(" default ");
                    push_number(&mut line, n);
                }
            }
            Decl::Flag(f) => {
                let _ = write!(line, "flag {} ", f.id.text);
                push_str_literal(&mut line, &f.text.value);
                push_condition(&mut line, &f.when);
            }
            Decl::Exclusive(e) => {
                line.push_str("exclusive ");
                push_str_literal(&mut line, &e.text.value);
                for (i, r) in e.clauses.iter().enumerate() {
                    line.push_str(if i == 0 { " " } else { ", " });
                    let _ = write!(line, "{}/{}", r.item.text, r.clause.text);
                }
            }
            Decl::Section(s) => {
                self.section(s, level, trailing);
                return;
            }
            Decl::Bonus(p) => {
                self.penalty("bonus", p, level, trailing);
                return;
            }
            Decl::Item(item) => {
                self.item(item, level, trailing);
                return;
            }
            Decl::Penalty(p) => {
                self.penalty("penalty", p, level, trailing);
                return;
            }
        }
        self.out.push_str(&line);
        self.end_line(trailing);
    }

    /// A section; nested sections are at most `MAX_SECTION_DEPTH` deep (the
    /// parser guarantees it), so this recursion is bounded.
    fn section(&mut self, s: &Section, level: usize, trailing: &Option<Comment>) {
        let mut header = format!("section {} ", s.id.text);
        push_str_literal(&mut header, &s.title.value);
        if let Some(w) = &s.weight {
            header.push_str(" weight ");
            push_number(&mut header, w);
        }
        self.block_header(&header, &s.body.open_comment);
        for (i, e) in s.body.entries.iter().enumerate() {
            self.entry_start(e, i == 0, true, level + 1);
            match &e.node {
                SectionEntry::Item(item) => self.item(item, level + 1, &e.trailing),
                SectionEntry::Section(inner) => self.section(inner, level + 1, &e.trailing),
            }
        }
        self.block_end(&s.body.closing_comments, level, trailing);
    }

    fn penalty(&mut self, keyword: &str, p: &Penalty, level: usize, trailing: &Option<Comment>) {
        {
            {
                let mut header = format!("{keyword} {} ", p.id.text);
                push_str_literal(&mut header, &p.title.value);
                if let Some(n) = &p.cap {
                    header.push_str(" capped at ");
                    push_number(&mut header, n);
                }
                self.block_header(&header, &p.body.open_comment);
                for (i, e) in p.body.entries.iter().enumerate() {
                    self.entry_start(e, i == 0, false, level + 1);
                    let mut line = String::new();
                    match &e.node {
                        PenaltyEntry::Owner(list, _) => push_owner(&mut line, list),
                        PenaltyEntry::Basis(list, _) => push_basis(&mut line, list),
                        PenaltyEntry::Check(c) => push_check(&mut line, c),
                        PenaltyEntry::Clause(c) => push_clause(&mut line, c),
                    }
                    self.out.push_str(&line);
                    self.end_line(&e.trailing);
                }
                self.block_end(&p.body.closing_comments, level, trailing);
            }
        }
    }

    fn item(&mut self, item: &Item, level: usize, trailing: &Option<Comment>) {
        let mut header = format!("item {} ", item.id.text);
        push_str_literal(&mut header, &item.title.value);
        for attr in &item.attrs {
            match attr {
                ItemAttr::Weight(n) => {
                    header.push_str(" weight ");
                    push_number(&mut header, n);
                }
                ItemAttr::Optional(_) => header.push_str(" optional"),
            }
        }
        self.block_header(&header, &item.body.open_comment);
        for (i, e) in item.body.entries.iter().enumerate() {
            self.entry_start(e, i == 0, false, level + 1);
            let mut line = String::new();
            match &e.node {
                ItemEntry::Owner(list, _) => push_owner(&mut line, list),
                ItemEntry::Basis(list, _) => push_basis(&mut line, list),
                ItemEntry::Check(c) => push_check(&mut line, c),
                ItemEntry::External(x) => {
                    let _ = write!(line, "external {} ", x.id.text);
                    push_str_literal(&mut line, &x.title.value);
                    line.push_str(" weight ");
                    push_number(&mut line, &x.weight);
                    push_by(&mut line, &x.by);
                }
                ItemEntry::Clause(c) => push_clause(&mut line, c),
            }
            self.out.push_str(&line);
            self.end_line(&e.trailing);
        }
        self.block_end(&item.body.closing_comments, level, trailing);
    }
}

fn push_owner(out: &mut String, list: &[Str]) {
    out.push_str("owner ");
    push_strings(out, list);
}

fn push_basis(out: &mut String, list: &[Str]) {
    out.push_str("basis ");
    push_strings(out, list);
}

fn push_check(out: &mut String, check: &Check) {
    out.push_str("check ");
    push_str_literal(out, &check.text.value);
    push_by(out, &check.by);
}

fn push_by(out: &mut String, by: &[Str]) {
    if !by.is_empty() {
        out.push_str(" by ");
        push_strings(out, by);
    }
}

fn push_condition(out: &mut String, c: &Condition) {
    out.push_str(" when ");
    if c.all.is_some() {
        out.push_str("all ");
    }
    for (i, part) in c.parts.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_part(out, part);
    }
}

/// A condition part in canonical form (also the text of `when` in the JSON export).
pub fn push_part(out: &mut String, part: &CondPart) {
    match part {
        CondPart::Clause(r) => {
            let _ = write!(out, "{}/{}", r.item.text, r.clause.text);
        }
        CondPart::Tagged(_, tag) => {
            let _ = write!(out, "tagged {}", tag.text);
        }
        CondPart::Compare {
            left, op, value, ..
        } => {
            let _ = write!(out, "{} {} ", left.text, op.as_str());
            push_number(out, value);
        }
    }
}

fn push_clause(out: &mut String, clause: &Clause) {
    let _ = write!(out, "clause {} ", clause.id.text);
    push_str_literal(out, &clause.text.value);
    if !matches!(clause.deduction, Deduction::Exhausted { .. }) {
        out.push(' ');
        out.push_str(clause.verb.as_str());
        out.push(' ');
    }
    match &clause.deduction {
        Deduction::Once { amount, cap } => {
            push_number(out, amount);
            push_cap(out, cap);
        }
        Deduction::Per { amount, unit, cap } => {
            push_number(out, amount);
            let _ = write!(out, " per {}", unit.text);
            push_cap(out, cap);
        }
        Deduction::All { .. } => out.push_str("all"),
        Deduction::UpTo { max } => {
            out.push_str("up to ");
            push_limit(out, max);
        }
        Deduction::Threshold {
            amount,
            op,
            threshold,
            ..
        } => {
            push_number(out, amount);
            let _ = write!(out, " when {} ", op.as_str());
            push_number(out, threshold);
        }
        Deduction::Levels {
            amounts, unit, cap, ..
        } => {
            for (i, a) in amounts.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_number(out, a);
            }
            out.push_str(" by level");
            if let Some(unit) = unit {
                let _ = write!(out, " per {}", unit.text);
            }
            push_cap(out, cap);
        }
        Deduction::Rate {
            amount,
            steps,
            step,
            op,
            threshold,
            cap,
            ..
        } => {
            push_number(out, amount);
            out.push_str(" per ");
            if *steps != crate::model::Steps::Exact {
                out.push_str(steps.as_str());
                out.push(' ');
            }
            if let Some(step) = step {
                push_number(out, step);
                out.push(' ');
            }
            out.push_str(op.as_str());
            out.push(' ');
            match threshold {
                Some(p) => push_number(out, p),
                None => out.push_str("target"),
            }
            push_cap(out, cap);
        }
        Deduction::Tiers { tiers } => {
            for (i, t) in tiers.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_number(out, &t.amount);
                let _ = write!(out, " when {} ", t.op.as_str());
                push_number(out, &t.threshold);
            }
        }
        Deduction::Range {
            min,
            max,
            per_occurrence,
            cap,
        } => {
            push_number(out, min);
            out.push_str(" to ");
            push_number(out, max);
            if per_occurrence.is_some() {
                out.push_str(" per occurrence");
            }
            push_cap(out, cap);
        }
        Deduction::Exhausted { .. } => {}
    }
    if let Some(extra) = &clause.extra {
        out.push_str(" extra ");
        push_number(out, &extra.amount);
        if extra.exhausted.is_some() {
            out.push_str(" when exhausted");
        }
    }
    if !clause.tags.is_empty() {
        out.push_str(" tagged ");
        for (i, t) in clause.tags.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&t.text);
        }
    }
    if !clause.owners.is_empty() {
        out.push_str(" owner ");
        push_strings(out, &clause.owners);
    }
}

fn push_cap(out: &mut String, cap: &Option<Limit>) {
    if let Some(limit) = cap {
        out.push_str(" capped at ");
        push_limit(out, limit);
    }
}

fn push_limit(out: &mut String, limit: &Limit) {
    match limit {
        Limit::Number(n) => push_number(out, n),
        Limit::ItemWeight(_) => out.push_str("item weight"),
    }
}

fn push_number(out: &mut String, number: &Number) {
    out.push_str(&number.text);
    if number.percent {
        out.push('%');
    }
}

fn push_strings(out: &mut String, list: &[Str]) {
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_str_literal(out, &s.value);
    }
}

/// Writes `value` as a string literal, escaping only what must be: `"`, `\`,
/// control characters (`\n`, `\t`, others as `\u{…}`), and a `”` without
/// a `“` before it, which the lexer would take for a mistyped closing quote.
pub fn push_str_literal(out: &mut String, value: &str) {
    out.push('"');
    let mut open_curly = 0usize;
    for c in value.chars() {
        match c {
            '“' => {
                open_curly += 1;
                out.push(c);
            }
            '”' if open_curly == 0 => out.push_str("\\u{201D}"),
            '”' => {
                open_curly -= 1;
                out.push(c);
            }
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:X}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Every comment's text, in order.
fn comment_texts(source: &str) -> Vec<String> {
    crate::syntax::lexer::lex(source)
        .comments
        .into_iter()
        .map(|c| c.comment.text)
        .collect()
}

/// Cedar's soundness check: the output must parse without errors, lower to
/// the same rubric ignoring spans, and keep every comment in order.
fn soundness_check(source: &str, file: &File, output: &str) -> Result<(), Diagnostics> {
    let internal = |what: &str| {
        Diagnostics(vec![Diagnostic::new(
            Code::FormatterMismatch,
            Span::at(0),
            format!("internal error: the formatted text {what}; the file was left unchanged"),
        )
        .with_help("please report this with the rubric that caused it")])
    };
    let reparsed = parse(output);
    if reparsed.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(internal("does not parse"));
    }
    let (before, _) = lower(file);
    let (after, _) = lower(&reparsed.file);
    if !before.same_ignoring_spans(&after) {
        return Err(internal("means a different rubric"));
    }
    if comment_texts(source) != comment_texts(output) {
        return Err(internal("lost or moved a comment"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Formats `input` and compares with `expected`; also checks idempotence.
    fn check(input: &str, expected: &str) {
        let formatted = match format(input) {
            Ok(f) => f,
            Err(e) => panic!("format failed: {:?}", e.0),
        };
        assert_eq!(formatted, expected);
        let again = format(&formatted).map_err(|e| e.0);
        assert_eq!(again.as_deref(), Ok(expected), "not idempotent");
    }

    #[test]
    fn layout_and_comments() {
        check(
            "# head\nrubric \"t\" { # open\n version \"1\"\n\n\n  total 30 # t\nitem 1 \"a\" weight 2 optional { clause a \"x\" deduct 0.50 per occurrence capped at item weight owner \"o\", \"p\"\n # before close\n } # after\n veto v \"x\" at most good when 1/a,1/b\n}\n# end\n",
            "# head\nrubric \"t\" {  # open\n  version \"1\"\n\n  total 30  # t\n\n  item 1 \"a\" weight 2 optional {\n    clause a \"x\" deduct 0.50 per occurrence capped at item weight owner \"o\", \"p\"\n    # before close\n  }  # after\n\n  veto v \"x\" at most good when 1/a, 1/b\n}\n# end\n",
        );
    }

    #[test]
    fn strings_are_escaped_minimally() {
        check(
            "rubric \"a\\u{22}b\\\\ \\u{4E00}\\t\" {\n}\n",
            "rubric \"a\\\"b\\\\ 一\\t\" {\n}\n",
        );
    }

    #[test]
    fn interior_comments_move_before_the_declaration() {
        check(
            "rubric \"t\" {\n  grade a \"A\" # inside\n    at least 3\n}\n",
            "rubric \"t\" {\n  # inside\n  grade a \"A\" at least 3\n}\n",
        );
    }

    #[test]
    fn refuses_syntax_errors() {
        let err = format("rubric \"t\" { total 3分 }").map_err(|e| e.0);
        let message = err.err().and_then(|d| d.first().map(|d| d.message.clone()));
        assert_eq!(message.as_deref(), Some("expected a number, found `3分`"));
    }
}
