//! Score reports and their renderings. (Placeholder: defined by the evaluator work.)
