//! Seeded benchmark data of the shape the issues name: numeric columns
//! (continuous, integer with ties, 5 % missing) and categorical columns with
//! 3–40 levels, plus a binary target driven by a few of them.

#![allow(dead_code)]

use icpfit::table::{AccountTable, CategoricalColumn, Column};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Levels of the categorical columns.
pub const CAT_LEVELS: [usize; 8] = [3, 5, 8, 12, 20, 25, 30, 40];

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    // Box–Muller; one of the pair is enough here.
    let (u1, u2) = (uniform(rng).max(1e-300), uniform(rng));
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// `n_rows` accounts: 12 numeric + 8 categorical attributes and a won flag
/// (as `Option<bool>`, all present). Deterministic in `seed`.
pub fn rank_data(n_rows: usize, seed: u64) -> (AccountTable, Vec<Option<bool>>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut cols: Vec<(String, Column)> = Vec::new();
    let mut logit = vec![-0.5f64; n_rows];
    for j in 0..12 {
        let v: Vec<f64> = (0..n_rows)
            .map(|_| {
                if uniform(&mut rng) < 0.05 {
                    return f64::NAN;
                }
                match j % 3 {
                    0 => (normal(&mut rng) * 1.1 + 5.0).exp().round(), // employees-like, heavy tail
                    1 => (uniform(&mut rng) * 10.0).floor(),           // few distinct values
                    _ => normal(&mut rng),                             // continuous
                }
            })
            .collect();
        if j < 3 {
            for (l, &x) in logit.iter_mut().zip(&v) {
                if !x.is_nan() {
                    *l += match j {
                        0 => 0.8 * f64::from(u8::from((200.0..2000.0).contains(&x))),
                        1 => 0.08 * x,
                        _ => 0.3 * x,
                    };
                }
            }
        }
        cols.push((format!("num_{j:02}"), Column::Numeric(v.into())));
    }
    for (j, &k) in CAT_LEVELS.iter().enumerate() {
        let codes: Vec<u32> = (0..n_rows).map(|_| rng.next_u32() % k as u32).collect();
        if j < 2 {
            for (l, &c) in logit.iter_mut().zip(&codes) {
                *l += if c == 0 { 0.7 } else { 0.0 };
            }
        }
        let levels = (0..k).map(|l| format!("c{j}_{l}")).collect();
        // ok: codes are < k by construction.
        cols.push((
            format!("cat_{j:02}"),
            Column::Categorical(CategoricalColumn::new(codes, levels).expect("codes < k")),
        ));
    }
    let won = logit
        .iter()
        .map(|&l| Some(uniform(&mut rng) < 1.0 / (1.0 + (-l).exp())))
        .collect();
    // ok: equal lengths and distinct names by construction.
    (
        AccountTable::from_columns(cols).expect("valid columns"),
        won,
    )
}

/// The scoring benchmark's table: `n_rows` accounts with the 12 numeric and
/// 8 categorical attributes of [`rank_data`] (128 bytes of input per row),
/// plus, when `tags`, a `tech_stack` tag set of 24 tools (one u64 word per
/// row) with 4 % missing. Deterministic in `seed`.
pub fn score_data(n_rows: usize, seed: u64, tags: bool) -> AccountTable {
    use icpfit::table::TagSetColumn;
    let (table, _) = rank_data(n_rows, seed);
    if !tags {
        return table;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7a95);
    let rows: Vec<Option<Vec<u32>>> = (0..n_rows)
        .map(|_| {
            (uniform(&mut rng) >= 0.04).then(|| {
                (0..24u32)
                    .filter(|t| uniform(&mut rng) < 0.3 / (1.0 + f64::from(*t) / 4.0))
                    .collect()
            })
        })
        .collect();
    let tags: Vec<String> = (0..24).map(|t| format!("tool_{t:02}")).collect();
    let mut cols: Vec<(String, Column)> = table
        .schema()
        .fields()
        .iter()
        .zip(table.columns())
        .map(|(f, c)| (f.name.clone(), c.clone()))
        .collect();
    // ok: tag indices are < 24 by construction.
    cols.push((
        "tech_stack".into(),
        Column::TagSet(TagSetColumn::from_rows(&rows, tags).expect("tags < 24")),
    ));
    // ok: distinct names and equal lengths by construction.
    AccountTable::from_columns(cols).expect("valid columns")
}

/// Thresholds of the benchmark ICP's range on numeric column `j`, shifted by
/// `s` (0 for the reference ICP; candidates vary it).
fn bench_range(j: usize, s: f64) -> icpfit::icp::Range {
    use icpfit::icp::Range;
    match j % 3 {
        0 => Range::closed(
            Some((200.0 * (1.0 + s)).round()),
            Some((2000.0 * (1.0 + s)).round()),
        ),
        1 => Range::at_least((5.0 + 4.0 * s).round()),
        _ => Range::closed(Some(-0.5 + s), Some(1.0 + s)),
    }
}

/// The benchmark ICP over [`score_data`]: 12 range criteria (one per numeric
/// column, the first two primary, the rest secondary) and 8 category-set
/// criteria (the first third of each column's levels; the last one a
/// disqualifier), plus, when `tags`, a `has_any` and a `has_all` on the tech
/// stack. Integer points, so every engine's sums are exact.
pub fn score_icp(tags: bool, shift: f64, name: &str) -> icpfit::icp::Icp {
    use icpfit::icp::{Criterion, Icp, Predicate, Tiers};
    let mut icp = Icp::new(name, "1");
    for j in 0..12 {
        let c = Criterion::new(
            format!("n{j:02}"),
            format!("num_{j:02}"),
            Predicate::Range(bench_range(j, shift)),
        )
        .points(f64::from(5 + (j as i32 % 4) * 5));
        icp = if j < 2 {
            icp.primary(c)
        } else {
            icp.secondary(c)
        };
    }
    for (j, &k) in CAT_LEVELS.iter().enumerate() {
        let levels = (0..k.div_ceil(3)).map(|l| format!("c{j}_{l}")).collect();
        let c = Criterion::new(
            format!("c{j:02}"),
            format!("cat_{j:02}"),
            Predicate::In(levels),
        );
        icp = if j == 7 {
            icp.negative(c)
        } else {
            icp.secondary(c.points(f64::from(3 + j as i32)))
        };
    }
    if tags {
        icp = icp
            .secondary(
                Criterion::new(
                    "t_any",
                    "tech_stack",
                    Predicate::HasAny(vec!["tool_00".into(), "tool_03".into()]),
                )
                .points(10.0),
            )
            .secondary(
                Criterion::new(
                    "t_all",
                    "tech_stack",
                    Predicate::HasAll(vec!["tool_01".into(), "tool_02".into()]),
                )
                .points(5.0),
            );
    }
    icp.tiers(Tiers {
        a: 70.0,
        b: 50.0,
        c: 30.0,
        ..Tiers::default()
    })
}

/// `k` candidate ICPs: the benchmark ICP with every threshold shifted by a
/// seeded amount in [−0.3, 0.3].
pub fn candidate_icps(k: usize, seed: u64) -> Vec<icpfit::icp::Icp> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..k)
        .map(|i| {
            score_icp(
                false,
                (uniform(&mut rng) - 0.5) * 0.6,
                &format!("candidate_{i:03}"),
            )
        })
        .collect()
}
