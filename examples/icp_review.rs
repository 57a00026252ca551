//! The main job: a quarterly ICP review of the bundled sample data.
//!
//! ```text
//! cargo run --release --example icp_review [-- --data deals.csv] [--icp current_icp.json]
//!     [--interviews interviews.csv] [--themes themes.json] [--out DIR]
//! ```
//!
//! Reads the deals and customers export, the ICP the team works from today
//! and the win/loss and churn interview notes, builds the full review
//! (`icpfit::review`): customer quality and cohorts, win/loss and
//! best/problematic profiles, NRR by segment, drivers of winning and of
//! churn, the drafted ICP with its recital and pressure tests, loss types
//! and the competitor matrix, interview themes and CRM loss reasons against
//! what buyers said, recommended ICP updates, the do-not-close list and the
//! changelog. Writes `review.md`, `review.html` and `review.json` into the
//! output folder (default `target/icp-review`), shows progress on stderr and
//! prints a concise summary.
//!
//! Interviews: `--interviews PATH` (columns `account_id, cohort, text,
//! themes, buyer_reason`; see `examples/data/README.md`). Without it, the
//! bundled `examples/data/interviews.csv` is used when it exists and the data
//! is the bundled sample (the notes of one export do not belong to another),
//! with the sample's theme dictionary. `--themes PATH` gives a dictionary for
//! other notes, a JSON object `{"theme": ["keyword", …], …}`; without one
//! only coded themes count. `--interviews none` leaves them out.

use icpfit::icp::Icp;
use icpfit::rank::RankOptions;
use icpfit::review::{ReviewConfig, build};
use icpfit::table::{AccountTable, CsvOptions};
use icpfit::themes::{Interviews, ThemeDictionary};
use std::collections::BTreeMap;
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
    let bundled_data = format!("{root}/examples/data/deals.csv");
    let bundled_interviews = format!("{root}/examples/data/interviews.csv");
    let mut data = bundled_data.clone();
    let mut icp_path = format!("{root}/examples/data/current_icp.json");
    let mut interviews_path: Option<String> = None;
    let mut themes_path: Option<String> = None;
    let mut out = format!("{root}/target/icp-review");
    let mut bootstrap = 200;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--data" => data = args.next().ok_or("--data needs a path")?,
            "--icp" => icp_path = args.next().ok_or("--icp needs a path")?,
            "--out" => out = args.next().ok_or("--out needs a folder")?,
            "--interviews" => {
                interviews_path = Some(args.next().ok_or("--interviews needs a path or `none`")?)
            }
            "--themes" => themes_path = Some(args.next().ok_or("--themes needs a path")?),
            "--bootstrap" => {
                bootstrap = args.next().ok_or("--bootstrap needs a number")?.parse()?
            }
            "-h" | "--help" => {
                println!(
                    "usage: icp_review [--data deals.csv] [--icp current_icp.json] [--interviews interviews.csv|none] [--themes themes.json] [--out DIR] [--bootstrap 200]"
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
    // The bundled notes go with the bundled data only, read with the
    // sample's dictionary.
    let interviews_path = match interviews_path.as_deref() {
        Some("none") => None,
        Some(p) => Some(p.to_owned()),
        None => (data == bundled_data && std::path::Path::new(&bundled_interviews).exists())
            .then(|| bundled_interviews.clone()),
    };
    let dictionary = match &themes_path {
        Some(p) => {
            let themes: BTreeMap<String, Vec<String>> =
                serde_json::from_str(&std::fs::read_to_string(p)?)
                    .map_err(|e| format!("--themes {p}: {e}"))?;
            Some(ThemeDictionary::new(themes)?)
        }
        None => (interviews_path.as_deref() == Some(bundled_interviews.as_str()))
            .then(icpfit::synth::interview_dictionary),
    };
    let interviews = match &interviews_path {
        Some(p) => {
            progress("reading the interviews");
            Interviews::read_csv(p)?
        }
        None => Interviews::default(),
    };
    let config = ReviewConfig {
        current_icp: Some(current),
        rank: RankOptions {
            bootstrap,
            ..Default::default()
        },
        theme_dictionary: dictionary,
        ..Default::default()
    }
    .with_interviews(interviews);
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
    match &review.themes {
        Some(t) => {
            println!(
                "\n## Interview themes\n\n{} notes from {}; themes from {}. Signals (themes {} or more accounts of a cohort mention):",
                t.notes,
                interviews_path.as_deref().unwrap_or("the configuration"),
                t.source,
                t.min_accounts
            );
            for f in &t.findings {
                println!("- {f}");
            }
        }
        None => println!("\nInterview themes: no interview notes supplied."),
    }
    println!("\nFull review:");
    for p in &paths {
        println!("  {}", p.display());
    }
    println!("\ndone in {:.2?}", started.elapsed());
    Ok(())
}
