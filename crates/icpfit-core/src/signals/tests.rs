use super::*;
use crate::icp::{Criterion, Icp, Predicate, Range, Tiers};
use crate::score::{ScoreOptions, score};
use crate::synth::{SynthConfig, generate};
use crate::table::date::parse_iso;
use crate::table::{Bitmap, CsvOptions};

/// Six customers, one open deal; `fit` column is the ICP fit by hand.
fn table() -> AccountTable {
    AccountTable::from_csv_reader(
        &b"account_id,employees,outcome,champion_changed,adoption_90d,close_date,ae,start_arr,current_arr,fit_tag_90d
a,500,won,false,0.8,2026-01-10,ann,100,150,strong
b,500,won,true,0.8,2026-02-01,bob,100,0,near
c,30,won,false,0.7,2026-03-01,ann,100,100,near
d,30,won,false,0.2,2026-03-15,bob,100,60,bad
e,30,won,true,0.2,,ann,100,0,bad
f,500,won,false,,2026-04-01,cat,100,80,strong
g,500,open,,,,,,,
"[..],
        &CsvOptions::default(),
    )
    .unwrap()
}

fn mask(t: &AccountTable) -> Fit {
    let e = t.numeric("employees").unwrap();
    Fit::from_mask(Bitmap::from_fn(t.n_rows(), |i| e[i] >= 200.0))
}

#[test]
fn tags_follow_the_rule_with_reasons() {
    let t = table();
    let fit = mask(&t);
    let tags = compute_tags(
        &t,
        &FitTagRule::for_table(&t),
        IcpMatchSource::Fit(&fit),
        None,
    )
    .unwrap();
    // a: 2 + 1 + 0 = 3 strong; b: 2 + 1 − 2 = 1 near; c: 0 + 1 = 1 near;
    // d: 0 + 0 = 0 bad; e: 0 + 0 − 2 bad; f: 2 + (adoption missing) = 2 near.
    assert_eq!(t.n_rows(), 7);
    assert_eq!(tags.points[..6], [3, 1, 1, 0, -2, 2]);
    use FitTag::*;
    assert_eq!(
        tags.tags,
        [
            Some(Strong),
            Some(Near),
            Some(Near),
            Some(Bad),
            Some(Bad),
            Some(Near),
            None
        ]
    );
    assert_eq!(tags.status[6], TagStatus::NotCustomer);
    assert_eq!(tags.distribution.counts, [1, 3, 2]);
    assert!(!tags.use_cases_measurable);
    let r = tags.reasons(1).unwrap();
    assert_eq!(r.len(), 4);
    assert_eq!(r[2].points, -2);
    assert!(r[2].reading.contains("champion changed"));
    assert!(r[3].reading.contains("not measurable"));
    let f = tags.explain(5).unwrap();
    assert!(
        f.starts_with("near (2)") && f.contains("adoption at day 90 missing"),
        "{f}"
    );
    assert!(tags.reasons(7).is_err());

    // As of 2026-06-15: f (closed 2026-04-01) is not yet due, e (no date)
    // neither; d (closed 2026-03-15, 92 days) is.
    let as_of = parse_iso("2026-06-15");
    let due = compute_tags(
        &t,
        &FitTagRule::for_table(&t),
        IcpMatchSource::Fit(&fit),
        as_of,
    )
    .unwrap();
    assert_eq!(due.status[5], TagStatus::NotYetDue);
    assert_eq!(due.status[4], TagStatus::NotYetDue);
    assert_eq!(due.distribution.n, 4);

    // Unknown fit: not tagged.
    let unknown = fit.clone().with_known(Bitmap::from_fn(7, |i| i != 0));
    let u = compute_tags(
        &t,
        &FitTagRule::for_table(&t),
        IcpMatchSource::Fit(&unknown),
        None,
    )
    .unwrap();
    assert_eq!(u.status[0], TagStatus::IcpUnknown);
    assert_eq!(u.tags[0], None);
}

#[test]
fn tiers_from_the_score_engine_and_use_cases() {
    let mut csv = String::from(
        "account_id,employees,outcome,champion_changed,adoption_90d,close_date,use_cases_active,use_cases_committed\n",
    );
    csv.push_str("a,500,won,false,0.8,2026-01-10,2,3\n"); // tier A: 2 + 1 + 1 = 4 strong
    csv.push_str("b,150,won,false,0.8,2026-01-10,1,1\n"); // tier C: 1 + 1 + 1 = 3 strong
    csv.push_str("c,150,won,false,0.8,2026-01-10,1,3\n"); // tier C: 1 + 1 + 0 = 2 near
    csv.push_str("d,500,won,false,0.8,2026-01-10,0,2\n"); // tier A: 2 + 1 − 2 = 1 near
    csv.push_str("e,20,won,false,0.8,2026-01-10,,2\n"); // tier D: 0 + 1 + 0 = 1 near
    let t = AccountTable::from_csv_reader(csv.as_bytes(), &CsvOptions::default()).unwrap();
    let icp = Icp::new("t", "1")
        .secondary(
            Criterion::new(
                "mid",
                "employees",
                Predicate::Range(Range::closed(Some(200.0), None)),
            )
            .points(80.0),
        )
        .secondary(
            Criterion::new(
                "small",
                "employees",
                Predicate::Range(Range::closed(Some(100.0), None)),
            )
            .points(30.0),
        )
        .tiers(Tiers {
            a: 100.0,
            b: 60.0,
            c: 30.0,
            ..Tiers::default()
        });
    let scores = score(&icp, &t, &ScoreOptions::default()).unwrap();
    let rule = FitTagRule::for_table(&t);
    assert!(rule.use_cases.is_some());
    let tags = compute_tags(&t, &rule, IcpMatchSource::Scores(&scores), None).unwrap();
    assert_eq!(tags.points, [4, 3, 2, 1, 1]);
    assert_eq!(
        tags.use_cases,
        [
            UseCaseState::OnPlan,
            UseCaseState::OnPlan,
            UseCaseState::Partial,
            UseCaseState::None,
            UseCaseState::Missing
        ]
    );
    assert_eq!(tags.tier[1], Some(Tier::C));
    assert!(tags.reasons(1).unwrap()[0].reading.contains("(tier C)"));
    assert!(tags.use_cases_measurable);
    assert!(tags.not_measurable.is_empty());

    // A share column instead of counts.
    let t = AccountTable::from_csv_reader(
        &b"employees,outcome,use_cases_active_share\n500,won,0.6\n500,won,0.2\n500,won,0\n500,won,\n"[..],
        &CsvOptions::default(),
    )
    .unwrap();
    let rule = FitTagRule::for_table(&t);
    assert!(matches!(
        rule.use_cases,
        Some(UseCaseColumns::Share { on_plan: 0.5, .. })
    ));
    let fit = Fit::from_mask(Bitmap::new(4, true));
    let tags = compute_tags(&t, &rule, IcpMatchSource::Fit(&fit), None).unwrap();
    assert_eq!(
        tags.use_cases,
        [
            UseCaseState::OnPlan,
            UseCaseState::Partial,
            UseCaseState::None,
            UseCaseState::Missing
        ]
    );
    assert_eq!(tags.points, [3, 2, 0, 2]);
    assert_eq!(tags.not_measurable, [Signal::Adoption, Signal::Champion]);
    let bad = FitTagRule {
        use_cases: Some(UseCaseColumns::Share {
            column: "use_cases_active_share".into(),
            on_plan: 0.0,
        }),
        ..rule
    };
    assert!(compute_tags(&t, &bad, IcpMatchSource::Fit(&fit), None).is_err());
}

#[test]
fn bad_rules_and_inputs_are_typed_errors() {
    let t = table();
    let fit = mask(&t);
    let bad = FitTagRule {
        strong_min: 1,
        near_min: 1,
        ..FitTagRule::for_table(&t)
    };
    assert!(compute_tags(&t, &bad, IcpMatchSource::Fit(&fit), None).is_err());
    let nan = FitTagRule {
        adoption_threshold: f64::NAN,
        ..FitTagRule::for_table(&t)
    };
    assert!(compute_tags(&t, &nan, IcpMatchSource::Fit(&fit), None).is_err());
    let short = Fit::from_mask(Bitmap::new(3, true));
    assert!(matches!(
        compute_tags(
            &t,
            &FitTagRule::for_table(&t),
            IcpMatchSource::Fit(&short),
            None
        ),
        Err(Error::LengthMismatch { .. })
    ));
    let no_date = FitTagRule {
        close_date: None,
        ..FitTagRule::for_table(&t)
    };
    assert!(compute_tags(&t, &no_date, IcpMatchSource::Fit(&fit), Some(20_000)).is_err());
    let typo = FitTagRule {
        adoption: Some("adoption".into()),
        ..FitTagRule::for_table(&t)
    };
    assert!(matches!(
        compute_tags(&t, &typo, IcpMatchSource::Fit(&fit), None),
        Err(Error::UnknownColumn { .. })
    ));
    assert!(compare_tags(&[None], &[None]).is_err());
    assert!(compare_tags(&[None], &[None, None]).is_err());
}

#[test]
fn comparison_by_hand() {
    use FitTag::*;
    let computed = [
        Some(Strong),
        Some(Near),
        Some(Bad),
        Some(Bad),
        None,
        Some(Near),
    ];
    let recorded = [
        Some(Strong),
        Some(Bad),
        Some(Bad),
        Some(Near),
        Some(Near),
        None,
    ];
    let c = compare_tags(&computed, &recorded).unwrap();
    assert_eq!((c.compared, c.agree), (4, 2));
    assert_eq!(c.confusion[1][2], 1);
    assert_eq!(c.confusion[2][1], 1);
    // po = 0.5; computed margins (1, 1, 2), recorded (1, 1, 2): pe = (1 + 1 + 4)/16.
    let pe = 6.0 / 16.0;
    assert!((c.kappa - (0.5 - pe) / (1.0 - pe)).abs() < 1e-12);
    assert_eq!(c.recorded.counts, [1, 1, 2]);
    let t = table();
    let rec = recorded_tags(&t, "fit_tag_90d").unwrap();
    assert_eq!(rec[0], Some(Strong));
    assert_eq!(rec[6], None);
}

#[test]
fn flags_watch_list_and_underperformers() {
    let t = table();
    let fit = mask(&t);
    let tags = compute_tags(
        &t,
        &FitTagRule::for_table(&t),
        IcpMatchSource::Fit(&fit),
        None,
    )
    .unwrap();
    let opts = FlagOptions::for_table(&t);
    let flags = bad_fit_flags(&t, &tags.tags, &tags, &opts).unwrap();
    assert_eq!(flags.len(), 2);
    let d = &flags[0];
    assert_eq!(d.account, "d");
    assert_eq!(d.gaps, [GapType::IcpMismatch, GapType::UseCaseMismatch]);
    assert_eq!(d.primary, Some(GapType::IcpMismatch));
    assert_eq!(d.route[0].name.as_deref(), Some("bob"));
    assert_eq!(d.route[1].role, RouteRole::RevOps);
    assert!(
        d.evidence.contains("did not match the ICP"),
        "{}",
        d.evidence
    );
    let e = &flags[1];
    assert_eq!(
        e.gaps,
        [
            GapType::IcpMismatch,
            GapType::UseCaseMismatch,
            GapType::ChampionVulnerability
        ]
    );
    assert_eq!(e.close_date, None);
    // A recorded bad tag on a healthy account: no gap, review the tag.
    let mut rec = vec![None; 7];
    rec[0] = Some(FitTag::Bad);
    let f = bad_fit_flags(&t, &rec, &tags, &opts).unwrap();
    assert_eq!(f[0].primary, None);
    assert!(f[0].evidence.contains("review the tag"));

    let w = watch_list(&t, &tags.tags, &tags, &opts, parse_iso("2026-08-05")).unwrap();
    let accounts: Vec<&str> = w.iter().map(|x| x.account.as_str()).collect();
    assert_eq!(accounts, ["b", "c", "f"]);
    assert_eq!(w[0].review_date.as_deref(), Some("2026-07-31"));
    assert!(w[0].overdue && !w[1].overdue);

    let u = underperformers(&t, &tags, &opts).unwrap();
    assert_eq!((u.customers, u.n), (6, 4));
    let class_of = |row: usize| u.accounts.iter().find(|a| a.row == row).unwrap().class;
    assert_eq!(class_of(1), UnderperformerClass::GoodFitExternalDisruption);
    assert_eq!(class_of(3), UnderperformerClass::BadFitByDesign);
    assert_eq!(class_of(4), UnderperformerClass::BadFitByDesign);
    assert_eq!(class_of(5), UnderperformerClass::GoodFitUnexplained);
    assert_eq!(u.classes[0].accounts, 2);
    assert_eq!(u.classes[0].arr_lost, 140.0);
    assert_eq!(u.classes[0].churned, 1);
    let no_arr = FlagOptions {
        start_arr: None,
        ..opts
    };
    assert!(underperformers(&t, &tags, &no_arr).is_err());
}

/// Recovery: with the planted ICP as the fit mask, the default rule is the
/// generator's rule, so the computed tags agree with the recorded ones
/// wherever the 10 % random relabel left them (expected agreement 93.3 %),
/// and the tags of fit and bad-fit customers follow the planted shares
/// before relabelling. Tolerance: 4 binomial standard errors.
#[test]
fn planted_fit_tags_are_recovered() {
    let s = generate(&SynthConfig::new(60_000, 11)).unwrap();
    let t = &s.table;
    let fit = Fit::from_flags(&s.truth.icp.rule.evaluate(t).unwrap());
    let tags = compute_tags(
        t,
        &FitTagRule::for_table(t),
        IcpMatchSource::Fit(&fit),
        None,
    )
    .unwrap();
    let rec = recorded_tags(t, "fit_tag_90d").unwrap();
    let c = compare_tags(&tags.tags, &rec).unwrap();
    let want = s.truth.fit_tag.agreement;
    let se = (want * (1.0 - want) / c.compared as f64).sqrt();
    assert!(
        (c.agreement - want).abs() < 4.0 * se,
        "agreement {} vs planted {want} (n = {})",
        c.agreement,
        c.compared
    );
    assert!(c.kappa > 0.8, "kappa {}", c.kappa);
    // Before relabelling the rule is exact: with 10 % relabelled uniformly,
    // recorded = computed on 90 % + 1/3 of 10 %.
    let dist = |right: bool| {
        let rows: Vec<bool> = (0..t.n_rows())
            .map(|i| fit.right_fit(i) == Some(right))
            .collect();
        TagDistribution::new(&tags.tags, Some(&rows)).unwrap()
    };
    let noise = s.truth.fit_tag.noise;
    for (right, want) in [
        (true, &s.truth.fit_tag.fit),
        (false, &s.truth.fit_tag.bad_fit),
    ] {
        let d = dist(right);
        // The truth's shares are after relabelling: undo it.
        for (tag, w) in [
            (FitTag::Strong, want.strong),
            (FitTag::Near, want.near),
            (FitTag::Bad, want.bad),
        ] {
            // (the truth is rounded to 6 decimals: clamp and allow for it)
            let clean = ((w - noise / 3.0) / (1.0 - noise)).clamp(0.0, 1.0);
            let se = (clean * (1.0 - clean) / d.n as f64).sqrt();
            assert!(
                (d.share(tag) - clean).abs() < 4.0 * se + 1e-5,
                "fit {right}, {tag}: {} vs {clean}",
                d.share(tag)
            );
        }
    }
    // Underperformers: bad fit by design is the largest class (bad-fit
    // customers churn twice as often and are 58 % of customers).
    let u = underperformers(t, &tags, &FlagOptions::for_table(t)).unwrap();
    assert_eq!(u.evidence, EvidenceLevel::CohortAnalysis);
    let top = u.classes.iter().max_by_key(|c| c.accounts).unwrap();
    assert_eq!(
        top.class,
        UnderperformerClass::BadFitByDesign,
        "{:?}",
        u.classes
    );
    // Tag distribution by industry is per segment.
    let seg = Segmentation::new(t, "industry", &crate::cohort::SegmentBy::Levels).unwrap();
    let by = tags.by_segment(&seg).unwrap();
    assert_eq!(by.len(), seg.len());
    assert_eq!(
        by.iter().map(|(_, d)| d.n).sum::<usize>(),
        tags.distribution.n
    );
}
