//! The planted truth, as data: every effect the generator plants, with its
//! size, and the population values it implies (computed exactly, see
//! `expected.rs`). Serialisable; also rendered as Markdown
//! (`examples/data/TRUTH.md`).

use super::columns::{ColumnDoc, column_docs};
use super::config::SynthConfig;
use super::criteria::{Criterion, Rule};
use super::expected::{Expected, band_probs};
use super::model::*;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Name and version of the generative model; bumped whenever the bytes for a
/// given configuration change.
pub const MODEL_VERSION: &str = "icpfit-synth/1";

/// A named share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Share {
    /// What.
    pub name: String,
    /// Its share (0–1).
    pub share: f64,
}

fn shares(names: &[&str], weights: &[f64]) -> Vec<Share> {
    names
        .iter()
        .zip(weights)
        .map(|(n, &w)| Share {
            name: (*n).to_owned(),
            share: w,
        })
        .collect()
}

/// Outcome mix (expected shares).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeMix {
    /// Share of accounts that are open pipeline (independent of everything).
    pub open: f64,
    /// Share of *closed* deals won (the win rate).
    pub won: f64,
    /// Share of closed deals lost.
    pub lost: f64,
    /// Share of closed deals ending in no decision.
    pub no_decision: f64,
    /// Share of accounts per size band (`< 50`, `50–199`, `200–2,000`, `> 2,000`).
    pub size_bands: Vec<Share>,
}

/// The planted Ideal Customer Profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IcpTruth {
    /// The right-fit rule.
    pub rule: Rule,
    /// The rule in words.
    pub text: String,
    /// Expected share of all accounts that fit.
    pub share_of_accounts: f64,
    /// Expected share of customers (won) that fit.
    pub share_of_customers: f64,
    /// Expected win rate of closed right-fit deals.
    pub win_rate_fit: f64,
    /// Expected win rate of closed wrong-fit deals.
    pub win_rate_bad_fit: f64,
}

/// One planted win driver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WinDriver {
    /// Short name.
    pub name: String,
    /// What the driver tests.
    pub criterion: Criterion,
    /// Its planted coefficient in the win model (conditional log-odds).
    pub log_odds: f64,
    /// `exp(log_odds)`: the conditional odds ratio.
    pub odds_ratio: f64,
    /// Expected share of closed deals with the driver.
    pub prevalence: f64,
    /// Expected win rate of closed deals with the driver.
    pub win_rate_with: f64,
    /// Expected win rate of closed deals without it.
    pub win_rate_without: f64,
    /// The odds ratio of the plain 2×2 table (won vs not, driver vs not),
    /// which other drivers' distribution makes differ from `odds_ratio`.
    pub marginal_odds_ratio: f64,
}

/// The win model of closed deals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WinTruth {
    /// The model in words.
    pub model: String,
    /// The intercept (log-odds of a deal with no driver, uncontested by
    /// CompB in its segment).
    pub intercept: f64,
    /// `sigmoid(intercept)`.
    pub base_win_rate: f64,
    /// The drivers.
    pub drivers: Vec<WinDriver>,
    /// Expected win rate of closed deals.
    pub win_rate: f64,
}

/// The competitor-owned sub-segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetitorTruth {
    /// The strong competitor.
    pub competitor: String,
    /// The segment it owns.
    pub segment: Criterion,
    /// Added to the win log-odds when it contests a deal in its segment.
    pub log_odds_in_segment: f64,
    /// P(a deal is contested) in the segment.
    pub contest_prob_in_segment: f64,
    /// P(a deal is contested) elsewhere.
    pub contest_prob_elsewhere: f64,
    /// Which competitor contests, in the segment.
    pub mix_in_segment: Vec<Share>,
    /// Which competitor contests, elsewhere.
    pub mix_elsewhere: Vec<Share>,
    /// Share of contested *won* deals whose competitor is recorded (every
    /// competitive loss records it).
    pub recorded_on_wins: f64,
    /// How the share below is measured.
    pub definition: String,
    /// Expected share of contested deals (competitor recorded) in the segment
    /// that the competitor won.
    pub share_of_contested_in_segment: f64,
    /// Same, elsewhere.
    pub share_of_contested_elsewhere: f64,
    /// Expected P(we lose | it contests), in the segment.
    pub head_to_head_loss_in_segment: f64,
    /// Same, elsewhere (no planted edge: the ordinary loss rate).
    pub head_to_head_loss_elsewhere: f64,
}

/// The three loss types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LossTypeTruth {
    /// How each type is defined from the data.
    pub definitions: Vec<String>,
    /// Expected share of non-won closed deals (lost + no decision) that are
    /// type 1, wrong fit.
    pub type1_wrong_fit: f64,
    /// Type 2, right fit lost to a competitor.
    pub type2_competitor: f64,
    /// Type 3, right fit, no decision.
    pub type3_no_decision: f64,
}

/// A multiplicative factor of a probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Factor {
    /// When it applies.
    pub condition: String,
    /// The multiplier.
    pub multiplier: f64,
}

/// Derived values are rounded to 6 decimals: exact enough for any test, and
/// short decimals read back from JSON to the very same `f64`.
fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn factor(condition: &str, multiplier: f64) -> Factor {
    Factor {
        condition: condition.to_owned(),
        multiplier,
    }
}

/// The retention model of customers (won deals).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionTruth {
    /// The model in words.
    pub model: String,
    /// P(churn) of an ICP-fit customer with no factor.
    pub churn_base: f64,
    /// Multipliers of P(churn).
    pub churn_factors: Vec<Factor>,
    /// P(contracted | not churned).
    pub contraction: f64,
    /// P(contracted | not churned) in education.
    pub contraction_education: f64,
    /// P(expanded | not churned) of an ICP-fit customer with no factor.
    pub expansion_base: f64,
    /// Multipliers of P(expanded | not churned).
    pub expansion_factors: Vec<Factor>,
    /// current_arr / start_arr of expanded customers: uniform on this range.
    pub expanded_ratio: (f64, f64),
    /// current_arr / start_arr of contracted customers: uniform on this range.
    pub contracted_ratio: (f64, f64),
    /// Expected churn rate of all customers.
    pub churn_rate: f64,
    /// Expected share of customers that expanded.
    pub expansion_rate: f64,
    /// Expected account-weighted NRR (mean current_arr / start_arr).
    pub nrr: f64,
}

/// The churn threshold effect on `employees`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdTruth {
    /// The criterion (`employees < 50`).
    pub criterion: Criterion,
    /// Multiplier of P(churn) below the threshold, for otherwise identical customers.
    pub churn_multiplier: f64,
    /// P(churn) below the threshold of the reference customer.
    pub reference_churn_below: f64,
    /// P(churn) at or above the threshold of the reference customer.
    pub reference_churn_above: f64,
    /// The reference customer.
    pub reference: String,
    /// Expected churn rate of all customers below the threshold.
    pub churn_rate_below: f64,
    /// Expected churn rate of all customers at or above it.
    pub churn_rate_above: f64,
}

/// The poor-NRR segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoorNrrTruth {
    /// The segment.
    pub segment: Criterion,
    /// How NRR is measured here.
    pub definition: String,
    /// Expected account-weighted NRR in the segment.
    pub nrr_in_segment: f64,
    /// Expected account-weighted NRR elsewhere.
    pub nrr_elsewhere: f64,
    /// Expected churn rate in the segment.
    pub churn_in_segment: f64,
    /// Expected churn rate elsewhere.
    pub churn_elsewhere: f64,
}

/// Retention economics of ICP fit vs bad fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitEconomicsTruth {
    /// Planted multiplier of P(churn) for bad fit (otherwise identical).
    pub churn_multiplier_bad_fit: f64,
    /// Planted multiplier of P(expanded | not churned) for bad fit.
    pub expansion_multiplier_bad_fit: f64,
    /// Expected churn rate of ICP-fit customers.
    pub churn_rate_fit: f64,
    /// Expected churn rate of bad-fit customers.
    pub churn_rate_bad_fit: f64,
    /// Expected share of ICP-fit customers that expanded.
    pub expansion_rate_fit: f64,
    /// Expected share of bad-fit customers that expanded.
    pub expansion_rate_bad_fit: f64,
    /// Expected account-weighted NRR of ICP-fit customers.
    pub nrr_fit: f64,
    /// Expected account-weighted NRR of bad-fit customers.
    pub nrr_bad_fit: f64,
}

/// Shares of the three fit tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagShares {
    /// `strong`.
    pub strong: f64,
    /// `near`.
    pub near: f64,
    /// `bad`.
    pub bad: f64,
}

/// The 90-day fit tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitTagTruth {
    /// The rule in words.
    pub rule: String,
    /// Adoption at or above this counts as good.
    pub adoption_threshold: f64,
    /// adoption_90d ~ Beta(a, b) of ICP-fit customers.
    pub adoption_beta_fit: (f64, f64),
    /// adoption_90d ~ Beta(a, b) of bad-fit customers.
    pub adoption_beta_bad_fit: (f64, f64),
    /// P(champion changed), any customer.
    pub champion_changed_prob: f64,
    /// Share of tags replaced by a uniformly random tag.
    pub noise: f64,
    /// Expected share of tags that equal the rule.
    pub agreement: f64,
    /// Expected tag shares of ICP-fit customers.
    pub fit: TagShares,
    /// Expected tag shares of bad-fit customers.
    pub bad_fit: TagShares,
}

/// A column associated with outcomes only through a driver it correlates with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bystander {
    /// The column.
    pub column: String,
    /// Why it looks associated.
    pub why: String,
}

/// A theme of the sample interviews.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeTruth {
    /// The theme.
    pub theme: String,
    /// Its keywords in [`super::interview_dictionary`].
    pub keywords: Vec<String>,
    /// Who mentions it, how often.
    pub rule: String,
}

/// A theme planted to echo an effect of the deal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlantedTheme {
    /// The theme.
    pub theme: String,
    /// The cohort that mentions it.
    pub cohort: String,
    /// The account fact it echoes.
    pub criterion: Criterion,
    /// P(mentioned) of an interviewed account of the cohort meeting the
    /// criterion.
    pub p_with: f64,
    /// P(mentioned) of one not meeting it.
    pub p_without: f64,
    /// The planted effect of the deal data it reflects.
    pub reflects: String,
    /// Expected share of the cohort's interviewed accounts meeting the
    /// criterion.
    pub expected_criterion_share: f64,
    /// Expected share of the cohort's interviewed accounts mentioning the
    /// theme (in text; 80 % of them also coded).
    pub expected_share: f64,
    /// Expected share of the accounts mentioning it that meet the criterion.
    pub expected_share_meeting: f64,
}

/// What buyers say when the CRM files a lost deal under one reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuyerReasonTruth {
    /// The CRM `loss_reason`.
    pub crm: String,
    /// Expected share of lost deals with this CRM reason.
    pub crm_share: f64,
    /// The buyer-stated reasons and their probabilities.
    pub buyer: Vec<Share>,
}

/// The interview notes (`interviews.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterviewTruth {
    /// [`super::INTERVIEW_MODEL_VERSION`].
    pub model_version: String,
    /// Where the randomness comes from.
    pub stream: String,
    /// Cohorts and P(interviewed) per account of each.
    pub interviewed: Vec<Share>,
    /// How the cohorts are defined.
    pub cohorts: String,
    /// P(the interviewer coded the themes; otherwise text only).
    pub coded: f64,
    /// The deciding factor won accounts name: the Snowflake win driver.
    pub win_theme: PlantedTheme,
    /// The churn theme of small accounts: the employees < 50 threshold.
    pub churn_theme: PlantedTheme,
    /// Every theme.
    pub themes: Vec<ThemeTruth>,
    /// Buyer-stated reason of a lost deal given its CRM reason.
    pub buyer_reasons: Vec<BuyerReasonTruth>,
    /// The reason the CRM over-reports.
    pub over_reported: String,
    /// Expected share of lost deals the CRM files under it.
    pub over_reported_crm_share: f64,
    /// Expected share of lost deals whose buyers name it.
    pub over_reported_buyer_share: f64,
    /// Expected share of lost deals whose CRM and buyer reasons agree.
    pub expected_agreement: f64,
}

/// Everything the generator plants, and what it implies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// [`MODEL_VERSION`].
    pub model_version: String,
    /// The configuration the data was generated with.
    pub config: SynthConfig,
    /// Every column, in output order.
    pub columns: Vec<ColumnDoc>,
    /// Outcome mix.
    pub mix: OutcomeMix,
    /// The Ideal Customer Profile.
    pub icp: IcpTruth,
    /// The win model.
    pub win: WinTruth,
    /// The competitor-owned segment.
    pub competitor: CompetitorTruth,
    /// Loss types.
    pub loss_types: LossTypeTruth,
    /// The retention model.
    pub retention: RetentionTruth,
    /// The churn threshold effect.
    pub threshold: ThresholdTruth,
    /// The poor-NRR segment.
    pub poor_nrr: PoorNrrTruth,
    /// Fit vs bad-fit economics.
    pub fit_economics: FitEconomicsTruth,
    /// The 90-day fit tag.
    pub fit_tag: FitTagTruth,
    /// Columns with no effect on anything.
    pub noise_columns: Vec<String>,
    /// Columns with no own effect that correlate with a driver.
    pub bystanders: Vec<Bystander>,
    /// The interview notes and buyer-stated loss reasons.
    pub interviews: InterviewTruth,
}

impl Truth {
    /// The truth of data generated with `config` (the planted model does not
    /// depend on the configuration; the truth records it for provenance).
    pub fn new(config: &SynthConfig) -> Self {
        let e = Expected::compute();
        let employees_band = Criterion::Between {
            column: "employees".into(),
            min: SWEET_MIN,
            max: SWEET_MAX,
        };
        let fin_health =
            Criterion::one_of("industry", &[INDUSTRIES[FINTECH], INDUSTRIES[HEALTHTECH]]);
        let snowflake = Criterion::HasTag {
            column: "tech_stack".into(),
            tag: TOOLS[T_SNOWFLAKE].into(),
        };
        let icp_rule = Rule {
            all_of: vec![employees_band.clone()],
            any_of: vec![fin_health.clone(), snowflake.clone()],
        };
        let driver_specs = [
            ("industry fintech/healthtech", fin_health, B_INDUSTRY),
            ("200–2,000 employees", employees_band, B_SWEET_SPOT),
            ("has Snowflake", snowflake, B_SNOWFLAKE),
            (
                "lead source partner/referral",
                Criterion::one_of(
                    "lead_source",
                    &[LEAD_SOURCES[PARTNER], LEAD_SOURCES[REFERRAL]],
                ),
                B_PARTNER_REFERRAL,
            ),
        ];
        let drivers = driver_specs
            .into_iter()
            .enumerate()
            .map(|(k, (name, criterion, b))| {
                let [without, with] = e.by_driver[k];
                let odds = |p: f64| p / (1.0 - p);
                WinDriver {
                    name: name.into(),
                    criterion,
                    log_odds: b,
                    odds_ratio: r6(b.exp()),
                    prevalence: r6(with.mass),
                    win_rate_with: r6(with.rate()),
                    win_rate_without: r6(without.rate()),
                    marginal_odds_ratio: r6(odds(with.rate()) / odds(without.rate())),
                }
            })
            .collect();
        let segment = Criterion::one_of("sub_industry", &[SUB_INDUSTRIES[MARKETPLACES].0]);
        let [t1, t2, t3] = e.loss_type_shares();
        let tag_shares = |t: [f64; 3]| TagShares {
            strong: r6(t[0]),
            near: r6(t[1]),
            bad: r6(t[2]),
        };
        let fit_share_c = e.customer_fit_share;
        let agree = 1.0 - FIT_TAG_NOISE + FIT_TAG_NOISE / 3.0;
        let bands = band_probs().map(r6);
        Truth {
            model_version: MODEL_VERSION.into(),
            config: config.clone(),
            columns: column_docs(),
            mix: OutcomeMix {
                open: P_OPEN,
                won: r6(e.won),
                lost: r6(e.lost),
                no_decision: r6(e.no_decision),
                size_bands: shares(&BAND_NAMES, &bands),
            },
            icp: IcpTruth {
                text: format!(
                    "right fit = {} (a rule on who the account is: size, industry, stack; \
                     lead source is a win driver but not part of the ICP)",
                    icp_rule.describe()
                ),
                rule: icp_rule,
                share_of_accounts: r6(e.fit_share),
                share_of_customers: r6(fit_share_c),
                win_rate_fit: r6(e.win_fit.rate()),
                win_rate_bad_fit: r6(e.win_bad.rate()),
            },
            win: WinTruth {
                model: format!(
                    "closed deals (won, lost, no_decision): logit P(won) = {WIN_INTERCEPT} \
                     + Σ log_odds × [driver] − {} × [CompB contests a deal in sub_industry \
                     {}]; drivers are evaluated on the true values (tech_stack \
                     masked as missing in 4 % of rows still drives the model). Open deals are \
                     a random 10 % of accounts, independent of everything. Nothing else \
                     (region, product, use_case, ae, funding, noise) changes the win \
                     probability.",
                    -B_COMPB_IN_SEGMENT,
                    SUB_INDUSTRIES[MARKETPLACES].0
                ),
                intercept: WIN_INTERCEPT,
                base_win_rate: r6(sigmoid(WIN_INTERCEPT)),
                drivers,
                win_rate: r6(e.won),
            },
            competitor: CompetitorTruth {
                competitor: COMPETITORS[COMP_B].into(),
                segment,
                log_odds_in_segment: B_COMPB_IN_SEGMENT,
                contest_prob_in_segment: P_CONTEST.0,
                contest_prob_elsewhere: P_CONTEST.1,
                mix_in_segment: shares(&COMPETITORS, &COMP_MIX_SEGMENT),
                mix_elsewhere: shares(&COMPETITORS, &COMP_MIX_ELSEWHERE),
                recorded_on_wins: P_RECORD_WON_COMPETITOR,
                definition: "contested deals = closed deals with `competitor` recorded; the \
                             competitor won = outcome lost with that competitor. Share = \
                             deals the competitor won / contested deals."
                    .into(),
                share_of_contested_in_segment: r6(e.lost_to_b[0] / e.recorded[0]),
                share_of_contested_elsewhere: r6(e.lost_to_b[1] / e.recorded[1]),
                head_to_head_loss_in_segment: r6(1.0 - e.b_contests[0].rate()),
                head_to_head_loss_elsewhere: r6(1.0 - e.b_contests[1].rate()),
            },
            loss_types: LossTypeTruth {
                definitions: vec![
                    "type 1, wrong fit: a non-won closed deal (lost or no_decision) that does \
                     not match the ICP rule"
                        .into(),
                    "type 2, right fit lost to a competitor: ICP fit, outcome lost, \
                     loss_reason competitor (every contested non-won deal is lost to its \
                     competitor)"
                        .into(),
                    "type 3, right fit no decision: ICP fit, outcome no_decision (every \
                     uncontested non-won right-fit deal ends without a decision)"
                        .into(),
                ],
                type1_wrong_fit: r6(t1),
                type2_competitor: r6(t2),
                type3_no_decision: r6(t3),
            },
            retention: RetentionTruth {
                model: "customers (won deals) only. churned with P(churn) = churn_base × the \
                        applicable churn factors; otherwise expanded with P(expanded | not \
                        churned) = expansion_base × the applicable expansion factors, \
                        contracted with the contraction probability, else active."
                    .into(),
                churn_base: CHURN_BASE,
                churn_factors: vec![
                    factor("not ICP fit", CHURN_BAD_FIT),
                    factor("employees < 50", CHURN_SMALL),
                    factor("champion_changed", CHURN_CHAMPION),
                    factor("industry = education", CHURN_EDUCATION),
                    factor("tech_stack has Salesforce", CHURN_SALESFORCE),
                ],
                contraction: CONTRACT_BASE,
                contraction_education: CONTRACT_EDUCATION,
                expansion_base: EXPAND_BASE,
                expansion_factors: vec![
                    factor("not ICP fit", EXPAND_BAD_FIT),
                    factor("tech_stack has Salesforce", EXPAND_SALESFORCE),
                    factor("use_case = forecasting", EXPAND_FORECASTING),
                    factor("use_case = onboarding", EXPAND_ONBOARDING),
                    factor("industry = education", EXPAND_EDUCATION),
                ],
                expanded_ratio: EXPANDED_RATIO,
                contracted_ratio: CONTRACTED_RATIO,
                churn_rate: r6(e.customers.churn_rate()),
                expansion_rate: r6(e.customers.expansion_rate()),
                nrr: r6(e.customers.nrr()),
            },
            threshold: ThresholdTruth {
                criterion: Criterion::Below {
                    column: "employees".into(),
                    threshold: SMALL_BELOW,
                },
                churn_multiplier: CHURN_SMALL,
                reference_churn_below: r6(CHURN_BASE * CHURN_BAD_FIT * CHURN_SMALL),
                reference_churn_above: r6(CHURN_BASE * CHURN_BAD_FIT),
                reference: "a bad-fit customer (every account under 50 employees is bad fit) \
                            without champion change, outside education, without Salesforce"
                    .into(),
                churn_rate_below: r6(e.cust_small[0].churn_rate()),
                churn_rate_above: r6(e.cust_small[1].churn_rate()),
            },
            poor_nrr: PoorNrrTruth {
                segment: Criterion::one_of("industry", &[INDUSTRIES[EDUCATION]]),
                definition: "account-weighted NRR = mean over customers of current_arr / \
                             start_arr (ARR-weighted NRR, Σ current / Σ start, is within a \
                             few points of it)"
                    .into(),
                nrr_in_segment: r6(e.cust_edu[0].nrr()),
                nrr_elsewhere: r6(e.cust_edu[1].nrr()),
                churn_in_segment: r6(e.cust_edu[0].churn_rate()),
                churn_elsewhere: r6(e.cust_edu[1].churn_rate()),
            },
            fit_economics: FitEconomicsTruth {
                churn_multiplier_bad_fit: CHURN_BAD_FIT,
                expansion_multiplier_bad_fit: EXPAND_BAD_FIT,
                churn_rate_fit: r6(e.cust_fit[0].churn_rate()),
                churn_rate_bad_fit: r6(e.cust_fit[1].churn_rate()),
                expansion_rate_fit: r6(e.cust_fit[0].expansion_rate()),
                expansion_rate_bad_fit: r6(e.cust_fit[1].expansion_rate()),
                nrr_fit: r6(e.cust_fit[0].nrr()),
                nrr_bad_fit: r6(e.cust_fit[1].nrr()),
            },
            fit_tag: FitTagTruth {
                rule: format!(
                    "points = 2·[ICP fit] + 1·[adoption_90d ≥ {ADOPTION_GOOD}] − \
                     2·[champion_changed]; ≥ 3 → strong, 1–2 → near, ≤ 0 → bad; then {} % of \
                     tags are replaced by a uniformly random tag",
                    FIT_TAG_NOISE * 100.0
                ),
                adoption_threshold: ADOPTION_GOOD,
                adoption_beta_fit: ADOPTION_FIT,
                adoption_beta_bad_fit: ADOPTION_BAD,
                champion_changed_prob: P_CHAMPION_CHANGED,
                noise: FIT_TAG_NOISE,
                agreement: r6(agree),
                fit: tag_shares(e.tags[0]),
                bad_fit: tag_shares(e.tags[1]),
            },
            noise_columns: vec!["noise_score".into(), "noise_segment".into(), "noise_flag".into(), "ae".into()],
            bystanders: [
                ("annual_revenue", "employees × revenue per employee: tracks the 200–2,000 band and the < 50 threshold"),
                ("funding_stage", "drawn from the size band"),
                ("founded_year", "drawn from the funding stage"),
                ("product", "drawn from the size band; enterprise lengthens cycles and time to value"),
                ("cycle_days", "grows with employees and product"),
                ("acv", "grows with employees and product; start_arr = acv × (1 − discount)"),
                ("discount", "a little higher in bigger size bands"),
                ("tech_stack: dbt, Looker", "far more common with Snowflake (dbt 55 % vs 8 %, Looker 35 % vs 12 %)"),
                ("tech_stack: HubSpot, Marketo", "HubSpot rarely and Marketo often co-occur with Salesforce"),
                ("sub_industry", "inherits its industry's effects; only ecommerce/marketplaces has its own (CompB)"),
            ]
            .into_iter()
            .map(|(c, w)| Bystander {
                column: c.into(),
                why: w.into(),
            })
            .collect(),
            interviews: interview_truth(&e),
        }
    }

    /// The truth as Markdown (the content of `examples/data/TRUTH.md`).
    pub fn to_markdown(&self) -> String {
        let mut m = String::new();
        // ok (all `writeln!` below): writing to a String cannot fail.
        let pct = |x: f64| format!("{:.1} %", 100.0 * x);
        let _ = writeln!(m, "# Planted truth of the synthetic CRM export\n");
        let _ = writeln!(
            m,
            "Generated by `icpfit_core::synth` ({}), {} accounts, seed {}, close dates over \
             {} quarters ending {}-Q{}. Machine-readable: `truth.json`. Percentages marked \
             *expected* are exact population values of the model (what a large sample \
             converges to), computed by enumerating the model, not measured on this sample.\n",
            self.model_version,
            self.config.n_accounts,
            self.config.seed,
            self.config.quarters,
            self.config.end_year,
            self.config.end_quarter
        );
        let _ = writeln!(m, "## Outcome mix\n");
        let _ = writeln!(
            m,
            "- open pipeline: {} of accounts, a random draw independent of everything;",
            pct(self.mix.open)
        );
        let _ = writeln!(
            m,
            "- closed deals (expected): won {}, lost {}, no decision {};",
            pct(self.mix.won),
            pct(self.mix.lost),
            pct(self.mix.no_decision)
        );
        let bands: Vec<String> = self
            .mix
            .size_bands
            .iter()
            .map(|s| format!("{} {}", s.name, pct(s.share)))
            .collect();
        let _ = writeln!(m, "- employees bands (expected): {}.\n", bands.join(", "));

        let _ = writeln!(m, "## Ideal Customer Profile (right fit)\n");
        let _ = writeln!(m, "**{}**\n", self.icp.rule.describe());
        let _ = writeln!(
            m,
            "Expected: {} of accounts and {} of customers fit; closed right-fit deals win \
             {}, wrong-fit {}.\n",
            pct(self.icp.share_of_accounts),
            pct(self.icp.share_of_customers),
            pct(self.icp.win_rate_fit),
            pct(self.icp.win_rate_bad_fit)
        );

        let _ = writeln!(m, "## Win drivers (won vs not won among closed deals)\n");
        let _ = writeln!(m, "{}\n", self.win.model);
        let _ = writeln!(
            m,
            "Intercept {} (base win rate {}); expected win rate {}.\n",
            self.win.intercept,
            pct(self.win.base_win_rate),
            pct(self.win.win_rate)
        );
        let _ = writeln!(
            m,
            "| driver | criterion | log-odds | odds ratio | prevalence | win rate with / without | 2×2 odds ratio |"
        );
        let _ = writeln!(m, "|---|---|---|---|---|---|---|");
        for d in &self.win.drivers {
            let _ = writeln!(
                m,
                "| {} | `{}` | {:+} | {:.2} | {} | {} / {} | {:.2} |",
                d.name,
                d.criterion.describe(),
                d.log_odds,
                d.odds_ratio,
                pct(d.prevalence),
                pct(d.win_rate_with),
                pct(d.win_rate_without),
                d.marginal_odds_ratio
            );
        }
        let c = &self.competitor;
        let _ = writeln!(m, "\n## Competitor-owned segment\n");
        let mix = |v: &[Share]| {
            v.iter()
                .map(|s| format!("{} {}", s.name, pct(s.share)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            m,
            "In `{}`, {} contests {} of deals ({}) and adds {} to the win log-odds of the \
             deals it contests; elsewhere deals are contested {} of the time ({}) and no \
             competitor has an edge. {} of contested wins record the competitor.\n",
            c.segment.describe(),
            c.competitor,
            pct(c.contest_prob_in_segment),
            mix(&c.mix_in_segment),
            c.log_odds_in_segment,
            pct(c.contest_prob_elsewhere),
            mix(&c.mix_elsewhere),
            pct(c.recorded_on_wins)
        );
        let _ = writeln!(
            m,
            "{} Expected: {} wins {} of contested deals in its segment vs {} elsewhere; \
             head to head we lose {} of the deals it contests in the segment vs {} \
             elsewhere.\n",
            c.definition,
            c.competitor,
            pct(c.share_of_contested_in_segment),
            pct(c.share_of_contested_elsewhere),
            pct(c.head_to_head_loss_in_segment),
            pct(c.head_to_head_loss_elsewhere)
        );

        let l = &self.loss_types;
        let _ = writeln!(m, "## Loss types (non-won closed deals)\n");
        for (d, s) in
            l.definitions
                .iter()
                .zip([l.type1_wrong_fit, l.type2_competitor, l.type3_no_decision])
        {
            let _ = writeln!(m, "- {d}: expected **{}**", pct(s));
        }
        let _ = writeln!(
            m,
            "\nLoss reasons: competitive losses say `competitor`; right-fit no-decisions say \
             no_decision 55 %, timing 20 %, no_budget 15 %, champion_left 10 %; wrong-fit \
             uncontested deals are lost (75 %: product_gap 45 %, price 35 %, timing 10 %, \
             no_budget 10 %) or end without decision (25 %: no_decision 60 %, timing 20 %, \
             no_budget 20 %).\n"
        );

        let r = &self.retention;
        let _ = writeln!(m, "## Retention and expansion (customers)\n");
        let _ = writeln!(m, "{}\n", r.model);
        let _ = writeln!(m, "- churn base {} ×", pct(r.churn_base));
        for f in &r.churn_factors {
            let _ = writeln!(m, "  - {} if {}", f.multiplier, f.condition);
        }
        let _ = writeln!(
            m,
            "- P(contracted | not churned) = {} ({} in education)",
            pct(r.contraction),
            pct(r.contraction_education)
        );
        let _ = writeln!(
            m,
            "- P(expanded | not churned) = {} ×",
            pct(r.expansion_base)
        );
        for f in &r.expansion_factors {
            let _ = writeln!(m, "  - {} if {}", f.multiplier, f.condition);
        }
        let _ = writeln!(
            m,
            "- current_arr / start_arr: 0 churned, U({}, {}) expanded, U({}, {}) contracted, \
             1 active.\n",
            r.expanded_ratio.0, r.expanded_ratio.1, r.contracted_ratio.0, r.contracted_ratio.1
        );
        let _ = writeln!(
            m,
            "Expected over customers: churn {}, expanded {}, NRR {}.\n",
            pct(r.churn_rate),
            pct(r.expansion_rate),
            pct(r.nrr)
        );

        let t = &self.threshold;
        let _ = writeln!(m, "## Threshold effect\n");
        let _ = writeln!(
            m,
            "Customers with `{}` churn **{:.1}×** as often as the rest: expected {} vs {} \
             over all customers. Planted as a ×{} churn multiplier for otherwise identical \
             customers ({} vs {} for {}); the rest of the gap comes from the lower-churn \
             ICP-fit and Salesforce customers being found only or mostly at 50 employees \
             and above.\n",
            t.criterion.describe(),
            t.churn_rate_below / t.churn_rate_above,
            pct(t.churn_rate_below),
            pct(t.churn_rate_above),
            t.churn_multiplier,
            pct(t.reference_churn_below),
            pct(t.reference_churn_above),
            t.reference
        );

        let p = &self.poor_nrr;
        let _ = writeln!(m, "## Poor-NRR segment\n");
        let _ = writeln!(
            m,
            "`{}`: expected NRR {} vs {} elsewhere (churn {} vs {}); {}.\n",
            p.segment.describe(),
            pct(p.nrr_in_segment),
            pct(p.nrr_elsewhere),
            pct(p.churn_in_segment),
            pct(p.churn_elsewhere),
            p.definition
        );

        let f = &self.fit_economics;
        let _ = writeln!(m, "## Fit economics\n");
        let _ = writeln!(
            m,
            "Planted: bad fit multiplies P(churn) by {} and P(expanded | not churned) by {}. \
             Expected: churn {} (fit) vs {} (bad fit); expanded {} vs {}; NRR {} vs {}.\n",
            f.churn_multiplier_bad_fit,
            f.expansion_multiplier_bad_fit,
            pct(f.churn_rate_fit),
            pct(f.churn_rate_bad_fit),
            pct(f.expansion_rate_fit),
            pct(f.expansion_rate_bad_fit),
            pct(f.nrr_fit),
            pct(f.nrr_bad_fit)
        );

        let g = &self.fit_tag;
        let _ = writeln!(m, "## 90-day fit tag\n");
        let _ = writeln!(
            m,
            "{}. adoption_90d ~ Beta{:?} for ICP fit, Beta{:?} for bad fit (2 decimals); \
             champion_changed with probability {}. Expected agreement with the rule {}; tags \
             of ICP-fit customers strong/near/bad {} / {} / {}, of bad-fit {} / {} / {}.\n",
            g.rule,
            g.adoption_beta_fit,
            g.adoption_beta_bad_fit,
            g.champion_changed_prob,
            pct(g.agreement),
            pct(g.fit.strong),
            pct(g.fit.near),
            pct(g.fit.bad),
            pct(g.bad_fit.strong),
            pct(g.bad_fit.near),
            pct(g.bad_fit.bad)
        );

        let iv = &self.interviews;
        let _ = writeln!(m, "## Interviews (`interviews.csv`)\n");
        let _ = writeln!(
            m,
            "Model `{}`. Interviewed: {}. {} The interviewer coded the themes of {} of \
             the notes; the others are text only, and the dictionary \
             (`synth::interview_dictionary`, the keywords below) finds their themes. \
             Randomness: {}.\n",
            iv.model_version,
            iv.interviewed
                .iter()
                .map(|s| format!("{} {}", s.name, pct(s.share)))
                .collect::<Vec<_>>()
                .join(", "),
            iv.cohorts,
            pct(iv.coded),
            iv.stream
        );
        for t in [&iv.win_theme, &iv.churn_theme] {
            let _ = writeln!(
                m,
                "- **`{}`** ({}): said by {} of interviewed {} accounts with `{}` and {} of \
                 the others, echoing {}. Expected: {} of the cohort's interviewed accounts \
                 have `{}`, {} mention the theme, and {} of those who mention it have `{}`.",
                t.theme,
                t.cohort,
                pct(t.p_with),
                t.cohort,
                t.criterion.describe(),
                pct(t.p_without),
                t.reflects,
                pct(t.expected_criterion_share),
                t.criterion.describe(),
                pct(t.expected_share),
                pct(t.expected_share_meeting),
                t.criterion.describe()
            );
        }
        let _ = writeln!(
            m,
            "- **CRM over-reports `{}`**: the CRM files {} of lost deals under it, buyers \
             name it on {} (expected). Expected agreement of CRM and buyer reasons: {}. \
             An exact McNemar test of the discordant deals finds it.\n",
            iv.over_reported,
            pct(iv.over_reported_crm_share),
            pct(iv.over_reported_buyer_share),
            pct(iv.expected_agreement)
        );
        let _ = writeln!(
            m,
            "| CRM loss_reason | share of lost deals | buyer-stated reason |"
        );
        let _ = writeln!(m, "|---|---|---|");
        for r in &iv.buyer_reasons {
            let _ = writeln!(
                m,
                "| {} | {} | {} |",
                r.crm,
                pct(r.crm_share),
                r.buyer
                    .iter()
                    .map(|s| format!("{} {}", s.name, pct(s.share)))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let _ = writeln!(m, "\n| theme | keywords | who mentions it |");
        let _ = writeln!(m, "|---|---|---|");
        for t in &iv.themes {
            let _ = writeln!(
                m,
                "| `{}` | {} | {} |",
                t.theme,
                t.keywords
                    .iter()
                    .map(|k| format!("\"{k}\""))
                    .collect::<Vec<_>>()
                    .join(", "),
                t.rule
            );
        }
        let _ = writeln!(m);

        let _ = writeln!(m, "## No effect\n");
        let _ = writeln!(
            m,
            "Pure noise (no effect on anything): {}. Region, use_case (for winning), product \
             and the other columns below have no own effect; they correlate with drivers:\n",
            self.noise_columns
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        for b in &self.bystanders {
            let _ = writeln!(m, "- `{}`: {}", b.column, b.why);
        }
        let _ = writeln!(m, "\n## Columns\n");
        let _ = writeln!(m, "| column | kind | role | dimension | meaning |");
        let _ = writeln!(m, "|---|---|---|---|---|");
        for c in &self.columns {
            let _ = writeln!(
                m,
                "| `{}` | {} | {} | {} | {} |",
                c.name, c.kind, c.role, c.dimension, c.description
            );
        }
        m
    }
}

/// The truth of the interview notes.
fn interview_truth(e: &Expected) -> InterviewTruth {
    let pct = |x: f64| format!("{} %", r6(100.0 * x));
    // Won cohort = customers not churned; they mention the integration by
    // the *recorded* stack (masked as missing completely at random).
    let retained = |c: &super::expected::CustomerSums| c.mass - c.churn;
    let sf = (1.0 - P_MISSING_TECH) * retained(&e.cust_snowflake[0]) / retained(&e.customers);
    let planted = |theme: &str,
                   cohort: usize,
                   criterion: Criterion,
                   (p_with, p_without): (f64, f64),
                   share: f64,
                   reflects: &str| {
        let mention = share * p_with + (1.0 - share) * p_without;
        PlantedTheme {
            theme: theme.into(),
            cohort: INTERVIEW_COHORTS[cohort].into(),
            criterion,
            p_with,
            p_without,
            reflects: reflects.into(),
            expected_criterion_share: r6(share),
            expected_share: r6(mention),
            expected_share_meeting: r6(share * p_with / mention),
        }
    };
    let win_theme = planted(
        "warehouse_integration",
        C_WON,
        Criterion::HasTag {
            column: "tech_stack".into(),
            tag: TOOLS[T_SNOWFLAKE].into(),
        },
        P_THEME_INTEGRATION,
        sf,
        "the Snowflake win driver (log-odds +0.7): customers who chose us for it say so",
    );
    let churn_theme = planted(
        "too_complex",
        C_CHURNED,
        Criterion::Below {
            column: "employees".into(),
            threshold: SMALL_BELOW,
        },
        P_THEME_TOO_COMPLEX,
        e.cust_small[0].churn / e.customers.churn,
        "the churn threshold at 50 employees: small customers leave because the product is \
         too complex for a team their size, not enough seats to justify it",
    );
    let both = |(a, b): (f64, f64)| (pct(a), pct(b));
    let (iw, iwo) = both(P_THEME_INTEGRATION);
    let (tw, two) = both(P_THEME_TOO_COMPLEX);
    let (cw, cwo) = both(P_THEME_CHAMPION_LEFT);
    let (aw, awo) = both(P_THEME_LOW_ADOPTION);
    let reason_rule = |r: &str| format!("lost: every deal whose buyer names `{r}`");
    let rules: Vec<(&str, String)> = vec![
        (
            "warehouse_integration",
            format!("won: {iw} with Snowflake in the recorded tech_stack, {iwo} without"),
        ),
        ("onboarding", format!("won: {}", pct(P_THEME_ONBOARDING))),
        ("support", format!("won: {}", pct(P_THEME_SUPPORT))),
        (
            "too_complex",
            format!("churned: {tw} under 50 employees, {two} at or above"),
        ),
        (
            "champion_left",
            format!("churned: {cw} after a champion change, {cwo} otherwise"),
        ),
        (
            "low_adoption",
            format!("churned: {aw} with adoption_90d < {ADOPTION_GOOD}, {awo} otherwise"),
        ),
        (
            "budget",
            format!(
                "churned: {}; {}",
                pct(P_THEME_BUDGET_CHURN),
                reason_rule("no_budget")
            ),
        ),
        ("price", reason_rule("price")),
        ("missing_feature", reason_rule("product_gap")),
        ("competitor_integration", reason_rule("competitor")),
        ("timing", reason_rule("timing")),
    ];
    let themes = super::interviews::THEME_TEXTS
        .iter()
        .map(|t| ThemeTruth {
            theme: t.theme.into(),
            keywords: t.keywords.iter().map(|k| (*k).to_owned()).collect(),
            rule: rules
                .iter()
                .find(|(n, _)| *n == t.theme)
                .map(|(_, r)| r.clone())
                .unwrap_or_default(),
        })
        .collect();
    let lost: f64 = e.lost_reasons.iter().sum();
    let crm_share: Vec<f64> = e.lost_reasons.iter().map(|m| m / lost).collect();
    let buyer_share = |b: usize| -> f64 {
        (0..LOSS_REASONS.len())
            .map(|r| crm_share[r] * BUYER_REASONS[r][b])
            .sum()
    };
    let buyer_reasons = (0..LOSS_REASONS.len())
        .filter(|&r| crm_share[r] > 0.0)
        .map(|r| BuyerReasonTruth {
            crm: LOSS_REASONS[r].into(),
            crm_share: r6(crm_share[r]),
            buyer: LOSS_REASONS
                .iter()
                .zip(BUYER_REASONS[r])
                .filter(|(_, p)| *p > 0.0)
                .map(|(n, p)| Share {
                    name: (*n).into(),
                    share: p,
                })
                .collect(),
        })
        .collect();
    let price = 0;
    InterviewTruth {
        model_version: super::INTERVIEW_MODEL_VERSION.into(),
        stream: format!(
            "ChaCha8 stream u64::MAX ({}) of the export's seed, rows in order on one \
             thread: the deal rows' streams are untouched, deals.csv is the same with or \
             without interviews",
            super::INTERVIEW_STREAM
        ),
        interviewed: INTERVIEW_COHORTS
            .iter()
            .zip(P_INTERVIEW)
            .map(|(n, p)| Share {
                name: (*n).into(),
                share: p,
            })
            .collect(),
        cohorts: "won = won deals whose customer has not churned; lost = outcome lost \
                  (no_decision deals are not interviewed); churned = won deals whose \
                  retention_status is churned. One note per interviewed account."
            .into(),
        coded: P_CODED,
        win_theme,
        churn_theme,
        themes,
        buyer_reasons,
        over_reported: LOSS_REASONS[price].into(),
        over_reported_crm_share: r6(crm_share[price]),
        over_reported_buyer_share: r6(buyer_share(price)),
        expected_agreement: r6((0..LOSS_REASONS.len())
            .map(|r| crm_share[r] * BUYER_REASONS[r][r])
            .sum()),
    }
}
