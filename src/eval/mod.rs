//! Findings → score. (Placeholder: defined by the evaluator work.)
