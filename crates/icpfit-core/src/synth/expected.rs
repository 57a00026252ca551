//! Population values implied by the planted model, computed exactly by
//! enumerating every combination of the discrete factors the model's
//! probabilities depend on (sub-industry, size band, Snowflake, Salesforce,
//! lead source, use case, contest state, champion change), weighted by their
//! planted probabilities. No sampling: these are the values a sample
//! converges to, and the tests compare samples against them.

use super::model::*;
use statrs::distribution::{Beta, ContinuousCDF, Normal};

/// P(size band), exactly: `employees = round(exp(x))`, `x ~ Normal` truncated
/// to employees in `[EMP_MIN, EMP_MAX]`.
pub(crate) fn band_probs() -> [f64; N_BANDS] {
    let Ok(normal) = Normal::new(EMP_LOG_MEAN, EMP_LOG_SD) else {
        return [0.25; N_BANDS]; // unreachable: constant, valid parameters
    };
    // Rounding: employees < e  <=>  exp(x) < e - 0.5.
    let cut = |e: f64| normal.cdf((e - 0.5).ln());
    let lo = cut(EMP_MIN);
    let hi = cut(EMP_MAX + 1.0);
    let edges = [
        lo,
        cut(BAND_EDGES[0]),
        cut(BAND_EDGES[1]),
        cut(BAND_EDGES[2]),
        hi,
    ];
    let mut p = [0.0; N_BANDS];
    for k in 0..N_BANDS {
        p[k] = (edges[k + 1] - edges[k]) / (hi - lo);
    }
    p
}

/// P(adoption_90d, rounded to 2 decimals, ≥ `ADOPTION_GOOD`) for Beta(a, b).
pub(crate) fn p_good_adoption((a, b): (f64, f64)) -> f64 {
    match Beta::new(a, b) {
        Ok(beta) => 1.0 - beta.cdf(ADOPTION_GOOD - 0.005),
        Err(_) => f64::NAN, // unreachable: constant, valid parameters
    }
}

/// Mass and "successes" of one group.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Rate {
    pub mass: f64,
    pub hits: f64,
}

impl Rate {
    fn add(&mut self, mass: f64, p: f64) {
        self.mass += mass;
        self.hits += mass * p;
    }
    /// hits / mass.
    pub fn rate(&self) -> f64 {
        self.hits / self.mass
    }
}

/// Customer outcomes of one group (mass-weighted sums).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CustomerSums {
    pub mass: f64,
    pub churn: f64,
    pub expanded: f64,
    pub contracted: f64,
    /// Σ mass × E[current_arr / start_arr].
    pub ratio: f64,
}

impl CustomerSums {
    fn add(&mut self, mass: f64, pc: f64, pe: f64, pk: f64) {
        let e_ratio = (EXPANDED_RATIO.0 + EXPANDED_RATIO.1) / 2.0;
        let k_ratio = (CONTRACTED_RATIO.0 + CONTRACTED_RATIO.1) / 2.0;
        self.mass += mass;
        self.churn += mass * pc;
        self.expanded += mass * (1.0 - pc) * pe;
        self.contracted += mass * (1.0 - pc) * pk;
        self.ratio += mass * (1.0 - pc) * (pe * e_ratio + pk * k_ratio + (1.0 - pe - pk));
    }
    pub fn churn_rate(&self) -> f64 {
        self.churn / self.mass
    }
    pub fn expansion_rate(&self) -> f64 {
        self.expanded / self.mass
    }
    /// Account-weighted NRR: the mean of current_arr / start_arr.
    pub fn nrr(&self) -> f64 {
        self.ratio / self.mass
    }
}

/// Everything the truth reports that is implied rather than planted.
#[derive(Debug, Default, Clone)]
pub(crate) struct Expected {
    /// Among all accounts.
    pub fit_share: f64,
    /// Among closed deals.
    pub won: f64,
    pub lost: f64,
    pub no_decision: f64,
    /// Win rate by driver present (index 1) / absent (index 0), among closed.
    pub by_driver: [[Rate; 2]; 4],
    pub win_fit: Rate,
    pub win_bad: Rate,
    /// Loss types, as masses among closed deals.
    pub type1: f64,
    pub type2: f64,
    pub type3: f64,
    /// In the competitor's segment (0) and elsewhere (1): mass of closed
    /// deals, of deals lost to CompB, of deals with a recorded competitor, of
    /// deals contested by CompB and of those won.
    pub seg_mass: [f64; 2],
    pub lost_to_b: [f64; 2],
    pub recorded: [f64; 2],
    pub b_contests: [Rate; 2],
    /// Customers: all, ICP fit / bad fit, < 50 / ≥ 50 employees, education / rest.
    pub customers: CustomerSums,
    pub cust_fit: [CustomerSums; 2],
    pub cust_small: [CustomerSums; 2],
    pub cust_edu: [CustomerSums; 2],
    /// Customers with Snowflake (0) / without (1), by the true stack.
    pub cust_snowflake: [CustomerSums; 2],
    /// Lost deals (outcome `lost`) per CRM `loss_reason`, as masses among
    /// closed deals (over `LOSS_REASONS`).
    pub lost_reasons: [f64; 7],
    /// Share of customers that are ICP fit.
    pub customer_fit_share: f64,
    /// P(good adoption): fit, bad fit.
    pub good_adoption: [f64; 2],
    /// Fit-tag distribution (strong, near, bad): fit, bad fit.
    pub tags: [[f64; 3]; 2],
}

/// The competitor state of a closed deal: none, or a competitor index.
const CONTESTS: [Option<usize>; 4] = [None, Some(0), Some(1), Some(2)];

fn contest_prob(in_segment: bool, c: Option<usize>) -> f64 {
    let (p, mix) = if in_segment {
        (P_CONTEST.0, &COMP_MIX_SEGMENT)
    } else {
        (P_CONTEST.1, &COMP_MIX_ELSEWHERE)
    };
    match c {
        None => 1.0 - p,
        Some(k) => p * mix[k],
    }
}

impl Expected {
    /// Enumerates the model.
    pub(crate) fn compute() -> Self {
        let bands = band_probs();
        let subs = super::generate::sub_industry_weights();
        let mut e = Expected::default();
        for (sub, &w_sub) in subs.iter().enumerate() {
            for (band, &w_band) in bands.iter().enumerate() {
                for snowflake in [false, true] {
                    let w_sf = if snowflake {
                        P_SNOWFLAKE[band]
                    } else {
                        1.0 - P_SNOWFLAKE[band]
                    };
                    for salesforce in [false, true] {
                        let w_sfc = if salesforce {
                            P_SALESFORCE[band]
                        } else {
                            1.0 - P_SALESFORCE[band]
                        };
                        for (lead, &w_lead) in LEAD_WEIGHTS.iter().enumerate() {
                            for (use_case, &w_uc) in USE_CASE_WEIGHTS.iter().enumerate() {
                                let d = Drivers {
                                    sub,
                                    band,
                                    snowflake,
                                    salesforce,
                                    lead,
                                    use_case,
                                };
                                let w = w_sub * w_band * w_sf * w_sfc * w_lead * w_uc;
                                e.add_stratum(&d, w);
                            }
                        }
                    }
                }
            }
        }
        let fit_p = p_good_adoption(ADOPTION_FIT);
        let bad_p = p_good_adoption(ADOPTION_BAD);
        e.good_adoption = [fit_p, bad_p];
        for (k, (fit, p_good)) in [(true, fit_p), (false, bad_p)].into_iter().enumerate() {
            let mut tags = [0.0; 3];
            for good in [false, true] {
                for champion in [false, true] {
                    let p = (if good { p_good } else { 1.0 - p_good })
                        * if champion {
                            P_CHAMPION_CHANGED
                        } else {
                            1.0 - P_CHAMPION_CHANGED
                        };
                    tags[fit_tag_rule(fit, good, champion) as usize] += p;
                }
            }
            for t in &mut tags {
                *t = (1.0 - FIT_TAG_NOISE) * *t + FIT_TAG_NOISE / 3.0;
            }
            e.tags[k] = tags;
        }
        e.customer_fit_share = e.cust_fit[0].mass / e.customers.mass;
        e
    }

    fn add_stratum(&mut self, d: &Drivers, w: f64) {
        let fit = d.icp_fit();
        if fit {
            self.fit_share += w;
        }
        let seg = usize::from(!d.in_segment());
        let drivers = [
            d.fin_health(),
            d.band == BAND_SWEET,
            d.snowflake,
            d.partner_referral(),
        ];
        for c in CONTESTS {
            let wc = w * contest_prob(d.in_segment(), c);
            if wc == 0.0 {
                continue;
            }
            let p = sigmoid(d.win_logit(c));
            let lose = wc * (1.0 - p);
            self.won += wc * p;
            for (k, &x) in drivers.iter().enumerate() {
                self.by_driver[k][usize::from(x)].add(wc, p);
            }
            if fit {
                self.win_fit.add(wc, p);
            } else {
                self.win_bad.add(wc, p);
            }
            // How the deal is lost (see the generator).
            match (c, fit) {
                (Some(_), _) => {
                    self.lost += lose;
                    self.lost_reasons[R_COMPETITOR as usize] += lose;
                }
                (None, true) => self.no_decision += lose,
                (None, false) => {
                    self.lost += lose * P_BADFIT_LOST;
                    self.no_decision += lose * (1.0 - P_BADFIT_LOST);
                    for (r, &p_r) in REASONS_BADFIT_LOST.iter().enumerate() {
                        self.lost_reasons[r] += lose * P_BADFIT_LOST * p_r;
                    }
                }
            }
            match (fit, c) {
                (false, _) => self.type1 += lose,
                (true, Some(_)) => self.type2 += lose,
                (true, None) => self.type3 += lose,
            }
            self.seg_mass[seg] += wc;
            if c.is_some() {
                self.recorded[seg] += lose + wc * p * P_RECORD_WON_COMPETITOR;
            }
            if c == Some(COMP_B) {
                self.lost_to_b[seg] += lose;
                self.b_contests[seg].add(wc, p);
            }
            // Customers.
            let won = wc * p;
            for champion in [false, true] {
                let wch = won
                    * if champion {
                        P_CHAMPION_CHANGED
                    } else {
                        1.0 - P_CHAMPION_CHANGED
                    };
                let pc = d.churn_prob(champion);
                let (pe, pk) = (d.expansion_prob(), d.contraction_prob());
                self.customers.add(wch, pc, pe, pk);
                self.cust_fit[usize::from(!fit)].add(wch, pc, pe, pk);
                self.cust_small[usize::from(d.band != BAND_SMALL)].add(wch, pc, pe, pk);
                self.cust_edu[usize::from(d.industry() != EDUCATION)].add(wch, pc, pe, pk);
                self.cust_snowflake[usize::from(!d.snowflake)].add(wch, pc, pe, pk);
            }
        }
    }

    /// Share of non-won closed deals per loss type.
    pub(crate) fn loss_type_shares(&self) -> [f64; 3] {
        let total = self.type1 + self.type2 + self.type3;
        [self.type1 / total, self.type2 / total, self.type3 / total]
    }
}
