//! The ICP document: its JSON Schema (`docs/icp.schema.json`) and its guide
//! (`docs/icp.md`) stay in sync with the serde types, and random ICPs
//! round-trip through JSON and TOML.

use super::*;
use crate::EvidenceLevel;
use crate::table::Dimension;
use proptest::prelude::*;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

const SCHEMA: &str = include_str!("../../../../docs/icp.schema.json");
const GUIDE: &str = include_str!("../../../../docs/icp.md");

fn schema() -> Value {
    serde_json::from_str(SCHEMA).expect("docs/icp.schema.json is JSON")
}

fn def<'a>(schema: &'a Value, name: &str) -> &'a Value {
    &schema["$defs"][name]
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn provenance() -> Provenance {
    Provenance {
        statistic: "rate ratio".into(),
        value: Some(1.9),
        interval: Some([1.5, 2.4]),
        n: 412,
        level: EvidenceLevel::CohortAnalysis,
        date: Some("2026-11-20".into()),
        note: Some("wins more".into()),
    }
}

/// An ICP with every optional field set somewhere, every predicate, and
/// ranges with both bounds (so that any one key can be removed).
fn full() -> Icp {
    let range = Range {
        min: Some(1.0),
        max: Some(2.0),
        min_inclusive: false,
        max_inclusive: false,
    };
    let mut icp = Icp::new("Full", "1")
        .primary(
            Criterion::new("r", "employees", Predicate::Range(range))
                .points(1.0)
                .label("label")
                .missing(MissingPolicy::Fail)
                .dimension(Dimension::Firmographic)
                .evidence(provenance()),
        )
        .secondary(Criterion::new("i", "industry", Predicate::In(vec!["a".into()])).points(1.0))
        .secondary(Criterion::new("n", "industry", Predicate::NotIn(vec!["b".into()])).points(1.0))
        .secondary(Criterion::new("f", "public", Predicate::Flag(true)).points(1.0))
        .secondary(Criterion::new("ha", "stack", Predicate::HasAny(vec!["x".into()])).points(1.0))
        .negative(Criterion::new("hl", "stack", Predicate::HasAll(vec!["y".into()])).points(1.0))
        .negative(Criterion::new("m", "stack", Predicate::IsMissing(true)))
        .scope("product", "analytics")
        .tiers(Tiers {
            a: 3.0,
            b: 2.0,
            c: 1.0,
            if_primary_fails: Tier::D,
        });
    icp.date = Some("2026-11-26".into());
    icp.description = "all of it".into();
    icp
}

/// Compile-time guards: adding a variant to one of these enums fails to
/// compile here, so the schema's enum lists below get updated with it.
fn all_dimensions() -> Vec<Dimension> {
    let all = [
        Dimension::Firmographic,
        Dimension::Technographic,
        Dimension::Behavioral,
        Dimension::Psychographic,
        Dimension::Stage,
        Dimension::Other,
    ];
    for d in all {
        match d {
            Dimension::Firmographic
            | Dimension::Technographic
            | Dimension::Behavioral
            | Dimension::Psychographic
            | Dimension::Stage
            | Dimension::Other => {}
        }
    }
    all.to_vec()
}
fn all_levels() -> Vec<EvidenceLevel> {
    let all = [
        EvidenceLevel::Hypothesis,
        EvidenceLevel::Indicative,
        EvidenceLevel::Meaningful,
        EvidenceLevel::CohortAnalysis,
    ];
    for l in all {
        match l {
            EvidenceLevel::Hypothesis
            | EvidenceLevel::Indicative
            | EvidenceLevel::Meaningful
            | EvidenceLevel::CohortAnalysis => {}
        }
    }
    all.to_vec()
}
fn all_policies() -> Vec<MissingPolicy> {
    let all = [
        MissingPolicy::NoMatch,
        MissingPolicy::Neutral,
        MissingPolicy::Fail,
    ];
    for p in all {
        match p {
            MissingPolicy::NoMatch | MissingPolicy::Neutral | MissingPolicy::Fail => {}
        }
    }
    all.to_vec()
}

fn serialized_names<T: serde::Serialize>(values: &[T]) -> BTreeSet<String> {
    values
        .iter()
        .map(|v| {
            serde_json::to_value(v)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn the_schema_names_every_field_and_no_other() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let doc = serde_json::to_value(full()).unwrap();
    assert_eq!(keys(&doc), keys(&s["properties"]), "ICP fields");
    assert_eq!(keys(&doc["scope"]), keys(&def(&s, "scope")["properties"]));
    assert_eq!(keys(&doc["tiers"]), keys(&def(&s, "tiers")["properties"]));
    let mut criterion_keys = BTreeSet::new();
    for section in ["primary", "secondary", "negative"] {
        for c in doc[section].as_array().unwrap() {
            criterion_keys.extend(keys(c));
        }
    }
    assert_eq!(
        criterion_keys,
        keys(&def(&s, "criterion")["properties"]),
        "criterion fields"
    );
    let first = &doc["primary"][0];
    assert_eq!(keys(&first["range"]), keys(&def(&s, "range")["properties"]));
    assert_eq!(
        keys(&first["evidence"]),
        keys(&def(&s, "provenance")["properties"])
    );
    // Every object is closed and every property documented.
    fn walk(v: &Value, path: &str) {
        if let Some(o) = v.as_object() {
            if let Some(props) = o.get("properties").and_then(Value::as_object) {
                assert_eq!(
                    o.get("additionalProperties"),
                    Some(&Value::Bool(false)),
                    "{path} is not closed"
                );
                for (k, p) in props {
                    let described = p.get("description").and_then(Value::as_str).is_some()
                        || p.get("$ref").is_some();
                    assert!(described, "{path}.{k} has no description");
                }
            }
            for (k, child) in o {
                walk(child, &format!("{path}/{k}"));
            }
        }
    }
    walk(&s, "#");
}

#[test]
fn the_schema_enums_are_the_serde_names() {
    let s = schema();
    let crit = &def(&s, "criterion")["properties"];
    assert_eq!(
        strings(&crit["dimension"]["enum"]),
        serialized_names(&all_dimensions())
    );
    assert_eq!(
        strings(&crit["missing"]["enum"]),
        serialized_names(&all_policies())
    );
    assert_eq!(
        strings(&def(&s, "provenance")["properties"]["level"]["enum"]),
        serialized_names(&all_levels())
    );
    assert_eq!(
        strings(&def(&s, "tier")["enum"]),
        serialized_names(&Tier::ALL)
    );
    // The predicate keys are the schema's oneOf alternatives.
    let one_of: BTreeSet<String> = def(&s, "criterion")["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|alt| strings(&alt["required"]))
        .collect();
    let predicates: BTreeSet<String> = full()
        .criteria()
        .map(|(_, c)| c.predicate.key().to_owned())
        .collect();
    assert_eq!(one_of, predicates);
}

/// Removing a field the schema calls required makes the document unreadable;
/// removing any other keeps it readable (predicates aside: exactly one).
#[test]
fn the_schema_required_lists_match_the_parser() {
    let s = schema();
    let doc = serde_json::to_value(full()).unwrap();
    let parses = |v: &Value| Icp::from_json(&v.to_string()).is_ok();
    assert!(parses(&doc));
    let predicates: BTreeSet<String> = full()
        .criteria()
        .map(|(_, c)| c.predicate.key().to_owned())
        .collect();
    // (path to an object in the document, its schema)
    let objects: Vec<(Vec<&str>, &Value)> = vec![
        (vec![], &s),
        (vec!["scope"], def(&s, "scope")),
        (vec!["tiers"], def(&s, "tiers")),
        (vec!["primary", "0"], def(&s, "criterion")),
        (vec!["primary", "0", "range"], def(&s, "range")),
        (vec!["primary", "0", "evidence"], def(&s, "provenance")),
    ];
    for (path, sub) in objects {
        let required = strings(&sub["required"]);
        let mut target = &doc;
        for p in &path {
            target = match p.parse::<usize>() {
                Ok(i) => &target[i],
                Err(_) => &target[*p],
            };
        }
        for key in keys(target) {
            if predicates.contains(&key) && path.len() == 2 {
                continue;
            }
            let mut cut = doc.clone();
            let mut at = &mut cut;
            for p in &path {
                at = match p.parse::<usize>() {
                    Ok(i) => &mut at[i],
                    Err(_) => &mut at[*p],
                };
            }
            let obj: &mut Map<String, Value> = at.as_object_mut().unwrap();
            obj.remove(&key);
            assert_eq!(
                parses(&cut),
                !required.contains(&key),
                "removing {}/{key}: the schema says required = {}",
                path.join("/"),
                required.contains(&key)
            );
        }
    }
}

fn fenced<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    let open = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&open) {
        let body = &rest[start + open.len()..];
        let end = body.find("```").expect("closed code block");
        out.push(&body[..end]);
        rest = &body[end..];
    }
    out
}

#[test]
fn the_guide_examples_are_one_icp() {
    let json = fenced(GUIDE, "json");
    let toml = fenced(GUIDE, "toml");
    assert_eq!((json.len(), toml.len()), (1, 1));
    let from_json = Icp::from_json(json[0]).unwrap();
    let from_toml = Icp::from_toml(toml[0]).unwrap();
    assert_eq!(from_json, from_toml);
    // The example uses every predicate, every section, a scope and evidence.
    let used: BTreeSet<&str> = from_json
        .criteria()
        .map(|(_, c)| c.predicate.key())
        .collect();
    assert_eq!(used.len(), 7, "{used:?}");
    assert!(from_json.scope.is_some() && from_json.date.is_some());
    assert!(from_json.criteria().any(|(_, c)| c.evidence.is_some()));
    // Every field of the schema is mentioned in the guide.
    let s = schema();
    for sub in [
        &s,
        def(&s, "scope"),
        def(&s, "tiers"),
        def(&s, "criterion"),
        def(&s, "range"),
        def(&s, "provenance"),
    ] {
        for k in keys(&sub["properties"]) {
            assert!(
                GUIDE.contains(&format!("`{k}`")),
                "docs/icp.md does not mention `{k}`"
            );
        }
    }
}

// ------------------------------------------- regressions (parser fuzzing)

/// TOML can write `nan` and `inf`, JSON cannot: such evidence was accepted
/// from TOML, written to JSON as `null` and then unreadable (and NaN is not
/// equal to itself, so even TOML → TOML did not round-trip).
#[test]
fn non_finite_evidence_is_refused() {
    for (value, interval) in [
        ("nan", "[1.0, 2.0]"),
        ("1.0", "[-inf, 2.0]"),
        ("inf", "[1.0, nan]"),
    ] {
        let text = format!(
            "name = \"x\"\nversion = \"1\"\n[[primary]]\nname = \"a\"\ncolumn = \"c\"\nflag = true\n\
             evidence = {{ statistic = \"s\", level = \"hypothesis\", value = {value}, interval = {interval} }}\n"
        );
        let e = Icp::from_toml(&text).unwrap_err();
        assert!(
            matches!(&e, crate::Error::InvalidIcp { criterion: Some(c), .. } if c == "a"),
            "{e}"
        );
        assert!(e.to_string().contains("must be finite"), "{e}");
    }
}

/// JSON reads `n` up to 2^64 − 1, TOML only up to 2^63 − 1: a larger `n`
/// was accepted from JSON and then could not be written as readable TOML.
#[test]
fn evidence_n_fits_toml() {
    let doc = |n: u64| {
        format!(
            r#"{{"name":"x","version":"1","primary":[{{"name":"a","column":"c","flag":true,"evidence":{{"statistic":"s","level":"hypothesis","n":{n}}}}}]}}"#
        )
    };
    let e = Icp::from_json(&doc(u64::MAX)).unwrap_err().to_string();
    assert!(
        e.contains("criterion `a`: evidence `n` must be at most 9223372036854775807"),
        "{e}"
    );
    let ok = Icp::from_json(&doc(i64::MAX as u64)).unwrap();
    assert_eq!(Icp::from_toml(&ok.to_toml().unwrap()).unwrap(), ok);
}

// ---------------------------------------------------------------- proptest

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -1e4..1e4f64,
        1 => any::<f64>().prop_filter("finite", |x| x.is_finite()),
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => (-1000i32..1000).prop_map(f64::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z_]{1,8}",
        1 => "\\PC{0,12}",
        1 => Just("O'Brien \"&\" \\ Sons".to_owned()),
    ]
}

fn range() -> impl Strategy<Value = Range> {
    (
        prop::option::of(finite()),
        prop::option::of(finite()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_filter_map("a non-empty range", |(a, b, ai, bi)| {
            let (min, max) = match (a, b) {
                (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
                (None, None) => (Some(0.0), None),
                other => other,
            };
            let r = Range {
                min,
                max,
                min_inclusive: ai,
                max_inclusive: bi,
            };
            match (min, max) {
                (Some(a), Some(b)) if a == b && !(ai && bi) => None,
                _ => Some(r),
            }
        })
}

fn predicate() -> impl Strategy<Value = Predicate> {
    let values = || prop::collection::vec(text(), 1..4);
    prop_oneof![
        range().prop_map(Predicate::Range),
        values().prop_map(Predicate::In),
        values().prop_map(Predicate::NotIn),
        any::<bool>().prop_map(Predicate::Flag),
        values().prop_map(Predicate::HasAny),
        values().prop_map(Predicate::HasAll),
        any::<bool>().prop_map(Predicate::IsMissing),
    ]
}

fn evidence() -> impl Strategy<Value = Provenance> {
    (
        text(),
        prop::option::of(finite()),
        prop::option::of((finite(), finite())),
        0u64..=i64::MAX as u64,
        prop::sample::select(all_levels()),
        prop::option::of(text()),
        prop::option::of(text()),
    )
        .prop_map(
            |(statistic, value, interval, n, level, date, note)| Provenance {
                statistic,
                value,
                interval: interval.map(|(a, b)| [a, b]),
                n,
                level,
                date,
                note,
            },
        )
}

fn criterion() -> impl Strategy<Value = Criterion> {
    (
        text(),
        predicate(),
        finite(),
        prop::option::of(text()),
        prop::sample::select(all_policies()),
        prop::option::of(prop::sample::select(all_dimensions())),
        prop::option::of(evidence()),
    )
        .prop_map(
            |(column, predicate, points, label, missing, dimension, evidence)| Criterion {
                name: String::new(),
                column,
                predicate,
                points,
                label: label.unwrap_or_default(),
                missing,
                dimension,
                evidence,
            },
        )
}

fn icp() -> impl Strategy<Value = Icp> {
    let section = || prop::collection::vec(criterion(), 0..4);
    (
        text(),
        text(),
        prop::option::of(text()),
        prop::option::of((text(), text())),
        section(),
        section(),
        section(),
        (finite(), finite(), finite()),
        prop::sample::select(Tier::ALL.to_vec()),
    )
        .prop_filter_map(
            "at least one criterion",
            |(name, version, date, scope, primary, secondary, negative, (x, y, z), cap)| {
                let mut t = [x, y, z];
                t.sort_by(|a, b| b.total_cmp(a));
                let mut icp = Icp::new(name, version).tiers(Tiers {
                    a: t[0],
                    b: t[1],
                    c: t[2],
                    if_primary_fails: cap,
                });
                icp.date = date;
                icp.scope = scope.map(|(column, value)| Scope { column, value });
                icp.primary = primary;
                icp.secondary = secondary;
                icp.negative = negative;
                let mut k = 0;
                for c in icp
                    .primary
                    .iter_mut()
                    .chain(&mut icp.secondary)
                    .chain(&mut icp.negative)
                {
                    c.name = format!("c{k}");
                    k += 1;
                }
                (k > 0).then_some(icp)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_icps_round_trip_through_json_and_toml(icp in icp()) {
        prop_assert!(icp.check().is_ok(), "{:?}", icp.check());
        let json = icp.to_json().unwrap();
        let back = Icp::from_json(&json).unwrap();
        prop_assert_eq!(&back, &icp);
        // Byte-stable: the document is a fixed point.
        prop_assert_eq!(back.to_json().unwrap(), json);
        let toml = icp.to_toml().unwrap();
        let back = Icp::from_toml(&toml).unwrap();
        prop_assert_eq!(&back, &icp);
        // And the SQL export writes any checked ICP whose columns have names
        // (criterion names here are distinct and short).
        let named = icp.criteria().all(|(_, c)| !c.column.is_empty())
            && icp.scope.as_ref().is_none_or(|s| !s.column.is_empty());
        for d in Dialect::ALL {
            let r = icp.to_sql_query(d, "t");
            prop_assert_eq!(r.is_ok(), named, "{}: {:?}", d, r.err());
        }
    }
}
