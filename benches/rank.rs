//! Predictor ranking at 1M rows x 20 attributes (12 numeric, 8 categorical
//! with 3-40 levels): the full ranking (every statistic, bootstrap off) on 1
//! and 2 threads, and bootstrap stability (B = 200) separately.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use icpfit::rank::{RankOptions, Target, rank};
use std::hint::black_box;
use std::time::Duration;

fn bench_rank(c: &mut Criterion) {
    let (table, won) = common::rank_data(1_000_000, 42);
    let target = Target::from_labels(&won, "won", "win").expect("two classes");
    let mut g = c.benchmark_group("rank_1M_x_20");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for threads in [1, 2] {
        let opts = RankOptions {
            n_threads: Some(threads),
            ..Default::default()
        };
        g.bench_function(format!("full_{threads}_threads"), |b| {
            b.iter(|| black_box(rank(&table, &target, None, &opts).expect("rank")))
        });
    }
    let opts = RankOptions {
        bootstrap: 200,
        ..Default::default()
    };
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.bench_function("bootstrap_200", |b| {
        b.iter(|| black_box(rank(&table, &target, None, &opts).expect("rank")))
    });
    g.finish();
}

criterion_group!(benches, bench_rank);
criterion_main!(benches);
