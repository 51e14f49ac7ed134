//! Evaluation rules on hand-built rubrics; the golden scenarios under
//! `tests/data/eval` cover the same rules through the text form.

use super::*;
use crate::model::build::*;
use crate::model::NotApplicable;

fn d(text: &str) -> Decimal {
    text.parse().unwrap_or_default()
}

/// The rubric of spec section 3.
fn spec_rubric() -> Rubric {
    rubric("临泽县2023年度安全生产和消防工作考核巡查评分细则")
        .version("2023")
        .total(30)
        .unit("enterprise", "家")
        .unit("person", "人")
        .unit("item", "项")
        .grade("excellent", "优秀", Some(amount(27)))
        .grade("good", "良好", Some(amount(24)))
        .grade("pass", "合格", Some(amount(18)))
        .grade("fail", "不合格", None)
        .item(
            item(
                "2.1",
                "将学习习近平总书记关于安全生产重要论述纳入各级党委宣传工作重点",
                4,
            )
            .owner("县委宣传部")
            .clause(clause("a", "未将…纳入党委宣传工作重点", once(2)))
            .clause(clause(
                "b",
                "未纳入党委理论学习中心组学习的重要内容",
                once(2),
            ))
            .clause(clause(
                "c",
                "随机抽查相关人员学习情况，不清楚的",
                capped_at_item_weight(per(1, "person")),
            ))
            .clause(clause("z", "未开展任何学习的", all())),
        )
        .item(
            item("10.2", "健全安全生产举报奖励体系", 6)
                .optional()
                .owner("县安委办")
                .owner("县专项行动方案涉及的部门")
                .clause(clause(
                    "d",
                    "未按规定处理举报的",
                    capped(per("0.1", "occurrence"), 1),
                ))
                .clause(clause("g", "频次和力度明显不足的", up_to(1)))
                .clause(clause("h", "应用率未达到50%的", below("0.5", "50%"))),
        )
        .item(
            item("9.1", "研究制定专项行动方案，健全工作机制", 20)
                .owner("县安委会办公室")
                .external("daily", "日常工作", 15)
                .clause(clause(
                    "a",
                    "未迅速研究制定本地区专项行动工作方案的",
                    once(1),
                )),
        )
        .penalty(penalty(
            "39",
            "发现企业单位存在重大事故隐患",
            Some(amount(10)),
            vec![clause(
                "hazard",
                "发现企业单位存在重大事故隐患",
                per("0.5", "item"),
            )],
        ))
        .veto(veto("formality", "存在安全检查走形式走过场", "good", &[]))
        .veto(veto(
            "inaction",
            "对风险隐患视而不见",
            "good",
            &[("2.1", "a"), ("2.1", "b")],
        ))
        .finish()
}

const SPEC_FINDINGS: &str = r#"{
  "subject": "临泽县",
  "findings": [
    {"item": "2.1", "clause": "a"},
    {"item": "2.1", "clause": "c", "count": 2, "note": "座谈抽查，2人不清楚", "evidence": ["座谈记录第3页"]},
    {"item": "2.1", "clause": "c", "entities": ["张某", "李某"]},
    {"item": "10.2", "clause": "d", "count": 15},
    {"item": "10.2", "clause": "g", "amount": "0.5"},
    {"item": "10.2", "clause": "h", "value": "42%"},
    {"item": "9.1", "external": "daily", "score": 12.5},
    {"veto": "formality", "note": "抽查发现检查记录雷同"},
    {"item": "39", "clause": "hazard", "count": 2}
  ]
}"#;

fn evaluate<'r>(r: &'r Rubric, json: &str) -> Result<Report<'r>, Vec<String>> {
    r.evaluate_json(json, &Options::default())
        .map_err(|e| e.iter().map(ToString::to_string).collect())
}

fn item_of<'a>(report: &'a Report<'_>, id: &str) -> &'a ItemReport<'a> {
    report.items.iter().find(|i| i.id == id).unwrap()
}

#[test]
fn worked_example() {
    let rubric = spec_rubric();
    let report = evaluate(&rubric, SPEC_FINDINGS).unwrap();
    assert_eq!(report.score.to_string(), "20.50");
    assert_eq!(report.score_exact.to_string(), "20.5");
    assert_eq!(report.raw, d("21.5"));
    let i21 = item_of(&report, "2.1");
    assert_eq!((i21.score, i21.capped), (Some(d("0")), true));
    let c = &i21.deductions[1];
    assert_eq!((c.count, c.amount), (Some(4), d("4")));
    assert_eq!(c.entities, ["张某", "李某"]);
    assert_eq!(item_of(&report, "10.2").score, Some(d("4")));
    assert_eq!(item_of(&report, "9.1").score, Some(d("17.5")));
    assert_eq!(report.penalized, d("1"));
    let grade = report.grade.as_ref().unwrap();
    assert_eq!((grade.id, grade.label), ("pass", "合格"));
    assert!(grade.capped_by.is_empty());
    let vetoes: Vec<_> = report.vetoes.iter().map(|v| v.id).collect();
    assert_eq!(vetoes, ["formality", "inaction"]);
    assert_eq!(report.vetoes[1].clauses, ["2.1/a"]);
    let owners: Vec<_> = report
        .by_owner
        .iter()
        .map(|o| (o.owner, o.lost.to_string()))
        .collect();
    assert_eq!(
        owners,
        [
            ("县委宣传部", "4".into()),
            ("县安委会办公室", "2.5".into()),
            ("县安委办", "2".into()),
            ("县专项行动方案涉及的部门", "2".into()),
        ]
    );
    let entities: Vec<_> = report
        .by_entity
        .entities
        .iter()
        .map(|e| (e.entity.as_str(), e.amount.to_string()))
        .collect();
    assert_eq!(entities, [("张某", "1".into()), ("李某", "1".into())]);
}

#[test]
fn worked_example_not_applicable() {
    let json = SPEC_FINDINGS
        .replace(
            r#"{"item": "10.2", "clause": "d", "count": 15},"#,
            r#"{"item": "10.2", "not_applicable": true, "reason": "未建设"},"#,
        )
        .replace(r#"{"item": "10.2", "clause": "g", "amount": "0.5"},"#, "")
        .replace(r#"{"item": "10.2", "clause": "h", "value": "42%"},"#, "");
    let rubric = spec_rubric();
    let report = evaluate(&rubric, &json).unwrap();
    assert_eq!(report.raw, d("17.5"));
    assert_eq!(report.applicable_weight, d("24"));
    assert_eq!(report.scaled, d("21.875"));
    assert_eq!(report.score_exact.to_string(), "20.875");
    assert_eq!(report.score.to_string(), "20.88");
    assert_eq!(item_of(&report, "10.2").status, Status::NotApplicable);
}

#[test]
fn full_marks_mode() {
    let mut parts_rubric = spec_rubric();
    parts_rubric.not_applicable = NotApplicable::FullMarks;
    let json = r#"{"subject":"s","findings":[
        {"item":"10.2","not_applicable":true},
        {"item":"9.1","external":"daily","score":15},
        {"item":"9.1","clause":"a"}]}"#;
    let report = evaluate(&parts_rubric, json).unwrap();
    assert_eq!(report.scaled, d("29"));
    assert_eq!(report.score.to_string(), "29.00");
    assert_eq!(report.grade.unwrap().id, "excellent");
}

#[test]
fn veto_caps_grade() {
    let json = r#"{"subject":"s","findings":[
        {"item":"9.1","external":"daily","score":15},
        {"item":"2.1","clause":"b","count":1}]}"#;
    let rubric = spec_rubric();
    let report = evaluate(&rubric, json).unwrap();
    assert_eq!(report.score.to_string(), "28.00");
    let grade = report.grade.unwrap();
    assert_eq!((grade.id, grade.by_score), ("good", "excellent"));
    assert_eq!(grade.capped_by, ["inaction"]);
}

#[test]
fn once_count_zero_and_repeats() {
    let json = r#"{"subject":"s","findings":[
        {"item":"9.1","external":"daily","score":15},
        {"item":"2.1","clause":"a","count":0},
        {"item":"2.1","clause":"b"},
        {"item":"2.1","clause":"b","count":2},
        {"item":"2.1","clause":"c","entities":["甲","甲","乙"]}]}"#;
    let rubric = spec_rubric();
    let report = evaluate(&rubric, json).unwrap();
    let i = item_of(&report, "2.1");
    assert_eq!(i.deductions[0].amount, d("0"));
    assert_eq!(i.deductions[1].amount, d("2"));
    assert_eq!(i.deductions[2].count, Some(2));
    let warnings: Vec<_> = report
        .warnings
        .to_vec()
        .iter()
        .map(|w| format!("{}: {}", w.at, w.message))
        .collect();
    assert_eq!(
        warnings,
        [
            "2.1/b: clause `2.1/b` deducts once but was found 3 times; it deducts 2 once",
            "2.1/c: `甲` is named more than once for clause `2.1/c`; counted once",
        ]
    );
}

#[test]
fn errors_are_all_reported_with_positions() {
    let json = r#"{"subject":"s","findings":[
        {"item":"2.1","clause":"x"},
        {"item":"14.1","clause":"a"},
        {"item":"2.1","clause":"a","amount":1},
        {"item":"10.2","clause":"g","amount":2},
        {"item":"10.2","clause":"g","amount":"0.5"},
        {"item":"10.2","clause":"g","amount":"0.5"},
        {"item":"10.2","clause":"h"},
        {"item":"2.1","not_applicable":true},
        {"veto":"formalty"},
        {"item":"9.1","external":"dialy","score":1},
        {"item":"2.1","clause":"c","count":3,"entities":["甲"]}
    ]}"#;
    let errors = evaluate(&spec_rubric(), json).unwrap_err();
    assert_eq!(
        errors,
        [
            "findings[0].clause: item `2.1` has no clause `x`; its clauses are a, b, c, z",
            "findings[1].item: unknown item `14.1`",
            "findings[2].amount: `amount` does not fit clause `2.1/a`, which deducts once; `amount` fits discretionary clauses (`deduct up to`)",
            "findings[3].amount: amount `2` is out of range for clause `10.2/g`: expected 0 ≤ amount ≤ 1",
            "findings[5].amount: a second `amount` for discretionary clause `10.2/g` (the first is in findings[4]); give one amount per clause",
            "findings[6].value: missing `value` for threshold clause `10.2/h` (a number, or a percentage such as \"42%\")",
            "findings[7].not_applicable: item `2.1` is not optional, so it cannot be declared not applicable (help: only items marked `optional` after their weight may be not applicable)",
            "findings[8].veto: unknown veto `formalty`; the vetoes are formality, inaction (help: did you mean `formality`?)",
            "findings[9].external: item `9.1` has no external `dialy`; its externals are daily",
            "findings[10].count: `count` is 3 but `entities` names 1 for clause `2.1/c`; give one, or make them agree",
            "9.1/daily: no score for external `daily` of item `9.1` (help: add {\"item\": \"9.1\", \"external\": \"daily\", \"score\": …} (0 to 15), or choose to assume missing external scores full or zero)",
        ]
    );
}

#[test]
fn not_applicable_item_refuses_its_clause_findings() {
    let json = r#"{"subject":"s","findings":[
        {"item":"10.2","clause":"d","count":1},
        {"item":"10.2","not_applicable":true},
        {"item":"9.1","external":"daily","score":15}]}"#;
    let errors = evaluate(&spec_rubric(), json).unwrap_err();
    assert_eq!(
        errors,
        ["findings[0].clause: item `10.2` is declared not applicable (findings[1]), so clause `d` cannot be found"]
    );
}

#[test]
fn missing_external_choices() {
    let json = r#"{"subject":"s","findings":[]}"#;
    let r = spec_rubric();
    let full = r
        .evaluate_json(json, &Options::new().missing_external(Missing::Full))
        .unwrap();
    assert_eq!(full.score.to_string(), "30.00");
    assert_eq!(full.items[2].externals[0].assumed, Some("full"));
    assert_eq!(full.warnings.len(), 1);
    let zero = r
        .evaluate_json(json, &Options::new().missing_external(Missing::Zero))
        .unwrap();
    assert_eq!(zero.score.to_string(), "15.00");
}

#[test]
fn no_applicable_item() {
    let r = rubric("t")
        .item(
            item("1", "a", 2)
                .optional()
                .clause(clause("a", "x", once(1))),
        )
        .finish();
    let errors = evaluate(&r, r#"{"findings":[{"item":"1","not_applicable":true}]}"#).unwrap_err();
    assert_eq!(
        errors,
        ["findings: no item applies: every item is declared not applicable, so there is nothing to score"]
    );
}

#[test]
fn rounding_half_away_from_zero() {
    // 3 items of weight 1, one not applicable: raw 1.5 × 3 / 2 = 2.25 → rounding 1 → 2.3.
    let r = rubric("t")
        .rounding(1)
        .item(item("1", "a", 1).clause(clause("a", "x", up_to(1))))
        .item(item("2", "b", 1).clause(clause("a", "x", once(1))))
        .item(
            item("3", "c", 1)
                .optional()
                .clause(clause("a", "x", once(1))),
        )
        .finish();
    let report = evaluate(
        &r,
        r#"{"findings":[{"item":"1","clause":"a","amount":"0.5"},{"item":"3","not_applicable":true}]}"#,
    )
    .unwrap();
    assert_eq!(report.score_exact.to_string(), "2.25");
    assert_eq!(report.score.to_string(), "2.3");
}

#[test]
fn threshold_above_and_numbers() {
    let r = rubric("t")
        .item(
            item("1", "a", 5)
                .clause(clause("a", "x", above(1, 3)))
                .clause(clause("b", "y", below(1, "50%"))),
        )
        .finish();
    let report = evaluate(
        &r,
        r#"{"findings":[{"item":"1","clause":"a","value":4},{"item":"1","clause":"b","value":"0.5"}]}"#,
    )
    .unwrap();
    assert_eq!(report.items[0].deductions[0].amount, d("1"));
    assert_eq!(report.items[0].deductions[1].amount, d("0"));
}

#[test]
fn clause_owners_are_charged_first_under_the_item_cap() {
    let r = rubric("t")
        .item(
            item("1", "a", 3)
                .owner("item owner")
                .clause(clause("a", "x", once(2)))
                .clause(clause_owner(clause("b", "y", once(2)), "clause owner")),
        )
        .finish();
    let report = evaluate(
        &r,
        r#"{"findings":[{"item":"1","clause":"a"},{"item":"1","clause":"b"}]}"#,
    )
    .unwrap();
    let owners: Vec<_> = report
        .by_owner
        .iter()
        .map(|o| (o.owner, o.lost.to_string()))
        .collect();
    assert_eq!(
        owners,
        [("clause owner", "2".into()), ("item owner", "1".into())]
    );
}

#[test]
fn rubric_is_shareable() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Rubric>();
    assert_send_sync::<Report>();
    assert_send_sync::<Findings>();
}

#[test]
fn template_is_valid_and_full_marks() {
    let r = spec_rubric();
    let json = template(&r);
    let report = evaluate(&r, &json).unwrap();
    assert_eq!(report.score.to_string(), "30.00");
    assert!(json.contains("\"value\": \"50%\""), "{json}");
}

#[test]
fn builder_matches_json() {
    let findings = Findings::new("临泽县")
        .with(Finding::clause("2.1", "a"))
        .with(
            Finding::clause("2.1", "c")
                .count(2)
                .note("座谈抽查，2人不清楚")
                .evidence("座谈记录第3页"),
        )
        .with(Finding::clause("2.1", "c").entities(["张某", "李某"]))
        .with(Finding::clause("10.2", "d").count(15))
        .with(Finding::clause("10.2", "g").amount(d("0.5")))
        .with(Finding::clause("10.2", "h").value(d("0.42")))
        .with(Finding::external("9.1", "daily", d("12.5")))
        .with(Finding::veto("formality").note("抽查发现检查记录雷同"))
        .with(Finding::clause("39", "hazard").count(2));
    let r = spec_rubric();
    let from_builder = r.evaluate(&findings, &Options::default()).unwrap();
    let from_json = evaluate(&r, SPEC_FINDINGS).unwrap();
    assert_eq!(from_builder.to_json(), from_json.to_json());
}

#[test]
fn renderings_show_the_facts() {
    let rubric = spec_rubric();
    let report = evaluate(&rubric, SPEC_FINDINGS).unwrap();
    let text = report.to_text();
    let markdown = report.to_markdown();
    if std::env::var_os("SHOW").is_some() {
        println!("{text}\n{markdown}");
    }
    for needle in ["20.50", "合格", "县委宣传部", "张某", "capped", "formality"] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
        assert!(
            markdown.contains(needle),
            "{needle} missing from\n{markdown}"
        );
    }
    // Columns line up under CJK text: every row of the owners table has its
    // amount column ending at the same display width.
    let owners: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("points lost by owner"))
        .skip(1)
        .take(5)
        .collect();
    let ends: Vec<usize> = owners
        .iter()
        .map(|l| {
            let cut = l
                .find(|c: char| c.is_ascii_digit() || c == '.')
                .unwrap_or(0);
            let number_end = l[cut..].find(' ').map_or(l.len(), |n| cut + n);
            crate::report::display_width(&l[..number_end])
        })
        .collect();
    assert!(ends.windows(2).skip(1).all(|w| w[0] == w[1]), "{owners:#?}");
    let mut with_pipe = report.clone();
    with_pipe.items[0].title = "a|b";
    assert!(with_pipe.to_markdown().contains("a\\|b"));
}

#[test]
fn equal_losses_are_listed_as_the_rubric_names_their_owners() {
    // The item owner is named before the clause owner, but is charged
    // after it; ties must still follow the rubric.
    let r = rubric("t")
        .item(
            item("1", "a", 4)
                .owner("item owner")
                .clause(clause_owner(clause("a", "x", once(2)), "clause owner"))
                .clause(clause("b", "y", once(2))),
        )
        .finish();
    let report = evaluate(
        &r,
        r#"{"findings":[{"item":"1","clause":"a"},{"item":"1","clause":"b"}]}"#,
    )
    .unwrap();
    let owners: Vec<_> = report.by_owner.iter().map(|o| o.owner).collect();
    assert_eq!(owners, ["item owner", "clause owner"]);
}

#[test]
fn counts_that_add_up_past_the_largest_count_are_refused() {
    let max = u64::MAX;
    let json = format!(
        r#"{{"subject":"s","findings":[
        {{"item":"9.1","external":"daily","score":15}},
        {{"item":"2.1","clause":"a","count":{max}}},
        {{"item":"2.1","clause":"a","count":1}},
        {{"item":"2.1","clause":"c","count":{max}}},
        {{"item":"2.1","clause":"c","entities":["甲"]}},
        {{"item":"10.2","clause":"d","count":{max}}}]}}"#
    );
    let errors = evaluate(&spec_rubric(), &json).unwrap_err();
    assert_eq!(
        errors,
        [
            format!("2.1/a: the counts given for clause `2.1/a` add up to more than {max}, the largest count"),
            format!("2.1/c: the counts given for clause `2.1/c` add up to more than {max}, the largest count"),
        ]
    );
}
