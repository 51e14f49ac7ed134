//! The inspector's workbook (`rubric template RUBRIC --format xlsx`).
//!
//! One row per clause and external of every item (and one per optional
//! item, to declare it not applicable), penalties and vetoes on sheets of
//! their own. The rubric's columns are locked (sheet protection without a
//! password) and the header is frozen; only the input cells a row's shape
//! takes are open, yellow, and validated (whole numbers for counts, the
//! allowed range for amounts and scores). A hidden sheet records the rubric's
//! title, version and fingerprint so that [`read`](super::read) refuses a
//! workbook made for another rubric.

use super::{fingerprint, number, yes_no, Field, Lang, META_KIND, META_SHEET};
use crate::model::{Clause, Deduction, Item, Limit, Rubric};
use crate::report::plain;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, DocProperties, Format, FormatAlign, FormatBorder,
    ProtectionOptions, Workbook, Worksheet, XlsxError,
};

/// The row of the column headers (0-based); data starts below it.
pub const HEADER_ROW: u32 = 3;

/// The columns of the items sheet, in order.
const ITEM_COLUMNS: &[Field] = &[
    Field::Item,
    Field::Title,
    Field::Weight,
    Field::Clause,
    Field::External,
    Field::Text,
    Field::Rule,
    Field::Owners,
    Field::Found,
    Field::Count,
    Field::Entities,
    Field::Amount,
    Field::Value,
    Field::Score,
    Field::NotApplicable,
    Field::Reason,
    Field::Note,
    Field::Evidence,
];

/// The columns of the penalties sheet.
const PENALTY_COLUMNS: &[Field] = &[
    Field::Item,
    Field::Title,
    Field::Clause,
    Field::Text,
    Field::Rule,
    Field::Owners,
    Field::Found,
    Field::Count,
    Field::Entities,
    Field::Amount,
    Field::Value,
    Field::Note,
    Field::Evidence,
];

/// The columns of the vetoes sheet.
const VETO_COLUMNS: &[Field] = &[
    Field::Veto,
    Field::Text,
    Field::AtMost,
    Field::Rule,
    Field::Found,
    Field::Note,
    Field::Evidence,
];

/// The sheet names in a language: items, penalties, vetoes.
pub fn sheet_names(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::Zh => ["评分", "减分项", "否决项"],
        Lang::En => ["Items", "Penalties", "Vetoes"],
    }
}

fn width(field: Field) -> f64 {
    match field {
        Field::Item | Field::Clause | Field::Weight | Field::Veto => 7.0,
        Field::External | Field::Found | Field::Count | Field::Amount | Field::Value => 9.0,
        Field::Score | Field::NotApplicable | Field::AtMost => 9.0,
        Field::Title | Field::Entities | Field::Reason | Field::Owners => 18.0,
        Field::Text => 40.0,
        Field::Rule => 22.0,
        Field::Note | Field::Evidence => 24.0,
        Field::Subject => 14.0,
    }
}

/// The formats of one workbook.
struct Formats {
    title: Format,
    header: Format,
    locked: Format,
    input: Format,
    input_percent: Format,
    closed: Format,
    help: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            header: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0x00D9_E1F2)),
            locked: cell.clone(),
            input: cell
                .clone()
                .set_unlocked()
                .set_background_color(Color::RGB(0x00FF_F2CC)),
            input_percent: cell
                .clone()
                .set_unlocked()
                .set_background_color(Color::RGB(0x00FF_F2CC))
                .set_num_format("0.##%"),
            closed: cell.set_background_color(Color::RGB(0x00EE_EEEE)),
            help: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x0059_5959)),
        }
    }
}

/// A row to write: the rubric's cells, and which inputs are open.
struct Row<'a> {
    cells: Vec<(Field, Cell)>,
    inputs: Vec<Input<'a>>,
}

enum Cell {
    Text(String),
    Number(f64),
}

/// An open input cell and how it is validated.
struct Input<'a> {
    field: Field,
    validation: Validation,
    /// A value written in advance (an external's full weight).
    preset: Option<f64>,
    /// Shown when the cell is selected.
    prompt: Option<&'a str>,
}

enum Validation {
    None,
    WholeNumber,
    Between(f64, f64),
    AtLeastZero,
    Percent,
    YesNo,
}

impl<'a> Input<'a> {
    fn new(field: Field, validation: Validation) -> Input<'a> {
        Input {
            field,
            validation,
            preset: None,
            prompt: None,
        }
    }
}

/// The inputs of a clause, by its shape; `note` and `evidence` fit every row.
fn clause_inputs<'a>(clause: &Clause, clause_weight: rust_decimal::Decimal) -> Vec<Input<'a>> {
    let mut inputs = match &clause.deduction {
        Deduction::Once { .. } | Deduction::All { .. } => vec![
            Input::new(Field::Found, Validation::YesNo),
            Input::new(Field::Count, Validation::WholeNumber),
        ],
        Deduction::Per { .. } => vec![
            Input::new(Field::Count, Validation::WholeNumber),
            Input::new(Field::Entities, Validation::None),
        ],
        Deduction::UpTo { max } => {
            let max = match max {
                Limit::Amount(a) => a.value,
                Limit::ItemWeight(_) => clause_weight,
            };
            vec![Input::new(
                Field::Amount,
                Validation::Between(0.0, number(max)),
            )]
        }
        Deduction::Threshold { threshold, .. } => vec![Input::new(
            Field::Value,
            if threshold.percent {
                Validation::Percent
            } else {
                Validation::AtLeastZero
            },
        )],
    };
    inputs.push(Input::new(Field::Note, Validation::None));
    inputs.push(Input::new(Field::Evidence, Validation::None));
    inputs
}

/// The inspector's workbook of a rubric, as the bytes of an `.xlsx` file.
pub fn workbook(rubric: &Rubric, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    let [items_name, penalties_name, vetoes_name] = sheet_names(lang);
    let title = match rubric.version() {
        Some(v) => format!("{} ({})", rubric.title().as_str(), v.as_str()),
        None => rubric.title().as_str().to_owned(),
    };
    let fingerprint = fingerprint(rubric);
    book.set_properties(
        &DocProperties::new()
            .set_title(&title)
            .set_subject(match lang {
                Lang::Zh => "检查记录表",
                Lang::En => "Inspection workbook",
            })
            .set_custom_property("rubric-title", rubric.title().as_str())
            .set_custom_property(
                "rubric-version",
                rubric.version().map_or("", |v| v.as_str()),
            )
            .set_custom_property("rubric-fingerprint", fingerprint.as_str()),
    );

    let rows = item_rows(rubric, lang);
    let sheet = book.add_worksheet();
    sheet.set_name(items_name)?;
    write_sheet(sheet, &formats, lang, &title, true, ITEM_COLUMNS, &rows)?;

    if !rubric.penalties().is_empty() {
        let rows = penalty_rows(rubric);
        let sheet = book.add_worksheet();
        sheet.set_name(penalties_name)?;
        write_sheet(sheet, &formats, lang, &title, false, PENALTY_COLUMNS, &rows)?;
    }
    if !rubric.vetoes().is_empty() {
        let rows = veto_rows(rubric, lang);
        let sheet = book.add_worksheet();
        sheet.set_name(vetoes_name)?;
        write_sheet(sheet, &formats, lang, &title, false, VETO_COLUMNS, &rows)?;
    }

    let meta = book.add_worksheet();
    meta.set_name(META_SHEET)?;
    let entries = [
        ("kind", META_KIND.to_owned()),
        ("format", "1".to_owned()),
        ("title", rubric.title().as_str().to_owned()),
        (
            "version",
            rubric
                .version()
                .map_or_else(String::new, |v| v.as_str().to_owned()),
        ),
        ("fingerprint", fingerprint),
        (
            "lang",
            match lang {
                Lang::Zh => "zh",
                Lang::En => "en",
            }
            .to_owned(),
        ),
    ];
    for (row, (key, value)) in (0u32..).zip(entries) {
        meta.write_string(row, 0, key)?;
        meta.write_string(row, 1, value)?;
    }
    meta.set_column_width(1, 60)?;
    meta.protect();
    meta.set_hidden(true);
    book.save_to_buffer()
}

fn item_rows(rubric: &Rubric, lang: Lang) -> Vec<Row<'static>> {
    let mut rows = Vec::new();
    for item in rubric.items() {
        let base = |item: &Item| -> Vec<(Field, Cell)> {
            vec![
                (Field::Item, Cell::Text(item.id.as_str().to_owned())),
                (Field::Title, Cell::Text(item.title.as_str().to_owned())),
                (Field::Weight, Cell::Number(number(item.weight.value))),
                (Field::Owners, Cell::Text(joined(&item.owners))),
            ]
        };
        if item.optional {
            let mut cells = base(item);
            let (text, rule) = match lang {
                Lang::Zh => (
                    "本项不涉及时填写",
                    "选查项：不涉及的，不适用填“是”并写明理由",
                ),
                Lang::En => (
                    "Fill in when the item does not apply",
                    "Optional item: mark `yes` under not_applicable and say why",
                ),
            };
            cells.push((Field::Text, Cell::Text(text.to_owned())));
            cells.push((Field::Rule, Cell::Text(rule.to_owned())));
            rows.push(Row {
                cells,
                inputs: vec![
                    Input::new(Field::NotApplicable, Validation::YesNo),
                    Input::new(Field::Reason, Validation::None),
                    Input::new(Field::Note, Validation::None),
                    Input::new(Field::Evidence, Validation::None),
                ],
            });
        }
        for clause in &item.clauses {
            let mut cells = base(item);
            cells.push((Field::Clause, Cell::Text(clause.id.as_str().to_owned())));
            cells.push((Field::Text, Cell::Text(clause.text.as_str().to_owned())));
            cells.push((
                Field::Rule,
                Cell::Text(crate::export::rule_in_words(rubric, &clause.deduction)),
            ));
            if !clause.owners.is_empty() {
                cells.retain(|(f, _)| *f != Field::Owners);
                cells.push((Field::Owners, Cell::Text(joined(&clause.owners))));
            }
            rows.push(Row {
                cells,
                inputs: clause_inputs(clause, item.clause_weight()),
            });
        }
        for external in &item.externals {
            let mut cells = base(item);
            cells.push((Field::External, Cell::Text(external.id.as_str().to_owned())));
            cells.push((Field::Text, Cell::Text(external.title.as_str().to_owned())));
            cells.push((Field::Rule, Cell::Text(external_rule(external))));
            let weight = number(external.weight.value);
            let mut score = Input::new(Field::Score, Validation::Between(0.0, weight));
            score.preset = Some(weight);
            rows.push(Row {
                cells,
                inputs: vec![
                    score,
                    Input::new(Field::Note, Validation::None),
                    Input::new(Field::Evidence, Validation::None),
                ],
            });
        }
    }
    rows
}

fn penalty_rows(rubric: &Rubric) -> Vec<Row<'static>> {
    let mut rows = Vec::new();
    for penalty in rubric.penalties() {
        let title = match penalty.cap {
            Some(cap) => format!(
                "{}（最多扣 {} 分）",
                penalty.title.as_str(),
                plain(cap.value)
            ),
            None => penalty.title.as_str().to_owned(),
        };
        for clause in &penalty.clauses {
            let owners = if clause.owners.is_empty() {
                &penalty.owners
            } else {
                &clause.owners
            };
            rows.push(Row {
                cells: vec![
                    (Field::Item, Cell::Text(penalty.id.as_str().to_owned())),
                    (Field::Title, Cell::Text(title.clone())),
                    (Field::Clause, Cell::Text(clause.id.as_str().to_owned())),
                    (Field::Text, Cell::Text(clause.text.as_str().to_owned())),
                    (
                        Field::Rule,
                        Cell::Text(crate::export::rule_in_words(rubric, &clause.deduction)),
                    ),
                    (Field::Owners, Cell::Text(joined(owners))),
                ],
                inputs: clause_inputs(clause, rust_decimal::Decimal::ZERO),
            });
        }
    }
    rows
}

fn veto_rows(rubric: &Rubric, lang: Lang) -> Vec<Row<'static>> {
    rubric
        .vetoes()
        .iter()
        .map(|veto| {
            let grade = rubric
                .grade(veto.at_most.as_str())
                .map_or(veto.at_most.as_str(), |g| g.label.as_str());
            let refs: Vec<String> = veto
                .when
                .iter()
                .map(|r| format!("{}/{}", r.item.as_str(), r.clause.as_str()))
                .collect();
            let rule = match (lang, refs.is_empty()) {
                (Lang::Zh, true) => "检查人认定".to_owned(),
                (Lang::Zh, false) => {
                    format!("以下评分要点扣分即触发：{}；也可直接认定", refs.join("、"))
                }
                (Lang::En, true) => "marked by the inspector".to_owned(),
                (Lang::En, false) => {
                    format!("triggered when {} deducts; or marked", refs.join(", "))
                }
            };
            Row {
                cells: vec![
                    (Field::Veto, Cell::Text(veto.id.as_str().to_owned())),
                    (Field::Text, Cell::Text(veto.text.as_str().to_owned())),
                    (Field::AtMost, Cell::Text(grade.to_owned())),
                    (Field::Rule, Cell::Text(rule)),
                ],
                inputs: vec![
                    Input::new(Field::Found, Validation::YesNo),
                    Input::new(Field::Note, Validation::None),
                    Input::new(Field::Evidence, Validation::None),
                ],
            }
        })
        .collect()
}

/// An external's rule in words: who scores it, and out of how much.
pub fn external_rule(external: &crate::model::External) -> String {
    let by = joined(&external.by);
    let weight = plain(external.weight.value);
    if by.is_empty() {
        format!("直接评分，满分 {weight} 分")
    } else {
        format!("由{by}直接评分，满分 {weight} 分")
    }
}

fn joined(list: &[crate::model::Text]) -> String {
    list.iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

/// Writes one sheet: title, subject (on the first sheet), a line of help,
/// the header, and the rows; then protection, frozen header, print setup.
fn write_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    lang: Lang,
    title: &str,
    with_subject: bool,
    columns: &[Field],
    rows: &[Row],
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, title, &formats.title)?;
    if with_subject {
        sheet.merge_range(1, 0, 1, 1, &Field::Subject.header(lang), &formats.header)?;
        sheet.merge_range(1, 2, 1, 5, "", &formats.input)?;
    }
    let help = match lang {
        Lang::Zh => "黄色单元格为填写项；整行留空即未发现。是否发现填“是”扣分、填“否”记为已检查未发现；名称、证据可用换行或“、”“；”分隔。",
        Lang::En => "Fill in the yellow cells; a row left empty is not found. Found: `yes` deducts, `no` records checked and not found; separate names and evidence by line breaks or `;`.",
    };
    sheet.write_string_with_format(2, 0, help, &formats.help)?;
    for (col, field) in (0u16..).zip(columns) {
        sheet.write_string_with_format(HEADER_ROW, col, field.header(lang), &formats.header)?;
        sheet.set_column_width(col, width(*field))?;
    }
    let [yes, no] = yes_no(lang);
    for (row, data) in (HEADER_ROW + 1..).zip(rows) {
        for (col, field) in (0u16..).zip(columns) {
            if let Some((_, cell)) = data.cells.iter().find(|(f, _)| f == field) {
                match cell {
                    Cell::Text(text) => {
                        sheet.write_string_with_format(row, col, text, &formats.locked)?
                    }
                    Cell::Number(n) => {
                        sheet.write_number_with_format(row, col, *n, &formats.locked)?
                    }
                };
                continue;
            }
            let Some(input) = data.inputs.iter().find(|i| i.field == *field) else {
                sheet.write_blank(row, col, &formats.closed)?;
                continue;
            };
            let format = if matches!(input.validation, Validation::Percent) {
                &formats.input_percent
            } else {
                &formats.input
            };
            match input.preset {
                Some(n) => sheet.write_number_with_format(row, col, n, format)?,
                None => sheet.write_blank(row, col, format)?,
            };
            let validation = match &input.validation {
                Validation::None => None,
                Validation::WholeNumber => Some(
                    DataValidation::new()
                        .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
                ),
                Validation::Between(low, high) => Some(
                    DataValidation::new()
                        .allow_decimal_number(DataValidationRule::Between(*low, *high)),
                ),
                Validation::AtLeastZero | Validation::Percent => Some(
                    DataValidation::new()
                        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
                ),
                Validation::YesNo => Some(DataValidation::new().allow_list_strings(&[yes, no])?),
            };
            if let Some(mut validation) = validation {
                if let Some(prompt) = input.prompt {
                    validation = validation.set_input_message(prompt)?;
                }
                sheet.add_data_validation(row, col, row, col, &validation)?;
            }
        }
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    sheet.protect_with_options(&ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    });
    sheet.set_paper_size(9);
    sheet.set_landscape();
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}
