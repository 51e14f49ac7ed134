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
use crate::model::{Clause, ClauseForm, Deduction, Item, Limit, RatePoint, Rubric, Shape};
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
    Field::Level,
    Field::Text,
    Field::Rule,
    Field::Owners,
    Field::Found,
    Field::Count,
    Field::Entities,
    Field::Amount,
    Field::Value,
    Field::Target,
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
    Field::Level,
    Field::Text,
    Field::Rule,
    Field::Owners,
    Field::Found,
    Field::Count,
    Field::Entities,
    Field::Amount,
    Field::Value,
    Field::Target,
    Field::Note,
    Field::Evidence,
];

/// The columns of the facts sheet.
const FACT_COLUMNS: &[Field] = &[
    Field::Fact,
    Field::Text,
    Field::Rule,
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

/// The sheet names in a language: items, penalties, vetoes, bonus items, facts.
pub fn sheet_names(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::Zh => ["评分", "减分项", "否决项", "加分项", "事实"],
        Lang::En => ["Items", "Penalties", "Vetoes", "Bonuses", "Facts"],
    }
}

fn width(field: Field) -> f64 {
    match field {
        Field::Item | Field::Clause | Field::Weight | Field::Veto | Field::Level => 7.0,
        Field::Target | Field::Fact => 9.0,
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
struct Row {
    cells: Vec<(Field, Cell)>,
    inputs: Vec<Input>,
}

#[derive(Clone)]
enum Cell {
    Text(String),
    Number(f64),
}

/// An open input cell and how it is validated.
struct Input {
    field: Field,
    validation: Validation,
    /// A value written in advance (an external's full weight).
    preset: Option<f64>,
}

enum Validation {
    None,
    WholeNumber,
    Between(f64, f64),
    AtLeastZero,
    Percent,
    YesNo,
}

impl Input {
    fn new(field: Field, validation: Validation) -> Input {
        Input {
            field,
            validation,
            preset: None,
        }
    }
}

/// The inputs of a clause, by its shape (and its version 2 form); `note`
/// and `evidence` fit every row.
fn clause_inputs(
    clause: &Clause,
    form: Option<&ClauseForm>,
    clause_weight: rust_decimal::Decimal,
) -> Vec<Input> {
    let percent = |a: &crate::model::Amount| {
        if a.percent {
            Validation::Percent
        } else {
            Validation::AtLeastZero
        }
    };
    if let Some(shape) = form.and_then(|f| f.shape.as_ref()) {
        let mut inputs = match shape {
            Shape::Levels { unit: Some(_), .. } => vec![
                Input::new(Field::Count, Validation::WholeNumber),
                Input::new(Field::Entities, Validation::None),
            ],
            Shape::Levels { unit: None, .. } => vec![
                Input::new(Field::Found, Validation::YesNo),
                Input::new(Field::Count, Validation::WholeNumber),
            ],
            Shape::Rate {
                threshold, step, ..
            } => match threshold {
                RatePoint::Fixed(p) => vec![Input::new(Field::Value, percent(p))],
                RatePoint::Target(_) => {
                    let kind = || match step {
                        Some(s) if s.percent => Validation::Percent,
                        _ => Validation::AtLeastZero,
                    };
                    vec![
                        Input::new(Field::Value, kind()),
                        Input::new(Field::Target, kind()),
                    ]
                }
            },
            Shape::Tiers { tiers, .. } => vec![Input::new(
                Field::Value,
                tiers
                    .first()
                    .map_or(Validation::AtLeastZero, |t| percent(&t.threshold)),
            )],
            Shape::Range {
                min,
                max,
                per_occurrence: None,
                ..
            } => vec![Input::new(
                Field::Amount,
                Validation::Between(number(min.value), number(max.value)),
            )],
            // One amount per occurrence, several in one cell.
            Shape::Range { .. } => vec![Input::new(Field::Amount, Validation::None)],
            Shape::Exhausted { .. } => return Vec::new(),
        };
        inputs.push(Input::new(Field::Note, Validation::None));
        inputs.push(Input::new(Field::Evidence, Validation::None));
        return inputs;
    }
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
    let [items_name, penalties_name, vetoes_name, bonuses_name, facts_name] = sheet_names(lang);
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
        let rows = penalty_rows(rubric, false);
        let sheet = book.add_worksheet();
        sheet.set_name(penalties_name)?;
        write_sheet(sheet, &formats, lang, &title, false, PENALTY_COLUMNS, &rows)?;
    }
    if !rubric.bonuses().is_empty() {
        let rows = penalty_rows(rubric, true);
        let sheet = book.add_worksheet();
        sheet.set_name(bonuses_name)?;
        write_sheet(sheet, &formats, lang, &title, false, PENALTY_COLUMNS, &rows)?;
    }
    if !rubric.vetoes().is_empty() {
        let rows = veto_rows(rubric, lang);
        let sheet = book.add_worksheet();
        sheet.set_name(vetoes_name)?;
        write_sheet(sheet, &formats, lang, &title, false, VETO_COLUMNS, &rows)?;
    }
    if !rubric.facts().is_empty() {
        let rows = fact_rows(rubric, lang);
        let sheet = book.add_worksheet();
        sheet.set_name(facts_name)?;
        write_sheet(sheet, &formats, lang, &title, false, FACT_COLUMNS, &rows)?;
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

/// The rows of a clause: one, or one per level of a level table.
fn clause_rows(
    rubric: &Rubric,
    base: Vec<(Field, Cell)>,
    clause: &Clause,
    form: Option<&ClauseForm>,
    clause_weight: rust_decimal::Decimal,
    owners: &[crate::model::Text],
) -> Vec<Row> {
    let mut cells = base;
    cells.push((Field::Clause, Cell::Text(clause.id.as_str().to_owned())));
    cells.push((Field::Text, Cell::Text(clause.text.as_str().to_owned())));
    cells.retain(|(f, _)| *f != Field::Owners);
    let owners = if clause.owners.is_empty() {
        owners
    } else {
        &clause.owners
    };
    cells.push((Field::Owners, Cell::Text(joined(owners))));
    let rule = super::rule(rubric, clause, form);
    let inputs = || clause_inputs(clause, form, clause_weight);
    match form.and_then(|f| f.shape.as_ref()) {
        Some(Shape::Levels { amounts, .. }) => (1..=amounts.len())
            .map(|k| {
                let mut cells = cells.clone();
                cells.push((Field::Level, Cell::Number(k as f64)));
                let name = rubric
                    .forms()
                    .levels
                    .get(k - 1)
                    .map_or_else(|| format!("{k} 级"), |l| l.as_str().to_owned());
                cells.push((Field::Rule, Cell::Text(format!("【{name}】{rule}"))));
                Row {
                    cells,
                    inputs: inputs(),
                }
            })
            .collect(),
        _ => {
            cells.push((Field::Rule, Cell::Text(rule)));
            vec![Row {
                cells,
                inputs: inputs(),
            }]
        }
    }
}

fn item_rows(rubric: &Rubric, lang: Lang) -> Vec<Row> {
    let mut rows = Vec::new();
    for (index, item) in rubric.items().iter().enumerate() {
        let weighted = rubric.item_weighted(index);
        let base = |item: &Item| -> Vec<(Field, Cell)> {
            vec![
                (Field::Item, Cell::Text(item.id.as_str().to_owned())),
                (Field::Title, Cell::Text(item.title.as_str().to_owned())),
                (
                    Field::Weight,
                    if weighted {
                        Cell::Number(number(item.weight.value))
                    } else {
                        Cell::Text(String::new())
                    },
                ),
                (Field::Owners, Cell::Text(joined(&item.owners))),
            ]
        };
        let forms = rubric
            .item_form(index)
            .map_or(&[][..], |f| f.clauses.as_slice());
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
        for (c, clause) in item.clauses.iter().enumerate() {
            rows.extend(clause_rows(
                rubric,
                base(item),
                clause,
                forms.get(c),
                item.clause_weight(),
                &item.owners,
            ));
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

/// The rows of penalties (`bonus` false) or bonus items (`bonus` true).
fn penalty_rows(rubric: &Rubric, bonus: bool) -> Vec<Row> {
    let mut rows = Vec::new();
    let forms = &rubric.forms().penalties;
    let mut add = |id: &str,
                   title: &str,
                   cap: Option<crate::model::Amount>,
                   owners: &[crate::model::Text],
                   clauses: &[Clause],
                   forms: &[ClauseForm]| {
        let verb = if bonus { "加" } else { "扣" };
        let title = match cap {
            Some(cap) => format!("{title}（最多{verb} {} 分）", plain(cap.value)),
            None => title.to_owned(),
        };
        for (c, clause) in clauses.iter().enumerate() {
            let base = vec![
                (Field::Item, Cell::Text(id.to_owned())),
                (Field::Title, Cell::Text(title.clone())),
            ];
            rows.extend(clause_rows(
                rubric,
                base,
                clause,
                forms.get(c),
                rust_decimal::Decimal::ZERO,
                owners,
            ));
        }
    };
    if bonus {
        for b in rubric.bonuses() {
            add(
                b.id.as_str(),
                b.title.as_str(),
                b.cap,
                &b.owners,
                &b.clauses,
                &b.forms,
            );
        }
    } else {
        for (p, penalty) in rubric.penalties().iter().enumerate() {
            add(
                penalty.id.as_str(),
                penalty.title.as_str(),
                penalty.cap,
                &penalty.owners,
                &penalty.clauses,
                forms.get(p).map_or(&[][..], Vec::as_slice),
            );
        }
    }
    rows
}

fn fact_rows(rubric: &Rubric, lang: Lang) -> Vec<Row> {
    rubric
        .facts()
        .iter()
        .map(|fact| {
            let rule = match (&fact.default, lang) {
                (Some(d), Lang::Zh) => format!("不填即按默认值 {} 计", plain(d.value)),
                (Some(d), Lang::En) => format!("{} when left empty", plain(d.value)),
                (None, Lang::Zh) => "无默认值：条件用到时必须填写".to_owned(),
                (None, Lang::En) => "no default: give it when a condition uses it".to_owned(),
            };
            Row {
                cells: vec![
                    (Field::Fact, Cell::Text(fact.id.as_str().to_owned())),
                    (Field::Text, Cell::Text(fact.text.as_str().to_owned())),
                    (Field::Rule, Cell::Text(rule)),
                ],
                inputs: vec![
                    Input::new(Field::Value, Validation::None),
                    Input::new(Field::Note, Validation::None),
                    Input::new(Field::Evidence, Validation::None),
                ],
            }
        })
        .collect()
}

fn veto_rows(rubric: &Rubric, lang: Lang) -> Vec<Row> {
    rubric
        .vetoes()
        .iter()
        .map(|veto| {
            let grade = rubric
                .grade(veto.at_most.as_str())
                .map_or(veto.at_most.as_str(), |g| g.label.as_str());
            let grade = if grade.is_empty() {
                match lang {
                    Lang::Zh => "得分为 0",
                    Lang::En => "score 0",
                }
            } else {
                grade
            };
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
            if let Some(validation) = validation {
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
