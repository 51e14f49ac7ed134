//! The concrete syntax tree. (Placeholder: defined by the parser work.)

/// A whole file.
#[derive(Debug, Clone, Default)]
pub struct File {}
