//! Synthetic CRM generation at 1M rows: in memory (`generate`) and streamed
//! to CSV (`write_csv` into a byte-counting sink).
//!
//! ```text
//! cargo bench --bench synth
//! ```

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use icpfit::synth::{SynthConfig, generate, generate_chunks, write_csv};
use std::hint::black_box;
use std::io::Write;
use std::time::Duration;

const ROWS: usize = 1_000_000;

/// Discards bytes, counting them.
struct Sink(u64);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn bench(c: &mut Criterion) {
    let config = SynthConfig::new(ROWS, 42);
    let mut sink = Sink(0);
    // ok: a valid configuration and an infallible sink.
    write_csv(&config, &mut sink).expect("generation");
    let csv_bytes = sink.0;

    let mut g = c.benchmark_group("synth_1m");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("generate_in_memory", |b| {
        b.iter(|| black_box(generate(&config).expect("generation").table.n_rows()))
    });
    g.bench_function("generate_chunks_64k", |b| {
        b.iter(|| {
            let mut rows = 0;
            generate_chunks(&config, 65_536, |t| {
                rows += t.n_rows();
                Ok(())
            })
            .expect("generation");
            black_box(rows)
        })
    });
    g.throughput(Throughput::Bytes(csv_bytes));
    g.bench_function("write_csv_streamed", |b| {
        b.iter(|| {
            let mut sink = Sink(0);
            write_csv(&config, &mut sink).expect("generation");
            black_box(sink.0)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
