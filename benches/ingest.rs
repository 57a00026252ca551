//! CSV ingest at 1M rows: the synthetic CRM export (32 columns of every
//! kind), parsed from memory and read from a file, with the table's memory
//! ratio printed once.
//!
//! ```text
//! cargo bench --bench ingest
//! ```

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use icpfit::synth::{SynthConfig, write_csv};
use icpfit::table::{AccountTable, CsvOptions};
use std::hint::black_box;
use std::time::Duration;

const ROWS: usize = 1_000_000;

fn bench(c: &mut Criterion) {
    let mut bytes = Vec::new();
    write_csv(&SynthConfig::new(ROWS, 42), &mut bytes).expect("synthetic CSV");
    let path = std::env::temp_dir().join(format!("icpfit-ingest-bench-{}.csv", std::process::id()));
    std::fs::write(&path, &bytes).expect("write temp CSV");
    let opts = CsvOptions::default();

    let table = AccountTable::from_csv_reader(&bytes[..], &opts).expect("parse");
    println!(
        "ingest: {} rows x {} columns, CSV {:.1} MB, table heap {:.1} MB, raw column bytes {:.1} MB, ratio {:.3}",
        table.n_rows(),
        table.n_cols(),
        bytes.len() as f64 / 1e6,
        table.heap_bytes() as f64 / 1e6,
        table.raw_bytes() as f64 / 1e6,
        table.heap_bytes() as f64 / table.raw_bytes() as f64
    );

    let mut g = c.benchmark_group("ingest_1M");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("from_memory", |b| {
        b.iter(|| black_box(AccountTable::from_csv_reader(&bytes[..], &opts).expect("parse")))
    });
    g.bench_function("read_csv_file", |b| {
        b.iter(|| black_box(AccountTable::read_csv(&path, &opts).expect("read")))
    });
    g.finish();
    let _ = std::fs::remove_file(&path);
}

criterion_group!(benches, bench);
criterion_main!(benches);
