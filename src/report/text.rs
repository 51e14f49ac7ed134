//! The report for a terminal: a header, then aligned tables of items,
//! penalties, vetoes, owners and entities, then every warning.
//!
//! Every line fits in [`LINE_WIDTH`] display columns (CJK characters count
//! two). Columns are sized from what they hold, but text columns are capped
//! and their cells cut with `…`; the last column of a table wraps instead.
//! Entity lists, notes and evidence go on indented lines of their own below
//! their row, so they never widen a column.

use super::width::{display_width, pad, pad_left, truncate, wrap};
use super::{
    checked_without_deduction, counted, excluded, how_scored, joined_paths, levels_found, out_of,
    plain, readable, DeductionReport, Report, Status,
};
use std::fmt::Write;

/// The widest line the text report writes, in display columns.
pub(crate) const LINE_WIDTH: usize = 110;
/// Rows start after this many spaces.
const INDENT: usize = 2;
/// Spaces between two columns.
const GAP: usize = 2;
/// The flexible column (titles) never gets narrower than this.
const FLEX_MIN: usize = 20;
/// The last column never gets narrower than this; it wraps instead.
const LAST_MIN: usize = 16;
/// Extra indentation of the lines below a row, relative to its second column.
const NOTE_INDENT: usize = 2;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

struct Column {
    header: &'static str,
    align: Align,
    /// The widest the column may be; wider cells are cut with `…`.
    max: usize,
}

const fn left(header: &'static str, max: usize) -> Column {
    Column {
        header,
        align: Align::Left,
        max,
    }
}

const fn right(header: &'static str) -> Column {
    Column {
        header,
        align: Align::Right,
        max: 12,
    }
}

struct Row {
    cells: Vec<String>,
    /// Lines printed below the row, indented under its second column.
    notes: Vec<String>,
}

struct Table {
    columns: Vec<Column>,
    /// The column that takes the width the others leave (titles).
    flex: Option<usize>,
    rows: Vec<Row>,
}

impl Table {
    fn new(columns: Vec<Column>, flex: Option<usize>) -> Table {
        Table {
            columns,
            flex,
            rows: Vec::new(),
        }
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(Row {
            cells,
            notes: Vec::new(),
        });
    }

    /// Adds a line below the last row.
    fn note(&mut self, line: String) {
        if let Some(row) = self.rows.last_mut() {
            row.notes.push(line);
        }
    }

    fn widths(&self) -> Vec<usize> {
        let last = self.columns.len().saturating_sub(1);
        let mut widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(c, column)| {
                let natural = self
                    .rows
                    .iter()
                    .filter_map(|r| r.cells.get(c))
                    .map(|cell| display_width(cell))
                    .chain([display_width(column.header)])
                    .max()
                    .unwrap_or(0);
                if Some(c) == self.flex {
                    natural
                } else {
                    natural.min(column.max.max(display_width(column.header)))
                }
            })
            .collect();
        if let Some(flex) = self.flex.filter(|&f| f != last) {
            let others: usize = widths
                .iter()
                .enumerate()
                .filter(|&(c, _)| c != flex)
                .map(|(_, w)| w + GAP)
                .sum();
            let room = LINE_WIDTH.saturating_sub(INDENT + others).max(FLEX_MIN);
            if let Some(w) = widths.get_mut(flex) {
                *w = (*w).min(room);
            }
        }
        widths
    }

    fn render(&self, out: &mut String) {
        let widths = self.widths();
        let headers: Vec<String> = self.columns.iter().map(|c| c.header.to_owned()).collect();
        self.line(out, &widths, &headers);
        let note_at = INDENT + widths.first().map_or(0, |w| w + GAP) + NOTE_INDENT;
        for row in &self.rows {
            self.line(out, &widths, &row.cells);
            for note in &row.notes {
                for piece in wrap(note, LINE_WIDTH.saturating_sub(note_at)) {
                    let _ = writeln!(out, "{:note_at$}{}", "", piece.trim_end());
                }
            }
        }
    }

    fn line(&self, out: &mut String, widths: &[usize], cells: &[String]) {
        let last = self.columns.len().saturating_sub(1);
        let mut line = " ".repeat(INDENT);
        let mut start = INDENT;
        let mut overflow: Vec<String> = Vec::new();
        for (c, column) in self.columns.iter().enumerate() {
            let cell = cells.get(c).map_or("", String::as_str);
            let width = widths.get(c).copied().unwrap_or(0);
            if c == last {
                let room = LINE_WIDTH.saturating_sub(start).max(LAST_MIN);
                let mut pieces = wrap(cell, room).into_iter();
                let first = pieces.next().unwrap_or_default();
                if column.align == Align::Right {
                    line.push_str(&pad_left(&first, width));
                } else {
                    line.push_str(&first);
                }
                overflow = pieces.map(|p| format!("{:start$}{p}", "")).collect();
            } else {
                let cell = truncate(cell, width);
                match column.align {
                    Align::Left => line.push_str(&pad(&cell, width)),
                    Align::Right => line.push_str(&pad_left(&cell, width)),
                }
                line.push_str(&" ".repeat(GAP));
                start += width + GAP;
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        for piece in overflow {
            out.push_str(piece.trim_end());
            out.push('\n');
        }
    }
}

/// Writes `text` wrapped to the line width, continuation lines indented by
/// `hang` columns.
fn paragraph(out: &mut String, text: &str, hang: usize) {
    for (n, piece) in wrap(text, LINE_WIDTH.saturating_sub(hang))
        .iter()
        .enumerate()
    {
        let indent = if n == 0 { 0 } else { hang };
        let _ = writeln!(out, "{:indent$}{}", "", piece.trim_end());
    }
}

pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    header(report, &mut out);
    items(report, &mut out);
    sections(report, &mut out);
    penalties(report, &mut out);
    bonuses(report, &mut out);
    vetoes(report, &mut out);
    flags(report, &mut out);
    facts(report, &mut out);
    owners(report, &mut out);
    entities(report, &mut out);
    if !report.warnings.is_empty() {
        out.push_str("\nwarnings\n");
        for w in &report.warnings.to_vec() {
            out.push_str("  ");
            paragraph(
                &mut out,
                &format!("{}: warning: {}", w.at, w.message),
                INDENT + 2,
            );
        }
    }
    out
}

fn header(report: &Report, out: &mut String) {
    let subject = if report.subject.is_empty() {
        "(no subject)"
    } else {
        &report.subject
    };
    paragraph(out, subject, 0);
    match &report.rubric.version {
        Some(v) => paragraph(out, &format!("{} ({v})", report.rubric.title), 0),
        None => paragraph(out, report.rubric.title, 0),
    }
    out.push('\n');
    let mut score = format!("score    {} {}", report.score, out_of(report));
    // The exact value only says something when rounding changed the score.
    if report.score_exact != report.score {
        let _ = write!(score, " (exact {})", readable(report.score_exact));
    }
    paragraph(out, &score, 9);
    if let Some(grade) = &report.grade {
        let mut line = format!("grade    {} ({})", grade.label, grade.id);
        if !grade.capped_by.is_empty() {
            let _ = write!(
                line,
                ", held down by veto {}; the score alone earns {} ({})",
                grade.capped_by.join(", "),
                grade.by_score_label,
                grade.by_score
            );
        }
        paragraph(out, &line, 9);
    }
    if !report.vetoes.is_empty() {
        let ids: Vec<&str> = report.vetoes.iter().map(|v| v.id).collect();
        paragraph(out, &format!("vetoes   {}", ids.join(", ")), 9);
    }
    let how = format!("points   {}", how_scored(report, "-"));
    paragraph(out, &how, 9);
}

fn items(report: &Report, out: &mut String) {
    out.push_str("\nitems\n");
    let mut table = Table::new(
        vec![
            left("item", 14),
            left("title", usize::MAX),
            right("weight"),
            right("score"),
            right(if report.scoring.is_some() {
                "points"
            } else {
                "deducted"
            }),
            left("", 24),
        ],
        Some(1),
    );
    for item in &report.items {
        let (score, mark) = match item.status {
            Status::Scored => (
                item.score.map(plain).unwrap_or_default(),
                if item.capped { "capped" } else { "" },
            ),
            Status::NotApplicable => ("-".to_owned(), "not applicable"),
        };
        let mut mark = mark.to_owned();
        if item.exhausted() == Some(true) {
            mark = if mark.is_empty() {
                "exhausted".to_owned()
            } else {
                format!("{mark}, exhausted")
            };
        }
        if let Some(extra) = item.extra().filter(|e| !e.amount.is_zero()) {
            let _ = write!(
                mark,
                "{}extra -{} ({})",
                if mark.is_empty() { "" } else { ", " },
                plain(extra.amount),
                joined_paths(&extra.clauses)
            );
        }
        table.row(vec![
            item.id.to_owned(),
            item.title.to_owned(),
            item.shown_weight.map(plain).unwrap_or_else(|| "-".into()),
            score,
            plain(item.points().unwrap_or(item.deducted)),
            mark,
        ]);
        if let Some(reason) = &item.reason {
            table.note(format!("reason: {reason}"));
        }
        if let Some(note) = &item.note {
            table.note(format!("note: {note}"));
        }
        if !item.evidence.is_empty() {
            table.note(format!("evidence: {}", item.evidence.join("; ")));
        }
        for d in item
            .deductions
            .iter()
            .filter(|d| !d.amount.is_zero() || excluded(d).is_some())
        {
            deduction(&mut table, d, 2);
        }
        for e in &item.externals {
            table.row(vec![
                format!("  {}", e.id),
                e.title.to_owned(),
                plain(e.weight),
                e.score.map(plain).unwrap_or_else(|| "-".into()),
                String::new(),
                "external".to_owned(),
            ]);
            if let (Some(assumed), Some(score)) = (e.assumed, e.score) {
                table.note(format!(
                    "no score given: assumed {assumed} ({})",
                    plain(score)
                ));
            }
            if let Some(note) = &e.note {
                table.note(format!("note: {note}"));
            }
            if !e.evidence.is_empty() {
                table.note(format!("evidence: {}", e.evidence.join("; ")));
            }
        }
    }
    table.render(out);
    let quiet = checked_without_deduction(report);
    if !quiet.is_empty() {
        out.push('\n');
        paragraph(
            out,
            &format!("checked, nothing deducted: {}", quiet.join(", ")),
            INDENT,
        );
    }
}

/// A row for a clause that deducted, and the lines below it; `blank`
/// empty cells stand between the clause text and the amount.
fn deduction(table: &mut Table, d: &DeductionReport, blank: usize) {
    let mut detail = counted(d).unwrap_or_default();
    if let Some(v) = d.value {
        detail = format!("value {}", plain(v));
    }
    if let Some(t) = d.target() {
        let _ = write!(detail, ", target {}", plain(t));
    }
    if let Some(steps) = d.steps() {
        let _ = write!(detail, ", {} steps", readable(steps));
    }
    let mut cells = vec![format!("  {}", d.clause), d.text.to_owned()];
    cells.extend((0..blank).map(|_| String::new()));
    match excluded(d) {
        Some(_) => cells.push("0".to_owned()),
        None => cells.push(format!("-{}", plain(d.amount))),
    }
    cells.push(detail);
    table.row(cells);
    if let Some(by) = excluded(d) {
        table.note(format!(
            "excluded by {by} (not deducted twice); would deduct {}",
            plain(d.raw)
        ));
    }
    if let Some(levels) = levels_found(d) {
        table.note(levels);
    }
    if d.capped {
        table.note(format!(
            "clause cap: {} cut to {}",
            plain(d.raw),
            plain(d.amount)
        ));
    }
    if !d.entities.is_empty() {
        table.note(format!("entities: {}", d.entities.join(", ")));
    }
    if let Some(note) = &d.note {
        table.note(format!("note: {note}"));
    }
    if !d.evidence.is_empty() {
        table.note(format!("evidence: {}", d.evidence.join("; ")));
    }
    if !d.owners.is_empty() {
        table.note(format!("owner: {}", d.owners.join(", ")));
    }
}

fn penalties(report: &Report, out: &mut String) {
    if report.penalties.is_empty() {
        return;
    }
    out.push_str("\npenalties\n");
    let mut table = Table::new(
        vec![
            left("penalty", 14),
            left("title", usize::MAX),
            right("cap"),
            right("deducted"),
            left("", 24),
        ],
        Some(1),
    );
    for p in &report.penalties {
        table.row(vec![
            p.id.to_owned(),
            p.title.to_owned(),
            p.cap.map(plain).unwrap_or_else(|| "-".into()),
            plain(p.deducted),
            if p.capped { "capped" } else { "" }.to_owned(),
        ]);
        if p.capped {
            table.note(format!(
                "penalty cap: {} cut to {}",
                plain(p.raw),
                plain(p.deducted)
            ));
        }
        for d in p.deductions.iter().filter(|d| !d.amount.is_zero()) {
            deduction(&mut table, d, 1);
        }
    }
    table.render(out);
}

fn sections(report: &Report, out: &mut String) {
    let Some(sections) = report.sections.as_ref().filter(|s| !s.is_empty()) else {
        return;
    };
    out.push_str("\nsections (小计)\n");
    let mut table = Table::new(
        vec![
            left("section", 14),
            left("title", usize::MAX),
            right("weight"),
            right("score"),
            right("extra"),
            left("", 24),
        ],
        Some(1),
    );
    for s in sections {
        let mark = match (s.status, s.floored) {
            (Status::NotApplicable, _) => "not applicable",
            (_, true) => "floored at 0",
            _ => "",
        };
        let mut mark = mark.to_owned();
        if let Some(parent) = s.parent {
            let _ = write!(
                mark,
                "{}in {parent}",
                if mark.is_empty() { "" } else { ", " }
            );
        }
        table.row(vec![
            s.id.to_owned(),
            s.title.to_owned(),
            plain(s.weight),
            s.score.map(plain).unwrap_or_else(|| "-".into()),
            if s.extra.is_zero() {
                String::new()
            } else {
                format!("-{}", plain(s.extra))
            },
            mark,
        ]);
    }
    table.render(out);
}

fn bonuses(report: &Report, out: &mut String) {
    let Some(bonuses) = report.bonuses.as_ref().filter(|b| !b.is_empty()) else {
        return;
    };
    out.push_str("\nbonuses (加分项)\n");
    let mut table = Table::new(
        vec![
            left("bonus", 14),
            left("title", usize::MAX),
            right("cap"),
            right("added"),
            left("", 24),
        ],
        Some(1),
    );
    for b in bonuses {
        table.row(vec![
            b.id.to_owned(),
            b.title.to_owned(),
            b.cap.map(plain).unwrap_or_else(|| "-".into()),
            plain(b.added),
            if b.capped { "capped" } else { "" }.to_owned(),
        ]);
        if b.capped {
            table.note(format!(
                "bonus cap: {} cut to {}",
                plain(b.raw),
                plain(b.added)
            ));
        }
        for d in b.additions.iter().filter(|d| !d.amount.is_zero()) {
            let mut cells = vec![format!("  {}", d.clause), d.text.to_owned(), String::new()];
            cells.push(format!("+{}", plain(d.amount)));
            cells.push(counted(d).or_else(|| levels_found(d)).unwrap_or_default());
            table.row(cells);
            if let Some(note) = &d.note {
                table.note(format!("note: {note}"));
            }
        }
    }
    table.render(out);
}

fn flags(report: &Report, out: &mut String) {
    let Some(flags) = report.flags.as_ref().filter(|f| !f.is_empty()) else {
        return;
    };
    out.push_str("\nflags raised\n");
    let mut table = Table::new(
        vec![
            left("flag", 16),
            left("because", 40),
            left("text", usize::MAX),
        ],
        None,
    );
    for f in flags {
        table.row(vec![f.id.to_owned(), f.parts.join(", "), f.text.to_owned()]);
    }
    table.render(out);
}

fn facts(report: &Report, out: &mut String) {
    let Some(facts) = report.facts.as_ref().filter(|f| !f.is_empty()) else {
        return;
    };
    out.push_str("\nfacts\n");
    let mut table = Table::new(
        vec![
            left("fact", 16),
            right("value"),
            left("", 10),
            left("text", usize::MAX),
        ],
        None,
    );
    for f in facts {
        table.row(vec![
            f.id.to_owned(),
            f.value.map(plain).unwrap_or_else(|| "-".into()),
            if f.defaulted { "default" } else { "" }.to_owned(),
            f.text.to_owned(),
        ]);
        if let Some(note) = &f.note {
            table.note(format!("note: {note}"));
        }
    }
    table.render(out);
}

fn vetoes(report: &Report, out: &mut String) {
    if report.vetoes.is_empty() {
        return;
    }
    out.push_str("\nvetoes triggered\n");
    let mut table = Table::new(
        vec![
            left("veto", 16),
            left("at most", 16),
            left("triggered by", 30),
            left("text", usize::MAX),
        ],
        None,
    );
    for v in &report.vetoes {
        let mut by: Vec<String> = match &v.parts {
            Some(parts) => parts.clone(),
            None => v.clauses.iter().map(ToString::to_string).collect(),
        };
        if v.by_finding {
            by.insert(0, "finding".to_owned());
        }
        let at_most = match (v.at_most_label, v.score_zero) {
            (Some(label), Some(true)) => format!("{label}, score 0"),
            (Some(label), _) => label.to_owned(),
            (None, _) => "score 0".to_owned(),
        };
        table.row(vec![
            v.id.to_owned(),
            at_most,
            by.join(", "),
            v.text.to_owned(),
        ]);
        for note in &v.notes {
            table.note(format!("note: {note}"));
        }
        if !v.evidence.is_empty() {
            table.note(format!("evidence: {}", v.evidence.join("; ")));
        }
    }
    table.render(out);
}

fn owners(report: &Report, out: &mut String) {
    if report.by_owner.is_empty() {
        return;
    }
    out.push_str("\npoints lost by owner\n");
    let mut table = Table::new(
        vec![left("owner", 40), right("lost"), left("items", usize::MAX)],
        None,
    );
    for o in &report.by_owner {
        table.row(vec![o.owner.to_owned(), plain(o.lost), o.items.join(", ")]);
    }
    table.render(out);
}

fn entities(report: &Report, out: &mut String) {
    if report.by_entity.entities.is_empty() {
        return;
    }
    out.push_str("\npoints by entity (per-unit amounts before any cap)\n");
    let mut table = Table::new(
        vec![
            left("entity", 40),
            right("amount"),
            left("clauses", usize::MAX),
        ],
        None,
    );
    for e in &report.by_entity.entities {
        table.row(vec![
            e.entity.clone(),
            plain(e.amount),
            joined_paths(&e.clauses),
        ]);
    }
    table.render(out);
}
