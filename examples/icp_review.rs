//! The main job: a quarterly ICP review of the bundled sample data.
//!
//! ```text
//! cargo run --release --example icp_review [-- --data examples/data/deals.csv]
//! ```
//!
//! Reads the deals and customers export, prints what the table holds, the
//! win-vs-loss profile of seed 000 and the ranking of the attributes that
//! separate won from lost deals.

use icpfit::outcome::won_lost;
use icpfit::profile::Profile;
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
    let mut args = std::env::args().skip(1);
    let mut data = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/deals.csv").to_owned();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--data" => data = args.next().ok_or("--data needs a path")?,
            "-h" | "--help" => {
                println!("usage: icp_review [--data deals.csv]");
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}` (try --help)").into()),
        }
    }
    let started = Instant::now();
    let table = AccountTable::read_csv(&data, &CsvOptions::default())?;
    println!("# icpfit quarterly ICP review\n");
    println!("## Data: {data}\n");
    println!("{table}");
    for w in table.warnings() {
        println!("warning: {w:?}");
    }

    let target = won_lost(&table, "outcome", false)?;
    let profile = Profile::won_vs_lost(&table, &target)?;
    println!("## Win vs loss profile (seed 000)\n");
    println!("{profile}");
    println!("done in {:.2?}", started.elapsed());
    Ok(())
}
