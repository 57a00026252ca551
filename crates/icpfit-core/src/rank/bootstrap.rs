//! Bootstrap stability: the share of resamples in which an attribute stays
//! in the top k of the default order.
//!
//! Resamples are **Poisson bootstraps** (each row's multiplicity drawn from
//! Poisson(1) — Hanley & MacGibbon 2006; Chamandy et al. 2012): the same
//! limit as multinomial resampling, but drawn row by row in one sequential
//! pass, so no random memory access and no shared state. Resample `b` draws
//! from `ChaCha8Rng::seed_from_u64(seed)` on stream `b`, so results do not
//! depend on the thread count. Numeric columns keep the bins of the full
//! data (their codes are computed once; nothing is re-sorted).

use super::attribute::Context;
use super::target::EXCLUDED;
use super::{RankOptions, Ranking};
use crate::error::Result;
use crate::stats::{Contingency, benjamini_hochberg, chi_square};
use crate::table::{AccountTable, Column, FLAG_MISSING, MISSING_CODE};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// `floor(P(X ≤ k) · 2³²)` for X ~ Poisson(1), k = 0..=11.
const POISSON1_CDF: [u64; 12] = {
    let mut out = [0u64; 12];
    // e^-1 · Σ 1/j!, computed in f64 at compile time.
    let mut term = 0.367_879_441_171_442_33_f64;
    let mut cdf = 0.0;
    let mut k = 0;
    while k < 12 {
        cdf += term;
        out[k] = (cdf * 4_294_967_296.0) as u64;
        term /= (k + 1) as f64;
        k += 1;
    }
    out
};

#[inline]
fn poisson1(u: u32) -> u32 {
    let u = u64::from(u);
    let mut k = 0;
    while k < POISSON1_CDF.len() && u >= POISSON1_CDF[k] {
        k += 1;
    }
    k as u32
}

/// Per-row table codes of one ranked attribute, fixed for all resamples.
struct Codes {
    codes: Vec<u32>,
    rows: usize,
}

fn codes_for(table: &AccountTable, attribute: &str, ranking: &Ranking) -> Result<Codes> {
    let row = ranking.get(attribute);
    Ok(match table.column(attribute)? {
        Column::Numeric(v) => {
            let cuts = row.map_or(&[][..], |r| &r.cuts[..]);
            let codes = v
                .iter()
                .map(|&x| {
                    if x.is_nan() {
                        cuts.len() as u32 + 1
                    } else {
                        cuts.partition_point(|&c| c < x) as u32
                    }
                })
                .collect();
            Codes {
                codes,
                rows: cuts.len() + 2,
            }
        }
        Column::Categorical(c) => {
            let k = c.levels().len() as u32;
            Codes {
                codes: c
                    .codes()
                    .iter()
                    .map(|&x| if x == MISSING_CODE { k } else { x })
                    .collect(),
                rows: k as usize + 1,
            }
        }
        Column::Flag(v) => Codes {
            codes: v
                .iter()
                .map(|&b| if b == FLAG_MISSING { 2 } else { u32::from(b) })
                .collect(),
            rows: 3,
        },
        Column::TagSet(t) => {
            // The set's row stands for its best tag (lowest p, as in the ranking).
            let best = ranking.tags.iter().filter(|r| r.attribute == attribute);
            let best = super::attribute::best_tag(best)
                .and_then(|r| r.tag.as_deref())
                .and_then(|tag| t.tag_index(tag));
            let codes = (0..t.valid().len())
                .map(|i| match best {
                    _ if !t.valid().get(i) => 2,
                    Some(tag) => u32::from(t.has(i, tag)),
                    None => 0,
                })
                .collect();
            Codes { codes, rows: 3 }
        }
        Column::Text(_) | Column::Date(_) => Codes {
            codes: vec![0; table.n_rows()],
            rows: 1,
        },
    })
}

/// Fills `ranking.rows[..].stability`.
pub(crate) fn stability(
    table: &AccountTable,
    columns: &[(usize, &str)],
    ctx: &Context<'_>,
    ranking: &mut Ranking,
    opts: &RankOptions,
) -> Result<()> {
    let names: Vec<&str> = columns.iter().map(|(_, n)| *n).collect();
    let codes: Vec<Codes> = names
        .par_iter()
        .map(|n| codes_for(table, n, ranking))
        .collect::<Result<_>>()?;
    let n_rows = table.n_rows();
    let top_k = opts.top_k.min(names.len());
    let hits: Vec<Vec<bool>> = (0..opts.bootstrap)
        .into_par_iter()
        .map(|b| -> Result<Vec<bool>> {
            let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
            rng.set_stream(b as u64);
            let mult: Vec<u32> = (0..n_rows)
                .map(|i| {
                    let u = rng.next_u32();
                    if ctx.labels[i] == EXCLUDED {
                        0
                    } else {
                        poisson1(u)
                    }
                })
                .collect();
            // One pass over the rows fills every attribute's table: the
            // multiplicities and labels are read once, not once per
            // attribute, and unweighted counts are integers.
            let mut counts: Vec<Vec<u32>> = codes.iter().map(|c| vec![0; c.rows * 2]).collect();
            let mut weighted: Vec<Vec<f64>> = match ctx.weights {
                Some(_) => codes.iter().map(|c| vec![0.0; c.rows * 2]).collect(),
                None => Vec::new(),
            };
            for i in 0..n_rows {
                let m = mult[i];
                if m == 0 {
                    continue;
                }
                let label = ctx.labels[i] as usize;
                for (c, cells) in codes.iter().zip(counts.iter_mut()) {
                    cells[c.codes[i] as usize * 2 + label] += m;
                }
                if let Some(w) = ctx.weights.as_ref() {
                    let mw = f64::from(m) * w[i];
                    for (c, cells) in codes.iter().zip(weighted.iter_mut()) {
                        cells[c.codes[i] as usize * 2 + label] += mw;
                    }
                }
            }
            let mut metrics = Vec::with_capacity(codes.len());
            for (j, c) in codes.iter().enumerate() {
                let cells: Vec<f64> = counts[j].iter().map(|&x| f64::from(x)).collect();
                let chi = chi_square(&Contingency::from_cells(c.rows, 2, cells.clone())?)?;
                let p = chi.p_value;
                // Unweighted, V comes from the same table: one test, not two.
                let (total, wchi) = match weighted.get(j) {
                    None => (cells.iter().sum::<f64>(), chi),
                    Some(w) => (
                        w.iter().sum(),
                        chi_square(&Contingency::from_cells(c.rows, 2, w.clone())?)?,
                    ),
                };
                let v = super::attribute::cramers_v_corrected(
                    wchi.statistic,
                    total,
                    wchi.rows_used,
                    wchi.cols_used,
                );
                metrics.push((p, v));
            }
            let p: Vec<f64> = metrics.iter().map(|m| m.0).collect();
            let q = benjamini_hochberg(&p)?;
            let mut order: Vec<usize> = (0..names.len()).collect();
            order.sort_by(|&a, &b| {
                let sig = |i: usize| q[i] <= opts.fdr_alpha;
                sig(b)
                    .cmp(&sig(a))
                    .then(metrics[b].1.total_cmp(&metrics[a].1))
                    .then(metrics[a].0.total_cmp(&metrics[b].0))
                    .then(names[a].cmp(names[b]))
            });
            let mut top = vec![false; names.len()];
            for &i in &order[..top_k] {
                top[i] = true;
            }
            Ok(top)
        })
        .collect::<Result<_>>()?;
    for row in &mut ranking.rows {
        if let Some(j) = names.iter().position(|n| *n == row.attribute) {
            let count = hits.iter().filter(|h| h[j]).count();
            row.stability = Some(count as f64 / opts.bootstrap as f64);
        }
    }
    ranking.bootstrap = opts.bootstrap;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_table_matches_the_distribution() {
        // P(X=0) = P(X=1) = e^-1, P(X=2) = e^-1 / 2.
        let e1 = (-1.0f64).exp();
        assert!((POISSON1_CDF[0] as f64 / 4_294_967_296.0 - e1).abs() < 1e-9);
        assert!((POISSON1_CDF[1] as f64 / 4_294_967_296.0 - 2.0 * e1).abs() < 1e-9);
        assert!((POISSON1_CDF[2] as f64 / 4_294_967_296.0 - 2.5 * e1).abs() < 1e-9);
        assert_eq!(poisson1(0), 0);
        assert_eq!(poisson1(u32::MAX), 12.min(poisson1(u32::MAX)));
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 200_000;
        let draws: Vec<u32> = (0..n).map(|_| poisson1(rng.next_u32())).collect();
        let mean = draws.iter().map(|&x| f64::from(x)).sum::<f64>() / n as f64;
        let var = draws
            .iter()
            .map(|&x| (f64::from(x) - mean).powi(2))
            .sum::<f64>()
            / n as f64;
        assert!(
            (mean - 1.0).abs() < 0.01 && (var - 1.0).abs() < 0.02,
            "mean {mean} var {var}"
        );
    }
}
