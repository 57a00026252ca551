//! Fit scoring: an [`Icp`] compiled into a columnar plan and run over any
//! [`AccountTable`] — per row the points, the tier, whether every primary
//! criterion passed, whether a negative one disqualified, and which criteria
//! matched (a compact bitset, expanded to reasons on demand).
//!
//! What a criterion means is defined once, in [`crate::icp::bind`]: the
//! scalar [`BoundCriterion::matches`](crate::icp::BoundCriterion::matches)
//! with its missing policy; points are the sum of the points of every matched
//! criterion (whatever its section), the tier comes from
//! [`Tiers::tier`](crate::icp::Tiers::tier), rows outside the ICP's scope are
//! not scored. The engines here implement exactly that, fast, and the tests
//! compare them with it row by row.
//!
//! Two engines:
//!
//! - **one ICP** ([`score`], [`ScorePlan`]): criterion at a time over
//!   64 Ki-row chunks, in parallel over the chunks (fixed, so the result
//!   does not depend on the thread count), no allocation per row; each
//!   criterion ORs its bit into a byte per row shared by eight criteria
//!   (ranges as one vectorised closed-interval compare, category sets as a
//!   lookup of the pre-shifted bit per key, tags as word-wise AND), the
//!   bytes are packed into the rows' bitsets and the points read off them;
//!   compiled for SSE2, AVX2 and AVX-512, picked at run time;
//! - **many ICPs over one table** ([`score_many`], [`CodedTable`]): the
//!   what-if workload. Every candidate's numeric thresholds are compiled
//!   once into sorted cut points per column and each value into a compact
//!   u8 (or u16) bucket code; each candidate then tests its criteria on the
//!   one-byte codes (an interval compare, sixteen rows per instruction, or
//!   a lookup table code → matched bits), so K candidates cost K passes over
//!   one-byte codes, not K passes over the f64 columns. Same points and
//!   tiers as the one-ICP engine, bit for bit.
//!
//! Either engine reads a table's own columns; the one-ICP engine also reads
//! a frame's columns where they lie ([`BorrowedTable`],
//! [`ScorePlan::score_borrowed`]): f64 values with Arrow validity bitmaps,
//! dictionary keys of any width. Converting a frame first would cost more
//! than scoring it.
//!
//! Ranking the scored accounts (ties broken deterministically, a continuous
//! `rank_score`) is in [`FitScores::order`]; see the [`order`] module docs.
//!
//! ```
//! use icpfit_core::icp::{Criterion, Icp, Predicate, Range, Tier};
//! use icpfit_core::score::ScoreOptions;
//! use icpfit_core::table::{AccountTable, CsvOptions};
//!
//! let csv = "account_id,industry,employees,tech_stack\n\
//!            a1,fintech,800,Snowflake;dbt\n\
//!            a2,retail,30,\n\
//!            a3,healthtech,1200,Salesforce\n";
//! let table = AccountTable::from_csv_reader(csv.as_bytes(), &CsvOptions::default())?;
//! let icp = Icp::new("Core", "1")
//!     .primary(Criterion::new("mid", "employees", Predicate::Range(Range::closed(Some(200.0), Some(2000.0)))).points(40.0))
//!     .secondary(Criterion::new("fin", "industry", Predicate::In(vec!["fintech".into(), "healthtech".into()])).points(20.0))
//!     .secondary(Criterion::new("snow", "tech_stack", Predicate::HasAny(vec!["Snowflake".into()])).points(10.0))
//!     .negative(Criterion::new("tiny", "employees", Predicate::Range(Range::below(50.0))));
//! let scores = icp.score(&table, &ScoreOptions::default())?;
//! assert_eq!(scores.points(), &[70.0, 0.0, 60.0]);
//! assert_eq!(scores.tier(0), Some(Tier::A));
//! assert!(scores.disqualified(1));
//! assert_eq!(scores.explain(1)?, ["disqualified: employees < 50"]);
//! assert_eq!(scores.order(), [0, 2, 1]);
//! # Ok::<(), icpfit_core::Error>(())
//! ```

mod borrowed;
pub mod buffers;
mod coded;
mod isa;
mod kernel;
pub mod order;
mod plan;
mod scores;

pub use borrowed::{
    BorrowedColumn, BorrowedTable, CodeColumn, Dictionary, KeyPiece, Keys, Piece, Validity,
};
pub use buffers::{pooled_bytes, release_buffers};
pub use coded::{CodedTable, ManyOptions, score_many};
pub use isa::{ISA_VARIABLE, instruction_set};
pub use order::TieBreak;
pub use plan::{PlannedColumn, ScorePlan};
pub use scores::{
    CriterionInfo, FitScores, GATE_DISQUALIFIED, GATE_PRIMARY, OUT_OF_SCOPE, TierCounts,
};

use crate::error::{Error, Result};
use crate::icp::{Icp, Levels};
use crate::table::AccountTable;

/// Options of [`score`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreOptions {
    /// How category levels and tags absent from the scored table are
    /// treated (default [`Levels::Lenient`]: a prospect list may lack some
    /// industries; a likely typo is still an error).
    pub levels: Levels,
    /// A numeric column that breaks ties between equal tiers and points in
    /// [`FitScores::order`] (see [`order`]).
    pub tie_break: Option<TieBreak>,
    /// Threads (default: the current rayon pool). Results are identical
    /// whatever the count.
    pub n_threads: Option<usize>,
}

impl Default for ScoreOptions {
    fn default() -> Self {
        Self {
            levels: Levels::Lenient,
            tie_break: None,
            n_threads: None,
        }
    }
}

impl ScoreOptions {
    fn check(&self) -> Result<()> {
        check_threads(self.n_threads)
    }
}

fn check_threads(n: Option<usize>) -> Result<()> {
    if n == Some(0) {
        return Err(Error::invalid("n_threads", "must be at least 1"));
    }
    Ok(())
}

/// Runs `f` on a local pool of `n` threads, or on the current pool. A library
/// never configures the global pool. Pools are kept, one per thread count,
/// and reused: a service (or a notebook) that scores with `n_threads = 1` on
/// every call should not pay a thread spawn, and a fresh thread's first
/// allocations, on each.
pub(crate) fn in_pool<T: Send>(n: Option<usize>, f: impl FnOnce() -> T + Send) -> Result<T> {
    use std::sync::{Arc, Mutex, OnceLock};
    /// The pools made so far, by thread count.
    type Pools = Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>>;
    static POOLS: OnceLock<Pools> = OnceLock::new();
    let Some(k) = n else { return Ok(f()) };
    let pool = {
        let mut pools = POOLS
            .get_or_init(|| Mutex::new(Vec::new()))
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match pools.iter().find(|(size, _)| *size == k) {
            Some((_, p)) => Arc::clone(p),
            None => {
                let p = Arc::new(
                    rayon::ThreadPoolBuilder::new()
                        .num_threads(k)
                        .thread_name(|i| format!("icpfit-score-{i}"))
                        .build()
                        .map_err(|e| Error::invalid("n_threads", e.to_string()))?,
                );
                pools.push((k, Arc::clone(&p)));
                p
            }
        }
    };
    Ok(pool.install(f))
}

/// Scores every row of `table` against `icp` (compile, bind, run). To score
/// many tables against one ICP, compile a [`ScorePlan`] once.
pub fn score(icp: &Icp, table: &AccountTable, opts: &ScoreOptions) -> Result<FitScores> {
    ScorePlan::compile(icp, table.schema())?.score(table, opts)
}

impl Icp {
    /// Scores every row of `table` against this ICP: see [`score`].
    pub fn score(&self, table: &AccountTable, opts: &ScoreOptions) -> Result<FitScores> {
        score(self, table, opts)
    }
}

#[cfg(test)]
mod borrowed_tests;
#[cfg(test)]
mod tests;
