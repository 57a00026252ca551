use super::*;
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
