use super::*;
use crate::cohort::{SegmentBy, Segmentation, outcome_cohorts};
use crate::icp::{Criterion, Predicate, Range};
use crate::table::CsvOptions;

/// 12 deals: fit = employees ≥ 100.
fn deals() -> AccountTable {
    AccountTable::from_csv_reader(
        &b"id,seg,employees,outcome,competitor,loss_reason,acv
a,x,500,won,CompA,,100
b,x,500,won,,,100
c,x,500,lost,CompA,competitor,200
d,x,500,no_decision,,timing,300
e,x,500,lost,,price,400
f,x,50,lost,CompB,competitor,10
g,x,50,won,,,10
h,y,50,lost,CompB,competitor,20
i,y,50,no_decision,,,30
j,y,500,lost,,no_budget,40
k,y,,lost,CompB,Budget Freeze,50
l,y,500,open,,,60
"[..],
        &CsvOptions::default(),
    )
    .unwrap()
}

fn fit(t: &AccountTable) -> Fit {
    let e = t.numeric("employees").unwrap();
    Fit::from_mask(Bitmap::from_fn(e.len(), |i| e[i] >= 100.0))
        .with_known(Bitmap::from_fn(e.len(), |i| !e[i].is_nan()))
}

#[test]
fn loss_types_by_hand() {
    let t = deals();
    let lt = loss_types(&t, &LossColumns::default(), &fit(&t), 0.95).unwrap();
    assert_eq!((lt.not_won, lt.typed, lt.unclassified), (8, 7, 1));
    let counts: Vec<usize> = lt.rows.iter().map(|r| r.count).collect();
    // wrong fit: f, h, i; competitor: c; no decision: d (timing), j (no
    // budget); other: e (price, no competitor).
    assert_eq!(counts, [3, 1, 2, 1]);
    assert_eq!(lt.type_of(2), Some(LossType::Competitor));
    assert_eq!(lt.type_of(9), Some(LossType::NoDecision));
    assert_eq!(lt.type_of(10), None, "fit unknown");
    assert_eq!(lt.type_of(0), None, "won");
    let wf = lt.row(LossType::WrongFit);
    assert_eq!((wf.acv_total, wf.acv_mean), (60.0, 20.0));
    assert!((wf.share - 3.0 / 7.0).abs() < 1e-15);
    assert_eq!(lt.cohort(LossType::NoDecision).indices(), [3, 9]);
    // Gate: right fit a b c d e j → 2 won of 6; wrong fit f g h i → 1 of 4.
    let g = &lt.gate;
    assert_eq!((g.right_fit_won, g.right_fit_closed), (2, 6));
    assert_eq!(
        (g.wrong_fit_won, g.wrong_fit_lost, g.wrong_fit_closed),
        (1, 3, 4)
    );
    assert!(!g.works, "far too few deals to tell");
    let text = lt.to_string();
    assert!(
        text.contains("type 1: wrong fit") && text.contains("1 type-1 wins"),
        "{text}"
    );
}

#[test]
fn negative_criteria_make_wrong_fit_and_icp_fit_works() {
    let t = deals();
    let f = fit(&t).with_negative(Bitmap::from_fn(t.n_rows(), |i| i == 2));
    let lt = loss_types(&t, &LossColumns::default(), &f, 0.95).unwrap();
    assert_eq!(lt.type_of(2), Some(LossType::WrongFit));
    let icp = Icp::new("big", "1")
        .primary(Criterion::new(
            "big",
            "employees",
            Predicate::Range(Range::at_least(100.0)),
        ))
        .negative(Criterion::new(
            "budget",
            "loss_reason",
            Predicate::In(vec!["no_budget".into()]),
        ));
    let f = Fit::from_icp(&icp, &t).unwrap();
    assert!(
        f.fit.get(0) && !f.fit.get(5) && !f.fit.get(10),
        "missing: no match"
    );
    assert!(f.negative.get(9) && !f.fit.get(9));
    let scoped = icp.clone().scope("seg", "x");
    let f = Fit::from_icp(&scoped, &t).unwrap();
    assert_eq!(f.known.count_ones(), 7);
}

#[test]
fn loss_typing_bad_input() {
    let t = deals();
    let short = Fit::from_mask(Bitmap::new(3, true));
    assert!(matches!(
        loss_types(&t, &LossColumns::default(), &short, 0.95),
        Err(Error::LengthMismatch { .. })
    ));
    let unknown = Fit::from_flags(&[FLAG_MISSING; 12]);
    assert!(matches!(
        loss_types(&t, &LossColumns::default(), &unknown, 0.95),
        Err(Error::InsufficientData { .. })
    ));
    let won_only =
        AccountTable::from_csv_reader(&b"id,outcome\na,won\nb,open\n"[..], &CsvOptions::default())
            .unwrap();
    let e = loss_types(
        &won_only,
        &LossColumns::for_table(&won_only),
        &Fit::from_mask(Bitmap::new(2, true)),
        0.95,
    )
    .unwrap_err();
    assert!(matches!(e, Error::InsufficientData { .. }), "{e}");
    assert!(loss_types(&t, &LossColumns::default(), &fit(&t), 1.5).is_err());
}

#[test]
fn competitor_matrix_by_hand() {
    let t = deals();
    let seg = Segmentation::new(&t, "seg", &SegmentBy::Levels).unwrap();
    let opts = CompetitorOptions {
        min_contested: 2,
        ..Default::default()
    };
    let m = competitor_matrix(&t, &LossColumns::default(), Some(&seg), &opts).unwrap();
    assert_eq!(m.contested, 5);
    let b = &m.overall[0];
    assert_eq!(
        (b.competitor.as_str(), b.contested, b.won, b.lost),
        ("CompB", 3, 0, 3)
    );
    assert_eq!(b.share_of_contested, 0.6);
    let a = &m.overall[1];
    assert_eq!((a.contested, a.won, a.lost, a.win_rate), (2, 1, 1, 0.5));
    // Segment y: CompB wins both contested deals → owned; segment x: CompA
    // 1 of 3, CompB 1 of 3 → not owned.
    assert_eq!(m.owned.len(), 1);
    let o = &m.owned[0];
    assert_eq!(
        (
            o.segment.as_str(),
            o.competitor.as_str(),
            o.contested,
            o.share
        ),
        ("y", "CompB", 2, 1.0)
    );
    assert!(!o.confident, "2 deals: the interval is wide");
    assert_eq!(m.by_segment.len(), 3);
    // 6 lost deals, 4 name a competitor.
    assert_eq!((m.coverage.lost, m.coverage.lost_with_competitor), (6, 4));
    assert!(!m.coverage.sparse);
    let text = m.to_string();
    assert!(text.contains("Owned: seg = y by CompB"), "{text}");
    // Default evidence floor (30 contested deals): nothing owned.
    let m = competitor_matrix(
        &t,
        &LossColumns::default(),
        Some(&seg),
        &CompetitorOptions::default(),
    )
    .unwrap();
    assert!(m.owned.is_empty());
}

#[test]
fn competitor_bad_input() {
    let sparse = AccountTable::from_csv_reader(
        &b"id,seg,outcome,competitor\na,x,lost,CompA\nb,x,lost,\nc,y,lost,\nd,y,won,\n"[..],
        &CsvOptions::default(),
    )
    .unwrap();
    let m = competitor_matrix(
        &sparse,
        &LossColumns::for_table(&sparse),
        None,
        &CompetitorOptions::default(),
    )
    .unwrap();
    assert!(m.coverage.sparse, "1 of 3 losses names a competitor");
    assert!(m.to_string().contains("sparse"));
    let none = AccountTable::from_csv_reader(
        &b"id,seg,outcome,competitor\na,x,lost,\nb,y,won,\n"[..],
        &CsvOptions::default(),
    );
    // An all-missing column is read as numeric; declare nothing and expect a kind error.
    let none = none.unwrap();
    assert!(
        competitor_matrix(
            &none,
            &LossColumns::for_table(&none),
            None,
            &CompetitorOptions::default()
        )
        .is_err()
    );
    let no_col = LossColumns {
        competitor: None,
        ..LossColumns::default()
    };
    assert!(matches!(
        competitor_matrix(&sparse, &no_col, None, &CompetitorOptions::default()),
        Err(Error::InvalidArgument { .. })
    ));
    let one = AccountTable::from_csv_reader(
        &b"id,seg,outcome,competitor\na,x,lost,CompA\nb,x,won,\n"[..],
        &CsvOptions::default(),
    )
    .unwrap();
    let seg = Segmentation::new(&one, "seg", &SegmentBy::Levels).unwrap();
    assert!(matches!(
        competitor_matrix(
            &one,
            &LossColumns::for_table(&one),
            Some(&seg),
            &CompetitorOptions::default()
        ),
        Err(Error::InsufficientData { n: 1, min: 2, .. })
    ));
    let uncontested = AccountTable::from_csv_reader(
        &b"id,outcome,competitor\na,lost,\nb,won,\nc,open,CompA\n"[..],
        &CsvOptions::default(),
    )
    .unwrap();
    assert!(matches!(
        competitor_matrix(
            &uncontested,
            &LossColumns::for_table(&uncontested),
            None,
            &CompetitorOptions::default()
        ),
        Err(Error::InsufficientData { .. })
    ));
}

#[test]
fn loss_lift_by_hand() {
    let t = deals();
    let lt = loss_types(&t, &LossColumns::default(), &fit(&t), 0.95).unwrap();
    let seg = Segmentation::new(&t, "seg", &SegmentBy::Levels).unwrap();
    let l = loss_lift(&lt, &seg, None, 0.95).unwrap();
    // x: 7 closed, 4 not won; y: 4 closed, 4 not won (l is open).
    assert_eq!((l.closed, l.losses), (11, 8));
    let y = l.rows.iter().find(|r| r.segment == "y").unwrap();
    assert_eq!((y.closed, y.losses), (4, 4));
    assert!((y.lift - (4.0 / 8.0) / (4.0 / 11.0)).abs() < 1e-12);
    assert_eq!(l.rows[0].segment, "y", "largest lift first");
    let wf = loss_lift(&lt, &seg, Some(LossType::WrongFit), 0.95).unwrap();
    assert_eq!(wf.losses, 3);
    assert!(loss_lift(&lt, &seg, Some(LossType::RightFitOther), 0.95).is_ok());
    let one = Segmentation::new(&t, "outcome", &SegmentBy::Levels).unwrap();
    assert!(loss_lift(&lt, &one, None, 0.95).is_ok());
}

#[test]
fn similarity_by_hand() {
    let t = AccountTable::from_csv_reader(
        &b"id,industry,partner,stack,outcome
a,fin,yes,S,won
b,fin,yes,S;L,won
c,fin,no,S,lost
d,edu,no,H,lost
e,edu,,,lost
"[..],
        &CsvOptions::default(),
    )
    .unwrap();
    let o = outcome_cohorts(&t, "outcome").unwrap();
    let opts = SimilarityOptions {
        columns: Some(vec!["industry".into(), "partner".into(), "stack".into()]),
        ..Default::default()
    };
    let sim = similarity_to(&t, &o.won, &opts).unwrap();
    // Reference: industry fin 1.0; partner yes 1.0; tags S 1.0, L 0.5, H 0.
    // a: industry 1, partner 1, stack agree S 1, L 0.5, H 1 → 2.5/3.
    assert!((sim[0] - (1.0 + 1.0 + 2.5 / 3.0) / 3.0).abs() < 1e-12);
    // d: industry 0, partner 0, stack S 0, L 0.5, H 0 → 0.5/3.
    assert!((sim[3] - (0.5 / 3.0) / 3.0).abs() < 1e-12);
    // e: only industry known.
    assert_eq!(sim[4], 0.0);
    let lost = o.lost.clone();
    let cmp = compare_similarity(
        &t,
        &o.won,
        &lost,
        &Cohort::all(&t),
        Some(&Fit::from_mask(Bitmap::from_fn(5, |i| i < 3))),
        &opts,
    )
    .unwrap();
    assert!(cmp.group_mean < cmp.baseline_mean && cmp.baseline_mean < cmp.reference_mean);
    assert!(cmp.closeness < 0.0);
    assert_eq!(cmp.group_fit_share, Some(1.0 / 3.0));
    assert_eq!(cmp.baseline_fit_share, Some(0.6));
    let empty = Cohort::new("nobody", "", Bitmap::new(5, false));
    assert!(matches!(
        similarity_to(&t, &empty, &opts),
        Err(Error::InsufficientData { .. })
    ));
    assert!(compare_similarity(&t, &o.won, &empty, &o.lost, None, &opts).is_err());
}
