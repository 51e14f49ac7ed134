//! Any text: `compile` never panics, and a rubric it accepts exports to
//! JSON that reads back to the same JSON (the JSON form does not keep
//! whether a threshold was written as a percentage), and to Markdown and CSV.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let compiled = rubric::compile(source);
    if let Some(rubric) = compiled.rubric {
        let json = rubric::export::to_json(&rubric);
        let back = rubric::export::from_json(&json).expect("an exported rubric reads back");
        assert_eq!(
            rubric::export::to_json(&back),
            json,
            "export then from_json changed the rubric"
        );
        assert!(
            rubric::check::check(&back)
                .iter()
                .all(|d| !d.is_error()),
            "a valid rubric read back from JSON has errors"
        );
        let _ = rubric::export::to_markdown(&rubric);
        let _ = rubric::export::to_csv(&rubric);
    }
});
