//! Why we lose: the closed-lost typing of seed 001 and the competitor
//! analysis of seed 000.
//!
//! # Loss types ([`loss_types`])
//!
//! Every *non-won closed deal* (outcome lost or no decision) whose ICP fit
//! is known gets one type, in this order:
//! 1. **type 1, wrong fit** ([`LossType::WrongFit`]): the account fails the
//!    current ICP, or hits one of its negative criteria;
//! 2. **type 2, right fit lost to a competitor** ([`LossType::Competitor`]):
//!    a competitor is recorded on the deal, or the loss reason is
//!    `competitor`;
//! 3. **type 3, right fit, no decision** ([`LossType::NoDecision`]): the
//!    outcome is no decision, or the loss reason is one of no decision,
//!    timing, no budget, champion left ("budget freeze, executive change,
//!    competing internal priorities");
//! 4. otherwise **right fit, other reason** ([`LossType::RightFitOther`]):
//!    a right-fit deal lost on price or product with no competitor named —
//!    seed 001 has no type for it, so it is counted apart rather than forced
//!    into one.
//!
//! Counts, shares (of the typed deals, each with its Wilson interval) and
//! ACV (total and mean) are given per type. Deals whose fit is unknown are
//! counted as unclassified and left out of the shares.
//!
//! The ICP fit comes in as masks ([`Fit`]): from any scoring engine, from a
//! rule, or from an [`Icp`] through [`Fit::from_icp`] (all primary criteria
//! match and no negative one does). No scoring happens here.
//!
//! **Does the ICP gate work?** ([`GateCheck`]) Type 1 wins (won deals that
//! fail the ICP) against type 1 losses: the win rate of wrong-fit closed
//! deals against that of right-fit ones, each with its Wilson interval, and
//! their rate ratio with the Katz interval ([`rate_ratio`]). The gate works
//! when right-fit deals win significantly more often (the ratio's lower
//! bound is above 1).
//!
//! Loss reasons are read leniently: a value [`LossReason`] does not know
//! counts as `other` (CRM reason fields are free-form), whereas an unknown
//! deal outcome is an error.
//!
//! # Competitors ([`competitors`])
//!
//! The competitor matrix, competitor-owned sub-segments, the similarity of
//! competitor losses to the best cohort, and loss-share lift by segment.

pub mod competitors;

pub use competitors::{
    CompetitorCoverage, CompetitorMatrix, CompetitorOptions, CompetitorRow, LossLift, LossLiftRow,
    OwnedSegment, SimilarityComparison, SimilarityOptions, compare_similarity, competitor_matrix,
    loss_lift, similarity_to,
};

use crate::cohort::Cohort;
use crate::error::{Error, Result};
use crate::evidence::EvidenceLevel;
use crate::icp::{Icp, Levels, Section};
use crate::outcome::{DealOutcome, LossReason, OutcomeKind, OutcomeMap, parse_column};
use crate::stats::{RateRatio, rate_ratio, wilson_interval};
use crate::table::{AccountTable, Bitmap, FLAG_MISSING, MISSING_CODE};
use serde::Serialize;
use std::fmt;

/// The columns the loss analysis reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LossColumns {
    /// Deal-outcome column (default `outcome`).
    pub outcome: String,
    /// Competitor column (default `competitor`).
    pub competitor: Option<String>,
    /// Loss-reason column (default `loss_reason`).
    pub loss_reason: Option<String>,
    /// ACV column (default `acv`).
    pub acv: Option<String>,
}

impl Default for LossColumns {
    fn default() -> Self {
        Self {
            outcome: "outcome".into(),
            competitor: Some("competitor".into()),
            loss_reason: Some("loss_reason".into()),
            acv: Some("acv".into()),
        }
    }
}

impl LossColumns {
    /// The defaults, without the optional columns `table` lacks.
    pub fn for_table(table: &AccountTable) -> Self {
        let keep = |c: Option<String>| c.filter(|n| table.schema().index_of(n).is_ok());
        let d = Self::default();
        Self {
            outcome: d.outcome,
            competitor: keep(d.competitor),
            loss_reason: keep(d.loss_reason),
            acv: keep(d.acv),
        }
    }
}

/// ICP fit per row: `fit` (passes the ICP), `known` (the fit could be
/// decided) and `negative` (hits a negative criterion).
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Rows that fit the ICP.
    pub fit: Bitmap,
    /// Rows whose fit is known.
    pub known: Bitmap,
    /// Rows hitting a negative criterion (wrong fit whatever `fit` says).
    pub negative: Bitmap,
}

impl Fit {
    /// Every row's fit known, no negative criterion.
    pub fn from_mask(fit: Bitmap) -> Self {
        let n = fit.len();
        Self {
            fit,
            known: Bitmap::new(n, true),
            negative: Bitmap::new(n, false),
        }
    }
    /// From three-valued flags: 1 fit, 0 not, [`FLAG_MISSING`] unknown (as
    /// [`crate::synth::Rule::evaluate`] gives).
    pub fn from_flags(flags: &[u8]) -> Self {
        let n = flags.len();
        Self {
            fit: Bitmap::from_fn(n, |i| flags[i] == 1),
            known: Bitmap::from_fn(n, |i| flags[i] != FLAG_MISSING),
            negative: Bitmap::new(n, false),
        }
    }
    /// Builder: which rows' fit is known.
    pub fn with_known(mut self, known: Bitmap) -> Self {
        self.known = known;
        self
    }
    /// Builder: which rows hit a negative criterion.
    pub fn with_negative(mut self, negative: Bitmap) -> Self {
        self.negative = negative;
        self
    }
    /// The fit of every row under `icp`: fit = every primary criterion
    /// matches and no negative one does (secondary criteria and tiers play no
    /// part); negative = some negative criterion matches. Criteria are bound
    /// with [`crate::icp::BoundCriterion`] (lenient levels) and evaluated
    /// with their missing policy, so every row's fit is decided — except rows
    /// outside the ICP's product scope, whose fit is unknown.
    pub fn from_icp(icp: &Icp, table: &AccountTable) -> Result<Self> {
        let bound = icp.bind(table, Levels::Lenient)?;
        let n = table.n_rows();
        let mut fit = Bitmap::new(n, true);
        let mut negative = Bitmap::new(n, false);
        for c in &bound.criteria {
            let m = c.mask(table);
            match c.section {
                Section::Primary => fit = fit.and(&m),
                Section::Negative => negative = negative.or(&m),
                Section::Secondary => {}
            }
        }
        let known = match &bound.scope {
            Some(s) => s.mask(table),
            None => Bitmap::new(n, true),
        };
        Ok(Self {
            fit: fit.and_not(&negative),
            known,
            negative,
        })
    }
    fn check_len(&self, n: usize) -> Result<()> {
        for (what, b) in [
            ("fit", &self.fit),
            ("fit.known", &self.known),
            ("fit.negative", &self.negative),
        ] {
            if b.len() != n {
                return Err(Error::LengthMismatch {
                    what: what.into(),
                    expected: n,
                    found: b.len(),
                });
            }
        }
        Ok(())
    }
    /// Whether row `i` is right fit (fit, known, no negative criterion).
    pub fn right_fit(&self, i: usize) -> Option<bool> {
        self.known
            .get(i)
            .then(|| self.fit.get(i) && !self.negative.get(i))
    }
}

/// The type of a non-won closed deal (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LossType {
    /// Type 1: fails the ICP or hits a negative criterion.
    WrongFit,
    /// Type 2: right fit, lost to a competitor.
    Competitor,
    /// Type 3: right fit, no decision.
    NoDecision,
    /// Right fit, lost for another reason with no competitor named.
    RightFitOther,
}

impl LossType {
    /// Every type, in report order.
    pub const ALL: [LossType; 4] = [
        LossType::WrongFit,
        LossType::Competitor,
        LossType::NoDecision,
        LossType::RightFitOther,
    ];
    /// The seed's wording.
    pub fn label(self) -> &'static str {
        match self {
            LossType::WrongFit => "type 1: wrong fit",
            LossType::Competitor => "type 2: right fit, lost to a competitor",
            LossType::NoDecision => "type 3: right fit, no decision",
            LossType::RightFitOther => "right fit, other reason",
        }
    }
    fn code(self) -> u8 {
        self as u8
    }
    fn from_code(c: u8) -> Option<Self> {
        Self::ALL.get(c as usize).copied()
    }
}

impl fmt::Display for LossType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One loss type's line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LossTypeRow {
    /// The type.
    pub loss_type: LossType,
    /// Its label.
    pub label: String,
    /// Deals of this type.
    pub count: usize,
    /// Share of the typed deals.
    pub share: f64,
    /// Wilson interval of the share.
    pub share_ci: (f64, f64),
    /// Total ACV of the deals with one.
    pub acv_total: f64,
    /// Mean ACV of the deals with one.
    pub acv_mean: f64,
    /// Deals with an ACV.
    pub acv_n: usize,
    /// Evidence level of `count`.
    pub evidence: EvidenceLevel,
}

/// Right-fit vs wrong-fit win rates: does the ICP gate separate?
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateCheck {
    /// Closed deals of right-fit accounts.
    pub right_fit_closed: usize,
    /// Of which won.
    pub right_fit_won: usize,
    /// `right_fit_won / right_fit_closed`.
    pub right_fit_win_rate: f64,
    /// Its Wilson interval.
    pub right_fit_ci: (f64, f64),
    /// Closed deals of wrong-fit accounts.
    pub wrong_fit_closed: usize,
    /// Type 1 wins: won although wrong fit.
    pub wrong_fit_won: usize,
    /// Type 1 losses.
    pub wrong_fit_lost: usize,
    /// `wrong_fit_won / wrong_fit_closed`.
    pub wrong_fit_win_rate: f64,
    /// Its Wilson interval.
    pub wrong_fit_ci: (f64, f64),
    /// Right-fit over wrong-fit win rate with the Katz interval.
    pub ratio: Option<RateRatio>,
    /// The ratio's lower bound exceeds 1.
    pub works: bool,
    /// Evidence level of the smaller group.
    pub evidence: EvidenceLevel,
}

/// The closed-lost typing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LossTyping {
    /// One row per [`LossType`], in [`LossType::ALL`] order.
    pub rows: Vec<LossTypeRow>,
    /// Non-won closed deals (lost + no decision).
    pub not_won: usize,
    /// Of which typed.
    pub typed: usize,
    /// Of which left untyped because their fit is unknown.
    pub unclassified: usize,
    /// Whether the ICP gate separates wins from losses.
    pub gate: GateCheck,
    /// Confidence of the intervals.
    pub confidence: f64,
    /// How often CRM loss reasons agree with what buyers said, when known
    /// ([`crate::themes::reason_agreement`]): types 2 and 3 rest on CRM
    /// reasons, so they are only as good as this figure.
    pub crm_reason_agreement: Option<f64>,
    #[serde(skip)]
    types: Vec<u8>,
    #[serde(skip)]
    closed: Bitmap,
    #[serde(skip)]
    won: Bitmap,
}

const UNTYPED: u8 = u8::MAX;

impl LossTyping {
    /// The same typing carrying the agreement of CRM loss reasons with
    /// buyers' ([`crate::themes::ReasonAgreement::agreement`]).
    pub fn with_reason_agreement(mut self, agreement: f64) -> Self {
        self.crm_reason_agreement = Some(agreement);
        self
    }
    /// The type of row `i` (`None`: not a non-won closed deal, or fit unknown).
    pub fn type_of(&self, i: usize) -> Option<LossType> {
        self.types.get(i).and_then(|&c| LossType::from_code(c))
    }
    /// The row of one type.
    pub fn row(&self, t: LossType) -> &LossTypeRow {
        &self.rows[t as usize]
    }
    /// The deals of one type, as a cohort.
    pub fn cohort(&self, t: LossType) -> Cohort {
        let c = t.code();
        Cohort::new(
            t.label(),
            format!("non-won closed deals of {}", t.label()),
            Bitmap::from_fn(self.types.len(), |i| self.types[i] == c),
        )
    }
    /// Closed deals (won, lost, no decision).
    pub fn closed(&self) -> &Bitmap {
        &self.closed
    }
    /// Won deals.
    pub fn won(&self) -> &Bitmap {
        &self.won
    }
}

fn wilson_or_nan(k: usize, n: usize, conf: f64) -> Result<(f64, f64)> {
    if n == 0 {
        Ok((f64::NAN, f64::NAN))
    } else {
        wilson_interval(k as f64, n as f64, conf)
    }
}

fn ratio_or_nan(k: usize, n: usize) -> f64 {
    if n == 0 {
        f64::NAN
    } else {
        k as f64 / n as f64
    }
}

/// Types every non-won closed deal (see the module doc). Errors: unknown or
/// mistyped columns, an unknown deal outcome, masks of the wrong length, a
/// confidence outside (0, 1), no non-won closed deal or none whose fit is
/// known ([`Error::InsufficientData`]).
pub fn loss_types(
    table: &AccountTable,
    cols: &LossColumns,
    fit: &Fit,
    confidence: f64,
) -> Result<LossTyping> {
    let n = table.n_rows();
    fit.check_len(n)?;
    wilson_interval(0.0, 1.0, confidence)?;
    let outcome = parse_column(table, &cols.outcome, &OutcomeMap::<DealOutcome>::new())?;
    let competitor = cols
        .competitor
        .as_deref()
        .map(|c| table.categorical(c))
        .transpose()?;
    let reasons: Option<(Vec<LossReason>, &[u32])> = match cols.loss_reason.as_deref() {
        Some(c) => {
            let cat = table.categorical(c)?;
            let typed = cat
                .levels()
                .iter()
                .map(|l| LossReason::parse(l).unwrap_or(LossReason::Other))
                .collect();
            Some((typed, cat.codes()))
        }
        None => None,
    };
    let reason = |i: usize| -> Option<LossReason> {
        let (typed, codes) = reasons.as_ref()?;
        let c = codes[i];
        (c != MISSING_CODE).then(|| typed[c as usize])
    };
    let acv = cols.acv.as_deref().map(|c| table.numeric(c)).transpose()?;
    let mut types = vec![UNTYPED; n];
    let mut counts = [0usize; 4];
    let mut acv_sum = [(0.0f64, 0usize); 4];
    let (mut not_won, mut unclassified) = (0, 0);
    let (mut rf_closed, mut rf_won, mut wf_closed, mut wf_won) = (0, 0, 0, 0);
    for i in 0..n {
        let o = match outcome[i] {
            Some(o @ (DealOutcome::Won | DealOutcome::Lost | DealOutcome::NoDecision)) => o,
            _ => continue,
        };
        let right = fit.right_fit(i);
        match right {
            Some(true) => {
                rf_closed += 1;
                rf_won += usize::from(o == DealOutcome::Won);
            }
            Some(false) => {
                wf_closed += 1;
                wf_won += usize::from(o == DealOutcome::Won);
            }
            None => {}
        }
        if o == DealOutcome::Won {
            continue;
        }
        not_won += 1;
        let Some(right) = right else {
            unclassified += 1;
            continue;
        };
        let r = reason(i);
        let t = if !right {
            LossType::WrongFit
        } else if competitor.is_some_and(|c| c.codes()[i] != MISSING_CODE)
            || r == Some(LossReason::Competitor)
        {
            LossType::Competitor
        } else if o == DealOutcome::NoDecision
            || matches!(
                r,
                Some(
                    LossReason::NoDecision
                        | LossReason::Timing
                        | LossReason::NoBudget
                        | LossReason::ChampionLeft
                )
            )
        {
            LossType::NoDecision
        } else {
            LossType::RightFitOther
        };
        types[i] = t.code();
        counts[t as usize] += 1;
        if let Some(v) = acv
            && !v[i].is_nan()
        {
            let a = &mut acv_sum[t as usize];
            *a = (a.0 + v[i], a.1 + 1);
        }
    }
    if not_won == 0 {
        return Err(Error::InsufficientData {
            what: format!(
                "non-won closed deals (lost or no decision) in `{}`",
                cols.outcome
            ),
            n: 0,
            min: 1,
        });
    }
    let typed = not_won - unclassified;
    if typed == 0 {
        return Err(Error::InsufficientData {
            what: "non-won closed deals whose ICP fit is known".into(),
            n: 0,
            min: 1,
        });
    }
    let rows = LossType::ALL
        .iter()
        .map(|&t| {
            let k = counts[t as usize];
            let (s, an) = acv_sum[t as usize];
            Ok(LossTypeRow {
                loss_type: t,
                label: t.label().to_owned(),
                count: k,
                share: k as f64 / typed as f64,
                share_ci: wilson_interval(k as f64, typed as f64, confidence)?,
                acv_total: s,
                acv_mean: if an > 0 { s / an as f64 } else { f64::NAN },
                acv_n: an,
                evidence: EvidenceLevel::from_n(k),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let ratio = if rf_closed > 0 && wf_closed > 0 {
        Some(rate_ratio(
            rf_won as f64,
            rf_closed as f64,
            wf_won as f64,
            wf_closed as f64,
            confidence,
        )?)
    } else {
        None
    };
    let gate = GateCheck {
        right_fit_closed: rf_closed,
        right_fit_won: rf_won,
        right_fit_win_rate: ratio_or_nan(rf_won, rf_closed),
        right_fit_ci: wilson_or_nan(rf_won, rf_closed, confidence)?,
        wrong_fit_closed: wf_closed,
        wrong_fit_won: wf_won,
        wrong_fit_lost: wf_closed - wf_won,
        wrong_fit_win_rate: ratio_or_nan(wf_won, wf_closed),
        wrong_fit_ci: wilson_or_nan(wf_won, wf_closed, confidence)?,
        works: ratio.is_some_and(|r| r.lo > 1.0),
        ratio,
        evidence: EvidenceLevel::from_n(rf_closed.min(wf_closed)),
    };
    let closed = Bitmap::from_fn(n, |i| {
        matches!(
            outcome[i],
            Some(DealOutcome::Won | DealOutcome::Lost | DealOutcome::NoDecision)
        )
    });
    let won = Bitmap::from_fn(n, |i| outcome[i] == Some(DealOutcome::Won));
    Ok(LossTyping {
        rows,
        not_won,
        typed,
        unclassified,
        gate,
        confidence,
        crm_reason_agreement: None,
        types,
        closed,
        won,
    })
}

impl fmt::Display for LossTyping {
    /// One line per type (count, share with interval, ACV), then the gate.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<42} {:>7} {:>22} {:>14} {:>10}",
            "loss type", "deals", "share (95% CI)", "ACV total", "ACV mean"
        )?;
        for r in &self.rows {
            let money = |x: f64| {
                if x.is_nan() {
                    "-".to_owned()
                } else {
                    format!("{x:.0}")
                }
            };
            writeln!(
                f,
                "{:<42} {:>7} {:>22} {:>14} {:>10}",
                r.label,
                r.count,
                format!(
                    "{:.1}% ({:.1}–{:.1}%)",
                    r.share * 100.0,
                    r.share_ci.0 * 100.0,
                    r.share_ci.1 * 100.0
                ),
                money(r.acv_total),
                money(r.acv_mean)
            )?;
        }
        writeln!(
            f,
            "({} non-won closed deals, {} typed, {} with unknown fit left out)",
            self.not_won, self.typed, self.unclassified
        )?;
        if let Some(a) = self.crm_reason_agreement {
            writeln!(
                f,
                "(types 2 and 3 rest on CRM loss reasons, which agree with buyers on {:.0}% of interviewed deals)",
                a * 100.0
            )?;
        }
        let g = &self.gate;
        write!(
            f,
            "ICP gate: right-fit deals win {:.1}% (n={}), wrong-fit {:.1}% (n={}: {} type-1 wins vs {} type-1 losses)",
            g.right_fit_win_rate * 100.0,
            g.right_fit_closed,
            g.wrong_fit_win_rate * 100.0,
            g.wrong_fit_closed,
            g.wrong_fit_won,
            g.wrong_fit_lost
        )?;
        if let Some(r) = &g.ratio {
            write!(
                f,
                "; ratio {:.2} (95% CI {:.2}–{:.2}): {}",
                r.ratio,
                r.lo,
                r.hi,
                if g.works {
                    "the gate works"
                } else {
                    "the gate does not separate wins from losses"
                }
            )?;
        }
        writeln!(f)
    }
}

#[cfg(test)]
mod tests;
