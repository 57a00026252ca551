//! Recovery of the planted truth of the synthetic CRM by the cohort, profile
//! and loss analyses (issue 5, "done when"): the competitor-owned
//! sub-segment and the poor-NRR segment are found, the best cohort's and the
//! won cohort's profiles show the planted drivers, and the loss typing
//! reproduces the planted shares within sampling error.
//!
//! One shared sample of 100,000 accounts (seed 5, or
//! `ICPFIT_COHORT_TEST_SEED` to check that the tolerances hold for other
//! draws). Tolerance: 4 standard errors of the estimate (computed from the
//! sample itself), as in the generator's own tests: the data is fixed, so
//! nothing can flake, and 4 SE keeps the checks honest about sampling error
//! without being tuned to one draw. At this size the SE of a loss-type share
//! is about 0.3 points and that of the education NRR about 1.3 points, so
//! the checks are also within a few points of the truth in absolute terms.

use icpfit_core::cohort::{
    Cohort, CohortPair, QualityCuts, SegmentBy, Segmentation, outcome_cohorts, predicate_cohort,
    quality_cohorts,
};
use icpfit_core::evidence::EvidenceLevel;
use icpfit_core::icp::{Criterion, Predicate, Range};
use icpfit_core::losses::{
    CompetitorOptions, Fit, LossColumns, LossType, SimilarityOptions, compare_similarity,
    competitor_matrix, loss_lift, loss_types,
};
use icpfit_core::profile::{Profile, ProfileOptions, SegmentMetrics, SegmentTable};
use icpfit_core::quality::{QualitySpec, quality};
use icpfit_core::synth::{Synth, SynthConfig, generate};
use icpfit_core::table::Bitmap;
use std::sync::OnceLock;

const Z: f64 = 4.0;

fn synth() -> &'static Synth {
    static S: OnceLock<Synth> = OnceLock::new();
    S.get_or_init(|| {
        let seed = std::env::var("ICPFIT_COHORT_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(5);
        generate(&SynthConfig::new(100_000, seed)).unwrap()
    })
}

/// The planted ICP fit, unknown where the tech stack is missing (a random
/// 4 %; dropping only the rows whose *rule* is undecided would select on
/// size and industry, see the generator's loss-type test).
fn planted_fit(s: &Synth) -> Fit {
    let flags = s.truth.icp.rule.evaluate(&s.table).unwrap();
    let tech = s.table.column("tech_stack").unwrap();
    let known = Bitmap::from_fn(flags.len(), |i| !tech.is_missing(i));
    Fit::from_flags(&flags).with_known(known)
}

#[track_caller]
fn near(what: &str, got: f64, se: f64, want: f64) {
    assert!(
        (got - want).abs() <= Z * se,
        "{what}: got {got:.4}, planted {want:.4}, {Z} SE = {:.4}",
        Z * se
    );
}

fn prop_se(p: f64, n: usize) -> f64 {
    (p * (1.0 - p) / n as f64).sqrt()
}

#[test]
fn competitor_owned_sub_segment_is_found() {
    let s = synth();
    let t = &s.table;
    let truth = &s.truth.competitor;
    let seg = Segmentation::new(t, "sub_industry", &SegmentBy::Levels).unwrap();
    let m = competitor_matrix(
        t,
        &LossColumns::default(),
        Some(&seg),
        &CompetitorOptions::default(),
    )
    .unwrap();
    assert_eq!(m.owned.len(), 1, "exactly one owned segment:\n{m}");
    let o = &m.owned[0];
    assert_eq!(o.segment, "ecommerce/marketplaces");
    assert_eq!(o.competitor, truth.competitor);
    assert!(o.confident, "the interval clears 50 %: {o:?}");
    assert_eq!(o.evidence, EvidenceLevel::CohortAnalysis);
    near(
        "CompB's share of contested deals in its segment",
        o.share,
        prop_se(o.share, o.contested),
        truth.share_of_contested_in_segment,
    );
    // Head to head in the segment we lose most deals CompB contests.
    let row = m
        .by_segment
        .iter()
        .find(|r| r.segment.as_deref() == Some("ecommerce/marketplaces") && r.competitor == "CompB")
        .unwrap();
    assert!(row.win_rate < 0.2, "{row:?}");
    // By industry the segment is diluted: no owned industry.
    let ind = Segmentation::new(t, "industry", &SegmentBy::Levels).unwrap();
    let m = competitor_matrix(
        t,
        &LossColumns::default(),
        Some(&ind),
        &CompetitorOptions::default(),
    )
    .unwrap();
    assert!(m.owned.is_empty(), "{m}");
    assert!(
        !m.coverage.sparse,
        "every competitive loss names its competitor"
    );
    assert_eq!(m.coverage.share, 1.0 * m.coverage.share);
}

#[test]
fn poor_nrr_segment_is_found() {
    let s = synth();
    let t = &s.table;
    let truth = &s.truth.poor_nrr;
    let seg = Segmentation::new(t, "industry", &SegmentBy::Levels).unwrap();
    let st = SegmentTable::new(t, &seg, &SegmentMetrics::default()).unwrap();
    let flagged: Vec<&str> = st.flagged().iter().map(|r| r.segment.as_str()).collect();
    assert_eq!(flagged, ["education"], "\n{st}");
    assert!(st.divergent);
    assert_eq!(st.worst_nrr_segment.as_deref(), Some("education"));
    let edu = st.flagged()[0];
    // SE of a mean NRR from its own interval: half-width / 1.96.
    let se = (edu.nrr_ci.1 - edu.nrr_ci.0) / 2.0 / 1.959_963_984_540_054;
    near("education NRR", edu.nrr, se, truth.nrr_in_segment);
    let rest_nrr = edu.nrr - edu.nrr_vs_rest;
    near("NRR elsewhere", rest_nrr, se, truth.nrr_elsewhere);
    assert!(edu.churn_rate > 1.5 * st.overall.churn_rate);
    // No other segmentation of the attributes flags a segment this strongly.
    for col in ["region", "lead_source", "noise_segment"] {
        let seg = Segmentation::new(t, col, &SegmentBy::Levels).unwrap();
        let st = SegmentTable::new(t, &seg, &SegmentMetrics::default()).unwrap();
        assert!(st.flagged().is_empty(), "{col}\n{st}");
    }
}

#[test]
fn loss_types_reproduce_the_planted_shares() {
    let s = synth();
    let t = &s.table;
    let lt = loss_types(t, &LossColumns::default(), &planted_fit(s), 0.95).unwrap();
    let l = &s.truth.loss_types;
    for (ty, want) in [
        (LossType::WrongFit, l.type1_wrong_fit),
        (LossType::Competitor, l.type2_competitor),
        (LossType::NoDecision, l.type3_no_decision),
    ] {
        let r = lt.row(ty);
        near(&r.label, r.share, prop_se(r.share, lt.typed), want);
        assert!(
            (r.share - want).abs() <= 0.01,
            "{}: {} vs {want}",
            r.label,
            r.share
        );
        // The Wilson interval covers the truth at this sample size.
        assert!(
            r.share_ci.0 <= want + 0.002 && want - 0.002 <= r.share_ci.1,
            "{r:?}"
        );
        assert_eq!(r.evidence, EvidenceLevel::CohortAnalysis);
    }
    assert_eq!(lt.row(LossType::RightFitOther).count, 0, "planted: none");
    assert!(lt.unclassified > 0 && lt.unclassified < lt.not_won / 10);
    // The planted ICP separates: right-fit deals win about twice as often.
    let g = &lt.gate;
    assert!(g.works, "{g:?}");
    near(
        "right-fit win rate",
        g.right_fit_win_rate,
        prop_se(g.right_fit_win_rate, g.right_fit_closed),
        s.truth.icp.win_rate_fit,
    );
    near(
        "wrong-fit win rate",
        g.wrong_fit_win_rate,
        prop_se(g.wrong_fit_win_rate, g.wrong_fit_closed),
        s.truth.icp.win_rate_bad_fit,
    );
    // Competitor losses concentrate in the CompB segment.
    let seg = Segmentation::new(t, "sub_industry", &SegmentBy::Levels).unwrap();
    let lift = loss_lift(&lt, &seg, Some(LossType::Competitor), 0.95).unwrap();
    assert_eq!(
        lift.rows[0].segment,
        "ecommerce/marketplaces",
        "{:?}",
        &lift.rows[..3]
    );
    assert!(lift.rows[0].ratio_vs_rest.unwrap().lo > 1.5);
    // Wrong-fit losses concentrate where the ICP excludes: small companies.
    let size =
        Segmentation::new(t, "employees", &SegmentBy::Cuts(vec![49.0, 199.0, 2000.0])).unwrap();
    let lift = loss_lift(&lt, &size, Some(LossType::WrongFit), 0.95).unwrap();
    assert_eq!(lift.rows[0].segment, "≤ 49", "{:?}", lift.rows);
}

#[test]
fn won_profile_shows_the_win_drivers() {
    let s = synth();
    let t = &s.table;
    let o = outcome_cohorts(t, "outcome").unwrap();
    let pair = o.won_vs_lost().unwrap();
    assert_eq!(pair.evidence, EvidenceLevel::CohortAnalysis);
    let p = pair.profile(t, &ProfileOptions::default()).unwrap();
    for (attr, level) in [
        ("industry", "fintech"),
        ("industry", "healthtech"),
        ("tech_stack", "Snowflake"),
        ("lead_source", "partner"),
        ("lead_source", "referral"),
    ] {
        let r = p.row(attr, Some(level)).unwrap();
        assert!(
            r.delta < -3.0,
            "{attr} = {level} is more common in won: {r:?}"
        );
        assert!(r.p_value.unwrap() < 1e-6, "{r:?}");
    }
    // 200–2,000 employees: more of the won deals fall in the band.
    let band = predicate_cohort(
        t,
        "200-2000",
        &[Criterion::new(
            "band",
            "employees",
            Predicate::Range(Range::closed(Some(200.0), Some(2000.0))),
        )],
    )
    .unwrap();
    let share = |c: &Cohort| c.rows().count_and(band.rows()) as f64 / c.size as f64;
    assert!(share(&pair.a) > share(&pair.b) + 0.15);
    let emp = p.row("employees", None).unwrap();
    assert!(emp.p_mann_whitney.unwrap() < 1e-6);
    let (ma, mb) = (emp.median_a.unwrap(), emp.median_b.unwrap());
    assert!(
        (200.0..=2000.0).contains(&ma) && mb < ma,
        "medians {ma} vs {mb}"
    );
    // Noise stays quiet.
    let noise = p.row("noise_flag", Some("true")).unwrap();
    assert!(noise.delta.abs() < 2.0, "{noise:?}");
}

#[test]
fn best_cohort_profile_shows_the_planted_drivers() {
    let s = synth();
    let t = &s.table;
    let spec = QualitySpec::default_for(t).unwrap();
    let q = quality(t, &spec).unwrap();
    let customers = outcome_cohorts(t, "outcome").unwrap().won;
    assert_eq!(
        q.n_population, customers.size,
        "customers have a retention status"
    );
    assert_eq!(q.n_all_missing, 0);
    let qc = quality_cohorts(&q, &QualityCuts::default()).unwrap();
    let n = q.n_scored as f64;
    assert!((qc.best.size as f64 / n - 0.2).abs() < 0.01);
    assert!((qc.problematic.size as f64 / n - 0.2).abs() < 0.01);
    let pair: CohortPair = qc.best_vs_problematic().unwrap();
    // ICP fit (the planted retention driver) is far more common among the best.
    let fit = planted_fit(s);
    let fit_share = |c: &Cohort| {
        let known = c.rows().count_and(&fit.known);
        c.rows().and(&fit.known).count_and(&fit.fit) as f64 / known as f64
    };
    let (fb, fp) = (fit_share(&pair.a), fit_share(&pair.b));
    assert!(
        fb > fp + 0.3,
        "fit share best {fb:.3} vs problematic {fp:.3}"
    );
    let p: Profile = pair.profile(t, &ProfileOptions::default()).unwrap();
    // ICP components, Salesforce (retains and expands) and education (poor
    // NRR) are where the planted retention model says.
    for (attr, level, best_more) in [
        ("industry", "fintech", true),
        ("industry", "healthtech", true),
        ("tech_stack", "Snowflake", true),
        ("tech_stack", "Salesforce", true),
        ("industry", "education", false),
    ] {
        let r = p.row(attr, Some(level)).unwrap();
        let sign_ok = if best_more {
            r.delta < 0.0
        } else {
            r.delta > 0.0
        };
        assert!(
            sign_ok && r.p_value.unwrap() < 1e-4,
            "{attr} = {level}: {r:?}"
        );
    }
    // The best customers' median size lies in the planted band. (The default
    // composite also rewards short sales cycles and light support, which grow
    // with size, so the problematic cohort holds the biggest accounts.)
    let emp = p.row("employees", None).unwrap();
    assert!((200.0..=2000.0).contains(&emp.median_a.unwrap()), "{emp:?}");
    // 70 % signal of employees: the best cohort's range overlaps the band.
    let sig = p
        .signals
        .iter()
        .find(|s| s.attribute == "employees")
        .unwrap();
    let r = sig.range.as_ref().unwrap();
    assert!(r.min.unwrap() < 2000.0 && r.max.unwrap() > 200.0, "{sig:?}");
    assert!((sig.coverage_a - 0.7).abs() < 0.01);
    assert!(sig.coverage_b < sig.coverage_a);
    // Lead source drives winning, not retention: no difference here.
    let lead = p.row("lead_source", Some("partner")).unwrap();
    assert!(lead.delta.abs() < 3.0, "{lead:?}");
    // The ranking takes the same pair.
    let ranking = pair
        .rank(t, None, &icpfit_core::rank::RankOptions::default())
        .unwrap();
    assert!(ranking.position("industry").unwrap() < ranking.position("noise_segment").unwrap());
}

#[test]
fn competitor_losses_look_less_like_the_best_than_random_deals() {
    // In the synthetic data competitors contest deals regardless of fit and
    // right-fit deals win more, so deals lost to a competitor are a little
    // less like the best customers than closed deals at random.
    let s = synth();
    let t = &s.table;
    let q = quality(t, &QualitySpec::default_for(t).unwrap()).unwrap();
    let best = quality_cohorts(&q, &QualityCuts::default()).unwrap().best;
    let o = outcome_cohorts(t, "outcome").unwrap();
    let lt = loss_types(t, &LossColumns::default(), &planted_fit(s), 0.95).unwrap();
    let comp_col = t.categorical("competitor").unwrap();
    let lost_to_comp = Cohort::new(
        "lost to a competitor",
        "",
        o.lost.rows().and(&Bitmap::from_fn(t.n_rows(), |i| {
            comp_col.codes()[i] != icpfit_core::table::MISSING_CODE
        })),
    );
    let cmp = compare_similarity(
        t,
        &best,
        &lost_to_comp,
        &o.closed(),
        Some(&planted_fit(s)),
        &SimilarityOptions::default(),
    )
    .unwrap();
    assert!(cmp.reference_mean > cmp.baseline_mean);
    assert!(cmp.group_mean < cmp.baseline_mean, "{cmp:?}");
    assert!(cmp.group_fit_share.unwrap() < cmp.baseline_fit_share.unwrap());
    assert!(lt.row(LossType::Competitor).count > 0);
}
