//! One evaluation: a realistic inspection of about 100 findings on the real
//! rubric, against a hand-written direct computation of the same final score
//! from the same deserialised findings. Target: ratio ≤ 1.5.
//!
//! The evaluator does more than the baseline (every error check, warnings,
//! attribution to owners and entities, notes, the whole report); the ratio
//! says what that costs.

#[path = "support/direct.rs"]
mod direct;
#[path = "support/synth.rs"]
mod synth;
#[path = "support/timing.rs"]
mod timing;

use criterion::{Criterion, Throughput};
use rubric::eval::{Findings, Options};
use std::hint::black_box;
use std::time::Duration;

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics/linze-2023.rubric");
    let (source, name) = match std::fs::read_to_string(path) {
        Ok(text) => (text, "rubrics/linze-2023.rubric".to_owned()),
        Err(_) => (
            synth::rubric_source(&synth::RubricOptions::new(130, 7)),
            "a generated rubric of 130 items".to_owned(),
        ),
    };
    let model = rubric::Rubric::parse(&source).expect("the benchmark rubric is valid");
    let json = synth::inspection(&model, 100, 7, 0);
    let findings = Findings::from_json(&json).expect("generated findings read");
    let options = Options::default();
    let report = model
        .evaluate(&findings, &options)
        .expect("generated findings fit the rubric");
    // Both sides must agree on the score before either is timed.
    assert_eq!(
        direct::direct_score(&model, &findings),
        report.score_exact,
        "the baseline computes the evaluator's score"
    );
    println!(
        "rubric: {name}; inspection: {} findings, {} bytes of JSON, score {}",
        findings.findings.len(),
        json.len(),
        report.score
    );

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("evaluate one inspection");
    group.throughput(Throughput::Elements(findings.findings.len() as u64));
    group.bench_function("ours: Rubric::evaluate (full report)", |b| {
        b.iter(|| model.evaluate(black_box(&findings), &options))
    });
    group.bench_function("baseline: direct score", |b| {
        b.iter(|| direct::direct_score(&model, black_box(&findings)))
    });
    group.bench_function("reading the findings JSON", |b| {
        b.iter(|| Findings::from_json(black_box(&json)))
    });
    group.bench_function("ours: JSON in, report JSON out", |b| {
        b.iter(|| {
            model
                .evaluate_json(black_box(&json), &options)
                .map(|report| report.to_json())
        })
    });
    group.finish();
    criterion.final_summary();

    if timing::bench_mode() {
        let (ours, baseline) = timing::compare(
            31,
            Duration::from_millis(30),
            &mut || {
                let _ = black_box(model.evaluate(black_box(&findings), &options));
            },
            &mut || {
                black_box(direct::direct_score(&model, black_box(&findings)));
            },
        );
        timing::print_ratio("evaluate (report / direct score)", ours, baseline, 1.5);
    }
}
