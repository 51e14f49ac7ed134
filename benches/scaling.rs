//! Scaling: time per byte of rubric source (parse + model + check) and per
//! finding (evaluation) at 1×, 10× and 100× input sizes, on generated inputs.
//! Target: linear, so the per-unit time at 100× is close to the one at 1×
//! (no quadratic step in duplicate detection, id lookup or merging).

#[path = "support/synth.rs"]
mod synth;
#[path = "support/timing.rs"]
mod timing;

use criterion::{BenchmarkId, Criterion, Throughput};
use rubric::eval::{Findings, Options};
use std::hint::black_box;
use std::time::Duration;

const SCALES: [u64; 3] = [1, 10, 100];

fn main() {
    let bench = timing::bench_mode();
    // Rubrics of 30, 300 and 3,000 items; inspections of 100, 1,000 and
    // 10,000 findings on a 1,000-item rubric (smaller under `cargo test`).
    let (base_items, base_findings) = if bench { (30, 100) } else { (3, 10) };
    let sources: Vec<(u64, String)> = SCALES
        .iter()
        .map(|&s| {
            let options = synth::RubricOptions::new((base_items * s) as usize, 7);
            (s, synth::rubric_source(&options))
        })
        .collect();
    let big = synth::rubric_source(&synth::RubricOptions::new(if bench { 1000 } else { 20 }, 7));
    let model = rubric::Rubric::parse(&big).expect("the generated rubric is valid");
    let options = Options::default();
    let inspections: Vec<(u64, Findings)> = SCALES
        .iter()
        .map(|&s| {
            let json = synth::inspection(&model, (base_findings * s) as usize, 7, s);
            let findings = Findings::from_json(&json).expect("generated findings read");
            model
                .evaluate(&findings, &options)
                .expect("generated findings fit the rubric");
            (s, findings)
        })
        .collect();

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("scaling: read rubric");
    group.sample_size(10);
    for (scale, source) in &sources {
        group.throughput(Throughput::Bytes(source.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{scale}x")),
            source,
            |b, s| b.iter(|| rubric::compile(black_box(s))),
        );
    }
    group.finish();
    let mut group = criterion.benchmark_group("scaling: evaluate");
    group.sample_size(10);
    for (scale, findings) in &inspections {
        group.throughput(Throughput::Elements(findings.findings.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{scale}x")),
            findings,
            |b, f| b.iter(|| model.evaluate(black_box(f), &options)),
        );
    }
    group.finish();
    criterion.final_summary();

    if bench {
        let sample = Duration::from_millis(50);
        let mut per_byte = Vec::new();
        for (scale, source) in &sources {
            let time = timing::measure(11, sample, &mut || {
                black_box(rubric::compile(black_box(source)));
            });
            let ns = time.as_nanos() as f64 / source.len() as f64;
            println!(
                "read rubric {scale:>3}x: {} bytes in {} = {ns:.1} ns/byte",
                source.len(),
                timing::show(time)
            );
            per_byte.push(ns);
        }
        let mut per_finding = Vec::new();
        let mut points = Vec::new();
        for (scale, findings) in &inspections {
            let time = timing::measure(11, sample, &mut || {
                let _ = black_box(model.evaluate(black_box(findings), &options));
            });
            let ns = time.as_nanos() as f64 / findings.findings.len() as f64;
            println!(
                "evaluate {scale:>3}x: {} findings in {} = {ns:.0} ns/finding",
                findings.findings.len(),
                timing::show(time)
            );
            per_finding.push(ns);
            points.push((findings.findings.len() as f64, time.as_nanos() as f64));
        }
        // The cost of one more finding, between neighbouring sizes: the
        // rubric's fixed cost cancels out.
        let marginal: Vec<f64> = points
            .windows(2)
            .map(|w| (w[1].1 - w[0].1) / (w[1].0 - w[0].0))
            .collect();
        for (n, m) in marginal.iter().enumerate() {
            println!(
                "evaluate: marginal cost between sizes {n} and {}: {m:.0} ns/finding",
                n + 1
            );
        }
        let growth = |list: &[f64]| list.last().unwrap_or(&1.0) / list.first().unwrap_or(&1.0);
        println!(
            "ratio read rubric per byte (100x / 1x) = {:.2} (linear: about 1; quadratic: about 100)",
            growth(&per_byte)
        );
        println!(
            "ratio evaluate per finding (100x / 1x) = {:.2} (linear: about 1 or less, since the \
             rubric's fixed cost spreads over more findings; quadratic: about 100)",
            growth(&per_finding)
        );
        println!(
            "ratio evaluate marginal cost per finding (10x-100x / 1x-10x) = {:.2} (linear: about 1)",
            growth(&marginal)
        );
    }
}
