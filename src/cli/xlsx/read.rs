//! Reading a filled inspector's workbook into [`Findings`].
//!
//! The workbook's hidden sheet must name this rubric: its title, version and
//! fingerprint. Columns are found by the field their header names, rows by
//! their `item` and `clause` (or `external`, or `veto`) ids. A row left empty
//! is not a finding; everything else becomes exactly the finding the same
//! JSON would give. Numbers stored as text, full-width digits and `0.3分` are
//! read; dates, error values, formulas without a computed value and merged
//! input cells are refused, each located as `Sheet!C12` with its item and
//! clause.

use super::{cell_name, Field, META_KIND, META_SHEET};
use crate::eval::findings::Level;
use crate::eval::{Finding, Findings, FindingsErrors, Location};
use crate::model::Rubric;
use calamine::{Data, Range, Reader, Xlsx};
use rust_decimal::Decimal;
use std::io::Cursor;

/// A filled workbook read into findings, with where each came from.
#[derive(Debug, Clone)]
pub struct Filled {
    /// The findings, in the workbook's order.
    pub findings: Findings,
    /// Where each finding (by index) was read from.
    places: Vec<Place>,
    /// The rows of externals (`ITEM/EXTERNAL`) and facts (`fact ID`), for
    /// the scores and values evaluation finds missing.
    externals: Vec<(String, Place)>,
    /// The cell the subject was read from.
    subject: Option<String>,
}

/// A row of a sheet.
#[derive(Debug, Clone)]
struct Place {
    sheet: String,
    row: u32,
    columns: Vec<(Field, u16)>,
    /// `item 2.1, clause c`.
    context: String,
}

impl Place {
    fn cell(&self, field: Option<Field>) -> String {
        let col = field
            .and_then(|f| self.columns.iter().find(|(c, _)| *c == f))
            .or_else(|| self.columns.first())
            .map_or(0, |(_, col)| *col);
        format!("{}!{}", sheet_ref(&self.sheet), cell_name(self.row, col))
    }
}

/// `评分` or `'My sheet'`: a sheet name as a cell reference writes it.
fn sheet_ref(name: &str) -> String {
    if name
        .chars()
        .any(|c| c.is_whitespace() || "!'-+(),;".contains(c))
    {
        format!("'{}'", name.replace('\'', "''"))
    } else {
        name.to_owned()
    }
}

/// A problem with a workbook, located at a cell when it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `评分!K12`, or `None` for the workbook as a whole.
    pub at: Option<String>,
    /// `item 2.1, clause c`.
    pub context: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Problem {
    fn whole(message: impl Into<String>, help: Option<String>) -> Problem {
        Problem {
            at: None,
            context: None,
            message: message.into(),
            help,
        }
    }
}

/// `FILE: 评分!K12 (item 2.1, clause c): error: MESSAGE`, a help line, and a
/// closing count.
pub fn render(path: &str, problems: &[Problem]) -> String {
    let mut out = String::new();
    for problem in problems {
        out.push_str(path);
        out.push_str(": ");
        if let Some(at) = &problem.at {
            out.push_str(at);
            if let Some(context) = &problem.context {
                out.push_str(" (");
                out.push_str(context);
                out.push(')');
            }
            out.push_str(": ");
        }
        out.push_str("error: ");
        out.push_str(&problem.message);
        out.push('\n');
        if let Some(help) = &problem.help {
            out.push_str("  = help: ");
            out.push_str(help);
            out.push('\n');
        }
    }
    let count = problems.len();
    out.push_str(&format!(
        "error: {count} problem{} in the workbook; no report was made\n",
        if count == 1 { "" } else { "s" }
    ));
    out
}

/// The problems evaluation found with a workbook's findings, at the cells
/// they were read from.
pub fn locate(filled: &Filled, errors: &FindingsErrors) -> Vec<Problem> {
    errors
        .iter()
        .map(|error| {
            let (at, context) = match &error.location {
                Location::Finding { index, field } => match filled.places.get(*index) {
                    Some(place) => (
                        Some(place.cell(field.and_then(field_named))),
                        Some(place.context.clone()),
                    ),
                    None => (None, None),
                },
                Location::Rubric(path) => match filled.externals.iter().find(|(p, _)| p == path) {
                    Some((_, place)) => {
                        let field = if path.starts_with("fact ") {
                            Field::Value
                        } else {
                            Field::Score
                        };
                        (Some(place.cell(Some(field))), Some(place.context.clone()))
                    }
                    None => (None, Some(path.clone())),
                },
                Location::Field("subject") => (filled.subject.clone(), None),
                _ => (None, None),
            };
            Problem {
                at,
                context,
                message: error.message.clone(),
                help: error.help.clone(),
            }
        })
        .collect()
}

fn field_named(name: &str) -> Option<Field> {
    Field::ALL.into_iter().find(|f| f.name() == name)
}

/// Reads a filled workbook made for `rubric`.
pub fn read(bytes: &[u8], rubric: &Rubric) -> Result<Filled, Vec<Problem>> {
    let mut book: Xlsx<_> = match calamine::open_workbook_from_rs(Cursor::new(bytes)) {
        Ok(book) => book,
        Err(e) => {
            return Err(vec![Problem::whole(
                format!("not a workbook that can be read: {e}"),
                Some("save it as an Excel workbook (.xlsx)".into()),
            )])
        }
    };
    check_meta(&mut book, rubric)?;
    let _ = book.load_merged_regions();
    let mut reader = RowReader::default();
    let names: Vec<String> = book
        .sheet_names()
        .into_iter()
        .filter(|n| n != META_SHEET)
        .collect();
    for name in names {
        let range = match book.worksheet_range(&name) {
            Ok(range) => range,
            Err(e) => {
                reader.problems.push(Problem::whole(
                    format!("cannot read sheet `{name}`: {e}"),
                    None,
                ));
                continue;
            }
        };
        let formulas = book.worksheet_formula(&name).unwrap_or_default();
        let merged: Vec<calamine::Dimensions> = book
            .merged_regions_by_sheet(&name)
            .into_iter()
            .map(|(_, _, d)| *d)
            .collect();
        reader.sheet(&name, &range, &formulas, &merged);
    }
    if reader.problems.is_empty() {
        Ok(Filled {
            findings: reader.findings,
            places: reader.places,
            externals: reader.externals,
            subject: reader.subject_cell,
        })
    } else {
        Err(reader.problems)
    }
}

/// Refuses a workbook that was not made for this rubric (or this version of it).
fn check_meta<R: std::io::Read + std::io::Seek>(
    book: &mut Xlsx<R>,
    rubric: &Rubric,
) -> Result<(), Vec<Problem>> {
    let help = Some(
        "make a workbook for this rubric with `rubric template RUBRIC --format xlsx`".to_owned(),
    );
    let Ok(meta) = book.worksheet_range(META_SHEET) else {
        return Err(vec![Problem::whole(
            format!("this workbook was not made by `rubric template`: it has no `{META_SHEET}` sheet saying which rubric it is for"),
            help,
        )]);
    };
    let get = |key: &str| -> String {
        meta.rows()
            .find(|row| {
                row.first()
                    .is_some_and(|c| matches!(c, Data::String(s) if s == key))
            })
            .and_then(|row| row.get(1))
            .map(|c| c.to_string())
            .unwrap_or_default()
    };
    if get("kind") != META_KIND {
        return Err(vec![Problem::whole(
            format!("this workbook was not made by `rubric template`: its `{META_SHEET}` sheet does not describe a rubric"),
            help,
        )]);
    }
    let title = get("title");
    let version = get("version");
    let ours = rubric.version().map_or("", |v| v.as_str());
    let named = |title: &str, version: &str| {
        if version.is_empty() {
            format!("“{title}”")
        } else {
            format!("“{title}” version {version}")
        }
    };
    if title != rubric.title().as_str() {
        return Err(vec![Problem::whole(
            format!(
                "this workbook was made for another rubric, {}, not for {}",
                named(&title, &version),
                named(rubric.title().as_str(), ours)
            ),
            help,
        )]);
    }
    if version != ours {
        return Err(vec![Problem::whole(
            format!(
                "this workbook was made for another version of the rubric: {}, not {}",
                named(&title, &version),
                named(rubric.title().as_str(), ours)
            ),
            help,
        )]);
    }
    if get("fingerprint") != super::fingerprint(rubric) {
        return Err(vec![Problem::whole(
            format!(
                "this workbook was made for another text of {}: the rubric has changed since (fingerprint {} in the workbook, {} now)",
                named(&title, &version),
                get("fingerprint"),
                super::fingerprint(rubric)
            ),
            help,
        )]);
    }
    Ok(())
}

/// A cell's value, as the reader sees it.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Empty,
    Text(String),
    /// A number, as the shortest decimal text that gives it back.
    Number(String),
    Bool(bool),
    Date,
    Error(String),
    /// A formula whose value was never computed (the file was not saved by
    /// a spreadsheet program).
    Uncomputed(String),
}

#[derive(Default)]
struct RowReader {
    findings: Findings,
    places: Vec<Place>,
    externals: Vec<(String, Place)>,
    subject_cell: Option<String>,
    problems: Vec<Problem>,
}

/// One row being read: where it is, and its problems.
struct RowCtx<'a> {
    place: &'a Place,
    problems: Vec<Problem>,
}

impl RowCtx<'_> {
    fn problem(&mut self, field: Field, message: String, help: Option<String>) {
        self.problems.push(Problem {
            at: Some(self.place.cell(Some(field))),
            context: Some(self.place.context.clone()),
            message: format!("{}: {message}", field.name()),
            help,
        });
    }
}

impl RowReader {
    fn sheet(
        &mut self,
        name: &str,
        range: &Range<Data>,
        formulas: &Range<String>,
        merged: &[calamine::Dimensions],
    ) {
        let (Some(start), Some(end)) = (range.start(), range.end()) else {
            return;
        };
        let value = |row: u32, col: u16| -> Value {
            let col32 = u32::from(col);
            let value = match range.get_value((row, col32)) {
                None | Some(Data::Empty) => Value::Empty,
                Some(Data::String(s)) => {
                    let t = s.trim_matches(|c: char| c.is_whitespace());
                    if t.is_empty() {
                        Value::Empty
                    } else {
                        Value::Text(t.to_owned())
                    }
                }
                Some(Data::Int(i)) => Value::Number(i.to_string()),
                Some(Data::Float(f)) => Value::Number(format!("{f}")),
                Some(Data::Bool(b)) => Value::Bool(*b),
                Some(Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_)) => {
                    Value::Date
                }
                Some(Data::Error(e)) => Value::Error(e.to_string()),
            };
            match (value, formulas.get_value((row, col32))) {
                (Value::Empty, Some(f)) if !f.is_empty() => Value::Uncomputed(f.clone()),
                (value, _) => value,
            }
        };
        let last_col = u16::try_from(end.1).unwrap_or(u16::MAX);
        // The header: the first row that names `item` or `veto`.
        let header = (start.0..=end.0.min(start.0.saturating_add(20))).find(|&row| {
            (0..=last_col).any(|col| match value(row, col) {
                Value::Text(t) => {
                    matches!(
                        Field::from_header(&t),
                        Some(Field::Item | Field::Veto | Field::Fact)
                    )
                }
                _ => false,
            })
        });
        let Some(header) = header else {
            // One of the workbook's own sheets without its header row.
            let ours = [super::Lang::Zh, super::Lang::En]
                .iter()
                .any(|lang| super::template::sheet_names(*lang).contains(&name));
            if ours {
                self.problems.push(Problem {
                    at: Some(format!("{}!A1", sheet_ref(name))),
                    context: None,
                    message: "this sheet has lost its header row (the row naming `item`, `veto` or `fact`), so its rows cannot be read".into(),
                    help: Some("copy the header row back from a new workbook made by `rubric template`".into()),
                });
            }
            return;
        };
        let mut columns: Vec<(Field, u16)> = Vec::new();
        for col in 0..=last_col {
            if let Value::Text(t) = value(header, col) {
                if let Some(field) = Field::from_header(&t) {
                    if !columns.iter().any(|(f, _)| *f == field) {
                        columns.push((field, col));
                    }
                }
            }
        }
        // The subject: the first filled cell right of its label, above the header.
        if self.subject_cell.is_none() {
            'rows: for row in start.0..header {
                for col in 0..=last_col {
                    let Value::Text(t) = value(row, col) else {
                        continue;
                    };
                    if Field::from_header(&t) != Some(Field::Subject) {
                        continue;
                    }
                    // The label may be merged over several cells.
                    let label_end = merged
                        .iter()
                        .find(|m| {
                            m.start.0 <= row
                                && row <= m.end.0
                                && m.start.1 <= u32::from(col)
                                && u32::from(col) <= m.end.1
                        })
                        .map_or(col, |m| u16::try_from(m.end.1).unwrap_or(col));
                    let at = (label_end + 1..=last_col).find(|&c| value(row, c) != Value::Empty);
                    let cell = at.unwrap_or(label_end + 1);
                    self.subject_cell =
                        Some(format!("{}!{}", sheet_ref(name), cell_name(row, cell)));
                    if let Some(c) = at {
                        match value(row, c) {
                            Value::Text(s) | Value::Number(s) => self.findings.subject = s,
                            other => self.problems.push(Problem {
                                at: self.subject_cell.clone(),
                                context: None,
                                message: format!(
                                    "subject: expected the name of who was inspected, found {}",
                                    describe(&other)
                                ),
                                help: None,
                            }),
                        }
                    }
                    break 'rows;
                }
            }
        }
        // A column whose header names no field: what is written in it would be lost.
        for col in 0..=last_col {
            if columns.iter().any(|(_, c)| *c == col) {
                continue;
            }
            if let Some(row) = (header + 1..=end.0).find(|&r| value(r, col) != Value::Empty) {
                let header_text = match value(header, col) {
                    Value::Text(t) | Value::Number(t) => format!("`{t}`"),
                    _ => "no header".to_owned(),
                };
                self.problems.push(Problem {
                    at: Some(format!("{}!{}", sheet_ref(name), cell_name(row, col))),
                    context: None,
                    message: format!(
                        "this column has {header_text}, which names no findings field; what is written in it would be lost"
                    ),
                    help: Some("write findings in the columns the workbook gives, whose headers end with the field they feed (`扣分次数 count`)".into()),
                });
            }
        }
        let col_of = |field: Field| columns.iter().find(|(f, _)| *f == field).map(|(_, c)| *c);
        let inputs: Vec<(Field, u16)> = columns
            .iter()
            .copied()
            .filter(|(f, _)| is_input(*f))
            .collect();
        // Merged input cells over several rows: only the first row would get the value.
        for region in merged {
            let rows_below = region.end.0 > header && region.end.0 > region.start.0;
            let over_input = inputs.iter().any(|(_, c)| {
                let c = u32::from(*c);
                region.start.1 <= c && c <= region.end.1
            });
            if rows_below && over_input {
                let first = (
                    region.start.0.max(header + 1),
                    u16::try_from(region.start.1).unwrap_or(0),
                );
                if value(region.start.0, u16::try_from(region.start.1).unwrap_or(0)) != Value::Empty
                {
                    self.problems.push(Problem {
                        at: Some(format!(
                            "{}!{}:{}",
                            sheet_ref(name),
                            cell_name(first.0, first.1),
                            cell_name(region.end.0, u16::try_from(region.end.1).unwrap_or(0))
                        )),
                        context: None,
                        message:
                            "merged cells over several rows: only the first row would get the value"
                                .into(),
                        help: Some("unmerge the cells and give each row its own value".into()),
                    });
                }
            }
        }
        for row in header + 1..=end.0 {
            let text_of = |field: Field| -> String {
                match col_of(field).map(|c| value(row, c)) {
                    Some(Value::Text(t) | Value::Number(t)) => t,
                    _ => String::new(),
                }
            };
            let item = text_of(Field::Item);
            let clause = text_of(Field::Clause);
            let external = text_of(Field::External);
            let veto = text_of(Field::Veto);
            let fact = text_of(Field::Fact);
            let level = match col_of(Field::Level).map(|c| value(row, c)) {
                Some(Value::Number(n)) => n.parse().ok().map(Level::Number),
                Some(Value::Text(t)) => Some(match normalize(&t).parse() {
                    Ok(n) => Level::Number(n),
                    Err(_) => Level::Label(t),
                }),
                _ => None,
            };
            let mut context = if !fact.is_empty() {
                format!("fact {fact}")
            } else if !veto.is_empty() {
                format!("veto {veto}")
            } else if !clause.is_empty() {
                format!("item {item}, clause {clause}")
            } else if !external.is_empty() {
                format!("item {item}, external {external}")
            } else {
                format!("item {item}")
            };
            if let Some(level) = &level {
                context.push_str(&format!(", level {level}"));
            }
            let place = Place {
                sheet: name.to_owned(),
                row,
                columns: columns.clone(),
                context,
            };
            let values: Vec<(Field, Value)> = inputs
                .iter()
                .map(|(f, c)| (*f, value(row, *c)))
                .filter(|(_, v)| *v != Value::Empty)
                .collect();
            if item.is_empty() && veto.is_empty() && fact.is_empty() {
                if let Some((field, _)) = values.first() {
                    self.problems.push(Problem {
                        at: Some(place.cell(Some(*field))),
                        context: None,
                        message: "input in a row that names no item or veto".into(),
                        help: Some("write findings in the rows the workbook gives for them".into()),
                    });
                }
                continue;
            }
            if !external.is_empty() {
                self.externals
                    .push((format!("{item}/{external}"), place.clone()));
            }
            if !fact.is_empty() {
                self.externals.push((format!("fact {fact}"), place.clone()));
            }
            if values.is_empty() {
                continue;
            }
            let mut ctx = RowCtx {
                place: &place,
                problems: Vec::new(),
            };
            let found = if !fact.is_empty() {
                fact_finding(&mut ctx, &values, fact).into_iter().collect()
            } else if !veto.is_empty() {
                veto_finding(&mut ctx, &values, veto).into_iter().collect()
            } else {
                row_finding(&mut ctx, &values, item, clause, external, level)
            };
            self.problems.append(&mut ctx.problems);
            for finding in found {
                self.findings.findings.push(finding);
                self.places.push(place.clone());
            }
        }
    }
}

fn is_input(field: Field) -> bool {
    matches!(
        field,
        Field::Found
            | Field::Count
            | Field::Entities
            | Field::Amount
            | Field::Value
            | Field::Target
            | Field::Score
            | Field::NotApplicable
            | Field::Reason
            | Field::Note
            | Field::Evidence
    )
}

fn describe(value: &Value) -> String {
    match value {
        Value::Empty => "an empty cell".into(),
        Value::Text(t) => format!("`{t}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::Bool(b) => format!("`{}`", if *b { "TRUE" } else { "FALSE" }),
        Value::Date => "a date".into(),
        Value::Error(e) => format!("the error value {e}"),
        Value::Uncomputed(f) => format!("the formula `={f}` with no computed value"),
    }
}

/// The help for values no field takes.
fn value_help(value: &Value) -> Option<String> {
    match value {
        Value::Date => Some("the cell is formatted as a date; format it as a number or as text and type the value again".into()),
        Value::Uncomputed(_) => Some("open the workbook in a spreadsheet program and save it, so the formula's value is stored, or type the value".into()),
        Value::Error(_) => Some("fix the formula, or type the value".into()),
        _ => None,
    }
}

/// Full-width digits and signs as ASCII, surrounding spaces removed.
fn normalize(text: &str) -> String {
    text.trim_matches(|c: char| c.is_whitespace())
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c),
            '．' | '。' => '.',
            '－' | '—' | '−' => '-',
            '％' => '%',
            c => c,
        })
        .collect()
}

/// A plain decimal: `-`? digits, optionally `.` digits.
fn decimal_text(text: &str) -> Option<Decimal> {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match body.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        // Exponents come from numbers the spreadsheet stored (1e-7).
        return Decimal::from_scientific(text).ok().filter(|_| {
            text.bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        });
    }
    Decimal::from_str_exact(text).ok()
}

fn text_value(ctx: &mut RowCtx, field: Field, value: &Value) -> Option<String> {
    match value {
        Value::Text(t) | Value::Number(t) => Some(t.clone()),
        Value::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.into()),
        other => {
            ctx.problem(
                field,
                format!("expected text, found {}", describe(other)),
                value_help(other).or_else(|| {
                    matches!(other, Value::Date).then(|| {
                        "a date's text depends on the spreadsheet's settings; type it as text (start with ')".into()
                    })
                }),
            );
            None
        }
    }
}

fn list_value(
    ctx: &mut RowCtx,
    field: Field,
    value: &Value,
    separators: &[char],
) -> Option<Vec<String>> {
    let text = text_value(ctx, field, value)?;
    let list: Vec<String> = text
        .split(|c: char| c == '\n' || c == '\r' || separators.contains(&c))
        .map(|s| s.trim_matches(|c: char| c.is_whitespace()).to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    Some(list)
}

fn bool_value(ctx: &mut RowCtx, field: Field, value: &Value) -> Option<bool> {
    let text = match value {
        Value::Bool(b) => return Some(*b),
        Value::Text(t) | Value::Number(t) => normalize(t).to_lowercase(),
        other => {
            ctx.problem(
                field,
                format!("expected 是 or 否, found {}", describe(other)),
                value_help(other),
            );
            return None;
        }
    };
    match text.as_str() {
        "是" | "√" | "✓" | "✔" | "有" | "y" | "yes" | "true" | "1" | "x" => Some(true),
        "否" | "×" | "✗" | "无" | "n" | "no" | "false" | "0" => Some(false),
        _ => {
            ctx.problem(
                field,
                format!("expected 是 or 否 (yes or no), found `{text}`"),
                Some("choose 是 or 否 from the cell's list".into()),
            );
            None
        }
    }
}

/// A decimal cell: a number, or text with full-width digits, `%` where
/// `percent` allows it, and `分` after it where `points` allows it.
fn decimal_value(
    ctx: &mut RowCtx,
    field: Field,
    value: &Value,
    points: bool,
    percent: bool,
) -> Option<Decimal> {
    let text = match value {
        Value::Number(n) => n.clone(),
        Value::Text(t) => normalize(t),
        other => {
            ctx.problem(
                field,
                format!("expected a number, found {}", describe(other)),
                value_help(other),
            );
            return None;
        }
    };
    let mut body = text.as_str();
    if points {
        body = body.strip_suffix('分').unwrap_or(body).trim_end();
    }
    let percentage = percent && body.ends_with('%');
    if percentage {
        body = body.trim_end_matches('%').trim_end();
    }
    let Some(number) = decimal_text(body) else {
        let help = if !body.is_ascii() {
            Some("write the number alone, such as `0.5`".to_owned())
        } else {
            None
        };
        ctx.problem(field, format!("expected a number, found `{text}`"), help);
        return None;
    };
    if percentage {
        match number.checked_div(Decimal::ONE_HUNDRED) {
            Some(n) => Some(n),
            None => {
                ctx.problem(field, format!("`{text}` cannot be read exactly"), None);
                None
            }
        }
    } else {
        Some(number)
    }
}

fn count_value(ctx: &mut RowCtx, value: &Value) -> Option<u64> {
    let number = decimal_value(ctx, Field::Count, value, false, false)?;
    let whole = number.fract().is_zero() && !number.is_sign_negative() || number.is_zero();
    match u64::try_from(number.trunc()) {
        Ok(n) if whole => Some(n),
        _ => {
            ctx.problem(
                Field::Count,
                format!(
                    "expected a whole number of times, 0 or more, found {}",
                    describe(value)
                ),
                None,
            );
            None
        }
    }
}

/// The findings of an item row: a clause (one per amount, when a cell
/// gives several), an external, or not applicable.
fn row_finding(
    ctx: &mut RowCtx,
    values: &[(Field, Value)],
    item: String,
    clause: String,
    external: String,
    level: Option<Level>,
) -> Vec<Finding> {
    let mut finding = Finding {
        item: Some(item),
        clause: (!clause.is_empty()).then_some(clause),
        external: (!external.is_empty()).then_some(external),
        level,
        ..Finding::default()
    };
    let mut more_amounts = Vec::new();
    let mut found = None;
    let mut substantive = false;
    let before = ctx.problems.len();
    for (field, value) in values {
        match field {
            Field::Found => {
                found = bool_value(ctx, *field, value);
                substantive = true;
            }
            Field::Count => {
                finding.count = count_value(ctx, value);
                substantive = true;
            }
            Field::Entities => {
                let list = list_value(ctx, *field, value, &['、', ',', '，', ';', '；'])
                    .unwrap_or_default();
                finding.entities = (!list.is_empty()).then_some(list);
                substantive = true;
            }
            Field::Amount => {
                substantive = true;
                // Several amounts (one per occurrence): one finding each.
                let parts: Vec<String> = match value {
                    Value::Text(t) => t
                        .split(['、', ',', '，', ';', '；', '\n'])
                        .map(|p| p.trim().to_owned())
                        .filter(|p| !p.is_empty())
                        .collect(),
                    _ => Vec::new(),
                };
                if parts.len() > 1 {
                    for part in parts {
                        let part = Value::Text(part);
                        more_amounts.push(decimal_value(ctx, *field, &part, true, false));
                    }
                    finding.amount = more_amounts.first().copied().flatten();
                } else {
                    finding.amount = decimal_value(ctx, *field, value, true, false);
                }
            }
            Field::Target => {
                finding.target = decimal_value(ctx, *field, value, false, true);
                substantive = true;
            }
            Field::Value => {
                finding.value = decimal_value(ctx, *field, value, false, true);
                substantive = true;
            }
            Field::Score => {
                finding.score = decimal_value(ctx, *field, value, true, false);
                substantive = true;
            }
            Field::NotApplicable => {
                let yes = bool_value(ctx, *field, value);
                finding.not_applicable = yes == Some(true);
                substantive |= yes == Some(true);
            }
            Field::Reason => finding.reason = text_value(ctx, *field, value),
            Field::Note => finding.note = text_value(ctx, *field, value),
            Field::Evidence => {
                finding.evidence = list_value(ctx, *field, value, &[';', '；']).unwrap_or_default();
            }
            _ => {}
        }
    }
    match found {
        Some(false) if finding.count.is_some_and(|n| n > 0) => {
            ctx.problem(
                Field::Found,
                format!(
                    "marked not found, but `count` is {}",
                    finding.count.unwrap_or_default()
                ),
                Some("mark 是, or clear the count".into()),
            );
        }
        Some(false) => finding.count = Some(0),
        _ => {}
    }
    if ctx.problems.len() > before {
        return Vec::new();
    }
    if !substantive {
        // Only `not applicable: 否`: the same as an empty row.
        if values.iter().all(|(f, _)| *f == Field::NotApplicable) {
            return Vec::new();
        }
        let field = values.first().map_or(Field::Note, |(f, _)| *f);
        let wanted = if finding.external.is_some() {
            "give the `score`"
        } else if finding.clause.is_some() {
            "mark `found`, or give what was found (`count`, `entities`, `amount` or `value`)"
        } else {
            "mark `not_applicable` 是 to declare the item not applicable"
        };
        ctx.problem(
            field,
            "a note, reason or evidence alone does not say what was found".into(),
            Some(format!("{wanted}; a row left empty is not found")),
        );
        return Vec::new();
    }
    if more_amounts.len() > 1 {
        return more_amounts
            .into_iter()
            .map(|amount| Finding {
                amount,
                ..finding.clone()
            })
            .collect();
    }
    vec![finding]
}

/// The finding of a fact row: the fact's value, when given.
fn fact_finding(ctx: &mut RowCtx, values: &[(Field, Value)], fact: String) -> Option<Finding> {
    let mut finding = Finding {
        fact: Some(fact),
        ..Finding::default()
    };
    for (field, value) in values {
        match field {
            Field::Value => finding.value = decimal_value(ctx, *field, value, false, true),
            Field::Note => finding.note = text_value(ctx, *field, value),
            Field::Evidence => {
                finding.evidence = list_value(ctx, *field, value, &[';', '；']).unwrap_or_default();
            }
            other => ctx.problem(
                *other,
                "a fact takes only `value`, `note` and `evidence`".into(),
                None,
            ),
        }
    }
    if finding.value.is_none() && ctx.problems.is_empty() {
        let field = values.first().map_or(Field::Note, |(f, _)| *f);
        ctx.problem(
            field,
            "a note or evidence alone does not give the fact's value".into(),
            Some("give the `value`, or leave the row empty to use the default".into()),
        );
    }
    finding.value.is_some().then_some(finding)
}

/// The finding of a veto row: the veto, when marked found.
fn veto_finding(ctx: &mut RowCtx, values: &[(Field, Value)], veto: String) -> Option<Finding> {
    let mut finding = Finding::veto(veto);
    let mut found = None;
    for (field, value) in values {
        match field {
            Field::Found => found = bool_value(ctx, *field, value),
            Field::Note => finding.note = text_value(ctx, *field, value),
            Field::Evidence => {
                finding.evidence = list_value(ctx, *field, value, &[';', '；']).unwrap_or_default();
            }
            other => ctx.problem(
                *other,
                "a veto takes only `found`, `note` and `evidence`".into(),
                None,
            ),
        }
    }
    match found {
        Some(true) => Some(finding),
        Some(false) => None,
        None => {
            if ctx.problems.is_empty() {
                let field = values.first().map_or(Field::Note, |(f, _)| *f);
                ctx.problem(
                    field,
                    "a note or evidence alone does not say whether the veto applies".into(),
                    Some("mark `found` 是 when it applies".into()),
                );
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_people_type_them() {
        assert_eq!(normalize("０．３"), "0.3");
        assert_eq!(decimal_text("0.3"), Some(Decimal::new(3, 1)));
        assert_eq!(decimal_text("1e-7"), Some(Decimal::new(1, 7)));
        assert_eq!(decimal_text("0.3分"), None);
        assert_eq!(decimal_text("1,000"), None);
        assert_eq!(decimal_text(""), None);
        assert_eq!(decimal_text("-"), None);
    }

    #[test]
    fn sheet_references() {
        assert_eq!(sheet_ref("评分"), "评分");
        assert_eq!(sheet_ref("My sheet"), "'My sheet'");
    }
}
