//! The main job: a quarterly ICP review of the bundled sample data.
//!
//! ```text
//! cargo run --release --example icp_review [-- --data examples/data/deals.csv]
//! ```
//!
//! Reads the deals and customers export, prints what the table holds, the
//! composite customer quality and the best / average / problematic cohorts,
//! the best-vs-problematic and won-vs-lost profiles (seed 000) with their
//! 70 % signals (seed 001), the segment table with its NRR divergence
//! (seed 002), the loss types and the competitor matrix, the ranked drivers
//! of winning and of churn with their findings, the multivariate view and
//! the strongest two-attribute cells.
//!
//! Loss typing needs the current ICP: `--icp icp.json` (an ICP document),
//! else, for a generated sample, the planted ICP rule of the `truth.json`
//! next to the data.

use icpfit::cohort::{
    CohortPair, QualityCuts, SegmentBy, Segmentation, outcome_cohorts, quality_cohorts,
};
use icpfit::icp::Icp;
use icpfit::losses::{
    CompetitorOptions, Fit, LossColumns, LossType, SimilarityOptions, compare_similarity,
    competitor_matrix, loss_lift, loss_types,
};
use icpfit::profile::{Profile, ProfileOptions, SegmentMetrics, SegmentTable};
use icpfit::quality::{QualitySpec, quality};
use icpfit::rank::{
    MultivariateOptions, RankOptions, Ranking, Target, multivariate, rank, top_pairs,
};
use icpfit::synth::Truth;
use icpfit::table::Bitmap;
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

fn print_profile(title: &str, p: &Profile) {
    println!("## {title}\n");
    println!("{p}");
    let strong: Vec<_> = p.signals.iter().filter(|s| s.strong).take(6).collect();
    if !strong.is_empty() {
        println!(
            "70 % signals ({} covers ≥ 70 % of {} and much less of {}):",
            p.a_name, p.a_name, p.b_name
        );
        for s in strong {
            let what = match &s.range {
                Some(r) => format!("{} {r}", s.attribute),
                None if s.levels.len() > 4 => format!(
                    "{} in {} … (+{} more levels)",
                    s.attribute,
                    s.levels[..4].join(", "),
                    s.levels.len() - 4
                ),
                None => s.criterion.describe(),
            };
            println!(
                "- {}: {:.0}% of {} vs {:.0}% of {} ({})",
                what,
                s.coverage_a * 100.0,
                p.a_name,
                s.coverage_b * 100.0,
                p.b_name,
                s.evidence
            );
        }
    }
    println!();
}

/// The current ICP's fit: an ICP document, or the planted rule of a
/// generated sample's `truth.json`.
fn current_fit(
    table: &AccountTable,
    icp: Option<&str>,
    data: &str,
) -> Result<Option<(Fit, String)>, Box<dyn std::error::Error>> {
    if let Some(path) = icp {
        let icp = Icp::from_path(path)?;
        let what = format!("ICP `{}` v{}", icp.name, icp.version);
        return Ok(Some((Fit::from_icp(&icp, table)?, what)));
    }
    let truth = std::path::Path::new(data).with_file_name("truth.json");
    let Ok(text) = std::fs::read_to_string(&truth) else {
        return Ok(None);
    };
    let truth: Truth = serde_json::from_str(&text)?;
    let flags = truth.icp.rule.evaluate(table)?;
    Ok(Some((
        Fit::from_flags(&flags),
        format!("the planted ICP in truth.json: {}", truth.icp.text),
    )))
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut data = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/deals.csv").to_owned();
    let mut icp: Option<String> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--data" => data = args.next().ok_or("--data needs a path")?,
            "--icp" => icp = Some(args.next().ok_or("--icp needs a path")?),
            "-h" | "--help" => {
                println!("usage: icp_review [--data deals.csv] [--icp icp.json]");
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

    // Who are our best, average and problematic customers?
    let spec = QualitySpec::default_for(&table)?;
    let scores = quality(&table, &spec)?;
    let qc = quality_cohorts(&scores, &QualityCuts::default())?;
    println!(
        "## Customer quality (seed 002: retention + expansion + NPS + low support + short cycle)\n"
    );
    let parts: Vec<String> = spec
        .components
        .iter()
        .map(|c| format!("{} (w {})", c.name, c.weight))
        .collect();
    println!(
        "components: {}; missing: re-weighted over the components present",
        parts.join(", ")
    );
    println!(
        "{} customers scored ({} with no component); cohorts: {}, {}, {}\n",
        scores.n_scored, scores.n_all_missing, qc.best, qc.average, qc.problematic
    );
    let opts = ProfileOptions::default();
    print_profile(
        "Best vs problematic customers (seed 000 table on quality cohorts)",
        &qc.best_vs_problematic()?.profile(&table, &opts)?,
    );
    let outcomes = outcome_cohorts(&table, "outcome")?;
    let won_lost_pair: CohortPair = outcomes.won_vs_lost()?;
    print_profile(
        "Win vs loss profile (seed 000)",
        &won_lost_pair.profile(&table, &opts)?,
    );

    println!("## NRR and win rate by industry (seed 002: 30+ points apart = ICP too broad)\n");
    let industry = Segmentation::new(&table, "industry", &SegmentBy::Levels)?;
    println!(
        "{}",
        SegmentTable::new(&table, &industry, &SegmentMetrics::for_table(&table))?
    );

    let cols = LossColumns::for_table(&table);
    match current_fit(&table, icp.as_deref(), &data)? {
        None => println!("## Loss types\n\n(skipped: give the current ICP with --icp)\n"),
        Some((fit, what)) => {
            println!("## Loss types (seed 001), fit by {what}\n");
            let typing = loss_types(&table, &cols, &fit, 0.95)?;
            println!("{typing}");
            if let Ok(sub) = Segmentation::new(&table, "sub_industry", &SegmentBy::Levels) {
                let lift = loss_lift(&typing, &sub, Some(LossType::Competitor), 0.95)?;
                println!("Where competitor losses concentrate (loss-share lift by sub_industry):");
                for r in lift.rows.iter().take(3) {
                    println!(
                        "- {}: {} of {} closed deals, lift {:.2}{}",
                        r.segment,
                        r.losses,
                        r.closed,
                        r.lift,
                        r.ratio_vs_rest
                            .map(|q| format!(
                                " (vs rest {:.2}, 95% CI {:.2}–{:.2})",
                                q.ratio, q.lo, q.hi
                            ))
                            .unwrap_or_default()
                    );
                }
            }
            if let Some(comp) = cols.competitor.as_deref() {
                let named = table.categorical(comp)?;
                let lost_to_comp = outcomes
                    .lost
                    .and(&icpfit::cohort::Cohort::new(
                        "named",
                        "",
                        Bitmap::from_fn(table.n_rows(), |i| named.get(i).is_some()),
                    ))
                    .named("lost to a competitor");
                let sim = compare_similarity(
                    &table,
                    &qc.best,
                    &lost_to_comp,
                    &outcomes.closed(),
                    Some(&fit),
                    &SimilarityOptions::default(),
                )?;
                println!(
                    "\nAre competitive losses like our best customers? similarity to the best cohort {:.3} vs {:.3} for closed deals at random ({:.3} within the best); right fit {:.0}% vs {:.0}%\n",
                    sim.group_mean,
                    sim.baseline_mean,
                    sim.reference_mean,
                    sim.group_fit_share.unwrap_or(f64::NAN) * 100.0,
                    sim.baseline_fit_share.unwrap_or(f64::NAN) * 100.0
                );
            }
        }
    }
    if cols.competitor.is_some() {
        println!("## Competitor matrix (seed 000: who owns which sub-segment)\n");
        let seg = Segmentation::new(&table, "sub_industry", &SegmentBy::Levels).ok();
        let matrix = competitor_matrix(&table, &cols, seg.as_ref(), &CompetitorOptions::default())?;
        println!("{matrix}");
    }

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
