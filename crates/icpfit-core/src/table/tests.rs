//! Ingest tests: inference, explicit schemas, every documented error, round trips.

use super::*;
use crate::error::Error;

fn read(text: &str) -> crate::Result<AccountTable> {
    AccountTable::from_csv_reader(text.as_bytes(), &CsvOptions::default())
}

fn read_with(text: &str, opts: &CsvOptions) -> crate::Result<AccountTable> {
    AccountTable::from_csv_reader(text.as_bytes(), opts)
}

/// Options whose schema declares `employees` numeric.
fn employees_declared_numeric() -> CsvOptions {
    let spec =
        SchemaSpec::from_json(r#"{"columns":[{"name":"employees","kind":"numeric"}]}"#).unwrap();
    CsvOptions {
        schema: Some(spec),
        ..Default::default()
    }
}

const DEALS: &str = "\
account_id,industry,employees,arr,is_partner,close_date,tech_stack,outcome
a1,fintech,120,1200000,yes,2025-01-15,Salesforce;Snowflake,won
a2,retail,35,,no,2025-02-01,HubSpot,lost
a3,fintech,NA,800000,y,2025-03-30,,won
a4,Healthtech,900,5000000,N,2025-04-02,Salesforce; dbt ,lost
";

#[test]
fn infers_every_kind_and_default_roles() {
    let t = read(DEALS).unwrap();
    assert_eq!((t.n_rows(), t.n_cols()), (4, 8));
    let kinds: Vec<Kind> = t.schema().fields().iter().map(|f| f.kind).collect();
    use Kind::*;
    assert_eq!(
        kinds,
        vec![
            Text,
            Categorical,
            Numeric,
            Numeric,
            Flag,
            Date,
            TagSet,
            Categorical
        ]
    );
    assert_eq!(t.schema().field("account_id").unwrap().role, Role::Id);
    assert_eq!(t.schema().field("outcome").unwrap().role, Role::Outcome);
    assert_eq!(t.schema().field("close_date").unwrap().role, Role::Outcome);
    assert_eq!(
        t.schema().field("employees").unwrap().dimension,
        Dimension::Firmographic
    );
    assert_eq!(
        t.schema().field("tech_stack").unwrap().dimension,
        Dimension::Technographic
    );

    let emp = t.numeric("employees").unwrap();
    assert_eq!(emp[0], 120.0);
    assert!(emp[2].is_nan(), "NA is missing");
    assert!(t.numeric("arr").unwrap()[1].is_nan(), "empty is missing");
    assert_eq!(t.flag("is_partner").unwrap(), &[1, 0, 1, 0]);
    assert_eq!(
        t.date("close_date").unwrap()[0],
        date::parse_iso("2025-01-15").unwrap()
    );
    let ind = t.categorical("industry").unwrap();
    assert_eq!(
        ind.levels(),
        &["Healthtech", "fintech", "retail"],
        "sorted dictionary, case kept by default"
    );
    assert_eq!(ind.get(0), Some("fintech"));
    let tags = t.tag_set("tech_stack").unwrap();
    assert_eq!(tags.tags(), &["HubSpot", "Salesforce", "Snowflake", "dbt"]);
    assert_eq!(tags.get(0), Some(vec!["Salesforce", "Snowflake"]));
    assert_eq!(tags.get(2), None, "an empty cell is a missing stack");
    assert_eq!(
        tags.get(3),
        Some(vec!["Salesforce", "dbt"]),
        "tags are trimmed"
    );
    assert_eq!(t.text("account_id").unwrap().get(3), Some("a4"));
    assert!(t.warnings().is_empty());
}

#[test]
fn folding_case_merges_levels() {
    let opts = CsvOptions {
        fold_case: true,
        ..Default::default()
    };
    let t = read_with("id,industry\n1,Fintech\n2,fintech\n3,FINTECH\n", &opts).unwrap();
    assert_eq!(t.categorical("industry").unwrap().levels(), &["fintech"]);
}

#[test]
fn explicit_schema_overrides_inference() {
    let spec = SchemaSpec::from_toml(
        r#"
        [[columns]]
        name = "employees"
        kind = "categorical"
        dimension = "stage"
        [[columns]]
        name = "is_partner"
        kind = "flag"
        [[columns]]
        name = "owner"
        role = "ignore"
        "#,
    )
    .unwrap();
    let opts = CsvOptions {
        schema: Some(spec),
        ..Default::default()
    };
    let t = read_with(
        "id,employees,is_partner,owner\n1,120,1,ann\n2,35,0,bob\n",
        &opts,
    )
    .unwrap();
    assert_eq!(
        t.schema().field("employees").unwrap().kind,
        Kind::Categorical
    );
    assert_eq!(
        t.schema().field("employees").unwrap().dimension,
        Dimension::Stage
    );
    assert_eq!(t.flag("is_partner").unwrap(), &[1, 0]);
    assert_eq!(t.schema().field("owner").unwrap().role, Role::Ignore);
}

#[test]
fn declared_numeric_with_a_bad_value_names_line_column_and_value() {
    let opts = employees_declared_numeric();
    let mut text = String::from("id,employees\n");
    for i in 0..15 {
        text.push_str(&format!("a{i},{}\n", 10 * i));
    }
    text.push_str("a15,12k\n");
    let err = read_with(&text, &opts).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 17, column `employees`: expected a number, found `12k`"
    );
    assert!(matches!(err, Error::Parse { .. }));
}

#[test]
fn an_almost_numeric_column_is_an_error_not_a_silent_category() {
    let mut text = String::from("id,employees\n");
    for i in 0..40 {
        text.push_str(&format!("a{i},{}\n", 10 + i));
    }
    text.push_str("a40,12k\n");
    let err = read(&text).unwrap_err().to_string();
    assert!(
        err.starts_with(
            "line 42, column `employees`: expected a number (40 of 41 values are numbers"
        ),
        "{err}"
    );
    assert!(err.ends_with("found `12k`"), "{err}");
    // With few values a mixed column is simply categorical.
    let t = read("id,size\n1,10\n2,large\n").unwrap();
    assert_eq!(t.schema().field("size").unwrap().kind, Kind::Categorical);
}

#[test]
fn lenient_numbers_accept_currency_and_separators() {
    let opts = CsvOptions {
        lenient_numbers: true,
        ..Default::default()
    };
    let t = read_with("id,acv\n1,\"$1,200.50\"\n2,€900\n3,\"1 000\"\n", &opts).unwrap();
    assert_eq!(t.numeric("acv").unwrap(), &[1200.5, 900.0, 1000.0]);
    let strict = read("id,acv\n1,\"$1,200.50\"\n2,€900\n").unwrap();
    assert_eq!(
        strict.schema().field("acv").unwrap().kind,
        Kind::Categorical
    );
}

#[test]
fn missing_tokens_are_configurable() {
    let t = read("id,x\n1,N/A\n2,null\n3,-\n4,5\n").unwrap();
    assert_eq!(
        t.numeric("x")
            .unwrap()
            .iter()
            .filter(|v| v.is_nan())
            .count(),
        3
    );
    let opts = CsvOptions {
        missing_tokens: vec!["?".into()],
        ..Default::default()
    };
    let t = read_with("id,x\n1,?\n2,\n3,5\n", &opts).unwrap();
    // Only `?` is missing now, so the empty cell is a category level.
    assert_eq!(t.schema().field("x").unwrap().kind, Kind::Categorical);
    assert_eq!(t.column("x").unwrap().missing_count(), 1);
}

#[test]
fn duplicate_ids_name_both_lines() {
    let err = read("account_id,x\na,1\nb,2\na,3\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 4, column `account_id`: duplicate id `a` (first seen at line 2)"
    );
    let opts = CsvOptions {
        unique_ids: false,
        ..Default::default()
    };
    assert_eq!(
        read_with("account_id,x\na,1\na,3\n", &opts)
            .unwrap()
            .n_rows(),
        2
    );
}

#[test]
fn ragged_rows_are_errors() {
    let err = read("id,x,y\n1,2,3\n2,3\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 3: expected 3 fields as in the header, found 2"
    );
    let err = read("id,x\n1,2\n2,3,4\n").unwrap_err();
    assert!(
        matches!(
            err,
            Error::RaggedRow {
                expected: 2,
                found: 3,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn empty_and_header_only_files() {
    let err = read("").unwrap_err();
    assert!(matches!(err, Error::EmptyInput { .. }));
    assert_eq!(
        err.to_string(),
        "the CSV input is empty: expected a header line naming the columns"
    );
    let t = read("account_id,employees,industry\n").unwrap();
    assert_eq!(t.n_rows(), 0);
    assert_eq!(t.n_cols(), 3);
    assert!(t.warnings().is_empty(), "no rows is not all-missing");
}

#[test]
fn an_all_missing_column_is_kept_and_reported() {
    let t = read("id,nps,x\n1,,1\n2,NA,2\n").unwrap();
    assert_eq!(t.schema().field("nps").unwrap().kind, Kind::Numeric);
    assert!(t.numeric("nps").unwrap().iter().all(|v| v.is_nan()));
    assert_eq!(
        t.warnings(),
        &[IngestWarning::AllMissing {
            column: "nps".into()
        }]
    );
}

#[test]
fn header_problems() {
    assert_eq!(
        read("id,x,x\n1,2,3\n").unwrap_err().to_string(),
        "column `x` appears more than once in the header"
    );
    let err = read("id,,y\n1,2,3\n").unwrap_err().to_string();
    assert!(err.contains("header field 2 is empty"), "{err}");
    let t = read("\u{feff}id,x\n1,2\n").unwrap();
    assert_eq!(t.schema().fields()[0].name, "id", "BOM is stripped");
}

#[test]
fn blank_lines_and_multiline_fields_keep_line_numbers_right() {
    let spec = SchemaSpec::from_json(r#"{"columns":[{"name":"x","kind":"numeric"}]}"#).unwrap();
    let opts = CsvOptions {
        schema: Some(spec),
        ..Default::default()
    };
    let err = read_with("id,note,x\n1,\"two\nlines\",1\n2,ok,oops\n", &opts).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 4, column `x`: expected a number, found `oops`"
    );
    let err = read_with("id,note,x\n1,a,1\n\n2,ok,oops\n", &opts).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 4, column `x`: expected a number, found `oops`"
    );
}

#[test]
fn invalid_utf8_names_the_line() {
    let mut bytes = b"id,x\n1,a\n2,".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.push(b'\n');
    let err = AccountTable::from_csv_reader(&bytes[..], &CsvOptions::default())
        .unwrap_err()
        .to_string();
    assert_eq!(err, "line 3: malformed CSV: column `x` is not valid UTF-8");
}

#[test]
fn bad_dates_and_flags_when_declared() {
    let spec = SchemaSpec::from_json(
        r#"{"columns":[{"name":"d","kind":"date"},{"name":"f","kind":"flag"}]}"#,
    )
    .unwrap();
    let opts = CsvOptions {
        schema: Some(spec),
        ..Default::default()
    };
    let err = read_with("id,d,f\n1,2025-02-30,yes\n", &opts)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "line 2, column `d`: expected a date YYYY-MM-DD, found `2025-02-30`"
    );
    let err = read_with("id,d,f\n1,2025-02-03,maybe\n", &opts)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "line 2, column `f`: expected true/false, yes/no, y/n, t/f or 1/0, found `maybe`"
    );
}

#[test]
fn file_errors_name_the_file() {
    let err = AccountTable::read_csv("no/such/file.csv", &CsvOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("cannot read `no/such/file.csv`"), "{err}");
    let dir = std::env::temp_dir().join(format!("icpfit-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("deals.csv");
    std::fs::write(&path, "id,x\n1,2\n2\n").unwrap();
    let err = AccountTable::read_csv(&path, &CsvOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with("deals.csv: line 3: expected 2 fields as in the header, found 1"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unknown_and_wrong_kind_columns() {
    let t = read(DEALS).unwrap();
    assert_eq!(
        t.numeric("employes").unwrap_err().to_string(),
        "no column named `employes`; did you mean `employees`?"
    );
    assert_eq!(
        t.numeric("industry").unwrap_err().to_string(),
        "column `industry` is categorical, expected numeric"
    );
}

#[test]
fn csv_round_trip_is_exact() {
    let t = read(DEALS).unwrap();
    let mut out = Vec::new();
    t.write_csv(&mut out).unwrap();
    let spec = SchemaSpec {
        columns: t
            .schema()
            .fields()
            .iter()
            .map(|f| ColumnSpec {
                name: f.name.clone(),
                kind: Some(f.kind),
                role: Some(f.role),
                dimension: Some(f.dimension),
            })
            .collect(),
        strict: true,
    };
    let back = read_with(
        std::str::from_utf8(&out).unwrap(),
        &CsvOptions {
            schema: Some(spec),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(back.schema(), t.schema());
    assert_eq!(back.n_rows(), t.n_rows());
    for (a, b) in t.columns().iter().zip(back.columns()) {
        for i in 0..t.n_rows() {
            assert_eq!(a.display_value(i), b.display_value(i));
        }
    }
}

#[derive(serde::Serialize)]
struct Deal {
    account_id: String,
    industry: &'static str,
    employees: Option<u32>,
    is_partner: bool,
    tech_stack: Vec<&'static str>,
}

#[test]
fn records_build_the_same_table_as_csv() {
    let deals = vec![
        Deal {
            account_id: "a1".into(),
            industry: "fintech",
            employees: Some(120),
            is_partner: true,
            tech_stack: vec!["Salesforce", "Snowflake"],
        },
        Deal {
            account_id: "a2".into(),
            industry: "retail",
            employees: None,
            is_partner: false,
            tech_stack: vec![],
        },
    ];
    let t = AccountTable::from_records(&deals, &CsvOptions::default()).unwrap();
    let names: Vec<&str> = t
        .schema()
        .fields()
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "account_id",
            "industry",
            "employees",
            "is_partner",
            "tech_stack"
        ],
        "field order kept"
    );
    assert_eq!(t.numeric("employees").unwrap()[0], 120.0);
    assert!(t.numeric("employees").unwrap()[1].is_nan());
    assert_eq!(t.flag("is_partner").unwrap(), &[1, 0]);
    assert_eq!(
        t.tag_set("tech_stack").unwrap().get(1),
        Some(vec![]),
        "an empty list is no tags, not missing"
    );
    let csv = "account_id,industry,employees,is_partner,tech_stack\na1,fintech,120,true,Salesforce;Snowflake\na2,retail,,false,;\n";
    assert_same(&read(csv).unwrap(), &t);
}

/// Equal schemas and equal values (NaN == NaN), row by row.
fn assert_same(a: &AccountTable, b: &AccountTable) {
    assert_eq!(a.schema(), b.schema());
    assert_eq!(a.n_rows(), b.n_rows());
    for (x, y) in a.columns().iter().zip(b.columns()) {
        for i in 0..a.n_rows() {
            assert_eq!(x.display_value(i), y.display_value(i));
        }
    }
}

#[test]
fn record_errors_name_the_row() {
    let dup = vec![
        Deal {
            account_id: "a".into(),
            industry: "x",
            employees: Some(1),
            is_partner: true,
            tech_stack: vec![],
        },
        Deal {
            account_id: "a".into(),
            industry: "x",
            employees: Some(1),
            is_partner: true,
            tech_stack: vec![],
        },
    ];
    let err = AccountTable::from_records(&dup, &CsvOptions::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "row 1, column `account_id`: duplicate id `a` (first seen at row 0)"
    );
    let empty: Vec<Deal> = vec![];
    assert!(matches!(
        AccountTable::from_records(&empty, &CsvOptions::default()),
        Err(Error::EmptyInput { .. })
    ));
    let maps = vec![
        serde_json::json!({"id": "a", "x": 1}),
        serde_json::json!({"id": "b", "y": 1}),
    ];
    let err = AccountTable::from_records(&maps, &CsvOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("row 1 has fields"), "{err}");
}

#[test]
fn from_columns_checks_lengths_and_names() {
    let ok = AccountTable::from_columns(vec![
        ("employees".into(), Column::Numeric(vec![1.0, 2.0].into())),
        ("won".into(), Column::Flag(vec![1, 0])),
    ])
    .unwrap();
    assert_eq!(ok.schema().field("won").unwrap().role, Role::Outcome);
    let err = AccountTable::from_columns(vec![
        ("a".into(), Column::Numeric(vec![1.0, 2.0].into())),
        ("b".into(), Column::Numeric(vec![1.0].into())),
    ])
    .unwrap_err();
    assert_eq!(err.to_string(), "`b` has 1 values, expected 2");
    let err = AccountTable::from_columns(vec![
        ("a".into(), Column::Numeric(vec![1.0].into())),
        ("a".into(), Column::Numeric(vec![1.0].into())),
    ])
    .unwrap_err();
    assert!(matches!(err, Error::DuplicateColumn { .. }));
}

#[test]
fn take_selects_rows_and_memory_is_accounted() {
    let t = read(DEALS).unwrap();
    let sub = t.take(&[3, 0]).unwrap();
    assert_eq!(sub.text("account_id").unwrap().get(0), Some("a4"));
    assert_eq!(
        sub.tag_set("tech_stack").unwrap().get(1),
        Some(vec!["Salesforce", "Snowflake"])
    );
    assert!(t.take(&[9]).is_err());
    assert!(t.heap_bytes() >= t.raw_bytes());
}

#[test]
fn summary_describes_each_column() {
    let t = read(DEALS).unwrap();
    let s = t.summary();
    let emp = s.iter().find(|c| c.name == "employees").unwrap();
    assert_eq!(
        (emp.missing, emp.min, emp.max),
        (1, Some(35.0), Some(900.0))
    );
    assert_eq!(
        s.iter().find(|c| c.name == "industry").unwrap().levels,
        Some(3)
    );
    let shown = t.to_string();
    assert!(shown.starts_with("4 rows x 8 columns"), "{shown}");
    assert!(shown.contains("2025-01-15"), "{shown}");
}

/// A CSV big enough to be parsed in parallel chunks, with quoted fields that
/// hold delimiters and newlines, and a blank line.
fn big_csv(rows: usize, bad_row: Option<usize>) -> (String, Vec<u64>) {
    let mut s = String::from("account_id,note,employees\n");
    let mut lines = Vec::with_capacity(rows);
    let mut line = 2u64;
    for i in 0..rows {
        lines.push(line);
        let emp = if Some(i) == bad_row {
            "12k".to_owned()
        } else {
            (i % 5000).to_string()
        };
        if i % 97 == 0 {
            s.push_str(&format!("a{i},\"two, \"\"quoted\"\"\nlines {i}\",{emp}\n"));
            line += 2;
        } else {
            s.push_str(&format!(
                "a{i},plain note number {i} padding padding padding,{emp}\n"
            ));
            line += 1;
        }
        if i == rows / 2 {
            s.push('\n');
            line += 1;
        }
    }
    (s, lines)
}

#[test]
fn parallel_chunks_read_exactly_like_one_pass() {
    let (text, _) = big_csv(120_000, None);
    assert!(
        text.len() > 6 << 20,
        "big enough for several chunks: {}",
        text.len()
    );
    let t = read(&text).unwrap();
    assert_eq!(t.n_rows(), 120_000);
    let note = t.column("note").unwrap();
    assert_eq!(
        note.display_value(97 * 500).unwrap(),
        format!("two, \"quoted\"\nlines {}", 97 * 500)
    );
    assert_eq!(
        note.display_value(1).unwrap(),
        "plain note number 1 padding padding padding"
    );
    let emp = t.numeric("employees").unwrap();
    assert!(emp.iter().enumerate().all(|(i, &e)| e == (i % 5000) as f64));
    let ids = t.text("account_id").unwrap();
    assert!((0..120_000).all(|i| ids.get(i) == Some(format!("a{i}").as_str())));
}

#[test]
fn errors_in_late_chunks_name_the_exact_line() {
    let opts = employees_declared_numeric();
    for bad in [3, 70_001, 119_999] {
        let (text, lines) = big_csv(120_000, Some(bad));
        let err = read_with(&text, &opts).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "line {}, column `employees`: expected a number, found `12k`",
                lines[bad]
            )
        );
    }
    let (mut text, lines) = big_csv(120_000, None);
    let at = text.find("a100001,").unwrap();
    text.insert_str(at, "extra,");
    let err = read(&text).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "line {}: expected 3 fields as in the header, found 4",
            lines[100_001]
        )
    );
}

#[test]
fn joined_levels_split_into_a_tag_set_as_the_csv_reader_would() {
    let cat = CategoricalColumn::new(
        vec![1, MISSING_CODE, 0, 2, 1],
        vec!["".into(), "Snowflake; dbt".into(), "dbt;Salesforce;".into()],
    )
    .unwrap();
    let t = TagSetColumn::split_levels(&cat, ';');
    assert_eq!(t.tags(), ["Salesforce", "Snowflake", "dbt"]);
    assert_eq!(t.get(0), Some(vec!["Snowflake", "dbt"]));
    assert_eq!(t.get(1), None);
    assert_eq!(t.get(2), Some(vec![]));
    assert_eq!(t.get(3), Some(vec!["Salesforce", "dbt"]));
    let csv = "id,tech_stack\na,Snowflake; dbt\nb,\nc,dbt;Salesforce;\n";
    let from_csv = AccountTable::from_csv_reader(csv.as_bytes(), &CsvOptions::default()).unwrap();
    let read = from_csv.tag_set("tech_stack").unwrap();
    assert_eq!(read.tags(), t.tags());
    assert_eq!(read.get(0), t.get(0));
    assert_eq!(read.get(2), t.get(3));
}

/// Records whose quoted note spans 61 lines: nearly every newline is quoted.
fn quoted_notes_csv(rows: usize, ragged_row: Option<usize>) -> String {
    let mut text = String::from("account_id,note,employees\n");
    for i in 0..rows {
        let note: String = (0..60).map(|l| format!("line {l} of note {i}\n")).collect();
        let extra = if Some(i) == ragged_row { ",extra" } else { "" };
        text.push_str(&format!("a{i},\"{note}\",{}{extra}\n", i % 7));
    }
    text
}

/// Cuts made at the first newline after each target land inside quoted
/// fields here: the reader must notice, cut again quote-aware, and read
/// exactly what one pass reads; errors must name the true line.
#[test]
fn cuts_inside_quoted_fields_are_noticed_and_redone() {
    let rows = 6_000;
    let text = quoted_notes_csv(rows, None);
    assert!(text.len() > 6 << 20, "several chunks: {}", text.len());
    let t = read(&text).unwrap();
    assert_eq!(t.n_rows(), rows);
    let emp = t.numeric("employees").unwrap();
    assert!(emp.iter().enumerate().all(|(i, &e)| e == (i % 7) as f64));
    let note = t.column("note").unwrap().display_value(rows - 1).unwrap();
    assert!(
        note.starts_with(&format!("line 0 of note {}\n", rows - 1)),
        "{note}"
    );
    // Cells are trimmed: the note's last newline goes.
    assert!(
        note.ends_with(&format!("line 59 of note {}", rows - 1)),
        "{note}"
    );
    for bad in [5, 4_500] {
        let err = read(&quoted_notes_csv(rows, Some(bad)))
            .unwrap_err()
            .to_string();
        // Row i starts on line 2 + 61 i.
        let line = 2 + 61 * bad;
        assert!(
            err.contains(&format!("line {line}:")),
            "{err} (expected line {line})"
        );
        assert!(err.contains("expected 3 fields"), "{err}");
    }
}

proptest::proptest! {
    /// The splitter (plain lines by memchr, quoted records by csv_core) reads
    /// the same records and fields as the `csv` crate, on any text made of
    /// the characters that matter.
    #[test]
    fn splitter_reads_like_the_csv_crate(chars in proptest::collection::vec(
        proptest::sample::select(vec!['a', 'b', ',', '"', '\n', '\r', ' ', 'é']), 0..120,
    )) {
        let text: String = chars.into_iter().collect();
        let mut rdr = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let expected: Vec<Vec<String>> = rdr
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        let mut got = Vec::new();
        let mut s = super::split::Splitter::new(&text, 1, b',');
        while let Some(r) = s.next_record().unwrap() {
            got.push(r.fields().map(str::to_owned).collect::<Vec<_>>());
        }
        proptest::prop_assert_eq!(got, expected, "{:?}", text);
    }
}

/// Ids are checked in hash buckets in parallel; the error must still be the
/// earliest repeat in row order, missing ids are not repeats, and a numeric
/// id column is checked by its displayed values.
#[test]
fn the_first_repeated_id_is_the_earliest_whatever_the_buckets() {
    let n = 50_000;
    let mut ids: Vec<Option<String>> = (0..n).map(|i| Some(format!("id{i}"))).collect();
    ids[40_000] = Some("id7".into());
    ids[30_000] = Some("id29999".into());
    ids[45_000] = ids[44_000].clone();
    ids[10] = None;
    ids[11] = None;
    let text = |ids: &[Option<String>]| {
        let col = TextColumn::from_strings("account_id", ids).unwrap();
        AccountTable::from_columns(vec![("account_id".into(), Column::Text(col))]).unwrap()
    };
    assert_eq!(
        text(&ids).check_unique_ids().unwrap_err().to_string(),
        "row 30000, column `account_id`: duplicate id `id29999` (first seen at row 29999)"
    );
    ids[30_000] = Some("id30000".into());
    assert!(
        text(&ids)
            .check_unique_ids()
            .unwrap_err()
            .to_string()
            .starts_with("row 40000,")
    );
    ids[40_000] = Some("id40000".into());
    ids[45_000] = Some("id45000".into());
    assert!(
        text(&ids).check_unique_ids().is_ok(),
        "two missing ids repeat nothing"
    );
    let numeric = AccountTable::from_columns(vec![(
        "account_id".into(),
        Column::Numeric(vec![5.0, 7.0, f64::NAN, f64::NAN, 7.0].into()),
    )])
    .unwrap();
    assert_eq!(
        numeric.check_unique_ids().unwrap_err().to_string(),
        "row 4, column `account_id`: duplicate id `7` (first seen at row 1)"
    );
}

/// Cells are read a block of rows and a column at a time; the error
/// reported is still the first in row order, whatever its column or kind.
#[test]
fn the_first_bad_row_is_reported_whatever_its_column() {
    let spec = SchemaSpec::from_json(
        r#"{"columns":[{"name":"employees","kind":"numeric"},{"name":"acv","kind":"numeric"}]}"#,
    )
    .unwrap();
    let opts = CsvOptions {
        schema: Some(spec),
        ..Default::default()
    };
    let text = "account_id,employees,acv\na,1,2\nb,3,x\nc,y,4\nd,5,6,7\n";
    assert_eq!(
        read_with(text, &opts).unwrap_err().to_string(),
        "line 3, column `acv`: expected a number, found `x`"
    );
    let text = "account_id,employees,acv\na,1,2\nb,3\nc,y,4\n";
    assert!(
        read_with(text, &opts)
            .unwrap_err()
            .to_string()
            .starts_with("line 3: expected 3 fields"),
        "a ragged row before a bad value"
    );
}

/// A large file is read chunk by chunk straight from disk; it must give
/// exactly what reading the same bytes from memory gives: the same table,
/// or the same error (named in the file) — with quoted fields spanning the
/// cuts, and with errors in late chunks.
#[test]
fn large_files_read_by_chunks_equal_reading_from_memory() {
    let dir = std::env::temp_dir().join(format!("icpfit-chunks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("big.csv");
    let declared = employees_declared_numeric();
    // A column of numbers that turns to text in a late piece of a chunk:
    // its earlier cells are read again across pieces.
    let mut late_text = String::from("account_id,code,note\n");
    for i in 0..150_000 {
        let code = if i % 40_000 == 39_999 {
            format!("x{i}")
        } else {
            (i % 977).to_string()
        };
        late_text.push_str(&format!(
            "a{i},{code},padding padding padding padding {i}\n"
        ));
    }
    let cases = [
        (late_text, CsvOptions::default()),
        (big_csv(120_000, None).0, CsvOptions::default()),
        (big_csv(120_000, Some(100_001)).0, declared),
        (quoted_notes_csv(6_000, None), CsvOptions::default()),
        (quoted_notes_csv(6_000, Some(4_000)), CsvOptions::default()),
    ];
    for (text, opts) in &cases {
        assert!(text.len() > 6 << 20);
        std::fs::write(&file, text).unwrap();
        let from_file = AccountTable::read_csv(&file, opts);
        let from_memory = read_with(text, opts);
        match (from_file, from_memory) {
            (Ok(a), Ok(b)) => {
                assert!(a == b, "same table");
                if let Ok(code) = a.categorical("code") {
                    assert_eq!(code.get(1), Some("1"));
                    assert_eq!(code.get(39_999), Some("x39999"));
                    assert_eq!(
                        code.get(149_998),
                        Some(((149_998 % 977).to_string()).as_str())
                    );
                }
            }
            (Err(a), Err(b)) => {
                let shown = file.display().to_string();
                assert_eq!(a.to_string(), format!("{shown}: {b}"));
            }
            (a, b) => panic!("file {a:?} vs memory {b:?}"),
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// With no row at all, declared kinds still hold (no part says otherwise).
#[test]
fn a_header_only_file_takes_the_declared_kinds() {
    let spec = SchemaSpec::from_json(
        r#"{"columns":[{"name":"industry","kind":"categorical"},{"name":"won","kind":"flag"},{"name":"note","kind":"text"}]}"#,
    )
    .unwrap();
    let opts = CsvOptions {
        schema: Some(spec),
        ..Default::default()
    };
    let t = read_with("industry,won,note,employees\n", &opts).unwrap();
    let kinds: Vec<Kind> = t.schema().fields().iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [Kind::Categorical, Kind::Flag, Kind::Text, Kind::Numeric]
    );
    assert_eq!(t.n_rows(), 0);
}

/// Records ended by bare carriage returns (old spreadsheet exports) read
/// like any others, and in one pass: the newline search is not repeated
/// for every record (which would be quadratic on a large file).
#[test]
fn carriage_return_line_endings_read_in_one_pass() {
    let rows = 60_000;
    let mut text = String::from("account_id,industry,employees\r");
    for i in 0..rows {
        text.push_str(&format!(
            "a{i},{},{}\r",
            ["retail", "fintech"][i % 2],
            i % 900
        ));
    }
    let t = read(&text).unwrap();
    assert_eq!(t.n_rows(), rows);
    assert_eq!(t.categorical("industry").unwrap().get(1), Some("fintech"));
    assert_eq!(
        t.numeric("employees").unwrap()[rows - 1],
        ((rows - 1) % 900) as f64
    );
}
