use super::*;
use crate::AccountTable;
use crate::synth::{SynthConfig, generate};

fn current() -> Icp {
    Icp::from_json(include_str!("../../../../examples/data/current_icp.json")).unwrap()
}

fn review(n: usize) -> Review {
    let s = generate(&SynthConfig::new(n, 20261126)).unwrap();
    let cfg = ReviewConfig {
        current_icp: Some(current()),
        ..Default::default()
    };
    let mut steps = Vec::new();
    let r = build(&s.table, &cfg, &mut |s| steps.push(s.to_owned())).unwrap();
    assert!(steps.len() >= 8 && steps[0] == "data", "{steps:?}");
    r
}

#[test]
fn review_recovers_the_planted_truth() {
    let r = review(30_000);
    // Drivers: the drafted must-have is the planted size band; the planted
    // drivers are in, noise is out.
    assert!(r.draft.icp.primary.iter().any(|c| c.column == "employees"));
    let cols: Vec<&str> = r
        .draft
        .icp
        .criteria()
        .map(|(_, c)| c.column.as_str())
        .collect();
    for d in ["industry", "tech_stack", "lead_source"] {
        assert!(cols.contains(&d), "{d} missing from {cols:?}");
    }
    // Threshold: a floor at 50 employees among the recommendations.
    assert!(
        r.recommendations
            .iter()
            .any(|x| x.action == "Set a floor of 50 on employees: disqualify accounts below it"),
        "{:#?}",
        r.recommendations
    );
    assert!((3..=MAX_RECOMMENDATIONS).contains(&r.recommendations.len()));
    // Competitor sub-segment: CompB owns ecommerce/marketplaces.
    let m = r.competitors.as_ref().unwrap();
    assert!(
        m.owned.iter().any(|o| o.competitor == "CompB"
            && o.segment == "ecommerce/marketplaces"
            && o.confident)
    );
    // Poor-NRR segment: education.
    assert_eq!(r.segments.worst_nrr_segment.as_deref(), Some("education"));
    assert!(r.segments.divergent);
    // Bad-fit cost: the drafted ICP's excluded customers retain worse.
    let w = &r.pressure.what_if_drafted;
    assert!(
        w.nrr_kept - w.nrr_excluded > 0.05,
        "{} vs {}",
        w.nrr_kept,
        w.nrr_excluded
    );
    // The drafted ICP beats the current one.
    assert!(r.pressure.old_vs_new.as_ref().unwrap().new_is_better);
    // Do-not-close: every listed open deal meets a disqualifier.
    assert!(!r.do_not_close.accounts.is_empty());
    assert!(
        r.do_not_close
            .accounts
            .iter()
            .all(|a| !a.reasons.is_empty())
    );
    assert!(
        r.changelog
            .as_ref()
            .unwrap()
            .contains("Removed primary criterion `mid_sized`")
    );
}

#[test]
fn renders_markdown_html_and_json() {
    let r = review(6_000);
    let md = r.to_markdown();
    assert!(md.starts_with("# Quarterly ICP review — "));
    for h in [
        "## Recommended ICP updates",
        "## Drafted ICP",
        "## Pressure tests",
        "## Do-not-close list",
        "## NRR and win rate by industry",
        "## Losses and competitors",
    ] {
        assert!(md.contains(h), "missing {h}");
    }
    assert!(
        md.contains("Best vs problematic customers (best n="),
        "best vs problematic table"
    );
    let html = r.to_html();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(
        html.matches("<svg").count() >= 4,
        "charts: {}",
        html.matches("<svg").count()
    );
    assert!(
        !html.contains("http://")
            || html.matches("http://").count()
                == html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count(),
        "external reference"
    );
    assert!(!html.contains("<script"));
    let json: serde_json::Value = serde_json::from_str(&r.to_json().unwrap()).unwrap();
    assert_eq!(json["schema"], SCHEMA);
    assert!(json["recommendations"].as_array().unwrap().len() >= 3);
    assert!(json["draft"]["icp"]["primary"].is_array());
    // The drafted ICP in the JSON is a valid ICP document.
    let icp: Icp = serde_json::from_value(json["draft"]["icp"].clone()).unwrap();
    assert_eq!(icp, r.draft.icp);
    let dir = std::env::temp_dir().join(format!("icpfit-review-{}", std::process::id()));
    let paths = r.save(&dir).unwrap();
    assert!(paths.iter().all(|p| p.exists()));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn text_is_escaped_in_html_and_markdown() {
    assert_eq!(svg::esc("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
    let mut r = review(6_000);
    r.title = "Q3 <review> | A&B".into();
    assert!(r.to_html().contains("<title>Q3 &lt;review&gt; | A&amp;B"));
    r.recommendations[0].action = "x | y".into();
    assert!(r.to_markdown().contains("x \\| y"));
}

fn sample(file: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/data")
        .join(file)
}

/// The review of the bundled sample with its interviews, as the main job
/// (`examples/icp_review.rs`) builds it.
fn sample_review(dictionary: bool) -> Review {
    use crate::table::CsvOptions;
    use crate::themes::Interviews;
    let table = AccountTable::read_csv(sample("deals.csv"), &CsvOptions::default()).unwrap();
    let interviews = Interviews::read_csv(sample("interviews.csv")).unwrap();
    let cfg = ReviewConfig {
        current_icp: Some(current()),
        theme_dictionary: dictionary.then(crate::synth::interview_dictionary),
        ..Default::default()
    }
    .with_interviews(interviews);
    build(&table, &cfg, &mut |_| {}).unwrap()
}

#[test]
fn review_recovers_the_planted_interview_themes() {
    let truth: crate::synth::Truth =
        serde_json::from_str(&std::fs::read_to_string(sample("truth.json")).unwrap()).unwrap();
    let iv = &truth.interviews;
    let r = sample_review(true);
    let t = r.themes.as_ref().expect("a themes section");
    assert_eq!(t.notes, 358);
    // (a) The deciding factor won customers name is the planted win driver:
    // a signal at the planted rate (95% Wilson interval of its share around
    // the expected share), and the cohort's strongest (expected 37 % vs 20 %
    // for the next theme).
    let signal = |planted: &crate::synth::PlantedTheme| {
        let cohort = planted.cohort.as_str();
        let rows: Vec<_> = t.signals().filter(|x| x.cohort == cohort).collect();
        let Some(row) = rows.iter().find(|x| x.theme == planted.theme) else {
            panic!("`{}` is no {cohort} signal: {rows:#?}", planted.theme)
        };
        let row = (*row).clone();
        let (lo, hi) = crate::stats::wilson_interval(
            row.accounts as f64,
            t.cohort_accounts[cohort] as f64,
            0.95,
        )
        .unwrap();
        assert!(
            lo <= planted.expected_share && planted.expected_share <= hi,
            "{}: {lo:.3}–{hi:.3} vs {}",
            row.theme,
            planted.expected_share
        );
        row
    };
    let won = signal(&iv.win_theme);
    let strongest = t.signals().find(|x| x.cohort == won.cohort).unwrap();
    assert_eq!(strongest.theme, won.theme);
    assert_eq!(won.quotes.len(), 3);
    // (b) The churn theme of small accounts is a signal at its planted rate,
    // and the accounts that mention it are mostly under 50 employees, far
    // more than churned interviewees in general.
    let churn = signal(&iv.churn_theme);
    let table =
        AccountTable::read_csv(sample("deals.csv"), &crate::table::CsvOptions::default()).unwrap();
    let interviews = crate::themes::Interviews::read_csv(sample("interviews.csv")).unwrap();
    let ids = table.text("account_id").unwrap();
    let employees = table.numeric("employees").unwrap();
    let small: std::collections::HashMap<&str, bool> = (0..table.n_rows())
        .map(|i| (ids.get(i).unwrap(), employees[i] < 50.0))
        .collect();
    let dict = crate::synth::interview_dictionary();
    let churned: Vec<_> = interviews
        .notes
        .iter()
        .filter(|n| n.cohort == "churned")
        .collect();
    let share_small = |notes: &[&crate::themes::Note]| {
        notes.iter().filter(|n| small[n.account.as_str()]).count() as f64 / notes.len() as f64
    };
    let saying: Vec<_> = churned
        .iter()
        .copied()
        .filter(|n| dict.matches(&n.text).iter().any(|(x, _)| *x == churn.theme))
        .collect();
    assert_eq!(saying.len(), churn.accounts);
    let (base, among) = (share_small(&churned), share_small(&saying));
    assert!(
        among >= 0.5 && among >= 2.0 * base,
        "{among:.2} of `{}` accounts are small vs {base:.2} of churned interviewees",
        churn.theme
    );
    // (c) The CRM over-reports price, and only price; buyers name a missing
    // feature (product_gap) more than the CRM does.
    let a = t.reason_agreement.as_ref().expect("reason agreement");
    assert_eq!(a.n, t.cohort_accounts["lost"]);
    assert_eq!(t.buyer_reasons_matched, a.n);
    let over: Vec<&str> = a
        .over_reported()
        .iter()
        .map(|x| x.reason.as_str())
        .collect();
    assert_eq!(over, [iv.over_reported.as_str()]);
    let gap = a
        .reasons
        .iter()
        .find(|x| x.reason == "product_gap")
        .unwrap();
    assert!(gap.buyer > gap.crm && gap.p_value < 0.05, "{gap:?}");
    // The planted agreement lies in the interval, and the loss types carry it.
    assert!(
        a.agreement_ci.0 <= iv.expected_agreement && iv.expected_agreement <= a.agreement_ci.1,
        "{:?} vs {}",
        a.agreement_ci,
        iv.expected_agreement
    );
    assert_eq!(
        r.loss_types.as_ref().unwrap().crm_reason_agreement,
        Some(a.agreement)
    );
    // Rendered in both forms and in the JSON.
    let md = r.to_markdown();
    assert!(md.contains("## Interview themes"));
    assert!(md.contains("The CRM over-reports price"), "{md}");
    assert!(md.contains("which agree with what buyers said on"));
    assert!(r.to_html().contains("<h2>Interview themes</h2>"));
    let json: serde_json::Value = serde_json::from_str(&r.to_json().unwrap()).unwrap();
    assert_eq!(json["schema"], SCHEMA);
    assert_eq!(json["themes"]["rows"][0]["cohort"], "churned");
    assert!(json["themes"]["reason_agreement"]["agreement_ci"].is_array());
    assert!(
        !r.notes.iter().any(|n| n.contains("interview")),
        "{:?}",
        r.notes
    );
    // docs/review.md documents every field of the section.
    let docs = include_str!("../../../../docs/review.md");
    for key in json["themes"].as_object().unwrap().keys() {
        assert!(
            docs.contains(&format!("`{key}`")),
            "docs/review.md lacks themes.{key}"
        );
    }
}

#[test]
fn coded_themes_alone_find_the_same_signals() {
    let r = sample_review(false);
    let t = r.themes.as_ref().unwrap();
    let with_dictionary = sample_review(true).themes.unwrap();
    assert!(
        t.unmatched > with_dictionary.unmatched,
        "uncoded notes are read only with a dictionary"
    );
    assert!(t.source.starts_with("coded themes only"));
    let won = t.signals().find(|x| x.cohort == "won").unwrap();
    assert_eq!(won.theme, "warehouse_integration");
    assert!(
        t.signals()
            .any(|x| x.cohort == "churned" && x.theme == "too_complex")
    );
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("carry no coded theme and were not read")),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_review_without_notes_builds_and_says_so() {
    let r = review(4_000);
    assert!(r.themes.is_none());
    assert!(
        r.notes
            .iter()
            .any(|n| n.starts_with("no interview notes supplied")),
        "{:?}",
        r.notes
    );
    assert!(
        r.loss_types
            .as_ref()
            .unwrap()
            .crm_reason_agreement
            .is_none()
    );
    let md = r.to_markdown();
    assert!(!md.contains("## Interview themes"));
    assert!(md.contains("no interview notes supplied"));
    let json: serde_json::Value = serde_json::from_str(&r.to_json().unwrap()).unwrap();
    assert!(json["themes"].is_null());
    let docs = include_str!("../../../../docs/review.md");
    for key in json.as_object().unwrap().keys() {
        assert!(
            docs.contains(&format!("`{key}`")) || docs.contains(&format!("`{key}.")),
            "docs/review.md lacks `{key}`"
        );
    }
}
