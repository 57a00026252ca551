use super::coded::{Candidate, CodedTable};
use super::isa::Isa;
use super::kernel::Geometry;
use super::*;
use crate::icp::{Criterion, MissingPolicy, Predicate, Range, Section, Tier, Tiers};
use crate::table::{CategoricalColumn, Column, MISSING_CODE, TagSetColumn, TextColumn};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The scalar definition (icp::bind), row by row: points summed in criterion
/// order, tier from `Tiers::tier`, gates, bitsets; rows outside the scope
/// reset.
pub(super) struct Reference {
    points: Vec<f64>,
    tier: Vec<u8>,
    gates: Vec<u8>,
    bits: Vec<u64>,
    words: usize,
}

pub(super) fn reference(icp: &Icp, table: &AccountTable, levels: Levels) -> Reference {
    let bound = icp.bind(table, levels).unwrap();
    let words = bound.criteria.len().div_ceil(64).max(1);
    let n = table.n_rows();
    let mut r = Reference {
        points: vec![0.0; n],
        tier: vec![0; n],
        gates: vec![0; n],
        bits: vec![0; n * words],
        words,
    };
    for i in 0..n {
        if let Some(s) = &bound.scope
            && !s.matches(&table.columns()[s.column], i)
        {
            r.tier[i] = OUT_OF_SCOPE;
            continue;
        }
        let (mut pts, mut pass, mut dq) = (0.0, true, false);
        for c in &bound.criteria {
            let m = c.matches(&table.columns()[c.column], i);
            if m {
                pts += c.points;
                r.bits[i * words + c.bit / 64] |= 1 << (c.bit % 64);
            }
            match c.section {
                Section::Primary => pass &= m,
                Section::Negative => dq |= m,
                Section::Secondary => {}
            }
        }
        r.points[i] = pts;
        r.tier[i] = icp.tiers.tier(pts, pass, dq).index() as u8;
        r.gates[i] = (u8::from(pass) * GATE_PRIMARY) | (u8::from(dq) * GATE_DISQUALIFIED);
    }
    r
}

pub(super) fn assert_same(s: &FitScores, r: &Reference, what: &str) {
    assert_eq!(s.len(), r.points.len(), "{what}: rows");
    for i in 0..s.len() {
        assert_eq!(
            s.points()[i].to_bits(),
            r.points[i].to_bits(),
            "{what}: points of row {i}: {} vs {}",
            s.points()[i],
            r.points[i]
        );
        assert_eq!(s.tier_codes()[i], r.tier[i], "{what}: tier of row {i}");
        assert_eq!(s.gates()[i], r.gates[i], "{what}: gates of row {i}");
    }
    if let Some(m) = s.matched() {
        assert_eq!(s.words_per_row(), r.words, "{what}: words");
        assert_eq!(m, &r.bits[..], "{what}: matched bitsets");
    }
}

/// Small geometries exercise chunk and block edges on small tables.
pub(super) const GEOMETRIES: [Geometry; 3] = [
    Geometry {
        chunk: 7,
        block: 3,
        isa: Isa::Auto,
    },
    Geometry {
        chunk: 64,
        block: 16,
        isa: Isa::Auto,
    },
    Geometry::DEFAULT,
];

/// Every geometry with every instruction-set level this CPU has (both
/// engines are compiled once per level: each must give the same bits).
pub(super) fn geometries_and_levels() -> Vec<Geometry> {
    GEOMETRIES
        .iter()
        .flat_map(|g| {
            Isa::available()
                .into_iter()
                .map(move |isa| Geometry { isa, ..*g })
        })
        .collect()
}

fn score_geo(icp: &Icp, table: &AccountTable, geo: Geometry) -> FitScores {
    ScorePlan::compile(icp, table.schema())
        .unwrap()
        .score_with(table, &ScoreOptions::default(), geo)
        .unwrap()
}

fn coded_geo(icps: &[Icp], table: &AccountTable, geo: Geometry, bits: bool) -> Vec<FitScores> {
    let coded = CodedTable::new(table, icps, Levels::Lenient).unwrap();
    let cands: Vec<Candidate> = icps
        .iter()
        .map(|i| Candidate::compile(&coded, i, Levels::Lenient).unwrap())
        .collect();
    coded.run(&cands, bits, geo)
}

// ------------------------------------------------------------ random inputs

const GRID: [f64; 9] = [-2.0, -0.0, 0.0, 0.5, 1.0, 3.0, 7.25, 50.0, 200.0];

/// A random table: numeric (NaN, ±0, ties on the thresholds), categorical
/// (missing), flag (missing), tag sets (missing; 3 or 70 tags so rows take 1
/// or 2 words), a date and a text column (for `is_missing`).
pub(super) fn random_table(rng: &mut ChaCha8Rng, n: usize) -> AccountTable {
    let mut cols: Vec<(String, Column)> = Vec::new();
    for j in 0..3 {
        let v = (0..n)
            .map(|_| {
                if rng.random_bool(0.15) {
                    f64::NAN
                } else if rng.random_bool(0.7) {
                    GRID[rng.random_range(0..GRID.len())]
                } else {
                    rng.random_range(-5.0..300.0)
                }
            })
            .collect();
        cols.push((format!("num{j}"), Column::Numeric(v)));
    }
    for (j, k) in [1usize, 4, 70].into_iter().enumerate() {
        let codes = (0..n)
            .map(|_| {
                if rng.random_bool(0.1) {
                    MISSING_CODE
                } else {
                    rng.random_range(0..k as u32)
                }
            })
            .collect();
        let levels = (0..k).map(|l| format!("lev{l}")).collect();
        cols.push((
            format!("cat{j}"),
            Column::Categorical(CategoricalColumn::new(codes, levels).unwrap()),
        ));
    }
    cols.push((
        "flag".into(),
        Column::Flag((0..n).map(|_| rng.random_range(0..3u8)).collect()),
    ));
    for (j, k) in [3usize, 70].into_iter().enumerate() {
        let rows: Vec<Option<Vec<u32>>> = (0..n)
            .map(|_| {
                (!rng.random_bool(0.1)).then(|| {
                    (0..k as u32)
                        .filter(|_| rng.random_bool(if k > 3 { 0.05 } else { 0.4 }))
                        .collect()
                })
            })
            .collect();
        let tags = (0..k).map(|t| format!("tag{t}")).collect();
        cols.push((
            format!("tags{j}"),
            Column::TagSet(TagSetColumn::from_rows(&rows, tags).unwrap()),
        ));
    }
    cols.push((
        "day".into(),
        Column::Date(
            (0..n)
                .map(|_| {
                    if rng.random_bool(0.2) {
                        crate::table::DATE_MISSING
                    } else {
                        rng.random_range(0..1000)
                    }
                })
                .collect(),
        ),
    ));
    let text: Vec<Option<String>> = (0..n)
        .map(|i| (!rng.random_bool(0.2)).then(|| format!("t{i}")))
        .collect();
    cols.push((
        "note".into(),
        Column::Text(TextColumn::from_strings("note", &text).unwrap()),
    ));
    AccountTable::from_columns(cols).unwrap()
}

fn pick_levels(rng: &mut ChaCha8Rng, prefix: &str, k: usize) -> Vec<String> {
    let mut v: Vec<String> = (0..k)
        .filter(|_| rng.random_bool(0.4))
        .map(|l| format!("{prefix}{l}"))
        .collect();
    if v.is_empty() || rng.random_bool(0.1) {
        // Absent from the table, and no typo of a present one: matches nothing.
        v.push("completely_absent_value".into());
    }
    v
}

fn random_range(rng: &mut ChaCha8Rng) -> Range {
    loop {
        let mut bound = || (!rng.random_bool(0.2)).then(|| GRID[rng.random_range(0..GRID.len())]);
        let r = Range {
            min: bound(),
            max: bound(),
            min_inclusive: rng.random_bool(0.5),
            max_inclusive: rng.random_bool(0.5),
        };
        let ok = match (r.min, r.max) {
            (None, None) => false,
            (Some(a), Some(b)) => a < b || (a == b && r.min_inclusive && r.max_inclusive),
            _ => true,
        };
        if ok {
            return r;
        }
    }
}

fn random_criterion(rng: &mut ChaCha8Rng, name: String, fractional: bool) -> Criterion {
    let (column, predicate) = match rng.random_range(0..8) {
        0 | 1 => (
            format!("num{}", rng.random_range(0..3)),
            Predicate::Range(random_range(rng)),
        ),
        2 => {
            let (j, k) = [(0, 1), (1, 4), (2, 70)][rng.random_range(0..3)];
            let levels = pick_levels(rng, "lev", k);
            (
                format!("cat{j}"),
                if rng.random_bool(0.5) {
                    Predicate::In(levels)
                } else {
                    Predicate::NotIn(levels)
                },
            )
        }
        3 => ("flag".into(), Predicate::Flag(rng.random_bool(0.5))),
        4 | 5 => {
            let (j, k) = [(0, 3), (1, 70)][rng.random_range(0..2)];
            let tags = pick_levels(rng, "tag", k);
            (
                format!("tags{j}"),
                if rng.random_bool(0.5) {
                    Predicate::HasAny(tags)
                } else {
                    Predicate::HasAll(tags)
                },
            )
        }
        _ => {
            let cols = [
                "num0", "cat1", "flag", "tags0", "tags1", "day", "note", "cat2",
            ];
            (
                cols[rng.random_range(0..cols.len())].to_owned(),
                Predicate::IsMissing(rng.random_bool(0.5)),
            )
        }
    };
    let points = if fractional {
        // Not exactly summable in any order: exercises the criterion-order path.
        rng.random_range(-3.0..10.0) * 0.1
    } else {
        f64::from(rng.random_range(-10i32..=30))
    };
    let missing = [
        MissingPolicy::NoMatch,
        MissingPolicy::Neutral,
        MissingPolicy::Fail,
    ][rng.random_range(0..3)];
    Criterion::new(name, column, predicate)
        .points(points)
        .missing(missing)
}

pub(super) fn random_icp(
    rng: &mut ChaCha8Rng,
    n_criteria: usize,
    fractional: bool,
    name: &str,
) -> Icp {
    let mut icp = Icp::new(name, "1");
    for k in 0..n_criteria {
        let c = random_criterion(rng, format!("c{k}"), fractional);
        icp = match rng.random_range(0..5) {
            0 => icp.primary(c),
            1 => icp.negative(c),
            _ => icp.secondary(c),
        };
    }
    let mut t = [
        f64::from(rng.random_range(-10..60)),
        f64::from(rng.random_range(-10..60)),
        f64::from(rng.random_range(-10..60)),
    ];
    t.sort_by(|a, b| b.total_cmp(a));
    icp.tiers = Tiers {
        a: t[0],
        b: t[1],
        c: t[2],
        if_primary_fails: Tier::ALL[rng.random_range(0..4)],
    };
    if rng.random_bool(0.25) {
        icp = icp.scope("cat1", "lev2");
    }
    icp
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// The columnar engine equals the scalar definition of icp::bind, row by
    /// row and bit by bit, for every geometry.
    #[test]
    fn engine_equals_the_scalar_definition(seed in any::<u64>(), n in 0usize..260, k in 1usize..24, fractional in any::<bool>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let table = random_table(&mut rng, n);
        let icp = random_icp(&mut rng, k, fractional, "random");
        let r = reference(&icp, &table, Levels::Lenient);
        for geo in geometries_and_levels() {
            assert_same(&score_geo(&icp, &table, geo), &r, "single");
        }
    }

    /// Coded scoring of several candidates at once equals the scalar
    /// definition for each, with and without kept bitsets.
    #[test]
    fn coded_engine_equals_the_scalar_definition(seed in any::<u64>(), n in 0usize..200, k in 1usize..16, fractional in any::<bool>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let table = random_table(&mut rng, n);
        let icps: Vec<Icp> = (0..4).map(|c| random_icp(&mut rng, k, fractional && c % 2 == 0, &format!("cand{c}"))).collect();
        for geo in geometries_and_levels().into_iter().filter(|g| g.chunk != 64) {
            for bits in [true, false] {
                let all = coded_geo(&icps, &table, geo, bits);
                for (s, icp) in all.iter().zip(&icps) {
                    assert_eq!(s.matched().is_some(), bits);
                    assert_same(s, &reference(icp, &table, Levels::Lenient), "coded");
                }
            }
        }
    }
}

#[test]
fn more_than_64_criteria_take_more_words() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let table = random_table(&mut rng, 300);
    for fractional in [false, true] {
        let icp = random_icp(&mut rng, 150, fractional, "wide");
        let r = reference(&icp, &table, Levels::Lenient);
        assert_eq!(r.words, 3);
        for geo in geometries_and_levels() {
            let s = score_geo(&icp, &table, geo);
            assert_same(&s, &r, "wide single");
        }
        for s in coded_geo(std::slice::from_ref(&icp), &table, GEOMETRIES[1], true) {
            assert_same(&s, &r, "wide coded");
        }
        // explain() walks every word.
        let s = score(&icp, &table, &ScoreOptions::default()).unwrap();
        for i in 0..table.n_rows() {
            let n_bits: u32 = s
                .matched_row(i)
                .unwrap()
                .iter()
                .map(|w| w.count_ones())
                .sum();
            assert_eq!(s.explain(i).unwrap().len(), n_bits as usize);
        }
    }
}

#[test]
fn default_geometry_crosses_chunks() {
    // 150k rows: three chunks of the default geometry (the last one
    // partial), ten of the coded one.
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let table = random_table(&mut rng, 150_000);
    let icps: Vec<Icp> = (0..3)
        .map(|c| random_icp(&mut rng, 20, c == 1, &format!("c{c}")))
        .collect();
    let many = score_many(
        &icps,
        &table,
        &ManyOptions {
            matched: true,
            ..Default::default()
        },
    )
    .unwrap();
    for (icp, m) in icps.iter().zip(&many) {
        let r = reference(icp, &table, Levels::Lenient);
        assert_same(
            &score(icp, &table, &ScoreOptions::default()).unwrap(),
            &r,
            "single",
        );
        assert_same(m, &r, "many");
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let table = random_table(&mut rng, 150_000);
    let icp = random_icp(&mut rng, 20, true, "t");
    let icps = vec![icp.clone(), random_icp(&mut rng, 12, false, "u")];
    let run = |threads| {
        let opts = ScoreOptions {
            n_threads: Some(threads),
            tie_break: Some(TieBreak::higher("num1")),
            ..Default::default()
        };
        let s = score(&icp, &table, &opts).unwrap();
        let many = score_many(
            &icps,
            &table,
            &ManyOptions {
                n_threads: Some(threads),
                matched: true,
                ..Default::default()
            },
        )
        .unwrap();
        (s.clone(), s.order(), s.rank_score(), many)
    };
    let one = run(1);
    for threads in [2, 3, 8] {
        let other = run(threads);
        assert!(one.0 == other.0, "scores differ with {threads} threads");
        assert!(one.1 == other.1, "order differs with {threads} threads");
        assert_eq!(
            one.2.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            other.2.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        );
        assert!(
            one.3 == other.3,
            "coded scores differ with {threads} threads"
        );
    }
}

// ------------------------------------------------------------ hand-made cases

fn deals() -> AccountTable {
    let csv = "account_id,industry,employees,tech_stack,lead_source,product,arr\n\
               a1,fintech,800,Snowflake;dbt,partner,analytics,100\n\
               a2,retail,30,,inbound,analytics,5\n\
               a3,healthtech,1200,Salesforce,referral,core,90\n\
               a4,fintech,,Snowflake,,analytics,50\n\
               a5,retail,500,Snowflake,outbound,analytics,70\n\
               a6,retail,500,Snowflake,outbound,analytics,80\n";
    AccountTable::from_csv_reader(csv.as_bytes(), &crate::table::CsvOptions::default()).unwrap()
}

fn core_icp() -> Icp {
    Icp::new("Core", "3")
        .primary(
            Criterion::new(
                "mid_market",
                "employees",
                Predicate::Range(Range::closed(Some(200.0), Some(2000.0))),
            )
            .points(20.0),
        )
        .secondary(
            Criterion::new(
                "vertical",
                "industry",
                Predicate::In(vec!["fintech".into(), "healthtech".into()]),
            )
            .points(25.0),
        )
        .secondary(
            Criterion::new(
                "snowflake",
                "tech_stack",
                Predicate::HasAny(vec!["Snowflake".into()]),
            )
            .points(10.0),
        )
        .secondary(
            Criterion::new(
                "partner",
                "lead_source",
                Predicate::In(vec!["partner".into(), "referral".into()]),
            )
            .points(15.0),
        )
        .negative(Criterion::new(
            "tiny",
            "employees",
            Predicate::Range(Range::below(50.0)),
        ))
        .tiers(Tiers {
            a: 60.0,
            b: 40.0,
            c: 20.0,
            if_primary_fails: Tier::C,
        })
}

#[test]
fn points_tiers_gates_and_reasons() {
    let t = deals();
    let s = core_icp().score(&t, &ScoreOptions::default()).unwrap();
    assert_eq!(s.points(), &[70.0, 0.0, 60.0, 35.0, 30.0, 30.0]);
    let tiers: Vec<Option<Tier>> = (0..6).map(|i| s.tier(i)).collect();
    use Tier::*;
    // a4: 35 points but no employee count: the must-have fails, capped at C.
    assert_eq!(
        tiers,
        [Some(A), Some(D), Some(A), Some(C), Some(C), Some(C)]
    );
    assert!(s.primary_pass(0) && !s.primary_pass(3) && !s.primary_pass(1));
    assert!(s.disqualified(1) && !s.disqualified(0));
    assert_eq!(
        s.explain(0).unwrap(),
        [
            "employees 200–2000 (+20)",
            "industry in fintech or healthtech (+25)",
            "tech_stack has Snowflake (+10)",
            "lead_source in partner or referral (+15)"
        ]
    );
    assert_eq!(s.explain(1).unwrap(), ["disqualified: employees < 50"]);
    assert_eq!(
        s.top_reasons(0, 2).unwrap(),
        [
            "industry in fintech or healthtech (+25)",
            "employees 200–2000 (+20)"
        ]
    );
    assert_eq!(s.unmet_primary(3).unwrap(), ["employees 200–2000 (+20)"]);
    assert_eq!(
        s.criterion_mask("snowflake").unwrap(),
        [true, false, false, true, true, true]
    );
    assert!(
        s.criterion_mask("snowflak")
            .unwrap_err()
            .to_string()
            .contains("did you mean `snowflake`")
    );
    assert!(s.explain(6).is_err());
    let c = s.tier_counts();
    assert_eq!(
        (c.get(A), c.get(B), c.get(C), c.get(D), c.out_of_scope),
        (2, 0, 3, 1, 0)
    );
    assert_eq!(
        s.to_string(),
        "fit scores of 6 rows against ICP `Core` v3 (5 criteria): A 2 (33.3 %), B 0 (0.0 %), C 3 (50.0 %), D 1 (16.7 %)"
    );
}

#[test]
fn missing_policies_follow_the_section() {
    let t = deals();
    let with = |policy| {
        let icp = Icp::new("m", "1")
            .primary(
                Criterion::new(
                    "size",
                    "employees",
                    Predicate::Range(Range::at_least(100.0)),
                )
                .points(10.0)
                .missing(policy),
            )
            .secondary(
                Criterion::new(
                    "src",
                    "lead_source",
                    Predicate::NotIn(vec!["inbound".into()]),
                )
                .points(-5.0)
                .missing(policy),
            )
            .negative(
                Criterion::new("small", "employees", Predicate::Range(Range::below(100.0)))
                    .missing(policy),
            );
        let s = icp.score(&t, &ScoreOptions::default()).unwrap();
        // Row a4: employees and lead_source missing.
        (s.points()[3], s.primary_pass(3), s.disqualified(3))
    };
    assert_eq!(with(MissingPolicy::NoMatch), (0.0, false, false));
    assert_eq!(with(MissingPolicy::Neutral), (10.0, true, false));
    assert_eq!(with(MissingPolicy::Fail), (-5.0, false, true));
}

#[test]
fn rows_outside_the_scope_are_not_scored() {
    let t = deals();
    let s = core_icp()
        .scope("product", "analytics")
        .score(&t, &ScoreOptions::default())
        .unwrap();
    assert!(!s.in_scope(2) && s.tier(2).is_none());
    assert_eq!(s.tier_codes()[2], OUT_OF_SCOPE);
    assert_eq!(s.points()[2], 0.0);
    assert!(s.explain(2).unwrap().is_empty());
    assert_eq!(s.tier_counts().out_of_scope, 1);
    assert!(s.in_scope(0));
    // Last in the order, NaN rank score.
    assert_eq!(*s.order().last().unwrap(), 2);
    assert!(s.rank_score()[2].is_nan());
}

#[test]
fn ties_are_broken_deterministically() {
    let t = deals();
    let icp = core_icp();
    // a5 and a6 tie on tier and points (30, C) and on matched criteria.
    let s = icp.score(&t, &ScoreOptions::default()).unwrap();
    // A: a1 (70) then a3 (60); C: a4 (35), then a5 / a6 by row; D: a2.
    assert_eq!(s.order(), [0, 2, 3, 4, 5, 1]);
    assert_eq!(s.rank(), [1, 6, 2, 3, 4, 5]);
    // By ARR, higher first: a6 (80) before a5 (70).
    let by_arr = icp
        .score(
            &t,
            &ScoreOptions {
                tie_break: Some(TieBreak::higher("arr")),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(by_arr.order(), [0, 2, 3, 5, 4, 1]);
    assert_eq!(by_arr.tie_break_column(), Some("arr"));
    let by_arr_low = icp
        .score(
            &t,
            &ScoreOptions {
                tie_break: Some(TieBreak::lower("arr")),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(by_arr_low.order(), [0, 2, 3, 4, 5, 1]);
    // rank_score: integer part = tier (3 = A), strictly decreasing along the order.
    let rs = by_arr.rank_score();
    let ordered: Vec<f64> = by_arr.order().iter().map(|&i| rs[i]).collect();
    assert!(ordered.windows(2).all(|w| w[0] > w[1]), "{ordered:?}");
    assert_eq!(rs[0], 3.5);
    assert_eq!(rs[2], 3.0);
    assert_eq!(rs[1], 0.0);
    // A text column cannot break ties.
    let e = icp
        .score(
            &t,
            &ScoreOptions {
                tie_break: Some(TieBreak::higher("industry")),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("column `industry` is categorical"),
        "{e}"
    );
}

#[test]
fn equal_points_are_ordered_by_the_earlier_matched_criterion() {
    let csv = "x,y\n1,0\n0,1\n1,1\n";
    let t = AccountTable::from_csv_reader(csv.as_bytes(), &crate::table::CsvOptions::default())
        .unwrap();
    let one =
        |col: &str| Criterion::new(col, col, Predicate::Range(Range::at_least(1.0))).points(10.0);
    let icp = Icp::new("eq", "1").secondary(one("x")).secondary(one("y"));
    let s = icp.score(&t, &ScoreOptions::default()).unwrap();
    // Row 2 has 20 points; rows 0 and 1 tie at 10: row 0 matched `x`, the first criterion.
    assert_eq!(s.order(), [2, 0, 1]);
    let icp = Icp::new("eq", "1").secondary(one("y")).secondary(one("x"));
    let s = icp.score(&t, &ScoreOptions::default()).unwrap();
    assert_eq!(s.order(), [2, 1, 0]);
}

#[test]
fn a_table_with_another_schema_is_a_typed_error() {
    let t = deals();
    let plan = ScorePlan::compile(&core_icp(), t.schema()).unwrap();
    assert_eq!(plan.columns().len(), 5);
    assert_eq!(plan.columns()[0].column, "employees");
    // Same columns in another order: fine, same scores.
    let reordered = {
        let names = [
            "arr",
            "tech_stack",
            "employees",
            "lead_source",
            "industry",
            "account_id",
        ];
        AccountTable::from_columns(
            names
                .iter()
                .map(|n| (n.to_string(), t.column(n).unwrap().clone()))
                .collect(),
        )
        .unwrap()
    };
    let a = plan.score(&t, &ScoreOptions::default()).unwrap();
    let b = plan.score(&reordered, &ScoreOptions::default()).unwrap();
    assert_eq!(a.points(), b.points());
    // A missing column.
    let without = AccountTable::from_columns(vec![(
        "industry".into(),
        t.column("industry").unwrap().clone(),
    )])
    .unwrap();
    let e = plan.score(&without, &ScoreOptions::default()).unwrap_err();
    assert!(
        matches!(&e, Error::SchemaMismatch { criterion, column, .. } if criterion == "mid_market" && column == "employees"),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "ICP `Core`, criterion `mid_market`: the scoring plan needs column `employees` as numeric, but the table has no such column (no column named `employees`)"
    );
    // A column of another kind.
    let cat = Column::Categorical(CategoricalColumn::new(vec![0; 6], vec!["x".into()]).unwrap());
    let mut cols: Vec<(String, Column)> = t
        .schema()
        .fields()
        .iter()
        .zip(t.columns())
        .map(|(f, c)| (f.name.clone(), c.clone()))
        .collect();
    cols[2].1 = cat;
    let other = AccountTable::from_columns(cols).unwrap();
    let e = plan.score(&other, &ScoreOptions::default()).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("but the table has it as categorical"),
        "{e}"
    );
    // Compile-time errors name the criterion and suggest.
    let bad = Icp::new("B", "1").secondary(
        Criterion::new("s", "employes", Predicate::Range(Range::at_least(1.0))).points(1.0),
    );
    let e = ScorePlan::compile(&bad, t.schema()).unwrap_err();
    assert!(
        e.to_string().contains("criterion `s`")
            && e.to_string().contains("did you mean `employees`"),
        "{e}"
    );
    let bad = Icp::new("B", "1").secondary(
        Criterion::new("s", "industry", Predicate::Range(Range::at_least(1.0))).points(1.0),
    );
    let e = ScorePlan::compile(&bad, t.schema()).unwrap_err();
    assert!(
        e.to_string()
            .contains("`range` applies to numeric columns but `industry` is categorical"),
        "{e}"
    );
}

#[test]
fn levels_absent_from_the_table_match_nothing_unless_strict() {
    let t = deals();
    let icp = Icp::new("L", "1").secondary(
        Criterion::new(
            "v",
            "industry",
            Predicate::In(vec!["fintech".into(), "govtech".into()]),
        )
        .points(5.0),
    );
    let s = icp.score(&t, &ScoreOptions::default()).unwrap();
    assert_eq!(s.points(), &[5.0, 0.0, 0.0, 5.0, 0.0, 0.0]);
    let strict = ScoreOptions {
        levels: Levels::Strict,
        ..Default::default()
    };
    assert!(icp.score(&t, &strict).is_err());
    // A typo is an error even when lenient.
    let typo = Icp::new("L", "1").secondary(
        Criterion::new("v", "industry", Predicate::In(vec!["fintec".into()])).points(5.0),
    );
    let e = typo.score(&t, &ScoreOptions::default()).unwrap_err();
    assert!(e.to_string().contains("did you mean `fintech`"), "{e}");
}

#[test]
fn coded_scores_equal_single_scores_and_reject_uncoded_thresholds() {
    let t = deals();
    let a = core_icp();
    let mut b = core_icp();
    b.name = "Wider".into();
    if let Predicate::Range(r) = &mut b.primary[0].predicate {
        r.min = Some(100.0);
        r.max_inclusive = false;
    }
    let coded = CodedTable::new(&t, &[a.clone(), b.clone()], Levels::Lenient).unwrap();
    assert_eq!(
        coded.cuts("employees").unwrap(),
        &[50.0, 100.0, 200.0, 2000.0, 2000.0f64.next_up()]
    );
    assert_eq!(coded.bytes_per_row(), 4);
    let opts = ManyOptions {
        matched: true,
        ..Default::default()
    };
    for icp in [&a, &b] {
        let one = icp.score(&t, &ScoreOptions::default()).unwrap();
        let many = coded.score(icp, &opts).unwrap();
        assert_eq!(one, many);
    }
    let mut c = core_icp();
    if let Predicate::Range(r) = &mut c.primary[0].predicate {
        r.min = Some(300.0);
    }
    let e = coded.score(&c, &opts).unwrap_err();
    assert!(e.to_string().contains("was not coded"), "{e}");
    // Without bitsets: points and tiers, but no explanations.
    let lean = coded.score(&a, &ManyOptions::default()).unwrap();
    assert!(lean.matched().is_none());
    assert!(
        lean.explain(0)
            .unwrap_err()
            .to_string()
            .contains("without the matched-criteria bitsets")
    );
    assert_eq!(
        lean.points(),
        a.score(&t, &ScoreOptions::default()).unwrap().points()
    );
}

#[test]
fn zero_threads_is_an_argument_error() {
    let t = deals();
    let e = core_icp()
        .score(
            &t,
            &ScoreOptions {
                n_threads: Some(0),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { .. }));
}

#[test]
fn an_empty_table_scores_to_nothing() {
    let t = deals().take(&[]).unwrap();
    let s = core_icp().score(&t, &ScoreOptions::default()).unwrap();
    assert!(s.is_empty());
    assert!(s.order().is_empty());
    assert_eq!(s.tier_counts().total(), 0);
    let m = score_many(&[core_icp()], &t, &ManyOptions::default()).unwrap();
    assert!(m[0].is_empty());
}

#[test]
fn closed_bounds_keep_open_ends_exact() {
    use super::kernel::closed_bounds;
    let r = Range {
        min: Some(1.0),
        max: Some(2.0),
        min_inclusive: false,
        max_inclusive: false,
    };
    let (lo, hi) = closed_bounds(&r);
    for x in [1.0, 1.0f64.next_up(), 1.5, 2.0f64.next_down(), 2.0] {
        assert_eq!(lo <= x && x <= hi, r.contains(x), "{x}");
    }
    let zero = Range {
        min: Some(-0.0),
        max: None,
        min_inclusive: false,
        max_inclusive: true,
    };
    let (lo, _) = closed_bounds(&zero);
    assert!(lo > 0.0 && lo <= f64::MIN_POSITIVE);
}

#[test]
fn scoring_into_reused_buffers_equals_scoring_afresh() {
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let mut out = FitScores::default();
    assert!(out.is_empty());
    // Growing and shrinking tables, one and three words, exact and not.
    for (n, k, fractional) in [
        (150_000, 20, false),
        (70_000, 150, true),
        (200, 10, true),
        (90_000, 30, false),
    ] {
        let table = random_table(&mut rng, n);
        let icp = random_icp(&mut rng, k, fractional, "reuse");
        let plan = ScorePlan::compile(&icp, table.schema()).unwrap();
        plan.score_into(&table, &ScoreOptions::default(), &mut out)
            .unwrap();
        assert!(
            out == plan.score(&table, &ScoreOptions::default()).unwrap(),
            "{n} rows, {k} criteria"
        );
        assert_same(&out, &reference(&icp, &table, Levels::Lenient), "reused");
    }
}

#[test]
fn recycled_buffers_never_leak_stale_results() {
    // Large enough for the pool (arrays of 1 MiB and more); alternating
    // exact / inexact points and one / three bitset words, so that every
    // reuse meets stale contents of another shape.
    let mut rng = ChaCha8Rng::seed_from_u64(33);
    let table = random_table(&mut rng, 200_000);
    for (k, fractional) in [
        (20, false),
        (150, true),
        (12, true),
        (40, false),
        (20, false),
    ] {
        let icp = random_icp(&mut rng, k, fractional, "pooled");
        let r = reference(&icp, &table, Levels::Lenient);
        let s = score(&icp, &table, &ScoreOptions::default()).unwrap();
        assert_same(&s, &r, "pooled single");
        drop(s);
        let many = score_many(
            std::slice::from_ref(&icp),
            &table,
            &ManyOptions {
                matched: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_same(&many[0], &r, "pooled many");
    }
    assert!(pooled_bytes() <= buffers::MAX_BYTES);
    release_buffers();
}
