//! Weight of Evidence (WoE) and Information Value (IV) of a binned attribute
//! against a binary target.
//!
//! # Definitions (optbinning's sign convention)
//!
//! For bins `i = 1..k` with event counts `e_i` (event = the positive class:
//! won deal, best customer) and non-event counts `ne_i`, possibly weighted,
//! and a smoothing constant `s >= 0`:
//!
//! ```text
//! e'_i  = e_i + s            ne'_i = ne_i + s              (s added to every cell)
//! E     = Σ e'_i             NE    = Σ ne'_i
//! p_e_i = e'_i / E           p_ne_i = ne'_i / NE           (event / non-event shares)
//! WoE_i = ln(p_ne_i / p_e_i)
//! IV_i  = (p_ne_i − p_e_i) · WoE_i  ( = (p_e_i − p_ne_i) · ln(p_e_i / p_ne_i) >= 0 )
//! IV    = Σ IV_i
//! ```
//!
//! WoE is **negative where the event rate is above average** (the bin favours
//! the positive class), as in optbinning (`WoE = ln(non-event share / event
//! share)`); IV does not depend on the sign.
//!
//! # Zero cells
//!
//! * `s > 0`: every cell is smoothed as above, so every WoE is finite. A bin
//!   with no rows at all gets `WoE = ln(E / NE)`; pass only non-empty bins if
//!   that is not wanted.
//! * `s = 0`: optbinning's own rule (`BinningTable.build`): a bin with
//!   `e_i = 0` **or** `ne_i = 0` gets `WoE_i = 0` and `IV_i = 0`, while the
//!   shares of the other bins still use the full totals (including the
//!   counts in those bins). No infinite WoE can come out.

// The crate's one error type is large by design (it says where and what);
// the workspace allows this lint on main.

use crate::{Error, Result};

/// One bin (or level) of a [`WoeTable`].
#[derive(Debug, Clone, PartialEq)]
pub struct WoeRow {
    /// Events (positive class) in the bin, as given (unsmoothed).
    pub events: f64,
    /// Non-events in the bin, as given (unsmoothed).
    pub non_events: f64,
    /// `events / (events + non_events)` of the unsmoothed counts; `0` for an
    /// empty bin. (optbinning's table shows `0` for every bin with a zero
    /// cell, also where all rows are events; this is the true rate.)
    pub event_rate: f64,
    /// Weight of Evidence, see the module doc.
    pub woe: f64,
    /// This bin's contribution to the IV (`>= 0`).
    pub iv: f64,
}

/// WoE and IV of every bin, and the total IV.
#[derive(Debug, Clone, PartialEq)]
pub struct WoeTable {
    /// One row per input bin, in input order.
    pub rows: Vec<WoeRow>,
    /// Information Value: the sum of the rows' `iv`.
    pub iv: f64,
}

/// WoE and IV of per-bin (or per-level) counts of a binary target; see the
/// module doc for the exact definitions, sign and zero-cell rule.
///
/// # Errors
/// * [`Error::LengthMismatch`] when the two slices differ in length;
/// * [`Error::InsufficientData`] for no bin at all;
/// * [`Error::InvalidArgument`] for a negative or non-finite count or
///   smoothing;
/// * [`Error::OneClass`] when there are no events or no non-events at all
///   (before smoothing): the shares are undefined.
pub fn woe_iv(events: &[f64], non_events: &[f64], smoothing: f64) -> Result<WoeTable> {
    if events.len() != non_events.len() {
        return Err(Error::LengthMismatch {
            what: "non_events".into(),
            expected: events.len(),
            found: non_events.len(),
        });
    }
    if events.is_empty() {
        return Err(Error::InsufficientData {
            what: "WoE/IV bins".into(),
            n: 0,
            min: 1,
        });
    }
    if !smoothing.is_finite() || smoothing < 0.0 {
        return Err(Error::invalid(
            "smoothing",
            format!("{smoothing} is not finite and >= 0"),
        ));
    }
    for (name, counts) in [("events", events), ("non_events", non_events)] {
        if let Some(i) = counts.iter().position(|c| !c.is_finite() || *c < 0.0) {
            return Err(Error::invalid(
                name,
                format!("count {} in bin {i} is not finite and >= 0", counts[i]),
            ));
        }
    }
    let raw_e: f64 = events.iter().sum();
    let raw_ne: f64 = non_events.iter().sum();
    if raw_e <= 0.0 || raw_ne <= 0.0 {
        return Err(Error::OneClass {
            target: "binary target of the WoE/IV bins".into(),
            class: if raw_e <= 0.0 { "non-event" } else { "event" }.into(),
        });
    }
    let k = events.len() as f64;
    let tot_e = raw_e + smoothing * k;
    let tot_ne = raw_ne + smoothing * k;
    let mut rows = Vec::with_capacity(events.len());
    let mut iv = 0.0;
    for (&e, &ne) in events.iter().zip(non_events) {
        let n = e + ne;
        let event_rate = if n > 0.0 { e / n } else { 0.0 };
        let (e_s, ne_s) = (e + smoothing, ne + smoothing);
        let (woe, row_iv) = if e_s > 0.0 && ne_s > 0.0 {
            let p_e = e_s / tot_e;
            let p_ne = ne_s / tot_ne;
            let woe = (p_ne / p_e).ln();
            (woe, (p_ne - p_e) * woe)
        } else {
            (0.0, 0.0)
        };
        iv += row_iv;
        rows.push(WoeRow {
            events: e,
            non_events: ne,
            event_rate,
            woe,
            iv: row_iv,
        });
    }
    Ok(WoeTable { rows, iv })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    const WOE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/models_woe.json"
    ));

    #[derive(Deserialize)]
    struct WoeFile {
        cases: Vec<WoeCase>,
    }
    #[derive(Deserialize)]
    struct WoeCase {
        name: String,
        events: Vec<f64>,
        non_events: Vec<f64>,
        smoothing: f64,
        expected_woe: Vec<f64>,
        expected_iv_rows: Vec<f64>,
        expected_iv: f64,
    }

    /// Relative 1e-9, with an absolute floor of 1e-12 for values at zero.
    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs() + 1e-12
    }

    #[test]
    fn woe_fixture_matches_optbinning() {
        let file: WoeFile = serde_json::from_str(WOE).unwrap();
        assert_eq!(file.cases.len(), 11);
        for c in &file.cases {
            let t = woe_iv(&c.events, &c.non_events, c.smoothing).unwrap();
            assert_eq!(t.rows.len(), c.events.len(), "{}", c.name);
            for (i, r) in t.rows.iter().enumerate() {
                assert!(
                    close(r.woe, c.expected_woe[i]),
                    "{} bin {i}: woe {} vs {}",
                    c.name,
                    r.woe,
                    c.expected_woe[i]
                );
                assert!(
                    close(r.iv, c.expected_iv_rows[i]),
                    "{} bin {i}: iv {} vs {}",
                    c.name,
                    r.iv,
                    c.expected_iv_rows[i]
                );
                assert!(r.woe.is_finite() && r.iv >= 0.0);
            }
            assert!(
                close(t.iv, c.expected_iv),
                "{}: iv {} vs {}",
                c.name,
                t.iv,
                c.expected_iv
            );
        }
    }

    #[test]
    fn hand_cases_with_zero_cells() {
        // Two bins, no zero cell: symmetric shares.
        let t = woe_iv(&[10.0, 30.0], &[30.0, 10.0], 0.0).unwrap();
        let l3 = 3f64.ln();
        assert!((t.rows[0].woe - l3).abs() < 1e-15);
        assert!((t.rows[1].woe + l3).abs() < 1e-15);
        assert!((t.iv - 2.0 * 0.5 * l3).abs() < 1e-15);
        assert_eq!(t.rows[1].event_rate, 0.75);
        // A bin with zero events: WoE 0, IV 0, shares keep the full totals.
        let t = woe_iv(&[0.0, 5.0, 5.0], &[10.0, 5.0, 5.0], 0.0).unwrap();
        assert_eq!(
            (t.rows[0].woe, t.rows[0].iv, t.rows[0].event_rate),
            (0.0, 0.0, 0.0)
        );
        let w = ((5.0f64 / 20.0) / (5.0 / 10.0)).ln();
        assert!((t.rows[1].woe - w).abs() < 1e-15);
        // A bin with only events: rate 1, WoE 0.
        let t = woe_iv(&[4.0, 1.0], &[0.0, 3.0], 0.0).unwrap();
        assert_eq!((t.rows[0].event_rate, t.rows[0].woe), (1.0, 0.0));
        // Empty bin with smoothing: ln(E / NE).
        let t = woe_iv(&[0.0, 6.0], &[0.0, 2.0], 1.0).unwrap();
        assert!((t.rows[0].woe - (8.0f64 / 4.0).ln()).abs() < 1e-15);
        assert!(t.rows.iter().all(|r| r.woe.is_finite()));
    }

    #[test]
    fn errors_are_typed() {
        assert!(matches!(
            woe_iv(&[], &[], 0.0),
            Err(Error::InsufficientData { .. })
        ));
        assert!(matches!(
            woe_iv(&[1.0], &[1.0, 2.0], 0.0),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            woe_iv(&[1.0, -1.0], &[1.0, 2.0], 0.0),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            woe_iv(&[1.0, f64::NAN], &[1.0, 2.0], 0.0),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            woe_iv(&[1.0], &[1.0], -0.5),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            woe_iv(&[1.0], &[1.0], f64::NAN),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            woe_iv(&[0.0, 0.0], &[1.0, 2.0], 0.5),
            Err(Error::OneClass { .. })
        ));
        assert!(matches!(
            woe_iv(&[3.0, 1.0], &[0.0, 0.0], 0.0),
            Err(Error::OneClass { .. })
        ));
    }
}
