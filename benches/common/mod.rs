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
        cols.push((format!("num_{j:02}"), Column::Numeric(v)));
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
