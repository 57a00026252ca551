//! Forward selection of criteria by their *conditional* evidence: a
//! criterion enters the ICP only if it adds information once the criteria
//! already chosen are accounted for. This is what keeps proxies out — a sales
//! cycle that grows with company size separates wins from losses on its
//! own, but adds nothing once the size band is in.
//!
//! # Method
//!
//! The model is a logistic regression of the target on the 0/1 indicators
//! of the chosen criteria. Because every regressor is binary, the fit runs on
//! the aggregated binomial table — one row per observed pattern of
//! indicators, weighted by its positives and negatives — which gives the same
//! maximum-likelihood estimates as the row-level fit at a cost independent of
//! the number of accounts (at most 2^k patterns for k criteria).
//!
//! Each step fits, for every remaining candidate, the model with it added,
//! and takes the candidate with the largest likelihood-ratio statistic
//! `LR = 2 (ℓ₁ − ℓ₀)`, provided its χ²(1) p-value is below `alpha / m`
//! (Bonferroni over the `m` candidates tried at that step). Selection stops
//! when no candidate qualifies or `max` criteria are chosen. Ties are broken
//! by candidate order, so the result is deterministic.

use crate::error::Result;
use crate::rank::EXCLUDED;
use crate::stats::association::chi2_sf;
use crate::stats::logistic::{LogitFit, LogitOptions, logistic_irls};
use crate::table::Bitmap;
use rayon::prelude::*;

/// Most criteria one selection may choose (patterns are coded in a u16).
pub(crate) const MAX_SELECTED: usize = 15;

/// One chosen criterion: its candidate index and the likelihood-ratio test
/// that let it in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    pub candidate: usize,
    pub lr: f64,
    pub p_value: f64,
}

/// The selection and the final joint fit (coefficient 0 is the intercept,
/// then one per forced indicator, then coefficient `forced + s + 1` belongs
/// to `steps[s]`).
#[derive(Debug, Clone)]
pub(crate) struct Selection {
    pub steps: Vec<Step>,
    pub fit: Option<LogitFit>,
    /// LR p-value of each candidate at the last step it was tried (NaN when
    /// it had no finite fit there: collinear with the chosen ones); for a
    /// candidate dropped by the backward pass, its Wald p-value then.
    pub last_p: Vec<f64>,
    /// Candidates chosen, then dropped by the backward pass.
    pub dropped: Vec<usize>,
}

/// Fit the logistic model on the aggregated patterns: `pos[c]`, `neg[c]`
/// are the counts of pattern `c` over `k` indicators.
fn fit_patterns(pos: &[f64], neg: &[f64], k: usize) -> Result<LogitFit> {
    let p = k + 1;
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut w = Vec::new();
    for c in 0..pos.len() {
        for (label, count) in [(1.0, pos[c]), (0.0, neg[c])] {
            if count > 0.0 {
                x.push(1.0);
                x.extend((0..k).map(|b| f64::from(((c >> b) & 1) as u8)));
                y.push(label);
                w.push(count);
            }
        }
    }
    logistic_irls(
        &x,
        y.len(),
        p,
        &y,
        Some(&w),
        &LogitOptions {
            intercept_index: Some(0),
            ..Default::default()
        },
    )
}

/// Pattern codes of the compared rows over `masks` (bit `b` = mask `b`).
fn codes_of(masks: &[&Bitmap], rows: &[usize]) -> Vec<u16> {
    let mut codes = vec![0u16; rows.len()];
    for (b, m) in masks.iter().enumerate() {
        for (r, &i) in rows.iter().enumerate() {
            if m.get(i) {
                codes[r] |= 1 << b;
            }
        }
    }
    codes
}

/// The joint fit of `masks` from scratch.
fn fit_masks(masks: &[&Bitmap], rows: &[usize], labels: &[u8]) -> Result<LogitFit> {
    let codes = codes_of(masks, rows);
    let mut pos = vec![0.0; 1 << masks.len()];
    let mut neg = vec![0.0; 1 << masks.len()];
    for (r, &i) in rows.iter().enumerate() {
        if labels[i] == 1 {
            pos[usize::from(codes[r])] += 1.0;
        } else {
            neg[usize::from(codes[r])] += 1.0;
        }
    }
    fit_patterns(&pos, &neg, masks.len())
}

/// Forward selection over `masks` (see the module doc), starting from a
/// model that already holds the `forced` indicators (e.g. "passes the
/// must-haves", so that disqualifiers must add risk beyond not fitting).
/// Forced indicators take the first coefficients after the intercept.
///
/// `groups[j]`: candidates sharing a group exclude each other (two bands of
/// one column); `None` = no group. After the forward pass, a backward pass
/// drops, one at a time and refitting each time, the chosen criterion whose
/// Wald test in the joint model is weakest while its two-sided p-value is
/// above `alpha` — an effect whose interval crosses 1 once all are in does
/// not earn points.
pub(crate) fn forward(
    masks: &[&Bitmap],
    groups: &[Option<usize>],
    forced: &[&Bitmap],
    labels: &[u8],
    max: usize,
    alpha: f64,
) -> Result<Selection> {
    let max = max.min(MAX_SELECTED.saturating_sub(forced.len()));
    let rows: Vec<usize> = (0..labels.len())
        .filter(|&i| labels[i] != EXCLUDED)
        .collect();
    let positive: Vec<bool> = rows.iter().map(|&i| labels[i] == 1).collect();
    let mut codes = codes_of(forced, &rows);
    let base = forced.len();
    let n_pos = rows.iter().filter(|&&i| labels[i] == 1).count() as f64;
    let n = rows.len() as f64;
    let mut current_ll = if n_pos > 0.0 && n_pos < n {
        n_pos * (n_pos / n).ln() + (n - n_pos) * (1.0 - n_pos / n).ln()
    } else {
        0.0
    };
    let mut steps: Vec<Step> = Vec::new();
    let mut fit = None;
    if base > 0 {
        let mut pos = vec![0.0; 1 << base];
        let mut neg = vec![0.0; 1 << base];
        for (r, &i) in rows.iter().enumerate() {
            if labels[i] == 1 {
                pos[usize::from(codes[r])] += 1.0;
            } else {
                neg[usize::from(codes[r])] += 1.0;
            }
        }
        if let Ok(f) = fit_patterns(&pos, &neg, base) {
            current_ll = f.log_likelihood;
        }
    }
    let mut last_p = vec![1.0; masks.len()];
    while steps.len() < max {
        let k = base + steps.len();
        let taken = |j: usize| {
            steps.iter().any(|s| {
                s.candidate == j || (groups[j].is_some() && groups[s.candidate] == groups[j])
            })
        };
        let remaining: Vec<usize> = (0..masks.len()).filter(|&j| !taken(j)).collect();
        if remaining.is_empty() {
            break;
        }
        // Each remaining candidate's joint fit, in parallel (independent
        // fits; the best is then picked in candidate order, so the choice
        // does not depend on the thread count).
        let fits: Vec<(usize, Result<LogitFit>)> = remaining
            .par_iter()
            .map(|&j| {
                // Counts per (pattern, label), branch-free.
                let mut counts = vec![0u32; 2 << (k + 1)];
                for (r, &i) in rows.iter().enumerate() {
                    let c = usize::from(codes[r]) | (usize::from(masks[j].get(i)) << k);
                    counts[2 * c + usize::from(positive[r])] += 1;
                }
                let neg: Vec<f64> = counts.iter().step_by(2).map(|&x| f64::from(x)).collect();
                let pos: Vec<f64> = counts[1..]
                    .iter()
                    .step_by(2)
                    .map(|&x| f64::from(x))
                    .collect();
                (j, fit_patterns(&pos, &neg, k + 1))
            })
            .collect();
        let mut best: Option<(f64, usize, LogitFit)> = None;
        for (j, f) in fits {
            // A criterion collinear with the chosen ones, or separating the
            // classes perfectly, has no finite effect: it cannot enter.
            let Ok(f) = f else {
                last_p[j] = f64::NAN;
                continue;
            };
            let lr = 2.0 * (f.log_likelihood - current_ll);
            last_p[j] = chi2_sf(lr, 1.0);
            if best.as_ref().is_none_or(|b| lr > b.0) {
                best = Some((lr, j, f));
            }
        }
        let Some((lr, j, f)) = best else { break };
        let p_value = chi2_sf(lr, 1.0);
        if p_value.is_nan() || p_value >= alpha / remaining.len() as f64 {
            break;
        }
        for (r, &i) in rows.iter().enumerate() {
            if masks[j].get(i) {
                codes[r] |= 1 << k;
            }
        }
        current_ll = f.log_likelihood;
        steps.push(Step {
            candidate: j,
            lr,
            p_value,
        });
        fit = Some(f);
    }
    // Backward pass: drop effects whose joint-model interval crosses 1.
    let mut dropped = Vec::new();
    while let Some(f) = &fit {
        let weakest = (0..steps.len())
            .map(|s| (s, f.p_value[base + s + 1]))
            .filter(|(_, p)| p.is_nan() || *p > alpha)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((s, p)) = weakest else { break };
        let step = steps.remove(s);
        last_p[step.candidate] = p;
        dropped.push(step.candidate);
        let all: Vec<&Bitmap> = forced
            .iter()
            .copied()
            .chain(steps.iter().map(|st| masks[st.candidate]))
            .collect();
        fit = if steps.is_empty() {
            None
        } else {
            Some(fit_masks(&all, &rows, labels)?)
        };
    }
    Ok(Selection {
        steps,
        fit,
        last_p,
        dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> f64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn keeps_the_cause_and_drops_its_proxy() {
        // y depends on a (log-odds +1) and b (+0.7); c copies a in 90 % of rows; d is noise.
        let n = 20_000;
        let mut seed = 3;
        let mut m: [Bitmap; 4] = std::array::from_fn(|_| Bitmap::new(n, false));
        let mut labels = vec![0u8; n];
        for (i, label) in labels.iter_mut().enumerate() {
            let a = lcg(&mut seed) < 0.4;
            let b = lcg(&mut seed) < 0.3;
            let c = if lcg(&mut seed) < 0.9 { a } else { !a };
            let d = lcg(&mut seed) < 0.5;
            for (mask, v) in m.iter_mut().zip([a, b, c, d]) {
                mask.set(i, v);
            }
            let eta = -1.0 + f64::from(u8::from(a)) + 0.7 * f64::from(u8::from(b));
            *label = u8::from(lcg(&mut seed) < 1.0 / (1.0 + (-eta).exp()));
        }
        let refs: Vec<&Bitmap> = m.iter().collect();
        let s = forward(&refs, &[None; 4], &[], &labels, 4, 0.05).unwrap();
        let chosen: Vec<usize> = s.steps.iter().map(|s| s.candidate).collect();
        assert_eq!(chosen, [0, 1]);
        let f = s.fit.unwrap();
        assert!(
            (f.coef[1] - 1.0).abs() < 0.1 && (f.coef[2] - 0.7).abs() < 0.1,
            "{:?}",
            f.coef
        );
    }

    #[test]
    fn aggregated_fit_equals_the_row_level_fit() {
        let n = 3_000;
        let mut seed = 5;
        let mut a = Bitmap::new(n, false);
        let mut b = Bitmap::new(n, false);
        let mut y = vec![0u8; n];
        for (i, yi) in y.iter_mut().enumerate() {
            a.set(i, lcg(&mut seed) < 0.5);
            b.set(i, lcg(&mut seed) < 0.3);
            let eta =
                -0.5 + 0.8 * f64::from(u8::from(a.get(i))) - 0.4 * f64::from(u8::from(b.get(i)));
            *yi = u8::from(lcg(&mut seed) < 1.0 / (1.0 + (-eta).exp()));
        }
        let s = forward(&[&a, &b], &[None, None], &[], &y, 2, 1.0).unwrap();
        let agg = s.fit.unwrap();
        // Row-level design in selection order.
        let order: Vec<&Bitmap> = s.steps.iter().map(|st| [&a, &b][st.candidate]).collect();
        let mut x = Vec::with_capacity(n * 3);
        for i in 0..n {
            x.push(1.0);
            x.extend(order.iter().map(|m| f64::from(u8::from(m.get(i)))));
        }
        let yf: Vec<f64> = y.iter().map(|&v| f64::from(v)).collect();
        let row = logistic_irls(&x, n, 3, &yf, None, &LogitOptions::default()).unwrap();
        for (p, q) in agg.coef.iter().zip(&row.coef) {
            assert!((p - q).abs() < 1e-9, "{p} vs {q}");
        }
        assert!((agg.log_likelihood - row.log_likelihood).abs() < 1e-6);
    }
}
