//! The canonical layout of a rubric source. (Placeholder: defined by the parser work.)

use crate::diagnostic::Diagnostics;

/// The canonical form of a rubric source, or its syntax errors.
/// (Placeholder: returns the source unchanged.)
pub fn format(source: &str) -> Result<String, Diagnostics> {
    Ok(source.to_owned())
}
