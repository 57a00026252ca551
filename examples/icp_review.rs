//! The main job: a quarterly ICP review of the bundled sample data.
//!
//! ```text
//! cargo run --release --example icp_review [-- --data examples/data/deals.csv]
//! ```
//!
//! Reads the deals and customers export, prints what the table holds, the
//! win-vs-loss profile of seed 000, the ranked drivers of winning and of
//! churn with their findings, the multivariate view and the strongest
//! two-attribute cells.

use icpfit::outcome::won_lost;
use icpfit::profile::Profile;
use icpfit::rank::{
    MultivariateOptions, RankOptions, Ranking, Target, multivariate, rank, top_pairs,
};
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

fn print_ranking(title: &str, ranking: &Ranking) {
    println!("## {title}\n");
    println!("{ranking}");
    println!("Findings (significant after FDR, by the default order):");
    for f in ranking.findings().iter().take(6) {
        println!("- {f}");
    }
    println!();
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

    let opts = RankOptions {
        bootstrap: 200,
        ..Default::default()
    };
    let won = Target::won_vs_lost(&table, "outcome")?;
    let win_ranking = rank(&table, &won, None, &opts)?;
    print_ranking("What separates won from lost deals", &win_ranking);

    let acv = table.numeric("acv")?.to_vec();
    let revenue_ranking = rank(&table, &won, Some(&acv), &RankOptions::default())?;
    print_ranking(
        "What separates won from lost revenue (deals weighted by ACV)",
        &revenue_ranking,
    );

    let churned = Target::churned(&table, "retention_status")?;
    let churn_ranking = rank(&table, &churned, None, &opts)?;
    print_ranking(
        "What separates churned from retained customers",
        &churn_ranking,
    );

    println!("## Multivariate view: won vs lost, all attributes together (logistic regression)\n");
    let model = multivariate(&table, &won, None, &MultivariateOptions::default())?;
    println!(
        "{:<44} {:>8} {:>8} {:>10} {:>8}",
        "feature", "coef", "se", "p", "odds"
    );
    let mut coefs: Vec<_> = model
        .coefficients
        .iter()
        .skip(1)
        .filter(|c| c.p_value < 0.01)
        .collect();
    coefs.sort_by(|a, b| b.coef.abs().total_cmp(&a.coef.abs()));
    for c in coefs.iter().take(12) {
        println!(
            "{:<44} {:>8.3} {:>8.3} {:>10.2e} {:>8.2}",
            c.feature, c.coef, c.std_err, c.p_value, c.odds_ratio
        );
    }
    println!(
        "({} rows, {} features, converged: {}, l2 {})\n",
        model.n,
        model.coefficients.len(),
        model.converged,
        model.l2
    );

    println!("## Strongest two-attribute cells (won vs lost)\n");
    let pairs = top_pairs(
        &table,
        &won,
        &win_ranking,
        4,
        None,
        4,
        &RankOptions::default(),
    )?;
    if let Some(best) = pairs.first() {
        println!(
            "{} x {} (interaction gain {:+.3}, p {:.1e})",
            best.a, best.b, best.gain, best.p_value
        );
        for c in best.cells.iter().take(6) {
            println!(
                "  {:<22} {:<20} win rate {:>5.1}% (95% CI {:.1}–{:.1}%, n={}){}",
                c.a,
                c.b,
                c.rate.rate * 100.0,
                c.rate.lo * 100.0,
                c.rate.hi * 100.0,
                c.rate.n,
                if c.under_sampled {
                    " under-sampled"
                } else {
                    ""
                }
            );
        }
    }
    println!("\ndone in {:.2?}", started.elapsed());
    Ok(())
}
