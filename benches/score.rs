//! Fit scoring throughput: 1M accounts × 20 criteria (12 f64 range
//! criteria, 8 category-set criteria; 128 bytes of input per row), with and
//! without two tag criteria, on 1 thread and on every thread (a local rayon
//! pool each); 10M rows to show that the cost grows linearly; and K = 100
//! candidate ICPs scored from one-byte bucket codes (coding reported apart);
//! and the same 1M rows as a frame lays them out (f64 values with validity
//! bitmaps, i32 dictionary keys with validity), scored where they lie.
//!
//! ```text
//! cargo bench --bench score
//! ```

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use icpfit::icp::Levels;
use icpfit::score::{
    BorrowedColumn, BorrowedTable, CodeColumn, CodedTable, FitScores, KeyPiece, Keys, ManyOptions,
    Piece, ScoreOptions, ScorePlan,
};
use icpfit::table::{AccountTable, Column, MISSING_CODE};
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

/// A table's numeric and categorical columns laid out as Arrow lays them
/// out: values with 0.0 under nulls and a validity bitmap; i32 keys (no
/// bitmap: the bench's categories have no nulls).
struct FrameLayout {
    names: Vec<String>,
    numbers: Vec<(Vec<f64>, Vec<u8>)>,
    keys: Vec<(Vec<i32>, Vec<String>)>,
}

impl FrameLayout {
    fn new(table: &AccountTable) -> Self {
        let bitmap = |valid: &mut dyn Iterator<Item = bool>| {
            let mut bytes = Vec::new();
            for (i, v) in valid.enumerate() {
                if i % 8 == 0 {
                    bytes.push(0u8);
                }
                *bytes.last_mut().expect("pushed") |= u8::from(v) << (i % 8);
            }
            bytes
        };
        let mut layout = Self {
            names: Vec::new(),
            numbers: Vec::new(),
            keys: Vec::new(),
        };
        for (f, c) in table.schema().fields().iter().zip(table.columns()) {
            layout.names.push(f.name.clone());
            match c {
                Column::Numeric(v) => layout.numbers.push((
                    v.iter()
                        .map(|x| if x.is_nan() { 0.0 } else { *x })
                        .collect(),
                    bitmap(&mut v.iter().map(|x| !x.is_nan())),
                )),
                Column::Categorical(cat) => {
                    assert!(!cat.codes().contains(&MISSING_CODE));
                    layout.keys.push((
                        cat.codes().iter().map(|&k| k as i32).collect(),
                        cat.levels().to_vec(),
                    ))
                }
                _ => panic!("the bench table has numbers and categories only"),
            }
        }
        layout
    }

    fn borrow(&self) -> BorrowedTable<'_> {
        let (mut n, mut k) = (self.numbers.iter(), self.keys.iter());
        let columns = self
            .names
            .iter()
            .map(|name| {
                let col = if name.starts_with("num") {
                    let (v, bits) = n.next().expect("numbers");
                    BorrowedColumn::Numbers(vec![Piece::new(v, Some((bits, 0))).expect("piece")])
                } else {
                    let (keys, levels) = k.next().expect("keys");
                    let piece = KeyPiece::new(Keys::I32(keys), None, 0).expect("piece");
                    let dict = levels.iter().map(|l| Some(l.as_str())).collect();
                    BorrowedColumn::Codes(CodeColumn::new(vec![piece], vec![dict]).expect("codes"))
                };
                (name.clone(), col)
            })
            .collect();
        BorrowedTable::new(columns).expect("table")
    }
}

fn bench_borrowed(c: &mut Criterion) {
    let rows = 1_000_000;
    let table = common::score_data(rows, 42, false);
    let layout = FrameLayout::new(&table);
    let icp = common::score_icp(false, 0.0, "bench");
    let plan = ScorePlan::compile(&icp, table.schema()).expect("compile");
    let opts = ScoreOptions::default();
    assert_eq!(
        plan.score_borrowed(&mut layout.borrow(), &opts)
            .expect("score")
            .points(),
        plan.score(&table, &opts).expect("score").points()
    );
    let mut g = c.benchmark_group("score_1M_x_20_frame_layout");
    g.sample_size(30).measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(rows as u64));
    for threads in thread_counts() {
        let p = pool(threads);
        g.bench_function(format!("native_{threads}_threads"), |b| {
            b.iter(|| p.install(|| black_box(plan.score(&table, &opts).expect("score"))))
        });
        g.bench_function(format!("borrowed_{threads}_threads"), |b| {
            b.iter(|| {
                p.install(|| {
                    black_box(
                        plan.score_borrowed(&mut layout.borrow(), &opts)
                            .expect("score"),
                    )
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_single, bench_many, bench_borrowed);
criterion_main!(benches);
