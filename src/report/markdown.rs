//! The report as Markdown: a summary, the items table with score and
//! deductions, then penalties, vetoes, owners, entities and warnings.

use super::{plain, Report, Status};
use std::fmt::Write;

/// Table cell text: `|` escaped, line breaks turned into spaces.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn row(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        let _ = write!(out, " {} |", cell(c));
    }
    out.push('\n');
}

fn header(out: &mut String, headers: &[&str], right: &[bool]) {
    row(
        out,
        &headers.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>(),
    );
    out.push('|');
    for r in right {
        out.push_str(if *r { " ---: |" } else { " --- |" });
    }
    out.push('\n');
}

pub(super) fn render(report: &Report) -> String {
    let mut out = String::new();
    let subject = if report.subject.is_empty() {
        "(no subject)"
    } else {
        &report.subject
    };
    let _ = writeln!(out, "# {}\n", cell(subject));
    let _ = write!(out, "{}", cell(&report.rubric.title));
    if let Some(v) = &report.rubric.version {
        let _ = write!(out, " ({})", cell(v));
    }
    out.push_str("\n\n");
    let _ = write!(
        out,
        "**Score: {}** of {} (exact {})",
        report.score,
        plain(report.total),
        plain(report.score_exact)
    );
    if let Some(grade) = &report.grade {
        let _ = write!(out, " · **Grade: {}** ({})", cell(&grade.label), grade.id);
        if !grade.capped_by.is_empty() {
            let _ = write!(
                out,
                ", capped by veto {} (the score alone earns {})",
                grade.capped_by.join(", "),
                grade.by_score
            );
        }
    }
    out.push_str("\n\n");
    let _ = writeln!(
        out,
        "Raw {} of applicable weight {}; scaled {} ({}); penalties {}.\n",
        plain(report.raw),
        plain(report.applicable_weight),
        plain(report.scaled),
        report.not_applicable,
        plain(report.penalized)
    );

    out.push_str("## Items\n\n");
    header(
        &mut out,
        &["Item", "Title", "Weight", "Score", "Deductions"],
        &[false, false, true, true, false],
    );
    for item in &report.items {
        let score = match item.status {
            Status::Scored => item.score.map(plain).unwrap_or_default(),
            Status::NotApplicable => "n/a".to_owned(),
        };
        let mut parts: Vec<String> = Vec::new();
        for d in &item.deductions {
            parts.push(deduction_text(d));
        }
        for e in &item.externals {
            if let Some(s) = e.score {
                let assumed = e
                    .assumed
                    .map(|a| format!(", assumed {a}"))
                    .unwrap_or_default();
                parts.push(format!(
                    "{} {} of {}{assumed}",
                    e.id,
                    plain(s),
                    plain(e.weight)
                ));
            }
        }
        if item.capped {
            parts.push(format!("capped at {}", plain(item.deducted)));
        }
        if let Some(reason) = &item.reason {
            parts.push(format!("not applicable: {reason}"));
        } else if item.status == Status::NotApplicable {
            parts.push("not applicable".to_owned());
        }
        row(
            &mut out,
            &[
                item.id.clone(),
                item.title.clone(),
                plain(item.weight),
                score,
                parts.join("; "),
            ],
        );
    }

    if !report.penalties.is_empty() {
        out.push_str("\n## Penalties\n\n");
        header(
            &mut out,
            &["Penalty", "Title", "Cap", "Deducted", "Deductions"],
            &[false, false, true, true, false],
        );
        for p in &report.penalties {
            let parts: Vec<String> = p.deductions.iter().map(deduction_text).collect();
            row(
                &mut out,
                &[
                    p.id.clone(),
                    p.title.clone(),
                    p.cap.map(plain).unwrap_or_else(|| "none".into()),
                    plain(p.deducted),
                    parts.join("; "),
                ],
            );
        }
    }

    if !report.vetoes.is_empty() {
        out.push_str("\n## Vetoes triggered\n\n");
        header(
            &mut out,
            &["Veto", "At most", "Triggered by", "Text"],
            &[false; 4],
        );
        for v in &report.vetoes {
            let mut by = v.clauses.clone();
            if v.by_finding {
                by.insert(0, "finding".to_owned());
            }
            row(
                &mut out,
                &[
                    v.id.clone(),
                    v.at_most.clone(),
                    by.join(", "),
                    v.text.clone(),
                ],
            );
        }
    }

    if !report.by_owner.is_empty() {
        out.push_str("\n## Points lost by owner\n\n");
        header(&mut out, &["Owner", "Lost", "Items"], &[false, true, false]);
        for o in &report.by_owner {
            row(
                &mut out,
                &[o.owner.clone(), plain(o.lost), o.items.join(", ")],
            );
        }
    }

    if !report.by_entity.entities.is_empty() {
        out.push_str("\n## Points by entity (before caps)\n\n");
        header(
            &mut out,
            &["Entity", "Amount", "Clauses"],
            &[false, true, false],
        );
        for e in &report.by_entity.entities {
            row(
                &mut out,
                &[e.entity.clone(), plain(e.amount), e.clauses.join(", ")],
            );
        }
    }

    if !report.warnings.is_empty() {
        out.push_str("\n## Warnings\n\n");
        for w in &report.warnings {
            let _ = writeln!(out, "- `{}`: {}", w.at, w.message);
        }
    }
    out
}

fn deduction_text(d: &super::DeductionReport) -> String {
    let mut text = format!("{} −{}", d.clause, plain(d.amount));
    if let (Some(n), Some(unit)) = (d.count, &d.unit) {
        let _ = write!(text, " ({n} × {unit})");
    }
    if d.capped {
        let _ = write!(text, " (capped from {})", plain(d.raw));
    }
    if !d.entities.is_empty() {
        let _ = write!(text, " [{}]", d.entities.join(", "));
    }
    if let Some(note) = &d.note {
        let _ = write!(text, " — {note}");
    }
    text
}
