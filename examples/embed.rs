//! Embedding the evaluator: parse a rubric once, build the findings of an
//! inspection in code, evaluate, and print the score and the three biggest
//! deductions.
//!
//! Run with `cargo run --example embed`.

use rubric::eval::{Finding, Findings, Options};
use rubric::Rubric;
use rust_decimal::Decimal;

const RUBRIC: &str = r#"
rubric "安全生产考核细则（示例）" {
  version "2023"
  unit enterprise "家"
  grade good "良好" at least 16
  grade pass "合格" at least 12
  grade fail "不合格"

  item 1 "落实安全生产责任制" weight 10 {
    owner "县应急局"
    clause a "未制定年度工作要点的" deduct 2
    clause b "企业主体责任不落实的" deduct 0.5 per enterprise capped at 3
    clause c "工作力度明显不足的" deduct up to 2
  }
  item 2 "隐患排查治理" weight 10 {
    owner "县应急局", "县消防救援大队"
    clause a "隐患整改率未达到90%的" deduct 1 when below 90%
    clause b "未建立隐患台账的" deduct 1
  }
}
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Parse once; the rubric is immutable and can be shared between threads.
    let rubric = Rubric::parse(RUBRIC)?;

    let findings = Findings::new("临泽县")
        .with(Finding::clause("1", "a").note("未见年度工作要点"))
        .with(Finding::clause("1", "b").entities(["甲公司", "乙公司", "丙公司"]))
        .with(Finding::clause("1", "c").amount(Decimal::new(5, 1)))
        .with(Finding::clause("2", "a").value(Decimal::new(85, 2)))
        .with(Finding::clause("2", "b").count(0));

    let report = rubric.evaluate(&findings, &Options::default())?;
    let grade = report
        .grade
        .as_ref()
        .map_or(String::new(), |g| format!(", grade {}", g.label));
    println!(
        "{}: score {} of {}{grade}",
        report.subject,
        report.score,
        report.total.normalize()
    );
    println!("the three biggest deductions:");
    for located in report.largest_deductions(3) {
        let d = located.deduction;
        let reference = format!("{}/{}", located.item, d.clause);
        let mut line = format!("  -{:<5} {reference:<6} {}", d.amount.normalize(), d.text);
        if let (Some(n), Some(unit)) = (d.count, &d.unit_label) {
            line.push_str(&format!(" ({n} {unit})"));
        }
        if d.capped {
            line.push_str(&format!(", capped from {}", d.raw.normalize()));
        }
        println!("{line}");
    }
    Ok(())
}
