//! The report as Markdown, a document for the people who read the result
//! rather than the inspection: a title, a summary (score, grade, vetoes),
//! then the items with their score and deductions, penalties, vetoes,
//! owners, entities and warnings.
//!
//! User text is escaped so that it cannot break a table or turn into
//! markup: `\`, `|`, `*`, `_` and backquotes get a backslash, `<` becomes
//! `&lt;`, and a line break inside a cell becomes `<br>`.

use super::{
    checked_without_deduction, counted, excluded, how_scored, joined_paths, levels_found, out_of,
    plain, readable, DeductionReport, Report, Status,
};
use std::fmt::Write;

/// User text made safe for a Markdown table cell or heading.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '*' | '_' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// A table row; cells are written as given (already escaped).
fn row(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        let _ = write!(out, " {c} |");
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
        "(no subject)".to_owned()
    } else {
        escape(&report.subject)
    };
    let _ = writeln!(out, "# {subject}: score report\n");
    let _ = write!(out, "Rubric: {}", escape(report.rubric.title));
    if let Some(v) = &report.rubric.version {
        let _ = write!(out, " ({})", escape(v));
    }
    out.push_str("\n\n");
    summary(report, &mut out);
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
        out.push_str("\n## Warnings\n\n");
        for w in &report.warnings.to_vec() {
            let _ = writeln!(out, "- {}: {}", escape(&w.at), escape(&w.message));
        }
    }
    out
}

fn summary(report: &Report, out: &mut String) {
    let _ = write!(out, "**Score: {} {}**", report.score, out_of(report));
    // The exact value only says something when rounding changed the score.
    if report.score_exact != report.score {
        let _ = write!(out, " (exact {})", readable(report.score_exact));
    }
    if let Some(grade) = &report.grade {
        let _ = write!(
            out,
            " · **Grade: {} ({})**",
            escape(grade.label),
            escape(grade.id)
        );
    }
    let vetoes: Vec<String> = report
        .vetoes
        .iter()
        .map(|v| match v.at_most_label {
            Some(label) if v.score_zero == Some(true) => {
                format!("{} (at most {}, score 0)", escape(v.id), escape(label))
            }
            Some(label) => format!("{} (at most {})", escape(v.id), escape(label)),
            None => format!("{} (score 0)", escape(v.id)),
        })
        .collect();
    if vetoes.is_empty() {
        out.push_str(" · Vetoes: none");
    } else {
        let _ = write!(out, " · **Vetoes: {}**", vetoes.join(", "));
    }
    out.push_str("\n\n");
    if let Some(grade) = report.grade.as_ref().filter(|g| !g.capped_by.is_empty()) {
        let _ = writeln!(
            out,
            "The score alone earns {} ({}); veto {} holds the grade at {}.\n",
            escape(grade.by_score_label),
            escape(grade.by_score),
            escape(&grade.capped_by.join(", ")),
            escape(grade.label)
        );
    }
    let how = how_scored(report, "−");
    let mut chars = how.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    let _ = writeln!(out, "{first}{}.", chars.as_str());
}

fn items(report: &Report, out: &mut String) {
    out.push_str("\n## Items\n\n");
    header(
        out,
        &["Item", "Title", "Weight", "Score", "Deductions"],
        &[false, false, true, true, false],
    );
    for item in &report.items {
        let score = match item.status {
            Status::Scored => item.score.map(plain).unwrap_or_default(),
            Status::NotApplicable => "n/a".to_owned(),
        };
        let mut lines: Vec<String> = Vec::new();
        if item.status == Status::NotApplicable {
            let mut line = "not applicable".to_owned();
            if let Some(reason) = &item.reason {
                let _ = write!(line, ": {}", escape(reason));
            }
            lines.push(line);
            if let Some(note) = &item.note {
                lines.push(format!("note: {}", escape(note)));
            }
        }
        for d in item
            .deductions
            .iter()
            .filter(|d| !d.amount.is_zero() || excluded(d).is_some())
        {
            lines.push(deduction(d));
        }
        for e in &item.externals {
            let Some(s) = e.score else { continue };
            if s == e.weight && e.assumed.is_none() && e.note.is_none() {
                continue;
            }
            let mut line = format!(
                "external {}: {} of {}",
                escape(e.id),
                plain(s),
                plain(e.weight)
            );
            if let Some(a) = e.assumed {
                let _ = write!(line, ", assumed {a}: no score given");
            }
            if let Some(note) = &e.note {
                let _ = write!(line, " — {}", escape(note));
            }
            lines.push(line);
        }
        if item.capped {
            lines.push(format!(
                "capped: the item loses at most {}",
                plain(item.deducted)
            ));
        }
        if item.exhausted() == Some(true) {
            lines.push("exhausted (扣满)".to_owned());
        }
        if let Some(extra) = item.extra().filter(|e| !e.amount.is_zero()) {
            lines.push(format!(
                "extra −{} outside the item's cap ({})",
                plain(extra.amount),
                escape(&joined_paths(&extra.clauses))
            ));
        }
        row(
            out,
            &[
                escape(item.id),
                escape(item.title),
                item.shown_weight.map(plain).unwrap_or_else(|| "-".into()),
                score,
                lines.join("<br>"),
            ],
        );
    }
    let quiet = checked_without_deduction(report);
    if !quiet.is_empty() {
        let _ = writeln!(
            out,
            "\nChecked, nothing deducted: {}.",
            escape(&quiet.join(", "))
        );
    }
}

/// One deduction as a line of a table cell: clause and its text, amount,
/// count with its measure word, entities and note.
fn deduction(d: &DeductionReport) -> String {
    let mut text = match excluded(d) {
        Some(by) => format!(
            "{} {}: excluded by {} (would deduct {})",
            escape(d.clause),
            escape(d.text),
            escape(&by.to_string()),
            plain(d.raw)
        ),
        None => format!(
            "{} {}: −{}",
            escape(d.clause),
            escape(d.text),
            plain(d.amount)
        ),
    };
    let mut details = Vec::new();
    if let Some(levels) = levels_found(d) {
        details.push(escape(&levels));
    }
    if let Some(t) = d.target() {
        details.push(format!("target {}", plain(t)));
    }
    if let Some(steps) = d.steps() {
        details.push(format!("{} steps", readable(steps)));
    }
    if let Some(c) = counted(d) {
        details.push(escape(&c));
    }
    if let Some(v) = d.value {
        details.push(format!("value {}", plain(v)));
    }
    if d.capped {
        details.push(format!("capped from {}", plain(d.raw)));
    }
    if !details.is_empty() {
        let _ = write!(text, " ({})", details.join(", "));
    }
    if !d.entities.is_empty() {
        let _ = write!(text, ": {}", escape(&d.entities.join(", ")));
    }
    if let Some(note) = &d.note {
        let _ = write!(text, " — {}", escape(note));
    }
    text
}

fn penalties(report: &Report, out: &mut String) {
    if report.penalties.is_empty() {
        return;
    }
    out.push_str("\n## Penalties\n\n");
    header(
        out,
        &["Penalty", "Title", "Cap", "Deducted", "Deductions"],
        &[false, false, true, true, false],
    );
    for p in &report.penalties {
        let mut lines: Vec<String> = p
            .deductions
            .iter()
            .filter(|d| !d.amount.is_zero())
            .map(deduction)
            .collect();
        if p.capped {
            lines.push(format!("capped from {}", plain(p.raw)));
        }
        row(
            out,
            &[
                escape(p.id),
                escape(p.title),
                p.cap.map(plain).unwrap_or_else(|| "none".into()),
                plain(p.deducted),
                lines.join("<br>"),
            ],
        );
    }
}

fn sections(report: &Report, out: &mut String) {
    let Some(sections) = report.sections.as_ref().filter(|s| !s.is_empty()) else {
        return;
    };
    out.push_str("\n## Sections (小计)\n\n");
    header(
        out,
        &["Section", "Title", "Weight", "Score", "Extra", "Notes"],
        &[false, false, true, true, true, false],
    );
    for s in sections {
        let mut notes = Vec::new();
        if s.status == Status::NotApplicable {
            notes.push("not applicable".to_owned());
        }
        if s.floored {
            notes.push("floored at 0".to_owned());
        }
        if let Some(parent) = s.parent {
            notes.push(format!("in {}", escape(parent)));
        }
        row(
            out,
            &[
                escape(s.id),
                escape(s.title),
                plain(s.weight),
                s.score.map(plain).unwrap_or_else(|| "n/a".into()),
                if s.extra.is_zero() {
                    String::new()
                } else {
                    format!("−{}", plain(s.extra))
                },
                notes.join("; "),
            ],
        );
    }
}

fn bonuses(report: &Report, out: &mut String) {
    let Some(bonuses) = report.bonuses.as_ref().filter(|b| !b.is_empty()) else {
        return;
    };
    out.push_str("\n## Bonuses (加分项)\n\n");
    header(
        out,
        &["Bonus", "Title", "Cap", "Added", "Additions"],
        &[false, false, true, true, false],
    );
    for b in bonuses {
        let mut lines: Vec<String> = b
            .additions
            .iter()
            .filter(|d| !d.amount.is_zero())
            .map(|d| {
                format!(
                    "{} {}: +{}",
                    escape(d.clause),
                    escape(d.text),
                    plain(d.amount)
                )
            })
            .collect();
        if b.capped {
            lines.push(format!("capped from {}", plain(b.raw)));
        }
        row(
            out,
            &[
                escape(b.id),
                escape(b.title),
                b.cap.map(plain).unwrap_or_else(|| "none".into()),
                plain(b.added),
                lines.join("<br>"),
            ],
        );
    }
}

fn flags(report: &Report, out: &mut String) {
    let Some(flags) = report.flags.as_ref() else {
        return;
    };
    if flags.is_empty() {
        out.push_str("\n## Flags\n\nNo flag raised.\n");
        return;
    }
    out.push_str("\n## Flags\n\n");
    header(out, &["Flag", "Because", "Text"], &[false; 3]);
    for f in flags {
        row(
            out,
            &[escape(f.id), escape(&f.parts.join(", ")), escape(f.text)],
        );
    }
}

fn facts(report: &Report, out: &mut String) {
    let Some(facts) = report.facts.as_ref().filter(|f| !f.is_empty()) else {
        return;
    };
    out.push_str("\n## Facts\n\n");
    header(out, &["Fact", "Value", "Text"], &[false, true, false]);
    for f in facts {
        let mut value = f.value.map(plain).unwrap_or_else(|| "—".into());
        if f.defaulted {
            value.push_str(" (default)");
        }
        row(out, &[escape(f.id), value, escape(f.text)]);
    }
}

fn vetoes(report: &Report, out: &mut String) {
    if report.vetoes.is_empty() {
        return;
    }
    out.push_str("\n## Vetoes triggered\n\n");
    header(
        out,
        &["Veto", "At most", "Triggered by", "Text", "Notes"],
        &[false; 5],
    );
    for v in &report.vetoes {
        let mut by: Vec<String> = match &v.parts {
            Some(parts) => parts.clone(),
            None => v.clauses.iter().map(ToString::to_string).collect(),
        };
        if v.by_finding {
            by.insert(0, "finding".to_owned());
        }
        let notes: Vec<String> = v.notes.iter().map(|n| escape(n)).collect();
        row(
            out,
            &[
                escape(v.id),
                match (v.at_most_label, v.at_most, v.score_zero) {
                    (Some(label), Some(id), Some(true)) => {
                        format!("{} ({}), score 0", escape(label), escape(id))
                    }
                    (Some(label), Some(id), _) => format!("{} ({})", escape(label), escape(id)),
                    _ => "score 0".to_owned(),
                },
                escape(&by.join(", ")),
                escape(v.text),
                notes.join("<br>"),
            ],
        );
    }
}

fn owners(report: &Report, out: &mut String) {
    if report.by_owner.is_empty() {
        return;
    }
    out.push_str("\n## Points lost by owner\n\n");
    out.push_str(
        "Each owner answers for the full points lost on its items; amounts are not split.\n\n",
    );
    header(out, &["Owner", "Lost", "Items"], &[false, true, false]);
    for o in &report.by_owner {
        row(
            out,
            &[escape(o.owner), plain(o.lost), escape(&o.items.join(", "))],
        );
    }
}

fn entities(report: &Report, out: &mut String) {
    if report.by_entity.entities.is_empty() {
        return;
    }
    out.push_str("\n## Points by entity (before caps)\n\n");
    out.push_str(
        "Per-unit amounts of the clauses that named each entity, before any clause, item or penalty cap.\n\n",
    );
    header(out, &["Entity", "Amount", "Clauses"], &[false, true, false]);
    for e in &report.by_entity.entities {
        row(
            out,
            &[
                escape(&e.entity),
                plain(e.amount),
                escape(&joined_paths(&e.clauses)),
            ],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn user_text_cannot_break_a_table() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("一\n二\r\n三"), "一<br>二<br>三");
        assert_eq!(escape("<b>*x*_y_`z`\\"), "&lt;b>\\*x\\*\\_y\\_\\`z\\`\\\\");
    }
}
