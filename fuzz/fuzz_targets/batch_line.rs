//! Any bytes as a JSON Lines batch against a fixed rubric: no panic, one
//! row per non-blank line, in every summary format.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rubric::cli::batch::{self, BatchOptions, LineRecords, SummaryFormat};
use std::sync::OnceLock;

fn rubric() -> &'static rubric::Rubric {
    static RUBRIC: OnceLock<rubric::Rubric> = OnceLock::new();
    RUBRIC.get_or_init(|| {
        rubric::Rubric::parse(include_str!("../rubric.rubric")).expect("the fuzz rubric compiles")
    })
}

fuzz_target!(|data: &[u8]| {
    let rubric = rubric();
    let evaluate = batch::evaluator(rubric, rubric::eval::Options::default());
    let grades = batch::grade_names(rubric);
    for format in [SummaryFormat::Csv, SummaryFormat::Jsonl, SummaryFormat::Text] {
        let options = BatchOptions {
            format,
            ..BatchOptions::default()
        };
        let mut records = LineRecords::new(data, "fuzz");
        let mut out = Vec::new();
        let totals = batch::run_batch(
            &mut records,
            &evaluate,
            &grades,
            &options,
            &mut out,
            &mut |_| {},
            &mut |_| {},
        )
        .expect("writing into memory does not fail");
        let _ = totals;
    }
});
