//! The output schema: every column's name, kind, role, dimension and meaning,
//! in output order. The table's schema is set from this list and the
//! [`Truth`](super::Truth) documents it.

use crate::table::{Dimension, Kind, Role};
use serde::{Deserialize, Serialize};

/// One output column, as documented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnDoc {
    /// Column name (CSV header).
    pub name: String,
    /// Type.
    pub kind: Kind,
    /// Role in the analysis.
    pub role: Role,
    /// ICP dimension.
    pub dimension: Dimension,
    /// What it holds and what drives it.
    pub description: String,
}

use Dimension as D;
use Kind as K;
use Role as R;

/// (name, kind, role, dimension, description), in output order.
pub(crate) const COLUMNS: [(&str, Kind, Role, Dimension, &str); 32] = [
    (
        "account_id",
        K::Text,
        R::Id,
        D::Other,
        "unique id `A` + zero-padded row number (1-based)",
    ),
    (
        "industry",
        K::Categorical,
        R::Attribute,
        D::Firmographic,
        "9 industries; fintech/healthtech win more, education has poor NRR",
    ),
    (
        "sub_industry",
        K::Categorical,
        R::Attribute,
        D::Firmographic,
        "`industry/sub`, 2–4 per industry; ecommerce/marketplaces is owned by CompB",
    ),
    (
        "employees",
        K::Numeric,
        R::Attribute,
        D::Firmographic,
        "heavy-tailed 10–20,000 (truncated log-normal, median ~250); 200–2,000 win more, < 50 churn 3×",
    ),
    (
        "annual_revenue",
        K::Numeric,
        R::Attribute,
        D::Firmographic,
        "employees × log-normal revenue per employee (median $160k), nearest $10k; 8 % missing; no own effect",
    ),
    (
        "region",
        K::Categorical,
        R::Attribute,
        D::Firmographic,
        "north_america / emea / apac / latam; no effect",
    ),
    (
        "founded_year",
        K::Numeric,
        R::Attribute,
        D::Firmographic,
        "from the funding stage's typical age; 5 % missing; no own effect",
    ),
    (
        "funding_stage",
        K::Categorical,
        R::Attribute,
        D::Stage,
        "bootstrapped … public, depends on size; 6 % missing; no own effect",
    ),
    (
        "tech_stack",
        K::TagSet,
        R::Attribute,
        D::Technographic,
        "tools (`;`-separated); Snowflake wins more, Salesforce retains and expands; 4 % missing",
    ),
    (
        "lead_source",
        K::Categorical,
        R::Attribute,
        D::Behavioral,
        "inbound / outbound / partner / referral / event; partner and referral win more",
    ),
    (
        "product",
        K::Categorical,
        R::Attribute,
        D::Behavioral,
        "core / analytics / enterprise, depends on size; no own effect",
    ),
    (
        "use_case",
        K::Categorical,
        R::Attribute,
        D::Behavioral,
        "reporting / forecasting / retention / onboarding; forecasting expands more, onboarding less",
    ),
    (
        "ae",
        K::Categorical,
        R::Attribute,
        D::Behavioral,
        "the account executive, 20 names, uniform: pure noise",
    ),
    (
        "cycle_days",
        K::Numeric,
        R::Attribute,
        D::Behavioral,
        "sales-cycle length (days so far for open deals), grows with size and product; no own effect",
    ),
    (
        "acv",
        K::Numeric,
        R::Attribute,
        D::Behavioral,
        "proposed annual contract value (USD, nearest 100), grows with size and product; no own effect",
    ),
    (
        "discount",
        K::Numeric,
        R::Attribute,
        D::Behavioral,
        "proposed discount 0–0.40 (2 decimals), a little higher for bigger deals; no own effect",
    ),
    (
        "close_date",
        K::Date,
        R::Outcome,
        D::Other,
        "uniform over the configured quarters; missing for open deals",
    ),
    (
        "outcome",
        K::Categorical,
        R::Outcome,
        D::Other,
        "won / lost / no_decision / open (open = current pipeline, 10 %)",
    ),
    (
        "loss_reason",
        K::Categorical,
        R::Outcome,
        D::Other,
        "for lost and no_decision deals; missing otherwise",
    ),
    (
        "competitor",
        K::Categorical,
        R::Outcome,
        D::Other,
        "CompA / CompB / CompC: every competitive loss, 75 % of contested wins; missing otherwise",
    ),
    (
        "retention_status",
        K::Categorical,
        R::Outcome,
        D::Other,
        "customers (won) only: active / churned / expanded / contracted",
    ),
    (
        "start_arr",
        K::Numeric,
        R::Outcome,
        D::Behavioral,
        "customers only: acv × (1 − discount), rounded to the dollar (role outcome: it exists only for won deals)",
    ),
    (
        "current_arr",
        K::Numeric,
        R::Outcome,
        D::Other,
        "customers only: 0 if churned, start × U(1.25, 2.15) if expanded, × U(0.45, 0.85) if contracted, else start",
    ),
    (
        "nps",
        K::Numeric,
        R::Outcome,
        D::Other,
        "customers who answered (75 %): the 0–10 likelihood-to-recommend answer (promoter 9–10, detractor 0–6)",
    ),
    (
        "support_tickets",
        K::Numeric,
        R::Outcome,
        D::Other,
        "customers only: tickets per month (1 decimal), more for bigger and bad-fit customers",
    ),
    (
        "time_to_value_days",
        K::Numeric,
        R::Outcome,
        D::Other,
        "customers only: days to first value, median 28 (ICP fit) vs 50 (bad fit)",
    ),
    (
        "fit_tag_90d",
        K::Categorical,
        R::Outcome,
        D::Other,
        "customers only: strong / near / bad, the 90-day fit tag rule (see the truth)",
    ),
    (
        "champion_changed",
        K::Flag,
        R::Outcome,
        D::Other,
        "customers only: the champion left within 90 days (15 %); churn ×1.5",
    ),
    (
        "adoption_90d",
        K::Numeric,
        R::Outcome,
        D::Other,
        "customers only: share of seats active at 90 days (2 decimals), higher for ICP fit",
    ),
    (
        "noise_score",
        K::Numeric,
        R::Attribute,
        D::Other,
        "pure noise: Normal(50, 15), 1 decimal",
    ),
    (
        "noise_segment",
        K::Categorical,
        R::Attribute,
        D::Other,
        "pure noise: 40 Zipf-weighted levels `seg_01`…`seg_40` (small levels look predictive to naive IV/MI)",
    ),
    (
        "noise_flag",
        K::Flag,
        R::Attribute,
        D::Other,
        "pure noise: true with probability 0.30",
    ),
];

/// The documented columns.
pub(crate) fn column_docs() -> Vec<ColumnDoc> {
    COLUMNS
        .iter()
        .map(|&(name, kind, role, dimension, description)| ColumnDoc {
            name: name.to_owned(),
            kind,
            role,
            dimension,
            description: description.to_owned(),
        })
        .collect()
}
