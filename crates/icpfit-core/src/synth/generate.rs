//! Row generation, columnar: each block of [`BLOCK_ROWS`] rows draws from its
//! own ChaCha8 stream `(seed, block index)` straight into column vectors.
//! Blocks are generated in parallel and concatenated in block order, so the
//! output is the same on any number of threads and for any chunk size the
//! caller streams with.

use super::columns::COLUMNS;
use super::config::SynthConfig;
use super::model::*;
use super::rng::{BlockRng, round_to};
use crate::error::Result;
use crate::table::{
    AccountTable, Bitmap, CategoricalColumn, Column, DATE_MISSING, FLAG_MISSING, MISSING_CODE,
    TagSetColumn, TextColumn,
};
use std::fmt::Write as _;

/// Rows per random stream. Part of the determinism contract: the bytes for a
/// seed depend on it, so it is a fixed constant, never the caller's chunk size.
pub const BLOCK_ROWS: usize = 4096;

/// What every block needs, derived once from the configuration.
pub(crate) struct Ctx {
    seed: u64,
    n: usize,
    date_first: i32,
    date_span: usize,
    end_year: i32,
    id_digits: usize,
    sub_weights: [f64; SUB_INDUSTRIES.len()],
    noise_weights: [f64; NOISE_SEGMENTS],
}

impl Ctx {
    /// Assumes a validated configuration.
    pub(crate) fn new(config: &SynthConfig) -> Self {
        let (first, last) = config.close_date_range();
        Self {
            seed: config.seed,
            n: config.n_accounts,
            date_first: first,
            date_span: (last - first + 1) as usize,
            end_year: config.end_year,
            id_digits: config.id_digits(),
            sub_weights: sub_industry_weights(),
            noise_weights: noise_segment_weights(),
        }
    }
    /// Number of blocks.
    pub(crate) fn n_blocks(&self) -> usize {
        self.n.div_ceil(BLOCK_ROWS)
    }
    /// Digits of the account ids.
    pub(crate) fn id_digits(&self) -> usize {
        self.id_digits
    }
}

/// Share of all accounts per sub-industry.
pub(crate) fn sub_industry_weights() -> [f64; SUB_INDUSTRIES.len()] {
    SUB_INDUSTRIES.map(|(_, ind, w)| INDUSTRY_WEIGHTS[ind] * w)
}

macro_rules! block {
    ($($field:ident : $ty:ty),* $(,)?) => {
        /// A run of consecutive rows, one vector per column.
        #[derive(Debug, Default)]
        pub(crate) struct Block {
            /// 0-based index of the first row.
            pub(crate) first_row: usize,
            $(pub(crate) $field: Vec<$ty>,)*
        }
        impl Block {
            fn with_capacity(first_row: usize, n: usize) -> Self {
                Self { first_row, $($field: Vec::with_capacity(n),)* }
            }
            /// Appends the rows of `other`, which must follow this block.
            pub(crate) fn append(&mut self, mut other: Block) {
                debug_assert_eq!(self.first_row + self.len(), other.first_row);
                $(self.$field.append(&mut other.$field);)*
            }
            /// Removes and returns the first `n` rows (`n <= len`).
            pub(crate) fn split_front(&mut self, n: usize) -> Block {
                let first_row = self.first_row;
                self.first_row += n;
                Block {
                    first_row,
                    $($field: {
                        let rest = self.$field.split_off(n);
                        std::mem::replace(&mut self.$field, rest)
                    },)*
                }
            }
        }
    };
}

block! {
    industry: u32,
    sub_industry: u32,
    employees: f64,
    annual_revenue: f64,
    region: u32,
    founded_year: f64,
    funding_stage: u32,
    tech_bits: u64,
    tech_valid: bool,
    lead_source: u32,
    product: u32,
    use_case: u32,
    ae: u32,
    cycle_days: f64,
    acv: f64,
    discount: f64,
    close_date: i32,
    outcome: u32,
    loss_reason: u32,
    competitor: u32,
    retention_status: u32,
    start_arr: f64,
    current_arr: f64,
    nps: f64,
    support_tickets: f64,
    time_to_value_days: f64,
    fit_tag: u32,
    champion_changed: u8,
    adoption: f64,
    noise_score: f64,
    noise_segment: u32,
    noise_flag: u8,
}

impl Block {
    /// An empty block starting at row `first_row`.
    pub(crate) fn empty(first_row: usize) -> Self {
        Self {
            first_row,
            ..Self::default()
        }
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        self.industry.len()
    }

    /// Generates block `b` of the configuration.
    pub(crate) fn generate(ctx: &Ctx, b: usize) -> Self {
        let first = b * BLOCK_ROWS;
        let n = BLOCK_ROWS.min(ctx.n.saturating_sub(first));
        let mut rng = BlockRng::new(ctx.seed, b as u64);
        let mut block = Self::with_capacity(first, n);
        for _ in 0..n {
            block.push_row(ctx, &mut rng);
        }
        block
    }

    /// Draws one account. The order of draws is part of the output contract.
    fn push_row(&mut self, ctx: &Ctx, rng: &mut BlockRng) {
        // Firmographics.
        let sub = rng.pick(&ctx.sub_weights);
        let industry = SUB_INDUSTRIES[sub].1;
        self.sub_industry.push(sub as u32);
        self.industry.push(industry as u32);
        self.region.push(rng.pick(&REGION_WEIGHTS) as u32);
        let employees = loop {
            let e = (EMP_LOG_MEAN + EMP_LOG_SD * rng.normal()).exp().round();
            if (EMP_MIN..=EMP_MAX).contains(&e) {
                break e;
            }
        };
        let band = band_of(employees);
        self.employees.push(employees);
        let revenue = employees * REVENUE_PER_EMPLOYEE * (REVENUE_LOG_SD * rng.normal()).exp();
        let revenue = ((revenue / 10_000.0).round() * 10_000.0).max(10_000.0);
        self.annual_revenue.push(if rng.chance(P_MISSING_REVENUE) {
            f64::NAN
        } else {
            revenue
        });
        let stage = rng.pick(&FUNDING_BY_BAND[band]);
        let (lo, hi) = AGE_BY_STAGE[stage];
        let founded = f64::from(ctx.end_year - rng.int_in(lo, hi) as i32);
        self.funding_stage.push(if rng.chance(P_MISSING_FUNDING) {
            MISSING_CODE
        } else {
            stage as u32
        });
        self.founded_year.push(if rng.chance(P_MISSING_FOUNDED) {
            f64::NAN
        } else {
            founded
        });

        // Technographics (true values drive the model; the observed stack
        // may be missing).
        let snowflake = rng.chance(P_SNOWFLAKE[band]);
        let salesforce = rng.chance(P_SALESFORCE[band]);
        let mut bits = 0u64;
        let mut set = |t: usize, on: bool| {
            if on {
                bits |= 1 << t;
            }
        };
        set(T_SNOWFLAKE, snowflake);
        set(T_SALESFORCE, salesforce);
        let p_hub = if salesforce {
            P_HUBSPOT_WITH_SF
        } else {
            P_HUBSPOT_NO_SF[band]
        };
        set(T_HUBSPOT, rng.chance(p_hub));
        set(T_DBT, rng.chance(if snowflake { P_DBT.0 } else { P_DBT.1 }));
        set(T_SEGMENT, rng.chance(P_SEGMENT));
        set(
            T_MARKETO,
            rng.chance(if salesforce { P_MARKETO.0 } else { P_MARKETO.1 }),
        );
        set(T_ZENDESK, rng.chance(P_ZENDESK));
        set(T_INTERCOM, rng.chance(P_INTERCOM));
        let aws = rng.chance(P_AWS);
        set(T_AWS, aws);
        set(T_GCP, rng.chance(if aws { P_GCP.0 } else { P_GCP.1 }));
        set(T_SLACK, rng.chance(P_SLACK));
        set(
            T_LOOKER,
            rng.chance(if snowflake { P_LOOKER.0 } else { P_LOOKER.1 }),
        );
        if bits == 0 {
            // A known stack is never empty (an empty cell reads back as missing).
            bits = 1 << T_SLACK;
        }
        let tech_valid = !rng.chance(P_MISSING_TECH);
        self.tech_bits.push(if tech_valid { bits } else { 0 });
        self.tech_valid.push(tech_valid);

        // The deal.
        let lead = rng.pick(&LEAD_WEIGHTS);
        let product = rng.pick(&PRODUCT_BY_BAND[band]);
        let use_case = rng.pick(&USE_CASE_WEIGHTS);
        self.lead_source.push(lead as u32);
        self.product.push(product as u32);
        self.use_case.push(use_case as u32);
        self.ae.push(rng.below(AES.len()) as u32);
        let cycle =
            22.0 * employees.sqrt().sqrt() * PRODUCT_CYCLE[product] * (0.4 * rng.normal()).exp();
        let acv = 6_000.0
            * (employees / 100.0).powf(0.45)
            * PRODUCT_ACV[product]
            * (0.35 * rng.normal()).exp();
        let acv = ((acv / 100.0).round() * 100.0).max(1_000.0);
        let discount = round_to(
            (0.08 + 0.03 * band as f64 + 0.07 * rng.normal()).clamp(0.0, 0.40),
            2,
        );
        self.acv.push(acv);
        self.discount.push(discount);

        // Noise: drawn for every row, used by nothing.
        self.noise_score
            .push(round_to(NOISE_SCORE.0 + NOISE_SCORE.1 * rng.normal(), 1));
        self.noise_segment.push(rng.pick(&ctx.noise_weights) as u32);
        self.noise_flag.push(u8::from(rng.chance(P_NOISE_FLAG)));

        let d = Drivers {
            sub,
            band,
            snowflake,
            salesforce,
            lead,
            use_case,
        };
        let fit = d.icp_fit();

        if rng.chance(P_OPEN) {
            // Current pipeline: days in the cycle so far; nothing decided.
            self.cycle_days
                .push((cycle * rng.between(0.15, 1.0)).round().max(1.0));
            self.close_date.push(DATE_MISSING);
            self.outcome.push(OPEN);
            self.loss_reason.push(MISSING_CODE);
            self.competitor.push(MISSING_CODE);
            self.push_no_customer();
            return;
        }
        self.cycle_days.push(cycle.round().max(7.0));
        self.close_date
            .push(ctx.date_first + rng.below(ctx.date_span) as i32);

        // Competition and the decision.
        let (p_contest, mix) = if d.in_segment() {
            (P_CONTEST.0, &COMP_MIX_SEGMENT)
        } else {
            (P_CONTEST.1, &COMP_MIX_ELSEWHERE)
        };
        let competitor = rng.chance(p_contest).then(|| rng.pick(mix));
        let won = rng.chance(sigmoid(d.win_logit(competitor)));
        if !won {
            let (outcome, reason) = match competitor {
                Some(_) => (LOST, R_COMPETITOR),
                None if fit => (NO_DECISION, rng.pick(&REASONS_FIT_NO_DECISION) as u32),
                None if rng.chance(P_BADFIT_LOST) => (LOST, rng.pick(&REASONS_BADFIT_LOST) as u32),
                None => (NO_DECISION, rng.pick(&REASONS_BADFIT_NO_DECISION) as u32),
            };
            self.outcome.push(outcome);
            self.loss_reason.push(reason);
            self.competitor
                .push(competitor.map_or(MISSING_CODE, |c| c as u32));
            self.push_no_customer();
            return;
        }
        self.outcome.push(WON);
        self.loss_reason.push(MISSING_CODE);
        let recorded = competitor.filter(|_| rng.chance(P_RECORD_WON_COMPETITOR));
        self.competitor
            .push(recorded.map_or(MISSING_CODE, |c| c as u32));

        // The customer.
        let champion = rng.chance(P_CHAMPION_CHANGED);
        let status = if rng.chance(d.churn_prob(champion)) {
            R_CHURNED
        } else {
            let pe = d.expansion_prob();
            let pk = d.contraction_prob();
            let u = rng.uniform();
            if u < pe {
                R_EXPANDED
            } else if u < pe + pk {
                R_CONTRACTED
            } else {
                R_ACTIVE
            }
        };
        let start = (acv * (1.0 - discount)).round();
        let current = match status {
            R_CHURNED => 0.0,
            R_EXPANDED => (start * rng.between(EXPANDED_RATIO.0, EXPANDED_RATIO.1)).round(),
            R_CONTRACTED => (start * rng.between(CONTRACTED_RATIO.0, CONTRACTED_RATIO.1)).round(),
            _ => start,
        };
        let (a, b) = if fit { ADOPTION_FIT } else { ADOPTION_BAD };
        let adoption = round_to(rng.beta(a, b), 2);
        let tag = if rng.chance(FIT_TAG_NOISE) {
            rng.below(FIT_TAGS.len()) as u32
        } else {
            fit_tag_rule(fit, adoption >= ADOPTION_GOOD, champion)
        };
        let nps = if rng.chance(P_NPS_ANSWERED) {
            let bonus = if fit { NPS_FIT_BONUS } else { 0.0 };
            (NPS_MEAN[status as usize] + bonus + NPS_SD * rng.normal())
                .round()
                .clamp(0.0, 10.0)
        } else {
            f64::NAN
        };
        let tickets = 0.6
            * (employees / 10.0).powf(0.3)
            * if fit { 1.0 } else { TICKETS_BAD_FIT }
            * (0.5 * rng.normal()).exp();
        let ttv = if fit { TTV_MEDIAN.0 } else { TTV_MEDIAN.1 }
            * if product == 2 { 1.3 } else { 1.0 }
            * (0.45 * rng.normal()).exp();
        self.retention_status.push(status);
        self.start_arr.push(start);
        self.current_arr.push(current);
        self.nps.push(nps);
        self.support_tickets.push(round_to(tickets, 1));
        self.time_to_value_days.push(ttv.round().max(1.0));
        self.fit_tag.push(tag);
        self.champion_changed.push(u8::from(champion));
        self.adoption.push(adoption);
    }

    fn push_no_customer(&mut self) {
        self.retention_status.push(MISSING_CODE);
        self.start_arr.push(f64::NAN);
        self.current_arr.push(f64::NAN);
        self.nps.push(f64::NAN);
        self.support_tickets.push(f64::NAN);
        self.time_to_value_days.push(f64::NAN);
        self.fit_tag.push(MISSING_CODE);
        self.champion_changed.push(FLAG_MISSING);
        self.adoption.push(f64::NAN);
    }

    /// The rows as a table with the documented schema.
    pub(crate) fn into_table(self, id_digits: usize) -> Result<AccountTable> {
        let n = self.len();
        let width = id_digits + 1;
        let mut ids = String::with_capacity(n * width);
        for i in 0..n {
            // ok: writing to a String cannot fail.
            let _ = write!(ids, "A{:0id_digits$}", self.first_row + i + 1);
        }
        // Every id has exactly `width` bytes: `n_accounts` has at most `id_digits` digits.
        let id_refs: Vec<Option<&str>> = (0..n)
            .map(|i| ids.get(i * width..(i + 1) * width))
            .collect();
        let account_id = Column::Text(TextColumn::from_strings("account_id", &id_refs)?);
        drop(id_refs);
        drop(ids);

        let cat = |codes: Vec<u32>, levels: &[&str]| -> Result<Column> {
            Ok(Column::Categorical(CategoricalColumn::new(
                codes,
                levels.iter().map(|s| (*s).to_owned()).collect(),
            )?))
        };
        let mut valid = Bitmap::new(n, true);
        for (i, &v) in self.tech_valid.iter().enumerate() {
            if !v {
                valid.set(i, false);
            }
        }
        let tech = Column::TagSet(TagSetColumn::from_parts(
            self.tech_bits,
            1,
            TOOLS.iter().map(|s| (*s).to_owned()).collect(),
            valid,
        ));
        let sub_levels: Vec<&str> = SUB_INDUSTRIES.iter().map(|s| s.0).collect();
        let noise_levels = noise_segment_levels();
        let noise_refs: Vec<&str> = noise_levels.iter().map(String::as_str).collect();
        let columns = vec![
            account_id,
            cat(self.industry, &INDUSTRIES)?,
            cat(self.sub_industry, &sub_levels)?,
            Column::Numeric(self.employees.into()),
            Column::Numeric(self.annual_revenue.into()),
            cat(self.region, &REGIONS)?,
            Column::Numeric(self.founded_year.into()),
            cat(self.funding_stage, &FUNDING_STAGES)?,
            tech,
            cat(self.lead_source, &LEAD_SOURCES)?,
            cat(self.product, &PRODUCTS)?,
            cat(self.use_case, &USE_CASES)?,
            cat(self.ae, &AES)?,
            Column::Numeric(self.cycle_days.into()),
            Column::Numeric(self.acv.into()),
            Column::Numeric(self.discount.into()),
            Column::Date(self.close_date),
            cat(self.outcome, &OUTCOMES)?,
            cat(self.loss_reason, &LOSS_REASONS)?,
            cat(self.competitor, &COMPETITORS)?,
            cat(self.retention_status, &RETENTION)?,
            Column::Numeric(self.start_arr.into()),
            Column::Numeric(self.current_arr.into()),
            Column::Numeric(self.nps.into()),
            Column::Numeric(self.support_tickets.into()),
            Column::Numeric(self.time_to_value_days.into()),
            cat(self.fit_tag, &FIT_TAGS)?,
            Column::Flag(self.champion_changed),
            Column::Numeric(self.adoption.into()),
            Column::Numeric(self.noise_score.into()),
            cat(self.noise_segment, &noise_refs)?,
            Column::Flag(self.noise_flag),
        ];
        let named = COLUMNS
            .iter()
            .zip(columns)
            .map(|(spec, col)| (spec.0.to_owned(), col))
            .collect();
        let mut table = AccountTable::from_columns(named)?;
        for &(name, _, role, dimension, _) in &COLUMNS {
            table.set_role(name, role)?;
            table.set_dimension(name, dimension)?;
        }
        Ok(table)
    }
}
