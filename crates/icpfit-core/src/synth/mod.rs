//! Deterministic synthetic CRM + customer-success export with a planted,
//! documented and tested truth.
//!
//! One row per account/opportunity (32 columns: firmographics, tech stack,
//! deal, outcome, customer-success fields for won accounts, noise). Tests,
//! benchmarks, examples and docs of icpfit use it, and later stages must
//! *recover* the truth planted here; the [`Truth`] returned with the data
//! states every effect and the population values it implies, and the tests
//! of this module check that the data carries them.
//!
//! ```
//! use icpfit_core::synth::{generate, SynthConfig};
//!
//! let synth = generate(&SynthConfig::new(2_000, 7))?;
//! assert_eq!(synth.table.n_rows(), 2_000);
//! let outcome = synth.table.categorical("outcome")?;
//! assert_eq!(outcome.levels(), ["won", "lost", "no_decision", "open"]);
//! assert_eq!(synth.truth.competitor.competitor, "CompB");
//! # Ok::<(), icpfit_core::Error>(())
//! ```
//!
//! # Determinism
//!
//! Rows are drawn in blocks of [`BLOCK_ROWS`]; block `b` uses the ChaCha8
//! stream `b` of `seed` (`ChaCha8Rng::seed_from_u64(seed)` + `set_stream(b)`).
//! Blocks are generated in parallel (rayon) and concatenated in order, so the
//! same configuration gives the same bytes on any number of threads, and the
//! streaming forms ([`generate_chunks`], [`write_csv`]) give the same rows
//! whatever chunk size they are asked for.
//!
//! # The planted truth (model `icpfit-synth/1`)
//!
//! Percentages in *italics* are exact population values implied by the model
//! (see [`Truth`]); the rest are planted parameters.
//!
//! **Accounts.** Industry (9 levels; fintech 12 %, healthtech 10 %, saas 17 %,
//! ecommerce 13 %, manufacturing 11 %, education 9 %, media 8 %, logistics 9 %,
//! professional_services 11 %) with 2–4 sub-industries each; region
//! independent; employees = round(exp(x)), x ~ Normal(ln 250, 1.6) truncated
//! to 10–20,000; revenue, funding stage, founding year, product, cycle, ACV
//! and discount follow size. The tech stack has 12 tools; Snowflake
//! (10/25/45/50 % by size band `<50 / 50–199 / 200–2,000 / >2,000`) and
//! Salesforce (20/40/55/70 %) matter, the others are bystanders (dbt and
//! Looker ride with Snowflake, HubSpot and Marketo with Salesforce). Missing
//! completely at random: annual_revenue 8 %, founded_year 5 %, funding_stage
//! 6 %, tech_stack 4 %. 10 % of accounts are open pipeline (`outcome = open`:
//! no close date, no loss or customer fields).
//!
//! **ICP (right fit).** `200 ≤ employees ≤ 2,000 AND (industry ∈ {fintech,
//! healthtech} OR tech_stack has Snowflake)`.
//!
//! **Win drivers.** For closed deals, `logit P(won) = −1.7 + 0.9·[fintech or
//! healthtech] + 0.8·[200–2,000 employees] + 0.7·[Snowflake] + 0.6·[lead
//! source partner or referral] − 1.5·[CompB contests a deal in
//! ecommerce/marketplaces]` (base win rate 15.4 %; expected win rate *33.5 %*;
//! *26.9 %* of accounts and *42.3 %* of customers are ICP fit).
//!
//! **Competitor-owned segment.** In `sub_industry = ecommerce/marketplaces`,
//! 65 % of deals are contested, 85 % of those by CompB, which adds −1.5 to the
//! win log-odds; elsewhere 40 % are contested (CompA 45 %, CompB 20 %, CompC
//! 35 %) with no competitor edge. Every contested non-won deal is lost to its
//! competitor (`loss_reason = competitor`); 75 % of contested wins record the
//! competitor. CompB wins *79.5 %* of contested deals in its segment, *14.4 %*
//! elsewhere.
//!
//! **Loss types** (non-won closed deals): type 1 wrong fit (not ICP) *80.9 %*;
//! type 2 right fit lost to a competitor (contested) *8.0 %*; type 3 right fit
//! with no decision (uncontested) *11.1 %*.
//!
//! **Retention** (won only): `P(churn) = 5 % × 2 [not ICP fit] × 2.1 [employees
//! < 50] × 1.5 [champion changed] × 2 [education] × 0.7 [Salesforce]`; if not
//! churned, `P(expanded) = 36 % × 0.5 [not ICP fit] × 1.4 [Salesforce] × 1.5
//! [forecasting] × 0.6 [onboarding] × 0.25 [education]`, `P(contracted) = 10 %`
//! (40 % in education), else active. Expanded ARR × U(1.25, 2.15), contracted
//! × U(0.45, 0.85), churned 0.
//!
//! **Threshold effect.** Customers with `employees < 50` churn 3× as often as
//! the rest (*22.8 %* vs *7.5 %*): a ×2.1 multiplier for otherwise identical
//! customers (21 % vs 10 % for a bad-fit customer with no other factor), the
//! rest of the gap coming from ICP fit and Salesforce, which small accounts
//! never or rarely have.
//!
//! **Poor-NRR segment.** `industry = education`: NRR *75.8 %* vs *109.7 %*
//! elsewhere (account-weighted mean of current / start ARR; ARR-weighted it is
//! about 78 % vs 111 %).
//!
//! **Fit economics.** Bad fit doubles churn and halves expansion (planted;
//! expected churn *4.8 %* vs *12.0 %*, expanded *41.7 %* vs *18.5 %*). The
//! 90-day fit tag is `2·[ICP fit] + 1·[adoption_90d ≥ 0.5] −
//! 2·[champion_changed]` → ≥ 3 strong, 1–2 near, ≤ 0 bad, with 10 % of tags
//! replaced at random; adoption ~ Beta(5, 2.5) for fit, Beta(2.5, 3) for bad
//! fit; champion changes 15 %.
//!
//! **Noise.** `noise_score`, `noise_segment` (40 Zipf-weighted levels),
//! `noise_flag` and `ae` have no effect on anything.
//!
//! **Interviews** ([`interviews`], `examples/data/interviews.csv`). One note
//! for 12 % of won customers, 12 % of lost deals and 70 % of churned
//! customers, from its own random stream (the export's bytes do not change).
//! Won customers with Snowflake name the `warehouse_integration` as the
//! deciding factor (75 % vs 5 %); churned customers under 50 employees say it
//! was `too_complex` for their size (80 % vs 10 %); the CRM over-reports
//! `price` as the loss reason (*16.1 %* of lost deals vs *6.9 %* by what
//! buyers say, who name a missing feature or a competitor's integration
//! instead).
//!
//! The full list, with every expected value, is [`Truth::new`] /
//! [`Truth::to_markdown`] (`examples/data/TRUTH.md`).

mod columns;
mod config;
mod criteria;
mod expected;
mod export;
mod generate;
mod interviews;
mod model;
mod rng;
mod truth;

#[cfg(test)]
mod tests;

pub use columns::ColumnDoc;
pub use config::{MAX_ACCOUNTS, SAMPLE_ROWS, SAMPLE_SEED, SynthConfig};
pub use criteria::{Criterion, Rule};
pub use generate::BLOCK_ROWS;
pub use interviews::{
    INTERVIEW_MODEL_VERSION, INTERVIEW_STREAM, Interview, Interviewer, interview_dictionary,
    interviews, write_interviews_csv,
};
pub use truth::{
    BuyerReasonTruth, Bystander, CompetitorTruth, Factor, FitEconomicsTruth, FitTagTruth, IcpTruth,
    InterviewTruth, LossTypeTruth, MODEL_VERSION, OutcomeMix, PlantedTheme, PoorNrrTruth,
    RetentionTruth, Share, TagShares, ThemeTruth, ThresholdTruth, Truth, WinDriver, WinTruth,
};

use crate::error::{Error, Result};
use crate::table::AccountTable;
use generate::{Block, Ctx};
use rayon::prelude::*;
use std::io::Write;

/// Generated data and its planted truth.
#[derive(Debug, Clone)]
pub struct Synth {
    /// The accounts, with the documented schema (roles and dimensions set).
    pub table: AccountTable,
    /// What was planted.
    pub truth: Truth,
}

/// Generates the whole export in memory (in parallel on the current rayon
/// pool).
pub fn generate(config: &SynthConfig) -> Result<Synth> {
    config.validate()?;
    let ctx = Ctx::new(config);
    let blocks: Vec<Block> = (0..ctx.n_blocks())
        .into_par_iter()
        .map(|b| Block::generate(&ctx, b))
        .collect();
    let mut all = Block::empty(0);
    for b in blocks {
        all.append(b);
    }
    Ok(Synth {
        table: all.into_table(ctx.id_digits())?,
        truth: Truth::new(config),
    })
}

/// Blocks generated per parallel batch by the streaming forms.
fn batch_blocks(chunk_rows: usize) -> usize {
    chunk_rows
        .div_ceil(BLOCK_ROWS)
        .max(4 * rayon::current_num_threads())
        .max(16)
}

/// Streams the export as tables of `chunk_rows` rows (the last may be
/// shorter), in row order, without holding more than about one chunk plus
/// one parallel batch of rows. The concatenated chunks equal
/// [`generate`]'s table whatever `chunk_rows` is. Stops at the first error of
/// `sink`.
///
/// ```
/// use icpfit_core::synth::{generate_chunks, SynthConfig};
///
/// let mut rows = 0;
/// let truth = generate_chunks(&SynthConfig::new(10_000, 1), 3_000, |chunk| {
///     rows += chunk.n_rows();
///     Ok(())
/// })?;
/// assert_eq!(rows, 10_000);
/// assert_eq!(truth.config.n_accounts, 10_000);
/// # Ok::<(), icpfit_core::Error>(())
/// ```
pub fn generate_chunks<F>(config: &SynthConfig, chunk_rows: usize, mut sink: F) -> Result<Truth>
where
    F: FnMut(AccountTable) -> Result<()>,
{
    config.validate()?;
    if chunk_rows == 0 {
        return Err(Error::invalid("chunk_rows", "must be at least 1"));
    }
    let ctx = Ctx::new(config);
    let n_blocks = ctx.n_blocks();
    let batch = batch_blocks(chunk_rows);
    let mut pending = Block::empty(0);
    let mut start = 0;
    while start < n_blocks {
        let end = (start + batch).min(n_blocks);
        let blocks: Vec<Block> = (start..end)
            .into_par_iter()
            .map(|b| Block::generate(&ctx, b))
            .collect();
        for b in blocks {
            pending.append(b);
        }
        while pending.len() >= chunk_rows {
            sink(
                pending
                    .split_front(chunk_rows)
                    .into_table(ctx.id_digits())?,
            )?;
        }
        start = end;
    }
    if pending.len() > 0 {
        sink(pending.into_table(ctx.id_digits())?)?;
    }
    Ok(Truth::new(config))
}

/// Writes the export as CSV (header, then every row; missing values empty,
/// dates `YYYY-MM-DD`, tags joined with `;`): exactly the bytes of
/// `generate(config)?.table.write_csv(..)`, streamed with bounded memory and
/// formatted in parallel, and flushed at the end. Writes are large (one per
/// block of rows), so a file needs no `BufWriter`.
///
/// ```
/// use icpfit_core::synth::{write_csv, SynthConfig};
///
/// let mut csv = Vec::new();
/// write_csv(&SynthConfig::new(100, 3), &mut csv)?;
/// let text = String::from_utf8(csv).unwrap();
/// assert!(text.starts_with("account_id,industry,sub_industry,employees,"));
/// assert_eq!(text.lines().count(), 101);
/// # Ok::<(), icpfit_core::Error>(())
/// ```
pub fn write_csv<W: Write>(config: &SynthConfig, mut writer: W) -> Result<Truth> {
    config.validate()?;
    let ctx = Ctx::new(config);
    let io = |source: std::io::Error| Error::Io {
        path: "<csv writer>".into(),
        source,
    };
    let mut header = Vec::new();
    export::write_header(&Block::empty(0).into_table(ctx.id_digits())?, &mut header);
    writer.write_all(&header).map_err(io)?;
    let n_blocks = ctx.n_blocks();
    let batch = batch_blocks(0);
    let mut start = 0;
    while start < n_blocks {
        let end = (start + batch).min(n_blocks);
        let parts: Vec<Result<Vec<u8>>> = (start..end)
            .into_par_iter()
            .map(|b| {
                let table = Block::generate(&ctx, b).into_table(ctx.id_digits())?;
                let mut out = Vec::with_capacity(table.n_rows() * 320);
                export::write_rows(&table, &mut out);
                Ok(out)
            })
            .collect();
        for part in parts {
            writer.write_all(&part?).map_err(io)?;
        }
        start = end;
    }
    writer.flush().map_err(io)?;
    Ok(Truth::new(config))
}
