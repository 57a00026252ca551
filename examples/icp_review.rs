//! The main job: a quarterly ICP review of the bundled sample data.
//!
//! ```text
//! cargo run --release --example icp_review [-- --data deals.csv] [--icp current_icp.json] [--out DIR]
//! ```
//!
//! Reads the deals and customers export and the ICP the team works from
//! today, builds the full review (`icpfit::review`): customer quality and
//! cohorts, win/loss and best/problematic profiles, NRR by segment, drivers
//! of winning and of churn, the drafted ICP with its recital and pressure
//! tests, loss types and the competitor matrix, recommended ICP updates, the
//! do-not-close list and the changelog. Writes `review.md`, `review.html`
//! and `review.json` into the output folder (default `target/icp-review`),
//! shows progress on stderr and prints a concise summary.

use icpfit::icp::Icp;
use icpfit::rank::RankOptions;
use icpfit::review::{ReviewConfig, build};
use icpfit::table::{AccountTable, CsvOptions};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("icp_review: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut data = format!("{root}/examples/data/deals.csv");
    let mut icp_path = format!("{root}/examples/data/current_icp.json");
    let mut out = format!("{root}/target/icp-review");
    let mut bootstrap = 200;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--data" => data = args.next().ok_or("--data needs a path")?,
            "--icp" => icp_path = args.next().ok_or("--icp needs a path")?,
            "--out" => out = args.next().ok_or("--out needs a folder")?,
            "--bootstrap" => {
                bootstrap = args.next().ok_or("--bootstrap needs a number")?.parse()?
            }
            "-h" | "--help" => {
                println!(
                    "usage: icp_review [--data deals.csv] [--icp current_icp.json] [--out DIR] [--bootstrap 200]"
                );
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}` (try --help)").into()),
        }
    }
    let started = Instant::now();
    let mut step_started = Instant::now();
    let mut progress = |step: &str| {
        eprintln!("[{:>7.2}s] {step}…", started.elapsed().as_secs_f64());
        step_started = Instant::now();
    };
    progress("reading the data");
    let table = AccountTable::read_csv(&data, &CsvOptions::default())?;
    for w in table.warnings() {
        eprintln!("warning: {w:?}");
    }
    let current = Icp::from_path(&icp_path)?;
    let config = ReviewConfig {
        current_icp: Some(current),
        rank: RankOptions {
            bootstrap,
            ..Default::default()
        },
        ..Default::default()
    };
    let review = build(&table, &config, &mut progress)?;
    let paths = review.save(&out)?;
    let _ = step_started;

    println!("# {} — {}\n", review.title, review.as_of);
    let d = &review.data;
    println!(
        "{} accounts ({} closed deals, {} won, {} open, {} customers) from {data}\n",
        d.accounts, d.closed, d.won, d.open, d.customers
    );
    println!("## Drafted ICP\n\n{}", review.draft.recital.text);
    println!(
        "({} words, {:.0} s to recite: {})\n",
        review.draft.recital.words,
        review.draft.recital.seconds,
        if review.draft.recital.fits_60_seconds {
            "passes the 60-second test"
        } else {
            "too long"
        }
    );
    println!(
        "## Pressure tests\n\n- {}",
        review.pressure.test.hundred_vs_ten()
    );
    if let Some(o) = &review.pressure.old_vs_new {
        println!("- {}", o.verdict);
    }
    if let Some(h) = &review.pressure.holdout {
        println!(
            "- Time holdout (drafted before {}, tested after): lift {:.2}×, AUC {:.3}",
            h.split, h.test.lift.lift, h.test.auc
        );
    }
    if let Some(dec) = &review.pressure.decision {
        println!("- Decision: {:?} — {}", dec.decision, dec.reason);
    }
    println!("\n## Recommended ICP updates\n");
    for (k, r) in review.recommendations.iter().enumerate() {
        println!(
            "{}. {} — {} (n = {}, {})",
            k + 1,
            r.action,
            r.evidence,
            r.n,
            r.level
        );
    }
    println!(
        "\n## Do-not-close\n\n{} of {} open deals meet a disqualifier ({}).",
        review.do_not_close.accounts.len(),
        review.do_not_close.open,
        review.do_not_close.criteria.join("; ")
    );
    println!(
        "\nNRR spread across {} segments: {:.1} points (worst {}).",
        review.segments.column,
        100.0 * review.segments.nrr_spread,
        review
            .segments
            .worst_nrr_segment
            .clone()
            .unwrap_or_default()
    );
    if let Some(m) = &review.competitors {
        for o in m.owned.iter().filter(|o| o.confident) {
            println!(
                "{} owns {}: it wins {:.0}% of contested deals there.",
                o.competitor,
                o.segment,
                100.0 * o.share
            );
        }
    }
    println!("\nFull review:");
    for p in &paths {
        println!("  {}", p.display());
    }
    println!("\ndone in {:.2?}", started.elapsed());
    Ok(())
}
