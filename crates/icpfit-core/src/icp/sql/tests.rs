use super::*;
use crate::icp::{Criterion, MissingPolicy, Tiers};

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
                Predicate::In(vec!["fintech".into(), "O'Brien & Sons".into()]),
            )
            .points(15.5),
        )
        .secondary(
            Criterion::new(
                "not_partner",
                "lead_source",
                Predicate::NotIn(vec!["partner".into()]),
            )
            .points(-5.0)
            .missing(MissingPolicy::Fail),
        )
        .secondary(
            Criterion::new(
                "cloud",
                "tech_stack",
                Predicate::HasAny(vec!["Snowflake".into(), "BigQuery".into()]),
            )
            .points(10.0),
        )
        .secondary(
            Criterion::new(
                "pair",
                "tech_stack",
                Predicate::HasAll(vec!["AWS".into(), "dbt".into()]),
            )
            .points(0.1),
        )
        .secondary(Criterion::new("stable", "champion_changed", Predicate::Flag(false)).points(5.0))
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
        .scope("product", "analytics")
}

/// Parentheses balance and string literals / quoted identifiers close,
/// reading the text as `dialect` does.
fn well_formed(sql: &str, d: Dialect) -> bool {
    let mut depth = 0i64;
    let mut chars = sql.chars().peekable();
    let backslashes = |escape_string: bool| match d {
        Dialect::DuckDb => false,
        Dialect::Postgres => escape_string,
        Dialect::Snowflake | Dialect::BigQuery => true,
    };
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            '\'' | '"' | '`' => {
                let escapes = backslashes(c == '\'' && prev == 'E') || c == '`';
                loop {
                    match chars.next() {
                        None => return false,
                        Some('\\') if escapes && c != '"' => {
                            chars.next();
                        }
                        Some(q) if q == c => {
                            if chars.peek() == Some(&c) && c != '`' {
                                chars.next();
                            } else {
                                break;
                            }
                        }
                        Some(_) => {}
                    }
                }
            }
            _ => {}
        }
        prev = c;
    }
    depth == 0
}

#[test]
fn numbers_read_back_exactly() {
    for x in [
        0.0,
        -0.0,
        1.0,
        -5.0,
        200.0,
        0.1,
        2.5,
        1.0 / 3.0,
        0.1 + 0.2,
        123_456_789.125,
        1e-7,
        1e300,
        -1.5e-300,
        f64::MIN_POSITIVE,
        5e-324,
        f64::MAX,
        9_007_199_254_740_993.0,
        1e15,
        99_999_999_999_999.9,
    ] {
        let text = number_text(x);
        let back: f64 = text.parse().unwrap();
        assert_eq!(back.to_bits(), (x + 0.0).to_bits(), "{x} written as {text}");
        let digits = text
            .split(['e', 'E'])
            .next()
            .unwrap()
            .chars()
            .filter(char::is_ascii_digit)
            .skip_while(|c| *c == '0')
            .count();
        // Plain decimals carry at most 15 significant digits; the rest is
        // scientific (read as a double by every dialect).
        assert!(
            text.contains('e') || digits <= 16 || x.fract() == 0.0,
            "{text}"
        );
    }
    assert_eq!(number_text(200.0), "200");
    assert_eq!(number_text(0.1), "0.1");
    assert_eq!(number_text(0.1 + 0.2), "3.0000000000000004e-1");
    assert_eq!(number_text(1e300), "1e300");
    assert_eq!(number(Dialect::DuckDb, 2.5), "CAST(2.5 AS DOUBLE)");
    assert_eq!(
        number(Dialect::Postgres, 2.5),
        "CAST(2.5 AS DOUBLE PRECISION)"
    );
    assert_eq!(number(Dialect::BigQuery, -3.0), "CAST(-3 AS FLOAT64)");
}

#[test]
fn string_literals_are_escaped_per_dialect() {
    let s = r"O'Brien \ Sons";
    assert_eq!(
        string_lit(Dialect::DuckDb, s).unwrap(),
        r"'O''Brien \ Sons'"
    );
    assert_eq!(
        string_lit(Dialect::Postgres, s).unwrap(),
        r"E'O''Brien \\ Sons'"
    );
    assert_eq!(
        string_lit(Dialect::Postgres, "O'Brien").unwrap(),
        "'O''Brien'"
    );
    assert_eq!(
        string_lit(Dialect::Snowflake, s).unwrap(),
        r"'O''Brien \\ Sons'"
    );
    assert_eq!(
        string_lit(Dialect::BigQuery, s).unwrap(),
        r"'O\'Brien \\ Sons'"
    );
    assert_eq!(
        string_lit(Dialect::BigQuery, "a\nb\u{1}").unwrap(),
        r"'a\nb\u0001'"
    );
    for d in Dialect::ALL {
        assert!(string_lit(d, "a\0b").unwrap_err().contains("NUL"));
        assert!(well_formed(&string_lit(d, s).unwrap(), d), "{d}");
    }
}

#[test]
fn identifiers_are_bare_only_when_plain() {
    let q = |d, s| ident(d, s, false).unwrap();
    assert_eq!(q(Dialect::Snowflake, "employees"), "employees");
    assert_eq!(q(Dialect::DuckDb, "Employees"), "\"Employees\"");
    assert_eq!(q(Dialect::DuckDb, "order"), "\"order\"");
    assert_eq!(q(Dialect::Postgres, "2x"), "\"2x\"");
    assert_eq!(q(Dialect::Postgres, "tech stack"), "\"tech stack\"");
    assert_eq!(q(Dialect::Postgres, "a\"b"), "\"a\"\"b\"");
    assert_eq!(q(Dialect::BigQuery, "a`b\\c"), r"`a\`b\\c`");
    assert_eq!(ident(Dialect::DuckDb, "x", true).unwrap(), "\"x\"");
    assert!(ident(Dialect::DuckDb, "", false).is_err());
    // The reserved list is sorted (binary search) and lower-case.
    assert!(RESERVED.windows(2).all(|w| w[0] < w[1]));
    assert!(RESERVED.iter().all(|w| is_plain_shape(w)));
}

fn is_plain_shape(s: &str) -> bool {
    s.chars().all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

#[test]
fn dialect_names_parse() {
    for d in Dialect::ALL {
        assert_eq!(d.as_str().parse::<Dialect>().unwrap(), d);
    }
    assert_eq!("PostgreSQL".parse::<Dialect>().unwrap(), Dialect::Postgres);
    let e = "oracle".parse::<Dialect>().unwrap_err().to_string();
    assert!(e.contains("unknown SQL dialect `oracle`"), "{e}");
}

#[test]
fn the_expression_form_is_one_column_per_output() {
    let icp = sample();
    let cols = icp.sql(Dialect::DuckDb).columns().unwrap();
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "icp_in_scope",
            "icp_points",
            "icp_tier",
            "icp_primary_pass",
            "icp_disqualified",
            "icp_matched",
            "icp_match_mid_market",
            "icp_match_fin",
            "icp_match_not_partner",
            "icp_match_cloud",
            "icp_match_pair",
            "icp_match_stable",
            "icp_match_tiny",
            "icp_match_no_size",
        ]
    );
    // Out of scope: NULL (a CASE without ELSE) in every score column.
    for c in &cols[1..] {
        assert!(c.expr.starts_with("CASE WHEN (CASE WHEN "), "{}", c.name);
        assert!(c.expr.ends_with(" END"), "{}", c.name);
    }
    let list = icp.to_sql(Dialect::DuckDb).unwrap();
    assert!(list.contains(" AS icp_points,\n"));
    assert!(list.ends_with(" AS icp_match_no_size"));
}

#[test]
fn predicates_translate_with_their_missing_policy() {
    let icp = sample();
    let cols = icp.sql(Dialect::DuckDb).columns().unwrap();
    let get = |name: &str| {
        cols.iter()
            .find(|c| c.name == name)
            .map(|c| c.expr.clone())
            .unwrap()
    };
    let trim = |x: &str| format!(r"regexp_replace(CAST({x} AS VARCHAR), '^\s+|\s+$', '', 'g')");
    let tokens = "'', 'na', 'n/a', 'null', '-', 'none', 'nan'";
    // Range: NULL / NaN first, then the closed bounds as DOUBLE.
    assert!(get("icp_match_mid_market").contains(
        "(CASE WHEN (employees IS NULL OR isnan(CAST(employees AS DOUBLE))) THEN FALSE WHEN employees >= CAST(200 AS DOUBLE) AND employees <= CAST(2000 AS DOUBLE) THEN TRUE ELSE FALSE END)"
    ));
    // Open bound.
    assert!(get("icp_match_tiny").contains("WHEN employees < CAST(50 AS DOUBLE) THEN TRUE"));
    // In: the quote doubled; trimmed categories.
    assert!(get("icp_match_fin").contains(&format!(
        "WHEN {} IN ('fintech', 'O''Brien & Sons') THEN TRUE",
        trim("industry")
    )));
    // not_in: a missing category follows the policy (fail, negative points:
    // the penalty applies), never "not in".
    assert!(get("icp_match_not_partner").contains(&format!(
        "(CASE WHEN (lead_source IS NULL OR LOWER({}) IN ({tokens})) THEN TRUE WHEN {} NOT IN ('partner') THEN TRUE ELSE FALSE END)",
        trim("lead_source"),
        trim("lead_source")
    )));
    // Tags: membership of `;tag;` in the normalised `;a;b;`.
    let hay = r"regexp_replace(';' || CAST(tech_stack AS VARCHAR) || ';', '\s*;\s*', ';', 'g')";
    assert!(get("icp_match_cloud").contains(&format!(
        "strpos({hay}, ';Snowflake;') > 0 OR strpos({hay}, ';BigQuery;') > 0"
    )));
    assert!(get("icp_match_pair").contains(&format!(
        "strpos({hay}, ';AWS;') > 0 AND strpos({hay}, ';dbt;') > 0"
    )));
    // Flags: the ingest's words, anything else missing.
    assert!(get("icp_match_stable").contains(
        "IN ('true', 'yes', 'y', 't', '1') THEN FALSE WHEN LOWER(regexp_replace(CAST(champion_changed AS VARCHAR), '^\\s+|\\s+$', '', 'g')) IN ('false', 'no', 'n', 'f', '0') THEN TRUE ELSE FALSE END"
    ));
    // is_missing on a numeric column: NULL or NaN, never the policy.
    assert!(
        get("icp_match_no_size")
            .contains("THEN (employees IS NULL OR isnan(CAST(employees AS DOUBLE))) END")
    );
    // Points in criterion order, as DOUBLE; the tier with the primary cap.
    let points = get("icp_points");
    assert!(points.contains("THEN CAST(0 AS DOUBLE) + CASE WHEN (CASE WHEN (employees IS NULL"));
    assert!(points.contains("THEN CAST(15.5 AS DOUBLE) ELSE 0 END"));
    assert!(points.contains("THEN CAST(0.1 AS DOUBLE) ELSE 0 END"));
    let tier = get("icp_tier");
    assert!(tier.contains(") >= CAST(70 AS DOUBLE) THEN CASE WHEN ("));
    assert!(tier.contains(" THEN 'A' ELSE 'C' END WHEN "));
    assert!(tier.ends_with(" THEN 'C' ELSE 'D' END END"));
    // The mask: bit i for criterion i.
    let mask = get("icp_matched");
    assert!(mask.contains("CAST(0 AS BIGINT) + CASE WHEN"));
    assert!(mask.contains(" THEN 128 ELSE 0 END END"));
}

#[test]
fn the_query_layers_each_criterion_once() {
    let icp = sample();
    let q = icp.to_sql_query(Dialect::DuckDb, "crm.deals").unwrap();
    assert!(q.starts_with("SELECT *,\n  CASE WHEN icp_in_scope THEN CASE WHEN icp_disqualified THEN 'D' WHEN icp_points >= CAST(70 AS DOUBLE) THEN CASE WHEN icp_primary_pass THEN 'A' ELSE 'C' END"), "{q}");
    assert!(
        q.contains("\nFROM crm.deals\n) AS icp_scoped\n) AS icp_matches\n) AS icp_points"),
        "{q}"
    );
    assert!(
        q.contains("CASE WHEN icp_in_scope THEN (icp_match_mid_market) END AS icp_primary_pass")
    );
    assert!(q.contains(
        "CASE WHEN icp_in_scope THEN (icp_match_tiny OR icp_match_no_size) END AS icp_disqualified"
    ));
    assert!(q.contains(
        "CASE WHEN icp_in_scope THEN (CASE WHEN (employees IS NULL OR isnan(CAST(employees AS DOUBLE))) THEN FALSE WHEN employees < CAST(50 AS DOUBLE) THEN TRUE ELSE FALSE END) END AS icp_match_tiny"
    ));
    // The scope is written once.
    assert_eq!(q.matches("'analytics'").count(), 1);
    // Each criterion's predicate is written once.
    assert_eq!(q.matches("';Snowflake;'").count(), 1);
    assert!(!q.contains("WHERE"));
    let filtered = icp
        .sql(Dialect::DuckDb)
        .options(SqlOptions {
            filter_out_of_scope: true,
            ..SqlOptions::default()
        })
        .query("deals")
        .unwrap();
    assert!(
        filtered.contains("\nFROM deals\n  WHERE (CASE WHEN (product IS NULL"),
        "{filtered}"
    );
    for d in Dialect::ALL {
        let q = icp.to_sql_query(d, "deals").unwrap();
        assert!(well_formed(&q, d), "{d}:\n{q}");
        let list = icp.to_sql(d).unwrap();
        assert!(well_formed(&list, d), "{d}:\n{list}");
    }
}

#[test]
fn dialects_differ_where_they_must() {
    let icp = sample();
    let pg = icp.to_sql_query(Dialect::Postgres, "deals").unwrap();
    assert!(pg.contains("CAST(200 AS DOUBLE PRECISION)"));
    assert!(pg.contains("employees = CAST('NaN' AS DOUBLE PRECISION)"));
    assert!(pg.contains("CAST(industry AS TEXT)"));
    assert!(pg.contains(
        r"regexp_replace(';' || CAST(tech_stack AS TEXT) || ';', E'\\s*;\\s*', ';', 'g')"
    ));
    let sf = icp.to_sql_query(Dialect::Snowflake, "deals").unwrap();
    assert!(
        sf.contains(r"REGEXP_REPLACE(';' || CAST(tech_stack AS VARCHAR) || ';', '\\s*;\\s*', ';')")
    );
    assert!(sf.contains("CONTAINS(REGEXP_REPLACE("));
    assert!(sf.contains("employees = CAST('NaN' AS DOUBLE)"));
    let bq = icp
        .to_sql_query(Dialect::BigQuery, "proj.crm.deals")
        .unwrap();
    assert!(bq.contains("CAST(200 AS FLOAT64)"));
    assert!(bq.contains("CAST(0 AS INT64)"));
    assert!(bq.contains("IS_NAN(CAST(employees AS FLOAT64))"));
    assert!(bq.contains("'O\\'Brien & Sons'"));
    assert!(bq.contains("FROM proj.crm.deals"));
    assert!(!bq.contains("DOUBLE"));
}

#[test]
fn awkward_names_are_quoted() {
    let icp = Icp::new("Odd", "1")
        .secondary(
            Criterion::new(
                "Big \"Co\"",
                "Employee Count",
                Predicate::Range(Range::at_least(100.0)),
            )
            .points(1.0),
        )
        .secondary(Criterion::new("order", "group", Predicate::In(vec!["x".into()])).points(1.0));
    let q = icp.to_sql_query(Dialect::DuckDb, "My Table").unwrap();
    assert!(q.contains("\"Employee Count\" >= CAST(100 AS DOUBLE)"));
    assert!(q.contains("AS \"icp_match_Big \"\"Co\"\"\""));
    assert!(q.contains("CAST(\"group\" AS VARCHAR)"));
    assert!(q.contains("AS icp_match_order"));
    assert!(q.contains("FROM \"My Table\""));
    let bq = icp.to_sql_query(Dialect::BigQuery, "t").unwrap();
    assert!(bq.contains("`Employee Count` >= CAST(100 AS FLOAT64)"));
    assert!(bq.contains("AS `icp_match_Big \"Co\"`"));
    for d in Dialect::ALL {
        assert!(well_formed(&icp.to_sql_query(d, "t").unwrap(), d), "{d}");
    }
}

#[test]
fn impossible_tags_match_nothing() {
    let icp = Icp::new("T", "1")
        .secondary(
            Criterion::new(
                "any",
                "tags",
                Predicate::HasAny(vec![" padded".into(), "a;b".into(), "ok".into()]),
            )
            .points(1.0),
        )
        .secondary(
            Criterion::new(
                "all",
                "tags",
                Predicate::HasAll(vec!["ok".into(), "a;b".into()]),
            )
            .points(1.0),
        )
        .secondary(Criterion::new("none", "tags", Predicate::HasAny(vec![" ".into()])).points(1.0));
    let cols = icp.sql(Dialect::DuckDb).columns().unwrap();
    let get = |n: &str| cols.iter().find(|c| c.name == n).unwrap().expr.clone();
    assert_eq!(get("icp_match_any").matches("strpos(").count(), 1);
    assert!(get("icp_match_all").contains(" WHEN FALSE THEN TRUE"));
    assert!(get("icp_match_none").contains(" WHEN FALSE THEN TRUE"));
}

#[test]
fn options_follow_the_ingest() {
    let icp = sample().secondary(
        Criterion::new("dbt", "tech_stack", Predicate::HasAny(vec!["dbt".into()])).points(1.0),
    );
    let opts = SqlOptions {
        fold_case: true,
        trim: false,
        missing_tokens: vec!["N/A".into()],
        tag_separator: '|',
        mask: false,
        ..SqlOptions::default()
    };
    let q = icp.sql(Dialect::DuckDb).options(opts).query("d").unwrap();
    assert!(q.contains("LOWER(CAST(industry AS VARCHAR)) IN ('fintech', 'O''Brien & Sons')"));
    assert!(q.contains("(lead_source IS NULL OR LOWER(CAST(lead_source AS VARCHAR)) IN ('n/a'))"));
    assert!(q.contains(r"regexp_replace('|' || LOWER(CAST(tech_stack AS VARCHAR)) || '|', '\s*\|\s*', '|', 'g')"), "{q}");
    assert!(q.contains("'|dbt|') > 0"));
    // Upper-case tags cannot match folded cells (as in the ingest).
    assert!(!q.contains("'|Snowflake|'"));
    assert!(q.contains(
        "IN ('n/a')) THEN FALSE WHEN FALSE THEN TRUE ELSE FALSE END) END AS icp_match_cloud"
    ));
    assert!(!q.contains("icp_matched"));
    let from = SqlOptions::from_csv_options(&CsvOptions::default());
    assert_eq!(from, SqlOptions::default());
    assert!(from.trim && !from.fold_case && from.mask && from.tag_separator == ';');
}

#[test]
fn errors_name_the_criterion() {
    let mut icp = Icp::new("Wide", "1");
    for k in 0..64 {
        icp = icp.secondary(
            Criterion::new(
                format!("c{k}"),
                "x",
                Predicate::Range(Range::at_least(k as f64)),
            )
            .points(1.0),
        );
    }
    let e = icp.to_sql(Dialect::DuckDb).unwrap_err().to_string();
    assert!(
        e.contains("has 64 criteria") && e.contains("at most 63"),
        "{e}"
    );
    let no_mask = SqlOptions {
        mask: false,
        ..SqlOptions::default()
    };
    assert!(
        icp.sql(Dialect::DuckDb)
            .options(no_mask)
            .select_list()
            .is_ok()
    );

    let icp = Icp::new("Nul", "1").secondary(
        Criterion::new("bad", "industry", Predicate::In(vec!["a\0b".into()])).points(1.0),
    );
    let e = icp.to_sql(Dialect::Postgres).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidIcp { criterion: Some(c), .. } if c == "bad"),
        "{e}"
    );
    assert!(e.to_string().contains("NUL"), "{e}");

    let icp = Icp::new("Case", "1")
        .secondary(Criterion::new("Fit", "a", Predicate::Flag(true)).points(1.0))
        .secondary(Criterion::new("fit", "b", Predicate::Flag(true)).points(1.0));
    let e = icp.to_sql(Dialect::DuckDb).unwrap_err().to_string();
    assert!(
        e.contains("criterion `fit`") && e.contains("clash with that of `Fit`"),
        "{e}"
    );

    let long = "n".repeat(60);
    let icp = Icp::new("Long", "1")
        .secondary(Criterion::new(long.clone(), "a", Predicate::Flag(true)).points(1.0));
    let e = icp.to_sql(Dialect::Postgres).unwrap_err().to_string();
    assert!(e.contains("longer than the 63 bytes postgres keeps"), "{e}");
    assert!(icp.to_sql(Dialect::DuckDb).is_ok());

    // An invalid ICP is refused before any SQL is written.
    let empty = Icp::new("Empty", "1");
    assert!(matches!(
        empty.to_sql(Dialect::DuckDb),
        Err(Error::InvalidIcp { .. })
    ));
    let e = sample()
        .to_sql_query(Dialect::DuckDb, "a..b")
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a table name"), "{e}");
}

#[test]
fn tiers_without_primary_criteria_are_uncapped() {
    let icp = Icp::new("S", "1")
        .secondary(Criterion::new("f", "flag", Predicate::Flag(true)).points(40.0))
        .tiers(Tiers {
            a: 40.0,
            b: 20.0,
            c: 10.0,
            if_primary_fails: Tier::D,
        });
    let q = icp.to_sql_query(Dialect::DuckDb, "t").unwrap();
    assert!(q.contains("CASE WHEN icp_disqualified THEN 'D' WHEN icp_points >= CAST(40 AS DOUBLE) THEN 'A' WHEN icp_points >= CAST(20 AS DOUBLE) THEN 'B' WHEN icp_points >= CAST(10 AS DOUBLE) THEN 'C' ELSE 'D' END AS icp_tier"), "{q}");
    assert!(q.contains("TRUE AS icp_primary_pass") && q.contains("FALSE AS icp_disqualified"));
    assert!(q.contains("TRUE AS icp_in_scope"));
}
