//! The README shows a rubric and the two commands that do everything; keep them true.

use std::path::Path;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md is readable")
}

/// The first fenced `text` block after `heading`.
fn text_block_after(readme: &str, heading: &str) -> String {
    let after = &readme[readme.find(heading).expect("heading present")..];
    let start = after.find("```text\n").expect("a text block") + "```text\n".len();
    let end = after[start..].find("```").expect("the block is closed");
    after[start..start + end].to_owned()
}

#[test]
fn the_sample_rubric_has_no_diagnostics() {
    let source = text_block_after(&readme(), "## A rubric");
    let compiled = rubric::compile(&source);
    assert!(
        compiled.diagnostics.0.is_empty(),
        "{:#?}",
        compiled.diagnostics
    );
}

#[test]
fn the_main_command_names_files_that_exist() {
    let readme = readme();
    let line = readme
        .lines()
        .find(|l| l.contains("# the main job"))
        .expect("the main command is shown");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<&str> = line
        .split_whitespace()
        .filter(|w| w.ends_with(".rubric") || w.ends_with(".json"))
        .collect();
    assert_eq!(files.len(), 2, "{line}");
    for file in files {
        assert!(
            root.join(file).is_file(),
            "{file} named in README is missing"
        );
    }
    assert!(
        readme.contains("\ncargo test "),
        "the test command is shown"
    );
}
