//! Logistic regression by Newton–Raphson / IRLS, optionally weighted and
//! L2-penalised: the multivariate view of which attributes separate the
//! classes once the others are accounted for.
//!
//! # Objective
//!
//! With `η_i = x_iᵀβ`, `μ_i = 1 / (1 + e^{−η_i})`, frequency weights `w_i`
//! (default 1) and `P` the set of penalised coefficients (all but
//! `intercept_index`), the fit maximises
//!
//! ```text
//! ℓ_λ(β) = Σ_i w_i [y_i ln μ_i + (1 − y_i) ln(1 − μ_i)] − (λ/2) Σ_{j∈P} β_j²
//! ```
//!
//! * `λ = 0`: the maximum-likelihood fit of `statsmodels.api.Logit(y, X)`
//!   (unweighted) or `statsmodels.api.GLM(y, X, family=Binomial(),
//!   freq_weights=w)` (weighted).
//! * `λ > 0`: scikit-learn's `LogisticRegression(C=1/λ, l1_ratio=0)` with
//!   `fit_intercept=True`, whose objective is `C·Σ_i s_i·loss_i + ½‖coef‖²`
//!   with the intercept outside the norm; dividing by `C` gives the objective
//!   above with `λ = 1/C` (so pass the design with a column of ones and its
//!   index as `intercept_index`, and `sample_weight` as `weights`).
//!
//! # Algorithm
//!
//! Newton–Raphson on `ℓ_λ`, i.e. IRLS written in its score form: each step
//! solves `(XᵀWX + λ·I_P) δ = Xᵀw(y − μ) − λ·I_P β` by Cholesky, with
//! `W = diag(w_i μ_i (1 − μ_i))` (the same iterates as IRLS's working
//! response `z = η + (y − μ)/(μ(1 − μ))`, without dividing by a vanishing
//! `μ(1 − μ)`). The step is halved while it would lower `ℓ_λ`. Start at
//! `β = 0`. Converged when `max_j |δ_j| / (1 + |β_j|) ≤ tol`.
//!
//! `XᵀWX`, the score and `ℓ` are accumulated over fixed chunks of
//! [`ROW_CHUNK`] rows in parallel (rayon), and the partial sums are combined
//! in chunk order: the result is bit-identical whatever the thread count. No
//! allocation per row (one `p×p + p` buffer per chunk).
//!
//! # Inference
//!
//! `cov = (XᵀWX + λ·I_P)⁻¹` at the solution, `std_err = sqrt(diag cov)`, Wald
//! `z = coef / std_err`, two-sided `p = 2·(1 − Φ(|z|))` (statrs' standard
//! normal survival function). For `λ = 0` these are statsmodels' `bse`,
//! `tvalues`, `pvalues`. For `λ > 0` they come from the penalised information
//! matrix (a common approximation; scikit-learn reports none).
//!
//! # Failures
//!
//! * **Singular design** (a column numerically a linear combination of the
//!   previous ones, `1 − R² ≤ 1e-10` in the Cholesky pivot, including
//!   `n < p`): [`Error::InvalidArgument`] with `name = "x"` and a message
//!   starting `singular design`.
//! * **Separation** (unpenalised fits): when the MLE does not exist because
//!   some rows are predicted perfectly, coefficients diverge and fitted
//!   probabilities go to 0 or 1. Reported as *perfect separation* as soon as
//!   the sign of `η` puts every weighted row on its 0/1 label's side (proof
//!   that no finite MLE exists), else as *quasi-complete separation*
//!   when some rows have `|η| > 15` and either the Newton steps stay large
//!   (relative size > 1e-4) while their predicted gain is < 1e-9 of the
//!   objective for three iterations in a row (a flat, diverging direction),
//!   or rows with `|η| > 30` make the information matrix singular or keep
//!   the fit from converging by `max_iter`. [`Error::InvalidArgument`] with
//!   `name = "x"`; [`is_separation`] tells it apart. With `λ > 0` on every
//!   column but the intercept the optimum always exists (both classes
//!   present) and no separation check is made.
//! * A single class in `y`: [`Error::OneClass`].
//! * No convergence within `max_iter` without saturated rows: `Ok` with
//!   `converged = false`; the coefficients are the last (finite) iterate and
//!   the inference is computed there — do not trust it.
//!
//! No input makes it panic, loop forever or return NaN coefficients.

// The crate's one error type is large by design (it says where and what);
// the workspace allows this lint on main.

use crate::{Error, Result};
use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, Normal};

/// Rows per parallel accumulation task. Fixed, so that the summation order,
/// and hence every bit of the result, does not depend on the thread count.
pub const ROW_CHUNK: usize = 4096;

/// `|η|` beyond which a fitted probability counts as numerically 0 or 1
/// (`μ(1 − μ) < 1e-13`).
pub const SATURATED_ETA: f64 = 30.0;

/// `|η|` beyond which a row counts as nearly saturated (`μ(1 − μ) < 3.1e-7`)
/// for the early detection of diverging coefficients.
pub const NEAR_SATURATED_ETA: f64 = 15.0;

/// Early separation test: a Newton step whose predicted gain is below this
/// fraction of the objective ...
const FLAT_GAIN: f64 = 1e-9;
/// ... while its relative size exceeds this, three iterations in a row.
const FLAT_STEP: f64 = 1e-4;

/// Pivot threshold of the Cholesky factorisation, relative to the diagonal
/// element (`1 − R²` of a column on the previous ones in the `W` metric).
const PIVOT_REL: f64 = 1e-10;

/// Options of [`logistic_irls`].
#[derive(Debug, Clone, PartialEq)]
pub struct LogitOptions {
    /// L2 penalty `λ >= 0` (scikit-learn's `1/C`); 0 = maximum likelihood.
    pub l2: f64,
    /// The column excluded from the penalty (the intercept), if any.
    pub intercept_index: Option<usize>,
    /// Maximum Newton iterations (`>= 1`).
    pub max_iter: usize,
    /// Convergence tolerance on the relative step, `max_j |δ_j|/(1 + |β_j|)`.
    pub tol: f64,
}

impl Default for LogitOptions {
    /// Unpenalised, no intercept declared, 100 iterations, `tol = 1e-10`.
    fn default() -> Self {
        Self {
            l2: 0.0,
            intercept_index: None,
            max_iter: 100,
            tol: 1e-10,
        }
    }
}

/// A fitted logistic regression.
#[derive(Debug, Clone, PartialEq)]
pub struct LogitFit {
    /// Coefficients, one per column of `x`.
    pub coef: Vec<f64>,
    /// Standard errors, `sqrt(diag(cov))`.
    pub std_err: Vec<f64>,
    /// Wald statistics `coef / std_err`.
    pub z: Vec<f64>,
    /// Two-sided normal p-values of `z`.
    pub p_value: Vec<f64>,
    /// `(XᵀWX + λ·I_P)⁻¹`, row-major `p × p`.
    pub cov: Vec<f64>,
    /// Weighted log-likelihood `Σ w_i [y_i ln μ_i + (1 − y_i) ln(1 − μ_i)]`
    /// (without the penalty), as statsmodels' `llf`.
    pub log_likelihood: f64,
    /// The maximised objective `ℓ_λ` (log-likelihood minus the penalty).
    pub penalized_log_likelihood: f64,
    /// Newton iterations done.
    pub iterations: usize,
    /// Whether the step criterion was met (see the module doc otherwise).
    pub converged: bool,
}

/// Fits a logistic regression; see the module doc for the objective,
/// algorithm, inference and failures.
///
/// * `x`: row-major `n × p`, including an intercept column (of ones) if one
///   is wanted; finite.
/// * `y`: `n` responses in `[0, 1]` (usually 0/1).
/// * `weights`: optional frequency weights, finite and `>= 0` (rows of weight
///   0 are ignored).
///
/// # Errors
/// [`Error::LengthMismatch`], [`Error::InvalidArgument`] (bad values or
/// options, singular design, separation), [`Error::InsufficientData`] (no
/// row of positive weight, or `p = 0`), [`Error::OneClass`].
pub fn logistic_irls(
    x: &[f64],
    n: usize,
    p: usize,
    y: &[f64],
    weights: Option<&[f64]>,
    opts: &LogitOptions,
) -> Result<LogitFit> {
    validate(x, n, p, y, weights, opts)?;
    let data = Data {
        x,
        y,
        w: weights,
        n,
        p,
    };
    let penalized: Vec<bool> = (0..p)
        .map(|j| opts.intercept_index != Some(j) && opts.l2 > 0.0)
        .collect();
    let lambda = opts.l2;
    let penalty = |beta: &[f64]| -> f64 {
        0.5 * lambda
            * beta
                .iter()
                .zip(&penalized)
                .filter(|(_, p)| **p)
                .map(|(b, _)| b * b)
                .sum::<f64>()
    };

    let mut beta = vec![0.0; p];
    let mut acc = data.accumulate(&beta);
    let mut obj = acc.ll - penalty(&beta);
    let mut chol = vec![0.0; p * p];
    let mut step = vec![0.0; p];
    let mut score = vec![0.0; p];
    let mut flat_streak = 0;
    let mut trial = vec![0.0; p];
    let mut converged = false;
    let mut iterations = 0;

    while iterations < opts.max_iter {
        iterations += 1;
        // Penalised Hessian (negated) and score.
        information(&acc.h, &penalized, lambda, p, &mut chol);
        for j in 0..p {
            score[j] = acc.g[j] - if penalized[j] { lambda * beta[j] } else { 0.0 };
        }
        step.copy_from_slice(&score);
        if let Err(col) = cholesky(&mut chol, p) {
            return Err(if iterations == 1 {
                singular(col)
            } else if acc.saturated > 0 && lambda == 0.0 {
                separation(
                    &acc,
                    &beta,
                    iterations,
                    "the information matrix became singular",
                )
            } else {
                Error::invalid(
                    "x",
                    format!(
                        "singular design: the information matrix lost positive definiteness at column {col} in iteration {iterations}"
                    ),
                )
            });
        }
        cholesky_solve(&chol, p, &mut step);
        // Newton decrement: the predicted gain of the full step is half of it.
        let decrement: f64 = score.iter().zip(&step).map(|(g, d)| g * d).sum();

        // Step halving while the objective would decrease.
        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..40 {
            for j in 0..p {
                trial[j] = beta[j] + t * step[j];
            }
            let a = data.accumulate(&trial);
            let o = a.ll - penalty(&trial);
            // Accept any ascent, and a change at rounding level near the optimum.
            if o.is_finite() && o >= obj - 1e-13 * (1.0 + obj.abs()) {
                accepted = Some((a, o));
                break;
            }
            t *= 0.5;
        }
        let Some((a, o)) = accepted else {
            // No ascent along the Newton direction even for a 2^-40 step:
            // stop where we are, not converged.
            break;
        };
        // Convergence is judged on the full Newton step (the estimated
        // distance to the optimum), not the possibly halved one.
        let rel_step = (0..p)
            .map(|j| step[j].abs() / (1.0 + trial[j].abs()))
            .fold(0.0, f64::max);
        beta.copy_from_slice(&trial);
        acc = a;
        obj = o;
        if lambda == 0.0 && acc.perfect == acc.rows {
            return Err(separation(
                &acc,
                &beta,
                iterations,
                "the sign of the linear predictor already gives every row its class",
            ));
        }
        if rel_step <= opts.tol {
            converged = true;
            break;
        }
        // Divergence signature: the steps stay large while the objective no
        // longer moves (a flat direction), with rows fitted to ~0 or 1.
        let flat = decrement <= FLAT_GAIN * (1.0 + obj.abs()) && rel_step > FLAT_STEP;
        flat_streak = if flat && lambda == 0.0 && acc.near_saturated > 0 {
            flat_streak + 1
        } else {
            0
        };
        if flat_streak >= 3 {
            return Err(separation(
                &acc,
                &beta,
                iterations,
                "the steps diverge along a flat direction",
            ));
        }
    }
    if !converged && acc.saturated > 0 && lambda == 0.0 {
        return Err(separation(&acc, &beta, iterations, "no convergence"));
    }

    // Inference at the final point.
    information(&acc.h, &penalized, lambda, p, &mut chol);
    if let Err(col) = cholesky(&mut chol, p) {
        return Err(if acc.saturated > 0 && lambda == 0.0 {
            separation(
                &acc,
                &beta,
                iterations,
                "the information matrix became singular",
            )
        } else {
            singular(col)
        });
    }
    let mut cov = vec![0.0; p * p];
    let mut e = vec![0.0; p];
    for j in 0..p {
        e.iter_mut().for_each(|v| *v = 0.0);
        e[j] = 1.0;
        cholesky_solve(&chol, p, &mut e);
        for k in 0..p {
            cov[k * p + j] = e[k];
        }
    }
    let std_err: Vec<f64> = (0..p).map(|j| cov[j * p + j].max(0.0).sqrt()).collect();
    let z: Vec<f64> = beta.iter().zip(&std_err).map(|(b, s)| b / s).collect();
    let normal = Normal::standard();
    let p_value = z.iter().map(|z| 2.0 * normal.sf(z.abs())).collect();
    if beta.iter().any(|b| !b.is_finite()) {
        return Err(Error::invalid(
            "x",
            "non-finite coefficients (numerical overflow)",
        ));
    }
    Ok(LogitFit {
        coef: beta,
        std_err,
        z,
        p_value,
        cov,
        log_likelihood: acc.ll,
        penalized_log_likelihood: obj,
        iterations,
        converged,
    })
}

/// Whether an error of [`logistic_irls`] reports (perfect or quasi-complete)
/// separation, i.e. no finite maximum-likelihood estimate: a penalised fit
/// (`l2 > 0`) or dropping the separating attribute is the remedy.
pub fn is_separation(err: &Error) -> bool {
    matches!(err, Error::InvalidArgument { name, message } if name == "x" && message.contains("separation:"))
}

fn singular(col: usize) -> Error {
    Error::invalid(
        "x",
        format!(
            "singular design: column {col} is (numerically) a linear combination of the columns before it, or there are fewer informative rows than columns"
        ),
    )
}

fn separation(acc: &Acc, beta: &[f64], iterations: usize, why: &str) -> Error {
    let kind = if acc.perfect == acc.rows {
        "perfect separation"
    } else {
        "quasi-complete separation"
    };
    let (j, b) =
        beta.iter().enumerate().fold(
            (0, 0.0f64),
            |m, (j, b)| if b.abs() > m.1.abs() { (j, *b) } else { m },
        );
    Error::invalid(
        "x",
        format!(
            "{kind}: {} of {} rows have fitted probabilities within 3e-7 of 0 or 1 after {iterations} iterations ({why}); \
             the maximum-likelihood estimate does not exist (largest coefficient: column {j} = {b:.3e}); use an L2 penalty or drop the separating attribute",
            acc.near_saturated, acc.rows
        ),
    )
}

fn validate(
    x: &[f64],
    n: usize,
    p: usize,
    y: &[f64],
    weights: Option<&[f64]>,
    opts: &LogitOptions,
) -> Result<()> {
    if p == 0 {
        return Err(Error::InsufficientData {
            what: "logistic regression columns".into(),
            n: 0,
            min: 1,
        });
    }
    let np = n
        .checked_mul(p)
        .ok_or_else(|| Error::invalid("n", format!("n·p overflows ({n} × {p})")))?;
    if x.len() != np {
        return Err(Error::LengthMismatch {
            what: format!("x (row-major {n} × {p})"),
            expected: np,
            found: x.len(),
        });
    }
    if y.len() != n {
        return Err(Error::LengthMismatch {
            what: "y".into(),
            expected: n,
            found: y.len(),
        });
    }
    if let Some(w) = weights {
        if w.len() != n {
            return Err(Error::LengthMismatch {
                what: "weights".into(),
                expected: n,
                found: w.len(),
            });
        }
        if let Some(i) = w.iter().position(|w| !w.is_finite() || *w < 0.0) {
            return Err(Error::invalid(
                "weights",
                format!("weight {} at row {i} is not finite and >= 0", w[i]),
            ));
        }
    }
    if !opts.l2.is_finite() || opts.l2 < 0.0 {
        return Err(Error::invalid(
            "l2",
            format!("{} is not finite and >= 0", opts.l2),
        ));
    }
    if let Some(k) = opts.intercept_index
        && k >= p
    {
        return Err(Error::invalid(
            "intercept_index",
            format!("{k} is not a column of a design with {p} columns"),
        ));
    }
    if opts.max_iter == 0 {
        return Err(Error::invalid("max_iter", "must be at least 1"));
    }
    if !opts.tol.is_finite() || opts.tol <= 0.0 {
        return Err(Error::invalid(
            "tol",
            format!("{} is not finite and > 0", opts.tol),
        ));
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid(
            "x",
            format!(
                "non-finite value {} at row {}, column {}",
                x[i],
                i / p,
                i % p
            ),
        ));
    }
    if let Some(i) = y.iter().position(|v| !(0.0..=1.0).contains(v)) {
        return Err(Error::invalid(
            "y",
            format!("value {} at row {i} is not in [0, 1]", y[i]),
        ));
    }
    let (mut rows, mut pos, mut neg) = (0usize, 0.0f64, 0.0f64);
    for (i, &yi) in y.iter().enumerate() {
        let w = weights.map_or(1.0, |w| w[i]);
        if w > 0.0 {
            rows += 1;
            pos += w * yi;
            neg += w * (1.0 - yi);
        }
    }
    if rows == 0 {
        return Err(Error::InsufficientData {
            what: "logistic regression rows of positive weight".into(),
            n: 0,
            min: 1,
        });
    }
    if pos <= 0.0 || neg <= 0.0 {
        return Err(Error::OneClass {
            target: "y".into(),
            class: if pos <= 0.0 { "0" } else { "1" }.into(),
        });
    }
    Ok(())
}

struct Data<'a> {
    x: &'a [f64],
    y: &'a [f64],
    w: Option<&'a [f64]>,
    n: usize,
    p: usize,
}

/// Sums over rows at one β.
struct Acc {
    /// Upper triangle (row-major `p × p`, `k >= j`) of `Σ w μ(1−μ) x xᵀ`.
    h: Vec<f64>,
    /// Score `Σ w (y − μ) x`.
    g: Vec<f64>,
    /// Log-likelihood.
    ll: f64,
    /// Rows of positive weight.
    rows: usize,
    /// Of them, rows with `|η| > SATURATED_ETA`.
    saturated: usize,
    /// Of them, rows with `|η| > NEAR_SATURATED_ETA`.
    near_saturated: usize,
    /// Of them, rows on the side of their label (y = 1 and η > 0, or y = 0
    /// and η < 0). All rows so means that the sign of η separates the
    /// classes: perfect separation.
    perfect: usize,
}

impl Acc {
    fn zero(p: usize) -> Self {
        Self {
            h: vec![0.0; p * p],
            g: vec![0.0; p],
            ll: 0.0,
            rows: 0,
            saturated: 0,
            near_saturated: 0,
            perfect: 0,
        }
    }
    fn add(&mut self, o: &Acc) {
        self.h.iter_mut().zip(&o.h).for_each(|(a, b)| *a += b);
        self.g.iter_mut().zip(&o.g).for_each(|(a, b)| *a += b);
        self.ll += o.ll;
        self.rows += o.rows;
        self.saturated += o.saturated;
        self.near_saturated += o.near_saturated;
        self.perfect += o.perfect;
    }
}

impl Data<'_> {
    fn accumulate(&self, beta: &[f64]) -> Acc {
        let chunks = self.n.div_ceil(ROW_CHUNK);
        let parts: Vec<Acc> = (0..chunks)
            .into_par_iter()
            .map(|c| self.chunk(beta, c * ROW_CHUNK, ((c + 1) * ROW_CHUNK).min(self.n)))
            .collect();
        let mut total = Acc::zero(self.p);
        for part in &parts {
            total.add(part);
        }
        total
    }

    fn chunk(&self, beta: &[f64], start: usize, end: usize) -> Acc {
        let p = self.p;
        let mut acc = Acc::zero(p);
        for i in start..end {
            let w = self.w.map_or(1.0, |w| w[i]);
            if w <= 0.0 {
                continue;
            }
            let xi = &self.x[i * p..(i + 1) * p];
            let y = self.y[i];
            let eta: f64 = xi.iter().zip(beta).map(|(a, b)| a * b).sum();
            // μ, 1 − μ and softplus(η) = ln(1 + e^η) without cancellation
            // or overflow, from one exponential.
            let e = (-eta.abs()).exp();
            let (hi, lo) = (1.0 / (1.0 + e), e / (1.0 + e));
            let (mu, q) = if eta >= 0.0 { (hi, lo) } else { (lo, hi) };
            let softplus = eta.max(0.0) + e.ln_1p();
            acc.ll += w * (y * eta - softplus);
            acc.rows += 1;
            if (eta > 0.0 && y == 1.0) || (eta < 0.0 && y == 0.0) {
                acc.perfect += 1;
            }
            if eta.abs() > NEAR_SATURATED_ETA {
                acc.near_saturated += 1;
                if eta.abs() > SATURATED_ETA {
                    acc.saturated += 1;
                }
            }
            let r = w * (y - mu);
            let v = w * mu * q;
            for (j, (row, g)) in acc.h.chunks_exact_mut(p).zip(acc.g.iter_mut()).enumerate() {
                let xj = xi[j];
                *g += r * xj;
                let vx = v * xj;
                for (h, &xk) in row[j..].iter_mut().zip(&xi[j..]) {
                    *h += vx * xk;
                }
            }
        }
        acc
    }
}

/// The full symmetric `XᵀWX + λ·I_P` from the accumulated upper triangle.
fn information(h: &[f64], penalized: &[bool], lambda: f64, p: usize, out: &mut [f64]) {
    for j in 0..p {
        for k in j..p {
            out[j * p + k] = h[j * p + k];
            out[k * p + j] = h[j * p + k];
        }
        if penalized[j] {
            out[j * p + j] += lambda;
        }
    }
}

/// In-place Cholesky `A = L Lᵀ` of a symmetric row-major `p × p` matrix
/// (lower triangle of `a` receives `L`). `Err(j)` when the pivot of column `j`
/// is not positive or below `PIVOT_REL` times its diagonal element
/// (numerically singular).
fn cholesky(a: &mut [f64], p: usize) -> std::result::Result<(), usize> {
    for j in 0..p {
        let diag = a[j * p + j];
        let mut d = diag;
        for k in 0..j {
            d -= a[j * p + k] * a[j * p + k];
        }
        if d.is_nan() || d <= PIVOT_REL * diag || !d.is_finite() {
            return Err(j);
        }
        let l = d.sqrt();
        a[j * p + j] = l;
        for i in j + 1..p {
            let mut s = a[i * p + j];
            for k in 0..j {
                s -= a[i * p + k] * a[j * p + k];
            }
            a[i * p + j] = s / l;
        }
    }
    Ok(())
}

/// Solves `L Lᵀ v = b` in place.
fn cholesky_solve(l: &[f64], p: usize, b: &mut [f64]) {
    for i in 0..p {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * p + k] * b[k];
        }
        b[i] = s / l[i * p + i];
    }
    for i in (0..p).rev() {
        let mut s = b[i];
        for k in i + 1..p {
            s -= l[k * p + i] * b[k];
        }
        b[i] = s / l[i * p + i];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    const LOGISTIC: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/models_logistic.json"
    ));

    #[derive(Deserialize)]
    struct LogisticFile {
        cases: Vec<LogisticCase>,
    }
    #[derive(Deserialize)]
    struct LogisticCase {
        name: String,
        n: usize,
        p: usize,
        x: Vec<f64>,
        y: Vec<f64>,
        weights: Option<Vec<f64>>,
        l2: f64,
        intercept_index: Option<usize>,
        expected: Option<Expected>,
        expected_error: Option<String>,
    }
    #[derive(Deserialize)]
    struct Expected {
        coef: Vec<f64>,
        std_err: Option<Vec<f64>>,
        z: Option<Vec<f64>>,
        p_value: Option<Vec<f64>>,
        log_likelihood: Option<f64>,
    }

    fn assert_rel(name: &str, what: &str, got: &[f64], want: &[f64], rel: f64) {
        assert_eq!(got.len(), want.len(), "{name}: {what} length");
        for (j, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                (g - w).abs() <= rel * w.abs().max(1e-300) || (g - w).abs() <= 1e-300,
                "{name}: {what}[{j}] = {g}, expected {w}"
            );
        }
    }

    #[test]
    fn logistic_fixture_matches_statsmodels_and_sklearn() {
        let file: LogisticFile = serde_json::from_str(LOGISTIC).unwrap();
        assert_eq!(file.cases.len(), 15);
        let (mut ok, mut errs) = (0, 0);
        for c in &file.cases {
            let opts = LogitOptions {
                l2: c.l2,
                intercept_index: c.intercept_index,
                ..LogitOptions::default()
            };
            let res = logistic_irls(&c.x, c.n, c.p, &c.y, c.weights.as_deref(), &opts);
            match (&c.expected, c.expected_error.as_deref()) {
                (Some(e), None) => {
                    ok += 1;
                    let fit = res.unwrap_or_else(|err| panic!("{}: {err}", c.name));
                    assert!(fit.converged, "{}", c.name);
                    // sklearn (penalised) is matched to 1e-5, statsmodels to 1e-6.
                    let rel = if c.l2 > 0.0 { 1e-5 } else { 1e-6 };
                    assert_rel(&c.name, "coef", &fit.coef, &e.coef, rel);
                    if let Some(se) = &e.std_err {
                        assert_rel(&c.name, "std_err", &fit.std_err, se, 1e-6);
                    }
                    if let Some(z) = &e.z {
                        assert_rel(&c.name, "z", &fit.z, z, 1e-6);
                    }
                    if let Some(pv) = &e.p_value {
                        assert_rel(&c.name, "p_value", &fit.p_value, pv, 1e-6);
                    }
                    if let Some(ll) = e.log_likelihood {
                        assert_rel(
                            &c.name,
                            "log_likelihood",
                            &[fit.log_likelihood],
                            &[ll],
                            1e-9,
                        );
                    }
                }
                (None, Some(kind)) => {
                    errs += 1;
                    let err = res.expect_err(&c.name);
                    let msg = err.to_string();
                    match kind {
                        "separation" => assert!(is_separation(&err), "{}: {msg}", c.name),
                        "singular" => assert!(msg.contains("singular design"), "{}: {msg}", c.name),
                        "one_class" => {
                            assert!(matches!(err, Error::OneClass { .. }), "{}: {msg}", c.name)
                        }
                        other => panic!("{}: unknown kind {other}", c.name),
                    }
                }
                _ => panic!("{}: malformed case", c.name),
            }
        }
        assert_eq!((ok, errs), (10, 5));
    }

    /// Deterministic pseudo-random design, without the rand crate's API churn.
    fn synthetic(n: usize, p: usize) -> (Vec<f64>, Vec<f64>) {
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut x = Vec::with_capacity(n * p);
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let mut eta = -0.3;
            x.push(1.0);
            for j in 1..p {
                let v = next() * 4.0 - 2.0;
                eta += v * (j as f64 * 0.37 - 0.8);
                x.push(v);
            }
            y.push(if next() < 1.0 / (1.0 + (-eta).exp()) {
                1.0
            } else {
                0.0
            });
        }
        (x, y)
    }

    #[test]
    fn bit_identical_across_thread_counts() {
        let (n, p) = (5 * ROW_CHUNK + 123, 6);
        let (x, y) = synthetic(n, p);
        let w: Vec<f64> = (0..n).map(|i| 0.5 + (i % 7) as f64 * 0.25).collect();
        for (weights, l2) in [(None, 0.0), (Some(&w[..]), 2.0)] {
            let opts = LogitOptions {
                l2,
                intercept_index: Some(0),
                ..LogitOptions::default()
            };
            let fits: Vec<LogitFit> = [1, 2, 3]
                .iter()
                .map(|&t| {
                    rayon::ThreadPoolBuilder::new()
                        .num_threads(t)
                        .build()
                        .unwrap()
                        .install(|| logistic_irls(&x, n, p, &y, weights, &opts).unwrap())
                })
                .collect();
            for f in &fits[1..] {
                assert_eq!(f, &fits[0]);
                for (a, b) in f.coef.iter().zip(&fits[0].coef) {
                    assert_eq!(a.to_bits(), b.to_bits());
                }
            }
            assert!(fits[0].converged);
        }
    }

    #[test]
    fn weights_equal_row_replication() {
        let (n, p) = (300, 3);
        let (x, y) = synthetic(n, p);
        let w: Vec<f64> = (0..n).map(|i| (i % 3) as f64).collect();
        let opts = LogitOptions {
            intercept_index: Some(0),
            ..LogitOptions::default()
        };
        let a = logistic_irls(&x, n, p, &y, Some(&w), &opts).unwrap();
        let (mut xr, mut yr) = (Vec::new(), Vec::new());
        for i in 0..n {
            for _ in 0..(i % 3) {
                xr.extend_from_slice(&x[i * p..(i + 1) * p]);
                yr.push(y[i]);
            }
        }
        let b = logistic_irls(&xr, yr.len(), p, &yr, None, &opts).unwrap();
        assert_rel("replication", "coef", &a.coef, &b.coef, 1e-9);
        assert_rel("replication", "std_err", &a.std_err, &b.std_err, 1e-9);
    }

    #[test]
    fn bad_input_gives_typed_errors() {
        let x = [1.0, 0.5, 1.0, -0.5, 1.0, 1.5, 1.0, -1.0];
        let y = [1.0, 0.0, 1.0, 0.0];
        let o = LogitOptions::default();
        assert!(matches!(
            logistic_irls(&x, 4, 3, &y, None, &o),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            logistic_irls(&x, 4, 2, &y[..3], None, &o),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            logistic_irls(&x, 4, 2, &y, Some(&[1.0]), &o),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            logistic_irls(&[], 0, 0, &[], None, &o),
            Err(Error::InsufficientData { .. })
        ));
        assert!(matches!(
            logistic_irls(&[], 0, 2, &[], None, &o),
            Err(Error::InsufficientData { .. })
        ));
        assert!(matches!(
            logistic_irls(&x, 4, 2, &y, Some(&[0.0; 4]), &o),
            Err(Error::InsufficientData { .. })
        ));
        assert!(matches!(
            logistic_irls(&x, 4, 2, &y, Some(&[1.0, f64::NAN, 1.0, 1.0]), &o),
            Err(Error::InvalidArgument { .. })
        ));
        let mut xn = x;
        xn[3] = f64::INFINITY;
        assert!(matches!(
            logistic_irls(&xn, 4, 2, &y, None, &o),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            logistic_irls(&x, 4, 2, &[1.0, 2.0, 0.0, 0.0], None, &o),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            logistic_irls(&x, 4, 2, &[0.0; 4], None, &o),
            Err(Error::OneClass { .. })
        ));
        for bad in [
            LogitOptions {
                l2: -1.0,
                ..o.clone()
            },
            LogitOptions {
                l2: f64::NAN,
                ..o.clone()
            },
            LogitOptions {
                intercept_index: Some(2),
                ..o.clone()
            },
            LogitOptions {
                max_iter: 0,
                ..o.clone()
            },
            LogitOptions {
                tol: 0.0,
                ..o.clone()
            },
        ] {
            assert!(matches!(
                logistic_irls(&x, 4, 2, &y, None, &bad),
                Err(Error::InvalidArgument { .. })
            ));
        }
        // Zero column.
        let xz = [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0];
        let err = logistic_irls(&xz, 4, 2, &y, None, &o).unwrap_err();
        assert!(err.to_string().contains("singular design"), "{err}");
        // With a penalty on it, the zero column is fine (coefficient 0).
        let fit = logistic_irls(
            &xz,
            4,
            2,
            &y,
            None,
            &LogitOptions {
                l2: 1.0,
                intercept_index: Some(0),
                ..o.clone()
            },
        )
        .unwrap();
        assert_eq!(fit.coef[1], 0.0);
    }

    #[test]
    fn separation_is_reported_never_nan() {
        // Perfectly separated on one column, with and without intercept.
        let xs = [
            1.0, -2.0, 1.0, -1.0, 1.0, -0.5, 1.0, 0.5, 1.0, 1.0, 1.0, 2.0,
        ];
        let ys = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let o = LogitOptions::default();
        let err = logistic_irls(&xs, 6, 2, &ys, None, &o).unwrap_err();
        assert!(is_separation(&err), "{err}");
        assert!(err.to_string().contains("perfect separation"), "{err}");
        // Few iterations: still an error, not a silent fit.
        let err = logistic_irls(
            &xs,
            6,
            2,
            &ys,
            None,
            &LogitOptions {
                max_iter: 3,
                ..o.clone()
            },
        );
        if let Ok(fit) = &err {
            assert!(!fit.converged && fit.coef.iter().all(|c| c.is_finite()));
        }
        // The penalised fit exists and is finite.
        let fit = logistic_irls(
            &xs,
            6,
            2,
            &ys,
            None,
            &LogitOptions {
                l2: 1.0,
                intercept_index: Some(0),
                ..o.clone()
            },
        )
        .unwrap();
        assert!(fit.converged && fit.coef.iter().chain(&fit.std_err).all(|c| c.is_finite()));
        // Unconverged without saturation: converged = false, finite.
        let (x, y) = synthetic(200, 3);
        let fit = logistic_irls(
            &x,
            200,
            3,
            &y,
            None,
            &LogitOptions {
                max_iter: 1,
                ..o.clone()
            },
        )
        .unwrap();
        assert!(!fit.converged && fit.coef.iter().all(|c| c.is_finite()));
        assert_eq!(fit.iterations, 1);
    }

    #[test]
    fn fractional_responses_and_default_options() {
        // Proportions as y: same as replicated 0/1 rows.
        let x = [1.0, 0.0, 1.0, 1.0, 1.0, 2.0];
        let y = [0.25, 0.5, 0.75];
        let fit = logistic_irls(
            &x,
            3,
            2,
            &y,
            Some(&[4.0, 4.0, 4.0]),
            &LogitOptions::default(),
        )
        .unwrap();
        let mut xr = Vec::new();
        let mut yr = Vec::new();
        for (i, k) in [1usize, 2, 3].iter().enumerate() {
            for r in 0..4 {
                xr.extend_from_slice(&x[i * 2..i * 2 + 2]);
                yr.push(if r < *k { 1.0 } else { 0.0 });
            }
        }
        let fit2 = logistic_irls(&xr, 12, 2, &yr, None, &LogitOptions::default()).unwrap();
        assert_rel("fractional", "coef", &fit.coef, &fit2.coef, 1e-10);
        assert_eq!(LogitOptions::default().max_iter, 100);
    }
}
