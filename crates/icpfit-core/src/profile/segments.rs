//! The segment table of seed 002 ("run cohort analysis by industry, company
//! size, deal source, plan tier, geography"): per segment of a
//! [`Segmentation`], the win rate, average ACV and sales cycle of won deals,
//! logo churn and NRR of customers, each rate with its interval, and the
//! ICP symptom of seed 002 flagged: **segments whose NRR differs by 30
//! points or more** ("if best vs worst is 30+ points apart, the ICP is too
//! broad").
//!
//! Definitions, per segment:
//! * closed deals: outcome won, lost or no decision; **win rate** = won /
//!   closed, with its Wilson interval ([`wilson_interval`]);
//! * **average ACV** and **average cycle days**: means over the segment's
//!   won deals with a value;
//! * customers: rows with `start_arr > 0` and a known `current_arr`;
//!   **NRR** = mean over customers of `current_arr / start_arr` (account
//!   weighted), its interval the normal approximation
//!   `mean ± z·s/√n` (`s` with divisor `n − 1`; reference
//!   `statsmodels.stats.weightstats.DescrStatsW(x).zconfint_mean(alpha)`),
//!   and **ARR-weighted NRR** = `Σ current / Σ start`;
//! * **logo churn** = customers with `current_arr = 0` / customers, with its
//!   Wilson interval;
//! * **ARR decomposition** (seed 004's GRR / NRR by segment): over the
//!   customers, `start_arr` = Σ start; `churned_arr` = Σ start of customers
//!   with current 0; `contracted_arr` = Σ (start − current) of customers
//!   with 0 < current < start; `expanded_arr` = Σ (current − start) of
//!   customers with current > start; **GRR** = `(start − churned −
//!   contracted) / start` (ARR weighted, never above 1) and
//!   `nrr_arr_weighted = (start − churned − contracted + expanded) / start`;
//! * **average discount** of won deals with a value (`discount` column),
//!   the seed's "segments that require excessive discounting to close";
//! * `nrr_vs_rest` = the segment's NRR minus the NRR of the customers of every
//!   other segment (rows with a missing segment value take part in neither);
//!   the segment is **NRR-divergent** when `|nrr_vs_rest| ≥ nrr_gap` (0.30)
//!   and it has at least `min_customers` (20) customers.
//!
//! The table's `nrr_spread` is the best minus the worst segment NRR among
//! segments with at least `min_customers` customers, and `divergent` says
//! whether it reaches `nrr_gap`.
//!
//! A segmentation with fewer than two non-empty segments is an
//! [`Error::InsufficientData`]: there is nothing to compare.

use crate::cohort::Segmentation;
use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::outcome::{DealOutcome, OutcomeMap, parse_column};
use crate::stats::wilson_interval;
use crate::table::{AccountTable, MISSING_CODE};
use serde::Serialize;
use std::fmt;

/// Which columns feed the segment table, and its thresholds. A column set
/// to `None` leaves its metrics out (NaN).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentMetrics {
    /// Deal-outcome column (default `outcome`).
    pub outcome: Option<String>,
    /// ACV column (default `acv`).
    pub acv: Option<String>,
    /// Sales-cycle days column (default `cycle_days`).
    pub cycle_days: Option<String>,
    /// Starting ARR column (default `start_arr`).
    pub start_arr: Option<String>,
    /// Current ARR column (default `current_arr`).
    pub current_arr: Option<String>,
    /// Discount column of won deals (default `None`, so that tables without
    /// one work with the defaults; [`for_table`](Self::for_table) picks
    /// `discount` when the table has it).
    #[serde(default)]
    pub discount: Option<String>,
    /// Confidence of every interval (default 0.95).
    pub confidence: f64,
    /// NRR difference that flags a segment (default 0.30 = 30 points).
    pub nrr_gap: f64,
    /// Customers a segment needs to be flagged or to count in the spread
    /// (default 20).
    pub min_customers: usize,
}

impl Default for SegmentMetrics {
    fn default() -> Self {
        Self {
            outcome: Some("outcome".into()),
            acv: Some("acv".into()),
            cycle_days: Some("cycle_days".into()),
            start_arr: Some("start_arr".into()),
            current_arr: Some("current_arr".into()),
            discount: None,
            confidence: 0.95,
            nrr_gap: 0.30,
            min_customers: 20,
        }
    }
}

impl SegmentMetrics {
    /// The defaults, without the columns `table` lacks.
    pub fn for_table(table: &AccountTable) -> Self {
        let keep = |c: Option<String>| c.filter(|n| table.schema().index_of(n).is_ok());
        let d = Self::default();
        Self {
            outcome: keep(d.outcome),
            acv: keep(d.acv),
            cycle_days: keep(d.cycle_days),
            start_arr: keep(d.start_arr),
            current_arr: keep(d.current_arr),
            discount: keep(Some("discount".into())),
            ..d
        }
    }
}

/// One segment's line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentRow {
    /// Segment label.
    pub segment: String,
    /// Rows in the segment.
    pub accounts: usize,
    /// Closed deals (won, lost, no decision).
    pub closed: usize,
    /// Won deals.
    pub won: usize,
    /// `won / closed` (NaN without closed deals).
    pub win_rate: f64,
    /// Wilson interval of the win rate.
    pub win_rate_ci: (f64, f64),
    /// Mean ACV of won deals.
    pub avg_acv: f64,
    /// Mean cycle days of won deals.
    pub avg_cycle_days: f64,
    /// Mean discount of won deals (NaN without the column or values).
    pub avg_discount: f64,
    /// Customers (start ARR > 0, current ARR known).
    pub customers: usize,
    /// Account-weighted NRR.
    pub nrr: f64,
    /// Normal-approximation interval of the NRR.
    pub nrr_ci: (f64, f64),
    /// ARR-weighted NRR `Σ current / Σ start`.
    pub nrr_arr_weighted: f64,
    /// Starting ARR of the customers.
    pub start_arr: f64,
    /// Starting ARR of the churned customers.
    pub churned_arr: f64,
    /// ARR lost by contraction (start − current where 0 < current < start).
    pub contracted_arr: f64,
    /// ARR gained by expansion (current − start where current > start).
    pub expanded_arr: f64,
    /// Gross revenue retention `(start − churned − contracted) / start`.
    pub grr: f64,
    /// Customers with current ARR 0.
    pub churned: usize,
    /// `churned / customers`.
    pub churn_rate: f64,
    /// Wilson interval of the churn rate.
    pub churn_rate_ci: (f64, f64),
    /// NRR minus the NRR of the other segments' customers.
    pub nrr_vs_rest: f64,
    /// `|nrr_vs_rest| ≥ nrr_gap` with enough customers.
    pub nrr_divergent: bool,
    /// Evidence level of the win rate (closed deals).
    pub evidence_win: EvidenceLevel,
    /// Evidence level of the NRR and churn (customers).
    pub evidence_nrr: EvidenceLevel,
}

/// The segment table of one column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentTable {
    /// The segmented column.
    pub column: String,
    /// One row per segment, in segment order.
    pub rows: Vec<SegmentRow>,
    /// Every row with a known segment together.
    pub overall: SegmentRow,
    /// Best minus worst NRR among segments with enough customers.
    pub nrr_spread: f64,
    /// Segment with the best NRR (enough customers).
    pub best_nrr_segment: Option<String>,
    /// Segment with the worst NRR (enough customers).
    pub worst_nrr_segment: Option<String>,
    /// `nrr_spread ≥ nrr_gap`: the ICP is too broad (seed 002).
    pub divergent: bool,
    /// The thresholds used.
    pub metrics: SegmentMetrics,
}

#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    accounts: usize,
    closed: usize,
    won: usize,
    acv: (f64, usize),
    cycle: (f64, usize),
    discount: (f64, usize),
    customers: usize,
    ratio_sum: f64,
    ratio_sq: f64,
    cur: f64,
    start: f64,
    churned: usize,
    churned_arr: f64,
    contracted_arr: f64,
    expanded_arr: f64,
}

impl Acc {
    fn merge(&mut self, o: &Acc) {
        self.accounts += o.accounts;
        self.closed += o.closed;
        self.won += o.won;
        self.acv = (self.acv.0 + o.acv.0, self.acv.1 + o.acv.1);
        self.cycle = (self.cycle.0 + o.cycle.0, self.cycle.1 + o.cycle.1);
        self.customers += o.customers;
        self.ratio_sum += o.ratio_sum;
        self.ratio_sq += o.ratio_sq;
        self.cur += o.cur;
        self.start += o.start;
        self.churned += o.churned;
        self.discount = (
            self.discount.0 + o.discount.0,
            self.discount.1 + o.discount.1,
        );
        self.churned_arr += o.churned_arr;
        self.contracted_arr += o.contracted_arr;
        self.expanded_arr += o.expanded_arr;
    }
    fn nrr(&self) -> f64 {
        if self.customers == 0 {
            f64::NAN
        } else {
            self.ratio_sum / self.customers as f64
        }
    }
}

fn mean((s, n): (f64, usize)) -> f64 {
    if n == 0 { f64::NAN } else { s / n as f64 }
}

fn wilson(k: usize, n: usize, conf: f64) -> Result<(f64, f64)> {
    if n == 0 {
        return Ok((f64::NAN, f64::NAN));
    }
    wilson_interval(k as f64, n as f64, conf)
}

impl SegmentTable {
    /// Computes the table (see the module doc). Errors: fewer than two
    /// non-empty segments, unknown or mistyped columns, an unknown outcome
    /// value, a confidence outside (0, 1).
    pub fn new(table: &AccountTable, seg: &Segmentation, metrics: &SegmentMetrics) -> Result<Self> {
        seg.require_two("segment table")?;
        if seg.codes().len() != table.n_rows() {
            return Err(Error::LengthMismatch {
                what: format!("segmentation of `{}`", seg.column),
                expected: table.n_rows(),
                found: seg.codes().len(),
            });
        }
        if !(metrics.confidence > 0.0 && metrics.confidence < 1.0) {
            return Err(Error::invalid(
                "confidence",
                format!("{} must lie strictly between 0 and 1", metrics.confidence),
            ));
        }
        let n = table.n_rows();
        let outcome = match &metrics.outcome {
            Some(c) => Some(parse_column(table, c, &OutcomeMap::<DealOutcome>::new())?),
            None => None,
        };
        let num = |c: &Option<String>| -> Result<Option<&[f64]>> {
            c.as_deref().map(|c| table.numeric(c)).transpose()
        };
        let (acv, cycle, start, cur, discount) = (
            num(&metrics.acv)?,
            num(&metrics.cycle_days)?,
            num(&metrics.start_arr)?,
            num(&metrics.current_arr)?,
            num(&metrics.discount)?,
        );
        let mut accs = vec![Acc::default(); seg.len()];
        for i in 0..n {
            let code = seg.codes()[i];
            if code == MISSING_CODE {
                continue;
            }
            let a = &mut accs[code as usize];
            a.accounts += 1;
            let o = outcome.as_ref().and_then(|o| o[i]);
            if matches!(
                o,
                Some(DealOutcome::Won | DealOutcome::Lost | DealOutcome::NoDecision)
            ) {
                a.closed += 1;
            }
            if o == Some(DealOutcome::Won) {
                a.won += 1;
                if let Some(v) = acv
                    && !v[i].is_nan()
                {
                    a.acv = (a.acv.0 + v[i], a.acv.1 + 1);
                }
                if let Some(v) = cycle
                    && !v[i].is_nan()
                {
                    a.cycle = (a.cycle.0 + v[i], a.cycle.1 + 1);
                }
                if let Some(v) = discount
                    && !v[i].is_nan()
                {
                    a.discount = (a.discount.0 + v[i], a.discount.1 + 1);
                }
            }
            if let (Some(s), Some(c)) = (start, cur)
                && s[i] > 0.0
                && !c[i].is_nan()
            {
                let r = c[i] / s[i];
                a.customers += 1;
                a.ratio_sum += r;
                a.ratio_sq += r * r;
                a.cur += c[i];
                a.start += s[i];
                a.churned += usize::from(c[i] == 0.0);
                if c[i] == 0.0 {
                    a.churned_arr += s[i];
                } else if c[i] < s[i] {
                    a.contracted_arr += s[i] - c[i];
                } else {
                    a.expanded_arr += c[i] - s[i];
                }
            }
        }
        let mut total = Acc::default();
        for a in &accs {
            total.merge(a);
        }
        let z = crate::stats::rates::critical_value(metrics.confidence)?;
        let row = |label: &str, a: &Acc| -> Result<SegmentRow> {
            let nrr = a.nrr();
            let nrr_ci = if a.customers >= 2 {
                let m = a.customers as f64;
                let var = ((a.ratio_sq - a.ratio_sum * a.ratio_sum / m) / (m - 1.0)).max(0.0);
                let half = z * (var / m).sqrt();
                (nrr - half, nrr + half)
            } else {
                (f64::NAN, f64::NAN)
            };
            let mut rest = total;
            rest.accounts -= a.accounts;
            rest.customers -= a.customers;
            rest.ratio_sum -= a.ratio_sum;
            let nrr_vs_rest = nrr - rest.nrr();
            Ok(SegmentRow {
                segment: label.to_owned(),
                accounts: a.accounts,
                closed: a.closed,
                won: a.won,
                win_rate: if a.closed > 0 {
                    a.won as f64 / a.closed as f64
                } else {
                    f64::NAN
                },
                win_rate_ci: wilson(a.won, a.closed, metrics.confidence)?,
                avg_acv: mean(a.acv),
                avg_cycle_days: mean(a.cycle),
                avg_discount: mean(a.discount),
                customers: a.customers,
                nrr,
                nrr_ci,
                nrr_arr_weighted: if a.start > 0.0 {
                    a.cur / a.start
                } else {
                    f64::NAN
                },
                start_arr: a.start,
                churned_arr: a.churned_arr,
                contracted_arr: a.contracted_arr,
                expanded_arr: a.expanded_arr,
                grr: if a.start > 0.0 {
                    (a.start - a.churned_arr - a.contracted_arr) / a.start
                } else {
                    f64::NAN
                },
                churned: a.churned,
                churn_rate: if a.customers > 0 {
                    a.churned as f64 / a.customers as f64
                } else {
                    f64::NAN
                },
                churn_rate_ci: wilson(a.churned, a.customers, metrics.confidence)?,
                nrr_vs_rest,
                nrr_divergent: a.customers >= metrics.min_customers
                    && nrr_vs_rest.abs() >= metrics.nrr_gap - 1e-12,
                evidence_win: EvidenceLevel::from_n(a.closed),
                evidence_nrr: EvidenceLevel::from_n(a.customers),
            })
        };
        let rows: Vec<SegmentRow> = seg
            .labels
            .iter()
            .zip(&accs)
            .map(|(l, a)| row(l, a))
            .collect::<Result<_>>()?;
        let mut overall = row("all", &total)?;
        overall.nrr_vs_rest = f64::NAN;
        overall.nrr_divergent = false;
        let eligible: Vec<&SegmentRow> = rows
            .iter()
            .filter(|r| r.customers >= metrics.min_customers && !r.nrr.is_nan())
            .collect();
        let best = eligible.iter().max_by(|x, y| x.nrr.total_cmp(&y.nrr));
        let worst = eligible.iter().min_by(|x, y| x.nrr.total_cmp(&y.nrr));
        let nrr_spread = match (best, worst) {
            (Some(b), Some(w)) if eligible.len() >= 2 => b.nrr - w.nrr,
            _ => f64::NAN,
        };
        Ok(Self {
            column: seg.column.clone(),
            divergent: nrr_spread >= metrics.nrr_gap - 1e-12,
            best_nrr_segment: best.map(|r| r.segment.clone()),
            worst_nrr_segment: worst.map(|r| r.segment.clone()),
            nrr_spread,
            rows,
            overall,
            metrics: metrics.clone(),
        })
    }

    /// The NRR-divergent segments.
    pub fn flagged(&self) -> Vec<&SegmentRow> {
        self.rows.iter().filter(|r| r.nrr_divergent).collect()
    }
}

fn pct(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{:.1}%", x * 100.0)
    }
}

impl fmt::Display for SegmentTable {
    /// One line per segment: win rate (interval), ACV, cycle, customers,
    /// NRR (interval), churn, and a `<< NRR divergent` mark.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<28} {:>7} {:>20} {:>9} {:>6} {:>6} {:>20} {:>7}",
            self.column,
            "closed",
            "win rate (95% CI)",
            "avg ACV",
            "cycle",
            "cust",
            "NRR (95% CI)",
            "churn"
        )?;
        for r in self.rows.iter().chain(std::iter::once(&self.overall)) {
            writeln!(
                f,
                "{:<28} {:>7} {:>20} {:>9.0} {:>6.0} {:>6} {:>20} {:>7}{}",
                r.segment,
                r.closed,
                format!(
                    "{} ({}–{})",
                    pct(r.win_rate),
                    pct(r.win_rate_ci.0),
                    pct(r.win_rate_ci.1)
                ),
                r.avg_acv,
                r.avg_cycle_days,
                r.customers,
                format!("{} ({}–{})", pct(r.nrr), pct(r.nrr_ci.0), pct(r.nrr_ci.1)),
                pct(r.churn_rate),
                if r.nrr_divergent {
                    "  << NRR divergent"
                } else {
                    ""
                }
            )?;
        }
        if !self.nrr_spread.is_nan() {
            writeln!(
                f,
                "NRR spread {:.1} points (best {}, worst {}){}",
                self.nrr_spread * 100.0,
                self.best_nrr_segment.as_deref().unwrap_or("-"),
                self.worst_nrr_segment.as_deref().unwrap_or("-"),
                if self.divergent {
                    ": 30+ points apart, the ICP is too broad (seed 002)"
                } else {
                    ""
                }
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cohort::SegmentBy;
    use crate::table::CsvOptions;

    fn table() -> AccountTable {
        let mut csv = String::from("id,industry,outcome,acv,cycle_days,start_arr,current_arr\n");
        // edu: 30 customers, NRR 0.7 (10 churned, 20 at 1.05); others: 30 at 1.1.
        for i in 0..30 {
            let cur = if i < 10 { 0.0 } else { 105.0 };
            csv.push_str(&format!("e{i},edu,won,100,30,100,{cur}\n"));
        }
        for i in 0..30 {
            csv.push_str(&format!("f{i},fin,won,200,60,100,110\n"));
        }
        for i in 0..20 {
            let o = if i < 5 { "lost" } else { "no_decision" };
            csv.push_str(&format!(
                "l{i},{},{o},300,90,,\n",
                if i % 2 == 0 { "edu" } else { "fin" }
            ));
        }
        csv.push_str("x,,won,50,10,100,100\n");
        AccountTable::from_csv_reader(csv.as_bytes(), &CsvOptions::default()).unwrap()
    }

    #[test]
    fn segment_rows_by_hand() {
        let t = table();
        let seg = Segmentation::new(&t, "industry", &SegmentBy::Levels).unwrap();
        let st = SegmentTable::new(&t, &seg, &SegmentMetrics::default()).unwrap();
        let edu = &st.rows[0];
        assert_eq!(
            (edu.segment.as_str(), edu.accounts, edu.closed, edu.won),
            ("edu", 40, 40, 30)
        );
        assert_eq!(edu.win_rate, 0.75);
        assert_eq!(edu.avg_acv, 100.0);
        assert_eq!(edu.customers, 30);
        assert!((edu.nrr - 0.7).abs() < 1e-12);
        assert_eq!(edu.churned, 10);
        // ARR decomposition: 30 × 100 start, 10 churned, 20 expanded by 5.
        assert_eq!(
            (
                edu.start_arr,
                edu.churned_arr,
                edu.contracted_arr,
                edu.expanded_arr
            ),
            (3000.0, 1000.0, 0.0, 100.0)
        );
        assert!((edu.grr - 2.0 / 3.0).abs() < 1e-12);
        assert!((edu.nrr_arr_weighted - 2100.0 / 3000.0).abs() < 1e-12);
        assert!(edu.avg_discount.is_nan(), "no discount column");
        assert!(
            SegmentMetrics::for_table(&t).discount.is_none(),
            "for_table leaves out the absent discount column"
        );
        let fin = &st.rows[1];
        assert!((fin.nrr - 1.1).abs() < 1e-12);
        assert_eq!(fin.nrr_ci.0, fin.nrr_ci.1, "no variance");
        assert!((edu.nrr_vs_rest + 0.4).abs() < 1e-12);
        assert!(
            edu.nrr_divergent && fin.nrr_divergent,
            "both 40 points from the other"
        );
        assert!(st.divergent);
        assert!((st.nrr_spread - 0.4).abs() < 1e-12);
        assert_eq!(st.worst_nrr_segment.as_deref(), Some("edu"));
        assert_eq!(
            st.overall.accounts, 80,
            "the row with no industry is in no segment"
        );
        assert_eq!(st.flagged().len(), 2);
        let text = st.to_string();
        assert!(
            text.contains("NRR divergent") && text.contains("too broad"),
            "{text}"
        );
        // Too few customers: no flag.
        let strict = SegmentMetrics {
            min_customers: 31,
            ..Default::default()
        };
        let st = SegmentTable::new(&t, &seg, &strict).unwrap();
        assert!(st.flagged().is_empty() && !st.divergent && st.nrr_spread.is_nan());
    }

    #[test]
    fn single_level_and_bad_options_are_typed_errors() {
        let t = AccountTable::from_csv_reader(
            &b"id,seg,outcome\na,x,won\nb,x,lost\n"[..],
            &CsvOptions::default(),
        )
        .unwrap();
        let seg = Segmentation::new(&t, "seg", &SegmentBy::Levels).unwrap();
        assert!(matches!(
            SegmentTable::new(&t, &seg, &SegmentMetrics::for_table(&t)),
            Err(Error::InsufficientData { n: 1, min: 2, .. })
        ));
        let t = table();
        let seg = Segmentation::new(&t, "industry", &SegmentBy::Levels).unwrap();
        let bad = SegmentMetrics {
            confidence: 1.0,
            ..Default::default()
        };
        assert!(SegmentTable::new(&t, &seg, &bad).is_err());
        let missing_col = SegmentMetrics {
            acv: Some("acvv".into()),
            ..Default::default()
        };
        assert!(matches!(
            SegmentTable::new(&t, &seg, &missing_col),
            Err(Error::UnknownColumn { .. })
        ));
    }
}
