use super::*;
use crate::synth::{SynthConfig, generate};
use crate::table::{Bitmap, CsvOptions};

/// 10 good-fit customers: 1 churned, 2 expanded ×1.5, 1 contracted ×0.5, 6
/// active; 10 bad-fit: 3 churned, 1 expanded ×1.2, 2 contracted ×0.8, 4
/// active; one open deal.
fn table() -> AccountTable {
    let mut csv = String::from("id,fit,start_arr,current_arr\n");
    let good = [
        0.0, 150.0, 150.0, 50.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0,
    ];
    let bad = [0.0, 0.0, 0.0, 120.0, 80.0, 80.0, 100.0, 100.0, 100.0, 100.0];
    for (k, c) in good.iter().enumerate() {
        csv.push_str(&format!("g{k},1,100,{c}\n"));
    }
    for (k, c) in bad.iter().enumerate() {
        csv.push_str(&format!("b{k},0,100,{c}\n"));
    }
    csv.push_str("o,1,,\n");
    AccountTable::from_csv_reader(csv.as_bytes(), &CsvOptions::default()).unwrap()
}

fn fit_of(t: &AccountTable) -> Fit {
    let f = t.numeric("fit").unwrap();
    Fit::from_mask(Bitmap::from_fn(t.n_rows(), |i| f[i] == 1.0))
}

#[test]
fn groups_and_decomposition_by_hand() {
    let t = table();
    let fit = fit_of(&t);
    let opts = EconomicsOptions {
        min_customers: 10,
        ..Default::default()
    };
    let e = FitEconomics::new(
        &t,
        &RetentionColumns::default(),
        FitGrouping::Fit(&fit),
        &opts,
    )
    .unwrap();
    assert_eq!(e.source, EconomicsSource::Measured);
    let g = e.groups[0].as_ref().unwrap();
    let b = e.groups[2].as_ref().unwrap();
    assert!(e.groups[1].is_none());
    assert_eq!(
        (g.customers, g.churned, g.expanded, g.contracted),
        (10, 1, 2, 1)
    );
    assert_eq!(
        (b.customers, b.churned, b.expanded, b.contracted),
        (10, 3, 1, 2)
    );
    assert!((g.nrr - 0.95).abs() < 1e-12, "(0 + 1.5·2 + 0.5 + 6) / 10");
    assert!((b.nrr - 0.68).abs() < 1e-12, "(1.2 + 0.8·2 + 4) / 10");
    assert!((g.grr - (1000.0 - 100.0 - 50.0) / 1000.0).abs() < 1e-12);
    assert!((g.expansion_rate - 2.0 / 9.0).abs() < 1e-12);
    assert!((g.mean_uplift - 0.5).abs() < 1e-12 && (g.mean_contraction - 0.5).abs() < 1e-12);
    // The decomposition reproduces the measured NRR exactly.
    for gr in [g, b, &e.overall] {
        let m = modelled_nrr(
            gr.churn_rate,
            gr.expansion_rate,
            gr.contraction_rate,
            gr.mean_uplift,
            gr.mean_contraction,
        );
        assert!((m - gr.nrr).abs() < 1e-12, "{m} vs {}", gr.nrr);
    }
    let cr = e.churn_ratio.unwrap();
    assert!((cr.ratio - 3.0).abs() < 1e-12);
    assert_eq!(e.mix, FitMix::new(0.5, 0.0, 0.5).unwrap());
    // Cost: 0.5 · (0.95 − 0.68) = 13.5 points; gap 27 points.
    assert!((e.nrr_gap_points - 27.0).abs() < 1e-9);
    assert!((e.bad_fit_cost.cost_points - 13.5).abs() < 1e-9);
    assert!((e.bad_fit_cost.nrr - e.overall.nrr).abs() < 1e-12);
    // Forecast with the customers' mix is their NRR; the what-if is linear.
    let f = e.forecast(&e.mix).unwrap();
    assert!((f.nrr - e.overall.nrr).abs() < 1e-12);
    assert!(f.nrr_ci.0 < f.nrr && f.nrr < f.nrr_ci.1);
    let w = e.what_if(&e.mix, 0.1).unwrap();
    assert!((w.delta_points - 2.7).abs() < 1e-9);
    assert!((w.after.mix.bad - 0.4).abs() < 1e-12);
    let all = e.what_if(&e.mix, 0.9).unwrap();
    assert_eq!(all.after.mix.bad, 0.0, "cut no further than 0");
    assert!(e.to_string().contains("costs 13.5 NRR points"), "{e}");
}

#[test]
fn rule_of_thumb_is_a_stated_fallback() {
    let t = table();
    let fit = fit_of(&t);
    // Groups of 10 are below the default 30: the rule of thumb from the
    // overall mixture.
    let e = FitEconomics::new(
        &t,
        &RetentionColumns::default(),
        FitGrouping::Fit(&fit),
        &EconomicsOptions::default(),
    )
    .unwrap();
    assert_eq!(e.source, EconomicsSource::RuleOfThumb);
    assert!(e.source_note.contains("rule of thumb"), "{}", e.source_note);
    assert!(
        e.churn_ratio.is_some(),
        "the measured ratio is still reported"
    );
    let (g, b) = (&e.models[0], &e.models[2]);
    assert!(!g.measured && !b.measured);
    assert!((b.churn / g.churn - 2.5).abs() < 1e-12);
    assert!((b.expansion / g.expansion - 0.5).abs() < 1e-12);
    // The mixture reproduces the observed churn and expansion.
    let s = e.mix.bad;
    let c = (1.0 - s) * g.churn + s * b.churn;
    assert!((c - e.overall.churn_rate).abs() < 1e-12);
    let kept = (1.0 - s) * (1.0 - g.churn) + s * (1.0 - b.churn);
    let ex = ((1.0 - s) * (1.0 - g.churn) * g.expansion + s * (1.0 - b.churn) * b.expansion) / kept;
    assert!((ex - e.overall.expansion_rate).abs() < 1e-12);
    assert!(e.bad_fit_cost.cost_points > 0.0);
    assert!(
        e.forecast(&e.mix).unwrap().nrr_ci.0.is_nan(),
        "no interval for modelled groups"
    );

    // No fit information at all: an assumed 10 % bad-fit share.
    let u = FitEconomics::new(
        &t,
        &RetentionColumns::default(),
        FitGrouping::Unknown {
            assumed_bad_share: 0.1,
        },
        &EconomicsOptions::default(),
    )
    .unwrap();
    assert_eq!(u.source, EconomicsSource::RuleOfThumb);
    assert!(u.groups.iter().all(Option::is_none));
    assert!(u.churn_ratio.is_none());
    assert_eq!(u.mix.bad, 0.1);
    let cost = 0.1 * (u.models[0].nrr - u.models[2].nrr) * 100.0;
    assert!((u.bad_fit_cost.cost_points - cost).abs() < 1e-9);

    // A small bad group only: the rule of thumb on the measured good group.
    let small = EconomicsOptions {
        min_customers: 10,
        ..Default::default()
    };
    let mut fit2 = fit.clone();
    for i in 10..19 {
        fit2.fit.set(i, true);
    }
    let e2 = FitEconomics::new(
        &t,
        &RetentionColumns::default(),
        FitGrouping::Fit(&fit2),
        &small,
    )
    .unwrap();
    assert_eq!(e2.source, EconomicsSource::RuleOfThumb);
    assert!(e2.models[0].measured && !e2.models[2].measured);
    assert!((e2.models[2].churn / e2.models[0].churn - 2.5).abs() < 1e-12);
}

#[test]
fn bad_input_is_a_typed_error() {
    let t = table();
    let fit = fit_of(&t);
    let cols = RetentionColumns::default();
    let g = FitGrouping::Fit(&fit);
    for bad in [
        EconomicsOptions {
            confidence: 1.0,
            ..Default::default()
        },
        EconomicsOptions {
            churn_multiplier: 0.0,
            ..Default::default()
        },
        EconomicsOptions {
            expansion_multiplier: f64::NAN,
            ..Default::default()
        },
    ] {
        assert!(FitEconomics::new(&t, &cols, g, &bad).is_err());
    }
    let short = Fit::from_mask(Bitmap::new(2, true));
    assert!(matches!(
        FitEconomics::new(
            &t,
            &cols,
            FitGrouping::Fit(&short),
            &EconomicsOptions::default()
        ),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(
        FitEconomics::new(
            &t,
            &cols,
            FitGrouping::Unknown {
                assumed_bad_share: 1.0
            },
            &EconomicsOptions::default()
        )
        .is_err()
    );
    let wrong = RetentionColumns {
        start_arr: "id".into(),
        ..Default::default()
    };
    assert!(FitEconomics::new(&t, &wrong, g, &EconomicsOptions::default()).is_err());
    let no_customers = AccountTable::from_csv_reader(
        &b"id,start_arr,current_arr\na,,\nb,0,0\n"[..],
        &CsvOptions::default(),
    )
    .unwrap();
    assert!(matches!(
        FitEconomics::new(
            &no_customers,
            &cols,
            FitGrouping::Unknown {
                assumed_bad_share: 0.1
            },
            &EconomicsOptions::default()
        ),
        Err(Error::InsufficientData { .. })
    ));
    let e = FitEconomics::new(
        &t,
        &cols,
        g,
        &EconomicsOptions {
            min_customers: 1,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(FitMix::new(0.5, 0.5, 0.5).is_err());
    assert!(FitMix::new(-0.1, 0.6, 0.5).is_err());
    assert!(e.what_if(&e.mix, -0.1).is_err());
    assert!(e.what_if(&e.mix, f64::INFINITY).is_err());
    assert!(FitMix::from_tags(&[None, None], None).is_err());
    assert!(FitMix::from_tags(&[None], Some(&[true, false])).is_err());
}

#[test]
fn breakdown_lists_what_it_cannot_measure() {
    let t = table();
    let b = by_segments(&t, &["fit", "nope", "id"], &SegmentMetrics::for_table(&t)).unwrap();
    assert_eq!(b.tables.len(), 1);
    assert!(b.get("fit").is_some());
    let nm: Vec<&str> = b.not_measurable.iter().map(|n| n.what.as_str()).collect();
    assert_eq!(nm, ["nope", "id"]);
    assert!(b.not_measurable[0].reason.contains("no such column"));
    // Within a cohort: the bad-fit rows only.
    let fit = fit_of(&t);
    let bad = crate::cohort::Cohort::from_mask("bad", &fit.fit.not().to_bools());
    let w = by_segments_within(&t, &bad, &["fit"], &SegmentMetrics::for_table(&t)).unwrap();
    assert_eq!(w.tables.len(), 0, "one segment left: not measurable");
    assert_eq!(w.not_measurable[0].what, "fit");
    let short = crate::cohort::Cohort::from_mask("x", &[true]);
    assert!(by_segments_within(&t, &short, &["fit"], &SegmentMetrics::for_table(&t)).is_err());
    // Every customer churned in the baseline group: the model stays finite.
    let all_churn = AccountTable::from_csv_reader(
        &b"fit,start_arr,current_arr\n1,100,0\n1,100,0\n0,100,100\n"[..],
        &CsvOptions::default(),
    )
    .unwrap();
    let f = Fit::from_mask(Bitmap::from_bools(&[true, true, false]));
    let e = FitEconomics::new(
        &all_churn,
        &RetentionColumns::default(),
        FitGrouping::Fit(&f),
        &EconomicsOptions {
            min_customers: 2,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(e.source, EconomicsSource::RuleOfThumb);
    assert!(e.models.iter().all(|m| m.nrr.is_finite()), "{e}");
}

/// Recovery of the planted fit economics on 200k synthetic accounts (about
/// 60k customers): bad fit churns 12.0 % vs 4.8 % (ratio 2.5), expands
/// 18.5 % vs 41.7 % of customers, NRR 97.1 % vs 120.5 %. Tolerance: 4
/// standard errors for each rate and NRR; the churn ratio's 95 % interval
/// must contain 2.5 and the point estimate be within 0.25 of it.
#[test]
fn planted_fit_economics_are_recovered() {
    let s = generate(&SynthConfig::new(200_000, 5)).unwrap();
    let t = &s.table;
    let fit = Fit::from_flags(&s.truth.icp.rule.evaluate(t).unwrap());
    let e = FitEconomics::new(
        t,
        &RetentionColumns::default(),
        FitGrouping::Fit(&fit),
        &EconomicsOptions::default(),
    )
    .unwrap();
    assert_eq!(e.source, EconomicsSource::Measured);
    let truth = &s.truth.fit_economics;
    let (g, b) = (e.groups[0].as_ref().unwrap(), e.groups[2].as_ref().unwrap());
    let within = |what: &str, got: f64, want: f64, se: f64| {
        assert!(
            (got - want).abs() < 4.0 * se,
            "{what}: {got} vs planted {want} (4 SE = {})",
            4.0 * se
        );
    };
    let bse = |p: f64, n: usize| (p * (1.0 - p) / n as f64).sqrt();
    within(
        "fit churn",
        g.churn_rate,
        truth.churn_rate_fit,
        bse(truth.churn_rate_fit, g.customers),
    );
    within(
        "bad-fit churn",
        b.churn_rate,
        truth.churn_rate_bad_fit,
        bse(truth.churn_rate_bad_fit, b.customers),
    );
    within(
        "fit expanded",
        g.expanded_share,
        truth.expansion_rate_fit,
        bse(truth.expansion_rate_fit, g.customers),
    );
    within(
        "bad-fit expanded",
        b.expanded_share,
        truth.expansion_rate_bad_fit,
        bse(truth.expansion_rate_bad_fit, b.customers),
    );
    within("fit NRR", g.nrr, truth.nrr_fit, g.nrr_se);
    within("bad-fit NRR", b.nrr, truth.nrr_bad_fit, b.nrr_se);
    let cr = e.churn_ratio.unwrap();
    let planted = truth.churn_rate_bad_fit / truth.churn_rate_fit;
    assert!((planted - 2.5).abs() < 0.05, "planted ratio {planted}");
    assert!(
        cr.lo < planted && planted < cr.hi && (cr.ratio - planted).abs() < 0.25,
        "churn ratio {} ({}–{}) vs {planted}",
        cr.ratio,
        cr.lo,
        cr.hi
    );
    let er = e.expansion_ratio.unwrap();
    assert!(er.hi < 1.0 && er.ratio > 0.35 && er.ratio < 0.6, "{er:?}");
    // The NRR gap and what the bad-fit share costs.
    let gap = (truth.nrr_fit - truth.nrr_bad_fit) * 100.0;
    let gap_se = (g.nrr_se.powi(2) + b.nrr_se.powi(2)).sqrt() * 100.0;
    within("NRR gap (points)", e.nrr_gap_points, gap, gap_se);
    let bad_share = 1.0 - s.truth.icp.share_of_customers;
    within(
        "bad-fit share",
        e.mix.bad,
        bad_share,
        bse(bad_share, e.overall.customers),
    );
    let cost = bad_share * gap;
    assert!(
        (e.bad_fit_cost.cost_points - cost).abs() < 4.0 * gap_se + 1.0,
        "cost {} vs planted {cost}",
        e.bad_fit_cost.cost_points
    );
    // Halving the bad-fit share moves NRR by half the cost.
    let w = e.what_if(&e.mix, e.mix.bad / 2.0).unwrap();
    assert!((w.delta_points - e.bad_fit_cost.cost_points / 2.0).abs() < 1e-9);
    // Forecast from the open pipeline's fit mix.
    let open = crate::cohort::outcome_cohorts(t, "outcome").unwrap().open;
    let rows = open.rows().to_bools();
    let pipe = FitMix::from_fit(&fit, Some(&rows)).unwrap();
    let f = e.forecast(&pipe).unwrap();
    assert!(f.nrr > b.nrr && f.nrr < g.nrr && f.nrr_ci.0 < f.nrr);
    // With the recorded tags, bad-tagged customers churn more than strong.
    let tags = crate::signals::recorded_tags(t, "fit_tag_90d").unwrap();
    let et = FitEconomics::new(
        t,
        &RetentionColumns::default(),
        FitGrouping::Tags(&tags),
        &EconomicsOptions::default(),
    )
    .unwrap();
    assert!(et.models[1].measured);
    assert!(et.churn_ratio.unwrap().lo > 1.5, "{et}");
    assert!(et.nrr(FitGroup::Good) > et.nrr(FitGroup::Near));
    assert!(et.nrr(FitGroup::Near) > et.nrr(FitGroup::Bad));
}

/// GRR / NRR by segment on synthetic data: education is the poor-NRR
/// segment and its GRR is the lowest; the ARR decomposition adds up.
#[test]
fn segment_grr_and_decomposition_on_synthetic_data() {
    let s = generate(&SynthConfig::new(40_000, 3)).unwrap();
    let t = &s.table;
    let b = by_segments(t, &DEFAULT_BREAKDOWN, &SegmentMetrics::for_table(t)).unwrap();
    assert_eq!(b.not_measurable.len(), 1, "no `segment` column");
    assert_eq!(b.not_measurable[0].what, "segment");
    let ind = b.get("industry").unwrap();
    assert_eq!(ind.worst_nrr_segment.as_deref(), Some("education"));
    let worst_grr = ind
        .rows
        .iter()
        .min_by(|x, y| x.grr.total_cmp(&y.grr))
        .unwrap();
    assert_eq!(worst_grr.segment, "education");
    for r in &ind.rows {
        let nrr = (r.start_arr - r.churned_arr - r.contracted_arr + r.expanded_arr) / r.start_arr;
        assert!((nrr - r.nrr_arr_weighted).abs() < 1e-9);
        assert!(r.grr <= 1.0 && r.avg_discount > 0.0 && r.avg_discount < 0.4);
    }
    assert!(b.get("ae").unwrap().rows.len() == 20);
    assert!(b.get("employees").unwrap().rows.len() == 5);
}
