//! The multivariate view: one logistic regression of the target on all
//! ranked attributes together, so a user sees which effects survive the
//! others (an industry effect that is really a size effect shrinks here).
//!
//! Design, documented because coefficients only mean something with it:
//! - an intercept;
//! - numeric: standardised (mean 0, sd 1 over compared rows with a value);
//!   missing → 0 plus a `<col> missing` indicator when any are missing;
//!   coefficients are log-odds per standard deviation;
//! - categorical: one-hot, the most frequent level as baseline, levels
//!   beyond the `max_levels` most frequent pooled into `other`, missing as
//!   its own indicator;
//! - flag: 0/1 plus a missing indicator when needed;
//! - tag set: one indicator per tag present in at least 1 % of compared rows.
//!
//! Fit by IRLS ([`crate::stats::logistic::logistic_irls`], checked against
//! statsmodels). If the unpenalised fit hits separation or a singular design,
//! it is refitted with an L2 penalty of 1 (intercept unpenalised) and the
//! result says so; standard errors are then approximate.

use super::Target;
use super::target::EXCLUDED;
use crate::error::{Error, Result};
use crate::stats::logistic::{LogitOptions, logistic_irls};
use crate::table::{AccountTable, Column, FLAG_MISSING, MISSING_CODE, Role};
use serde::Serialize;

/// One coefficient of the multivariate model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coefficient {
    /// The design column (`employees`, `industry = fintech`, `tech_stack has Snowflake`).
    pub feature: String,
    /// The attribute it comes from (empty for the intercept).
    pub attribute: String,
    /// Log-odds coefficient.
    pub coef: f64,
    /// Standard error.
    pub std_err: f64,
    /// Wald z.
    pub z: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// `exp(coef)`.
    pub odds_ratio: f64,
}

/// Options of [`multivariate`].
#[derive(Debug, Clone, PartialEq)]
pub struct MultivariateOptions {
    /// Attributes to include (default: every attribute column).
    pub columns: Option<Vec<String>>,
    /// Most frequent levels kept per categorical (default 10).
    pub max_levels: usize,
    /// L2 penalty (default 0 = maximum likelihood, with the fallback above).
    pub l2: f64,
}

impl Default for MultivariateOptions {
    fn default() -> Self {
        Self {
            columns: None,
            max_levels: 10,
            l2: 0.0,
        }
    }
}

/// The fitted model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Multivariate {
    /// Coefficients, intercept first, in design order.
    pub coefficients: Vec<Coefficient>,
    /// Rows fitted.
    pub n: usize,
    /// Log-likelihood.
    pub log_likelihood: f64,
    /// Whether IRLS converged.
    pub converged: bool,
    /// The L2 penalty actually used (non-zero after a separation fallback).
    pub l2: f64,
}

struct Design {
    names: Vec<(String, String)>,
    cols: Vec<Vec<f64>>,
}

impl Design {
    fn push(&mut self, feature: String, attribute: &str, values: Vec<f64>) {
        self.names.push((feature, attribute.to_owned()));
        self.cols.push(values);
    }
}

/// Fits the multivariate logistic model of `target` on the attributes.
pub fn multivariate(
    table: &AccountTable,
    target: &Target,
    weights: Option<&[f64]>,
    opts: &MultivariateOptions,
) -> Result<Multivariate> {
    let labels = target.labels();
    if labels.len() != table.n_rows() {
        return Err(Error::LengthMismatch {
            what: "target".into(),
            expected: table.n_rows(),
            found: labels.len(),
        });
    }
    let rows: Vec<usize> = (0..labels.len())
        .filter(|&i| labels[i] != EXCLUDED)
        .collect();
    let n = rows.len();
    let mut d = Design {
        names: Vec::new(),
        cols: Vec::new(),
    };
    d.push("intercept".into(), "", vec![1.0; n]);
    let fields = table.schema().fields();
    for (f, col) in fields.iter().zip(table.columns()) {
        let wanted = match &opts.columns {
            Some(cs) => cs.contains(&f.name),
            None => f.role == Role::Attribute,
        };
        if wanted {
            add_column(&mut d, &f.name, col, &rows, opts.max_levels);
        }
    }
    if let Some(cs) = &opts.columns {
        for c in cs {
            table.schema().index_of(c)?;
        }
    }
    let p = d.cols.len();
    let mut x = vec![0.0; n * p];
    for (j, c) in d.cols.iter().enumerate() {
        for (i, &v) in c.iter().enumerate() {
            x[i * p + j] = v;
        }
    }
    let y: Vec<f64> = rows.iter().map(|&i| f64::from(labels[i])).collect();
    let w: Option<Vec<f64>> = weights.map(|w| rows.iter().map(|&i| w[i]).collect());
    let fit_with = |l2: f64| {
        logistic_irls(
            &x,
            n,
            p,
            &y,
            w.as_deref(),
            &LogitOptions {
                l2,
                intercept_index: Some(0),
                ..Default::default()
            },
        )
    };
    let (fit, l2) = match fit_with(opts.l2) {
        Ok(f) => (f, opts.l2),
        Err(Error::InvalidArgument { .. }) if opts.l2 == 0.0 => (fit_with(1.0)?, 1.0),
        Err(e) => return Err(e),
    };
    let coefficients = d
        .names
        .into_iter()
        .enumerate()
        .map(|(j, (feature, attribute))| Coefficient {
            feature,
            attribute,
            coef: fit.coef[j],
            std_err: fit.std_err[j],
            z: fit.z[j],
            p_value: fit.p_value[j],
            odds_ratio: fit.coef[j].exp(),
        })
        .collect();
    Ok(Multivariate {
        coefficients,
        n,
        log_likelihood: fit.log_likelihood,
        converged: fit.converged,
        l2,
    })
}

fn add_column(d: &mut Design, name: &str, col: &Column, rows: &[usize], max_levels: usize) {
    let n = rows.len();
    match col {
        Column::Numeric(v) => {
            let vals: Vec<f64> = rows.iter().map(|&i| v[i]).collect();
            let present: Vec<f64> = vals.iter().copied().filter(|x| !x.is_nan()).collect();
            if present.len() < 2 {
                return;
            }
            let mean = present.iter().sum::<f64>() / present.len() as f64;
            let sd = (present.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
                / (present.len() - 1) as f64)
                .sqrt();
            if sd == 0.0 {
                return; // a constant carries nothing beyond the intercept
            }
            d.push(
                name.to_owned(),
                name,
                vals.iter()
                    .map(|&x| if x.is_nan() { 0.0 } else { (x - mean) / sd })
                    .collect(),
            );
            if present.len() < n {
                d.push(
                    format!("{name} missing"),
                    name,
                    vals.iter()
                        .map(|x| f64::from(u8::from(x.is_nan())))
                        .collect(),
                );
            }
        }
        Column::Categorical(c) => {
            let mut counts = vec![0usize; c.levels().len()];
            let mut missing = 0;
            for &i in rows {
                match c.codes()[i] {
                    MISSING_CODE => missing += 1,
                    code => counts[code as usize] += 1,
                }
            }
            let mut order: Vec<usize> = (0..counts.len()).filter(|&l| counts[l] > 0).collect();
            order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
            let kept: Vec<usize> = order.iter().copied().take(max_levels).collect();
            for &l in kept.iter().skip(1) {
                let code = l as u32;
                d.push(
                    format!("{name} = {}", c.levels()[l]),
                    name,
                    rows.iter()
                        .map(|&i| f64::from(u8::from(c.codes()[i] == code)))
                        .collect(),
                );
            }
            if order.len() > kept.len() {
                let is_other = |code: u32| code != MISSING_CODE && !kept.contains(&(code as usize));
                d.push(
                    format!("{name} = other"),
                    name,
                    rows.iter()
                        .map(|&i| f64::from(u8::from(is_other(c.codes()[i]))))
                        .collect(),
                );
            }
            if missing > 0 {
                d.push(
                    format!("{name} missing"),
                    name,
                    rows.iter()
                        .map(|&i| f64::from(u8::from(c.codes()[i] == MISSING_CODE)))
                        .collect(),
                );
            }
        }
        Column::Flag(v) => {
            d.push(
                name.to_owned(),
                name,
                rows.iter()
                    .map(|&i| f64::from(u8::from(v[i] == 1)))
                    .collect(),
            );
            if rows.iter().any(|&i| v[i] == FLAG_MISSING) {
                d.push(
                    format!("{name} missing"),
                    name,
                    rows.iter()
                        .map(|&i| f64::from(u8::from(v[i] == FLAG_MISSING)))
                        .collect(),
                );
            }
        }
        Column::TagSet(t) => {
            for (k, tag) in t.tags().iter().enumerate() {
                let has: Vec<f64> = rows
                    .iter()
                    .map(|&i| f64::from(u8::from(t.has(i, k))))
                    .collect();
                let share = has.iter().sum::<f64>() / n.max(1) as f64;
                if (0.01..1.0).contains(&share) {
                    d.push(format!("{name} has {tag}"), name, has);
                }
            }
            if rows.iter().any(|&i| !t.valid().get(i)) {
                d.push(
                    format!("{name} missing"),
                    name,
                    rows.iter()
                        .map(|&i| f64::from(u8::from(!t.valid().get(i))))
                        .collect(),
                );
            }
        }
        Column::Text(_) | Column::Date(_) => {}
    }
}
