//! Any findings text against a fixed rubric with every clause shape: no
//! panic, and a score within 0 and the total in every report.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn rubric() -> &'static rubric::Rubric {
    static RUBRIC: OnceLock<rubric::Rubric> = OnceLock::new();
    RUBRIC.get_or_init(|| {
        rubric::Rubric::parse(include_str!("../rubric.rubric")).expect("the fuzz rubric compiles")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    let options = rubric::eval::Options::default();
    if let Ok(report) = rubric().evaluate_json(json, &options) {
        assert!(!report.score.is_sign_negative());
        assert!(report.score_exact <= report.total);
        let _ = report.to_json();
        let _ = report.to_text();
        let _ = report.to_markdown();
    }
});
