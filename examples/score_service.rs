//! A Rust-only scoring service: load an ICP from JSON (or TOML), read an
//! accounts CSV, score every account, and write a CSV of account id, points,
//! tier, rank and the top reasons. No Python anywhere.
//!
//! ```text
//! cargo run --release --example score_service -- \
//!     [--icp examples/data/icp.json] [--data examples/data/deals.csv] \
//!     [--out scores.csv] [--top 3] [--tie-break acv]
//! ```
//!
//! Rows are written best first (tier, points, the tie-break column, the
//! criteria matched in ICP order, then input order). The summary (tier
//! counts, throughput) goes to stderr so that stdout can be piped.

use icpfit::icp::Icp;
use icpfit::score::{FitScores, ScoreOptions, ScorePlan, TieBreak};
use icpfit::table::{AccountTable, CsvOptions};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    icp: String,
    data: String,
    out: Option<String>,
    top: usize,
    tie_break: Option<String>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut a = Args {
        icp: format!("{root}/examples/data/icp.json"),
        data: format!("{root}/examples/data/deals.csv"),
        out: None,
        top: 3,
        tie_break: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--icp" => a.icp = value()?,
            "--data" => a.data = value()?,
            "--out" => a.out = Some(value()?),
            "--top" => a.top = value()?.parse().map_err(|e| format!("--top: {e}"))?,
            "--tie-break" => a.tie_break = Some(value()?),
            "-h" | "--help" => {
                println!(
                    "usage: score_service [--icp icp.json] [--data accounts.csv] [--out scores.csv] [--top 3] [--tie-break column]"
                );
                return Ok(None);
            }
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(Some(a))
}

/// A CSV field, quoted when it needs to be (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Writes the scored rows, best first: id, points, tier, rank, gates and the
/// `top` reasons joined with "; ".
pub fn write_scores(
    out: &mut dyn Write,
    table: &AccountTable,
    scores: &FitScores,
    top: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let id = table.schema().id_column().map(|f| f.name.clone());
    let id_col = match &id {
        Some(name) => Some(table.column(name)?),
        None => None,
    };
    writeln!(
        out,
        "{},points,tier,rank,primary_pass,disqualified,reasons",
        field(id.as_deref().unwrap_or("row"))
    )?;
    for (pos, row) in scores.order().into_iter().enumerate() {
        let label = match id_col {
            Some(c) => c.display_value(row).unwrap_or_default(),
            None => row.to_string(),
        };
        let tier = scores.tier(row).map_or("-", |t| t.as_str());
        writeln!(
            out,
            "{},{},{},{},{},{},{}",
            field(&label),
            icpfit::table::format_number(scores.points()[row]),
            tier,
            pos + 1,
            scores.primary_pass(row),
            scores.disqualified(row),
            field(&scores.top_reasons(row, top)?.join("; "))
        )?;
    }
    Ok(())
}

fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    let icp = Icp::from_path(&a.icp)?;
    let t0 = Instant::now();
    let table = AccountTable::read_csv(&a.data, &CsvOptions::default())?;
    let read = t0.elapsed();
    // Compile once (a service would keep the plan and score every new table).
    let plan = ScorePlan::compile(&icp, table.schema())?;
    let opts = ScoreOptions {
        tie_break: a.tie_break.map(TieBreak::higher),
        ..Default::default()
    };
    let t1 = Instant::now();
    let scores = plan.score(&table, &opts)?;
    let scored = t1.elapsed();
    match &a.out {
        Some(path) => {
            let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
            write_scores(&mut f, &table, &scores, a.top)?;
            f.flush()?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            write_scores(&mut lock, &table, &scores, a.top)?;
            lock.flush()?;
        }
    }
    eprintln!(
        "score_service: ICP `{}` v{} ({} criteria) on {} ({} rows; read in {:.1} ms, scored in {:.2} ms)",
        icp.name,
        icp.version,
        icp.len(),
        a.data,
        table.n_rows(),
        read.as_secs_f64() * 1e3,
        scored.as_secs_f64() * 1e3
    );
    eprintln!("tiers: {}", scores.tier_counts());
    Ok(())
}

fn main() -> ExitCode {
    match parse_args() {
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(a)) => match run(a) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("score_service: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("score_service: {e}");
            ExitCode::from(2)
        }
    }
}
