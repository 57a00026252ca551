//! Ranking tests: an end-to-end reference (scipy / sklearn / statsmodels,
//! `python/tests/reference/fixtures_rank.py`), edge cases, determinism.

use super::*;
use crate::evidence::EvidenceLevel;
use crate::table::{CategoricalColumn, CsvOptions};
use serde_json::Value;

const INPUT: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/rank_input.csv"
));
const EXPECTED: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/rank_expected.json"
));

fn close(a: f64, b: f64, rel: f64, what: &str) {
    let ok = (a - b).abs() <= rel * b.abs().max(1e-300) || (a - b).abs() < 1e-14;
    assert!(ok, "{what}: got {a}, expected {b}");
}

fn fixture_ranking(opts: &RankOptions) -> Ranking {
    let table = AccountTable::from_csv_reader(INPUT.as_bytes(), &CsvOptions::default()).unwrap();
    let target = Target::won_vs_lost(&table, "outcome").unwrap();
    rank(&table, &target, None, opts).unwrap()
}

fn check_row(row: &AttributeRank, e: &Value, what: &str) {
    let f = |k: &str| {
        e[k].as_f64()
            .unwrap_or_else(|| panic!("{what}: fixture lacks {k}"))
    };
    assert_eq!(row.n as u64, e["n"].as_u64().unwrap(), "{what}: n");
    assert_eq!(
        row.n_missing as u64,
        e["n_missing"].as_u64().unwrap(),
        "{what}: n_missing"
    );
    assert_eq!(
        row.levels as u64,
        e["levels"].as_u64().unwrap(),
        "{what}: levels"
    );
    assert_eq!(row.dof as u64, e["dof"].as_u64().unwrap(), "{what}: dof");
    close(row.statistic, f("chi2"), 1e-9, &format!("{what}: chi2"));
    close(row.p_value, f("p_value"), 1e-9, &format!("{what}: p"));
    close(row.cramers_v, f("cramers_v"), 1e-9, &format!("{what}: V"));
    close(
        row.cramers_v_corrected,
        f("cramers_v_corrected"),
        1e-9,
        &format!("{what}: V+"),
    );
    close(row.mi, f("mi"), 1e-9, &format!("{what}: MI"));
    close(row.iv, f("iv"), 1e-9, &format!("{what}: IV"));
    if let Some(q) = e.get("q_value").and_then(Value::as_f64) {
        close(row.q_value, q, 1e-9, &format!("{what}: q"));
    }
    if let Some(cuts) = e.get("cuts").and_then(Value::as_array) {
        let cuts: Vec<f64> = cuts.iter().map(|c| c.as_f64().unwrap()).collect();
        assert_eq!(row.cuts, cuts, "{what}: cuts");
        close(row.auc.unwrap(), f("auc"), 1e-9, &format!("{what}: AUC"));
        close(row.ks.unwrap(), f("ks"), 1e-9, &format!("{what}: KS"));
        close(
            row.ks_p_value.unwrap(),
            f("ks_p_value"),
            1e-9,
            &format!("{what}: KS p"),
        );
        close(
            row.mann_whitney_p.unwrap(),
            f("mann_whitney_p"),
            1e-9,
            &format!("{what}: MWU p"),
        );
    }
}

#[test]
fn every_statistic_matches_the_python_reference() {
    let expected: Value = serde_json::from_str(EXPECTED).unwrap();
    let r = fixture_ranking(&RankOptions::default());
    assert_eq!(
        r.n_positive as u64,
        expected["n_positive"].as_u64().unwrap()
    );
    assert_eq!(
        r.n_negative as u64,
        expected["n_negative"].as_u64().unwrap()
    );
    let attrs = expected["attributes"].as_object().unwrap();
    assert_eq!(r.rows.len(), attrs.len(), "one row per attribute column");
    for (name, e) in attrs {
        let row = r.get(name).unwrap_or_else(|| panic!("no row for {name}"));
        check_row(row, e, name);
    }
    let stack = r.get("tech_stack").unwrap();
    let best = expected["attributes"]["tech_stack"]["best_tag"]
        .as_str()
        .unwrap();
    assert!(
        stack.rule.as_ref().unwrap().description().contains(best),
        "set row stands for its best tag"
    );
    for (tag, e) in expected["tags"].as_object().unwrap() {
        let row = r
            .tags
            .iter()
            .find(|t| t.tag.as_deref() == Some(tag))
            .unwrap();
        check_row(row, e, &format!("tech_stack/{tag}"));
    }
}

#[test]
fn default_order_puts_significant_effects_first_and_flags_the_rest() {
    let r = fixture_ranking(&RankOptions::default());
    let names: Vec<&str> = r.rows.iter().map(|x| x.attribute.as_str()).collect();
    let first_insignificant = r.rows.iter().position(|x| !x.significant).unwrap();
    assert!(
        r.rows[first_insignificant..].iter().all(|x| !x.significant),
        "{names:?}"
    );
    for noise in ["owner_rep", "seats"] {
        assert!(!r.get(noise).unwrap().significant, "{noise} is noise");
        assert!(r.position(noise).unwrap() >= first_insignificant);
    }
    assert!(r.to_string().contains("[not significant after FDR]"));
    // The planted categorical driver has its rule on the planted levels.
    let ind = r.get("industry").unwrap().rule.as_ref().unwrap();
    assert_eq!(
        ind.kind,
        RuleKind::InSet(vec!["fintech".into(), "healthtech".into()])
    );
    assert!(ind.rate_ratio > 1.2 && ind.ratio_lo > 1.0, "{ind:?}");
    let findings = r.findings();
    assert!(
        findings
            .iter()
            .any(|s| s.starts_with("accounts with industry in {fintech, healthtech} win")),
        "{findings:?}"
    );
}

#[test]
fn sorting_by_any_metric() {
    let mut r = fixture_ranking(&RankOptions::default());
    r.sort_by(Metric::Iv);
    assert!(r.rows.windows(2).all(|w| w[0].iv >= w[1].iv));
    r.sort_by(Metric::PValue);
    assert!(r.rows.windows(2).all(|w| w[0].p_value <= w[1].p_value));
    r.sort_by(Metric::Auc);
    assert_eq!(
        r.rows.iter().take_while(|x| x.auc.is_some()).count(),
        3,
        "numeric first by |AUC-0.5|"
    );
    assert_eq!(r.order, Metric::Auc);
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let one = fixture_ranking(&RankOptions {
        n_threads: Some(1),
        bootstrap: 30,
        ..Default::default()
    });
    let two = fixture_ranking(&RankOptions {
        n_threads: Some(2),
        bootstrap: 30,
        ..Default::default()
    });
    assert_eq!(format!("{one:?}"), format!("{two:?}"));
    let stab = one.get("industry").unwrap().stability.unwrap();
    assert!(stab > 0.8, "a strong driver is stably in the top 5: {stab}");
    assert!(one.get("seats").unwrap().stability.unwrap() < stab);
    let other_seed = fixture_ranking(&RankOptions {
        bootstrap: 30,
        seed: 9,
        ..Default::default()
    });
    assert_eq!(other_seed.bootstrap, 30);
}

#[test]
fn uniform_weights_change_nothing_and_weights_are_checked() {
    let table = AccountTable::from_csv_reader(INPUT.as_bytes(), &CsvOptions::default()).unwrap();
    let target = Target::won_vs_lost(&table, "outcome").unwrap();
    let plain = rank(&table, &target, None, &RankOptions::default()).unwrap();
    let w = vec![3.5; table.n_rows()];
    let weighted = rank(&table, &target, Some(&w), &RankOptions::default()).unwrap();
    assert!(weighted.weighted);
    for (a, b) in plain.rows.iter().zip(&weighted.rows) {
        assert_eq!(a.attribute, b.attribute);
        close(b.iv, a.iv, 1e-9, "iv");
        close(b.cramers_v, a.cramers_v, 1e-9, "v");
        assert_eq!(a.p_value, b.p_value, "p-values are unweighted");
    }
    let mut bad = w.clone();
    bad[3] = f64::NAN;
    let err = rank(&table, &target, Some(&bad), &RankOptions::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "invalid `weights`: row 3 has weight NaN; weights must be finite and >= 0"
    );
    assert!(matches!(
        rank(&table, &target, Some(&w[1..]), &RankOptions::default()),
        Err(Error::LengthMismatch { .. })
    ));
}

#[test]
fn weights_shift_what_drives_revenue() {
    // Wins in `big` are rare by count but carry all the revenue.
    let n = 400;
    let seg: Vec<u32> = (0..n).map(|i| u32::from(i % 4 == 0)).collect();
    let won: Vec<Option<bool>> = (0..n)
        .map(|i| Some(i % 8 == 0 || (i % 4 != 0 && i % 3 == 0)))
        .collect();
    let acv: Vec<f64> = (0..n)
        .map(|i| if i % 8 == 0 { 100.0 } else { 1.0 })
        .collect();
    let table = AccountTable::from_columns(vec![(
        "segment".into(),
        Column::Categorical(
            CategoricalColumn::new(seg, vec!["small".into(), "big".into()]).unwrap(),
        ),
    )])
    .unwrap();
    let target = Target::from_labels(&won, "won", "win").unwrap();
    let by_count = rank(&table, &target, None, &RankOptions::default()).unwrap();
    let by_acv = rank(&table, &target, Some(&acv), &RankOptions::default()).unwrap();
    let rate_big = |r: &Ranking| {
        r.rows[0]
            .bins
            .iter()
            .find(|b| b.label == "big")
            .unwrap()
            .rate
            .rate
    };
    assert!(
        rate_big(&by_acv) > 0.95 && rate_big(&by_count) < 0.6,
        "{} {}",
        rate_big(&by_acv),
        rate_big(&by_count)
    );
}

fn edge_table() -> (AccountTable, Target) {
    let n = 60;
    let mut cols: Vec<(String, Column)> = Vec::new();
    cols.push(("constant".into(), Column::Numeric(vec![7.0; n].into())));
    cols.push((
        "all_missing".into(),
        Column::Numeric(vec![f64::NAN; n].into()),
    ));
    cols.push((
        "tied".into(),
        Column::Numeric((0..n).map(|i| (i % 2) as f64).collect()),
    ));
    // `only_won` is seen in won rows only: finite WoE by smoothing.
    let codes: Vec<u32> = (0..n).map(|i| if i < 10 { 1 } else { 0 }).collect();
    cols.push((
        "level".into(),
        Column::Categorical(
            CategoricalColumn::new(codes, vec!["common".into(), "only_won".into()]).unwrap(),
        ),
    ));
    let many: Vec<u32> = (0..n as u32).collect();
    cols.push((
        "ten_thousand".into(),
        Column::Categorical(
            CategoricalColumn::new(many, (0..10_000).map(|i| format!("l{i}")).collect()).unwrap(),
        ),
    ));
    let table = AccountTable::from_columns(cols).unwrap();
    let labels: Vec<Option<bool>> = (0..n).map(|i| Some(i < 10 || i % 3 == 0)).collect();
    (table, Target::from_labels(&labels, "won", "win").unwrap())
}

#[test]
fn edge_cases_give_documented_results() {
    let (table, target) = edge_table();
    let r = rank(&table, &target, None, &RankOptions::default()).unwrap();
    let constant = r.get("constant").unwrap();
    assert_eq!(
        (constant.levels, constant.p_value, constant.iv),
        (1, 1.0, 0.0)
    );
    assert!(constant.rule.is_none(), "no split of a constant");
    assert_eq!(constant.auc, Some(0.5));
    let missing = r.get("all_missing").unwrap();
    assert_eq!(
        (missing.n, missing.n_missing, missing.missing_share),
        (0, 60, 1.0)
    );
    assert!(missing.auc.is_none() && missing.rule.is_none() && !missing.significant);
    let tied = r.get("tied").unwrap();
    assert_eq!(tied.levels, 2, "ties merge bins");
    let level = r.get("level").unwrap();
    assert!(
        level.bins.iter().all(|b| b.woe.is_finite()),
        "smoothing keeps WoE finite"
    );
    let many = r.get("ten_thousand").unwrap();
    assert_eq!(
        many.levels, 60,
        "levels absent from the compared rows are dropped"
    );
    assert!(many.bins.iter().all(|b| b.under_sampled));
    assert!(
        !many.significant && many.cramers_v_corrected < 0.2,
        "one row per level is no evidence: {many:?}"
    );
}

#[test]
fn tiny_samples_and_bad_input() {
    let table = AccountTable::from_columns(vec![(
        "x".into(),
        Column::Numeric(vec![1.0, 2.0, 3.0, 4.0].into()),
    )])
    .unwrap();
    let target = Target::from_labels(
        &[Some(true), Some(false), Some(true), Some(false)],
        "t",
        "win",
    )
    .unwrap();
    let r = rank(&table, &target, None, &RankOptions::default()).unwrap();
    let x = r.get("x").unwrap();
    assert_eq!(x.evidence, EvidenceLevel::Hypothesis);
    assert_eq!(x.test, TestKind::ChiSquare, "4 levels: not a 2x2");
    assert!(x.rule.is_none(), "n < 10 leaves no side with 5 rows");
    let bad = RankOptions {
        n_bins: 1,
        ..Default::default()
    };
    assert_eq!(
        rank(&table, &target, None, &bad).unwrap_err().to_string(),
        "invalid `n_bins`: must be between 2 and 1000"
    );
    let only = RankOptions {
        columns: Some(vec!["y".into()]),
        ..Default::default()
    };
    assert!(matches!(
        rank(&table, &target, None, &only),
        Err(Error::UnknownColumn { .. })
    ));
    let short = Target::from_labels(&[Some(true), Some(false)], "t", "win").unwrap();
    assert!(matches!(
        rank(&table, &short, None, &RankOptions::default()),
        Err(Error::LengthMismatch { .. })
    ));
}

#[test]
fn sparse_two_by_two_uses_fisher() {
    let n = 40;
    let flag: Vec<u8> = (0..n).map(|i| u8::from(i < 4)).collect();
    let table = AccountTable::from_columns(vec![("rare".into(), Column::Flag(flag))]).unwrap();
    let labels: Vec<Option<bool>> = (0..n).map(|i| Some(i < 4 || i % 5 == 0)).collect();
    let target = Target::from_labels(&labels, "t", "win").unwrap();
    let r = rank(&table, &target, None, &RankOptions::default()).unwrap();
    let row = r.get("rare").unwrap();
    assert_eq!(row.test, TestKind::Fisher);
    // Table (lost, won): flag false [29, 7], flag true [0, 4];
    // scipy.stats.fisher_exact([[29, 7], [0, 4]]).pvalue = 0.0036108983477404...
    close(row.p_value, 0.003_610_898_347_740_4, 1e-9, "fisher p");
}

#[test]
fn bergsma_correction_by_hand() {
    // chi2 = 10, n = 100, r = 5, k = 2: phi2+ = 0.1 - 4/99, k~ = 2 - 1/99, r~ = 5 - 16/99.
    let v = cramers_v_corrected(10.0, 100.0, 5, 2);
    let expected = ((0.1f64 - 4.0 / 99.0) / (1.0 - 1.0 / 99.0)).sqrt();
    close(v, expected, 1e-12, "V+");
    assert_eq!(
        cramers_v_corrected(1.0, 100.0, 5, 2),
        0.0,
        "below the null expectation"
    );
    assert_eq!(cramers_v_corrected(5.0, 1.0, 2, 2), 0.0);
}

#[test]
fn interactions_report_cells_with_intervals() {
    let table = AccountTable::from_csv_reader(INPUT.as_bytes(), &CsvOptions::default()).unwrap();
    let target = Target::won_vs_lost(&table, "outcome").unwrap();
    let opts = RankOptions::default();
    let view = interaction(&table, &target, "industry", "employees", None, 4, &opts).unwrap();
    let total: usize = view.cells.iter().map(|c| c.rate.n).sum();
    let (pos, neg) = target.counts();
    assert_eq!(total, pos + neg, "cells partition the compared rows");
    assert!(
        view.cells
            .iter()
            .all(|c| c.rate.lo <= c.rate.rate && c.rate.rate <= c.rate.hi)
    );
    assert!(
        view.cells
            .windows(2)
            .all(|w| w[0].rate.shrunk >= w[1].rate.shrunk)
    );
    assert!(
        view.cells.iter().any(|c| c.b.starts_with("<= "))
            && view.cells.iter().any(|c| c.a == "missing")
    );
    let ranking = rank(&table, &target, None, &opts).unwrap();
    let pairs = top_pairs(&table, &target, &ranking, 3, None, 4, &opts).unwrap();
    assert_eq!(pairs.len(), 3, "3 attributes give 3 pairs");
    assert!(pairs.windows(2).all(|w| w[0].gain >= w[1].gain));
    assert!(
        interaction(&table, &target, "industry", "tech_stack", None, 4, &opts).is_err(),
        "tag sets are not banded"
    );
}

#[test]
fn multivariate_view_recovers_the_planted_signs() {
    let table = AccountTable::from_csv_reader(INPUT.as_bytes(), &CsvOptions::default()).unwrap();
    let target = Target::won_vs_lost(&table, "outcome").unwrap();
    let m = multivariate(&table, &target, None, &MultivariateOptions::default()).unwrap();
    assert!(m.converged);
    assert_eq!(m.coefficients[0].feature, "intercept");
    let coef = |f: &str| {
        m.coefficients
            .iter()
            .find(|c| c.feature == f)
            .unwrap_or_else(|| panic!("{f}"))
    };
    assert!(coef("partner").coef > 0.3, "planted +0.6");
    assert!(coef("tech_stack has Snowflake").coef > 0.3, "planted +0.7");
    assert!(coef("score").coef > 0.0, "planted +0.3 per sd");
    assert!(
        m.coefficients
            .iter()
            .all(|c| c.std_err.is_finite() && c.std_err > 0.0)
    );
}
