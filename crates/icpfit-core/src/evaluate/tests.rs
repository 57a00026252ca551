use super::*;
use crate::icp::{Criterion, Predicate, Range};
use crate::induce::{DraftOptions, draft};
use crate::synth::{SynthConfig, generate};

fn data(n: usize) -> (AccountTable, Target, Target) {
    let s = generate(&SynthConfig::new(n, 20261126)).unwrap();
    let fit = Target::won_vs_lost(&s.table, "outcome").unwrap();
    let risk = Target::churned(&s.table, "retention_status").unwrap();
    (s.table, fit, risk)
}

/// A deliberately wrong "old" ICP: small companies from outbound, the
/// opposite of the planted profile.
fn wrong_old() -> Icp {
    Icp::new("Old ICP", "1")
        .primary(
            Criterion::new("smb", "employees", Predicate::Range(Range::below(200.0))).points(30.0),
        )
        .secondary(
            Criterion::new(
                "outbound",
                "lead_source",
                Predicate::In(vec!["outbound".into()]),
            )
            .points(20.0),
        )
        .secondary(
            Criterion::new(
                "retail",
                "industry",
                Predicate::In(vec!["retail".into(), "education".into()]),
            )
            .points(20.0),
        )
}

#[test]
fn drafted_icp_beats_random_and_the_wrong_old_icp() {
    let (table, fit, risk) = data(30_000);
    let new = draft(
        &table,
        &fit,
        Some(&risk),
        &DraftOptions {
            name: "New ICP".into(),
            version: "2".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .icp;
    let opts = EvaluateOptions::default();
    let pt = pressure_test(&new, &table, &fit, &opts).unwrap();
    // The drafted ICP finds wins: lift well above 1 with an interval above 1.
    assert!(
        pt.lift.lift > 1.3 && pt.lift.ratio_lo > 1.5,
        "{:?}",
        pt.lift
    );
    assert!(pt.auc > 0.65, "{}", pt.auc);
    assert!(
        pt.hundred_vs_ten()
            .starts_with("Of 100 accounts matching New ICP, ")
    );
    // Gains are monotone and end at 1; tier rates fall from A to D.
    assert!(
        pt.gains
            .windows(2)
            .all(|w| w[0].positives <= w[1].positives)
    );
    assert!((pt.gains.last().unwrap().positives - 1.0).abs() < 1e-12);
    assert!(pt.tiers[0].rate.rate > pt.tiers[3].rate.rate);
    assert!(!pt.too_broad, "{}", pt.match_share);
    let old = pressure_test(&wrong_old(), &table, &fit, &opts).unwrap();
    assert!(old.lift.lift < 1.0, "{:?}", old.lift);
    // Recent losses: the new ICP disqualifies more and calls fewer of them a fit.
    let since = recent_quarters(&table, "close_date", 1).unwrap();
    let r = old_vs_new(
        &wrong_old(),
        &new,
        &table,
        &Columns::default(),
        Some(since),
        &opts,
    )
    .unwrap();
    assert!(r.new_is_better, "{}", r.verdict);
    assert!(r.new.share_tier_ab < r.old.share_tier_ab);
    assert!(r.verdict.starts_with("Of "), "{}", r.verdict);
    // What-if side by side, and the decision.
    let cur = what_if(
        &wrong_old(),
        &table,
        &Columns::default(),
        Some(since),
        &opts,
    )
    .unwrap();
    let cand = what_if(&new, &table, &Columns::default(), Some(since), &opts).unwrap();
    assert!(cand.win_rate_kept.rate > cur.win_rate_kept.rate);
    assert!(cand.nrr_kept > cand.nrr_excluded);
    assert!(cand.pipeline_coverage > 0.0 && cand.pipeline_coverage < 1.0);
    let d = decide(&cur, &cand, &[]);
    assert_ne!(d.decision, Redefinition::Keep, "{}", d.reason);
}

#[test]
fn classification_and_lift_on_a_hand_table() {
    let csv = "account_id,employees,outcome\n\
               a,300,won\nb,400,won\nc,500,lost\nd,50,won\ne,60,lost\nf,70,lost\ng,80,lost\nh,90,lost\n";
    let t = AccountTable::from_csv_reader(csv.as_bytes(), &crate::CsvOptions::default()).unwrap();
    let icp = Icp::new("x", "1").primary(
        Criterion::new(
            "big",
            "employees",
            Predicate::Range(Range::closed(Some(200.0), None)),
        )
        .points(100.0),
    );
    let fit = Target::won_vs_lost(&t, "outcome").unwrap();
    let pt = pressure_test(&icp, &t, &fit, &EvaluateOptions::default()).unwrap();
    let c = &pt.classification;
    assert_eq!(
        (c.true_positives, c.false_positives, c.false_negatives),
        (2, 1, 1)
    );
    assert!((c.precision - 2.0 / 3.0).abs() < 1e-12 && (c.recall - 2.0 / 3.0).abs() < 1e-12);
    assert!((pt.lift.lift - (2.0 / 3.0) / (3.0 / 8.0)).abs() < 1e-12);
    assert!((pt.lift.per_100_matching - 200.0 / 3.0).abs() < 1e-9);
    assert!((pt.lift.per_10_random - 3.75).abs() < 1e-12);
    assert_eq!(pt.tiers[0].rate.n, 3);
    assert!((pt.match_share - 3.0 / 8.0).abs() < 1e-12);
    // AUC of points (100 vs 0): P(win scores above loss) + ½ ties = (2·5 + 1·… ) / 15.
    // wins: 100, 100, 0; losses: 100, 0, 0, 0, 0 → pairs won: 2·4 + ½(2·1 + 1·4) = 11 of 15.
    assert!((pt.auc - 11.0 / 15.0).abs() < 1e-12, "{}", pt.auc);
    // A target of another table, or one class inside the ICP's scope: typed errors.
    let short = Target::from_labels(&[Some(true), Some(false)], "short", "win").unwrap();
    let e = pressure_test(&icp, &t, &short, &EvaluateOptions::default()).unwrap_err();
    assert!(matches!(e, Error::LengthMismatch { .. }), "{e}");
    let scoped = icp.clone().scope("outcome", "won");
    let e = pressure_test(&scoped, &t, &fit, &EvaluateOptions::default()).unwrap_err();
    assert!(matches!(e, Error::OneClass { .. }), "{e}");
}

#[test]
fn holdout_drafts_on_the_past_and_tests_on_the_future() {
    let (table, fit, risk) = data(30_000);
    let split = recent_quarters(&table, "close_date", 1).unwrap();
    let h = holdout(
        &table,
        "close_date",
        split,
        &fit,
        Some(&risk),
        &DraftOptions::default(),
        &EvaluateOptions::default(),
    )
    .unwrap();
    assert!(
        h.train_rows > 3 * h.test_rows && h.test_rows > 1000,
        "{} {}",
        h.train_rows,
        h.test_rows
    );
    assert!(h.test.lift.ratio_lo > 1.3, "{:?}", h.test.lift);
    assert!(h.icp.primary.iter().any(|c| c.column == "employees"));
}

#[test]
fn decision_rules_read_the_figures() {
    let base = WhatIf {
        icp: ("a".into(), "1".into()),
        since: None,
        wins_kept: 100,
        wins_excluded: 50,
        win_rate_kept: Rate::new(100, 300, 0.95),
        win_rate_excluded: Rate::new(50, 300, 0.95),
        acv_kept: 0.0,
        acv_excluded: 0.0,
        nrr_kept: 1.05,
        nrr_excluded: 1.0,
        pipeline_coverage: 0.5,
        tier_a_share: 0.1,
        match_share: 0.5,
        too_broad: true,
    };
    let narrow = WhatIf {
        match_share: 0.3,
        win_rate_kept: Rate::new(120, 240, 0.95),
        ..base.clone()
    };
    assert_eq!(decide(&base, &narrow, &[]).decision, Redefinition::Narrow);
    let abandon = WhatIf {
        nrr_excluded: 0.8,
        ..narrow.clone()
    };
    assert_eq!(decide(&base, &abandon, &[]).decision, Redefinition::Abandon);
    let expand = WhatIf {
        match_share: 0.6,
        wins_kept: 130,
        win_rate_kept: Rate::new(130, 400, 0.95),
        ..base.clone()
    };
    assert_eq!(decide(&base, &expand, &[]).decision, Redefinition::Expand);
    assert_eq!(decide(&base, &base, &[]).decision, Redefinition::Keep);
    let split = [
        ProductLift {
            product: "a".into(),
            single: 1.2,
            own: 1.6,
        },
        ProductLift {
            product: "b".into(),
            single: 1.1,
            own: 1.5,
        },
    ];
    assert_eq!(decide(&base, &narrow, &split).decision, Redefinition::Split);
}
