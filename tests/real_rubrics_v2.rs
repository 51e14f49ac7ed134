//! The bundled real rubrics of language version 2 against the texts they
//! were encoded from (`tests/data/real-*/`):
//!
//! - `rubrics/cangchu-logistics.rubric`: the whole 仓储物流企业安全生产标准化评定标准
//!   (164 考评内容 in 13 weighted 考评类目), from the standard's table as SQL rows;
//! - `rubrics/canyin-inspection.rubric`: the 餐饮服务日常监督检查要点表 (30 检查内容,
//!   a points rubric), from the HTML page that carries it;
//! - `rubrics/zunyi-2010.rubric`: the part of the 遵义市安全生产工作绩效考核方案
//!   (2010) that the stored copy holds: a bonus, three penalties, vetoes, grades.
//!
//! The rubric files are read line by line here, independently of the crate's
//! parser, so that every row, weight, text and amount is compared with the
//! source by a second reader. Every count below is taken from the source
//! text, never written down by hand.

use std::collections::BTreeMap;

const CANGCHU: &str = include_str!("../rubrics/cangchu-logistics.rubric");
const CANGCHU_SOURCE: &str = include_str!("data/real-cangchu-logistics/source.txt");
const CANYIN: &str = include_str!("../rubrics/canyin-inspection.rubric");
const CANYIN_SOURCE: &str = include_str!("data/real-canyin-inspection/source.txt");
const ZUNYI: &str = include_str!("../rubrics/zunyi-2010.rubric");
const ZUNYI_SOURCE: &str = include_str!("data/real-zunyi-2010/source.txt");

// --- Reading the rubric files line by line ----------------------------------

/// Reads the string literal that `text` starts with (after spaces): its value
/// and the rest of the text after the closing quote.
fn string_literal(text: &str) -> Option<(String, &str)> {
    let text = text.trim_start();
    let mut chars = text.char_indices();
    if chars.next()?.1 != '"' {
        return None;
    }
    let mut value = String::new();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[at + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                '"' => value.push('"'),
                '\\' => value.push('\\'),
                other => panic!("escape `\\{other}` not expected in a bundled rubric"),
            },
            c => value.push(c),
        }
    }
    None
}

/// One declaration line of a rubric file: `KEYWORD ID "TEXT" FORM`, with
/// FORM the rest of the line before any comment.
#[derive(Debug, Clone)]
struct Decl {
    keyword: String,
    id: String,
    text: String,
    form: String,
}

/// Every `section`, `item`, `clause`, `penalty`, `bonus`, `veto` and `flag`
/// line of a rubric file, in order. Comment lines are skipped.
fn decls(rubric: &str) -> Vec<Decl> {
    let mut out = Vec::new();
    for line in rubric.lines().map(str::trim) {
        let mut words = line.splitn(3, ' ');
        let (Some(keyword), Some(id), Some(rest)) = (words.next(), words.next(), words.next())
        else {
            continue;
        };
        if ![
            "section", "item", "clause", "penalty", "bonus", "veto", "flag",
        ]
        .contains(&keyword)
        {
            continue;
        }
        let Some((text, rest)) = string_literal(rest) else {
            panic!("no text after `{keyword} {id}`: {line}");
        };
        let form = rest.split('#').next().unwrap_or("").trim();
        let form = form.trim_end_matches('{').trim().to_owned();
        out.push(Decl {
            keyword: keyword.to_owned(),
            id: id.to_owned(),
            text,
            form,
        });
    }
    out
}

/// The words of a form after `keyword`: `weight 20 optional` → `Some("20")`
/// for `weight`.
fn after<'a>(form: &'a str, keyword: &str) -> Option<&'a str> {
    let mut words = form.split_whitespace();
    words.find(|w| *w == keyword)?;
    words.next()
}

/// Every amount N of "扣N分" in a text; "扣满N分" and "追加扣除N分" are not
/// deductions of their own and are left out by the form itself.
fn amounts_after(text: &str, verb: char, unit: char) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices(verb) {
        let after = &text[at + verb.len_utf8()..];
        let number: String = after
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if !number.is_empty() && after[number.len()..].starts_with(unit) {
            out.push(number);
        }
    }
    out
}

fn tally<I: IntoIterator<Item = String>>(amounts: I) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for amount in amounts {
        *counts.entry(amount).or_insert(0) += 1;
    }
    counts
}

// --- 仓储物流企业安全生产标准化评定标准 ---------------------------------------

/// One row of the standard's table: 考评类目, 考评项目, 考评内容, 标准分值, 考评办法.
#[derive(Debug)]
struct Row {
    category: String,
    project: String,
    content: String,
    score: String,
    method: String,
}

/// Reads an SQL string literal (`'…'`, with `''` for a quote) at the start of
/// `text`: its value and the rest.
fn sql_literal(text: &str) -> (String, &str) {
    let Some(body) = text.strip_prefix('\'') else {
        panic!(
            "an SQL string was expected at: {}",
            &text[..text.len().min(40)]
        );
    };
    let mut value = String::new();
    let mut rest = body;
    loop {
        let Some(quote) = rest.find('\'') else {
            panic!("an SQL string does not end");
        };
        value.push_str(&rest[..quote]);
        rest = &rest[quote + 1..];
        if let Some(more) = rest.strip_prefix('\'') {
            value.push('\'');
            rest = more;
        } else {
            return (value, rest);
        }
    }
}

/// Every row of the source, in order: `values(@TEMPLATEID,'…','…','…','…','…');`.
fn cangchu_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for (at, marker) in CANGCHU_SOURCE.match_indices("values(@TEMPLATEID,") {
        let mut rest = &CANGCHU_SOURCE[at + marker.len()..];
        let mut fields = Vec::new();
        for n in 0..5 {
            let (value, after) = sql_literal(rest);
            fields.push(value);
            rest = if n < 4 {
                after
                    .strip_prefix(',')
                    .unwrap_or_else(|| panic!("a comma was expected"))
            } else {
                after
            };
        }
        assert!(rest.starts_with(");"), "a row does not end with `);`");
        let [category, project, content, score, method] =
            <[String; 5]>::try_from(fields).unwrap_or_else(|_| unreachable!());
        rows.push(Row {
            category,
            project,
            content,
            score,
            method,
        });
    }
    rows
}

/// The sentences of a 考评办法: split at ；and 。.
fn sentences(method: &str) -> Vec<&str> {
    method
        .split(['；', '。'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The one sentence of the source that is not a clause (it names no clause
/// pairs: see the rubric's header), with its item.
const CANGCHU_NOT_A_CLAUSE: (&str, &str) = (
    "6.3.2",
    "本考评内容已经扣分的，后面4个考评内容中相同情况不再重复扣分",
);

/// "每…" sentences that deduct once: 每 there is a frequency, not a count.
const CANGCHU_ONCE_DESPITE_MEI: &[&str] = &["少于每年一次的，扣5分", "未每月进行风险分析的，扣1分"];

#[test]
fn cangchu_has_every_row_category_and_weight_of_the_source() {
    let rows = cangchu_rows();
    let decls = decls(CANGCHU);
    let items: Vec<&Decl> = decls.iter().filter(|d| d.keyword == "item").collect();
    let contents: Vec<&Row> = rows
        .iter()
        .filter(|r| r.project != "小计" && r.project != "总计")
        .collect();
    assert_eq!(contents.len(), 164, "the source has 164 考评内容");
    assert_eq!(items.len(), contents.len());
    for (item, row) in items.iter().zip(&contents) {
        assert_eq!(item.text, row.content, "item {}: title", item.id);
        assert_eq!(
            after(&item.form, "weight"),
            Some(row.score.as_str()),
            "item {}: weight",
            item.id
        );
        assert!(
            item.form.ends_with("optional"),
            "item {}: every 考评内容 may be an 空项",
            item.id
        );
        // The item's id is its 考评项目's number and its place in it.
        let project = row
            .project
            .split(|c: char| !c.is_ascii_digit() && c != '.')
            .next();
        assert!(
            item.id.starts_with(&format!("{}.", project.unwrap_or(""))),
            "item {} is not numbered under 考评项目 {}",
            item.id,
            row.project
        );
    }
    // 考评类目: weighted sections, each weighing its 小计; 考评项目: headings.
    let weighted: Vec<&Decl> = decls
        .iter()
        .filter(|d| d.keyword == "section" && d.form.starts_with("weight"))
        .collect();
    let subtotals: Vec<&Row> = rows.iter().filter(|r| r.project == "小计").collect();
    assert_eq!(weighted.len(), 13);
    assert_eq!(weighted.len(), subtotals.len());
    for (section, row) in weighted.iter().zip(&subtotals) {
        assert_eq!(format!("{}.{}", section.id, section.text), row.category);
        assert_eq!(after(&section.form, "weight"), Some(row.score.as_str()));
    }
    let headings: Vec<String> = decls
        .iter()
        .filter(|d| d.keyword == "section" && d.form.is_empty())
        .map(|d| format!("{}{}", d.id, d.text))
        .collect();
    let mut projects: Vec<String> = contents.iter().map(|r| r.project.clone()).collect();
    projects.dedup();
    assert_eq!(headings.len(), 47, "the source has 47 考评项目");
    assert_eq!(headings, projects);
    // 总计 1000 = `total`, and the 小计 add up to it.
    let total = rows
        .iter()
        .find(|r| r.project == "总计")
        .map(|r| r.score.as_str());
    assert_eq!(total, Some("1000"));
    assert!(CANGCHU.contains("\n  total 1000\n"));
    let sum: u32 = subtotals
        .iter()
        .map(|r| r.score.parse::<u32>().unwrap_or(0))
        .sum();
    assert_eq!(sum, 1000);
}

#[test]
fn cangchu_every_rule_of_the_source_has_its_clause() {
    let rows = cangchu_rows();
    let decls = decls(CANGCHU);
    // The clauses of each item, in order.
    let mut per_item: Vec<(String, String, Vec<Decl>)> = Vec::new();
    for decl in decls {
        match decl.keyword.as_str() {
            "item" => {
                let weight = after(&decl.form, "weight").unwrap_or("").to_owned();
                per_item.push((decl.id, weight, Vec::new()));
            }
            "clause" => match per_item.last_mut() {
                Some((_, _, clauses)) => clauses.push(decl),
                None => panic!("a clause before any item"),
            },
            _ => {}
        }
    }
    let contents = rows
        .iter()
        .filter(|r| r.project != "小计" && r.project != "总计");
    let mut problems = Vec::new();
    let (mut deductions, mut nils, mut extras, mut sentences_seen) = (0, 0, 0, 0);
    for ((id, weight, clauses), row) in per_item.iter().zip(contents) {
        let method = row.method.as_str();
        // Every sentence is a clause, verbatim, in order (but the one that is not).
        let expected: Vec<&str> = sentences(method)
            .into_iter()
            .filter(|s| (id.as_str(), *s) != CANGCHU_NOT_A_CLAUSE)
            .collect();
        sentences_seen += expected.len();
        let texts: Vec<&str> = clauses.iter().map(|c| c.text.as_str()).collect();
        if texts != expected {
            problems.push(format!(
                "{id}: clauses {texts:?}\n   the source says {expected:?}"
            ));
        }
        // 扣N分: one clause of N, once or per counted thing, for each.
        let in_source = tally(amounts_after(method, '扣', '分'));
        let in_rubric = tally(clauses.iter().filter_map(|c| {
            let amount = c.form.strip_prefix("deduct ")?.split(' ').next()?;
            (amount != "all").then(|| amount.to_owned())
        }));
        deductions += in_source.values().sum::<usize>();
        if in_source != in_rubric {
            problems.push(format!("{id}: 扣N分 {in_source:?}, clauses {in_rubric:?}"));
        }
        // 不得分 (and 除本分值扣完后外): `deduct all`, one each.
        let zeroing = method.matches("不得分").count() + method.matches("扣完后外").count();
        let all = clauses
            .iter()
            .filter(|c| c.form.starts_with("deduct all"))
            .count();
        nils += zeroing;
        if zeroing != all {
            problems.push(format!("{id}: {zeroing} 不得分, {all} `deduct all`"));
        }
        // 追加扣除N分: an `extra N`; 扣满 makes it `when exhausted`.
        let in_source = tally(amounts_after(method, '除', '分'));
        let in_rubric = tally(
            clauses
                .iter()
                .filter_map(|c| after(&c.form, "extra").map(str::to_owned)),
        );
        extras += in_source.values().sum::<usize>();
        if in_source != in_rubric {
            problems.push(format!(
                "{id}: 追加扣除 {in_source:?}, extras {in_rubric:?}"
            ));
        }
        // 扣满N分 always names the item's own weight: that is what "exhausted" means.
        let full_amounts = amounts_after(method, '满', '分');
        if full_amounts.iter().any(|n| n != weight) {
            problems.push(format!(
                "{id}: 扣满{full_amounts:?}分 in an item of weight {weight}"
            ));
        }
        let full = method.matches("扣满").count();
        let exhausted = clauses
            .iter()
            .filter(|c| c.form.ends_with("when exhausted"))
            .count();
        if full != exhausted {
            problems.push(format!("{id}: {full} 扣满, {exhausted} `when exhausted`"));
        }
        // "每…扣N分" counts (per a unit), but for the frequencies named above.
        for clause in clauses {
            let counted = clause.text.contains('每')
                && !CANGCHU_ONCE_DESPITE_MEI.contains(&clause.text.as_str());
            if counted && clause.form.starts_with("deduct ") && !clause.form.contains(" per ") {
                problems.push(format!("{id}/{}: 每 but once: {}", clause.id, clause.text));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} mismatch(es):\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The walk saw the whole source: every 扣N分 of the file lies in a row.
    assert_eq!(deductions, amounts_after(CANGCHU_SOURCE, '扣', '分').len());
    assert_eq!(nils, CANGCHU_SOURCE.matches("不得分").count() + 1);
    assert_eq!(extras, 11);
    assert_eq!(sentences_seen, 426);
    assert!(deductions > 250, "only {deductions} 扣N分 found");
}

// --- 餐饮服务日常监督检查要点表 -------------------------------------------------

/// `html` without its tags: a `<` starts a tag only before a letter or `/`
/// (the source numbers one row "<4.4").
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut chars = html.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' if !in_tag
                && chars
                    .peek()
                    .is_some_and(|n| n.is_ascii_alphabetic() || *n == '/') =>
            {
                in_tag = true;
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The source without its HTML tags.
fn canyin_text() -> String {
    strip_tags(CANYIN_SOURCE)
}

/// The rows of the form's table: (number as printed, 检查内容).
fn canyin_rows() -> Vec<(String, String)> {
    let table = CANYIN_SOURCE
        .split("id=\"foodProject\"")
        .nth(1)
        .and_then(|t| t.split("其它需记录的问题").next())
        .unwrap_or_else(|| panic!("the form's table is not in the source"));
    let mut rows = Vec::new();
    for row in table.split("<tr>").skip(1) {
        let mut cells: Vec<String> = row
            .split("<td")
            .skip(1)
            .map(|cell| {
                let inner = cell.split_once('>').map_or("", |(_, rest)| rest);
                strip_tags(inner.split("</td>").next().unwrap_or(""))
                    .trim()
                    .to_owned()
            })
            .filter(|t| !t.is_empty())
            .collect();
        // A row opens with its 检查项目 ("4.人员管理") only when it starts one.
        let opens_project = cells.first().is_some_and(|c| {
            c.split_once('.').is_some_and(|(n, rest)| {
                n.parse::<u32>().is_ok() && !rest.starts_with(|d: char| d.is_ascii_digit())
            })
        });
        if opens_project {
            cells.remove(0);
        }
        if let [number, content, ..] = cells.as_slice() {
            rows.push((number.clone(), content.clone()));
        }
    }
    rows
}

#[test]
fn canyin_has_every_row_of_the_form() {
    let rows = canyin_rows();
    let decls = decls(CANYIN);
    let items: Vec<&Decl> = decls.iter().filter(|d| d.keyword == "item").collect();
    let clauses: Vec<&Decl> = decls.iter().filter(|d| d.keyword == "clause").collect();
    assert_eq!(rows.len(), 30, "the form has 30 检查内容: {rows:#?}");
    assert_eq!(items.len(), rows.len());
    assert_eq!(clauses.len(), rows.len(), "one clause (否) per 检查内容");
    let text = canyin_text();
    assert!(text.contains("表中重点项(*) 7项,一般项23项,共30项"));
    let mut key = 0;
    for ((item, clause), (number, content)) in items.iter().zip(&clauses).zip(&rows) {
        assert_eq!(&item.text, content, "item {}", item.id);
        // "<4.4" is a typing slip of the source for 4.4.
        assert_eq!(
            item.id,
            number.trim_start_matches(['*', '<']),
            "item number"
        );
        assert_eq!(clause.text, "否");
        let is_key = number.starts_with('*');
        key += usize::from(is_key);
        let form = if is_key {
            "points 100 tagged key"
        } else {
            "points 1 tagged general"
        };
        assert_eq!(clause.form, form, "item {}", item.id);
    }
    assert_eq!(key, 7, "7 重点项");
    // The result rules and the 结果处理 are the form's own words.
    for decl in decls
        .iter()
        .filter(|d| d.keyword == "veto" || d.keyword == "flag")
    {
        assert!(
            text.contains(&decl.text),
            "{} {}: {}",
            decl.keyword,
            decl.id,
            decl.text
        );
    }
    let sections: Vec<String> = decls
        .iter()
        .filter(|d| d.keyword == "section")
        .map(|d| format!("{}.{}", d.id, d.text))
        .collect();
    assert_eq!(sections.len(), 9);
    for section in &sections {
        assert!(text.contains(section.as_str()), "检查项目 {section}");
    }
}

// --- 遵义市安全生产工作绩效考核方案 ---------------------------------------------

/// The source with the romanization the mirror put after some characters
/// removed: "生產(chǎn)" → "生產".
fn zunyi_text() -> String {
    let mut out = String::new();
    let mut rest = ZUNYI_SOURCE;
    while let Some(open) = rest.find('(') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find(')');
        let romanized = close.is_some_and(|end| {
            end > 0
                && after[..end]
                    .chars()
                    .all(|c| c.is_alphabetic() && !('\u{4e00}'..='\u{9fff}').contains(&c))
        });
        match close {
            Some(end) if romanized => rest = &after[end + 1..],
            _ => {
                out.push('(');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Texts of the file that are the editor's, not the source's (see its header).
const ZUNYI_EDITORIAL: &[&str] = &[
    "本轄區、本行業生產安全事故死亡人數超控制指標的人數",
    "本轄區、本行業發生的重大以上事故（起）",
    "第七條考核內容（存檔頁缺）",
    "考核得分",
];

#[test]
fn zunyi_texts_are_the_sources() {
    let text = zunyi_text();
    assert!(text.contains("1.本轄區、本行業內每發生1起較大事故扣0.5分,超過控制指標的每起扣1分。"));
    let body = &ZUNYI[ZUNYI.find("rubric \"").unwrap_or(0)..];
    let mut rest = body;
    let mut checked = 0;
    while let Some(open) = rest.find('"') {
        let Some((literal, after)) = string_literal(&rest[open..]) else {
            panic!("an unterminated string in the rubric");
        };
        if !ZUNYI_EDITORIAL.contains(&literal.as_str()) {
            assert!(text.contains(&literal), "not in the source: {literal}");
            checked += 1;
        }
        rest = after;
    }
    assert!(checked > 20, "only {checked} texts compared");
}

#[test]
fn zunyi_every_deduction_and_addition_of_the_source_has_its_clause() {
    let text = zunyi_text();
    let decls = decls(ZUNYI);
    // The part of the copy that states rules: from 加分 item 6 to 第八條.
    let rules = text
        .split("6.創新安全管理思路")
        .nth(1)
        .and_then(|t| t.split("第八條").next())
        .unwrap_or_else(|| panic!("the rules are not in the source"));
    let clauses: Vec<&Decl> = decls.iter().filter(|d| d.keyword == "clause").collect();
    let deducted = tally(clauses.iter().filter_map(|c| {
        Some(
            c.form
                .strip_prefix("deduct ")?
                .split(' ')
                .next()?
                .to_owned(),
        )
    }));
    assert_eq!(deducted, tally(amounts_after(rules, '扣', '分')));
    let added = tally(
        clauses
            .iter()
            .filter_map(|c| c.form.strip_prefix("add "))
            .flat_map(|form| {
                form.split(" by level")
                    .next()
                    .unwrap_or("")
                    .split(", ")
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            }),
    );
    assert_eq!(added, tally(amounts_after(rules, '加', '分')));
    // Three 一票否決 cases: two vetoes and the flag that names case 3.
    let cases = rules.split("實行一票否決").nth(1).unwrap_or("");
    let vetoes: Vec<&Decl> = decls
        .iter()
        .filter(|d| d.keyword == "veto" || (d.keyword == "flag" && d.id == "v3"))
        .collect();
    assert_eq!(vetoes.len(), 3);
    for veto in vetoes {
        assert!(cases.contains(&veto.text), "{}", veto.text);
    }
    // The four grades, named as in 第八條.
    assert!(text.contains("考核結果分為優秀、良好、達標和不達標四個等次"));
}

// --- Through the crate: parse, lower, fmt ---------------------------------------

const ALL: &[(&str, &str)] = &[
    ("rubrics/cangchu-logistics.rubric", CANGCHU),
    ("rubrics/canyin-inspection.rubric", CANYIN),
    ("rubrics/zunyi-2010.rubric", ZUNYI),
];

fn describe(path: &str, source: &str, diagnostics: &[rubric::Diagnostic]) -> String {
    let index = rubric::LineIndex::new(source);
    diagnostics
        .iter()
        .map(|d| {
            let at = index.position(d.span.start);
            format!("{path}:{}:{}: {d}", at.line, at.column)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_real_rubric_parses_and_lowers_without_a_diagnostic() {
    for &(path, source) in ALL {
        let parsed = rubric::syntax::parse(source);
        assert!(
            parsed.diagnostics.is_empty(),
            "{}",
            describe(path, source, &parsed.diagnostics)
        );
        let (model, lowering) = rubric::model::lower(&parsed.file);
        assert!(lowering.is_empty(), "{}", describe(path, source, &lowering));
        // The lowered model holds every item and clause the file declares.
        let decls = decls(source);
        let items = decls.iter().filter(|d| d.keyword == "item").count();
        assert_eq!(model.items().len(), items, "{path}: items");
        let clauses: usize = model.items().iter().map(|i| i.clauses.len()).sum();
        let in_items = {
            let mut in_item = false;
            let mut n = 0;
            for d in &decls {
                match d.keyword.as_str() {
                    "item" => in_item = true,
                    "penalty" | "bonus" | "section" => in_item = false,
                    "clause" if in_item => n += 1,
                    _ => {}
                }
            }
            n
        };
        assert_eq!(clauses, in_items, "{path}: clauses of items");
    }
}

#[test]
fn every_real_rubric_is_in_canonical_form_and_fmt_is_idempotent() {
    for &(path, source) in ALL {
        let formatted = rubric::fmt::format(source)
            .unwrap_or_else(|e| panic!("{path} cannot be formatted: {e:?}"));
        assert!(
            formatted == source,
            "{path} is not in canonical form (run `rubric fmt {path}`)"
        );
        let again = rubric::fmt::format(&formatted)
            .unwrap_or_else(|e| panic!("{path}, formatted, cannot be formatted again: {e:?}"));
        assert_eq!(again, formatted, "{path}: fmt is not idempotent");
    }
}

/// Warnings the files are known to draw, each with the reason it is
/// acceptable; a new one must be looked at, then added here.
const EXPECTED_WARNINGS: &[(&str, &str, &str)] = &[
    (
        "rubrics/cangchu-logistics.rubric",
        "W0304",
        "the standard names no 责任单位: the enterprise assessed answers for every 考评内容",
    ),
    (
        "rubrics/canyin-inspection.rubric",
        "W0304",
        "the form names no 责任单位: the business inspected answers for every 检查内容",
    ),
    (
        "rubrics/zunyi-2010.rubric",
        "W0304",
        "the copy names no office for the assessment table that `base` stands for",
    ),
];

fn compiled(path: &str, source: &str) -> rubric::Rubric {
    let compiled = rubric::compile(source);
    match compiled.rubric {
        Some(rubric) => rubric,
        None => panic!(
            "{path} does not compile:\n{}",
            describe(path, source, &compiled.diagnostics.0)
        ),
    }
}

#[test]
fn every_real_rubric_checks_with_only_the_known_warnings() {
    for &(path, source) in ALL {
        let compiled = rubric::compile(source);
        assert!(
            !compiled.diagnostics.has_errors(),
            "{}",
            describe(path, source, &compiled.diagnostics.0)
        );
        let unexpected: Vec<rubric::Diagnostic> = compiled
            .diagnostics
            .0
            .iter()
            .filter(|d| {
                !EXPECTED_WARNINGS
                    .iter()
                    .any(|(p, code, _)| *p == path && d.code.to_string() == *code)
            })
            .cloned()
            .collect();
        assert!(
            unexpected.is_empty(),
            "{}",
            describe(path, source, &unexpected)
        );
    }
}

#[test]
fn every_real_rubric_json_export_round_trips() {
    for &(path, source) in ALL {
        let rubric = compiled(path, source);
        let exported = rubric::export::to_json(&rubric);
        let read = rubric::export::from_json(&exported)
            .unwrap_or_else(|e| panic!("the export of {path} cannot be read back: {e}"));
        assert_eq!(rubric::export::to_json(&read), exported, "{path}");
    }
}

#[test]
fn the_exported_models_say_what_the_sources_say() {
    // 仓储物流: 13 weighted sections adding up to 1000, scaled to 100.
    let cangchu = rubric::export::to_json(&compiled("cangchu", CANGCHU));
    assert_eq!(cangchu["total"], "1000");
    assert_eq!(cangchu["scale"], "100");
    let weighted: Vec<&serde_json::Value> = cangchu["sections"]
        .as_array()
        .map(|s| s.iter().filter(|s| !s["weight"].is_null()).collect())
        .unwrap_or_default();
    assert_eq!(weighted.len(), 13);
    let clauses: Vec<&serde_json::Value> = cangchu["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .flat_map(|i| i["clauses"].as_array().into_iter().flatten())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(clauses.len(), 426);
    let exhausted = clauses
        .iter()
        .filter(|c| c["extra_when"] == "exhausted")
        .count();
    let with_extra = clauses.iter().filter(|c| !c["extra"].is_null()).count();
    assert_eq!((exhausted, with_extra), (4, 11));
    // 餐饮: a points rubric of 30 items, 7 of them 重点项.
    let canyin = rubric::export::to_json(&compiled("canyin", CANYIN));
    assert_eq!(canyin["scoring"], "points");
    let key = canyin["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .flat_map(|i| i["clauses"].as_array().into_iter().flatten())
                .filter(|c| {
                    c["tags"]
                        .as_array()
                        .is_some_and(|t| t.iter().any(|t| t == "key"))
                })
                .count()
        })
        .unwrap_or(0);
    assert_eq!(key, 7);
    // 遵义: a bonus by level, three penalties, two vetoes and a flag.
    let zunyi = rubric::export::to_json(&compiled("zunyi", ZUNYI));
    assert_eq!(zunyi["bonuses"].as_array().map(Vec::len), Some(1));
    assert_eq!(zunyi["penalties"].as_array().map(Vec::len), Some(3));
    assert_eq!(zunyi["vetoes"].as_array().map(Vec::len), Some(2));
    assert_eq!(zunyi["flags"].as_array().map(Vec::len), Some(1));
}

// --- The sample inspections ---------------------------------------------------

const CANGCHU_FINDINGS: &str = include_str!("../examples/cangchu-logistics-findings.json");
const CANYIN_FINDINGS: &str = include_str!("../examples/canyin-inspection-findings.json");
const ZUNYI_FINDINGS: &str = include_str!("../examples/zunyi-2010-findings.json");

/// The report of `findings` on the rubric: (JSON, text, Markdown).
fn report(path: &str, source: &str, findings: &str) -> (String, String, String) {
    let rubric = compiled(path, source);
    let report = rubric
        .evaluate_json(findings, &rubric::eval::Options::new())
        .unwrap_or_else(|e| panic!("the findings do not fit {path}:\n{e}"));
    (report.to_json(), report.to_text(), report.to_markdown())
}

/// Compares `actual` with the expectation file, writing it when it is missing
/// or when `BLESS=1` is set.
fn golden(dir: &str, name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(dir)
        .join(name);
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    if bless || !path.exists() {
        std::fs::write(&path, actual)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    assert!(
        expected == actual,
        "{} differs from the report (rerun with BLESS=1 if the change is intended)",
        path.display()
    );
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("the report is not JSON: {e}"))
}

/// The entry of a report list whose `key` is `value`.
fn find<'v>(list: &'v serde_json::Value, key: &str, value: &str) -> &'v serde_json::Value {
    list.as_array()
        .and_then(|l| l.iter().find(|e| e[key] == value))
        .unwrap_or_else(|| panic!("no `{key}` = {value} in {list}"))
}

#[test]
fn cangchu_sample_evaluates_to_the_golden_report_and_the_figures_by_hand() {
    let (report_json, text, markdown) = report("cangchu", CANGCHU, CANGCHU_FINDINGS);
    golden("real-cangchu-logistics", "report.json", &report_json);
    golden("real-cangchu-logistics", "report.txt", &text);
    golden("real-cangchu-logistics", "report.md", &markdown);
    let r = json(&report_json);
    // By hand. 类目 2 (weight 20): 2.1.1 loses its 4 (每处扣1分 × 4 处) and is exhausted
    // (扣满4分) → extra 10; 2.2.2 不得分 (3) with 追加扣除10分; 2.2.3 loses 2 (2 人). Its items
    // keep 0 + 3 + 3 + 4 + 0 + 1 = 11, less 20 of extras: floored at 0.
    let two = find(&r["sections"], "id", "2");
    assert_eq!(
        (&two["score"], &two["extra"], &two["floored"]),
        (&"0".into(), &"20".into(), &true.into())
    );
    // 类目 1 loses 1 (1.2.2/c), 类目 5 loses 4 × 2 + 2 × 1 = 10 (5.4.1, not exhausted),
    // 类目 10 loses 2 (有一处…扣1分, 2 处); 6.2.5 and 6.2.6 (3 each) are 空项.
    // raw = 1000 − 20 − 1 − 10 − 2 − 6 = 961 of Wa = 994.
    assert_eq!(r["raw"], "961");
    assert_eq!(r["applicable_weight"], "994");
    // 评审评分 = 961 ÷ (1000 − 6) × 100 = 96.680…, to one decimal 96.7.
    let exact: f64 = r["score_exact"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.0);
    assert!((exact - 961.0 / 994.0 * 100.0).abs() < 1e-9, "{exact}");
    assert_eq!(r["score"], "96.7");
    // 96.7 earns 一级; one accident with two light injuries (minor2 = 1) allows at most 二级.
    assert_eq!(r["grade"]["by_score"], "level1");
    assert_eq!(r["grade"]["id"], "level2");
    let item = find(&r["items"], "id", "2.1.1");
    assert_eq!(
        (&item["exhausted"], &item["extra"]["amount"]),
        (&true.into(), &"10".into())
    );
    let item = find(&r["items"], "id", "5.4.1");
    assert_eq!(
        (&item["score"], &item["exhausted"]),
        (&"5".into(), &false.into())
    );
    let item = find(&r["items"], "id", "6.2.6");
    assert_eq!(item["status"], "not_applicable");
}

#[test]
fn canyin_sample_evaluates_to_the_golden_report_and_the_figures_by_hand() {
    let (report_json, text, markdown) = report("canyin", CANYIN, CANYIN_FINDINGS);
    golden("real-canyin-inspection", "report.json", &report_json);
    golden("real-canyin-inspection", "report.txt", &text);
    golden("real-canyin-inspection", "report.md", &markdown);
    let r = json(&report_json);
    // By hand: one 重点项 (4.2, 100) and two 一般项 (5.1, 7.4, 1 each) answered 否: 102,
    // at most one 重点项 and a 一般项合格率 of 80% ≥ 70%: 基本符合, 书面限期整改.
    assert_eq!(r["score"], "102");
    assert_eq!(r["grade"]["id"], "basic");
    let flags: Vec<&str> = r["flags"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(flags, ["rectify", "recheck"]);
}

#[test]
fn canyin_results_follow_the_forms_rule() {
    let rubric = compiled("canyin", CANYIN);
    let result = |findings: &str| {
        let report = rubric
            .evaluate_json(findings, &rubric::eval::Options::new())
            .unwrap_or_else(|e| panic!("{findings}: {e}"));
        let r = json(&report.to_json());
        let flags: Vec<String> = r["flags"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter_map(|f| f["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        (
            r["score"].as_str().unwrap_or("").to_owned(),
            r["grade"]["id"].as_str().unwrap_or("").to_owned(),
            flags,
        )
    };
    // Nothing found: 符合, 通过.
    assert_eq!(
        result(r#"{"subject": "甲", "findings": [{"fact": "rate", "value": 1}]}"#),
        ("0".into(), "conform".into(), vec!["pass".to_owned()])
    );
    // Two 重点项: 不符合, whatever the 一般项合格率.
    assert_eq!(
        result(
            r#"{"subject": "乙", "findings": [{"item": "3.1", "clause": "no"}, {"item": "9.3", "clause": "no"}, {"fact": "rate", "value": 1}]}"#
        ),
        (
            "200".into(),
            "nonconform".into(),
            vec!["stop".to_owned(), "recheck".to_owned()]
        )
    );
    // One 一般项, but a 一般项合格率 of 60% < 70%: 不符合 by the veto.
    assert_eq!(
        result(
            r#"{"subject": "丙", "findings": [{"item": "2.3", "clause": "no"}, {"fact": "rate", "value": 0.6}]}"#
        ),
        (
            "1".into(),
            "nonconform".into(),
            vec!["stop".to_owned(), "recheck".to_owned()]
        )
    );
}

#[test]
fn zunyi_sample_evaluates_to_the_golden_report_and_the_figures_by_hand() {
    let (report_json, text, markdown) = report("zunyi", ZUNYI, ZUNYI_FINDINGS);
    golden("real-zunyi-2010", "report.json", &report_json);
    golden("real-zunyi-2010", "report.txt", &text);
    golden("real-zunyi-2010", "report.md", &markdown);
    let r = json(&report_json);
    // By hand: the table scores 88.5; 扣分 3 × 0.5 (較大事故) + 1 (3 against a target of 2)
    // + 2 (通報批評) = 4.5; 加分 1 項 省級 (3) + 2 項 市級 (1 each) = 5; 88.5 − 4.5 + 5 = 89.
    assert_eq!(r["score"], "89.00");
    let penalties: Vec<&str> = r["penalties"]
        .as_array()
        .map(|p| p.iter().filter_map(|p| p["deducted"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(penalties, ["2.5", "2", "0"]);
    assert_eq!(find(&r["bonuses"], "id", "6")["added"], "5");
    // 89 is 達標; a 重大以上事故 (major = 1) is 一票否決: 不達標.
    assert_eq!(r["grade"]["by_score"], "pass");
    assert_eq!(r["grade"]["id"], "fail");
}

#[test]
fn the_renderings_do_not_depend_on_the_order_of_findings() {
    for (path, source, findings) in [
        ("cangchu", CANGCHU, CANGCHU_FINDINGS),
        ("canyin", CANYIN, CANYIN_FINDINGS),
        ("zunyi", ZUNYI, ZUNYI_FINDINGS),
    ] {
        let rubric = compiled(path, source);
        let mut reversed = rubric::eval::Findings::from_json(findings)
            .unwrap_or_else(|e| panic!("{path}: the sample findings do not read:\n{e}"));
        reversed.findings.reverse();
        let reversed = rubric
            .evaluate(&reversed, &rubric::eval::Options::new())
            .unwrap_or_else(|e| panic!("{path}: the reversed findings do not fit:\n{e}"));
        let (json, text, markdown) = report(path, source, findings);
        assert_eq!(reversed.to_json(), json, "{path}");
        assert_eq!(reversed.to_text(), text, "{path}");
        assert_eq!(reversed.to_markdown(), markdown, "{path}");
    }
}

#[test]
fn the_readme_and_the_architecture_name_every_bundled_rubric() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |name: &str| {
        std::fs::read_to_string(root.join(name))
            .unwrap_or_else(|e| panic!("cannot read {name}: {e}"))
    };
    let (readme, architecture) = (read("README.md"), read("ARCHITECTURE.md"));
    for &(path, _) in ALL {
        assert!(
            readme.contains(&format!("`{path}`")),
            "README.md does not list {path}"
        );
        assert!(
            architecture.contains(&format!("`{path}`")),
            "ARCHITECTURE.md does not list {path}"
        );
        let findings = path
            .replace("rubrics/", "examples/")
            .replace(".rubric", "-findings.json");
        assert!(root.join(&findings).is_file(), "{findings} is missing");
    }
}

#[test]
fn each_header_names_its_source_file_and_that_file_names_its_address() {
    for (rubric, dir) in [
        (CANGCHU, "real-cangchu-logistics"),
        (CANYIN, "real-canyin-inspection"),
        (ZUNYI, "real-zunyi-2010"),
    ] {
        let named = format!("tests/data/{dir}/source.txt");
        assert!(rubric.contains(&named), "the header does not name {named}");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&named);
        let source =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {named}: {e}"));
        let address = source
            .lines()
            .take(3)
            .find_map(|l| l.split_whitespace().find(|w| w.starts_with("http")))
            .unwrap_or_else(|| panic!("{named} does not start with its address"));
        assert!(
            rubric.contains(address),
            "the header does not give {address}"
        );
    }
}
