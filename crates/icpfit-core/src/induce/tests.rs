use super::*;
use crate::icp::Predicate;
use crate::synth::{SynthConfig, generate};
use crate::table::Bitmap;

fn data(n: usize) -> (AccountTable, Target, Target) {
    let s = generate(&SynthConfig::new(n, 20261126)).unwrap();
    let fit = Target::won_vs_lost(&s.table, "outcome").unwrap();
    let risk = Target::churned(&s.table, "retention_status").unwrap();
    (s.table, fit, risk)
}

const DRIVERS: [&str; 4] = ["industry", "employees", "tech_stack", "lead_source"];

#[test]
fn drafted_icp_recovers_the_planted_profile() {
    let (table, fit, risk) = data(40_000);
    let d = draft(&table, &fit, Some(&risk), &DraftOptions::default()).unwrap();
    let icp = &d.icp;
    // Every must-have is a planted driver, and the size band is one of them.
    assert!(!icp.primary.is_empty());
    for c in &icp.primary {
        assert!(
            DRIVERS.contains(&c.column.as_str()),
            "primary `{}` is not a planted driver",
            c.name
        );
    }
    let band = icp
        .primary
        .iter()
        .find(|c| c.column == "employees")
        .expect("employees band is a must-have");
    assert_eq!(
        band.predicate,
        Predicate::Range(crate::icp::Range::closed(Some(200.0), Some(2000.0)))
    );
    // The other planted drivers are all in the draft with positive points.
    let has = |column: &str, pred: &dyn Fn(&Predicate) -> bool| {
        icp.criteria().any(|(s, c)| {
            s != Section::Negative && c.column == column && c.points > 0.0 && pred(&c.predicate)
        })
    };
    assert!(has(
        "industry",
        &|p| matches!(p, Predicate::In(v) if { let mut v = v.clone(); v.sort(); v == ["fintech", "healthtech"] })
    ));
    assert!(has("tech_stack", &|p| *p
        == Predicate::HasAny(vec!["Snowflake".into()])));
    assert!(has(
        "lead_source",
        &|p| matches!(p, Predicate::In(v) if { let mut v = v.clone(); v.sort(); v == ["partner", "referral"] })
    ));
    // Nothing but the planted drivers makes it in: no noise column, and no
    // proxy (revenue, deal size, sales cycle, funding stage track size).
    for c in icp.primary.iter().chain(&icp.secondary) {
        assert!(
            DRIVERS.contains(&c.column.as_str()),
            "`{}` is not a planted driver",
            c.name
        );
    }
    assert_eq!(icp.secondary.len(), 3, "{:?}", icp.secondary);
    assert_eq!(icp.negative.len(), 2, "{:?}", icp.negative);
    let why = |name: &str| {
        d.proposals
            .iter()
            .find(|p| p.criterion.name == name)
            .map(|p| p.decision.clone())
    };
    assert!(
        matches!(why("fit_annual_revenue_40000000_400000000"), Some(Decision::Rejected(r)) if r.starts_with("adds too little"))
    );
    // Disqualifiers: the churn threshold and the poor-NRR segment.
    assert!(icp.negative.iter().any(|c| c.column == "employees"
        && matches!(&c.predicate, Predicate::Range(r) if r.min.is_none() && r.max == Some(50.0))));
    assert!(
        icp.negative
            .iter()
            .any(|c| c.column == "industry"
                && c.predicate == Predicate::In(vec!["education".into()]))
    );
    // Every criterion carries its evidence and level.
    for (_, c) in icp.criteria() {
        let e = c.evidence.as_ref().unwrap();
        assert!(e.level >= EvidenceLevel::Meaningful && e.n >= 50);
        assert!(e.note.as_ref().unwrap().starts_with("accounts with "));
    }
    // Dimension notes say where there is no evidence.
    let psycho = d
        .dimensions
        .iter()
        .find(|n| n.dimension == Dimension::Psychographic)
        .unwrap();
    assert_eq!(psycho.note, "no psychographic attributes in this data");
    let firmo = d
        .dimensions
        .iter()
        .find(|n| n.dimension == Dimension::Firmographic)
        .unwrap();
    assert!(firmo.criteria >= 2, "{firmo:?}");
    // Tiers are ordered and the document validates.
    assert!(icp.tiers.a >= icp.tiers.b && icp.tiers.b >= icp.tiers.c);
    icp.validate(&table).unwrap();
}

#[test]
fn points_follow_points_to_double_the_odds() {
    // Odds ×4 = two doublings = 40 points at PDO 20.
    assert_eq!(points(4f64.ln(), 20.0), 40.0);
    assert_eq!(points(0.5f64.ln(), 20.0), -20.0);
    assert_eq!(points(0.001, 20.0), 1.0);
    assert_eq!(points(-0.001, 20.0), -1.0);
}

#[test]
fn measure_counts_a_two_by_two() {
    let mut mask = Bitmap::new(6, false);
    for i in [0, 1, 2] {
        mask.set(i, true);
    }
    let labels = [1, 1, 0, 1, 0, crate::rank::EXCLUDED];
    let m = measure(&mask, &labels, 0.95).unwrap().unwrap();
    assert_eq!(
        (
            m.n_inside,
            m.positives_inside,
            m.n_outside,
            m.positives_outside
        ),
        (3, 2, 2, 1)
    );
    assert!((m.rate_ratio - (2.0 / 3.0) / 0.5).abs() < 1e-12);
    assert!((m.odds_ratio - (2.5 * 1.5) / (1.5 * 1.5)).abs() < 1e-12);
    assert!((m.recall - 2.0 / 3.0).abs() < 1e-12);
    assert!(
        measure(&Bitmap::new(6, true), &labels, 0.95)
            .unwrap()
            .is_none()
    );
}

#[test]
fn bad_options_and_no_evidence_are_typed_errors() {
    let (table, fit, _) = data(3_000);
    let e = draft(
        &table,
        &fit,
        None,
        &DraftOptions {
            max_primary: 0,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("max_primary"), "{e}");
    let e = draft(
        &table,
        &fit,
        None,
        &DraftOptions {
            tier_shares: [0.5, 0.2, 0.9],
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("tier_shares"), "{e}");
    // Only noise columns: nothing to draft from.
    let mut opts = DraftOptions::default();
    opts.rank.columns = Some(vec![
        "noise_score".into(),
        "noise_segment".into(),
        "noise_flag".into(),
    ]);
    let e = draft(&table, &fit, None, &opts).unwrap_err().to_string();
    assert!(e.contains("no attribute separates"), "{e}");
}

#[test]
fn per_product_drafts_are_scoped() {
    let (table, fit, risk) = data(20_000);
    let drafts = draft_per_product(
        &table,
        "product",
        &fit,
        Some(&risk),
        &DraftOptions::default(),
    )
    .unwrap();
    assert!(drafts.len() >= 2);
    for (level, d) in &drafts {
        let d = d.as_ref().unwrap();
        assert_eq!(d.icp.scope.as_ref().unwrap().value, *level);
        assert!(d.icp.criteria().all(|(_, c)| c.column != "product"));
        assert!(
            d.icp
                .primary
                .iter()
                .all(|c| DRIVERS.contains(&c.column.as_str())),
            "{level}: {:?}",
            d.icp.primary
        );
    }
}
