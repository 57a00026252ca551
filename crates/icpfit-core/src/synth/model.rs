//! The planted model: every level list, probability and effect size of the
//! generator, in one place. The generator ([`super::generate`]) draws from
//! these constants and the [`Truth`](super::Truth) is computed from them, so
//! the documentation can never disagree with the data.

/// Industries (level order = category codes).
pub(crate) const INDUSTRIES: [&str; 9] = [
    "fintech",
    "healthtech",
    "saas",
    "ecommerce",
    "manufacturing",
    "education",
    "media",
    "logistics",
    "professional_services",
];
/// Share of accounts per industry.
pub(crate) const INDUSTRY_WEIGHTS: [f64; 9] =
    [0.12, 0.10, 0.17, 0.13, 0.11, 0.09, 0.08, 0.09, 0.11];

pub(crate) const FINTECH: usize = 0;
pub(crate) const HEALTHTECH: usize = 1;
pub(crate) const EDUCATION: usize = 5;

/// Sub-industries: (level, industry index, share within the industry).
pub(crate) const SUB_INDUSTRIES: [(&str, usize, f64); 28] = [
    ("fintech/payments", 0, 0.25),
    ("fintech/lending", 0, 0.25),
    ("fintech/insurtech", 0, 0.25),
    ("fintech/wealth", 0, 0.25),
    ("healthtech/providers", 1, 0.40),
    ("healthtech/digital_health", 1, 0.35),
    ("healthtech/pharma", 1, 0.25),
    ("saas/devtools", 2, 0.25),
    ("saas/hr_tech", 2, 0.25),
    ("saas/martech", 2, 0.25),
    ("saas/security", 2, 0.25),
    ("ecommerce/marketplaces", 3, 0.35),
    ("ecommerce/d2c", 3, 0.40),
    ("ecommerce/b2b_commerce", 3, 0.25),
    ("manufacturing/industrial", 4, 0.40),
    ("manufacturing/automotive", 4, 0.30),
    ("manufacturing/electronics", 4, 0.30),
    ("education/k12", 5, 0.30),
    ("education/higher_ed", 5, 0.40),
    ("education/edtech", 5, 0.30),
    ("media/publishing", 6, 0.50),
    ("media/streaming", 6, 0.50),
    ("logistics/freight", 7, 0.40),
    ("logistics/last_mile", 7, 0.30),
    ("logistics/warehousing", 7, 0.30),
    ("professional_services/consulting", 8, 0.40),
    ("professional_services/agencies", 8, 0.35),
    ("professional_services/legal", 8, 0.25),
];
/// The competitor-owned segment.
pub(crate) const MARKETPLACES: usize = 11;

/// Regions and their shares.
pub(crate) const REGIONS: [&str; 4] = ["north_america", "emea", "apac", "latam"];
pub(crate) const REGION_WEIGHTS: [f64; 4] = [0.45, 0.30, 0.15, 0.10];

// ---------------------------------------------------------------- size

/// Employees: `round(exp(x))`, `x ~ Normal(ln 250, 1.6)` truncated so that
/// employees lie in `[EMP_MIN, EMP_MAX]`.
pub(crate) const EMP_LOG_MEAN: f64 = 5.521_460_917_862_246; // ln 250
pub(crate) const EMP_LOG_SD: f64 = 1.6;
pub(crate) const EMP_MIN: f64 = 10.0;
pub(crate) const EMP_MAX: f64 = 20_000.0;
/// Size bands, by employees: `< 50`, `50–199`, `200–2,000`, `> 2,000`.
pub(crate) const BAND_EDGES: [f64; 3] = [50.0, 200.0, 2001.0];
pub(crate) const N_BANDS: usize = 4;
pub(crate) const BAND_SMALL: usize = 0;
pub(crate) const BAND_SWEET: usize = 2;
/// Human names of the bands.
pub(crate) const BAND_NAMES: [&str; 4] = ["< 50", "50–199", "200–2,000", "> 2,000"];
/// The threshold of the churn threshold effect.
pub(crate) const SMALL_BELOW: f64 = 50.0;
/// Win band (inclusive).
pub(crate) const SWEET_MIN: f64 = 200.0;
pub(crate) const SWEET_MAX: f64 = 2000.0;

#[inline]
pub(crate) fn band_of(employees: f64) -> usize {
    BAND_EDGES.iter().take_while(|&&e| employees >= e).count()
}

/// Revenue per employee: log-normal around this median (USD).
pub(crate) const REVENUE_PER_EMPLOYEE: f64 = 160_000.0;
pub(crate) const REVENUE_LOG_SD: f64 = 0.45;

// ---------------------------------------------------------------- funding

pub(crate) const FUNDING_STAGES: [&str; 7] = [
    "bootstrapped",
    "seed",
    "series_a",
    "series_b",
    "series_c",
    "pe_backed",
    "public",
];
/// Funding-stage shares per size band.
pub(crate) const FUNDING_BY_BAND: [[f64; 7]; 4] = [
    [0.35, 0.40, 0.20, 0.05, 0.00, 0.00, 0.00],
    [0.20, 0.15, 0.35, 0.20, 0.05, 0.05, 0.00],
    [0.10, 0.02, 0.13, 0.30, 0.25, 0.12, 0.08],
    [0.05, 0.00, 0.02, 0.08, 0.20, 0.30, 0.35],
];
/// Company age range (years, inclusive) per funding stage.
pub(crate) const AGE_BY_STAGE: [(u32, u32); 7] = [
    (2, 30),
    (1, 5),
    (2, 7),
    (4, 10),
    (6, 15),
    (10, 50),
    (15, 80),
];

// ---------------------------------------------------------------- tech stack

/// The tool dictionary of `tech_stack`, in this order.
pub(crate) const TOOLS: [&str; 12] = [
    "Salesforce",
    "HubSpot",
    "Snowflake",
    "dbt",
    "Segment",
    "Marketo",
    "Zendesk",
    "Intercom",
    "AWS",
    "GCP",
    "Slack",
    "Looker",
];
pub(crate) const T_SALESFORCE: usize = 0;
pub(crate) const T_HUBSPOT: usize = 1;
pub(crate) const T_SNOWFLAKE: usize = 2;
pub(crate) const T_DBT: usize = 3;
pub(crate) const T_SEGMENT: usize = 4;
pub(crate) const T_MARKETO: usize = 5;
pub(crate) const T_ZENDESK: usize = 6;
pub(crate) const T_INTERCOM: usize = 7;
pub(crate) const T_AWS: usize = 8;
pub(crate) const T_GCP: usize = 9;
pub(crate) const T_SLACK: usize = 10;
pub(crate) const T_LOOKER: usize = 11;
/// P(Snowflake) per size band.
pub(crate) const P_SNOWFLAKE: [f64; 4] = [0.10, 0.25, 0.45, 0.50];
/// P(Salesforce) per size band.
pub(crate) const P_SALESFORCE: [f64; 4] = [0.20, 0.40, 0.55, 0.70];
/// P(HubSpot) per size band, when the account has no Salesforce.
pub(crate) const P_HUBSPOT_NO_SF: [f64; 4] = [0.60, 0.50, 0.35, 0.20];
/// P(HubSpot) when the account has Salesforce.
pub(crate) const P_HUBSPOT_WITH_SF: f64 = 0.10;
/// P(dbt) with / without Snowflake (a correlated bystander of a driver).
pub(crate) const P_DBT: (f64, f64) = (0.55, 0.08);
/// P(Looker) with / without Snowflake.
pub(crate) const P_LOOKER: (f64, f64) = (0.35, 0.12);
/// P(Marketo) with / without Salesforce.
pub(crate) const P_MARKETO: (f64, f64) = (0.30, 0.05);
pub(crate) const P_SEGMENT: f64 = 0.20;
pub(crate) const P_ZENDESK: f64 = 0.30;
pub(crate) const P_INTERCOM: f64 = 0.25;
pub(crate) const P_AWS: f64 = 0.60;
/// P(GCP) with / without AWS.
pub(crate) const P_GCP: (f64, f64) = (0.15, 0.45);
pub(crate) const P_SLACK: f64 = 0.70;

// ---------------------------------------------------------------- deal

pub(crate) const LEAD_SOURCES: [&str; 5] = ["inbound", "outbound", "partner", "referral", "event"];
pub(crate) const LEAD_WEIGHTS: [f64; 5] = [0.35, 0.28, 0.15, 0.10, 0.12];
pub(crate) const PARTNER: usize = 2;
pub(crate) const REFERRAL: usize = 3;

pub(crate) const PRODUCTS: [&str; 3] = ["core", "analytics", "enterprise"];
pub(crate) const PRODUCT_BY_BAND: [[f64; 3]; 4] = [
    [0.80, 0.20, 0.00],
    [0.60, 0.30, 0.10],
    [0.40, 0.35, 0.25],
    [0.20, 0.30, 0.50],
];
/// ACV multiplier per product.
pub(crate) const PRODUCT_ACV: [f64; 3] = [1.0, 1.5, 3.0];
/// Cycle-length multiplier per product.
pub(crate) const PRODUCT_CYCLE: [f64; 3] = [1.0, 1.1, 1.4];

pub(crate) const USE_CASES: [&str; 4] = ["reporting", "forecasting", "retention", "onboarding"];
pub(crate) const USE_CASE_WEIGHTS: [f64; 4] = [0.35, 0.25, 0.20, 0.20];
pub(crate) const FORECASTING: usize = 1;
pub(crate) const ONBOARDING: usize = 3;

/// Account executives: pure noise for winning (uniform, no effect).
pub(crate) const AES: [&str; 20] = [
    "Alex Kim",
    "Priya Shah",
    "Marco Rossi",
    "Hannah Weber",
    "Tom Becker",
    "Aisha Bello",
    "Lucas Martin",
    "Sofia Garcia",
    "Kenji Sato",
    "Emma Dubois",
    "Noah Fischer",
    "Olivia Brown",
    "Mateo Silva",
    "Chloe Nguyen",
    "Ravi Patel",
    "Grace Okafor",
    "Jonas Berg",
    "Mia Kowalski",
    "Daniel Cohen",
    "Lena Novak",
];

pub(crate) const OUTCOMES: [&str; 4] = ["won", "lost", "no_decision", "open"];
pub(crate) const WON: u32 = 0;
pub(crate) const LOST: u32 = 1;
pub(crate) const NO_DECISION: u32 = 2;
pub(crate) const OPEN: u32 = 3;
/// Share of accounts that are open pipeline (independent of everything).
pub(crate) const P_OPEN: f64 = 0.10;

pub(crate) const LOSS_REASONS: [&str; 7] = [
    "price",
    "product_gap",
    "timing",
    "competitor",
    "no_budget",
    "champion_left",
    "no_decision",
];
pub(crate) const R_COMPETITOR: u32 = 3;
/// Reasons of right-fit no-decision deals (weights over `LOSS_REASONS`).
pub(crate) const REASONS_FIT_NO_DECISION: [f64; 7] = [0.0, 0.0, 0.20, 0.0, 0.15, 0.10, 0.55];
/// Wrong-fit uncontested non-won deals: P(outcome = lost); else no decision.
pub(crate) const P_BADFIT_LOST: f64 = 0.75;
/// Reasons of wrong-fit uncontested lost deals.
pub(crate) const REASONS_BADFIT_LOST: [f64; 7] = [0.35, 0.45, 0.10, 0.0, 0.10, 0.0, 0.0];
/// Reasons of wrong-fit no-decision deals.
pub(crate) const REASONS_BADFIT_NO_DECISION: [f64; 7] = [0.0, 0.0, 0.20, 0.0, 0.20, 0.0, 0.60];

// ---------------------------------------------------------------- competition

pub(crate) const COMPETITORS: [&str; 3] = ["CompA", "CompB", "CompC"];
pub(crate) const COMP_B: usize = 1;
/// P(a competitor is in the deal): in the owned segment / elsewhere.
pub(crate) const P_CONTEST: (f64, f64) = (0.65, 0.40);
/// Which competitor, given a contest: in the owned segment / elsewhere.
pub(crate) const COMP_MIX_SEGMENT: [f64; 3] = [0.10, 0.85, 0.05];
pub(crate) const COMP_MIX_ELSEWHERE: [f64; 3] = [0.45, 0.20, 0.35];
/// P(the competitor of a contested *won* deal is recorded).
pub(crate) const P_RECORD_WON_COMPETITOR: f64 = 0.75;

// ---------------------------------------------------------------- win model

/// logit P(won | closed) = WIN_INTERCEPT + Σ drivers + segment term.
pub(crate) const WIN_INTERCEPT: f64 = -1.7;
pub(crate) const B_INDUSTRY: f64 = 0.9;
pub(crate) const B_SWEET_SPOT: f64 = 0.8;
pub(crate) const B_SNOWFLAKE: f64 = 0.7;
pub(crate) const B_PARTNER_REFERRAL: f64 = 0.6;
/// Added when CompB contests a deal in its segment.
pub(crate) const B_COMPB_IN_SEGMENT: f64 = -1.5;

/// The attributes the planted probabilities depend on (the true values,
/// before any masking of observed values as missing).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Drivers {
    pub sub: usize,
    pub band: usize,
    pub snowflake: bool,
    pub salesforce: bool,
    pub lead: usize,
    pub use_case: usize,
}

impl Drivers {
    #[inline]
    pub fn industry(&self) -> usize {
        SUB_INDUSTRIES[self.sub].1
    }
    #[inline]
    pub fn fin_health(&self) -> bool {
        matches!(self.industry(), FINTECH | HEALTHTECH)
    }
    #[inline]
    pub fn partner_referral(&self) -> bool {
        matches!(self.lead, PARTNER | REFERRAL)
    }
    #[inline]
    pub fn in_segment(&self) -> bool {
        self.sub == MARKETPLACES
    }
    /// The planted ICP: 200–2,000 employees AND (fintech/healthtech OR Snowflake).
    #[inline]
    pub fn icp_fit(&self) -> bool {
        self.band == BAND_SWEET && (self.fin_health() || self.snowflake)
    }
    /// Log-odds of winning a closed deal; `competitor` is the contesting
    /// competitor, if any.
    pub fn win_logit(&self, competitor: Option<usize>) -> f64 {
        let mut eta = WIN_INTERCEPT;
        if self.fin_health() {
            eta += B_INDUSTRY;
        }
        if self.band == BAND_SWEET {
            eta += B_SWEET_SPOT;
        }
        if self.snowflake {
            eta += B_SNOWFLAKE;
        }
        if self.partner_referral() {
            eta += B_PARTNER_REFERRAL;
        }
        if self.in_segment() && competitor == Some(COMP_B) {
            eta += B_COMPB_IN_SEGMENT;
        }
        eta
    }
    /// P(churn) of a customer.
    pub fn churn_prob(&self, champion_changed: bool) -> f64 {
        let mut p = CHURN_BASE;
        if !self.icp_fit() {
            p *= CHURN_BAD_FIT;
        }
        if self.band == BAND_SMALL {
            p *= CHURN_SMALL;
        }
        if champion_changed {
            p *= CHURN_CHAMPION;
        }
        if self.industry() == EDUCATION {
            p *= CHURN_EDUCATION;
        }
        if self.salesforce {
            p *= CHURN_SALESFORCE;
        }
        p
    }
    /// P(contracted | not churned).
    pub fn contraction_prob(&self) -> f64 {
        if self.industry() == EDUCATION {
            CONTRACT_EDUCATION
        } else {
            CONTRACT_BASE
        }
    }
    /// P(expanded | not churned).
    pub fn expansion_prob(&self) -> f64 {
        let mut p = EXPAND_BASE;
        if !self.icp_fit() {
            p *= EXPAND_BAD_FIT;
        }
        if self.salesforce {
            p *= EXPAND_SALESFORCE;
        }
        match self.use_case {
            FORECASTING => p *= EXPAND_FORECASTING,
            ONBOARDING => p *= EXPAND_ONBOARDING,
            _ => {}
        }
        if self.industry() == EDUCATION {
            p *= EXPAND_EDUCATION;
        }
        p
    }
}

#[inline]
pub(crate) fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

// ---------------------------------------------------------------- retention

/// P(churn) of an ICP-fit customer with no other factor.
pub(crate) const CHURN_BASE: f64 = 0.05;
pub(crate) const CHURN_BAD_FIT: f64 = 2.0;
pub(crate) const CHURN_SMALL: f64 = 2.1;
pub(crate) const CHURN_CHAMPION: f64 = 1.5;
pub(crate) const CHURN_EDUCATION: f64 = 2.0;
pub(crate) const CHURN_SALESFORCE: f64 = 0.7;
/// P(contracted | not churned).
pub(crate) const CONTRACT_BASE: f64 = 0.10;
pub(crate) const CONTRACT_EDUCATION: f64 = 0.40;
/// P(expanded | not churned) of an ICP-fit customer with no other factor.
pub(crate) const EXPAND_BASE: f64 = 0.36;
pub(crate) const EXPAND_BAD_FIT: f64 = 0.5;
pub(crate) const EXPAND_SALESFORCE: f64 = 1.4;
pub(crate) const EXPAND_FORECASTING: f64 = 1.5;
pub(crate) const EXPAND_ONBOARDING: f64 = 0.6;
pub(crate) const EXPAND_EDUCATION: f64 = 0.25;
/// current_arr / start_arr of expanded and contracted customers: uniform.
pub(crate) const EXPANDED_RATIO: (f64, f64) = (1.25, 2.15);
pub(crate) const CONTRACTED_RATIO: (f64, f64) = (0.45, 0.85);

pub(crate) const RETENTION: [&str; 4] = ["active", "churned", "expanded", "contracted"];
pub(crate) const R_ACTIVE: u32 = 0;
pub(crate) const R_CHURNED: u32 = 1;
pub(crate) const R_EXPANDED: u32 = 2;
pub(crate) const R_CONTRACTED: u32 = 3;

/// P(champion changed) of a customer within 90 days.
pub(crate) const P_CHAMPION_CHANGED: f64 = 0.15;
/// adoption_90d ~ Beta(a, b): ICP fit / bad fit.
pub(crate) const ADOPTION_FIT: (f64, f64) = (5.0, 2.5);
pub(crate) const ADOPTION_BAD: (f64, f64) = (2.5, 3.0);
/// Adoption at or above this (after rounding to 2 decimals) scores a point.
pub(crate) const ADOPTION_GOOD: f64 = 0.5;
/// Share of fit tags replaced by a uniformly random tag.
pub(crate) const FIT_TAG_NOISE: f64 = 0.10;

pub(crate) const FIT_TAGS: [&str; 3] = ["strong", "near", "bad"];
pub(crate) const TAG_STRONG: u32 = 0;
pub(crate) const TAG_NEAR: u32 = 1;
pub(crate) const TAG_BAD: u32 = 2;

/// The fit-tag rule: points = 2·[ICP fit] + 1·[adoption ≥ 0.5] − 2·[champion
/// changed]; ≥ 3 strong, 1–2 near, ≤ 0 bad.
#[inline]
pub(crate) fn fit_tag_rule(fit: bool, good_adoption: bool, champion_changed: bool) -> u32 {
    let points = 2 * i32::from(fit) + i32::from(good_adoption) - 2 * i32::from(champion_changed);
    match points {
        3.. => TAG_STRONG,
        1..=2 => TAG_NEAR,
        _ => TAG_BAD,
    }
}

/// Mean NPS answer (0–10) per retention status (active, churned, expanded,
/// contracted); ICP fit adds `NPS_FIT_BONUS`; answers are Normal(mean, sd),
/// rounded and clamped.
pub(crate) const NPS_MEAN: [f64; 4] = [7.6, 4.5, 8.6, 6.2];
pub(crate) const NPS_FIT_BONUS: f64 = 0.4;
pub(crate) const NPS_SD: f64 = 1.6;
/// Share of customers who answered the NPS survey.
pub(crate) const P_NPS_ANSWERED: f64 = 0.75;

/// Support tickets per month: log-normal, median grows with size; bad fit ×.
pub(crate) const TICKETS_BAD_FIT: f64 = 1.6;
/// Time to value (days), median: ICP fit / bad fit.
pub(crate) const TTV_MEDIAN: (f64, f64) = (28.0, 50.0);

// ---------------------------------------------------------------- missing

/// Observed values masked as missing, completely at random.
pub(crate) const P_MISSING_REVENUE: f64 = 0.08;
pub(crate) const P_MISSING_FOUNDED: f64 = 0.05;
pub(crate) const P_MISSING_FUNDING: f64 = 0.06;
pub(crate) const P_MISSING_TECH: f64 = 0.04;

// ---------------------------------------------------------------- noise

pub(crate) const NOISE_SEGMENTS: usize = 40;
/// Zipf-like weights ∝ 1 / k^0.9 (a few big levels, many small ones).
pub(crate) fn noise_segment_weights() -> [f64; NOISE_SEGMENTS] {
    let mut w = [0.0; NOISE_SEGMENTS];
    let mut sum = 0.0;
    for (k, x) in w.iter_mut().enumerate() {
        *x = 1.0 / ((k + 1) as f64).powf(0.9);
        sum += *x;
    }
    for x in &mut w {
        *x /= sum;
    }
    w
}
pub(crate) fn noise_segment_levels() -> Vec<String> {
    (1..=NOISE_SEGMENTS)
        .map(|k| format!("seg_{k:02}"))
        .collect()
}
pub(crate) const P_NOISE_FLAG: f64 = 0.30;
pub(crate) const NOISE_SCORE: (f64, f64) = (50.0, 15.0);

// ---------------------------------------------------------------- interviews

/// Interview cohorts: customers still with us, lost deals, churned customers.
pub(crate) const INTERVIEW_COHORTS: [&str; 3] = ["won", "lost", "churned"];
pub(crate) const C_WON: usize = 0;
pub(crate) const C_LOST: usize = 1;
pub(crate) const C_CHURNED: usize = 2;
/// P(an account of the cohort is interviewed), independently per account.
pub(crate) const P_INTERVIEW: [f64; 3] = [0.12, 0.12, 0.70];
/// P(the interviewer coded the note's themes); otherwise it is text only.
pub(crate) const P_CODED: f64 = 0.80;
/// Won: P(`warehouse_integration`) with / without Snowflake in the recorded
/// tech stack (the planted win driver, told as the deciding factor).
pub(crate) const P_THEME_INTEGRATION: (f64, f64) = (0.75, 0.05);
/// Won: P(`onboarding`), P(`support`), any account.
pub(crate) const P_THEME_ONBOARDING: f64 = 0.20;
pub(crate) const P_THEME_SUPPORT: f64 = 0.15;
/// Churned: P(`too_complex`) under 50 employees / at or above (the planted
/// churn threshold, told as "too complex for a team our size").
pub(crate) const P_THEME_TOO_COMPLEX: (f64, f64) = (0.80, 0.10);
/// Churned: P(`champion_left`) with / without a champion change.
pub(crate) const P_THEME_CHAMPION_LEFT: (f64, f64) = (0.70, 0.05);
/// Churned: P(`low_adoption`) with adoption_90d below / at or above 0.5.
pub(crate) const P_THEME_LOW_ADOPTION: (f64, f64) = (0.40, 0.10);
/// Churned: P(`budget`), any account.
pub(crate) const P_THEME_BUDGET_CHURN: f64 = 0.15;
/// The buyer-stated reason of a lost deal given its CRM `loss_reason`: row =
/// CRM reason, columns = buyer reason, both over [`LOSS_REASONS`]. The CRM
/// over-reports `price`: buyers confirm it on 30 % of the deals the CRM
/// files under it and name a missing feature (45 %) or a competitor's
/// integration (20 %) instead, while they rarely say price when the CRM
/// says something else.
pub(crate) const BUYER_REASONS: [[f64; 7]; 7] = [
    [0.30, 0.45, 0.05, 0.20, 0.0, 0.0, 0.0],
    [0.0, 0.90, 0.0, 0.10, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.80, 0.0, 0.20, 0.0, 0.0],
    [0.03, 0.12, 0.0, 0.85, 0.0, 0.0, 0.0],
    [0.10, 0.0, 0.10, 0.0, 0.80, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
];
/// The theme a buyer reason is coded as (over [`LOSS_REASONS`]; no_decision
/// has none).
pub(crate) const REASON_THEMES: [Option<&str>; 7] = [
    Some("price"),
    Some("missing_feature"),
    Some("timing"),
    Some("competitor_integration"),
    Some("budget"),
    Some("champion_left"),
    None,
];
