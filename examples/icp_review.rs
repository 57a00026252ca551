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
//! the strongest two-attribute cells; then drafts an ICP from the evidence,
//! recites it and pressure-tests it against random accounts, the current ICP
//! (`examples/data/current_icp.json`) and a time holdout.
//!
//! Loss typing needs the current ICP: `--icp icp.json` (an ICP document),
//! else, for a generated sample, the planted ICP rule of the `truth.json`
//! next to the data.

use icpfit::cohort::{
    CohortPair, QualityCuts, SegmentBy, Segmentation, outcome_cohorts, quality_cohorts,
};
use icpfit::evaluate::{
    Columns, EvaluateOptions, decide, holdout, old_vs_new, pressure_test, recent_quarters, what_if,
};
use icpfit::icp::Icp;
use icpfit::induce::{DraftOptions, draft};
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
    draft_and_test(&table, &won, &churned)?;
    println!("\ndone in {:.2?}", started.elapsed());
    Ok(())
}

/// Draft the ICP from won vs lost and churn, then pressure-test it.
fn draft_and_test(
    table: &AccountTable,
    won: &Target,
    churned: &Target,
) -> Result<(), Box<dyn std::error::Error>> {
    let current = Icp::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/current_icp.json"
    ))?;
    let since = recent_quarters(table, "close_date", 1)?;
    let today = icpfit::table::date::format_iso(since);
    let opts = DraftOptions {
        name: "Drafted ICP".into(),
        version: "2026.4".into(),
        date: Some(today.clone()),
        ..Default::default()
    };
    let drafted = draft(table, won, Some(churned), &opts)?;
    let icp = &drafted.icp;
    println!("## Drafted ICP (from won vs lost deals and churned customers)\n");
    let recital = icp.recital();
    println!("{}\n", recital.text);
    println!(
        "({} words, {:.0} s to recite: {})\n",
        recital.words,
        recital.seconds,
        if recital.fits_60_seconds {
            "passes the 60-second test"
        } else {
            "too long for the 60-second test"
        }
    );
    let width = icp
        .criteria()
        .map(|(_, c)| c.describe().chars().count())
        .max()
        .unwrap_or(9)
        .max(9);
    println!(
        "{:<10} {:<width$} {:>7}  evidence",
        "section", "criterion", "points"
    );
    for (section, c) in icp.criteria() {
        let e = c.evidence.as_ref();
        println!(
            "{:<10} {:<width$} {:>7}  {}",
            section.as_str(),
            c.describe(),
            c.points,
            e.map_or(String::new(), |e| format!(
                "{} {:.2} [{:.2}–{:.2}], n={}, {}",
                e.statistic,
                e.value.unwrap_or(f64::NAN),
                e.interval.map_or(f64::NAN, |i| i[0]),
                e.interval.map_or(f64::NAN, |i| i[1]),
                e.n,
                e.level
            ))
        );
    }
    println!(
        "\nTiers: A ≥ {}, B ≥ {}, C ≥ {} points.",
        icp.tiers.a, icp.tiers.b, icp.tiers.c
    );
    for note in &drafted.dimensions {
        println!("- {}", note.note);
    }
    let rejected: Vec<_> = drafted
        .proposals
        .iter()
        .filter(|p| {
            p.q_value <= 0.05 && matches!(p.decision, icpfit::induce::Decision::Rejected(_))
        })
        .take(5)
        .collect();
    if !rejected.is_empty() {
        println!("\nSignificant on their own but left out:");
        for p in rejected {
            if let icpfit::induce::Decision::Rejected(why) = &p.decision {
                println!("- {}: {why}", p.criterion.describe());
            }
        }
    }

    println!("\n## Pressure tests\n");
    let eval = EvaluateOptions::default();
    let pt = pressure_test(icp, table, won, &eval)?;
    println!("- {}", pt.hundred_vs_ten());
    let c = &pt.classification;
    println!(
        "- As a filter for wins (tier A/B): precision {:.1}%, recall {:.1}%, F1 {:.3}; AUC of the points {:.3}",
        100.0 * c.precision,
        100.0 * c.recall,
        c.f1,
        pt.auc
    );
    println!(
        "- It matches {:.1}% of all accounts (tier A {:.1}%){}",
        100.0 * pt.match_share,
        100.0 * pt.tier_a_share,
        if pt.too_broad { ": too broad" } else { "" }
    );
    println!(
        "\n{:<5} {:>6} {:>9} {:>15} {:>10} {:>9}",
        "tier", "deals", "win rate", "95% CI", "cum. wins", "cum. lift"
    );
    for t in &pt.tiers {
        println!(
            "{:<5} {:>6} {:>8.1}% {:>13} {:>9.1}% {:>8.2}×",
            t.tier.as_str(),
            t.rate.n,
            100.0 * t.rate.rate,
            format!("{:.1}–{:.1}%", 100.0 * t.rate.lo, 100.0 * t.rate.hi),
            100.0 * t.cumulative_positives,
            t.cumulative_lift
        );
    }

    println!("\n## Current ICP vs drafted ICP (deals closed since {today})\n");
    let cols = Columns::default();
    let r = old_vs_new(&current, icp, table, &cols, Some(since), &eval)?;
    println!("{}\n", r.verdict);
    let cur = what_if(&current, table, &cols, Some(since), &eval)?;
    let new = what_if(icp, table, &cols, Some(since), &eval)?;
    println!("{:<34} {:>14} {:>14}", "what-if", "current", "drafted");
    let row = |name: &str, a: String, b: String| println!("{name:<34} {a:>14} {b:>14}");
    row(
        "wins kept / excluded",
        format!("{} / {}", cur.wins_kept, cur.wins_excluded),
        format!("{} / {}", new.wins_kept, new.wins_excluded),
    );
    row(
        "win rate of kept deals",
        format!("{:.1}%", 100.0 * cur.win_rate_kept.rate),
        format!("{:.1}%", 100.0 * new.win_rate_kept.rate),
    );
    row(
        "ACV of kept wins",
        format!("{:.0}", cur.acv_kept),
        format!("{:.0}", new.acv_kept),
    );
    row(
        "NRR kept / excluded",
        format!(
            "{:.0}% / {:.0}%",
            100.0 * cur.nrr_kept,
            100.0 * cur.nrr_excluded
        ),
        format!(
            "{:.0}% / {:.0}%",
            100.0 * new.nrr_kept,
            100.0 * new.nrr_excluded
        ),
    );
    row(
        "open pipeline in tier A/B",
        format!("{:.1}%", 100.0 * cur.pipeline_coverage),
        format!("{:.1}%", 100.0 * new.pipeline_coverage),
    );
    row(
        "accounts in tier A",
        format!("{:.1}%", 100.0 * cur.tier_a_share),
        format!("{:.1}%", 100.0 * new.tier_a_share),
    );
    let d = decide(&cur, &new, &[]);
    println!("\nDecision: {:?} — {}", d.decision, d.reason);

    let h = holdout(table, "close_date", since, won, Some(churned), &opts, &eval)?;
    println!(
        "\n## Time holdout\n\nDrafted on {} deals closed before {}, tested on the {} closed since: lift {:.2}× (matched vs rest {:.2}×, 95% CI {:.2}–{:.2}), AUC {:.3}.",
        h.train_rows,
        h.split,
        h.test_rows,
        h.test.lift.lift,
        h.test.lift.ratio,
        h.test.lift.ratio_lo,
        h.test.lift.ratio_hi,
        h.test.auc
    );

    println!("\n## ICP changelog entry\n");
    print!(
        "{}",
        current.diff(icp).changelog_entry(
            &today,
            "drafted from this quarter's win/loss and churn evidence"
        )
    );
    Ok(())
}
