//! The printable 评分表 (`rubric export RUBRIC --format xlsx`).
