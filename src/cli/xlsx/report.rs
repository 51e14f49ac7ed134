//! The report workbook (`rubric eval … --format xlsx`): a summary sheet,
//! then the items, every deduction (with notes, evidence and names),
//! penalties, vetoes, points lost by owner and warnings, each on its own
//! sheet with a frozen header. Exact values that a spreadsheet number cannot
//! hold (a rescaled score) are written as text beside the rounded figure.

use super::number;
use crate::report::{plain, DeductionReport, Report, Status};
use rust_xlsxwriter::{Color, DocProperties, Format, FormatBorder, Workbook, Worksheet, XlsxError};

/// A cell of a table.
enum Cell {
    Text(String),
    Number(rust_decimal::Decimal),
    Empty,
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn table(
    book: &mut Workbook,
    name: &str,
    headers: &[&str],
    widths: &[f64],
    rows: Vec<Vec<Cell>>,
) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0x00D9_E1F2));
    let cell = Format::new().set_text_wrap().set_border(FormatBorder::Thin);
    let sheet: &mut Worksheet = book.add_worksheet();
    sheet.set_name(name)?;
    for (col, (h, w)) in (0u16..).zip(headers.iter().zip(widths)) {
        sheet.write_string_with_format(0, col, *h, &header)?;
        sheet.set_column_width(col, *w)?;
    }
    for (r, cells) in (1u32..).zip(rows) {
        for (col, c) in (0u16..).zip(cells) {
            match c {
                Cell::Text(t) => sheet.write_string_with_format(r, col, t, &cell)?,
                Cell::Number(n) => sheet.write_number_with_format(r, col, number(n), &cell)?,
                Cell::Empty => sheet.write_blank(r, col, &cell)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_paper_size(9);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

fn deduction_cells(kind: &str, item: &str, d: &DeductionReport) -> Vec<Cell> {
    vec![
        text(kind),
        text(item),
        text(d.clause),
        text(d.text),
        Cell::Number(d.amount),
        d.count.map_or(Cell::Empty, |n| text(n.to_string())),
        d.unit_label.or(d.unit).map_or(Cell::Empty, text),
        Cell::Number(d.raw),
        text(if d.capped { "是" } else { "" }),
        d.value.map_or(Cell::Empty, Cell::Number),
        text(d.entities.join("\n")),
        text(d.note.clone().unwrap_or_default()),
        text(d.evidence.join("\n")),
        text(d.owners.join("、")),
    ]
}

/// The report as a workbook.
pub fn workbook(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("{} 评分报告", report.subject))
            .set_subject(report.rubric.title),
    );
    let grade = report.grade.as_ref();
    let summary = vec![
        vec![text("被检查对象 subject"), text(report.subject.clone())],
        vec![text("考核细则 rubric"), text(report.rubric.title)],
        vec![
            text("版本 version"),
            text(report.rubric.version.unwrap_or_default()),
        ],
        vec![text("得分 score"), text(report.score.to_string())],
        vec![
            text("精确得分 score_exact"),
            text(plain(report.score_exact)),
        ],
        vec![text("总分 total"), Cell::Number(report.total)],
        vec![
            text("折算满分 scale"),
            report.scale.map_or(Cell::Empty, Cell::Number),
        ],
        vec![text("原始得分 raw"), text(plain(report.raw))],
        vec![
            text("适用分值 applicable_weight"),
            Cell::Number(report.applicable_weight),
        ],
        vec![text("折算得分 scaled"), text(plain(report.scaled))],
        vec![text("减分 penalized"), Cell::Number(report.penalized)],
        vec![
            text("等级 grade"),
            text(grade.map_or(String::new(), |g| format!("{} ({})", g.label, g.id))),
        ],
        vec![
            text("按得分可评 by_score"),
            text(grade.map_or(String::new(), |g| {
                format!("{} ({})", g.by_score_label, g.by_score)
            })),
        ],
        vec![
            text("否决项 vetoes"),
            text(
                report
                    .vetoes
                    .iter()
                    .map(|v| v.id)
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
        ],
    ];
    table(&mut book, "汇总", &["项目", "值"], &[26.0, 60.0], summary)?;

    let items = report
        .items
        .iter()
        .map(|i| {
            vec![
                text(i.id),
                text(i.title),
                Cell::Number(i.weight),
                text(match i.status {
                    Status::Scored => "scored",
                    Status::NotApplicable => "not_applicable",
                }),
                i.score.map_or(Cell::Empty, Cell::Number),
                Cell::Number(i.deducted),
                text(if i.capped { "是" } else { "" }),
                text(i.reason.clone().unwrap_or_default()),
                text(i.owners.join("、")),
            ]
        })
        .collect();
    table(
        &mut book,
        "项目",
        &[
            "项目 id",
            "考核内容 title",
            "分值 weight",
            "状态 status",
            "得分 score",
            "扣分 deducted",
            "扣完 capped",
            "不适用理由 reason",
            "责任单位 owners",
        ],
        &[7.0, 36.0, 8.0, 12.0, 8.0, 8.0, 8.0, 20.0, 20.0],
        items,
    )?;

    let mut deductions = Vec::new();
    for i in &report.items {
        for d in &i.deductions {
            deductions.push(deduction_cells("item", i.id, d));
        }
    }
    for p in &report.penalties {
        for d in &p.deductions {
            deductions.push(deduction_cells("penalty", p.id, d));
        }
    }
    table(
        &mut book,
        "扣分明细",
        &[
            "类别 kind",
            "项目 item",
            "条款 clause",
            "评分要点 text",
            "扣分 amount",
            "次数 count",
            "单位 unit",
            "封顶前 raw",
            "封顶 capped",
            "实测值 value",
            "名称 entities",
            "备注 note",
            "证据 evidence",
            "责任单位 owners",
        ],
        &[
            8.0, 7.0, 6.0, 36.0, 8.0, 7.0, 6.0, 8.0, 7.0, 8.0, 18.0, 28.0, 28.0, 16.0,
        ],
        deductions,
    )?;

    let externals = report
        .items
        .iter()
        .flat_map(|i| {
            i.externals.iter().map(move |e| {
                vec![
                    text(i.id),
                    text(e.id),
                    text(e.title),
                    Cell::Number(e.weight),
                    e.score.map_or(Cell::Empty, Cell::Number),
                    text(e.assumed.unwrap_or_default()),
                    text(e.note.clone().unwrap_or_default()),
                    text(e.evidence.join("\n")),
                ]
            })
        })
        .collect::<Vec<_>>();
    if !externals.is_empty() {
        table(
            &mut book,
            "外部评分",
            &[
                "项目 item",
                "外部评分 external",
                "内容 title",
                "分值 weight",
                "得分 score",
                "推定 assumed",
                "备注 note",
                "证据 evidence",
            ],
            &[7.0, 12.0, 36.0, 8.0, 8.0, 8.0, 28.0, 28.0],
            externals,
        )?;
    }

    let penalties = report
        .penalties
        .iter()
        .map(|p| {
            vec![
                text(p.id),
                text(p.title),
                p.cap.map_or(Cell::Empty, Cell::Number),
                Cell::Number(p.raw),
                Cell::Number(p.deducted),
                text(if p.capped { "是" } else { "" }),
            ]
        })
        .collect::<Vec<_>>();
    if !penalties.is_empty() {
        table(
            &mut book,
            "减分项",
            &[
                "项目 id",
                "内容 title",
                "上限 cap",
                "合计 raw",
                "减分 deducted",
                "封顶 capped",
            ],
            &[7.0, 36.0, 8.0, 8.0, 8.0, 8.0],
            penalties,
        )?;
    }

    let vetoes = report
        .vetoes
        .iter()
        .map(|v| {
            vec![
                text(v.id),
                text(v.text),
                text(v.at_most_label.unwrap_or(if v.score_zero == Some(true) {
                    "得分为 0"
                } else {
                    ""
                })),
                text(if v.by_finding { "是" } else { "" }),
                text(
                    v.clauses
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
                text(v.notes.join("\n")),
                text(v.evidence.join("\n")),
            ]
        })
        .collect();
    table(
        &mut book,
        "否决项",
        &[
            "否决项 id",
            "内容 text",
            "最高等级 at_most",
            "检查人认定 by_finding",
            "触发条款 clauses",
            "备注 notes",
            "证据 evidence",
        ],
        &[10.0, 36.0, 10.0, 10.0, 16.0, 28.0, 28.0],
        vetoes,
    )?;

    let owners = report
        .by_owner
        .iter()
        .map(|o| {
            vec![
                text(o.owner),
                Cell::Number(o.lost),
                text(o.items.join("、")),
            ]
        })
        .collect();
    table(
        &mut book,
        "责任单位失分",
        &["责任单位 owner", "失分 lost", "项目 items"],
        &[24.0, 8.0, 40.0],
        owners,
    )?;

    let entities = report
        .by_entity
        .entities
        .iter()
        .map(|e| {
            vec![
                text(e.entity.clone()),
                Cell::Number(e.amount),
                text(
                    e.clauses
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
            ]
        })
        .collect::<Vec<_>>();
    if !entities.is_empty() {
        table(
            &mut book,
            "点名单位",
            &["名称 entity", "扣分 amount", "条款 clauses"],
            &[24.0, 8.0, 40.0],
            entities,
        )?;
    }

    if let Some(sections) = report.sections.as_ref().filter(|s| !s.is_empty()) {
        let rows = sections
            .iter()
            .map(|s| {
                vec![
                    text(s.id),
                    text(s.title),
                    Cell::Number(s.weight),
                    s.score.map_or(Cell::Empty, Cell::Number),
                    Cell::Number(s.extra),
                    text(if s.floored { "是" } else { "" }),
                ]
            })
            .collect();
        table(
            &mut book,
            "分项小计",
            &[
                "分项 id",
                "名称 title",
                "分值 weight",
                "小计 score",
                "追加扣除 extra",
                "计为0 floored",
            ],
            &[8.0, 30.0, 8.0, 8.0, 10.0, 8.0],
            rows,
        )?;
    }
    if let Some(bonuses) = report.bonuses.as_ref().filter(|b| !b.is_empty()) {
        let mut rows = Vec::new();
        for b in bonuses {
            rows.push(vec![
                text(b.id),
                text(b.title),
                Cell::Empty,
                b.cap.map_or(Cell::Empty, Cell::Number),
                Cell::Number(b.added),
            ]);
            for d in &b.additions {
                rows.push(vec![
                    text(b.id),
                    text(d.text),
                    text(d.clause),
                    Cell::Empty,
                    Cell::Number(d.amount),
                ]);
            }
        }
        table(
            &mut book,
            "加分项",
            &[
                "项目 id",
                "内容 title",
                "条款 clause",
                "上限 cap",
                "加分 added",
            ],
            &[7.0, 36.0, 8.0, 8.0, 8.0],
            rows,
        )?;
    }
    if let Some(flags) = report.flags.as_ref().filter(|f| !f.is_empty()) {
        let rows = flags
            .iter()
            .map(|f| vec![text(f.id), text(f.text), text(f.parts.join("、"))])
            .collect();
        table(
            &mut book,
            "提示事项",
            &["提示 id", "内容 text", "条件 parts"],
            &[10.0, 40.0, 30.0],
            rows,
        )?;
    }
    if let Some(facts) = report.facts.as_ref().filter(|f| !f.is_empty()) {
        let rows = facts
            .iter()
            .map(|f| {
                vec![
                    text(f.id),
                    text(f.text),
                    f.value.map_or(Cell::Empty, Cell::Number),
                    text(if f.defaulted { "是" } else { "" }),
                    text(f.note.clone().unwrap_or_default()),
                ]
            })
            .collect();
        table(
            &mut book,
            "事实",
            &[
                "事实 id",
                "内容 text",
                "数值 value",
                "默认 defaulted",
                "备注 note",
            ],
            &[10.0, 40.0, 8.0, 8.0, 30.0],
            rows,
        )?;
    }

    let warnings = report
        .warnings
        .to_vec()
        .into_iter()
        .map(|w| vec![text(w.at), text(w.message)])
        .collect::<Vec<_>>();
    if !warnings.is_empty() {
        table(
            &mut book,
            "提示",
            &["位置 at", "内容 message"],
            &[12.0, 80.0],
            warnings,
        )?;
    }
    book.save_to_buffer()
}
