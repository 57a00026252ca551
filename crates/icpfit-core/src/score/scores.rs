//! [`FitScores`]: the result of scoring a table against an ICP, one entry per
//! row, with the matched criteria kept as compact bitsets and expanded to
//! reasons only on demand.

use crate::error::{Error, Result};
use crate::icp::{Icp, Section, Tier, Tiers};
use std::fmt;

/// Tier code of a row outside the ICP's scope (A … D are 0 … 3).
pub const OUT_OF_SCOPE: u8 = 4;
/// Gate bit: every primary criterion matched.
pub const GATE_PRIMARY: u8 = 1;
/// Gate bit: a negative criterion matched.
pub const GATE_DISQUALIFIED: u8 = 2;

/// One criterion as the scores know it: enough to explain a row without the
/// ICP at hand. Listed in bit order ([`Icp::criteria`] order).
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionInfo {
    /// The criterion's name.
    pub name: String,
    /// Its section.
    pub section: Section,
    /// The column it tests.
    pub column: String,
    /// Points when matched.
    pub points: f64,
    /// Its reason text ([`crate::icp::Criterion::reason`]): "employees 200–2000 (+20)".
    pub reason: String,
}

impl CriterionInfo {
    pub(crate) fn all(icp: &Icp) -> Vec<Self> {
        icp.criteria()
            .map(|(section, c)| Self {
                name: c.name.clone(),
                section,
                column: c.column.clone(),
                points: c.points,
                reason: c.reason(),
            })
            .collect()
    }
    /// The text `explain` shows when this criterion matched: its reason, with
    /// disqualifiers flagged ("disqualified: employees < 50").
    pub fn explanation(&self) -> String {
        match self.section {
            Section::Negative => format!("disqualified: {}", self.reason),
            _ => self.reason.clone(),
        }
    }
}

/// How many rows landed in each tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TierCounts {
    /// Rows in tiers A, B, C, D.
    pub tiers: [usize; 4],
    /// Rows outside the ICP's scope (not scored).
    pub out_of_scope: usize,
}

impl TierCounts {
    /// Rows in `tier`.
    pub fn get(&self, tier: Tier) -> usize {
        self.tiers[tier.index()]
    }
    /// Rows scored (in scope).
    pub fn scored(&self) -> usize {
        self.tiers.iter().sum()
    }
    /// All rows.
    pub fn total(&self) -> usize {
        self.scored() + self.out_of_scope
    }
    /// Share of the scored rows in `tier` (0 when nothing was scored).
    pub fn share(&self, tier: Tier) -> f64 {
        let n = self.scored();
        if n == 0 {
            0.0
        } else {
            self.get(tier) as f64 / n as f64
        }
    }
}

impl fmt::Display for TierCounts {
    /// "A 120 (12.0 %), B 300 (30.0 %), C 380 (38.0 %), D 200 (20.0 %)", plus
    /// the out-of-scope count when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, t) in Tier::ALL.iter().enumerate() {
            if k > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{t} {} ({:.1} %)", self.get(*t), 100.0 * self.share(*t))?;
        }
        if self.out_of_scope > 0 {
            write!(f, "; {} out of scope", self.out_of_scope)?;
        }
        Ok(())
    }
}

/// Per-row fit scores of a table against one ICP.
///
/// For row `i`: [`points`](Self::points)`[i]` is the sum of the points of
/// every matched criterion (whatever its section, added in criterion order);
/// the tier code ([`tier_codes`](Self::tier_codes)) is 0 … 3 for A … D, or
/// [`OUT_OF_SCOPE`]; the gates say whether every primary criterion matched
/// and whether a negative one disqualified the row; the matched-criteria
/// bitset (`words_per_row` u64 words, bit `k` = the `k`-th criterion of
/// [`Icp::criteria`]) is what [`explain`](Self::explain) expands. Rows
/// outside the ICP's scope have no points, no matches and no tier.
///
/// `FitScores::default()` is empty: a buffer for
/// [`ScorePlan::score_into`](super::ScorePlan::score_into).
#[derive(Debug, Clone, Default)]
pub struct FitScores {
    pub(crate) icp_name: String,
    pub(crate) icp_version: String,
    pub(crate) tiers: Tiers,
    pub(crate) criteria: Vec<CriterionInfo>,
    pub(crate) words: usize,
    pub(crate) points: Vec<f64>,
    pub(crate) tier: Vec<u8>,
    pub(crate) gates: Vec<u8>,
    pub(crate) matched: Option<Vec<u64>>,
    pub(crate) tie_break: Option<(String, Vec<f64>)>,
}

/// Dropped scores give their large arrays back to the recycling pool
/// ([`super::buffers`]), so that the next scoring does not fault in fresh
/// pages.
impl Drop for FitScores {
    fn drop(&mut self) {
        super::buffers::recycle(self);
    }
}

/// Equal when every field is; floats compare by their bits, so scores with
/// missing tie-break values (NaN) equal themselves and a run can be compared
/// with a rerun.
impl PartialEq for FitScores {
    fn eq(&self, other: &Self) -> bool {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        self.icp_name == other.icp_name
            && self.icp_version == other.icp_version
            && self.tiers == other.tiers
            && self.criteria == other.criteria
            && self.words == other.words
            && bits(&self.points) == bits(&other.points)
            && self.tier == other.tier
            && self.gates == other.gates
            && self.matched == other.matched
            && match (&self.tie_break, &other.tie_break) {
                (None, None) => true,
                (Some((a, x)), Some((b, y))) => a == b && bits(x) == bits(y),
                _ => false,
            }
    }
}

impl FitScores {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.points.len()
    }
    /// `true` when the table had no rows.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
    /// The ICP's name.
    pub fn icp_name(&self) -> &str {
        &self.icp_name
    }
    /// The ICP's version.
    pub fn icp_version(&self) -> &str {
        &self.icp_version
    }
    /// The tier thresholds used.
    pub fn tiers(&self) -> &Tiers {
        &self.tiers
    }
    /// The criteria, in bit order.
    pub fn criteria(&self) -> &[CriterionInfo] {
        &self.criteria
    }
    /// u64 words of each row's matched bitset (`ceil(criteria / 64)`).
    pub fn words_per_row(&self) -> usize {
        self.words
    }
    /// Points per row.
    pub fn points(&self) -> &[f64] {
        &self.points
    }
    /// Tier code per row: 0 … 3 for A … D, [`OUT_OF_SCOPE`] outside the scope.
    pub fn tier_codes(&self) -> &[u8] {
        &self.tier
    }
    /// Gate bits per row ([`GATE_PRIMARY`], [`GATE_DISQUALIFIED`]).
    pub fn gates(&self) -> &[u8] {
        &self.gates
    }
    /// The tier of row `i` (`None` outside the scope or past the end).
    pub fn tier(&self, i: usize) -> Option<Tier> {
        self.tier.get(i).and_then(|&t| Tier::from_index(t as usize))
    }
    /// Whether row `i` is in the ICP's scope (was scored).
    pub fn in_scope(&self, i: usize) -> bool {
        self.tier.get(i).is_some_and(|&t| t != OUT_OF_SCOPE)
    }
    /// Whether row `i` matched every primary criterion.
    pub fn primary_pass(&self, i: usize) -> bool {
        self.gates.get(i).is_some_and(|g| g & GATE_PRIMARY != 0)
    }
    /// Whether a negative criterion disqualified row `i`.
    pub fn disqualified(&self, i: usize) -> bool {
        self.gates
            .get(i)
            .is_some_and(|g| g & GATE_DISQUALIFIED != 0)
    }
    /// The whole matched-criteria bit matrix, row-major (`None` when scored
    /// without it, see [`crate::score::ManyOptions::matched`]).
    pub fn matched(&self) -> Option<&[u64]> {
        self.matched.as_deref()
    }
    /// The matched bitset of row `i`.
    pub fn matched_row(&self, i: usize) -> Option<&[u64]> {
        let w = self.words;
        self.matched
            .as_deref()
            .and_then(|m| m.get(i * w..(i + 1) * w))
    }
    /// The name of the tie-break column, if one was given.
    pub fn tie_break_column(&self) -> Option<&str> {
        self.tie_break.as_ref().map(|(c, _)| c.as_str())
    }

    fn bits(&self, what: &str) -> Result<&[u64]> {
        self.matched.as_deref().ok_or_else(|| {
            Error::invalid(
                what,
                "these scores were computed without the matched-criteria bitsets (ask for them with `matched = true`)",
            )
        })
    }
    fn check_row(&self, i: usize) -> Result<()> {
        if i >= self.len() {
            return Err(Error::invalid(
                "row",
                format!(
                    "row {i} is out of range (the scores have {} rows)",
                    self.len()
                ),
            ));
        }
        Ok(())
    }
    fn bit_index(&self, name: &str) -> Result<usize> {
        self.criteria
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| Error::InvalidIcp {
                icp: self.icp_name.clone(),
                criterion: Some(name.to_owned()),
                message: format!(
                    "no such criterion{}",
                    crate::error::suggest(name, self.criteria.iter().map(|c| c.name.as_str()))
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default()
                ),
            })
    }

    /// The criteria row `i` matched, in criterion order.
    pub fn matched_criteria(&self, i: usize) -> Result<Vec<&CriterionInfo>> {
        self.check_row(i)?;
        let w = self.words;
        let row = &self.bits("matched_criteria")?[i * w..(i + 1) * w];
        Ok(self
            .criteria
            .iter()
            .enumerate()
            .filter(|(k, _)| (row[k / 64] >> (k % 64)) & 1 == 1)
            .map(|(_, c)| c)
            .collect())
    }

    /// Why row `i` scored what it did: the reason of every matched criterion,
    /// in criterion order, disqualifiers flagged —
    /// `["employees 200–2000 (+20)", "tech_stack has Snowflake (+10)",
    /// "disqualified: employees < 50"]`. Empty for a row outside the scope.
    pub fn explain(&self, i: usize) -> Result<Vec<String>> {
        Ok(self
            .matched_criteria(i)?
            .into_iter()
            .map(CriterionInfo::explanation)
            .collect())
    }

    /// The `k` reasons that weigh most for row `i`: disqualifiers first, then
    /// by absolute points (larger first), then criterion order.
    pub fn top_reasons(&self, i: usize, k: usize) -> Result<Vec<String>> {
        let mut m = self.matched_criteria(i)?;
        m.sort_by(|a, b| {
            (b.section == Section::Negative)
                .cmp(&(a.section == Section::Negative))
                .then(b.points.abs().total_cmp(&a.points.abs()))
        });
        Ok(m.into_iter()
            .take(k)
            .map(CriterionInfo::explanation)
            .collect())
    }

    /// The primary criteria row `i` did not match (why its tier is capped).
    pub fn unmet_primary(&self, i: usize) -> Result<Vec<String>> {
        self.check_row(i)?;
        if !self.in_scope(i) {
            return Ok(Vec::new());
        }
        let w = self.words;
        let row = &self.bits("unmet_primary")?[i * w..(i + 1) * w];
        Ok(self
            .criteria
            .iter()
            .enumerate()
            .filter(|(k, c)| c.section == Section::Primary && (row[k / 64] >> (k % 64)) & 1 == 0)
            .map(|(_, c)| c.reason.clone())
            .collect())
    }

    /// Per row, whether the criterion called `name` matched.
    pub fn criterion_mask(&self, name: &str) -> Result<Vec<bool>> {
        let k = self.bit_index(name)?;
        let (w, word, bit) = (self.words, k / 64, k % 64);
        let bits = self.bits("criterion_mask")?;
        Ok((0..self.len())
            .map(|i| (bits[i * w + word] >> bit) & 1 == 1)
            .collect())
    }

    /// Rows per tier, and rows out of scope.
    pub fn tier_counts(&self) -> TierCounts {
        let mut c = [0usize; 5];
        for &t in &self.tier {
            c[(t as usize).min(4)] += 1;
        }
        TierCounts {
            tiers: [c[0], c[1], c[2], c[3]],
            out_of_scope: c[4],
        }
    }
}

impl fmt::Display for FitScores {
    /// A short summary: the ICP, the row count and the tier counts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "fit scores of {} rows against ICP `{}` v{} ({} criteria): {}",
            self.len(),
            self.icp_name,
            self.icp_version,
            self.criteria.len(),
            self.tier_counts()
        )
    }
}
