//! Seeded, deterministic generators of synthetic rubrics and inspection
//! streams, for load tests and benchmarks.
//!
//! Shared by the benchmarks (`benches/*.rs`) and by `examples/generate.rs`
//! through `#[path]`, so that what users generate for their own load tests is
//! exactly what the published figures were measured on.
//!
//! - [`rubric_source`] writes rubric source text with every form of the
//!   language: sections, all clause shapes, caps, units, externals, optional
//!   items, clause owners, penalties with and without a cap, vetoes with and
//!   without `when`, grades, comments and string escapes. It is valid: no
//!   errors and no warnings.
//! - [`inspection`] writes one findings object on one line (JSON Lines) that
//!   fits a parsed rubric: a mix of once, per (counts and entities),
//!   discretionary, threshold, external, not-applicable, penalty and veto
//!   findings, with notes and evidence. Inspection `i` of a stream depends
//!   only on the seed and `i`, so any slice of a stream can be regenerated.
//!
//! The same seed and options always give the same bytes.

#![allow(dead_code)] // Each user of this module needs only part of it.

use rubric::model::Deduction;
use rubric::Rubric;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// An independent generator for stream number `stream` of `seed`.
    pub fn derive(seed: u64, stream: u64) -> Rng {
        let mut mixer = Rng::new(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        Rng::new(mixer.next_u64() ^ stream)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high.saturating_sub(low) + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One element of a non-empty list.
    pub fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list.get(self.below(list.len())).copied().unwrap_or("")
    }

    /// Shuffles a list in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, list: &mut [T]) {
        for i in (1..list.len()).rev() {
            let j = self.below(i + 1);
            list.swap(i, j);
        }
    }
}

/// What [`rubric_source`] generates.
#[derive(Debug, Clone)]
pub struct RubricOptions {
    /// Number of items (at least 1).
    pub items: usize,
    /// Items per section.
    pub items_per_section: usize,
    /// The seed.
    pub seed: u64,
}

impl RubricOptions {
    /// `items` items, ten to a section.
    pub fn new(items: usize, seed: u64) -> RubricOptions {
        RubricOptions {
            items: items.max(1),
            items_per_section: 10,
            seed,
        }
    }
}

const VERBS: &[&str] = &[
    "健全",
    "落实",
    "研究制定",
    "组织开展",
    "督促指导",
    "建立完善",
    "部署推进",
    "定期分析",
    "全面排查",
    "依法查处",
    "加强监管",
    "压实",
];
const OBJECTS: &[&str] = &[
    "安全生产责任制",
    "重大事故隐患专项排查整治行动",
    "安全生产举报奖励体系",
    "消防安全网格化管理",
    "危险化学品安全风险集中治理",
    "道路交通安全防控体系",
    "森林草原防灭火工作机制",
    "应急预案演练",
    "安全生产考核巡查",
    "企业主体责任",
    "燃气安全专项整治",
    "自建房安全隐患排查",
    "城镇燃气管道更新改造",
    "矿山安全监管执法",
    "建筑施工安全",
    "校园安全管理",
];
const QUALIFIERS: &[&str] = &[
    "未按规定",
    "未及时",
    "未全面",
    "未定期",
    "未认真",
    "未有效",
    "随机抽查发现",
    "未建立台账",
];
const OWNERS: &[&str] = &[
    "县委办公室",
    "县政府办公室",
    "县委宣传部",
    "县应急管理局",
    "县安委会办公室",
    "县消防救援大队",
    "县公安局",
    "县交通运输局",
    "县住房和城乡建设局",
    "县市场监督管理局",
    "县自然资源局",
    "县教育局",
    "县卫生健康局",
    "县林业和草原局",
];
const DOCUMENTS: &[&str] = &[
    "《中华人民共和国安全生产法》",
    "《中华人民共和国消防法》",
    "《地方党政领导干部安全生产责任制规定》",
    "国务院安委会2023年工作要点",
    "《全国重大事故隐患专项排查整治2023行动总体方案》",
    "《省安全生产和消防工作考核巡查办法》",
];
const CHECK_VERBS: &[&str] = &["查看", "查阅", "抽查", "现场检查", "座谈了解", "调取"];
const RECORDS: &[&str] = &[
    "会议纪要",
    "工作方案",
    "学习记录",
    "检查台账",
    "执法文书",
    "整改报告",
    "宣传活动记录",
    "隐患排查清单",
];

/// The counting units a generated rubric may use, with their measure words.
const UNITS: &[(&str, &str)] = &[
    ("enterprise", "家"),
    ("person", "人"),
    ("item", "项"),
    ("town", "个"),
];

/// Amounts in tenths, so that every figure is an exact decimal.
fn tenths(n: u64) -> Decimal {
    Decimal::new(n as i64, 1).normalize()
}

fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn title(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(VERBS), rng.pick(OBJECTS))
}

fn condition(rng: &mut Rng) -> String {
    let mut text = format!(
        "{}{}{}的",
        rng.pick(QUALIFIERS),
        rng.pick(VERBS),
        rng.pick(OBJECTS)
    );
    if rng.chance(10) {
        // Quoted words, as in 不得评为"优秀", exercise string escapes.
        text.push_str("，一律不得评为\"优秀\"");
    }
    text
}

fn basis(rng: &mut Rng) -> String {
    let mut text = rng.pick(DOCUMENTS).to_owned();
    for n in 1..=rng.between(2, 4) {
        let _ = write!(
            text,
            "{n}.{}{}，{}。",
            rng.pick(VERBS),
            rng.pick(OBJECTS),
            condition(rng)
        );
    }
    text
}

/// One generated item, written into `out`; returns its weight and the ids of
/// its clauses (for vetoes).
struct ItemOut {
    weight: Decimal,
    clauses: Vec<String>,
}

fn write_item(out: &mut String, id: &str, rng: &mut Rng, units_used: &mut [bool]) -> ItemOut {
    // Weights of 1 to 10 points, sometimes half points.
    let mut weight_tenths = 10 * rng.between(1, 10) as u64;
    if rng.chance(15) {
        weight_tenths += 5;
    }
    let mut externals = Vec::new();
    if rng.chance(8) {
        // A part scored by another authority: the item is bigger, and the
        // clauses keep between 2 and 5 points.
        let clause_part = 10 * rng.between(2, 5) as u64;
        let external_part = 10 * rng.between(5, 15) as u64;
        weight_tenths = clause_part + external_part;
        if rng.chance(50) {
            let first = external_part / 2;
            externals.push(("daily", first));
            externals.push(("annual", external_part - first));
        } else {
            externals.push(("daily", external_part));
        }
    }
    let weight = tenths(weight_tenths);
    let clause_weight_tenths = weight_tenths - externals.iter().map(|e| e.1).sum::<u64>();
    let optional = rng.chance(12);

    let _ = write!(out, "    item {id} {} weight {weight}", quoted(&title(rng)));
    if optional {
        out.push_str(" optional");
    }
    out.push_str(" {\n");
    let first_owner = rng.pick(OWNERS);
    let _ = writeln!(out, "      owner {}", quoted(first_owner));
    let second_owner = rng.pick(OWNERS);
    if second_owner != first_owner && rng.chance(40) {
        let _ = writeln!(out, "      owner {}", quoted(second_owner));
    }
    for _ in 0..rng.between(1, 2) {
        let _ = writeln!(out, "      basis {}", quoted(&basis(rng)));
    }
    for (external, weight) in &externals {
        let _ = writeln!(
            out,
            "      external {external} {} weight {} by {}",
            quoted(&format!("{}{}", rng.pick(OBJECTS), "日常工作")),
            tenths(*weight),
            quoted("市安委会办公室"),
        );
    }
    let mut clauses = Vec::new();
    let mut has_all = false;
    for index in 0..rng.between(2, 6) {
        let clause_id = char::from(b'a' + index as u8).to_string();
        // A once amount never exceeds what the clauses can take.
        let amount = tenths((5 * rng.between(1, 4) as u64).min(clause_weight_tenths));
        let shape = rng.below(100);
        let deduction = match shape {
            0..=34 => format!("deduct {amount}"),
            35..=39 => format!(
                "deduct {amount} capped at {}",
                (amount * Decimal::TWO).normalize()
            ),
            40..=64 => {
                let unit = rng.below(UNITS.len() + 1);
                let unit_name = match units_used.get_mut(unit) {
                    Some(used) => {
                        *used = true;
                        UNITS.get(unit).map_or("occurrence", |u| u.0)
                    }
                    None => "occurrence",
                };
                let per_amount = tenths(rng.between(1, 5) as u64);
                match rng.below(3) {
                    0 => format!("deduct {per_amount} per {unit_name}"),
                    1 => format!(
                        "deduct {per_amount} per {unit_name} capped at {}",
                        (per_amount * Decimal::from(rng.between(2, 5))).normalize()
                    ),
                    _ => format!("deduct {per_amount} per {unit_name} capped at item weight"),
                }
            }
            65..=74 => {
                if rng.chance(50) {
                    "deduct up to item weight".to_owned()
                } else {
                    format!("deduct up to {amount}")
                }
            }
            75..=89 => {
                let op = if rng.chance(70) { "below" } else { "above" };
                if rng.chance(75) {
                    format!("deduct {amount} when {op} {}%", 10 * rng.between(3, 9))
                } else {
                    format!("deduct {amount} when {op} {}", rng.between(1, 5))
                }
            }
            _ if !has_all => {
                has_all = true;
                "deduct all".to_owned()
            }
            _ => format!("deduct {amount}"),
        };
        let _ = write!(
            out,
            "      clause {clause_id} {} {deduction}",
            quoted(&condition(rng))
        );
        if rng.chance(5) {
            let _ = write!(out, " owner {}", quoted(rng.pick(OWNERS)));
        }
        if rng.chance(5) {
            out.push_str("  # 扣完对应考核要点分值为止");
        }
        out.push('\n');
        clauses.push(clause_id);
    }
    for _ in 0..rng.between(1, 2) {
        let _ = write!(
            out,
            "      check {}",
            quoted(&format!(
                "{}{}、{}",
                rng.pick(CHECK_VERBS),
                rng.pick(RECORDS),
                rng.pick(RECORDS)
            ))
        );
        if rng.chance(80) {
            let by = rng.pick(OWNERS);
            let _ = write!(out, " by {}", quoted(by));
            let also = rng.pick(OWNERS);
            if rng.chance(30) && also != by {
                let _ = write!(out, ", {}", quoted(also));
            }
        }
        out.push('\n');
    }
    out.push_str("    }\n");
    ItemOut { weight, clauses }
}

/// Rubric source text with `options.items` items; valid, deterministic.
pub fn rubric_source(options: &RubricOptions) -> String {
    let mut rng = Rng::new(options.seed);
    let per_section = options.items_per_section.max(1);
    let sections = options.items.div_ceil(per_section);
    let mut body = String::with_capacity(options.items * 1200);
    let mut units_used = vec![false; UNITS.len()];
    let mut total = Decimal::ZERO;
    let mut veto_refs = Vec::new();
    let mut item_number = 0;
    for section in 1..=sections {
        let _ = writeln!(
            body,
            "  section s{section} {} {{",
            quoted(&format!("第{section}部分 {}", rng.pick(OBJECTS)))
        );
        for index in 1..=per_section {
            if item_number == options.items {
                break;
            }
            item_number += 1;
            // Mostly two-level ids; some three-level, since ids have any depth.
            let id = if index % 7 == 0 {
                format!("{section}.{index}.1")
            } else {
                format!("{section}.{index}")
            };
            if rng.chance(3) {
                let _ = writeln!(body, "    # {}", condition(&mut rng));
            }
            let item = write_item(&mut body, &id, &mut rng, &mut units_used);
            total += item.weight;
            if veto_refs.len() < 3 && rng.chance(30) {
                if let Some(clause) = item.clauses.first() {
                    veto_refs.push(format!("{id}/{clause}"));
                }
            }
        }
        body.push_str("  }\n\n");
    }

    // Penalties take ids after the last section number, like 减分项 39.
    for (n, capped) in [(sections + 1, true), (sections + 2, false)] {
        let _ = write!(
            body,
            "  penalty {n} {}",
            quoted(&format!("考核巡查期间发现{}", rng.pick(OBJECTS)))
        );
        if capped {
            body.push_str(" capped at 10");
        }
        body.push_str(" {\n");
        let _ = writeln!(
            body,
            "    clause hazard {} deduct 0.5 per item",
            quoted("发现企业单位存在重大事故隐患")
        );
        if let Some(used) = units_used.get_mut(2) {
            *used = true;
        }
        let _ = writeln!(
            body,
            "    clause once {} deduct 1",
            quoted(&condition(&mut rng))
        );
        let _ = writeln!(
            body,
            "    clause rate {} deduct 0.5 when below 60%",
            quoted(&condition(&mut rng))
        );
        let _ = writeln!(
            body,
            "    clause extra {} deduct up to 2",
            quoted(&condition(&mut rng))
        );
        body.push_str("  }\n");
    }
    let _ = writeln!(
        body,
        "\n  veto formality {} at most good",
        quoted("存在安全检查走形式走过场、监管执法宽松软虚等情况")
    );
    if !veto_refs.is_empty() {
        let _ = writeln!(
            body,
            "  veto inaction {} at most pass when {}",
            quoted("对风险隐患视而不见、见而不查、查而不改"),
            veto_refs.join(", ")
        );
    }

    let mut out = String::with_capacity(body.len() + 1024);
    let _ = writeln!(
        out,
        "# Generated: {} items, seed {}.\nrubric {} {{",
        options.items,
        options.seed,
        quoted(&format!("合成考核细则（{}项）", options.items))
    );
    let _ = writeln!(out, "  version \"synthetic-{}\"", options.seed);
    let _ = writeln!(out, "  total {total}");
    let _ = writeln!(out, "  not-applicable rescale\n  rounding 2\n");
    for ((id, label), used) in UNITS.iter().zip(&units_used) {
        if *used {
            let _ = writeln!(out, "  unit {id} {}", quoted(label));
        }
    }
    // Bands at 90%, 80% and 60% of the total: strictly descending, at most the total.
    let band = |percent: i64| (total * Decimal::new(percent, 2)).normalize();
    let _ = writeln!(out, "\n  grade excellent \"优秀\" at least {}", band(90));
    let _ = writeln!(out, "  grade good \"良好\" at least {}", band(80));
    let _ = writeln!(out, "  grade pass \"合格\" at least {}", band(60));
    let _ = writeln!(out, "  grade fail \"不合格\"\n");
    out.push_str(&body);
    out.push_str("}\n");
    out
}

const SUBJECTS: &[&str] = &[
    "临泽县",
    "甘州区",
    "山丹县",
    "民乐县",
    "高台县",
    "肃南县",
    "沙河镇",
    "板桥镇",
    "平川镇",
    "倪家营镇",
    "新华镇",
    "蓼泉镇",
];
const ENTITIES: &[&str] = &[
    "张掖市某化工有限公司",
    "临泽县某建材厂",
    "某燃气有限公司",
    "某矿业有限公司",
    "某物流园",
    "某商贸城",
    "某加油站",
    "某酒店",
    "张某",
    "李某",
    "王某",
    "赵某",
    "刘某",
    "陈某",
    "某小学",
    "某医院",
];
const NOTES: &[&str] = &[
    "现场检查发现",
    "座谈抽查，相关人员不清楚",
    "台账记录不全",
    "整改未闭环",
    "资料雷同，疑似补做",
];

/// One finding being written: `{"item": …, "clause": …, …}`.
fn finding(item: &str, key: &str, id: &str) -> String {
    let mut text = String::with_capacity(96);
    let _ = write!(text, "{{\"item\":{},\"{key}\":{}", quoted(item), quoted(id));
    text
}

/// A decimal as JSON: a number or a string, both read exactly.
fn decimal_json(value: Decimal, rng: &mut Rng) -> String {
    if rng.chance(50) {
        value.normalize().to_string()
    } else {
        format!("\"{}\"", value.normalize())
    }
}

fn add_note(text: &mut String, rng: &mut Rng) {
    if rng.chance(25) {
        let _ = write!(text, ",\"note\":{}", quoted(rng.pick(NOTES)));
    }
    if rng.chance(10) {
        let _ = write!(
            text,
            ",\"evidence\":[{},{}]",
            quoted(&format!("检查记录第{}页", rng.between(1, 40))),
            quoted(rng.pick(RECORDS))
        );
    }
}

/// The fields that fit a clause's shape, after `item` and `clause`.
fn clause_fields(deduction: &Deduction, clause_weight: Decimal, rng: &mut Rng) -> String {
    let mut text = String::new();
    match deduction {
        Deduction::Once { .. } | Deduction::All { .. } => match rng.below(10) {
            0..=5 => {}
            6..=8 => {
                let _ = write!(text, ",\"count\":{}", rng.between(1, 3));
            }
            // Checked and not found.
            _ => text.push_str(",\"count\":0"),
        },
        Deduction::Per { .. } => match rng.below(20) {
            0..=9 => {
                let _ = write!(text, ",\"count\":{}", rng.between(1, 5));
            }
            10..=16 => {
                text.push_str(",\"entities\":[");
                for n in 0..rng.between(1, 3) {
                    if n > 0 {
                        text.push(',');
                    }
                    text.push_str(&quoted(rng.pick(ENTITIES)));
                }
                text.push(']');
            }
            _ => {}
        },
        Deduction::UpTo { max } => {
            let max = max.resolve(clause_weight);
            // A whole number of tenths in [0, max].
            let steps = (max * Decimal::TEN).trunc();
            let steps = u64::try_from(steps.mantissa()).unwrap_or(0) as usize;
            let amount = tenths(rng.between(0, steps) as u64).min(max);
            let _ = write!(text, ",\"amount\":{}", decimal_json(amount, rng));
        }
        Deduction::Threshold { threshold, .. } => {
            if threshold.percent {
                if rng.chance(50) {
                    let _ = write!(text, ",\"value\":\"{}%\"", rng.between(0, 100));
                } else {
                    let value = Decimal::new(rng.between(0, 100) as i64, 2).normalize();
                    let _ = write!(text, ",\"value\":{value}");
                }
            } else {
                let _ = write!(text, ",\"value\":{}", rng.between(0, 8));
            }
        }
    }
    text
}

/// One inspection: a findings object on one line, fitting `rubric`, with
/// about `findings` clause findings plus one score per external of each
/// applicable item, one finding per not-applicable item and now and then a
/// veto. Depends only on `seed` and `index`.
pub fn inspection(rubric: &Rubric, findings: usize, seed: u64, index: u64) -> String {
    let mut rng = Rng::derive(seed, index);
    let items = rubric.items();
    let mut lines: Vec<String> = Vec::with_capacity(findings + 16);

    // Not-applicable items: about one optional item in ten.
    let mut not_applicable = vec![false; items.len()];
    for (i, item) in items.iter().enumerate() {
        if item.optional && rng.chance(10) {
            if let Some(flag) = not_applicable.get_mut(i) {
                *flag = true;
            }
        }
    }
    // At least one item stays applicable.
    if not_applicable.iter().all(|&na| na) {
        if let Some(flag) = not_applicable.first_mut() {
            *flag = false;
        }
    }
    for (item, _) in items.iter().zip(&not_applicable).filter(|(_, na)| **na) {
        let mut text = format!(
            "{{\"item\":{},\"not_applicable\":true",
            quoted(item.id.as_str())
        );
        if rng.chance(50) {
            text.push_str(",\"reason\":\"本地区不涉及\"");
        }
        text.push('}');
        lines.push(text);
    }
    // Every external of an applicable item has its score.
    for (item, _) in items.iter().zip(&not_applicable).filter(|(_, na)| !**na) {
        for external in &item.externals {
            let steps = (external.weight.value * Decimal::TEN).trunc();
            let steps = u64::try_from(steps.mantissa()).unwrap_or(0) as usize;
            let score = tenths(rng.between(steps / 2, steps) as u64).min(external.weight.value);
            let mut text = finding(item.id.as_str(), "external", external.id.as_str());
            let _ = write!(text, ",\"score\":{}}}", decimal_json(score, &mut rng));
            lines.push(text);
        }
    }

    let candidates: Vec<usize> = (0..items.len())
        .filter(|&i| {
            !not_applicable.get(i).copied().unwrap_or(true)
                && items.get(i).is_some_and(|item| !item.clauses.is_empty())
        })
        .collect();
    // Discretionary and threshold clauses take one finding each.
    let mut single_used = std::collections::HashSet::new();
    for _ in 0..findings {
        let roll = rng.below(100);
        if roll == 0 {
            if let Some(veto) = rubric.vetoes().get(rng.below(rubric.vetoes().len())) {
                let mut text = format!("{{\"veto\":{}", quoted(veto.id.as_str()));
                add_note(&mut text, &mut rng);
                text.push('}');
                lines.push(text);
                continue;
            }
        }
        let (owner_id, clauses, clause_weight) = if roll < 5 && !rubric.penalties().is_empty() {
            let Some(penalty) = rubric.penalties().get(rng.below(rubric.penalties().len())) else {
                continue;
            };
            (penalty.id.as_str(), &penalty.clauses, Decimal::ZERO)
        } else {
            let Some(item) = candidates
                .get(rng.below(candidates.len()))
                .and_then(|&i| items.get(i))
            else {
                continue;
            };
            (item.id.as_str(), &item.clauses, item.clause_weight())
        };
        let Some(clause) = clauses.get(rng.below(clauses.len())) else {
            continue;
        };
        if matches!(
            clause.deduction,
            Deduction::UpTo { .. } | Deduction::Threshold { .. }
        ) && !single_used.insert((owner_id, clause.id.as_str()))
        {
            continue;
        }
        let mut text = finding(owner_id, "clause", clause.id.as_str());
        text.push_str(&clause_fields(&clause.deduction, clause_weight, &mut rng));
        add_note(&mut text, &mut rng);
        text.push('}');
        lines.push(text);
    }
    rng.shuffle(&mut lines);

    let subject = format!("{}{:05}", rng.pick(SUBJECTS), index);
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum::<usize>() + 64);
    let _ = write!(out, "{{\"subject\":{},\"findings\":[", quoted(&subject));
    for (n, line) in lines.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(line);
    }
    out.push_str("]}");
    out
}
