//! Batch throughput: a generated stream of 10,000 inspections (about 100
//! findings each) through the streamed batch engine of `rubric eval --batch`
//! (read, evaluate in parallel, summarise, aggregate), on one thread against
//! all cores. Target: near-linear in cores (ratio one-thread / all-cores
//! close to the number of cores).

#[path = "support/synth.rs"]
mod synth;
#[path = "support/timing.rs"]
mod timing;

use criterion::{BenchmarkId, Criterion, Throughput};
use rubric::cli::batch::{self, BatchOptions, LineRecords, SummaryFormat};
use std::hint::black_box;
use std::time::Duration;

fn run(model: &rubric::Rubric, stream: &str, pool: &rayon::ThreadPool) -> batch::Totals {
    let evaluate = batch::evaluator(model, rubric::eval::Options::default());
    let grades = batch::grade_names(model);
    let options = BatchOptions {
        format: SummaryFormat::Jsonl,
        ..BatchOptions::default()
    };
    pool.install(|| {
        let mut records = LineRecords::new(stream.as_bytes(), "stream");
        batch::run_batch(
            &mut records,
            &evaluate,
            &grades,
            &options,
            &mut std::io::sink(),
            &mut |_| {},
            &mut |_| {},
        )
        .expect("writing to a sink does not fail")
    })
}

fn main() {
    let inspections = if timing::bench_mode() { 10_000 } else { 50 };
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics/linze-2023.rubric");
    let source = std::fs::read_to_string(path)
        .unwrap_or_else(|_| synth::rubric_source(&synth::RubricOptions::new(130, 7)));
    let model = rubric::Rubric::parse(&source).expect("the benchmark rubric is valid");
    let mut stream = String::new();
    for index in 0..inspections {
        stream.push_str(&synth::inspection(&model, 100, 7, index));
        stream.push('\n');
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool")
    };
    let (one, all) = (pool(1), pool(cores));
    let totals = run(&model, &stream, &all);
    assert_eq!(totals.failed, 0, "every generated inspection scores");
    println!(
        "stream: {inspections} inspections, {} bytes; {cores} cores",
        stream.len()
    );

    // Criterion's statistics on the first tenth of the stream keep its run
    // short; the ratio below uses the whole stream.
    let slice_len = inspections.div_ceil(10);
    let slice: String = stream
        .lines()
        .take(slice_len as usize)
        .flat_map(|line| [line, "\n"])
        .collect();
    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("batch");
    group.sample_size(10);
    group.throughput(Throughput::Elements(slice_len));
    for (threads, pool) in [(1, &one), (cores, &all)] {
        group.bench_with_input(BenchmarkId::new("threads", threads), &threads, |b, _| {
            b.iter(|| run(&model, black_box(&slice), pool))
        });
    }
    group.finish();
    criterion.final_summary();

    if timing::bench_mode() {
        let (parallel, single) = timing::compare(
            3,
            Duration::from_millis(1),
            &mut || {
                black_box(run(&model, &stream, &all));
            },
            &mut || {
                black_box(run(&model, &stream, &one));
            },
        );
        let per_second = |d: Duration| inspections as f64 / d.as_secs_f64();
        println!(
            "throughput: {:.0} inspections/s on 1 thread, {:.0} on {cores}",
            per_second(single),
            per_second(parallel)
        );
        println!(
            "speedup on {cores} cores: {:.2} (ideal {cores})",
            single.as_secs_f64() / parallel.as_secs_f64()
        );
        // Near-linear: all cores take no more than 1/cores of one thread, plus 15%.
        timing::print_ratio(
            "batch (all cores / one thread)",
            parallel,
            single,
            1.15 / cores as f64,
        );
    }
}
