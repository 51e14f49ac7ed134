//! The printable 评分表 (`rubric export RUBRIC --format xlsx`): items grouped
//! by section with a 小计 per section, weights, each clause's wording and
//! rule in words, blank 扣分 and 得分 columns, 责任单位, then penalties,
//! vetoes and grade bands, totals and signature lines. Set up for A4: one
//! page wide, the header rows repeated on every page, page numbers below.

use super::{number, template::external_rule};
use crate::model::{Item, Rubric};
use crate::report::plain;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// Columns: 项目, 考核内容, 分值, 条款, 评分要点, 扣分标准, 责任单位, 扣分, 得分.
const HEADERS: [&str; 9] = [
    "项目",
    "考核内容",
    "分值",
    "条款",
    "评分要点",
    "扣分标准",
    "责任单位",
    "扣分",
    "得分",
];
const WIDTHS: [f64; 9] = [5.5, 16.0, 5.0, 4.5, 34.0, 15.0, 12.0, 6.0, 6.0];
const LAST: u16 = 8;
const HEADER_ROW: u32 = 2;

struct Formats {
    title: Format,
    line: Format,
    header: Format,
    cell: Format,
    center: Format,
    section: Format,
    subtotal: Format,
    plain: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_font_size(9.5);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(15)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            line: Format::new().set_font_size(10).set_text_wrap(),
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0x00D9_E1F2)),
            center: cell
                .clone()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            section: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0x00F2_F2F2)),
            subtotal: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::VerticalCenter),
            cell,
            plain: Format::new().set_font_size(10.5),
        }
    }
}

/// The 评分表 of a rubric, as the bytes of an `.xlsx` file.
pub fn workbook(rubric: &Rubric) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(rubric.title().as_str())
            .set_subject("评分表"),
    );
    let sheet = book.add_worksheet();
    sheet.set_name("评分表")?;
    for (col, width) in (0u16..).zip(WIDTHS) {
        sheet.set_column_width(col, width)?;
    }
    let mut title = rubric.title().as_str().to_owned();
    if let Some(v) = rubric.version() {
        title.push_str(&format!("（{}）", v.as_str()));
    }
    sheet.merge_range(0, 0, 0, LAST, &title, &f.title)?;
    sheet.set_row_height(0, 36)?;
    sheet.merge_range(
        1,
        0,
        1,
        LAST,
        &format!(
            "总分 {} 分　　被检查单位：____________________　　检查日期：______年____月____日",
            plain(rubric.total())
        ),
        &f.line,
    )?;
    for (col, header) in (0u16..).zip(HEADERS) {
        sheet.write_string_with_format(HEADER_ROW, col, header, &f.header)?;
    }
    let mut row = HEADER_ROW + 1;

    // Items, grouped by consecutive section.
    let items = rubric.items();
    let mut start = 0;
    while start < items.len() {
        let section = items.get(start).and_then(|i| i.section);
        let end = items
            .iter()
            .skip(start)
            .position(|i| i.section != section)
            .map_or(items.len(), |n| start + n);
        let group = items.get(start..end).unwrap_or_default();
        if let Some(s) = section.and_then(|s| rubric.sections().get(s)) {
            sheet.merge_range(row, 0, row, LAST, s.title.as_str(), &f.section)?;
            row += 1;
        }
        for (offset, item) in group.iter().enumerate() {
            row = item_rows(sheet, &f, rubric, start + offset, item, row)?;
        }
        if let Some(s) = section {
            // A weighted section's declared weight; else the items' sum.
            let weight = rubric.section_form(s).weight.map_or_else(
                || {
                    group
                        .iter()
                        .fold(Decimal::ZERO, |sum, i| sum.saturating_add(i.weight.value))
                },
                |w| w.value,
            );
            sheet.merge_range(row, 0, row, 1, "小计", &f.subtotal)?;
            sheet.write_number_with_format(row, 2, number(weight), &f.subtotal)?;
            sheet.merge_range(row, 3, row, 6, "", &f.subtotal)?;
            sheet.write_blank(row, 7, &f.subtotal)?;
            sheet.write_blank(row, 8, &f.subtotal)?;
            row += 1;
        }
        start = end;
    }
    sheet.merge_range(row, 0, row, 1, "合计", &f.subtotal)?;
    sheet.write_number_with_format(row, 2, number(rubric.total()), &f.subtotal)?;
    sheet.merge_range(row, 3, row, 6, "", &f.subtotal)?;
    sheet.write_blank(row, 7, &f.subtotal)?;
    sheet.write_blank(row, 8, &f.subtotal)?;
    row += 1;

    if !rubric.penalties().is_empty() {
        sheet.merge_range(row, 0, row, LAST, "减分项", &f.section)?;
        row += 1;
        for (p, penalty) in rubric.penalties().iter().enumerate() {
            let first = row;
            let forms = rubric
                .forms()
                .penalties
                .get(p)
                .map_or(&[][..], Vec::as_slice);
            for (c, clause) in penalty.clauses.iter().enumerate() {
                let owners = if clause.owners.is_empty() {
                    &penalty.owners
                } else {
                    &clause.owners
                };
                sheet.write_string_with_format(row, 3, clause.id.as_str(), &f.center)?;
                sheet.write_string_with_format(row, 4, clause.text.as_str(), &f.cell)?;
                sheet.write_string_with_format(
                    row,
                    5,
                    super::rule(rubric, clause, forms.get(c)),
                    &f.cell,
                )?;
                sheet.write_string_with_format(row, 6, joined(owners), &f.cell)?;
                sheet.write_blank(row, 7, &f.cell)?;
                row += 1;
            }
            let last = row.saturating_sub(1).max(first);
            let title = match penalty.cap {
                Some(cap) => format!(
                    "{}（最多扣 {} 分）",
                    penalty.title.as_str(),
                    plain(cap.value)
                ),
                None => penalty.title.as_str().to_owned(),
            };
            tall(sheet, first, last, 0, penalty.id.as_str(), &f.center)?;
            tall(sheet, first, last, 1, &title, &f.cell)?;
            tall(sheet, first, last, 2, "", &f.center)?;
            tall(sheet, first, last, 8, "", &f.center)?;
            row = row.max(first + 1);
        }
    }

    if !rubric.bonuses().is_empty() {
        sheet.merge_range(row, 0, row, LAST, "加分项", &f.section)?;
        row += 1;
        for bonus in rubric.bonuses() {
            let first = row;
            for (c, clause) in bonus.clauses.iter().enumerate() {
                sheet.write_string_with_format(row, 3, clause.id.as_str(), &f.center)?;
                sheet.write_string_with_format(row, 4, clause.text.as_str(), &f.cell)?;
                sheet.write_string_with_format(
                    row,
                    5,
                    super::rule(rubric, clause, bonus.forms.get(c)),
                    &f.cell,
                )?;
                sheet.write_string_with_format(row, 6, joined(&bonus.owners), &f.cell)?;
                sheet.write_blank(row, 7, &f.cell)?;
                row += 1;
            }
            let last = row.saturating_sub(1).max(first);
            let title = match bonus.cap {
                Some(cap) => format!("{}（最多加 {} 分）", bonus.title.as_str(), plain(cap.value)),
                None => bonus.title.as_str().to_owned(),
            };
            tall(sheet, first, last, 0, bonus.id.as_str(), &f.center)?;
            tall(sheet, first, last, 1, &title, &f.cell)?;
            tall(sheet, first, last, 2, "", &f.center)?;
            tall(sheet, first, last, 8, "", &f.center)?;
            row = row.max(first + 1);
        }
    }

    if !rubric.vetoes().is_empty() {
        sheet.merge_range(row, 0, row, LAST, "否决项", &f.section)?;
        row += 1;
        for veto in rubric.vetoes() {
            let grade = rubric
                .grade(veto.at_most.as_str())
                .map_or(veto.at_most.as_str(), |g| g.label.as_str());
            let mut text = if grade.is_empty() {
                format!("{}（得分为 0）", veto.text.as_str())
            } else {
                format!("{}（最高评为“{grade}”）", veto.text.as_str())
            };
            if !veto.when.is_empty() {
                let refs: Vec<String> = veto
                    .when
                    .iter()
                    .map(|r| format!("{}/{}", r.item.as_str(), r.clause.as_str()))
                    .collect();
                text.push_str(&format!("；以下评分要点扣分即触发：{}", refs.join("、")));
            }
            sheet.write_string_with_format(row, 0, veto.id.as_str(), &f.center)?;
            sheet.merge_range(row, 1, row, 6, &text, &f.cell)?;
            sheet.merge_range(row, 7, row, 8, "□是　□否", &f.center)?;
            row += 1;
        }
    }

    if !rubric.grades().is_empty() {
        let bands: Vec<String> = rubric
            .grades()
            .iter()
            .map(|g| match g.at_least {
                Some(a) => format!("{} ≥ {}", g.label.as_str(), plain(a.value)),
                None => format!("{} 其余", g.label.as_str()),
            })
            .collect();
        sheet.merge_range(
            row,
            0,
            row,
            LAST,
            &format!("等级：{}", bands.join("；")),
            &f.cell,
        )?;
        row += 1;
    }
    row += 1;
    sheet.merge_range(
        row,
        0,
        row,
        LAST,
        "考核得分：________　　减分：________　　最终得分：________　　等级：________",
        &f.plain,
    )?;
    row += 2;
    sheet.merge_range(
        row,
        0,
        row,
        LAST,
        "检查人（签字）：______________　　被检查单位负责人（签字）：______________　　日期：______________",
        &f.plain,
    )?;

    sheet.set_paper_size(9);
    sheet.set_portrait();
    sheet.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    sheet.set_footer("&C第 &P 页，共 &N 页");
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    book.save_to_buffer()
}

/// The rows of one item: its clauses and externals; the item's id, title,
/// weight and 得分 cells span them.
fn item_rows(
    sheet: &mut Worksheet,
    f: &Formats,
    rubric: &Rubric,
    index: usize,
    item: &Item,
    mut row: u32,
) -> Result<u32, XlsxError> {
    let first = row;
    let forms = rubric
        .item_form(index)
        .map_or(&[][..], |f| f.clauses.as_slice());
    for (c, clause) in item.clauses.iter().enumerate() {
        let owners = if clause.owners.is_empty() {
            &item.owners
        } else {
            &clause.owners
        };
        sheet.write_string_with_format(row, 3, clause.id.as_str(), &f.center)?;
        sheet.write_string_with_format(row, 4, clause.text.as_str(), &f.cell)?;
        sheet.write_string_with_format(
            row,
            5,
            super::rule(rubric, clause, forms.get(c)),
            &f.cell,
        )?;
        sheet.write_string_with_format(row, 6, joined(owners), &f.cell)?;
        sheet.write_blank(row, 7, &f.cell)?;
        row += 1;
    }
    for external in &item.externals {
        sheet.write_string_with_format(row, 3, external.id.as_str(), &f.center)?;
        sheet.write_string_with_format(row, 4, external.title.as_str(), &f.cell)?;
        sheet.write_string_with_format(row, 5, external_rule(external), &f.cell)?;
        sheet.write_string_with_format(row, 6, joined(&external.by), &f.cell)?;
        sheet.write_string_with_format(row, 7, "得分：", &f.cell)?;
        row += 1;
    }
    if item.optional {
        sheet.write_blank(row, 3, &f.center)?;
        sheet.write_string_with_format(row, 4, "本项不涉及（不考核）：□", &f.cell)?;
        sheet.write_string_with_format(row, 5, "选查项", &f.cell)?;
        sheet.write_blank(row, 6, &f.cell)?;
        sheet.write_blank(row, 7, &f.cell)?;
        row += 1;
    }
    if row == first {
        for col in 3..=7 {
            sheet.write_blank(row, col, &f.cell)?;
        }
        row += 1;
    }
    let last = row - 1;
    tall(sheet, first, last, 0, item.id.as_str(), &f.center)?;
    tall(sheet, first, last, 1, item.title.as_str(), &f.cell)?;
    if first != last {
        sheet.merge_range(first, 2, last, 2, "", &f.center)?;
    }
    if rubric.item_weighted(index) {
        sheet.write_number_with_format(first, 2, number(item.weight.value), &f.center)?;
    }
    tall(sheet, first, last, 8, "", &f.center)?;
    Ok(row)
}

/// A cell spanning rows `first..=last` of one column.
fn tall(
    sheet: &mut Worksheet,
    first: u32,
    last: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if first == last {
        sheet.write_string_with_format(first, col, text, format)?;
    } else {
        sheet.merge_range(first, col, last, col, text, format)?;
    }
    Ok(())
}

fn joined(list: &[crate::model::Text]) -> String {
    list.iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join("、")
}
