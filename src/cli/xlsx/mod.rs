//! Workbooks: the inspector's workbook (`rubric template --format xlsx`) and
//! reading it back once filled in, the printable 评分表
//! (`rubric export --format xlsx`), and the report workbook
//! (`rubric eval --format xlsx`).
//!
//! rust_xlsxwriter writes them and calamine reads them; nothing here builds
//! zip or XML by hand. Every input column of the inspector's workbook is
//! headed by a label in the chosen language and the findings field it feeds
//! (`扣分次数 count`), so a filled workbook maps to findings without guessing.

pub mod batch;
pub mod checklist;
pub mod read;
pub mod report;
pub mod template;

use crate::model::Rubric;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::io::Write;
use std::path::Path;

/// The name of the hidden sheet that says which rubric a workbook was made for.
pub const META_SHEET: &str = "_rubric";
/// What the hidden sheet's `kind` row says.
pub const META_KIND: &str = "rubric inspection workbook";

/// The language of labels and sheet names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// 中文.
    #[default]
    Zh,
    /// English.
    En,
}

/// A column of a workbook: what it holds, as a findings field or a rubric
/// field name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Who was inspected (`subject`).
    Subject,
    /// The item or penalty id.
    Item,
    /// The item's title.
    Title,
    /// The item's weight.
    Weight,
    /// The clause id.
    Clause,
    /// The external id.
    External,
    /// The clause's text.
    Text,
    /// The clause's rule in words.
    Rule,
    /// Who answers for it.
    Owners,
    /// Marked when a once clause (or a veto) was found.
    Found,
    /// `count`.
    Count,
    /// `entities`.
    Entities,
    /// `amount`.
    Amount,
    /// `value`.
    Value,
    /// `score`.
    Score,
    /// `not_applicable`.
    NotApplicable,
    /// `reason`.
    Reason,
    /// `note`.
    Note,
    /// `evidence`.
    Evidence,
    /// The veto id.
    Veto,
    /// The best grade a veto allows.
    AtMost,
    /// `level`: the level of a level table (a row per level).
    Level,
    /// `target`: what a rate clause measures from.
    Target,
    /// The fact id.
    Fact,
}

impl Field {
    /// Every field, for reading headers.
    pub const ALL: [Field; 24] = [
        Field::Subject,
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
        Field::Veto,
        Field::AtMost,
        Field::Level,
        Field::Target,
        Field::Fact,
    ];

    /// The name in a header: the findings field it feeds, or the rubric's word.
    pub const fn name(self) -> &'static str {
        match self {
            Field::Subject => "subject",
            Field::Item => "item",
            Field::Title => "title",
            Field::Weight => "weight",
            Field::Clause => "clause",
            Field::External => "external",
            Field::Text => "text",
            Field::Rule => "rule",
            Field::Owners => "owners",
            Field::Found => "found",
            Field::Count => "count",
            Field::Entities => "entities",
            Field::Amount => "amount",
            Field::Value => "value",
            Field::Score => "score",
            Field::NotApplicable => "not_applicable",
            Field::Reason => "reason",
            Field::Note => "note",
            Field::Evidence => "evidence",
            Field::Veto => "veto",
            Field::AtMost => "at_most",
            Field::Level => "level",
            Field::Target => "target",
            Field::Fact => "fact",
        }
    }

    /// The label people read beside the name.
    pub const fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => match self {
                Field::Subject => "被检查对象",
                Field::Item => "项目",
                Field::Title => "考核内容",
                Field::Weight => "分值",
                Field::Clause => "条款",
                Field::External => "外部评分",
                Field::Text => "评分要点",
                Field::Rule => "扣分标准",
                Field::Owners => "责任单位",
                Field::Found => "是否发现",
                Field::Count => "扣分次数",
                Field::Entities => "单位或人员名称",
                Field::Amount => "酌情扣分",
                Field::Value => "实测值",
                Field::Score => "得分",
                Field::NotApplicable => "不适用",
                Field::Reason => "不适用理由",
                Field::Note => "备注",
                Field::Evidence => "证据",
                Field::Veto => "否决项",
                Field::AtMost => "最高等级",
                Field::Level => "等级",
                Field::Target => "目标值",
                Field::Fact => "事实",
            },
            Lang::En => match self {
                Field::Subject => "Subject",
                Field::Item => "Item",
                Field::Title => "Title",
                Field::Weight => "Weight",
                Field::Clause => "Clause",
                Field::External => "External",
                Field::Text => "Text",
                Field::Rule => "Rule",
                Field::Owners => "Owners",
                Field::Found => "Found?",
                Field::Count => "Times",
                Field::Entities => "Names",
                Field::Amount => "Chosen deduction",
                Field::Value => "Measured",
                Field::Score => "Given score",
                Field::NotApplicable => "Does not apply",
                Field::Reason => "Why not",
                Field::Note => "Note",
                Field::Evidence => "Evidence",
                Field::Veto => "Veto",
                Field::AtMost => "At most",
                Field::Level => "Level",
                Field::Target => "Target",
                Field::Fact => "Fact",
            },
        }
    }

    /// `扣分次数 count`: the label, then the field's name.
    pub fn header(self, lang: Lang) -> String {
        format!("{} {}", self.label(lang), self.name())
    }

    /// The field a header names: its last word (`扣分次数 count` → `count`).
    pub fn from_header(header: &str) -> Option<Field> {
        let last = header
            .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '（' | '）'))
            .rfind(|w| !w.is_empty())?;
        Field::ALL.into_iter().find(|f| f.name() == last)
    }
}

/// Words for "yes" and "no" in a marked cell, in the chosen language.
pub fn yes_no(lang: Lang) -> [&'static str; 2] {
    match lang {
        Lang::Zh => ["是", "否"],
        Lang::En => ["yes", "no"],
    }
}

/// A clause's rule in words, with its version 2 form when it has one.
pub fn rule(
    rubric: &Rubric,
    clause: &crate::model::Clause,
    form: Option<&crate::model::ClauseForm>,
) -> String {
    match form {
        Some(form) => crate::export::clause_rule_in_words(rubric, clause, form),
        None => crate::export::rule_in_words(rubric, &clause.deduction),
    }
}

/// A short, stable fingerprint of a rubric: FNV-1a (64 bits) of its JSON
/// export, which holds everything the rubric says. A workbook made for
/// another text of the rubric has another fingerprint.
pub fn fingerprint(rubric: &Rubric) -> String {
    let json = crate::export::to_json_pretty(rubric);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in json.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// A decimal as a spreadsheet number. Weights and scores are short
/// decimals, which a double holds to the digit shown.
pub fn number(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

/// `C12` for 0-based row 11, column 2.
pub fn cell_name(row: u32, col: u16) -> String {
    let mut letters = Vec::new();
    let mut n = u32::from(col) + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.reverse();
    let mut out: String = letters.into_iter().collect();
    out.push_str(&(row + 1).to_string());
    out
}

/// The file extension of a workbook the tool reads.
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Writes the bytes a command made: to `output` whole or not at all (a
/// temporary file in the same folder, then renamed over it), or to standard
/// output when no file is named and standard output is not a terminal.
/// Errors are printed; the outcome says how to exit.
pub fn write_output(output: Option<&Path>, bytes: &[u8], what: &str) -> super::Outcome {
    use std::io::IsTerminal;
    match output {
        Some(path) => match super::atomic::write(path, bytes) {
            Ok(()) => super::Outcome::Success,
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "error: {e}");
                super::Outcome::Usage
            }
        },
        None if std::io::stdout().is_terminal() => {
            let _ = writeln!(
                std::io::stderr(),
                "error: {what} is a binary file; name it with `--output FILE`, or redirect standard output"
            );
            super::Outcome::Usage
        }
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|()| out.flush()) {
                Ok(()) => super::Outcome::Success,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => super::Outcome::Success,
                Err(e) => {
                    let _ = writeln!(
                        std::io::stderr(),
                        "error: cannot write to standard output: {e}"
                    );
                    super::Outcome::Usage
                }
            }
        }
    }
}

/// Writes text a command made: to `output` whole or not at all, or to
/// standard output.
pub fn write_text(output: Option<&Path>, text: &str) -> super::Outcome {
    match output {
        Some(_) => write_output(output, text.as_bytes(), "the output"),
        None => super::print_stdout(text),
    }
}

/// Writes one line to standard error; a closed stderr is not an error.
pub fn say(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(line.as_bytes())
        .and_then(|()| err.write_all(b"\n"));
}

/// A workbook error in words.
pub fn xlsx_error(e: &rust_xlsxwriter::XlsxError) -> String {
    format!("cannot make the workbook: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(11, 2), "C12");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(4, 27), "AB5");
    }

    #[test]
    fn headers_name_their_field() {
        assert_eq!(Field::Count.header(Lang::Zh), "扣分次数 count");
        for field in Field::ALL {
            for lang in [Lang::Zh, Lang::En] {
                assert_eq!(Field::from_header(&field.header(lang)), Some(field));
            }
        }
        assert_eq!(Field::from_header("次数（count）"), Some(Field::Count));
        assert_eq!(Field::from_header("次数"), None);
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod round_trip;
