use super::*;

fn sample() -> Icp {
    Icp::new("Core", "1")
        .primary(
            Criterion::new("mid_market", "employees", Predicate::Range(Range::closed(Some(200.0), Some(2000.0))))
                .points(20.0),
        )
        .secondary(
            Criterion::new("fin", "industry", Predicate::In(vec!["fintech".into(), "healthtech".into()]))
                .points(15.0)
                .evidence(Provenance {
                    statistic: "rate ratio".into(),
                    value: Some(1.7),
                    interval: Some([1.4, 2.1]),
                    n: 412,
                    level: crate::EvidenceLevel::CohortAnalysis,
                    date: Some("2026-11-26".into()),
                    note: None,
                }),
        )
        .secondary(Criterion::new("snow", "tech_stack", Predicate::HasAny(vec!["Snowflake".into()])).points(10.0))
        .secondary(
            Criterion::new("partner", "lead_source", Predicate::NotIn(vec!["partner".into()]))
                .points(-5.0)
                .missing(MissingPolicy::Neutral),
        )
        .negative(Criterion::new("tiny", "employees", Predicate::Range(Range::below(50.0))))
        .negative(Criterion::new("no_size", "employees", Predicate::IsMissing(true)))
        .secondary(Criterion::new("champ", "champion_changed", Predicate::Flag(false)).points(5.0))
        .secondary(Criterion::new("both", "tech_stack", Predicate::HasAll(vec!["AWS".into(), "Segment".into()])).points(2.5))
        .scope("product", "analytics")
}

#[test]
fn json_and_toml_round_trip() {
    let icp = sample();
    let json = icp.to_json().unwrap();
    assert_eq!(Icp::from_json(&json).unwrap(), icp);
    // Byte-stable: serializing the parsed document gives the same text.
    assert_eq!(Icp::from_json(&json).unwrap().to_json().unwrap(), json);
    let toml = icp.to_toml().unwrap();
    assert_eq!(Icp::from_toml(&toml).unwrap(), icp);
}

#[test]
fn criterion_document_reads_like_the_sentence() {
    let c: Criterion =
        serde_json::from_str(r#"{"name":"m","column":"employees","range":{"min":200,"max":2000},"points":20}"#).unwrap();
    assert_eq!(c.predicate, Predicate::Range(Range::closed(Some(200.0), Some(2000.0))));
    assert_eq!(c.reason(), "employees 200–2000 (+20)");
    let c: Criterion = serde_json::from_str(r#"{"name":"p","column":"lead_source","in":["partner"],"points":-5}"#).unwrap();
    assert_eq!(c.reason(), "lead_source partner (−5)");
    let c: Criterion = serde_json::from_str(r#"{"name":"s","column":"tech_stack","has_any":["Snowflake","BigQuery"]}"#).unwrap();
    assert_eq!(c.reason(), "tech_stack has Snowflake or BigQuery");
}

#[test]
fn a_criterion_needs_exactly_one_predicate() {
    let e = Icp::from_json(r#"{"name":"x","version":"1","primary":[{"name":"a","column":"c","points":1}]}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("criterion `a` needs exactly one predicate") && e.contains("found none"), "{e}");
    let e = Icp::from_json(r#"{"name":"x","version":"1","primary":[{"name":"a","column":"c","flag":true,"in":["q"]}]}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("found in and flag"), "{e}");
}

#[test]
fn unknown_fields_and_malformed_documents_name_line_and_column() {
    let e = Icp::from_json("{\"name\":\"x\",\n\"version\":\"1\",\n\"primry\":[]}").unwrap_err().to_string();
    assert!(e.starts_with("ICP JSON: unknown field `primry`") && e.contains("line 3"), "{e}");
    let e = Icp::from_json("{\"name\":\"x\",\n\"version\":\"1\",\n\"primary\":[{\"name\":\"a\",\"column\":\"c\",\"flag\":true,\"pints\":3}]}")
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `pints`"), "{e}");
    let e = Icp::from_json("{\"name\": \"x\",\n  \"version\": 1,}").unwrap_err().to_string();
    assert!(e.contains("line 2"), "{e}");
    let e = Icp::from_toml("name = \"x\"\nversion = \"1\"\n[tiers]\na = 1\nb = 2\nc = \n").unwrap_err().to_string();
    assert!(e.starts_with("ICP TOML") && e.contains("line 6"), "{e}");
}

#[test]
fn tiers_apply_the_gates() {
    let t = Tiers::default();
    assert_eq!(t.tier(80.0, true, false), Tier::A);
    assert_eq!(t.tier(50.0, true, false), Tier::B);
    assert_eq!(t.tier(30.0, true, false), Tier::C);
    assert_eq!(t.tier(29.9, true, false), Tier::D);
    assert_eq!(t.tier(80.0, false, false), Tier::C);
    assert_eq!(t.tier(10.0, false, false), Tier::D);
    assert_eq!(t.tier(80.0, true, true), Tier::D);
}

#[test]
fn ranges_honour_inclusiveness() {
    let r = Range::below(50.0);
    assert!(r.contains(49.9) && !r.contains(50.0));
    let r = Range::closed(Some(200.0), Some(2000.0));
    assert!(r.contains(200.0) && r.contains(2000.0) && !r.contains(2000.5));
    let r = Range { min: Some(10.0), max: Some(20.0), min_inclusive: false, max_inclusive: true };
    assert!(!r.contains(10.0) && r.contains(20.0));
    assert_eq!(r.to_string(), "> 10 and ≤ 20");
}
