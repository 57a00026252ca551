//! Composite customer quality: one configurable score per customer from
//! retention, expansion, NPS, support load, sales cycle, time to value…
//! (seed 002 step 2, seed 001 step 1), carrying its components so a reader
//! sees why an account scored as it did.
//!
//! # Definition
//!
//! A [`QualitySpec`] lists [`Component`]s. For component `k` and account `i`
//! of the population (the rows matching [`QualitySpec::population`]):
//!
//! 1. the **raw value** `x_ik` comes from the component's [`Source`] (a
//!    numeric column, a ratio of two columns, a categorical column mapped to
//!    scores, a retention status, a flag); `NaN` when missing;
//! 2. it is **normalised** over the population's present values of `k`:
//!    * [`Normalisation::PercentileRank`] (default):
//!      `pr(x) = (#{v < x} + ½·#{v = x}) / n`, in `(0, 1)`; the reference is
//!      `scipy.stats.percentileofscore(values, x, kind="mean") / 100`;
//!    * [`Normalisation::RobustZ`]: `(x − median) / s` with
//!      `s = 1.482602218505602 · MAD` (`scipy.stats.median_abs_deviation(values,
//!      scale="normal")`), falling back to `s = 1.2533141373155 · mean|x − median|`
//!      when the MAD is 0 (more than half the values tie at the median), and to
//!      `z = 0` for every value when that is 0 too (a constant component);
//! 3. it is **oriented**: for [`Direction::LowerIsBetter`] (support tickets,
//!    cycle days, time to value) the normalised value is `1 − pr` or `−z`, so
//!    that higher is always better;
//! 4. the **composite** is the weighted mean of the oriented values
//!    `score_i = Σ_k w_k s_ik / Σ_k w_k` over the components that count for
//!    the account under the [`QualityMissing`] policy.
//!
//! With percentile ranks only, the score lies in `(0, 1)`; robust z-scores
//! are unbounded, so mixing the two weights the z components more heavily in
//! the tails (stated, not prevented).
//!
//! # Missing values ([`QualityMissing`])
//!
//! * `Reweight` (default): the mean runs over the components present for the
//!   account; the account is scored when their weight is at least
//!   `min_weight_share` of the total (default 0: any one component);
//! * `Neutral`: a missing component counts at its neutral value (percentile
//!   rank ½, z 0: the population median);
//! * `CompleteCases`: an account missing any component is not scored.
//!
//! Under every policy an account with **all components missing** is not
//! scored: its score is `NaN` and it is counted in
//! [`QualityScores::n_all_missing`] (a documented result, not an error).
//! Rows outside the population have `NaN` scores too.

use crate::cohort::predicate_mask;
use crate::error::{Error, Result};
use crate::icp::{Criterion, Predicate};
use crate::outcome::RetentionStatus;
use crate::rank::{from_order_key, order_key};
use crate::table::{AccountTable, Bitmap, FLAG_MISSING, MISSING_CODE};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which way a component is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More is better (expansion, NPS, retention).
    #[default]
    HigherIsBetter,
    /// Less is better (support tickets, cycle days, time to value).
    LowerIsBetter,
}

/// How raw values are put on a common scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalisation {
    /// Mid-rank percentile in (0, 1) (see the module doc).
    #[default]
    PercentileRank,
    /// `(x − median) / (1.4826 · MAD)` (see the module doc).
    RobustZ,
}

/// Where a component's raw value comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Source {
    /// A numeric column as it is.
    Numeric {
        /// The column.
        column: String,
    },
    /// `numerator / denominator` (e.g. expansion = current ARR ÷ starting
    /// ARR); missing when either is missing or the denominator is `≤ 0`.
    Ratio {
        /// Numerator column.
        numerator: String,
        /// Denominator column.
        denominator: String,
    },
    /// A categorical column mapped to scores; every level of the column must
    /// be mapped (checked when computed), missing stays missing.
    Levels {
        /// The column.
        column: String,
        /// Score per level.
        scores: BTreeMap<String, f64>,
    },
    /// A retention-status column (any spelling [`RetentionStatus`] parses),
    /// scored churned 0, contracted 1, active 2, expanded 3.
    Retention {
        /// The column.
        column: String,
    },
    /// A flag column: true 1, false 0.
    Flag {
        /// The column.
        column: String,
    },
}

impl Source {
    /// The columns read.
    pub fn columns(&self) -> Vec<&str> {
        match self {
            Source::Numeric { column }
            | Source::Levels { column, .. }
            | Source::Retention { column }
            | Source::Flag { column } => vec![column],
            Source::Ratio {
                numerator,
                denominator,
            } => vec![numerator, denominator],
        }
    }
}

/// One component of the composite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Unique name ("expansion", "nps").
    pub name: String,
    /// Where the raw value comes from.
    pub source: Source,
    /// Which way is good (default higher).
    #[serde(default)]
    pub direction: Direction,
    /// Weight, finite and `> 0` (default 1).
    #[serde(default = "one")]
    pub weight: f64,
    /// Normalisation (default percentile rank).
    #[serde(default)]
    pub normalisation: Normalisation,
}

fn one() -> f64 {
    1.0
}

impl Component {
    /// A component with weight 1, higher is better, percentile rank.
    pub fn new(name: impl Into<String>, source: Source) -> Self {
        Self {
            name: name.into(),
            source,
            direction: Direction::HigherIsBetter,
            weight: 1.0,
            normalisation: Normalisation::PercentileRank,
        }
    }
    /// A numeric column.
    pub fn numeric(name: impl Into<String>, column: impl Into<String>) -> Self {
        Self::new(
            name,
            Source::Numeric {
                column: column.into(),
            },
        )
    }
    /// A ratio of two numeric columns.
    pub fn ratio(
        name: impl Into<String>,
        numerator: impl Into<String>,
        denominator: impl Into<String>,
    ) -> Self {
        Self::new(
            name,
            Source::Ratio {
                numerator: numerator.into(),
                denominator: denominator.into(),
            },
        )
    }
    /// A retention-status column.
    pub fn retention(name: impl Into<String>, column: impl Into<String>) -> Self {
        Self::new(
            name,
            Source::Retention {
                column: column.into(),
            },
        )
    }
    /// Builder: lower is better.
    pub fn lower_is_better(mut self) -> Self {
        self.direction = Direction::LowerIsBetter;
        self
    }
    /// Builder: weight.
    pub fn weight(mut self, weight: f64) -> Self {
        self.weight = weight;
        self
    }
    /// Builder: robust z normalisation.
    pub fn robust_z(mut self) -> Self {
        self.normalisation = Normalisation::RobustZ;
        self
    }
}

/// What a missing component does to an account's score (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case", deny_unknown_fields)]
pub enum QualityMissing {
    /// Weighted mean over the present components; scored when their weight
    /// share is at least `min_weight_share`.
    Reweight {
        /// Minimum share of the total weight present, in `[0, 1]`.
        #[serde(default)]
        min_weight_share: f64,
    },
    /// A missing component counts at its neutral value (the median).
    Neutral,
    /// Any missing component leaves the account unscored.
    CompleteCases,
}

impl Default for QualityMissing {
    fn default() -> Self {
        Self::Reweight {
            min_weight_share: 0.0,
        }
    }
}

/// The composite quality score's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualitySpec {
    /// Components (at least one, unique names).
    pub components: Vec<Component>,
    /// Missing-value policy (default: re-weight over the present components).
    #[serde(default)]
    pub missing: QualityMissing,
    /// The accounts scored: rows matching every criterion (evaluated like
    /// primary ICP criteria, see [`crate::cohort::predicate_mask`]); empty =
    /// every row. Percentile ranks and medians are taken over this population.
    #[serde(default)]
    pub population: Vec<Criterion>,
}

impl QualitySpec {
    /// A spec of the given components, default missing policy, every row.
    pub fn new(components: Vec<Component>) -> Self {
        Self {
            components,
            missing: QualityMissing::default(),
            population: Vec::new(),
        }
    }
    /// Builder: the missing policy.
    pub fn missing(mut self, missing: QualityMissing) -> Self {
        self.missing = missing;
        self
    }
    /// Builder: add a population criterion.
    pub fn population(mut self, c: Criterion) -> Self {
        self.population.push(c);
        self
    }

    /// The seeds' composite (seed 002: "retention + expansion + NPS + low
    /// support volume + short sales cycle"; seed 001 adds time to first
    /// value), all weight 1, percentile ranks, on the conventional column
    /// names, keeping those `table` has:
    ///
    /// | component | source | direction |
    /// |---|---|---|
    /// | `retention` | `retention_status` (retention scores) | higher |
    /// | `expansion` | `current_arr / start_arr` | higher |
    /// | `nps` | `nps` | higher |
    /// | `support_load` | `support_tickets` | lower |
    /// | `time_to_value` | `time_to_value_days` | lower |
    /// | `sales_cycle` | `cycle_days` | lower |
    ///
    /// The population is the customers: rows whose `retention_status` is
    /// known (every row when the table has no such column). Errors when the
    /// table has none of these columns.
    pub fn default_for(table: &AccountTable) -> Result<Self> {
        let has = |c: &str| table.schema().index_of(c).is_ok();
        let candidates = [
            Component::retention("retention", "retention_status"),
            Component::ratio("expansion", "current_arr", "start_arr"),
            Component::numeric("nps", "nps"),
            Component::numeric("support_load", "support_tickets").lower_is_better(),
            Component::numeric("time_to_value", "time_to_value_days").lower_is_better(),
            Component::numeric("sales_cycle", "cycle_days").lower_is_better(),
        ];
        let components: Vec<Component> = candidates
            .into_iter()
            .filter(|c| c.source.columns().iter().all(|col| has(col)))
            .collect();
        if components.is_empty() {
            return Err(Error::invalid(
                "quality spec",
                "the table has none of the default quality columns (retention_status, \
                 current_arr + start_arr, nps, support_tickets, time_to_value_days, cycle_days); \
                 give the components explicitly",
            ));
        }
        let mut spec = Self::new(components);
        if has("retention_status") {
            spec = spec.population(Criterion::new(
                "customer",
                "retention_status",
                Predicate::IsMissing(false),
            ));
        }
        Ok(spec)
    }

    /// Structural check: at least one component, unique non-empty names,
    /// weights finite and `> 0`, `min_weight_share` in `[0, 1]`.
    pub fn check(&self) -> Result<()> {
        if self.components.is_empty() {
            return Err(Error::invalid(
                "quality spec",
                "needs at least one component",
            ));
        }
        for (i, c) in self.components.iter().enumerate() {
            if c.name.is_empty() {
                return Err(Error::invalid(
                    "quality spec",
                    format!("component {i} has no name"),
                ));
            }
            if self.components[..i].iter().any(|o| o.name == c.name) {
                return Err(Error::invalid(
                    "quality spec",
                    format!("component `{}` appears twice", c.name),
                ));
            }
            if !(c.weight.is_finite() && c.weight > 0.0) {
                return Err(Error::invalid(
                    "quality spec",
                    format!(
                        "component `{}` has weight {}; weights must be finite and > 0",
                        c.name, c.weight
                    ),
                ));
            }
        }
        if let QualityMissing::Reweight { min_weight_share } = self.missing
            && !(0.0..=1.0).contains(&min_weight_share)
        {
            return Err(Error::invalid(
                "min_weight_share",
                format!("{min_weight_share} must lie in [0, 1]"),
            ));
        }
        Ok(())
    }

    /// Parses a JSON spec and [`check`](Self::check)s it.
    pub fn from_json(text: &str) -> Result<Self> {
        let spec: Self = serde_json::from_str(text).map_err(|e| Error::Document {
            what: "quality spec JSON".into(),
            message: e.to_string(),
        })?;
        spec.check()?;
        Ok(spec)
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::Document {
            what: "quality spec JSON".into(),
            message: e.to_string(),
        })
    }
}

/// One component's values for every row of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentScores {
    /// The component's name.
    pub name: String,
    /// Its weight.
    pub weight: f64,
    /// Raw values (`NaN`: missing or outside the population).
    pub raw: Vec<f64>,
    /// Normalised and oriented values, higher = better (`NaN` where raw is).
    pub normalised: Vec<f64>,
    /// Population rows with a value.
    pub n_present: usize,
    /// Median of the raw values over the population.
    pub median: f64,
}

/// One component's part in one account's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// The component.
    pub component: String,
    /// Raw value (`NaN`: missing).
    pub raw: f64,
    /// Normalised, oriented value (`NaN`: missing).
    pub normalised: f64,
    /// Weight in this account's mean (0 when the component did not count;
    /// the weights of the counting components sum to 1).
    pub effective_weight: f64,
}

/// Composite quality scores of every row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualityScores {
    /// The spec they were computed with.
    pub spec: QualitySpec,
    /// Composite per row (`NaN`: not scored).
    pub score: Vec<f64>,
    /// Per row, the share of the total weight present (0 outside the
    /// population).
    pub coverage: Vec<f64>,
    /// Per component, its raw and normalised values.
    pub components: Vec<ComponentScores>,
    /// Rows in the population.
    pub n_population: usize,
    /// Rows scored.
    pub n_scored: usize,
    /// Population rows with every component missing (not scored).
    pub n_all_missing: usize,
    /// Population rows left unscored by the missing policy although some
    /// component was present.
    pub n_below_coverage: usize,
    #[serde(skip)]
    population: Bitmap,
}

impl QualityScores {
    /// The population rows.
    pub fn population(&self) -> &Bitmap {
        &self.population
    }
    /// The scored rows.
    pub fn scored(&self) -> Bitmap {
        Bitmap::from_fn(self.score.len(), |i| !self.score[i].is_nan())
    }
    /// Why row `i` scored as it did: each component's raw and normalised
    /// value and its effective weight. Out-of-range rows give an error.
    pub fn explain(&self, row: usize) -> Result<Vec<Contribution>> {
        if row >= self.score.len() {
            return Err(Error::invalid(
                "row",
                format!("{row} is out of range ({} rows)", self.score.len()),
            ));
        }
        let weights =
            effective_weights(&self.spec, &self.components, row, self.population.get(row));
        Ok(self
            .components
            .iter()
            .zip(weights)
            .map(|(c, w)| Contribution {
                component: c.name.clone(),
                raw: c.raw[row],
                normalised: c.normalised[row],
                effective_weight: w,
            })
            .collect())
    }
}

/// The mid-rank percentile of every value of `values` (NaN stays NaN):
/// `(#{v < x} + ½·#{v = x}) / n` over the `n` non-NaN values.
///
/// Reference: `scipy.stats.percentileofscore(values, x, kind="mean") / 100`.
/// O(n log n), one sort.
pub fn percentile_ranks(values: &[f64]) -> Vec<f64> {
    percentile_ranks_and_median(values).0
}

/// [`percentile_ranks`] and the [`median`] of the values, from one sort.
fn percentile_ranks_and_median(values: &[f64]) -> (Vec<f64>, f64) {
    // (order key << 64 | row): one integer sort orders rows by value.
    let mut keyed: Vec<u128> = values
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.is_nan())
        .map(|(i, &v)| (u128::from(order_key(v)) << 64) | i as u128)
        .collect();
    keyed.sort_unstable();
    let n = keyed.len() as f64;
    let mut out = vec![f64::NAN; values.len()];
    let mut s = 0;
    while s < keyed.len() {
        let key = keyed[s] >> 64;
        let mut e = s + 1;
        while e < keyed.len() && keyed[e] >> 64 == key {
            e += 1;
        }
        let pr = (s as f64 + 0.5 * (e - s) as f64) / n;
        for &k in &keyed[s..e] {
            out[k as u64 as usize] = pr;
        }
        s = e;
    }
    let m = keyed.len();
    let value = |j: usize| from_order_key((keyed[j] >> 64) as u64);
    let med = match m {
        0 => f64::NAN,
        _ if m % 2 == 1 => value(m / 2),
        _ => (value(m / 2 - 1) + value(m / 2)) / 2.0,
    };
    (out, med)
}

/// `1 / Φ⁻¹(3/4)`: scales the MAD to the standard deviation of a normal.
pub const MAD_NORMAL: f64 = 1.482_602_218_505_602;
/// `sqrt(π/2)`: scales the mean absolute deviation to a normal's sd.
pub const MEAN_AD_NORMAL: f64 = 1.253_314_137_315_500_3;

/// Median of the non-NaN values (mean of the two middle ones for an even
/// count; `NaN` when there are none). Reference: `numpy.nanmedian`.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    median_in_place(&mut v)
}

fn median_in_place(v: &mut [f64]) -> f64 {
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    let (_, &mut hi, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        hi
    } else {
        // The lower middle is the maximum of the left part.
        let lo = v[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo + hi) / 2.0
    }
}

/// Robust z-scores of `values` (NaN stays NaN): `(x − median) / s`, with
/// `s = 1.482602218505602 · MAD`, or `1.2533141373155 · mean|x − median|`
/// when the MAD is 0, and every z = 0 when both are 0. Returns the scores
/// and `(median, s)`.
///
/// Reference: `(x - np.median(x)) / scipy.stats.median_abs_deviation(x,
/// scale="normal")` (and the stated fallback, computed with numpy).
pub fn robust_z(values: &[f64]) -> (Vec<f64>, f64, f64) {
    let mut present: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    let med = median_in_place(&mut present);
    let mut dev: Vec<f64> = present.iter().map(|x| (x - med).abs()).collect();
    let mean_ad = if dev.is_empty() {
        0.0
    } else {
        dev.iter().sum::<f64>() / dev.len() as f64
    };
    let mad = median_in_place(&mut dev);
    let scale = if mad > 0.0 {
        MAD_NORMAL * mad
    } else {
        MEAN_AD_NORMAL * mean_ad
    };
    let z = values
        .iter()
        .map(|&x| {
            if x.is_nan() {
                f64::NAN
            } else if scale > 0.0 {
                (x - med) / scale
            } else {
                0.0
            }
        })
        .collect();
    (z, med, scale)
}

fn neutral(n: Normalisation) -> f64 {
    match n {
        Normalisation::PercentileRank => 0.5,
        Normalisation::RobustZ => 0.0,
    }
}

/// Raw values of a source over the population rows (NaN elsewhere).
fn raw_values(table: &AccountTable, source: &Source, population: &Bitmap) -> Result<Vec<f64>> {
    let n = table.n_rows();
    let pick = |f: &dyn Fn(usize) -> f64| -> Vec<f64> {
        (0..n)
            .map(|i| if population.get(i) { f(i) } else { f64::NAN })
            .collect()
    };
    Ok(match source {
        Source::Numeric { column } => {
            let v = table.numeric(column)?;
            pick(&|i| v[i])
        }
        Source::Ratio {
            numerator,
            denominator,
        } => {
            let (a, b) = (table.numeric(numerator)?, table.numeric(denominator)?);
            pick(&|i| if b[i] > 0.0 { a[i] / b[i] } else { f64::NAN })
        }
        Source::Flag { column } => {
            let v = table.flag(column)?;
            pick(&|i| {
                if v[i] == FLAG_MISSING {
                    f64::NAN
                } else {
                    f64::from(v[i])
                }
            })
        }
        Source::Levels { column, scores } => {
            let cat = table.categorical(column)?;
            let mut by_code = Vec::with_capacity(cat.levels().len());
            for level in cat.levels() {
                match scores.get(level) {
                    Some(&s) if s.is_finite() => by_code.push(s),
                    Some(&s) => {
                        return Err(Error::invalid(
                            "quality spec",
                            format!(
                                "level `{level}` of `{column}` has score {s}; scores must be finite"
                            ),
                        ));
                    }
                    None => {
                        return Err(Error::invalid(
                            "quality spec",
                            format!(
                                "level `{level}` of `{column}` has no score; mapped: {}",
                                scores.keys().cloned().collect::<Vec<_>>().join(", ")
                            ),
                        ));
                    }
                }
            }
            let codes = cat.codes();
            pick(&|i| {
                let c = codes[i];
                if c == MISSING_CODE {
                    f64::NAN
                } else {
                    by_code[c as usize]
                }
            })
        }
        Source::Retention { column } => {
            let typed = crate::outcome::parse_column(
                table,
                column,
                &crate::outcome::OutcomeMap::<RetentionStatus>::new(),
            )?;
            pick(&|i| match typed[i] {
                None => f64::NAN,
                Some(RetentionStatus::Churned) => 0.0,
                Some(RetentionStatus::Contracted) => 1.0,
                Some(RetentionStatus::Active) => 2.0,
                Some(RetentionStatus::Expanded) => 3.0,
            })
        }
    })
}

/// Per component, the weight it has in row `i`'s mean (summing to 1 over the
/// counting components), all 0 when the row is not scored.
fn effective_weights(
    spec: &QualitySpec,
    comps: &[ComponentScores],
    i: usize,
    in_population: bool,
) -> Vec<f64> {
    let total: f64 = comps.iter().map(|c| c.weight).sum();
    let present: Vec<bool> = comps.iter().map(|c| !c.normalised[i].is_nan()).collect();
    let w_present: f64 = comps
        .iter()
        .zip(&present)
        .filter(|(_, p)| **p)
        .map(|(c, _)| c.weight)
        .sum();
    let zero = vec![0.0; comps.len()];
    if !in_population || w_present == 0.0 {
        return zero;
    }
    match spec.missing {
        QualityMissing::Reweight { min_weight_share } => {
            if w_present / total + 1e-12 < min_weight_share {
                return zero;
            }
            comps
                .iter()
                .zip(&present)
                .map(|(c, &p)| if p { c.weight / w_present } else { 0.0 })
                .collect()
        }
        QualityMissing::Neutral => comps.iter().map(|c| c.weight / total).collect(),
        QualityMissing::CompleteCases => {
            if present.iter().all(|&p| p) {
                comps.iter().map(|c| c.weight / total).collect()
            } else {
                zero
            }
        }
    }
}

/// Computes the composite quality of every row of `table` (see the module
/// doc). Errors: a spec failing [`QualitySpec::check`], unknown columns,
/// columns of the wrong kind, unmapped levels, an empty population
/// ([`Error::InsufficientData`]).
pub fn quality(table: &AccountTable, spec: &QualitySpec) -> Result<QualityScores> {
    spec.check()?;
    let population = predicate_mask(table, &spec.population)?;
    let n_population = population.count_ones();
    if n_population == 0 {
        return Err(Error::InsufficientData {
            what: "quality population (rows matching the population criteria)".into(),
            n: 0,
            min: 1,
        });
    }
    let components: Vec<ComponentScores> = spec
        .components
        .par_iter()
        .map(|c| {
            let raw = raw_values(table, &c.source, &population)?;
            let (mut normalised, median) = match c.normalisation {
                Normalisation::PercentileRank => percentile_ranks_and_median(&raw),
                Normalisation::RobustZ => {
                    let (z, med, _) = robust_z(&raw);
                    (z, med)
                }
            };
            if c.direction == Direction::LowerIsBetter {
                for v in &mut normalised {
                    *v = match c.normalisation {
                        Normalisation::PercentileRank => 1.0 - *v,
                        Normalisation::RobustZ => -*v,
                    };
                }
            }
            Ok(ComponentScores {
                name: c.name.clone(),
                weight: c.weight,
                n_present: raw.iter().filter(|x| !x.is_nan()).count(),
                raw,
                normalised,
                median,
            })
        })
        .collect::<Result<_>>()?;
    let total: f64 = components.iter().map(|c| c.weight).sum();
    let n = table.n_rows();
    let rows: Vec<(f64, f64, u8)> = (0..n)
        .into_par_iter()
        .with_min_len(4096)
        .map(|i| {
            if !population.get(i) {
                return (f64::NAN, 0.0, 0);
            }
            let w_present: f64 = components
                .iter()
                .filter(|c| !c.normalised[i].is_nan())
                .map(|c| c.weight)
                .sum();
            if w_present == 0.0 {
                return (f64::NAN, 0.0, 1);
            }
            let coverage = w_present / total;
            let (mut sum, mut wsum, mut complete) = (0.0, 0.0, true);
            for (c, sc) in components.iter().zip(&spec.components) {
                let v = c.normalised[i];
                if v.is_nan() {
                    complete = false;
                    if spec.missing == QualityMissing::Neutral {
                        sum += c.weight * neutral(sc.normalisation);
                        wsum += c.weight;
                    }
                } else {
                    sum += c.weight * v;
                    wsum += c.weight;
                }
            }
            let keep = match spec.missing {
                QualityMissing::Reweight { min_weight_share } => {
                    coverage + 1e-12 >= min_weight_share
                }
                QualityMissing::Neutral => true,
                QualityMissing::CompleteCases => complete,
            };
            if !keep {
                return (f64::NAN, coverage, 2);
            }
            let s = sum / wsum;
            (s, coverage, 0)
        })
        .collect();
    let score: Vec<f64> = rows.iter().map(|r| r.0).collect();
    let coverage = rows.iter().map(|r| r.1).collect();
    let n_all_missing = rows.iter().filter(|r| r.2 == 1).count();
    let n_below_coverage = rows.iter().filter(|r| r.2 == 2).count();
    Ok(QualityScores {
        spec: spec.clone(),
        n_scored: score.iter().filter(|s| !s.is_nan()).count(),
        score,
        coverage,
        components,
        n_population,
        n_all_missing,
        n_below_coverage,
        population,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::CsvOptions;

    fn customers() -> AccountTable {
        AccountTable::from_csv_reader(
            &b"account_id,retention_status,current_arr,start_arr,nps,support_tickets,outcome
a,expanded,150,100,9,1,won
b,active,100,100,7,2,won
c,churned,0,100,2,6,won
d,contracted,50,100,,3,won
e,,,,,,lost
f,active,,,,,won
"[..],
            &CsvOptions::default(),
        )
        .unwrap()
    }

    #[test]
    fn percentile_ranks_by_hand() {
        let pr = percentile_ranks(&[3.0, 1.0, f64::NAN, 3.0, 2.0]);
        assert_eq!(pr[1], 0.125);
        assert_eq!(pr[4], 0.375);
        assert_eq!(pr[0], 0.75);
        assert_eq!(pr[3], 0.75);
        assert!(pr[2].is_nan());
        assert!(percentile_ranks(&[]).is_empty());
    }

    #[test]
    fn robust_z_by_hand_and_fallbacks() {
        let (z, med, s) = robust_z(&[1.0, 2.0, 3.0, 4.0, 100.0]);
        assert_eq!(med, 3.0);
        assert!((s - MAD_NORMAL).abs() < 1e-15);
        assert!((z[4] - 97.0 / MAD_NORMAL).abs() < 1e-12);
        // MAD 0 (three of five tie at the median): mean absolute deviation.
        let (z, _, s) = robust_z(&[5.0, 5.0, 5.0, 6.0, 9.0]);
        assert!((s - MEAN_AD_NORMAL * 1.0).abs() < 1e-15);
        assert!((z[4] - 4.0 / s).abs() < 1e-12);
        // Constant: all zero.
        let (z, _, s) = robust_z(&[2.0, 2.0, f64::NAN]);
        assert_eq!((z[0], z[1], s), (0.0, 0.0, 0.0));
        assert!(z[2].is_nan());
        assert!(median(&[]).is_nan());
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn default_spec_scores_customers_and_explains() {
        let t = customers();
        let spec = QualitySpec::default_for(&t).unwrap();
        let names: Vec<&str> = spec.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["retention", "expansion", "nps", "support_load"]);
        let q = quality(&t, &spec).unwrap();
        assert_eq!(q.n_population, 5, "rows with a retention status");
        assert!(q.score[4].is_nan(), "not a customer");
        // a is best on every component, c worst.
        let best = (0..6)
            .filter(|&i| !q.score[i].is_nan())
            .max_by(|&a, &b| q.score[a].total_cmp(&q.score[b]));
        assert_eq!(best, Some(0));
        assert!(q.score[2] < q.score[1]);
        // f has only the retention component: re-weighted over it alone.
        let f = q.explain(5).unwrap();
        assert_eq!(f[0].effective_weight, 1.0);
        assert!(f[1..].iter().all(|c| c.effective_weight == 0.0));
        assert_eq!(q.score[5], f[0].normalised);
        assert_eq!(q.coverage[5], 0.25);
        // support tickets: lower is better, so a (1 ticket) is near 1.
        let sup = &q.components[3];
        assert_eq!(sup.normalised[0], 1.0 - 0.125);
        assert_eq!(
            sup.median,
            median(&sup.raw),
            "one sort gives ranks and median"
        );
        assert!(q.explain(99).is_err());
    }

    #[test]
    fn missing_policies_are_selectable() {
        let t = customers();
        let base = QualitySpec::default_for(&t).unwrap();
        let cc = quality(&t, &base.clone().missing(QualityMissing::CompleteCases)).unwrap();
        assert_eq!(cc.n_scored, 3, "d lacks nps, f lacks most");
        assert_eq!(cc.n_below_coverage, 2);
        let neutral = quality(&t, &base.clone().missing(QualityMissing::Neutral)).unwrap();
        let f = neutral.explain(5).unwrap();
        assert!(f.iter().all(|c| c.effective_weight == 0.25));
        let retention = neutral.components[0].normalised[5];
        assert!((neutral.score[5] - (retention + 3.0 * 0.5) / 4.0).abs() < 1e-12);
        let half = quality(
            &t,
            &base.clone().missing(QualityMissing::Reweight {
                min_weight_share: 0.5,
            }),
        )
        .unwrap();
        assert!(half.score[5].is_nan() && !half.score[3].is_nan());
    }

    #[test]
    fn all_components_missing_is_a_documented_result() {
        let t = AccountTable::from_csv_reader(
            &b"id,nps,support_tickets\na,9,1\nb,,\nc,3,4\n"[..],
            &CsvOptions::default(),
        )
        .unwrap();
        let spec = QualitySpec::new(vec![
            Component::numeric("nps", "nps"),
            Component::numeric("support", "support_tickets").lower_is_better(),
        ]);
        for missing in [
            QualityMissing::default(),
            QualityMissing::Neutral,
            QualityMissing::CompleteCases,
        ] {
            let q = quality(&t, &spec.clone().missing(missing)).unwrap();
            assert!(q.score[1].is_nan());
            assert_eq!(q.n_all_missing, 1);
            assert_eq!(q.n_scored, 2);
        }
    }

    #[test]
    fn bad_specs_are_typed_errors() {
        let t = customers();
        let bad = |spec: QualitySpec| quality(&t, &spec).unwrap_err().to_string();
        assert!(bad(QualitySpec::new(vec![])).contains("at least one component"));
        assert!(
            bad(QualitySpec::new(vec![
                Component::numeric("x", "nps"),
                Component::numeric("x", "nps")
            ]))
            .contains("appears twice")
        );
        assert!(
            bad(QualitySpec::new(vec![
                Component::numeric("x", "nps").weight(0.0)
            ]))
            .contains("weight 0")
        );
        assert!(
            bad(QualitySpec::new(vec![Component::numeric("x", "npz")]))
                .contains("did you mean `nps`")
        );
        assert!(
            bad(QualitySpec::new(vec![Component::numeric("x", "outcome")]))
                .contains("is categorical")
        );
        let levels = Component::new(
            "o",
            Source::Levels {
                column: "outcome".into(),
                scores: [("won".to_owned(), 1.0)].into(),
            },
        );
        assert!(bad(QualitySpec::new(vec![levels])).contains("`lost` of `outcome` has no score"));
        let nobody = QualitySpec::new(vec![Component::numeric("x", "nps")]).population(
            Criterion::new("p", "outcome", Predicate::In(vec!["open".into()])),
        );
        assert!(matches!(
            quality(&t, &nobody),
            Err(Error::InsufficientData { .. })
        ));
        let none =
            AccountTable::from_csv_reader(&b"id,x\na,1\n"[..], &CsvOptions::default()).unwrap();
        assert!(QualitySpec::default_for(&none).is_err());
    }

    #[test]
    fn spec_round_trips_through_json() {
        let t = customers();
        let spec = QualitySpec::default_for(&t)
            .unwrap()
            .missing(QualityMissing::Reweight {
                min_weight_share: 0.5,
            });
        let text = spec.to_json().unwrap();
        assert_eq!(QualitySpec::from_json(&text).unwrap(), spec);
        let err = QualitySpec::from_json(r#"{"components": [{"name": "x", "source": {"kind": "numeric", "column": "nps"}, "wieght": 2}]}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `wieght`"), "{err}");
    }
}
