//! Any text: `fmt::format` never panics, never fails its own soundness check
//! (E0199), and formatting its output again changes nothing.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    match rubric::fmt::format(source) {
        Ok(formatted) => {
            let again = rubric::fmt::format(&formatted).expect("formatted text formats again");
            assert_eq!(formatted, again, "formatting is not idempotent");
        }
        Err(diagnostics) => assert!(
            !diagnostics
                .0
                .iter()
                .any(|d| d.code == rubric::Code::FormatterMismatch),
            "the formatter changed the meaning of the file"
        ),
    }
});
