//! Diagnostics for people: `PATH:LINE:COLUMN: error[CODE]: MESSAGE`, then the
//! source line with the span marked. (Placeholder.)

use crate::diagnostic::Diagnostic;

/// Renders diagnostics of the file `path` whose text is `source`, one after another.
pub fn render_diagnostics(path: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let index = crate::span::LineIndex::new(source);
    let mut out = String::new();
    for d in diagnostics {
        let p = index.position(d.span.start);
        out.push_str(&format!("{path}:{}:{}: {d}\n", p.line, p.column));
    }
    out
}
