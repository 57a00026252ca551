//! The quality, cohort, profile, 70 %-cover, segment-table, similarity and
//! exact McNemar statistics against independent numpy / scipy / statsmodels / pandas
//! values committed in `tests/fixtures/cohort_reference.json` (regenerated
//! by `python/tests/reference/fixtures_cohort.py`, which also holds the
//! seeded table as CSV text).
//!
//! Tolerance: 1e-9 relative with an absolute floor of 1e-12 (values near
//! 0), except Mann–Whitney p-values at 1e-9 relative + 1e-15 absolute (the
//! accuracy of statrs' `erfc`, see `stats::mann_whitney`).

use icpfit_core::cohort::{
    CohortPair, QualityCuts, SegmentBy, Segmentation, outcome_cohorts, quality_cohorts,
};
use icpfit_core::losses::{SimilarityOptions, similarity_to};
use icpfit_core::profile::{
    Profile, ProfileOptions, SegmentMetrics, SegmentTable, SignalOptions, signal,
};
use icpfit_core::quality::{Normalisation, QualityMissing, QualitySpec, quality};
use icpfit_core::table::{AccountTable, CsvOptions};
use serde_json::Value;

fn fixture() -> &'static Value {
    static F: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        serde_json::from_str(include_str!("fixtures/cohort_reference.json")).expect("fixture")
    })
}

fn table() -> AccountTable {
    let csv = fixture()["csv"].as_str().unwrap();
    AccountTable::from_csv_reader(csv.as_bytes(), &CsvOptions::default()).unwrap()
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap(),
        Value::String(s) if s == "nan" => f64::NAN,
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        other => panic!("not a number: {other}"),
    }
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(num).collect()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[track_caller]
fn close(what: &str, got: f64, want: f64, abs: f64) {
    let ok = (got.is_nan() && want.is_nan())
        || got == want
        || (got - want).abs() <= (1e-9 * want.abs()).max(abs);
    assert!(ok, "{what}: got {got:e}, want {want:e}");
}

#[test]
fn dictionaries_match_the_fixture() {
    let t = table();
    let f = fixture();
    assert_eq!(
        t.categorical("industry").unwrap().levels(),
        strs(&f["level_order"])
    );
    assert_eq!(t.tag_set("stack").unwrap().tags(), strs(&f["tag_order"]));
}

#[test]
fn composite_quality_matches_pandas() {
    let t = table();
    for (name, case) in fixture()["quality"].as_object().unwrap() {
        let mut spec = QualitySpec::default_for(&t).unwrap();
        let norm = match case["normalisation"].as_str().unwrap() {
            "percentile_rank" => Normalisation::PercentileRank,
            _ => Normalisation::RobustZ,
        };
        for c in &mut spec.components {
            c.normalisation = norm;
            if let Some(w) = case["weights"].get(&c.name) {
                c.weight = num(w);
            }
        }
        spec.missing = match case["policy"].as_str().unwrap() {
            "reweight" => QualityMissing::default(),
            "neutral" => QualityMissing::Neutral,
            _ => QualityMissing::CompleteCases,
        };
        let q = quality(&t, &spec).unwrap();
        let names: Vec<&str> = q.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "retention",
                "expansion",
                "nps",
                "support_load",
                "sales_cycle"
            ]
        );
        for c in &q.components {
            let want = nums(&case["components"][&c.name]);
            for (i, (&g, &w)) in c.normalised.iter().zip(&want).enumerate() {
                close(&format!("{name}: {} row {i}", c.name), g, w, 1e-12);
            }
        }
        let want = nums(&case["score"]);
        for (i, (&g, &w)) in q.score.iter().zip(&want).enumerate() {
            close(&format!("{name}: score row {i}"), g, w, 1e-12);
        }
        let qc = quality_cohorts(&q, &QualityCuts::default()).unwrap();
        let idx = |v: &Value| -> Vec<usize> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap() as usize)
                .collect()
        };
        assert_eq!(qc.best.indices(), idx(&case["best"]), "{name}: best");
        assert_eq!(
            qc.problematic.indices(),
            idx(&case["problematic"]),
            "{name}: problematic"
        );
        close(
            "best threshold",
            qc.best_threshold,
            num(&case["best_threshold"]),
            0.0,
        );
    }
}

fn won_vs_lost(t: &AccountTable) -> CohortPair {
    outcome_cohorts(t, "outcome")
        .unwrap()
        .won_vs_lost()
        .unwrap()
}

#[test]
fn profile_matches_scipy() {
    let t = table();
    let opts = ProfileOptions {
        columns: Some(vec![
            "employees".into(),
            "cycle_days".into(),
            "industry".into(),
            "partner".into(),
            "stack".into(),
        ]),
        ..Default::default()
    };
    let p: Profile = won_vs_lost(&t).profile(&t, &opts).unwrap();
    let rows = fixture()["profile"].as_array().unwrap();
    assert_eq!(p.rows.len(), rows.len());
    for want in rows {
        let attr = want["attribute"].as_str().unwrap();
        let level = want["level"].as_str();
        let got = p
            .row(attr, level)
            .unwrap_or_else(|| panic!("no row {attr} {level:?}"));
        let what = format!("{attr} {level:?}");
        close(&format!("{what} a"), got.a, num(&want["a"]), 1e-12);
        close(&format!("{what} b"), got.b, num(&want["b"]), 1e-12);
        close(
            &format!("{what} p"),
            got.p_value.unwrap(),
            num(&want["p_value"]),
            1e-12,
        );
        if !want["median_a"].is_null() {
            close(
                &format!("{what} median a"),
                got.median_a.unwrap(),
                num(&want["median_a"]),
                0.0,
            );
            close(
                &format!("{what} median b"),
                got.median_b.unwrap(),
                num(&want["median_b"]),
                0.0,
            );
            close(
                &format!("{what} Mann-Whitney p"),
                got.p_mann_whitney.unwrap(),
                num(&want["p_mann_whitney"]),
                1e-15,
            );
        }
    }
}

#[test]
fn seventy_percent_covers_match_numpy() {
    let t = table();
    let pair = won_vs_lost(&t);
    let f = &fixture()["covers"];
    let opts = SignalOptions::default();
    let ind = signal(&t, &pair, "industry", &opts).unwrap();
    assert_eq!(ind.levels, strs(&f["industry"]["levels"]));
    close(
        "industry coverage a",
        ind.coverage_a,
        num(&f["industry"]["coverage_a"]),
        1e-12,
    );
    close(
        "industry coverage b",
        ind.coverage_b,
        num(&f["industry"]["coverage_b"]),
        1e-12,
    );
    let emp = signal(&t, &pair, "employees", &opts).unwrap();
    let r = emp.range.unwrap();
    assert_eq!(
        (r.min, r.max),
        (
            Some(num(&f["employees"]["min"])),
            Some(num(&f["employees"]["max"]))
        )
    );
    close(
        "employees coverage a",
        emp.coverage_a,
        num(&f["employees"]["coverage_a"]),
        1e-12,
    );
    close(
        "employees coverage b",
        emp.coverage_b,
        num(&f["employees"]["coverage_b"]),
        1e-12,
    );
    let st = signal(&t, &pair, "stack", &opts).unwrap();
    assert_eq!(st.levels, strs(&f["stack"]["levels"]));
    close(
        "stack coverage a",
        st.coverage_a,
        num(&f["stack"]["coverage_a"]),
        1e-12,
    );
    close(
        "stack coverage b",
        st.coverage_b,
        num(&f["stack"]["coverage_b"]),
        1e-12,
    );
}

#[test]
fn segment_table_matches_statsmodels() {
    let t = table();
    let seg = Segmentation::new(&t, "industry", &SegmentBy::Levels).unwrap();
    let st = SegmentTable::new(&t, &seg, &SegmentMetrics::default()).unwrap();
    for want in fixture()["segments"].as_array().unwrap() {
        let label = want["segment"].as_str().unwrap();
        let got = st.rows.iter().find(|r| r.segment == label).unwrap();
        assert_eq!(got.closed as u64, want["closed"].as_u64().unwrap());
        assert_eq!(got.won as u64, want["won"].as_u64().unwrap());
        assert_eq!(got.customers as u64, want["customers"].as_u64().unwrap());
        for (field, g) in [
            ("win_rate", got.win_rate),
            ("avg_acv", got.avg_acv),
            ("avg_cycle_days", got.avg_cycle_days),
            ("nrr", got.nrr),
            ("nrr_arr_weighted", got.nrr_arr_weighted),
            ("churn_rate", got.churn_rate),
        ] {
            close(&format!("{label} {field}"), g, num(&want[field]), 1e-12);
        }
        for (field, g) in [
            ("win_rate_ci", got.win_rate_ci),
            ("nrr_ci", got.nrr_ci),
            ("churn_rate_ci", got.churn_rate_ci),
        ] {
            let w = nums(&want[field]);
            close(&format!("{label} {field} lo"), g.0, w[0], 1e-12);
            close(&format!("{label} {field} hi"), g.1, w[1], 1e-12);
        }
    }
}

#[test]
fn similarity_matches_pandas() {
    let t = table();
    let won = outcome_cohorts(&t, "outcome").unwrap().won;
    let opts = SimilarityOptions {
        columns: Some(vec![
            "industry".into(),
            "partner".into(),
            "employees".into(),
            "stack".into(),
        ]),
        ..Default::default()
    };
    let sim = similarity_to(&t, &won, &opts).unwrap();
    let want = nums(&fixture()["similarity_to_won"]);
    for (i, (&g, &w)) in sim.iter().zip(&want).enumerate() {
        close(&format!("similarity row {i}"), g, w, 1e-12);
    }
}

#[test]
fn exact_mcnemar_matches_scipy_binomtest() {
    for case in fixture()["mcnemar_exact"].as_array().unwrap() {
        let (b, c) = (
            case["b"].as_u64().unwrap() as usize,
            case["c"].as_u64().unwrap() as usize,
        );
        close(
            &format!("McNemar({b}, {c})"),
            icpfit_core::themes::mcnemar_exact(b, c),
            num(&case["p_value"]),
            1e-14,
        );
    }
}
