//! Reading a rubric: parse + build the model + check, against serde_json
//! deserialising the same model from its exported JSON (spec 7.1) into the
//! same Rust types. Target: ratio ≤ 1.0.
//!
//! Runs on `rubrics/linze-2023.rubric`, or on a generated rubric of similar
//! size when that file is absent.

#[path = "support/synth.rs"]
mod synth;
#[path = "support/timing.rs"]
mod timing;

use criterion::{Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

/// The real rubric, or a generated one of about its size.
pub fn rubric_source() -> (String, String) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics/linze-2023.rubric");
    match std::fs::read_to_string(path) {
        Ok(text) => (text, "rubrics/linze-2023.rubric".to_owned()),
        Err(_) => (
            synth::rubric_source(&synth::RubricOptions::new(130, 7)),
            "a generated rubric of 130 items".to_owned(),
        ),
    }
}

fn from_json(json: &str) -> rubric::Rubric {
    let value: serde_json::Value = serde_json::from_str(json).expect("exported JSON parses");
    rubric::export::from_json(&value).expect("exported JSON reads back")
}

fn main() {
    let (source, name) = rubric_source();
    let compiled = rubric::compile(&source);
    let model = compiled.rubric.expect("the benchmark rubric is valid");
    let json = rubric::export::to_json(&model).to_string();
    // Both sides must build the same model.
    assert_eq!(
        rubric::export::to_json(&from_json(&json)),
        rubric::export::to_json(&model),
        "the JSON reader gives back the model"
    );
    println!(
        "rubric: {name}: {} bytes of source, {} bytes of JSON, {} items",
        source.len(),
        json.len(),
        model.items().len()
    );

    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("read rubric");
    group.throughput(Throughput::Bytes(source.len() as u64));
    group.bench_function("ours: parse + model + check", |b| {
        b.iter(|| rubric::compile(black_box(&source)))
    });
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("baseline: serde_json + model from JSON", |b| {
        b.iter(|| from_json(black_box(&json)))
    });
    group.finish();
    criterion.final_summary();

    if timing::bench_mode() {
        let (ours, baseline) = timing::compare(
            31,
            Duration::from_millis(30),
            &mut || {
                black_box(rubric::compile(black_box(&source)));
            },
            &mut || {
                black_box(from_json(black_box(&json)));
            },
        );
        timing::print_ratio("read rubric (source / JSON)", ours, baseline, 1.0);
    }
}
