//! The report for a terminal: a header, then aligned tables of items,
//! penalties, vetoes, owners and entities, then every warning.

use super::width::{display_width, pad, pad_left, truncate};
use super::{plain, Report, Status};
use std::fmt::Write;

/// Titles and clause texts are cut to this many columns in tables.
const TEXT_WIDTH: usize = 40;

struct Table {
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(headers: &[&str], right: &[bool]) -> Table {
        Table {
            right: right.to_vec(),
            rows: vec![headers.iter().map(|h| (*h).to_owned()).collect()],
        }
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn render(&self, out: &mut String) {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|cell| display_width(cell))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in &self.rows {
            let mut line = String::from(" ");
            for (c, cell) in row.iter().enumerate() {
                let width = widths.get(c).copied().unwrap_or(0);
                let right = self.right.get(c).copied().unwrap_or(false);
                line.push(' ');
                if right {
                    line.push_str(&pad_left(cell, width));
                } else {
                    line.push_str(&pad(cell, width));
                }
                line.push(' ');
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
}

pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    let subject = if report.subject.is_empty() {
        "(no subject)"
    } else {
        &report.subject
    };
    let _ = writeln!(out, "{subject}");
    match &report.rubric.version {
        Some(v) => {
            let _ = writeln!(out, "{} ({v})", report.rubric.title);
        }
        None => {
            let _ = writeln!(out, "{}", report.rubric.title);
        }
    }
    out.push('\n');
    let _ = write!(
        out,
        "score {} of {} (exact {})",
        report.score,
        plain(report.total),
        plain(report.score_exact)
    );
    if let Some(grade) = &report.grade {
        let _ = write!(out, ", grade {} ({})", grade.label, grade.id);
        if !grade.capped_by.is_empty() {
            let _ = write!(
                out,
                ", capped by {} (by score: {})",
                grade.capped_by.join(", "),
                grade.by_score
            );
        }
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "raw {} of applicable weight {}, scaled {} ({}), penalties {}",
        plain(report.raw),
        plain(report.applicable_weight),
        plain(report.scaled),
        report.not_applicable,
        plain(report.penalized)
    );

    out.push_str("\nitems\n");
    let mut items = Table::new(
        &["item", "title", "weight", "score", "deducted", ""],
        &[false, false, true, true, true, false],
    );
    for item in &report.items {
        let (score, mark) = match item.status {
            Status::Scored => (
                item.score.map(plain).unwrap_or_default(),
                if item.capped { "capped" } else { "" }.to_owned(),
            ),
            Status::NotApplicable => ("-".to_owned(), "not applicable".to_owned()),
        };
        items.row(vec![
            item.id.clone(),
            truncate(&item.title, TEXT_WIDTH),
            plain(item.weight),
            score,
            plain(item.deducted),
            mark,
        ]);
        for d in &item.deductions {
            items.row(deduction_row(d));
        }
        for e in &item.externals {
            let score = e.score.map(plain).unwrap_or_else(|| "-".into());
            let mark = e
                .assumed
                .map(|a| format!("external, assumed {a}"))
                .unwrap_or_else(|| "external".to_owned());
            items.row(vec![
                format!("  {}", e.id),
                truncate(&e.title, TEXT_WIDTH),
                plain(e.weight),
                score,
                String::new(),
                mark,
            ]);
        }
    }
    items.render(&mut out);

    if !report.penalties.is_empty() {
        out.push_str("\npenalties\n");
        let mut table = Table::new(
            &["penalty", "title", "cap", "", "deducted", ""],
            &[false, false, true, true, true, false],
        );
        for p in &report.penalties {
            table.row(vec![
                p.id.clone(),
                truncate(&p.title, TEXT_WIDTH),
                p.cap.map(plain).unwrap_or_else(|| "-".into()),
                String::new(),
                plain(p.deducted),
                if p.capped { "capped" } else { "" }.to_owned(),
            ]);
            for d in &p.deductions {
                table.row(deduction_row(d));
            }
        }
        table.render(&mut out);
    }

    if !report.vetoes.is_empty() {
        out.push_str("\nvetoes triggered\n");
        let mut table = Table::new(&["veto", "at most", "by", "text"], &[false; 4]);
        for v in &report.vetoes {
            let mut by = v.clauses.clone();
            if v.by_finding {
                by.insert(0, "finding".to_owned());
            }
            table.row(vec![
                v.id.clone(),
                v.at_most.clone(),
                by.join(", "),
                truncate(&v.text, TEXT_WIDTH),
            ]);
        }
        table.render(&mut out);
    }

    if !report.by_owner.is_empty() {
        out.push_str("\npoints lost by owner\n");
        let mut table = Table::new(&["owner", "lost", "items"], &[false, true, false]);
        for o in &report.by_owner {
            table.row(vec![o.owner.clone(), plain(o.lost), o.items.join(", ")]);
        }
        table.render(&mut out);
    }

    if !report.by_entity.entities.is_empty() {
        out.push_str("\npoints by entity (before caps)\n");
        let mut table = Table::new(&["entity", "amount", "clauses"], &[false, true, false]);
        for e in &report.by_entity.entities {
            table.row(vec![
                e.entity.clone(),
                plain(e.amount),
                e.clauses.join(", "),
            ]);
        }
        table.render(&mut out);
    }

    if !report.warnings.is_empty() {
        out.push_str("\nwarnings\n");
        for w in &report.warnings {
            let _ = writeln!(out, "  {}: warning: {}", w.at, w.message);
        }
    }
    out
}

fn deduction_row(d: &super::DeductionReport) -> Vec<String> {
    let mut what = truncate(&d.text, TEXT_WIDTH);
    if let (Some(n), Some(unit)) = (d.count, &d.unit) {
        let _ = write!(what, " ({n} × {unit})");
    }
    if !d.entities.is_empty() {
        let _ = write!(what, " [{}]", d.entities.join(", "));
    }
    if let Some(v) = d.value {
        let _ = write!(what, " (value {})", plain(v));
    }
    let mut mark = Vec::new();
    if d.capped {
        mark.push(format!("capped from {}", plain(d.raw)));
    }
    if let Some(note) = &d.note {
        mark.push(truncate(note, TEXT_WIDTH));
    }
    vec![
        format!("  {}", d.clause),
        what,
        String::new(),
        String::new(),
        format!("-{}", plain(d.amount)),
        mark.join("; "),
    ]
}
