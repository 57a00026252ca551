//! Fit scoring throughput: 1M accounts × 20 criteria (12 f64 range
//! criteria, 8 category-set criteria; 128 bytes of input per row), with and
//! without two tag criteria, on 1 thread and on every thread (a local rayon
//! pool each); 10M rows to show that the cost grows linearly; and K = 100
//! candidate ICPs scored from one-byte bucket codes (coding reported apart).
//!
//! ```text
//! cargo bench --bench score
//! ```

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use icpfit::icp::Levels;
use icpfit::score::{CodedTable, FitScores, ManyOptions, ScoreOptions, ScorePlan};
use std::hint::black_box;
use std::time::Duration;

fn pool(threads: usize) -> rayon::ThreadPool {
    // ok: building a pool of 1 or a few threads does not fail in practice.
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
}

fn thread_counts() -> Vec<usize> {
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    if all > 1 { vec![1, all] } else { vec![1] }
}

fn bench_single(c: &mut Criterion) {
    for (rows, samples, tags) in [
        (1_000_000, 30, false),
        (1_000_000, 20, true),
        (10_000_000, 10, false),
    ] {
        let table = common::score_data(rows, 42, tags);
        let icp = common::score_icp(tags, 0.0, "bench");
        let plan = ScorePlan::compile(&icp, table.schema()).expect("compile");
        let opts = ScoreOptions::default();
        let name = format!(
            "score_{}M_x_{}{}",
            rows / 1_000_000,
            icp.len(),
            if tags { "_with_tags" } else { "" }
        );
        let mut g = c.benchmark_group(name);
        g.sample_size(samples)
            .measurement_time(Duration::from_secs(if rows > 1_000_000 { 20 } else { 10 }));
        g.throughput(Throughput::Elements(rows as u64));
        for threads in thread_counts() {
            let p = pool(threads);
            g.bench_function(format!("{threads}_threads"), |b| {
                b.iter(|| p.install(|| black_box(plan.score(&table, &opts).expect("score"))))
            });
            // The same into reused buffers: no fresh result memory, so no
            // page faults (what a service re-scoring its book would do).
            let mut out = FitScores::default();
            g.bench_function(format!("{threads}_threads_reused_buffers"), |b| {
                b.iter(|| {
                    p.install(|| plan.score_into(&table, &opts, &mut out).expect("score"));
                    black_box(out.len())
                })
            });
        }
        g.finish();
    }
}

fn bench_many(c: &mut Criterion) {
    let rows = 1_000_000;
    let table = common::score_data(rows, 42, false);
    let icps = common::candidate_icps(100, 7);
    let coded = CodedTable::new(&table, &icps, Levels::Lenient).expect("code");
    println!(
        "score_many: {} candidates, codes {} bytes per row (vs 128 bytes of input)",
        icps.len(),
        coded.bytes_per_row()
    );
    let opts = ManyOptions::default();
    let mut g = c.benchmark_group("score_many_1M_x_20_K100");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements((rows * icps.len()) as u64));
    for threads in thread_counts() {
        let p = pool(threads);
        g.bench_function(format!("code_once_{threads}_threads"), |b| {
            b.iter(|| {
                p.install(|| {
                    black_box(CodedTable::new(&table, &icps, Levels::Lenient).expect("code"))
                })
            })
        });
        g.bench_function(format!("score_100_{threads}_threads"), |b| {
            b.iter(|| p.install(|| black_box(coded.score_all(&icps, &opts).expect("score"))))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_single, bench_many);
criterion_main!(benches);
