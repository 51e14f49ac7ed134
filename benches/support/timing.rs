//! Ratios against a baseline measured in the same run.
//!
//! Criterion's groups give the detailed statistics; these plain timing loops
//! give one number per comparison, `ratio = ours / baseline`, printed at the
//! end of each benchmark. The two sides are measured in alternation, so that
//! a machine that gets busier or quieter during the run affects both alike.

#![allow(dead_code)] // Each benchmark uses part of it.

use std::time::{Duration, Instant};

/// True under `cargo bench`; false under `cargo test --all-targets`, which
/// runs each benchmark once as a smoke test and must stay quick; false for
/// `--list` and `--profile-time` too.
pub fn bench_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench")
        && !args
            .iter()
            .any(|a| a == "--test" || a == "--list" || a == "--profile-time")
}

/// How many calls of `f` fill about `target`.
fn calibrate(target: Duration, f: &mut dyn FnMut()) -> u32 {
    let start = Instant::now();
    f();
    let once = start.elapsed().max(Duration::from_nanos(1));
    (target.as_nanos() / once.as_nanos()).clamp(1, 1_000_000) as u32
}

fn sample(iterations: u32, f: &mut dyn FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed() / iterations
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// Median time per call of `ours` and of `baseline`, over `samples`
/// alternating samples of about `sample_time` each.
pub fn compare(
    samples: usize,
    sample_time: Duration,
    ours: &mut dyn FnMut(),
    baseline: &mut dyn FnMut(),
) -> (Duration, Duration) {
    let ours_iterations = calibrate(sample_time, ours);
    let baseline_iterations = calibrate(sample_time, baseline);
    let mut ours_samples = Vec::with_capacity(samples);
    let mut baseline_samples = Vec::with_capacity(samples);
    for _ in 0..samples.max(1) {
        ours_samples.push(sample(ours_iterations, ours));
        baseline_samples.push(sample(baseline_iterations, baseline));
    }
    (median(ours_samples), median(baseline_samples))
}

/// Median time per call of `f` over `samples` samples of about `sample_time`.
pub fn measure(samples: usize, sample_time: Duration, f: &mut dyn FnMut()) -> Duration {
    let iterations = calibrate(sample_time, f);
    median((0..samples.max(1)).map(|_| sample(iterations, f)).collect())
}

/// A duration in the unit that suits it.
pub fn show(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos >= 1_000_000_000 {
        format!("{:.3} s", d.as_secs_f64())
    } else if nanos >= 1_000_000 {
        format!("{:.3} ms", d.as_secs_f64() * 1e3)
    } else if nanos >= 1_000 {
        format!("{:.3} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{nanos} ns")
    }
}

/// Prints `ratio = ours / baseline` and whether it meets `target`.
pub fn print_ratio(name: &str, ours: Duration, baseline: Duration, target: f64) -> f64 {
    let ratio = ours.as_secs_f64() / baseline.as_secs_f64().max(1e-12);
    let verdict = if ratio <= target { "meets" } else { "MISSES" };
    println!(
        "ratio {name}: ours {} / baseline {} = {ratio:.3} ({verdict} target ≤ {target})",
        show(ours),
        show(baseline)
    );
    ratio
}
