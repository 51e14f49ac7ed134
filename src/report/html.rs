//! The report as one self-contained HTML page: inline CSS, no script, no
//! image, nothing fetched from the network, and a print stylesheet for A4
//! (the table headers repeat on every page, rows are not split).
//!
//! It shows what the text report shows — score, grade, vetoes, the items
//! with every deduction (notes, evidence, names), penalties, points lost by
//! owner and by entity, warnings — with labels in Chinese and the report
//! fields' names beside them. Every piece of user text is escaped.

use super::{
    checked_without_deduction, counted, excluded, how_scored, joined_paths, levels_found, plain,
    readable, DeductionReport, Report, Status,
};
use std::fmt::Write;

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif;
  font-size: 10.5pt; line-height: 1.45; color: #111; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 17pt; margin: 0 0 2pt; }
h2 { font-size: 12.5pt; margin: 14pt 0 5pt; border-bottom: 1.5pt solid #333; padding-bottom: 2pt; }
.rubric { color: #444; margin: 0 0 8pt; }
.summary { display: flex; flex-wrap: wrap; gap: 6pt 18pt; border: 1pt solid #999; padding: 6pt 9pt; margin: 6pt 0; }
.summary div { min-width: 30mm; }
.summary .label { display: block; font-size: 8.5pt; color: #555; }
.summary .big { font-size: 16pt; font-weight: bold; }
.how { font-size: 9pt; color: #444; margin: 3pt 0 0; }
table { width: 100%; border-collapse: collapse; margin: 3pt 0 6pt; }
th, td { border: 0.75pt solid #888; padding: 2pt 4pt; vertical-align: top; text-align: left; }
th { background: #e8ecf4; font-weight: bold; font-size: 9.5pt; }
td.n, th.n { text-align: right; white-space: nowrap; }
tr.item td { background: #f6f6f6; font-weight: bold; }
tr.na td { color: #666; }
td.clause { padding-left: 12pt; }
.detail { font-size: 9pt; color: #333; margin-top: 1pt; }
.detail b { font-weight: normal; color: #666; }
.veto, .warning { margin: 2pt 0 4pt; }
.grade-held { color: #a00; }
.field { font-size: 8pt; color: #777; font-weight: normal; }
.signature { margin-top: 18pt; display: flex; gap: 20mm; }
.muted { color: #666; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  body { max-width: none; padding: 0; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .summary { break-inside: avoid; }
}
"#;

/// User text made safe for HTML text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// `得分 <span>score</span>`: a label with the report field's name.
fn label(zh: &str, field: &str) -> String {
    format!("{zh} <span class=\"field\">{field}</span>")
}

impl Report<'_> {
    /// The report as a self-contained HTML page that prints on A4.
    pub fn to_html(&self) -> String {
        render(self)
    }
}

fn render(report: &Report) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let subject = if report.subject.is_empty() {
        "（未填写被检查对象）".to_owned()
    } else {
        escape(&report.subject)
    };
    let mut rubric = escape(report.rubric.title);
    if let Some(v) = report.rubric.version {
        let _ = write!(rubric, "（{}）", escape(v));
    }
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{subject} · 评分报告</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>{subject} · 评分报告</h1>\n<p class=\"rubric\">{rubric}</p>\n"
    );
    summary(report, &mut out);
    sections(report, &mut out);
    items(report, &mut out);
    penalties(report, &mut out);
    bonuses(report, &mut out);
    vetoes(report, &mut out);
    flags(report, &mut out);
    facts(report, &mut out);
    owners(report, &mut out);
    entities(report, &mut out);
    warnings(report, &mut out);
    out.push_str(
        "<div class=\"signature\"><span>检查人：__________</span>\
         <span>被检查单位负责人：__________</span><span>日期：__________</span></div>\n",
    );
    out.push_str("</body>\n</html>\n");
    out
}

fn summary(report: &Report, out: &mut String) {
    out.push_str("<div class=\"summary\">\n");
    let mut score = if report.scoring.is_some() {
        format!("<span class=\"big\">{}</span> 分", report.score)
    } else {
        format!(
            "<span class=\"big\">{}</span> / {}",
            report.score,
            plain(report.scale.unwrap_or(report.total))
        )
    };
    if report.score_exact != report.score {
        let _ = write!(
            score,
            " <span class=\"muted\">（精确值 {}）</span>",
            readable(report.score_exact)
        );
    }
    let _ = writeln!(
        out,
        "<div><span class=\"label\">{}</span>{score}</div>",
        label("得分", "score")
    );
    if let Some(grade) = &report.grade {
        let mut text = format!(
            "<span class=\"big\">{}</span> <span class=\"muted\">{}</span>",
            escape(grade.label),
            escape(grade.id)
        );
        if !grade.capped_by.is_empty() {
            let _ = write!(
                text,
                "<br><span class=\"grade-held\">因否决项 {} 降级；按得分可评为{}</span>",
                escape(&grade.capped_by.join("、")),
                escape(grade.by_score_label)
            );
        }
        let _ = writeln!(
            out,
            "<div><span class=\"label\">{}</span>{text}</div>",
            label("等级", "grade")
        );
    }
    let vetoes = if report.vetoes.is_empty() {
        "无".to_owned()
    } else {
        report
            .vetoes
            .iter()
            .map(|v| format!("{}（{}）", escape(v.id), escape(&veto_effect(v))))
            .collect::<Vec<_>>()
            .join("、")
    };
    let _ = writeln!(
        out,
        "<div><span class=\"label\">{}</span>{vetoes}</div>",
        label("否决项", "vetoes")
    );
    out.push_str("</div>\n");
    let _ = writeln!(
        out,
        "<p class=\"how\">{}</p>",
        escape(&how_scored(report, "−"))
    );
}

fn items(report: &Report, out: &mut String) {
    let _ = writeln!(out, "<h2>{}</h2>", label("考核项目", "items"));
    let _ = writeln!(
        out,
        "<table>\n<thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th>\
         <th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead>\n<tbody>",
        label("项目", "item"),
        label("考核内容 / 扣分", "title"),
        label("分值", "weight"),
        label("得分", "score"),
        label("扣分", "deducted"),
    );
    for item in &report.items {
        let na = item.status == Status::NotApplicable;
        let score = item.score.map_or_else(|| "不适用".to_owned(), plain);
        let capped = if item.capped { "（扣完）" } else { "" };
        let _ = writeln!(
            out,
            "<tr class=\"item{}\"><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{score}</td><td class=\"n\">{}{capped}</td></tr>",
            if na { " na" } else { "" },
            escape(item.id),
            escape(item.title),
            plain(item.weight),
            plain(item.deducted),
        );
        if na {
            let mut detail = String::new();
            if let Some(reason) = &item.reason {
                let _ = write!(detail, "<b>理由：</b>{}", escape(reason));
            }
            notes(&mut detail, item.note.as_deref(), &item.evidence);
            if !detail.is_empty() {
                let _ = writeln!(
                    out,
                    "<tr class=\"na\"><td></td><td colspan=\"4\" class=\"detail\">{detail}</td></tr>"
                );
            }
        }
        for d in item.deductions.iter().filter(|d| !d.amount.is_zero()) {
            deduction_row(out, d);
        }
        for e in &item.externals {
            let Some(score) = e.score else { continue };
            let mut detail = String::new();
            if let Some(assumed) = e.assumed {
                let _ = write!(
                    detail,
                    "<b>未给分，按{}计</b>",
                    if assumed == "full" {
                        "满分"
                    } else {
                        "零分"
                    }
                );
            }
            notes(&mut detail, e.note.as_deref(), &e.evidence);
            let _ = writeln!(
                out,
                "<tr><td class=\"clause\">{}</td><td>{}<div class=\"detail\">{detail}</div></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td></td></tr>",
                escape(e.id),
                escape(e.title),
                plain(e.weight),
                plain(score),
            );
        }
    }
    out.push_str("</tbody>\n</table>\n");
    let quiet = checked_without_deduction(report);
    if !quiet.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"detail\">已检查、未扣分：{}</p>",
            escape(&quiet.join("、"))
        );
    }
}

fn deduction_row(out: &mut String, d: &DeductionReport) {
    let mut detail = String::new();
    if let Some(n) = counted(d) {
        let _ = write!(detail, "<b>次数：</b>{} ", escape(&n));
    }
    if let Some(levels) = levels_found(d) {
        let _ = write!(detail, "<b>等级：</b>{} ", escape(&levels));
    }
    if let Some(value) = d.value {
        let _ = write!(detail, "<b>实测值：</b>{} ", plain(value));
    }
    if let Some(target) = d.target() {
        let _ = write!(detail, "<b>目标值：</b>{} ", plain(target));
    }
    if let Some(steps) = d.steps() {
        let _ = write!(detail, "<b>档数：</b>{} ", readable(steps));
    }
    if let Some(by) = excluded(d) {
        let _ = write!(detail, "<b>不重复扣分，已在 {by} 扣分</b> ");
    }
    if d.capped {
        let _ = write!(detail, "<b>封顶前：</b>{} ", plain(d.raw));
    }
    if !d.entities.is_empty() {
        let _ = write!(detail, "<b>名称：</b>{} ", escape(&d.entities.join("、")));
    }
    notes(&mut detail, d.note.as_deref(), &d.evidence);
    if !d.owners.is_empty() {
        let _ = write!(
            detail,
            "<br><b>责任单位：</b>{}",
            escape(&d.owners.join("、"))
        );
    }
    let _ = writeln!(
        out,
        "<tr><td class=\"clause\">{}</td><td>{}<div class=\"detail\">{detail}</div></td><td></td><td></td><td class=\"n\">−{}</td></tr>",
        escape(d.clause),
        escape(d.text),
        plain(d.amount),
    );
}

fn notes(out: &mut String, note: Option<&str>, evidence: &[String]) {
    if let Some(note) = note {
        if !out.is_empty() {
            out.push_str("<br>");
        }
        let _ = write!(out, "<b>备注：</b>{}", escape(note));
    }
    if !evidence.is_empty() {
        if !out.is_empty() {
            out.push_str("<br>");
        }
        let _ = write!(out, "<b>证据：</b>{}", escape(&evidence.join("；")));
    }
}

fn penalties(report: &Report, out: &mut String) {
    if report.penalties.iter().all(|p| p.deductions.is_empty()) {
        return;
    }
    let _ = writeln!(out, "<h2>{}</h2>", label("减分项", "penalties"));
    let _ = writeln!(
        out,
        "<table>\n<thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th></tr></thead>\n<tbody>",
        label("项目", "id"),
        label("内容", "title"),
        label("减分", "deducted"),
    );
    for p in report.penalties.iter().filter(|p| !p.deductions.is_empty()) {
        let capped = if p.capped {
            format!("（封顶前 {}）", plain(p.raw))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<tr class=\"item\"><td>{}</td><td>{}</td><td class=\"n\">−{}{capped}</td></tr>",
            escape(p.id),
            escape(p.title),
            plain(p.deducted)
        );
        for d in p.deductions.iter().filter(|d| !d.amount.is_zero()) {
            let mut detail = String::new();
            if let Some(n) = counted(d) {
                let _ = write!(detail, "<b>次数：</b>{} ", escape(&n));
            }
            notes(&mut detail, d.note.as_deref(), &d.evidence);
            let _ = writeln!(
                out,
                "<tr><td class=\"clause\">{}</td><td>{}<div class=\"detail\">{detail}</div></td><td class=\"n\">−{}</td></tr>",
                escape(d.clause),
                escape(d.text),
                plain(d.amount)
            );
        }
    }
    out.push_str("</tbody>\n</table>\n");
}

fn vetoes(report: &Report, out: &mut String) {
    if report.vetoes.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h2>{}</h2>", label("否决项", "vetoes"));
    for v in &report.vetoes {
        let mut detail = String::new();
        if !v.clauses.is_empty() {
            let _ = write!(
                detail,
                "<b>触发条款：</b>{}",
                escape(&joined_paths(&v.clauses))
            );
        }
        if v.by_finding {
            if !detail.is_empty() {
                detail.push('；');
            }
            detail.push_str("检查人认定");
        }
        for note in &v.notes {
            let _ = write!(detail, "<br><b>备注：</b>{}", escape(note));
        }
        if !v.evidence.is_empty() {
            let _ = write!(
                detail,
                "<br><b>证据：</b>{}",
                escape(&v.evidence.join("；"))
            );
        }
        if let Some(parts) = &v.parts {
            let _ = write!(detail, "<br><b>条件：</b>{}", escape(&parts.join("、")));
        }
        let _ = writeln!(
            out,
            "<p class=\"veto\"><b>{}</b> {}（{}）<br><span class=\"detail\">{detail}</span></p>",
            escape(v.id),
            escape(v.text),
            escape(&veto_effect(v))
        );
    }
}

/// What a veto does, in words: 最高评为良好, 得分为 0, or both.
fn veto_effect(v: &super::VetoReport) -> String {
    let mut effects = Vec::new();
    if let Some(label) = v.at_most_label {
        effects.push(format!("最高评为{label}"));
    }
    if v.score_zero == Some(true) {
        effects.push("得分为 0".to_owned());
    }
    effects.join("，")
}

fn sections(report: &Report, out: &mut String) {
    let Some(sections) = report.sections.as_ref().filter(|s| !s.is_empty()) else {
        return;
    };
    let _ = writeln!(out, "<h2>{}</h2>", label("分项小计", "sections"));
    let _ = writeln!(
        out,
        "<table>\n<thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead>\n<tbody>",
        label("分项", "id"),
        label("名称", "title"),
        label("分值", "weight"),
        label("小计", "score"),
        label("追加扣除", "extra"),
    );
    for s in sections {
        let score = s.score.map_or_else(|| "不适用".to_owned(), plain);
        let floored = if s.floored { "（计为 0）" } else { "" };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{score}{floored}</td><td class=\"n\">{}</td></tr>",
            escape(s.id),
            escape(s.title),
            plain(s.weight),
            plain(s.extra),
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn bonuses(report: &Report, out: &mut String) {
    let Some(bonuses) = report.bonuses.as_ref() else {
        return;
    };
    if bonuses.iter().all(|b| b.additions.is_empty()) {
        return;
    }
    let _ = writeln!(out, "<h2>{}</h2>", label("加分项", "bonuses"));
    let _ = writeln!(
        out,
        "<table>\n<thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th></tr></thead>\n<tbody>",
        label("项目", "id"),
        label("内容", "title"),
        label("加分", "added"),
    );
    for b in bonuses.iter().filter(|b| !b.additions.is_empty()) {
        let capped = if b.capped {
            format!("（封顶前 {}）", plain(b.raw))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<tr class=\"item\"><td>{}</td><td>{}</td><td class=\"n\">+{}{capped}</td></tr>",
            escape(b.id),
            escape(b.title),
            plain(b.added)
        );
        for d in b.additions.iter().filter(|d| !d.amount.is_zero()) {
            let mut detail = String::new();
            if let Some(n) = counted(d) {
                let _ = write!(detail, "<b>次数：</b>{} ", escape(&n));
            }
            notes(&mut detail, d.note.as_deref(), &d.evidence);
            let _ = writeln!(
                out,
                "<tr><td class=\"clause\">{}</td><td>{}<div class=\"detail\">{detail}</div></td><td class=\"n\">+{}</td></tr>",
                escape(d.clause),
                escape(d.text),
                plain(d.amount)
            );
        }
    }
    out.push_str("</tbody>\n</table>\n");
}

fn flags(report: &Report, out: &mut String) {
    let Some(flags) = report.flags.as_ref().filter(|f| !f.is_empty()) else {
        return;
    };
    let _ = writeln!(out, "<h2>{}</h2>", label("提示事项", "flags"));
    for f in flags {
        let _ = writeln!(
            out,
            "<p class=\"veto\"><b>{}</b> {}<br><span class=\"detail\"><b>条件：</b>{}</span></p>",
            escape(f.id),
            escape(f.text),
            escape(&f.parts.join("、"))
        );
    }
}

fn facts(report: &Report, out: &mut String) {
    let Some(facts) = report.facts.as_ref().filter(|f| !f.is_empty()) else {
        return;
    };
    let _ = writeln!(out, "<h2>{}</h2>", label("事实", "facts"));
    let _ = writeln!(
        out,
        "<table>\n<thead><tr><th>{}</th><th>{}</th><th class=\"n\">{}</th></tr></thead>\n<tbody>",
        label("事实", "id"),
        label("内容", "text"),
        label("数值", "value"),
    );
    for f in facts {
        let value = f.value.map_or_else(String::new, plain);
        let defaulted = if f.defaulted { "（默认）" } else { "" };
        let mut detail = String::new();
        notes(&mut detail, f.note.as_deref(), &f.evidence);
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}<div class=\"detail\">{detail}</div></td><td class=\"n\">{value}{defaulted}</td></tr>",
            escape(f.id),
            escape(f.text),
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn owners(report: &Report, out: &mut String) {
    if report.by_owner.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h2>{}</h2>", label("责任单位失分", "by_owner"));
    let _ = writeln!(
        out,
        "<table>\n<thead><tr><th>{}</th><th class=\"n\">{}</th><th>{}</th></tr></thead>\n<tbody>",
        label("责任单位", "owner"),
        label("失分", "lost"),
        label("涉及项目", "items"),
    );
    for o in &report.by_owner {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            escape(o.owner),
            plain(o.lost),
            escape(&o.items.join("、"))
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn entities(report: &Report, out: &mut String) {
    if report.by_entity.entities.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h2>{}</h2>",
        label("被点名单位或人员（封顶前）", "by_entity")
    );
    let _ = writeln!(
        out,
        "<table>\n<thead><tr><th>{}</th><th class=\"n\">{}</th><th>{}</th></tr></thead>\n<tbody>",
        label("名称", "entity"),
        label("扣分", "amount"),
        label("条款", "clauses"),
    );
    for e in &report.by_entity.entities {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            escape(&e.entity),
            plain(e.amount),
            escape(&joined_paths(&e.clauses))
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

fn warnings(report: &Report, out: &mut String) {
    if report.warnings.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h2>{}</h2>", label("提示", "warnings"));
    for w in &report.warnings.to_vec() {
        let _ = writeln!(
            out,
            "<p class=\"warning\"><b>{}</b>：{}</p>",
            escape(&w.at),
            escape(&w.message)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn user_text_cannot_become_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(escape("a\r\nb"), "a<br>b");
    }
}
