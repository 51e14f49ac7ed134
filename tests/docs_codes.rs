//! The language reference lists every diagnostic code in its tables.

#[test]
fn every_code_is_listed_in_the_language_reference() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md");
    let docs = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => panic!("{}: {e}", path.display()),
    };
    let missing: Vec<&str> = rubric::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|code| !docs.contains(&format!("| {code} |")))
        .collect();
    assert!(missing.is_empty(), "not in docs/language.md: {missing:?}");
}
