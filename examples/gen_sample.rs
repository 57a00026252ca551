//! Writes a synthetic CRM export and its planted truth.
//!
//! ```text
//! cargo run --release --example gen_sample -- [--rows N] [--seed S] [--out DIR]
//! ```
//!
//! Writes `DIR/deals.csv`, `DIR/interviews.csv` (win/loss and churn
//! interview notes of a sample of the accounts), `DIR/truth.json` and
//! `DIR/TRUTH.md` (defaults: the bundled sample, `SAMPLE_ROWS` rows with
//! `SAMPLE_SEED`, into `examples/data`). The bundled files are exactly what the defaults
//! regenerate (a test of `icpfit-core` checks it). Prints the generation
//! throughput to stderr.

use icpfit::synth::{Interviewer, SynthConfig, generate_chunks, write_csv, write_interviews_csv};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    rows: usize,
    seed: u64,
    out: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let sample = SynthConfig::sample();
    let mut args = Args {
        rows: sample.n_accounts,
        seed: sample.seed,
        out: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--rows" => {
                let v = value()?;
                args.rows = v
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("--rows: `{v}` is not a row count"))?;
            }
            "--seed" => {
                let v = value()?;
                args.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: `{v}` is not a u64"))?;
            }
            "--out" => args.out = PathBuf::from(value()?),
            "-h" | "--help" => {
                return Err("usage: gen_sample [--rows N] [--seed S] [--out DIR]".into());
            }
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(args)
}

/// Counts the bytes going through a writer.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let config = SynthConfig::new(args.rows, args.seed);
    config.validate()?;
    std::fs::create_dir_all(&args.out)?;
    let csv_path = args.out.join("deals.csv");
    let file = std::fs::File::create(&csv_path)?;
    let mut counting = Counting {
        inner: file,
        bytes: 0,
    };
    let started = Instant::now();
    let truth = write_csv(&config, &mut counting)?;
    let secs = started.elapsed().as_secs_f64();
    // The interviews read the accounts again, chunk by chunk, from their own
    // random stream: deals.csv is the same bytes with or without them.
    let mut interviewer = Interviewer::new(config.seed);
    let mut notes = Vec::new();
    generate_chunks(&config, 1 << 16, |chunk| {
        notes.extend(interviewer.interview(&chunk)?);
        Ok(())
    })?;
    write_interviews_csv(
        &notes,
        std::fs::File::create(args.out.join("interviews.csv"))?,
    )?;
    std::fs::write(
        args.out.join("truth.json"),
        serde_json::to_string_pretty(&truth)? + "\n",
    )?;
    std::fs::write(args.out.join("TRUTH.md"), truth.to_markdown())?;
    let mb = counting.bytes as f64 / 1e6;
    eprintln!(
        "wrote {} ({} rows, {:.2} MB) + interviews.csv ({} notes) + truth.json + TRUTH.md; deals in {:.3} s: {:.0} rows/s, {:.1} MB/s of CSV ({} threads)",
        csv_path.display(),
        args.rows,
        mb,
        notes.len(),
        secs,
        args.rows as f64 / secs,
        mb / secs,
        rayon::current_num_threads()
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_sample: {e}");
            ExitCode::FAILURE
        }
    }
}
