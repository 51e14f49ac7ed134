use super::*;
use crate::check::tests::{
    clause, external, grade, id, item, num, once, pct, per, text, unit, veto,
};
use crate::model::{Comparison, Section};
use serde_json::json;

/// The example rubric of spec section 3, built by hand.
fn example() -> Rubric {
    let mut item21 = item(
        "2.1",
        "4",
        vec![
            clause("a", once("2")),
            clause("b", once("2")),
            clause(
                "c",
                per(
                    "1",
                    "person",
                    Some(Limit::ItemWeight(crate::check::tests::span())),
                ),
            ),
            clause(
                "z",
                Deduction::All {
                    span: crate::check::tests::span(),
                },
            ),
        ],
    );
    item21.title = text("将学习习近平总书记关于安全生产重要论述纳入各级党委宣传工作重点");
    item21.section = Some(0);
    item21.owners = vec![text("县委宣传部")];
    item21.basis = vec![text("国务院安委会2023年工作要点")];
    item21.checks = vec![CheckStep {
        text: text("查看党委宣传工作重点（方案）"),
        by: vec![text("县委宣传部")],
    }];
    let mut item102 = item(
        "10.2",
        "6",
        vec![
            clause("d", per("0.1", "occurrence", Some(Limit::Amount(num("1"))))),
            clause(
                "g",
                Deduction::UpTo {
                    max: Limit::Amount(num("1")),
                },
            ),
            clause(
                "h",
                Deduction::Threshold {
                    amount: num("0.5"),
                    op: Comparison::Below,
                    threshold: pct("50"),
                },
            ),
        ],
    );
    item102.title = text("健全安全生产举报奖励体系");
    item102.section = Some(0);
    item102.optional = true;
    item102.owners = vec![text("县安委办"), text("县专项行动方案涉及的部门")];
    item102.checks = vec![];
    let mut item91 = item("9.1", "20", vec![clause("a", once("1"))]);
    item91.title = text("研究制定专项行动方案，健全工作机制");
    item91.section = Some(0);
    item91.owners = vec![text("县安委会办公室")];
    item91.checks = vec![];
    let mut daily = external("daily", "15");
    daily.by = vec![text("国务院安委会办公室")];
    item91.externals = vec![daily];
    let mut hazard = clause("hazard", per("0.5", "item", None));
    hazard.text = text("发现企业单位存在重大事故隐患");
    Rubric::new(RubricParts {
        title: text("临泽县2023年度安全生产和消防工作考核巡查评分细则"),
        version: Some(text("2023")),
        total: Some(num("30")),
        not_applicable: NotApplicable::Rescale,
        rounding: 2,
        units: vec![unit("enterprise"), unit("person"), unit("item")],
        grades: vec![
            grade("excellent", Some("27")),
            grade("good", Some("24")),
            grade("pass", Some("18")),
            grade("fail", None),
        ],
        sections: vec![Section {
            id: id("leadership"),
            title: text("一、党政领导责任"),
            span: Span::default(),
        }],
        items: vec![item21, item102, item91],
        penalties: vec![Penalty {
            id: id("39"),
            title: text("考核巡查期间通过明查暗访发现企业单位存在重大事故隐患"),
            cap: Some(num("10")),
            owners: vec![],
            basis: vec![],
            checks: vec![],
            clauses: vec![hazard],
            span: Span::default(),
        }],
        vetoes: vec![
            veto("formality", "good", &[]),
            veto("inaction", "good", &[("2.1", "a"), ("2.1", "b")]),
        ],
        span: Span::default(),
    })
}

#[test]
fn json_has_the_shape_of_the_spec() {
    let json = to_json(&example());
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "title",
        "version",
        "total",
        "not_applicable",
        "rounding",
        "units",
        "grades",
        "sections",
        "items",
        "penalties",
        "vetoes",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(json["total"], "30");
    assert_eq!(json["rounding"], 2);
    assert_eq!(json["not_applicable"], "rescale");
    assert_eq!(json["units"][0], json!({"id": "occurrence", "label": "次"}));
    assert_eq!(
        json["grades"][3],
        json!({"id": "fail", "label": "优秀", "at_least": null})
    );
    assert_eq!(json["items"][0]["section"], "leadership");
    assert_eq!(
        json["items"][0]["clauses"][2],
        json!({"id": "c", "text": "未按规定", "shape": "per", "amount": "1", "unit": "person",
               "cap": "item weight", "max": null, "op": null, "threshold": null, "owners": []})
    );
    assert_eq!(json["items"][0]["clauses"][3]["amount"], "all");
    assert_eq!(json["items"][0]["clauses"][3]["shape"], "once");
    assert_eq!(
        json["items"][1]["clauses"][1],
        json!({"id": "g", "text": "未按规定", "shape": "discretionary", "amount": null, "unit": null,
               "cap": null, "max": "1", "op": null, "threshold": null, "owners": []})
    );
    assert_eq!(
        json["items"][1]["clauses"][2],
        json!({"id": "h", "text": "未按规定", "shape": "threshold", "amount": "0.5", "unit": null,
               "cap": null, "max": null, "op": "below", "threshold": "0.5", "owners": []})
    );
    assert_eq!(
        json["items"][2]["externals"][0],
        json!({"id": "daily", "title": "日常工作", "weight": "15", "by": ["国务院安委会办公室"]})
    );
    assert_eq!(json["items"][1]["optional"], true);
    assert_eq!(json["penalties"][0]["cap"], "10");
    assert_eq!(json["vetoes"][1]["when"], json!(["2.1/a", "2.1/b"]));
    assert_eq!(json["vetoes"][1]["at_most"], "good");
}

#[test]
fn decimals_lose_trailing_zeros_only() {
    let mut p = crate::check::tests::parts();
    p.items[0].weight = num("2.50");
    p.total = Some(num("2.0"));
    let json = to_json(&Rubric::new(p));
    assert_eq!(json["items"][0]["weight"], "2.5");
    assert_eq!(json["total"], "2");
}

#[test]
fn json_round_trips() {
    let rubric = example();
    let json = to_json(&rubric);
    let back = from_json(&json).unwrap();
    assert_eq!(to_json(&back), json);
    assert_eq!(back.items().len(), 3);
    assert_eq!(
        back.item("10.2").unwrap().clauses[2].deduction.shape(),
        "threshold"
    );
}

#[test]
fn from_json_refuses_unknown_keys_and_bad_values() {
    let mut json = to_json(&example());
    json["items"][1]["wieght"] = json!("1");
    assert_eq!(
        from_json(&json).unwrap_err(),
        "items[1].wieght: unknown key"
    );
    let mut json = to_json(&example());
    json["items"][0]["weight"] = json!("four");
    assert_eq!(
        from_json(&json).unwrap_err(),
        "items[0].weight: `four` is not a decimal"
    );
    let mut json = to_json(&example());
    json["items"][0]["weight"] = serde_json::from_str("0.1").unwrap();
    let back = from_json(&json).unwrap();
    assert_eq!(back.items()[0].weight.value, Decimal::new(1, 1));
}

#[test]
fn rules_in_words() {
    let rubric = example();
    let words: Vec<String> = rubric
        .items()
        .iter()
        .flat_map(|i| &i.clauses)
        .map(|c| rule_in_words(&rubric, &c.deduction))
        .collect();
    assert_eq!(
        words,
        vec![
            "扣 2 分",
            "扣 2 分",
            "扣 1 分/家，扣完本项分值为止",
            "不得分",
            "扣 0.1 分/次，最多扣 1 分",
            "酌情扣分，最多 1 分",
            "低于 50% 扣 0.5 分",
            "扣 1 分",
        ]
    );
}

#[test]
fn markdown_checklist() {
    let md = to_markdown(&example());
    assert!(
        md.starts_with(
            "# 临泽县2023年度安全生产和消防工作考核巡查评分细则\n\n版本：2023 · 总分：30 分"
        ),
        "{md}"
    );
    assert!(md.contains("\n## 一、党政领导责任\n"), "{md}");
    assert!(
        md.contains(
            "\n### 2.1 将学习习近平总书记关于安全生产重要论述纳入各级党委宣传工作重点（4 分）\n"
        ),
        "{md}"
    );
    assert!(
        md.contains("| a 未按规定 | 扣 2 分 | 县委宣传部 |  |\n"),
        "{md}"
    );
    assert!(md.contains("| daily 日常工作 | 由国务院安委会办公室直接评分，15 分 | 国务院安委会办公室 | 得分： |\n"), "{md}");
    assert!(md.contains("\n## 减分项\n\n### 39 考核巡查期间通过明查暗访发现企业单位存在重大事故隐患（最多扣 10 分）\n"), "{md}");
    assert!(
        md.contains(
            "- [ ] inaction：走过场（最高评为“优秀”）；以下评分要点扣分即触发：2.1/a、2.1/b\n"
        ),
        "{md}"
    );
    assert!(md.contains("| 优秀 | ≥ 27 |\n"), "{md}");
    assert!(md.contains("| 优秀 | 其余 |\n"), "{md}");
}

#[test]
fn markdown_cells_never_break_the_table() {
    let mut p = crate::check::tests::parts();
    p.items[0].clauses[0].text = text("a | b\r\nc");
    p.items[0].title = text("两行\n标题");
    let md = to_markdown(&Rubric::new(p));
    assert!(md.contains("| a a \\| b<br>c | 扣 2 分 |"), "{md}");
    assert!(md.contains("### 2.1 两行 标题（4 分）"), "{md}");
    for row in md.lines().filter(|l| l.starts_with('|')) {
        let unescaped = row.replace("\\|", "");
        let bars = unescaped.matches('|').count();
        assert!(bars == 5 || bars == 3, "{row}");
    }
}

#[test]
fn csv_quotes_as_rfc_4180_says() {
    let mut p = crate::check::tests::parts();
    p.items[0].clauses[0].text = text("说\"明\", 第二行\n结束");
    let csv = to_csv(&Rubric::new(p));
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "section,item,item title,weight,clause,clause text,rule,amount,unit,cap,owners,deducted"
    );
    assert_eq!(
        lines[1],
        ",2.1,考核要点,4,a,\"说\"\"明\"\", 第二行\n结束\",扣 2 分,2,,,县应急局,"
    );
    assert_eq!(
        lines[2],
        ",2.1,考核要点,4,b,未按规定,扣 0.5 分/家,0.5,家,,县应急局,"
    );
    assert_eq!(lines[3], "");
}

#[test]
fn pretty_json_keeps_the_spec_order() {
    let text = to_json_pretty(&example());
    let title = text.find("\"title\"").unwrap();
    let version = text.find("\"version\"").unwrap();
    let vetoes = text.find("\"vetoes\"").unwrap();
    assert!(title < version && version < vetoes);
    let parsed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed, to_json(&example()));
}

#[test]
fn penalties_carry_owners_basis_and_checks() {
    let mut rubric_parts = crate::check::tests::parts();
    let mut p = crate::check::tests::penalty("39", Some("10"), vec![clause("a", once("0.5"))]);
    p.owners = vec![text("县应急局")];
    p.basis = vec![text("依据")];
    p.checks = vec![CheckStep {
        text: text("实地抽查"),
        by: vec![text("县应急局")],
    }];
    rubric_parts.penalties = vec![p];
    let rubric = Rubric::new(rubric_parts);
    let json = to_json(&rubric);
    let keys: Vec<&str> = json["penalties"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec!["id", "title", "cap", "owners", "basis", "checks", "clauses"];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(json["penalties"][0]["owners"], json!(["县应急局"]));
    assert_eq!(json["penalties"][0]["basis"], json!(["依据"]));
    assert_eq!(
        json["penalties"][0]["checks"],
        json!([{"text": "实地抽查", "by": ["县应急局"]}])
    );
    let back = from_json(&json).unwrap();
    assert_eq!(back.penalties(), rubric.without_spans().penalties());
    // A penalty clause without owners of its own is answered for by the penalty's.
    let csv = to_csv(&rubric);
    assert!(
        csv.contains(",a,未按规定,扣 0.5 分,0.5,,,县应急局,\r\n"),
        "{csv}"
    );
    let md = to_markdown(&rubric);
    assert!(
        md.contains("- 责任单位：县应急局\n- 评分依据：依据\n- 检查要求：实地抽查（县应急局）\n\n| 评分要点"),
        "{md}"
    );
    assert!(
        md.contains("| a 未按规定 | 扣 0.5 分 | 县应急局 |  |\n"),
        "{md}"
    );
}

#[test]
fn from_json_reads_penalties_written_without_owners_basis_and_checks() {
    let mut json = to_json(&example());
    for key in ["owners", "basis", "checks"] {
        json["penalties"][0].as_object_mut().unwrap().remove(key);
    }
    let back = from_json(&json).unwrap();
    assert_eq!(to_json(&back), to_json(&example()));
    let mut json = to_json(&example());
    json["penalties"][0]["owners"] = json!("县应急局");
    assert_eq!(
        from_json(&json).unwrap_err(),
        "penalties[0].owners: expected a list of strings"
    );
    let mut json = to_json(&example());
    json["penalties"][0]["owner"] = json!(["县应急局"]);
    assert_eq!(
        from_json(&json).unwrap_err(),
        "penalties[0].owner: unknown key"
    );
}
