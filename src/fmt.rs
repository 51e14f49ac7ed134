//! The canonical layout of a rubric source. (Placeholder: defined by the parser work.)
