//! Recovery of the planted truth of the synthetic CRM by the ranking (issue:
//! "every planted driver must rank above every pure-noise column on the
//! default metric, and the threshold effect must be found within one bin of
//! the planted cut").

use icpfit_core::rank::{RankOptions, RuleKind, Target, rank};
use icpfit_core::synth::{Criterion, SynthConfig, generate};

fn bin_of(cuts: &[f64], x: f64) -> usize {
    cuts.partition_point(|&c| c < x)
}

#[test]
fn planted_win_drivers_outrank_every_noise_column() {
    for seed in [7, 20_261_126] {
        let synth = generate(&SynthConfig::new(30_000, seed)).unwrap();
        let target = Target::won_vs_lost(&synth.table, "outcome").unwrap();
        let ranking = rank(&synth.table, &target, None, &RankOptions::default()).unwrap();
        let drivers: Vec<&str> = synth
            .truth
            .win
            .drivers
            .iter()
            .map(|d| d.criterion.column())
            .collect();
        assert_eq!(
            drivers,
            ["industry", "employees", "tech_stack", "lead_source"]
        );
        assert!(!synth.truth.noise_columns.is_empty());
        for d in &drivers {
            let row = ranking.get(d).unwrap();
            assert!(
                row.significant,
                "seed {seed}: driver {d} not significant: q = {}",
                row.q_value
            );
            for z in &synth.truth.noise_columns {
                let (pd, pz) = (ranking.position(d).unwrap(), ranking.position(z).unwrap());
                assert!(
                    pd < pz,
                    "seed {seed}: driver {d} (#{pd}) must rank above noise {z} (#{pz})\n{ranking}"
                );
            }
        }
        // FDR controls the *share* of false findings: a noise column may pass
        // by chance (seed 7: `ae`, p = 0.015), but its effect stays negligible.
        let noise: Vec<_> = synth
            .truth
            .noise_columns
            .iter()
            .map(|z| ranking.get(z).unwrap())
            .collect();
        assert!(
            noise.iter().filter(|r| r.significant).count() <= 1,
            "seed {seed}\n{ranking}"
        );
        let weakest_driver = drivers
            .iter()
            .map(|d| ranking.get(d).unwrap().cramers_v_corrected)
            .fold(1.0, f64::min);
        for z in &noise {
            assert!(
                z.cramers_v_corrected < 0.05,
                "seed {seed}: noise {} has V+ {}",
                z.attribute,
                z.cramers_v_corrected
            );
            assert!(z.cramers_v_corrected < weakest_driver / 3.0);
        }
        // The planted rules come back as the rules.
        let industry = ranking.get("industry").unwrap().rule.as_ref().unwrap();
        let Criterion::OneOf { values, .. } = &synth.truth.win.drivers[0].criterion else {
            panic!("industry driver")
        };
        match &industry.kind {
            RuleKind::InSet(levels) => assert_eq!(levels, values, "seed {seed}"),
            other => panic!("seed {seed}: industry rule {other:?}"),
        }
        let snowflake = ranking.get("tech_stack").unwrap().rule.as_ref().unwrap();
        assert_eq!(
            snowflake.kind,
            RuleKind::HasTag("Snowflake".into()),
            "seed {seed}"
        );
    }
}

#[test]
fn the_churn_threshold_is_found_within_one_bin_of_the_planted_cut() {
    for seed in [7, 20_261_126] {
        let synth = generate(&SynthConfig::new(30_000, seed)).unwrap();
        let Criterion::Below { column, threshold } = &synth.truth.threshold.criterion else {
            panic!("planted threshold is a `below` criterion")
        };
        let target = Target::churned(&synth.table, "retention_status").unwrap();
        let ranking = rank(&synth.table, &target, None, &RankOptions::default()).unwrap();
        let row = ranking.get(column).unwrap();
        assert!(row.significant);
        let rule = row.rule.as_ref().unwrap();
        let RuleKind::Below(found) = rule.kind else {
            panic!("seed {seed}: expected a floor, got {:?}", rule.kind)
        };
        let (planted_bin, found_bin) = (bin_of(&row.cuts, *threshold), bin_of(&row.cuts, found));
        assert!(
            planted_bin.abs_diff(found_bin) <= 1,
            "seed {seed}: found {column} < {found} (bin {found_bin}), planted < {threshold} (bin {planted_bin}), cuts {:?}",
            row.cuts
        );
        // "churn ~3x more": the planted population ratio is 3.0.
        assert!(
            rule.rate_ratio > 2.0 && rule.rate_ratio < 4.5,
            "seed {seed}: ratio {}",
            rule.rate_ratio
        );
        let sentence = rule.sentence(&ranking.verb, ranking.confidence);
        assert!(
            sentence.starts_with(&format!("accounts with {column} < ")),
            "{sentence}"
        );
        assert!(
            sentence.contains(" churn ") && sentence.contains("× more often"),
            "{sentence}"
        );
    }
}
