use super::*;
use crate::table::{AccountTable, CategoricalColumn, Column, FLAG_MISSING, MISSING_CODE};

fn sample() -> Icp {
    Icp::new("Core", "1")
        .primary(
            Criterion::new(
                "mid_market",
                "employees",
                Predicate::Range(Range::closed(Some(200.0), Some(2000.0))),
            )
            .points(20.0),
        )
        .secondary(
            Criterion::new(
                "fin",
                "industry",
                Predicate::In(vec!["fintech".into(), "healthtech".into()]),
            )
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
        .secondary(
            Criterion::new(
                "snow",
                "tech_stack",
                Predicate::HasAny(vec!["Snowflake".into()]),
            )
            .points(10.0),
        )
        .secondary(
            Criterion::new(
                "partner",
                "lead_source",
                Predicate::NotIn(vec!["partner".into()]),
            )
            .points(-5.0)
            .missing(MissingPolicy::Neutral),
        )
        .negative(Criterion::new(
            "tiny",
            "employees",
            Predicate::Range(Range::below(50.0)),
        ))
        .negative(Criterion::new(
            "no_size",
            "employees",
            Predicate::IsMissing(true),
        ))
        .secondary(Criterion::new("champ", "champion_changed", Predicate::Flag(false)).points(5.0))
        .secondary(
            Criterion::new(
                "both",
                "tech_stack",
                Predicate::HasAll(vec!["AWS".into(), "Segment".into()]),
            )
            .points(2.5),
        )
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
    let c: Criterion = serde_json::from_str(
        r#"{"name":"m","column":"employees","range":{"min":200,"max":2000},"points":20}"#,
    )
    .unwrap();
    assert_eq!(
        c.predicate,
        Predicate::Range(Range::closed(Some(200.0), Some(2000.0)))
    );
    assert_eq!(c.reason(), "employees 200–2000 (+20)");
    let c: Criterion =
        serde_json::from_str(r#"{"name":"p","column":"lead_source","in":["partner"],"points":-5}"#)
            .unwrap();
    assert_eq!(c.reason(), "lead_source partner (−5)");
    let c: Criterion = serde_json::from_str(
        r#"{"name":"s","column":"tech_stack","has_any":["Snowflake","BigQuery"]}"#,
    )
    .unwrap();
    assert_eq!(c.reason(), "tech_stack has Snowflake or BigQuery");
}

#[test]
fn a_criterion_needs_exactly_one_predicate() {
    let e = Icp::from_json(
        r#"{"name":"x","version":"1","primary":[{"name":"a","column":"c","points":1}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("criterion `a` needs exactly one predicate") && e.contains("found none"),
        "{e}"
    );
    let e = Icp::from_json(r#"{"name":"x","version":"1","primary":[{"name":"a","column":"c","flag":true,"in":["q"]}]}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("found in and flag"), "{e}");
}

#[test]
fn unknown_fields_and_malformed_documents_name_line_and_column() {
    let e = Icp::from_json("{\"name\":\"x\",\n\"version\":\"1\",\n\"primry\":[]}")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("ICP JSON: unknown field `primry`") && e.contains("line 3"),
        "{e}"
    );
    let e = Icp::from_json("{\"name\":\"x\",\n\"version\":\"1\",\n\"primary\":[{\"name\":\"a\",\"column\":\"c\",\"flag\":true,\"pints\":3}]}")
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `pints`"), "{e}");
    let e = Icp::from_json("{\"name\": \"x\",\n  \"version\": 1,}")
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 2"), "{e}");
    let e = Icp::from_toml("name = \"x\"\nversion = \"1\"\n[tiers]\na = 1\nb = 2\nc = \n")
        .unwrap_err()
        .to_string();
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
    let r = Range {
        min: Some(10.0),
        max: Some(20.0),
        min_inclusive: false,
        max_inclusive: true,
    };
    assert!(!r.contains(10.0) && r.contains(20.0));
    assert_eq!(r.to_string(), "> 10 and ≤ 20");
}

fn table() -> crate::AccountTable {
    let csv = "account_id,sector,employees,tech_stack,champion_changed,product\n\
               a1,technology,120,Snowflake;AWS,false,analytics\n\
               a2,retail,35,,true,core\n\
               a3,technology,,AWS,,core\n\
               a4,,2500,Snowflake,false,analytics\n";
    crate::AccountTable::from_csv_reader(csv.as_bytes(), &crate::CsvOptions::default()).unwrap()
}

fn range(min: Option<f64>, max: Option<f64>) -> Predicate {
    Predicate::Range(Range::closed(min, max))
}

fn err(icp: &Icp) -> String {
    icp.validate(&table()).unwrap_err().to_string()
}

#[test]
fn validation_names_the_criterion_and_suggests() {
    let base = || Icp::new("v", "1");
    let e = err(&base().primary(Criterion::new(
        "s",
        "sectr",
        Predicate::In(vec!["technology".into()]),
    )));
    assert_eq!(
        e,
        "ICP `v`, criterion `s`: no column named `sectr`; did you mean `sector`?"
    );
    let e = err(&base().primary(Criterion::new(
        "s",
        "sector",
        Predicate::In(vec!["technolgy".into()]),
    )));
    assert_eq!(
        e,
        "ICP `v`, criterion `s`: `technolgy` is not a level of `sector`; did you mean `technology`?"
    );
    let e = err(&base().primary(Criterion::new("s", "sector", range(Some(1.0), None))));
    assert_eq!(
        e,
        "ICP `v`, criterion `s`: `range` applies to numeric columns but `sector` is categorical"
    );
    let e = err(&base().secondary(Criterion::new(
        "t",
        "tech_stack",
        Predicate::HasAny(vec!["Snowflak".into()]),
    )));
    assert!(
        e.ends_with("`Snowflak` is not a tag of `tech_stack`; did you mean `Snowflake`?"),
        "{e}"
    );
    let e = err(&base().secondary(Criterion::new(
        "t",
        "sector",
        Predicate::In(vec!["aerospace".into()]),
    )));
    assert!(
        e.ends_with("`aerospace` is not a level of `sector` in this data"),
        "{e}"
    );
    // Lenient binding (scoring a prospect list) lets an absent, non-typo level through.
    let icp = base().secondary(Criterion::new(
        "t",
        "sector",
        Predicate::In(vec!["aerospace".into()]),
    ));
    assert!(icp.bind(&table(), Levels::Lenient).is_ok());
    let icp = base().secondary(Criterion::new(
        "t",
        "sector",
        Predicate::In(vec!["technolgy".into()]),
    ));
    assert!(icp.bind(&table(), Levels::Lenient).is_err());
    let e = err(&base()
        .scope("product", "payments")
        .secondary(Criterion::new(
            "f",
            "champion_changed",
            Predicate::Flag(false),
        )));
    assert_eq!(
        e,
        "ICP `v`: scope: `payments` is not a level of `product` in this data"
    );
}

#[test]
fn structural_errors_are_typed() {
    let e = err(&Icp::new("v", "1"));
    assert!(e.contains("has no criteria"), "{e}");
    let dup = Icp::new("v", "1")
        .primary(Criterion::new("a", "employees", range(Some(1.0), None)))
        .secondary(Criterion::new(
            "a",
            "sector",
            Predicate::In(vec!["retail".into()]),
        ));
    assert_eq!(
        err(&dup),
        "ICP `v`, criterion `a`: the name is used by more than one criterion"
    );
    let e = err(&Icp::new("v", "1").primary(Criterion::new(
        "a",
        "employees",
        range(Some(10.0), Some(5.0)),
    )));
    assert!(e.contains("empty range"), "{e}");
    let e = err(&Icp::new("v", "1").primary(Criterion::new("a", "employees", range(None, None))));
    assert!(e.contains("needs a `min`, a `max` or both"), "{e}");
    let e = err(&Icp::new("v", "1")
        .primary(Criterion::new("a", "employees", range(Some(1.0), None)))
        .tiers(Tiers {
            a: 10.0,
            b: 20.0,
            c: 5.0,
            if_primary_fails: Tier::C,
        }));
    assert!(e.contains("tier thresholds out of order"), "{e}");
    let e = Icp::from_toml(
        "name = \"v\"\nversion = \"1\"\n[[primary]]\nname = \"a\"\ncolumn = \"employees\"\nrange = { min = nan }\n",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "ICP `v`, criterion `a`: range bounds must be finite, found NaN"
    );
    let e = Icp::from_json(
        r#"{"name":"v","version":"1","primary":[{"name":"a","column":"c","in":[]}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("`in` needs at least one value"), "{e}");
}

#[test]
fn contradictions_are_caught_on_the_table() {
    let e = err(&Icp::new("v", "1")
        .primary(Criterion::new("big", "employees", range(Some(200.0), None)))
        .primary(Criterion::new(
            "small",
            "employees",
            Predicate::Range(Range::below(200.0)),
        )));
    assert_eq!(
        e,
        "ICP `v`, criterion `small`: contradicts must-have `big`: no value of `employees` satisfies both"
    );
    let e = err(&Icp::new("v", "1")
        .primary(Criterion::new(
            "mid",
            "employees",
            range(Some(200.0), Some(2000.0)),
        ))
        .negative(Criterion::new("no", "employees", range(Some(100.0), None))));
    assert!(
        e.contains("criterion `no`: disqualifies every account that passes must-have `mid`"),
        "{e}"
    );
    let e = err(&Icp::new("v", "1")
        .primary(Criterion::new(
            "tech",
            "sector",
            Predicate::In(vec!["technology".into()]),
        ))
        .negative(Criterion::new(
            "not_retail",
            "sector",
            Predicate::NotIn(vec!["retail".into()]),
        )));
    assert!(e.contains("disqualifies every account"), "{e}");
    // Touching closed ranges overlap at one point: not a contradiction.
    let ok = Icp::new("v", "1")
        .primary(Criterion::new("a", "employees", range(Some(200.0), None)))
        .primary(Criterion::new("b", "employees", range(None, Some(200.0))))
        .negative(Criterion::new(
            "tiny",
            "employees",
            Predicate::Range(Range::below(50.0)),
        ));
    ok.validate(&table()).unwrap();
}

#[test]
fn bound_criteria_follow_the_missing_policy_per_section() {
    let t = table();
    let mid = Criterion::new("mid", "employees", range(Some(100.0), Some(3000.0)));
    let bind =
        |c: &Criterion, s: Section| BoundCriterion::bind("v", c, s, 0, &t, Levels::Strict).unwrap();
    let col = t.column("employees").unwrap();
    // Row 2 has no employee count.
    assert_eq!(bind(&mid, Section::Primary).test(col, 2), None);
    assert!(!bind(&mid, Section::Primary).matches(col, 2));
    let neutral = mid.clone().missing(MissingPolicy::Neutral);
    assert!(bind(&neutral, Section::Primary).matches(col, 2));
    assert!(!bind(&neutral, Section::Negative).matches(col, 2));
    let fail = mid.clone().missing(MissingPolicy::Fail);
    assert!(bind(&fail, Section::Negative).matches(col, 2));
    assert!(!bind(&fail, Section::Primary).matches(col, 2));
    assert!(bind(&fail.clone().points(-5.0), Section::Secondary).matches(col, 2));
    let m = bind(&mid, Section::Secondary).mask(&t);
    assert_eq!(
        (0..4).map(|i| m.get(i)).collect::<Vec<_>>(),
        [true, false, false, true]
    );
    // not_in: a missing sector follows the policy, never "not in".
    let not_retail = Criterion::new("nr", "sector", Predicate::NotIn(vec!["retail".into()]));
    let m = bind(&not_retail, Section::Secondary).mask(&t);
    assert_eq!(
        (0..4).map(|i| m.get(i)).collect::<Vec<_>>(),
        [true, false, true, false]
    );
    let all = Criterion::new(
        "all",
        "tech_stack",
        Predicate::HasAll(vec!["Snowflake".into(), "AWS".into()]),
    );
    let m = bind(&all, Section::Secondary).mask(&t);
    assert_eq!(
        (0..4).map(|i| m.get(i)).collect::<Vec<_>>(),
        [true, false, false, false]
    );
    let flag = Criterion::new("f", "champion_changed", Predicate::Flag(false));
    let m = bind(&flag, Section::Secondary).mask(&t);
    assert_eq!(
        (0..4).map(|i| m.get(i)).collect::<Vec<_>>(),
        [true, false, false, true]
    );
    let miss = Criterion::new("m", "champion_changed", Predicate::IsMissing(true));
    let m = bind(&miss, Section::Secondary).mask(&t);
    assert_eq!(
        (0..4).map(|i| m.get(i)).collect::<Vec<_>>(),
        [false, false, true, false]
    );
}

#[test]
fn recital_groups_by_dimension_and_times_itself() {
    let r = sample().recital();
    assert_eq!(
        r.text,
        "Core (version 1): companies buying product analytics with employees 200–2000. \
         They fit better with industry in fintech or healthtech, tech_stack has Snowflake, tech_stack has AWS and Segment, \
         and champion_changed is false. They fit worse with lead_source not partner. \
         Never sell to accounts with employees < 50 and employees is missing. Tier A from 70 points, B from 50, C from 30."
    );
    assert_eq!(r.words, r.text.split_whitespace().count());
    assert!((r.seconds - r.words as f64 * 0.4).abs() < 1e-9);
    assert!(r.fits_60_seconds);
    // 40 wordy criteria do not fit in a minute.
    let mut long = Icp::new("Long", "1");
    for i in 0..40 {
        long = long.secondary(
            Criterion::new(
                format!("c{i}"),
                "industry",
                Predicate::In(vec![format!("industry number {i}")]),
            )
            .points(1.0),
        );
    }
    let r = long.recital();
    assert!(r.words > 150 && !r.fits_60_seconds, "{}", r.words);
}

#[test]
fn diff_reports_added_removed_changed_and_tiers() {
    let old = sample();
    let mut new = sample();
    new.version = "2".into();
    new.primary[0].predicate = Predicate::Range(Range::closed(Some(75.0), Some(2000.0)));
    new.secondary[1].points = 12.0;
    new.secondary.retain(|c| c.name != "champ");
    new.negative.push(Criterion::new(
        "edu",
        "industry",
        Predicate::In(vec!["education".into()]),
    ));
    new.secondary[0].evidence.as_mut().unwrap().n = 500;
    new.tiers.a = 75.0;
    let d = old.diff(&new);
    assert_eq!(d.added.len(), 1);
    assert_eq!(d.removed.len(), 1);
    assert!(!d.is_empty());
    let entry = d.changelog_entry("2026-11-26", "accounts under 50 seats churn 3.1×, n = 412");
    assert_eq!(
        entry,
        "## Core 2 (2026-11-26)\n\
         Reason: accounts under 50 seats churn 3.1×, n = 412\n\
         - Added negative criterion `edu`: industry education\n\
         - Removed secondary criterion `champ`: champion_changed is false (+5)\n\
         - Changed `mid_market`: employees 200–2000 → employees 75–2000\n\
         - Changed `snow`: points 10 → 12\n\
         - Tier thresholds: A ≥ 70, B ≥ 50, C ≥ 30 (primary fail caps at C) → A ≥ 75, B ≥ 50, C ≥ 30 (primary fail caps at C)\n\
         - Evidence refreshed for `fin`\n"
    );
    assert!(old.diff(&old).is_empty());
}

#[test]
fn history_records_versions_in_order() {
    let mut h = IcpHistory::new();
    assert!(
        h.record(sample(), "2026-01-15", "first data-driven ICP")
            .unwrap()
            .is_none()
    );
    let mut v2 = sample();
    v2.version = "2".into();
    v2.tiers.c = 25.0;
    let d = h
        .record(v2.clone(), "2026-07-01", "widen tier C")
        .unwrap()
        .unwrap();
    assert!(d.tiers.is_some());
    assert!(
        h.record(v2.clone(), "2026-08-01", "again")
            .unwrap_err()
            .to_string()
            .contains("already recorded")
    );
    let mut v3 = v2.clone();
    v3.version = "3".into();
    assert!(
        h.record(v3.clone(), "2026-06-01", "x")
            .unwrap_err()
            .to_string()
            .contains("before the last")
    );
    assert!(
        h.record(v3.clone(), "July 1st", "x")
            .unwrap_err()
            .to_string()
            .contains("ISO date")
    );
    assert_eq!(h.at("2026-03-01").unwrap().icp.version, "1");
    assert_eq!(h.at("2026-07-01").unwrap().icp.version, "2");
    assert!(h.at("2025-12-31").is_none());
    let log = h.changelog();
    assert!(
        log.starts_with("# ICP changelog\n\n## Core 2 (2026-07-01)\nReason: widen tier C\n"),
        "{log}"
    );
    assert!(log.contains("## Core 1 (2026-01-15)\nReason: first data-driven ICP\n- First recorded version, 8 criteria.\n"));
    let json = serde_json::to_string(&h).unwrap();
    assert_eq!(serde_json::from_str::<IcpHistory>(&json).unwrap(), h);
}

#[test]
fn masks_equal_the_row_by_row_definition_across_word_and_task_boundaries() {
    // 150 001 rows: several 64 Ki-row tasks and a partial last word.
    let n = 150_001;
    let x: Vec<f64> = (0..n)
        .map(|i| {
            if i % 7 == 0 {
                f64::NAN
            } else {
                (i % 1000) as f64
            }
        })
        .collect();
    let codes: Vec<u32> = (0..n)
        .map(|i| {
            if i % 11 == 0 {
                MISSING_CODE
            } else {
                (i % 3) as u32
            }
        })
        .collect();
    let flags: Vec<u8> = (0..n)
        .map(|i| {
            if i % 13 == 0 {
                FLAG_MISSING
            } else {
                (i % 2) as u8
            }
        })
        .collect();
    let t = AccountTable::from_columns(vec![
        ("employees".into(), Column::Numeric(x.into())),
        (
            "sector".into(),
            Column::Categorical(
                CategoricalColumn::new(codes, vec!["a".into(), "b".into(), "c".into()]).unwrap(),
            ),
        ),
        ("champion_changed".into(), Column::Flag(flags)),
    ])
    .unwrap();
    let criteria = [
        Criterion::new("r", "employees", range(Some(100.0), Some(500.0))),
        Criterion::new("r", "employees", range(Some(100.0), None)).missing(MissingPolicy::Fail),
        Criterion::new("s", "sector", Predicate::NotIn(vec!["b".into()])),
        Criterion::new("s", "sector", Predicate::In(vec!["c".into()]))
            .missing(MissingPolicy::Neutral),
        Criterion::new("f", "champion_changed", Predicate::Flag(true)),
        Criterion::new("m", "employees", Predicate::IsMissing(true)),
    ];
    for c in &criteria {
        for section in [Section::Primary, Section::Secondary, Section::Negative] {
            let b = BoundCriterion::bind("v", c, section, 0, &t, Levels::Strict).unwrap();
            let col = &t.columns()[b.column];
            let m = b.mask(&t);
            assert_eq!(m.len(), n);
            let wrong = (0..n).find(|&i| m.get(i) != b.matches(col, i));
            assert_eq!(wrong, None, "{} in {section:?}", c.name);
        }
    }
}
