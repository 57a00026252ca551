//! Assembling the review from a table: every figure comes from the module
//! that computes (and tests) it; this file only orders the calls.

use super::recommend::{do_not_close, qualification, recommend, scoring_changes};
use super::{
    ChangeTracking, CohortSummary, DataSummary, DraftSection, PressureSection, Review, SCHEMA,
    ThemesSection,
};
use crate::cohort::{
    Cohort, QualityCuts, SegmentBy, Segmentation, outcome_cohorts, quality_cohorts,
};
use crate::drift::{DriftOptions, pipeline_drift};
use crate::error::Result;
use crate::evaluate::{
    Columns, EvaluateOptions, decide, holdout, old_vs_new, pressure_test, recent_quarters, what_if,
};
use crate::icp::Icp;
use crate::induce::{Decision, DraftOptions, draft};
use crate::losses::{CompetitorOptions, Fit, LossColumns, competitor_matrix, loss_types};
use crate::outcome::{DealOutcome, FitTag, OutcomeMap, parse_column};
use crate::profile::{ProfileOptions, SegmentMetrics, SegmentTable};
use crate::quality::{QualitySpec, quality};
use crate::rank::{RankOptions, Target, rank};
use crate::retention::{EconomicsOptions, FitEconomics, FitGrouping, RetentionColumns};
use crate::score::{ScoreOptions, score};
use crate::stats::wilson_interval;
use crate::symptoms::{SymptomInputs, SymptomOptions, check_symptoms};
use crate::table::{AccountTable, DATE_MISSING, date};
use crate::themes::{
    BuyerReason, Interviews, Note, ThemeDictionary, ThemeOptions, reason_agreement, theme_counts,
};
use std::collections::BTreeMap;

/// What to review and how. `Default` fits the usual CRM export names (and
/// the bundled sample).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewConfig {
    /// Title of the review.
    pub title: String,
    /// The ICP the team works from today, if written down.
    pub current_icp: Option<Icp>,
    /// Outcome, close date, ACV and ARR columns.
    pub columns: Columns,
    /// Retention-status column (churn), if any.
    pub retention: Option<String>,
    /// 90-day fit-tag column, if any.
    pub fit_tag: Option<String>,
    /// Segment column of the NRR table (seed 002's divergence test).
    pub segment: String,
    /// Sub-segment column of the competitor matrix, if any.
    pub sub_segment: Option<String>,
    /// "Recent" = this many quarters before the latest one, plus it (default 1).
    pub recent_quarters: u32,
    /// Drafting options (name and version of the drafted ICP among them).
    pub draft: DraftOptions,
    /// Pressure-test options.
    pub evaluate: EvaluateOptions,
    /// Ranking options (bootstrap resamples among them).
    pub rank: RankOptions,
    /// Win/loss and churn interview notes (seed 001); none by default.
    pub notes: Vec<Note>,
    /// Buyer-stated loss reasons from the interviews, set against the CRM's
    /// loss reasons of the same deals (joined on the table's id column).
    pub buyer_reasons: Vec<BuyerReason>,
    /// Keywords that find themes in the notes' free text; `None` (default)
    /// counts the coded themes only. With a dictionary every coded theme
    /// must be one of its themes.
    pub theme_dictionary: Option<ThemeDictionary>,
    /// When a theme is a signal, and the quotes kept.
    pub theme_options: ThemeOptions,
    /// Significance level of the McNemar test of over-reported CRM loss
    /// reasons (default 0.05).
    pub reason_alpha: f64,
}

impl ReviewConfig {
    /// The same configuration with these interviews' notes and buyer
    /// reasons.
    pub fn with_interviews(mut self, interviews: Interviews) -> Self {
        self.notes = interviews.notes;
        self.buyer_reasons = interviews.buyer_reasons;
        self
    }
}

impl Default for ReviewConfig {
    fn default() -> Self {
        Self {
            title: "Quarterly ICP review".into(),
            current_icp: None,
            columns: Columns::default(),
            retention: Some("retention_status".into()),
            fit_tag: Some("fit_tag_90d".into()),
            segment: "industry".into(),
            sub_segment: Some("sub_industry".into()),
            recent_quarters: 1,
            draft: DraftOptions::default(),
            evaluate: EvaluateOptions::default(),
            rank: RankOptions::default(),
            notes: Vec::new(),
            buyer_reasons: Vec::new(),
            theme_dictionary: None,
            theme_options: ThemeOptions::default(),
            reason_alpha: 0.05,
        }
    }
}

fn summary(c: &Cohort) -> CohortSummary {
    CohortSummary {
        name: c.name.clone(),
        definition: c.definition.clone(),
        size: c.size,
        evidence: c.evidence,
    }
}

fn has(table: &AccountTable, column: &Option<String>) -> Option<String> {
    column.as_ref().filter(|c| table.column(c).is_ok()).cloned()
}

/// Build the review. `progress` is told the name of each step as it starts
/// (a long review on a million accounts takes seconds per step).
pub fn build(
    table: &AccountTable,
    config: &ReviewConfig,
    progress: &mut dyn FnMut(&str),
) -> Result<Review> {
    let mut notes = Vec::new();
    let cols = &config.columns;
    progress("data");
    let outcome = parse_column(table, &cols.outcome, &OutcomeMap::<DealOutcome>::new())?;
    let count = |o: DealOutcome| outcome.iter().filter(|x| **x == Some(o)).count();
    let close_date = has(table, &cols.close_date);
    let close_dates = match &close_date {
        None => None,
        Some(c) => {
            let d = table.date(c)?;
            let known = d.iter().copied().filter(|&x| x != DATE_MISSING);
            known
                .clone()
                .min()
                .zip(known.max())
                .map(|(a, b)| (date::format_iso(a), date::format_iso(b)))
        }
    };
    let retention = has(table, &config.retention);
    let won = Target::won_vs_lost(table, &cols.outcome)?;
    let churn = retention
        .as_deref()
        .map(|c| Target::churned(table, c))
        .transpose()?;
    let data = DataSummary {
        accounts: table.n_rows(),
        closed: count(DealOutcome::Won) + count(DealOutcome::Lost) + count(DealOutcome::NoDecision),
        won: count(DealOutcome::Won),
        open: count(DealOutcome::Open),
        customers: churn.as_ref().map_or(0, |c| {
            c.labels()
                .iter()
                .filter(|l| **l != crate::rank::EXCLUDED)
                .count()
        }),
        close_dates,
    };
    let as_of_days = match &close_date {
        Some(c) => Some(recent_quarters(table, c, config.recent_quarters)?),
        None => None,
    };
    let as_of = as_of_days
        .map(date::format_iso)
        .unwrap_or_else(|| "undated".into());

    progress("customer quality and cohorts");
    let popts = ProfileOptions::default();
    let (quality_cohorts_out, best_vs_problematic) =
        match QualitySpec::default_for(table).and_then(|s| quality(table, &s)) {
            Ok(scores) => {
                let qc = quality_cohorts(&scores, &QualityCuts::default())?;
                let p = qc
                    .best_vs_problematic()
                    .and_then(|pair| pair.profile(table, &popts));
                if let Err(e) = &p {
                    notes.push(format!("best vs problematic profile not computed: {e}"));
                }
                (
                    vec![
                        summary(&qc.best),
                        summary(&qc.average),
                        summary(&qc.problematic),
                    ],
                    p.ok(),
                )
            }
            Err(e) => {
                notes.push(format!("customer quality not computed: {e}"));
                (Vec::new(), None)
            }
        };
    progress("won vs lost profile");
    let outcomes = outcome_cohorts(table, &cols.outcome)?;
    let won_vs_lost = outcomes.won_vs_lost()?.profile(table, &popts)?;
    progress("segments");
    let seg = Segmentation::new(table, &config.segment, &SegmentBy::Levels)?;
    let segments = SegmentTable::new(table, &seg, &SegmentMetrics::for_table(table))?;

    progress("ranking");
    let win_drivers = rank(table, &won, None, &config.rank)?;
    let churn_drivers = churn
        .as_ref()
        .map(|c| rank(table, c, None, &config.rank))
        .transpose()?;

    progress("drafting the ICP");
    let mut dopts = config.draft.clone();
    if dopts.date.is_none() {
        dopts.date = as_of_days.map(date::format_iso);
    }
    let drafted = draft(table, &won, churn.as_ref(), &dopts)?;
    let icp = drafted.icp.clone();
    let left_out = drafted
        .proposals
        .iter()
        .filter(|p| {
            p.q_value <= config.draft.rank.fdr_alpha && matches!(p.decision, Decision::Rejected(_))
        })
        .cloned()
        .collect();
    let draft_section = DraftSection {
        recital: icp.recital(),
        icp: icp.clone(),
        dimensions: drafted.dimensions.clone(),
        left_out,
    };

    progress("pressure tests");
    let ev = &config.evaluate;
    let test = pressure_test(&icp, table, &won, ev)?;
    let current = config.current_icp.as_ref();
    let current_test = current
        .map(|c| pressure_test(c, table, &won, ev))
        .transpose()?;
    let since = as_of_days;
    let ovn = current
        .map(|c| old_vs_new(c, &icp, table, cols, since, ev))
        .transpose()?;
    let wi_cur = current
        .map(|c| what_if(c, table, cols, since, ev))
        .transpose()?;
    let wi_new = what_if(&icp, table, cols, since, ev)?;
    let decision = wi_cur.as_ref().map(|c| decide(c, &wi_new, &[]));
    let holdout = match (&close_date, since) {
        (Some(c), Some(split)) => {
            match holdout(table, c, split, &won, churn.as_ref(), &dopts, ev) {
                Ok(h) => Some(h),
                Err(e) => {
                    notes.push(format!("time holdout not computed: {e}"));
                    None
                }
            }
        }
        _ => None,
    };
    let pressure = PressureSection {
        test,
        current: current_test,
        old_vs_new: ovn,
        what_if_current: wi_cur,
        what_if_drafted: wi_new,
        decision,
        holdout,
    };

    progress("losses and competitors");
    let lcols = LossColumns::for_table(table);
    let (fit_icp, fit_by) = match current {
        Some(c) => (c, format!("the current ICP ({} {})", c.name, c.version)),
        None => (
            &icp,
            format!("the drafted ICP ({} {})", icp.name, icp.version),
        ),
    };
    let loss = Fit::from_icp(fit_icp, table)
        .and_then(|fit| loss_types(table, &lcols, &fit, ev.confidence));
    let loss_types_out = match loss {
        Ok(l) => Some(l),
        Err(e) => {
            notes.push(format!("loss types not computed: {e}"));
            None
        }
    };
    progress("interview themes");
    let themes = themes_section(table, config, &lcols, ev.confidence, &mut notes)?;
    let loss_types_out = match (
        loss_types_out,
        themes.as_ref().and_then(|t| t.reason_agreement.as_ref()),
    ) {
        (Some(l), Some(a)) => Some(l.with_reason_agreement(a.agreement)),
        (l, _) => l,
    };
    let sub = has(table, &config.sub_segment)
        .map(|c| Segmentation::new(table, &c, &SegmentBy::Levels))
        .transpose()?;
    let competitors = if lcols.competitor.is_some() {
        Some(competitor_matrix(
            table,
            &lcols,
            sub.as_ref(),
            &CompetitorOptions::default(),
        )?)
    } else {
        notes.push("competitor matrix not computed: no competitor column".into());
        None
    };

    progress("recommendations");
    let recommendations = recommend(&icp, current, &segments, competitors.as_ref());
    let scoring = scoring_changes(current, &icp);
    let qualification = qualification(&icp);
    let dnc = do_not_close(&icp, table, &outcome)?;
    let changelog = current.map(|c| {
        c.diff(&icp).changelog_entry(
            &as_of,
            "drafted from this quarter's win/loss and churn evidence",
        )
    });
    let change_tracking = match (current, has(table, &config.fit_tag), &close_date) {
        (Some(c), Some(tag), Some(cd)) => {
            track_change(table, c, &tag, cd, &outcome, ev.confidence)?
        }
        _ => None,
    };
    progress("retention economics, symptoms and drift");
    let fit_economics = match has(table, &config.fit_tag) {
        Some(tag) => {
            let tags = parse_column(table, &tag, &OutcomeMap::<FitTag>::new())?;
            let rcols = RetentionColumns::default();
            match FitEconomics::new(
                table,
                &rcols,
                FitGrouping::Tags(&tags),
                &EconomicsOptions::default(),
            ) {
                Ok(e) => Some(e),
                Err(e) => {
                    notes.push(format!("fit economics not computed: {e}"));
                    None
                }
            }
        }
        None => {
            notes.push("fit economics need a 90-day fit-tag column".into());
            None
        }
    };
    let current_scores = current
        .map(|c| score(c, table, &ScoreOptions::default()))
        .transpose()?;
    let symptoms = check_symptoms(
        table,
        &SymptomInputs {
            segment_tables: std::slice::from_ref(&segments),
            icp: current,
            scores: current_scores.as_ref(),
            as_of: as_of_days,
        },
        &SymptomOptions::default(),
    );
    let symptoms = match symptoms {
        Ok(s) => Some(s),
        Err(e) => {
            notes.push(format!("symptoms not checked: {e}"));
            None
        }
    };
    let drift = match pipeline_drift(table, &cols.outcome, &DriftOptions::default()) {
        Ok(d) => Some(d),
        Err(e) => {
            notes.push(format!("pipeline drift not computed: {e}"));
            None
        }
    };
    if change_tracking.is_none() {
        notes.push("implemented-change tracking needs a dated current ICP, a fit-tag column and close dates".into());
    }
    Ok(Review {
        schema: SCHEMA.into(),
        title: config.title.clone(),
        as_of,
        data,
        quality_cohorts: quality_cohorts_out,
        best_vs_problematic,
        won_vs_lost,
        segments,
        win_drivers,
        churn_drivers,
        draft: draft_section,
        pressure,
        loss_types: loss_types_out,
        loss_types_fit_by: fit_by,
        competitors,
        recommendations,
        scoring_changes: scoring,
        qualification,
        do_not_close: dnc,
        changelog,
        change_tracking,
        fit_economics,
        symptoms,
        drift,
        themes,
        notes,
    })
}

/// The interview-themes section: theme counts of the notes and, for the
/// buyer reasons whose account is a deal with a CRM loss reason, the
/// agreement of the two. `None` (and a note) when nothing was supplied.
fn themes_section(
    table: &AccountTable,
    config: &ReviewConfig,
    lcols: &LossColumns,
    confidence: f64,
    notes: &mut Vec<String>,
) -> Result<Option<ThemesSection>> {
    if config.notes.is_empty() && config.buyer_reasons.is_empty() {
        notes.push(
            "no interview notes supplied: the review has no interview themes and does not \
             check CRM loss reasons against what buyers said"
                .into(),
        );
        return Ok(None);
    }
    let dict = config.theme_dictionary.as_ref();
    let opts = &config.theme_options;
    let report = if config.notes.is_empty() {
        notes.push("no interview notes supplied: buyer reasons only, no themes".into());
        None
    } else {
        Some(theme_counts(&config.notes, dict, opts)?)
    };
    let source = match dict {
        Some(d) => format!(
            "coded themes, and the keywords of {} dictionary themes in the free text",
            d.themes.len()
        ),
        None => "coded themes only (no dictionary reads the free text)".into(),
    };
    if let Some(r) = &report
        && dict.is_none()
        && r.unmatched > 0
    {
        notes.push(format!(
            "{} interview notes carry no coded theme and were not read: give a theme \
             dictionary to find themes in their text",
            r.unmatched
        ));
    }
    // Buyer reasons joined to the CRM's loss reason of the same deal.
    let mut matched = 0;
    let mut pairs = Vec::new();
    if !config.buyer_reasons.is_empty() {
        let id = table.schema().id_column().map(|f| f.name.clone());
        match (id, &lcols.loss_reason) {
            (Some(id), Some(reason)) => {
                let (idc, rc) = (table.column(&id)?, table.column(reason)?);
                let mut row = BTreeMap::new();
                for i in 0..table.n_rows() {
                    if let Some(v) = idc.display_value(i) {
                        row.entry(v).or_insert(i);
                    }
                }
                let mut seen = std::collections::BTreeSet::new();
                for b in &config.buyer_reasons {
                    if !seen.insert(b.account.as_str()) {
                        continue; // one reason per deal: the first given
                    }
                    if let Some(crm) = row.get(&b.account).and_then(|&i| rc.display_value(i)) {
                        pairs.push((crm, b.reason.clone()));
                        matched += 1;
                    }
                }
                if matched == 0 {
                    notes.push(format!(
                        "none of the {} buyer-stated loss reasons matched a deal with a CRM \
                         loss reason (joined on `{id}`)",
                        config.buyer_reasons.len()
                    ));
                }
            }
            (None, _) => notes.push(
                "buyer-stated loss reasons not compared: the data has no id column to join \
                 them on"
                    .into(),
            ),
            (_, None) => notes.push(
                "buyer-stated loss reasons not compared: the data has no loss-reason column".into(),
            ),
        }
    } else {
        notes.push(
            "no buyer-stated loss reasons supplied: CRM loss reasons not checked against \
             buyers"
                .into(),
        );
    }
    let agreement = if pairs.is_empty() {
        None
    } else {
        Some(reason_agreement(&pairs, config.reason_alpha, confidence)?)
    };
    let mut section = ThemesSection {
        notes: report.as_ref().map_or(0, |r| r.notes),
        unmatched: report.as_ref().map_or(0, |r| r.unmatched),
        cohort_accounts: report
            .as_ref()
            .map(|r| r.cohort_accounts.clone())
            .unwrap_or_default(),
        source,
        min_accounts: opts.min_accounts,
        rows: report.map(|r| r.rows).unwrap_or_default(),
        buyer_reasons: config.buyer_reasons.len(),
        buyer_reasons_matched: matched,
        reason_alpha: config.reason_alpha,
        reason_agreement: agreement,
        findings: Vec::new(),
    };
    section.findings = theme_findings(&section, confidence);
    Ok(Some(section))
}

/// The section in sentences: the signals per cohort, then the loss-reason
/// agreement and the reasons the CRM over- and under-reports.
fn theme_findings(s: &ThemesSection, confidence: f64) -> Vec<String> {
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    let mut out = Vec::new();
    for (cohort, n) in &s.cohort_accounts {
        let signals: Vec<String> = s
            .rows
            .iter()
            .filter(|r| r.signal && &r.cohort == cohort)
            .map(|r| format!("{} {} ({})", r.theme, r.accounts, pct(r.share)))
            .collect();
        out.push(if signals.is_empty() {
            format!(
                "{cohort} ({n} accounts interviewed): no theme is mentioned by {} or more accounts.",
                s.min_accounts
            )
        } else {
            format!(
                "{cohort} ({n} accounts interviewed): {}.",
                signals.join(", ")
            )
        });
    }
    if let Some(a) = &s.reason_agreement {
        out.push(format!(
            "CRM loss reasons agree with what buyers said on {} of {} interviewed deals ({:.0}% CI {}–{}).",
            pct(a.agreement),
            a.n,
            100.0 * confidence,
            pct(a.agreement_ci.0),
            pct(a.agreement_ci.1)
        ));
        let k = a.labels.len();
        for (r, b) in a.reasons.iter().enumerate() {
            let significant = b.p_value < s.reason_alpha;
            if b.over_reported {
                let mut instead: Vec<(usize, &str)> = (0..k)
                    .filter(|&j| j != r && a.confusion[r][j] > 0)
                    .map(|j| (a.confusion[r][j], a.labels[j].as_str()))
                    .collect();
                instead.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(y.1)));
                out.push(format!(
                    "The CRM over-reports {}: it names it on {} deals, buyers on {}; on {} deals only the CRM says {} vs {} where only the buyer does (exact McNemar p = {:.2e}). Buyers named instead: {}.",
                    b.reason,
                    b.crm,
                    b.buyer,
                    b.crm_only,
                    b.reason,
                    b.buyer_only,
                    b.p_value,
                    instead
                        .iter()
                        .map(|(c, l)| format!("{l} ({c})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            } else if significant && b.buyer_only > b.crm_only {
                out.push(format!(
                    "The CRM under-reports {}: buyers name it on {} deals, the CRM on {} (exact McNemar p = {:.2e}).",
                    b.reason, b.buyer, b.crm, b.p_value
                ));
            }
        }
    }
    out
}

/// Bad-fit rate (90-day tag "bad") of customers signed before the current
/// ICP's date vs on or after it.
fn track_change(
    table: &AccountTable,
    current: &Icp,
    tag_column: &str,
    close_column: &str,
    outcome: &[Option<DealOutcome>],
    confidence: f64,
) -> Result<Option<ChangeTracking>> {
    let Some(since) = current.date.as_deref().and_then(date::parse_iso) else {
        return Ok(None);
    };
    let tags = parse_column(table, tag_column, &OutcomeMap::<FitTag>::new())?;
    let dates = table.date(close_column)?;
    let (mut before, mut after) = ((0usize, 0usize), (0usize, 0usize));
    for i in 0..table.n_rows() {
        let (Some(tag), Some(DealOutcome::Won)) = (tags[i], outcome[i]) else {
            continue;
        };
        if dates[i] == DATE_MISSING {
            continue;
        }
        let slot = if dates[i] < since {
            &mut before
        } else {
            &mut after
        };
        slot.0 += 1;
        slot.1 += usize::from(tag == FitTag::Bad);
    }
    if before.0 == 0 || after.0 == 0 {
        return Ok(None);
    }
    let rate = |(n, k): (usize, usize)| {
        let (lo, hi) =
            wilson_interval(k as f64, n as f64, confidence).unwrap_or((f64::NAN, f64::NAN));
        (k as f64 / n as f64, lo, hi)
    };
    let (rb, ra) = (rate(before), rate(after));
    let sentence = format!(
        "Customers signed since the current ICP took effect ({}) were tagged bad fit at day 90 {:.1}% of the time (n = {}, 95% CI {:.1}–{:.1}%) vs {:.1}% before (n = {}, {:.1}–{:.1}%).",
        date::format_iso(since),
        100.0 * ra.0,
        after.0,
        100.0 * ra.1,
        100.0 * ra.2,
        100.0 * rb.0,
        before.0,
        100.0 * rb.1,
        100.0 * rb.2
    );
    Ok(Some(ChangeTracking {
        since: date::format_iso(since),
        before,
        after,
        rate_before: rb,
        rate_after: ra,
        sentence,
    }))
}
