//! The generator behind the benchmarks and `examples/generate.rs` keeps its
//! promises: generated rubrics are valid without a single warning, generated
//! inspections fit them, and the same seed gives the same bytes.

#[path = "../benches/support/synth.rs"]
mod synth;

use rubric::eval::Options;

#[test]
fn generated_rubrics_have_no_diagnostics() {
    for (items, seed) in [(1, 0), (7, 1), (60, 2), (130, 7), (400, 99)] {
        let source = synth::rubric_source(&synth::RubricOptions::new(items, seed));
        let compiled = rubric::compile(&source);
        assert!(
            compiled.diagnostics.0.is_empty(),
            "{items} items, seed {seed}: {:?}",
            compiled.diagnostics.0
        );
        let model = compiled.rubric.expect("no errors, so a rubric");
        assert_eq!(model.items().len(), items);
    }
}

#[test]
fn generated_rubrics_use_every_form() {
    let source = synth::rubric_source(&synth::RubricOptions::new(200, 3));
    for form in [
        "section ",
        " optional {",
        "external ",
        " per enterprise",
        " per occurrence",
        "capped at item weight",
        "deduct up to item weight",
        "deduct up to ",
        "when below ",
        "when above ",
        "deduct all",
        "penalty ",
        "veto ",
        " when ",
        "grade ",
        "# ",
        "\\\"",
        "check ",
        " by \"",
    ] {
        assert!(source.contains(form), "no `{form}`");
    }
}

#[test]
fn generated_inspections_fit_their_rubric() {
    let source = synth::rubric_source(&synth::RubricOptions::new(80, 5));
    let model = rubric::Rubric::parse(&source).expect("a valid rubric");
    let mut kinds = std::collections::BTreeSet::new();
    for index in 0..200 {
        let json = synth::inspection(&model, 60, 5, index);
        for kind in [
            "\"count\":0",
            "\"count\"",
            "\"entities\"",
            "\"amount\"",
            "\"value\"",
            "\"score\"",
            "\"not_applicable\"",
            "\"veto\"",
            "\"note\"",
            "\"evidence\"",
            "%\"",
        ] {
            if json.contains(kind) {
                kinds.insert(kind);
            }
        }
        if let Err(errors) = model.evaluate_json(&json, &Options::default()) {
            panic!("inspection {index}: {errors:?}\n{json}");
        }
    }
    assert_eq!(kinds.len(), 11, "every kind of finding appears: {kinds:?}");
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let options = synth::RubricOptions::new(50, 11);
    let source = synth::rubric_source(&options);
    assert_eq!(source, synth::rubric_source(&options));
    assert_ne!(
        source,
        synth::rubric_source(&synth::RubricOptions::new(50, 12))
    );
    let model = rubric::Rubric::parse(&source).expect("a valid rubric");
    assert_eq!(
        synth::inspection(&model, 40, 3, 17),
        synth::inspection(&model, 40, 3, 17)
    );
    assert_ne!(
        synth::inspection(&model, 40, 3, 17),
        synth::inspection(&model, 40, 3, 18)
    );
}
