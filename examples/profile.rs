//! Runs one part of the evaluation benchmark `N` times, for instruction
//! counts under a profiler (wall time on a shared machine is noisy):
//!
//! ```text
//! cargo build --release --example profile
//! valgrind --tool=callgrind target/release/examples/profile evaluate 200
//! ```
//!
//! The part is `evaluate` (`Rubric::evaluate`, the full report), `direct`
//! (the benchmark's baseline: the final score only), `read`
//! (`Findings::from_json`), `json` (JSON in, report JSON out) or `none`
//! (only the setup, to subtract). The inspection is the one of
//! `benches/evaluate.rs`: 100 generated findings on `rubrics/linze-2023.rubric`.

#[path = "../benches/support/direct.rs"]
mod direct;
#[path = "../benches/support/synth.rs"]
mod synth;

use rubric::eval::{Findings, Options};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting allocations.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's guarantees are the system allocator's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's guarantees are the system allocator's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's guarantees are the system allocator's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const USAGE: &str = "usage: profile evaluate|direct|read|json|none [N]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let part = args.first().map_or("evaluate", String::as_str);
    let Ok(times) = args.get(1).map_or(Ok(100), |n| n.parse::<usize>()) else {
        eprintln!("error: N is a number\n{USAGE}");
        return ExitCode::from(2);
    };
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics/linze-2023.rubric");
    let Ok(source) = std::fs::read_to_string(path) else {
        eprintln!("error: cannot read {path}");
        return ExitCode::from(2);
    };
    let Ok(model) = rubric::Rubric::parse(&source) else {
        eprintln!("error: the rubric has errors");
        return ExitCode::from(2);
    };
    let json = synth::inspection(&model, 100, 7, 0);
    let Ok(findings) = Findings::from_json(&json) else {
        eprintln!("error: the generated findings do not read");
        return ExitCode::from(2);
    };
    let options = Options::default();
    if let Ok(report) = model.evaluate(&findings, &options) {
        eprintln!(
            "{} findings, {} warnings in the report",
            findings.findings.len(),
            report.warnings.len()
        );
    }
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..times {
        match part {
            "evaluate" => {
                let _ = black_box(model.evaluate(black_box(&findings), &options));
            }
            "direct" => {
                black_box(direct::direct_score(&model, black_box(&findings)));
            }
            "read" => {
                let _ = black_box(Findings::from_json(black_box(&json)));
            }
            "json" => {
                let _ = black_box(
                    model
                        .evaluate_json(black_box(&json), &options)
                        .map(|report| report.to_json()),
                );
            }
            "none" => {}
            _ => {
                eprintln!("error: unknown part `{part}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    eprintln!(
        "{part}: {} allocations per run",
        allocations.checked_div(times).unwrap_or(0)
    );
    ExitCode::SUCCESS
}
