//! Replaying ICPs over history: old vs new on recent losses, and the
//! what-if of a candidate before it is published.

use super::{EvaluateOptions, Rate, Scored};
use crate::error::{Error, Result};
use crate::icp::{Icp, Tier};
use crate::outcome::{DealOutcome, OutcomeMap, parse_column};
use crate::table::{AccountTable, Column, DATE_MISSING, date};
use serde::Serialize;

/// The columns the replays read. Only `outcome` is required; the others are
/// used when present (`Default`: the usual CRM export names).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Columns {
    /// Deal outcome (won / lost / no decision / open).
    pub outcome: String,
    /// Close date.
    pub close_date: Option<String>,
    /// Contract value.
    pub acv: Option<String>,
    /// ARR at the start of the contract (customers).
    pub start_arr: Option<String>,
    /// ARR now (customers).
    pub current_arr: Option<String>,
}

impl Default for Columns {
    fn default() -> Self {
        Self {
            outcome: "outcome".into(),
            close_date: Some("close_date".into()),
            acv: Some("acv".into()),
            start_arr: Some("start_arr".into()),
            current_arr: Some("current_arr".into()),
        }
    }
}

/// The first day of the quarter `n` quarters before the latest date of
/// `column` (`n = 0`: the latest quarter itself) — the start of "the last
/// `n + 1` quarters".
pub fn recent_quarters(table: &AccountTable, column: &str, n: u32) -> Result<i32> {
    let dates = table.date(column)?;
    let latest = dates
        .iter()
        .copied()
        .filter(|&d| d != DATE_MISSING)
        .max()
        .ok_or_else(|| Error::InsufficientData {
            what: format!("column `{column}` has no date"),
            n: 0,
            min: 1,
        })?;
    let (y, m, _) = date::civil_from_days(latest);
    let q = (y * 4 + (m as i32 - 1) / 3) - n as i32;
    Ok(date::days_from_civil(
        q.div_euclid(4),
        (q.rem_euclid(4) * 3 + 1) as u32,
        1,
    ))
}

/// Rows whose `column` date is on or after `since` (missing dates excluded);
/// all rows when `since` is none.
fn window(table: &AccountTable, column: Option<&str>, since: Option<i32>) -> Result<Vec<bool>> {
    match (column, since) {
        (Some(c), Some(s)) => Ok(table
            .date(c)?
            .iter()
            .map(|&d| d != DATE_MISSING && d >= s)
            .collect()),
        _ => Ok(vec![true; table.n_rows()]),
    }
}

fn numeric_or_nan<'t>(table: &'t AccountTable, column: Option<&str>) -> Result<Option<&'t [f64]>> {
    match column {
        None => Ok(None),
        Some(c) => match table.column(c) {
            Ok(Column::Numeric(v)) => Ok(Some(v)),
            Ok(other) => Err(Error::WrongKind {
                column: c.into(),
                expected: "numeric".into(),
                found: other.kind().to_string(),
            }),
            Err(_) => Ok(None),
        },
    }
}

/// How an ICP would have treated a set of lost deals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LossReplay {
    /// The ICP's name and version.
    pub icp: (String, String),
    /// Lost deals replayed.
    pub losses: usize,
    /// Of them, tier D (disqualified or too few points): the ICP would have
    /// kept sales away.
    pub tier_d: usize,
    /// Of them, tier A or B: the ICP would have called them a fit.
    pub tier_ab: usize,
    /// Share in tier D.
    pub share_tier_d: f64,
    /// Share in tier A or B.
    pub share_tier_ab: f64,
}

/// Old vs new ICP on recent losses and wins (seed 002's "are these still my
/// ICP" test).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OldVsNew {
    /// Window start (ISO), if any.
    pub since: Option<String>,
    /// The old ICP on the losses.
    pub old: LossReplay,
    /// The new ICP on the losses.
    pub new: LossReplay,
    /// Wins in the window.
    pub wins: usize,
    /// Wins the old ICP tiered A/B.
    pub wins_old_ab: usize,
    /// Wins the new ICP tiered A/B.
    pub wins_new_ab: usize,
    /// Rows of wins the old ICP tiered A/B and the new one does not.
    pub missed_wins: Vec<usize>,
    /// Whether the new ICP keeps sales away from more losses while calling
    /// at least as many wins a fit.
    pub new_is_better: bool,
    /// The verdict in a sentence.
    pub verdict: String,
}

fn replay(icp: &Icp, scored: &Scored, rows: &[usize], opts: &EvaluateOptions) -> LossReplay {
    let tier_d = rows.iter().filter(|&&i| scored.tier[i] == Tier::D).count();
    let tier_ab = rows
        .iter()
        .filter(|&&i| scored.tier[i] <= opts.match_through)
        .count();
    let n = rows.len().max(1) as f64;
    LossReplay {
        icp: (icp.name.clone(), icp.version.clone()),
        losses: rows.len(),
        tier_d,
        tier_ab,
        share_tier_d: tier_d as f64 / n,
        share_tier_ab: tier_ab as f64 / n,
    }
}

/// Replay `old` and `new` on the deals closed on or after `since` (all when
/// none): losses each would have disqualified or tiered A/B, and the wins
/// the new ICP would have missed.
pub fn old_vs_new(
    old: &Icp,
    new: &Icp,
    table: &AccountTable,
    columns: &Columns,
    since: Option<i32>,
    opts: &EvaluateOptions,
) -> Result<OldVsNew> {
    let outcome = parse_column(table, &columns.outcome, &OutcomeMap::<DealOutcome>::new())?;
    let recent = window(table, columns.close_date.as_deref(), since)?;
    let losses: Vec<usize> = (0..table.n_rows())
        .filter(|&i| recent[i] && outcome[i] == Some(DealOutcome::Lost))
        .collect();
    let wins: Vec<usize> = (0..table.n_rows())
        .filter(|&i| recent[i] && outcome[i] == Some(DealOutcome::Won))
        .collect();
    if losses.is_empty() {
        return Err(Error::InsufficientData {
            what: "replaying recent losses: no lost deal in the window".into(),
            n: 0,
            min: 1,
        });
    }
    let so = Scored::new(old, table)?;
    let sn = Scored::new(new, table)?;
    let (ro, rn) = (
        replay(old, &so, &losses, opts),
        replay(new, &sn, &losses, opts),
    );
    let fit = |s: &Scored, i: usize| s.tier[i] <= opts.match_through;
    let wins_old_ab = wins.iter().filter(|&&i| fit(&so, i)).count();
    let wins_new_ab = wins.iter().filter(|&&i| fit(&sn, i)).count();
    let missed_wins: Vec<usize> = wins
        .iter()
        .copied()
        .filter(|&i| fit(&so, i) && !fit(&sn, i))
        .collect();
    let precision =
        |ab_wins: usize, ab_losses: usize| ab_wins as f64 / (ab_wins + ab_losses).max(1) as f64;
    let (p_old, p_new) = (
        precision(wins_old_ab, ro.tier_ab),
        precision(wins_new_ab, rn.tier_ab),
    );
    let new_is_better = rn.tier_d >= ro.tier_d && p_new > p_old;
    let verdict = format!(
        "Of {} recent losses, the old ICP would have tiered {} A/B and disqualified {}; the new one {} and {}. \
         Win share of A/B deals: old {:.1}%, new {:.1}%. The new ICP would have missed {} of {} wins the old one called a fit.",
        losses.len(),
        ro.tier_ab,
        ro.tier_d,
        rn.tier_ab,
        rn.tier_d,
        100.0 * p_old,
        100.0 * p_new,
        missed_wins.len(),
        wins_old_ab
    );
    Ok(OldVsNew {
        since: since.map(date::format_iso),
        old: ro,
        new: rn,
        wins: wins.len(),
        wins_old_ab,
        wins_new_ab,
        missed_wins,
        new_is_better,
        verdict,
    })
}

/// A candidate ICP replayed over history (seed 002's what-if before
/// publishing).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    /// The ICP's name and version.
    pub icp: (String, String),
    /// Window start (ISO), if any.
    pub since: Option<String>,
    /// Wins in the window it tiers A/B (kept) and the others (excluded).
    pub wins_kept: usize,
    /// Wins it would have excluded.
    pub wins_excluded: usize,
    /// Win rate of the closed deals it keeps (won / (won + lost + no decision)).
    pub win_rate_kept: Rate,
    /// Win rate of the closed deals it excludes.
    pub win_rate_excluded: Rate,
    /// ACV of the kept wins (when an ACV column exists).
    pub acv_kept: f64,
    /// ACV of the excluded wins.
    pub acv_excluded: f64,
    /// NRR (Σ current ARR / Σ start ARR) of kept customers, NaN without ARR columns.
    pub nrr_kept: f64,
    /// NRR of excluded customers.
    pub nrr_excluded: f64,
    /// Share of open pipeline it tiers A/B.
    pub pipeline_coverage: f64,
    /// Share of all accounts it tiers A.
    pub tier_a_share: f64,
    /// Share of all accounts it tiers A/B.
    pub match_share: f64,
    /// `match_share` above the too-broad limit.
    pub too_broad: bool,
}

/// Replay `icp` over the deals closed on or after `since` (pipeline: every
/// open deal; tier shares: every account in scope).
pub fn what_if(
    icp: &Icp,
    table: &AccountTable,
    columns: &Columns,
    since: Option<i32>,
    opts: &EvaluateOptions,
) -> Result<WhatIf> {
    let outcome = parse_column(table, &columns.outcome, &OutcomeMap::<DealOutcome>::new())?;
    let recent = window(table, columns.close_date.as_deref(), since)?;
    let s = Scored::new(icp, table)?;
    let acv = numeric_or_nan(table, columns.acv.as_deref())?;
    let start = numeric_or_nan(table, columns.start_arr.as_deref())?;
    let current = numeric_or_nan(table, columns.current_arr.as_deref())?;
    let keep = |i: usize| s.tier[i] <= opts.match_through;
    let (mut won_k, mut won_x, mut closed_k, mut closed_x) = (0, 0, 0, 0);
    let (mut acv_k, mut acv_x) = (0.0, 0.0);
    let mut arr = [[0.0f64; 2]; 2]; // [kept, excluded] × [start, current]
    let (mut open, mut open_ab) = (0usize, 0usize);
    for i in 0..table.n_rows() {
        match outcome[i] {
            Some(DealOutcome::Open) => {
                open += 1;
                open_ab += usize::from(keep(i));
            }
            Some(o) if recent[i] => {
                let k = keep(i);
                let won = o == DealOutcome::Won;
                if k {
                    closed_k += 1;
                    won_k += usize::from(won);
                } else {
                    closed_x += 1;
                    won_x += usize::from(won);
                }
                if won {
                    let v = acv.map_or(0.0, |a| if a[i].is_nan() { 0.0 } else { a[i] });
                    if k {
                        acv_k += v
                    } else {
                        acv_x += v
                    }
                    if let (Some(st), Some(cu)) = (start, current)
                        && !st[i].is_nan()
                        && !cu[i].is_nan()
                    {
                        let slot = usize::from(!k);
                        arr[slot][0] += st[i];
                        arr[slot][1] += cu[i];
                    }
                }
            }
            _ => {}
        }
    }
    let scope_n = s.in_scope.iter().filter(|x| **x).count().max(1) as f64;
    let share = |f: &dyn Fn(usize) -> bool| {
        (0..s.len()).filter(|&i| s.in_scope[i] && f(i)).count() as f64 / scope_n
    };
    let match_share = share(&|i| keep(i));
    let nrr = |a: [f64; 2]| if a[0] > 0.0 { a[1] / a[0] } else { f64::NAN };
    Ok(WhatIf {
        icp: (icp.name.clone(), icp.version.clone()),
        since: since.map(date::format_iso),
        wins_kept: won_k,
        wins_excluded: won_x,
        win_rate_kept: Rate::new(won_k, closed_k, opts.confidence),
        win_rate_excluded: Rate::new(won_x, closed_x, opts.confidence),
        acv_kept: acv_k,
        acv_excluded: acv_x,
        nrr_kept: nrr(arr[0]),
        nrr_excluded: nrr(arr[1]),
        pipeline_coverage: if open > 0 {
            open_ab as f64 / open as f64
        } else {
            f64::NAN
        },
        tier_a_share: share(&|i| s.tier[i] == Tier::A),
        match_share,
        too_broad: match_share > opts.too_broad_share,
    })
}
