//! Portable export of an ICP as SQL, so that a warehouse can score its own
//! tables with exactly icpfit's semantics and no Python or Rust in the loop.
//! The output columns, the conventions for reading the warehouse's values
//! and the quoting rules are documented on [`SqlExport`].

use super::{Icp, Predicate, Range, Section, Tier, missing_outcome};
use crate::error::{Error, Result};
use crate::table::{CsvOptions, Kind};
use std::collections::HashMap;
use std::fmt;
use std::fmt::Write as _;
use std::str::FromStr;

/// The SQL dialects [`Icp::to_sql`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// DuckDB (also what the Python equivalence test runs).
    DuckDb,
    /// PostgreSQL (9.1+: `standard_conforming_strings` on).
    Postgres,
    /// Snowflake.
    Snowflake,
    /// Google BigQuery (GoogleSQL).
    BigQuery,
}

impl Dialect {
    /// Every dialect.
    pub const ALL: [Dialect; 4] = [
        Dialect::DuckDb,
        Dialect::Postgres,
        Dialect::Snowflake,
        Dialect::BigQuery,
    ];
    /// Stable lower-case name: `duckdb`, `postgres`, `snowflake`, `bigquery`.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::DuckDb => "duckdb",
            Dialect::Postgres => "postgres",
            Dialect::Snowflake => "snowflake",
            Dialect::BigQuery => "bigquery",
        }
    }
    fn double(self) -> &'static str {
        match self {
            Dialect::DuckDb | Dialect::Snowflake => "DOUBLE",
            Dialect::Postgres => "DOUBLE PRECISION",
            Dialect::BigQuery => "FLOAT64",
        }
    }
    fn bigint(self) -> &'static str {
        match self {
            Dialect::BigQuery => "INT64",
            _ => "BIGINT",
        }
    }
    fn text(self) -> &'static str {
        match self {
            Dialect::DuckDb | Dialect::Snowflake => "VARCHAR",
            Dialect::Postgres => "TEXT",
            Dialect::BigQuery => "STRING",
        }
    }
    /// Longest identifier the dialect keeps whole (PostgreSQL silently
    /// truncates longer ones, which could merge two match columns).
    fn max_ident_bytes(self) -> Option<usize> {
        match self {
            Dialect::Postgres => Some(63),
            Dialect::BigQuery => Some(300),
            Dialect::Snowflake => Some(255),
            Dialect::DuckDb => None,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dialect {
    type Err = Error;
    /// `duckdb`, `postgres` (or `postgresql`), `snowflake`, `bigquery`,
    /// ignoring case.
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "duckdb" => Ok(Dialect::DuckDb),
            "postgres" | "postgresql" => Ok(Dialect::Postgres),
            "snowflake" => Ok(Dialect::Snowflake),
            "bigquery" => Ok(Dialect::BigQuery),
            _ => Err(Error::invalid(
                "dialect",
                format!(
                    "unknown SQL dialect `{s}`; accepted: duckdb, postgres, snowflake, bigquery"
                ),
            )),
        }
    }
}

/// How the generated SQL reads the warehouse's values and what it emits.
/// The value conventions default to the CSV ingest's defaults, so a table
/// loaded from the same CSV scores the same in the warehouse as in icpfit.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlOptions {
    /// Text cells equal to one of these (after trimming, ignoring ASCII
    /// case) are missing, as in [`CsvOptions::missing_tokens`].
    pub missing_tokens: Vec<String>,
    /// Trim white space from categorical, flag and missing-token tests, as
    /// [`CsvOptions::trim`] (tags are always trimmed, as in the ingest).
    pub trim: bool,
    /// Lower-case categories and tags before comparing, as
    /// [`CsvOptions::fold_case`] (the ICP's levels are then lower-case too).
    pub fold_case: bool,
    /// Separator of tags in tag-set columns, as [`CsvOptions::tag_separator`].
    pub tag_separator: char,
    /// Emit the `icp_matched` bitmask column (needs at most 63 criteria).
    pub mask: bool,
    /// In [`SqlExport::query`], drop the rows outside the scope instead of
    /// giving them NULL scores.
    pub filter_out_of_scope: bool,
    /// Quote every identifier, even plain lower-case ones.
    pub quote_all: bool,
}

impl Default for SqlOptions {
    fn default() -> Self {
        Self::from_csv_options(&CsvOptions::default())
    }
}

impl SqlOptions {
    /// The value conventions of `opts` (missing tokens, trimming, case
    /// folding, tag separator) and the default output options.
    pub fn from_csv_options(opts: &CsvOptions) -> Self {
        Self {
            missing_tokens: opts.missing_tokens.clone(),
            trim: opts.trim,
            fold_case: opts.fold_case,
            tag_separator: opts.tag_separator,
            mask: true,
            filter_out_of_scope: false,
            quote_all: false,
        }
    }
}

/// One generated output column: its name (unquoted) and its SQL expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlColumn {
    /// The output column's name, e.g. `icp_points` or `icp_match_mid_market`.
    pub name: String,
    /// The SQL expression, over the table's own columns.
    pub expr: String,
}

/// The SQL export of one ICP in one dialect, so that a warehouse can score
/// its own tables with exactly icpfit's semantics and no Python or Rust in
/// the loop. Built by [`Icp::sql`]; written by [`columns`](Self::columns),
/// [`select_list`](Self::select_list) or [`query`](Self::query).
///
/// [`Icp::to_sql`] gives a SELECT-list fragment (self-contained expressions
/// over the table's columns); [`Icp::to_sql_query`] gives a whole
/// `SELECT *, … FROM <table>` query, layered so that each criterion is
/// evaluated once. [`Icp::sql`] gives the builder behind both, with
/// [`SqlOptions`]. Dialects: DuckDB, PostgreSQL, Snowflake and BigQuery.
///
/// ## Output columns
///
/// | column | type | meaning |
/// |---|---|---|
/// | `icp_in_scope` | BOOLEAN | the row is in the ICP's scope (TRUE when it has none) |
/// | `icp_points` | DOUBLE | Σ points of the matched criteria, in criterion order |
/// | `icp_tier` | text | `'A'` … `'D'` ([`Tiers::tier`](super::Tiers::tier)) |
/// | `icp_primary_pass` | BOOLEAN | every primary criterion matched |
/// | `icp_disqualified` | BOOLEAN | some negative criterion matched |
/// | `icp_matched` | BIGINT | bit *i* set when criterion *i* (in [`Icp::criteria`] order) matched — the same bit order as the scoring engine's bitsets; left out with [`SqlOptions::mask`] = false, and an error above 63 criteria |
/// | `icp_match_<name>` | BOOLEAN | one per criterion: whether it matched |
///
/// Rows outside the scope get NULL in every column but `icp_in_scope` (they
/// are not scored); [`SqlOptions::filter_out_of_scope`] drops them from the
/// query instead. Every other value is non-NULL: a missing input never makes
/// a NULL output, it follows the criterion's missing policy. In the
/// expression form the columns come in the order above; the query appends,
/// after the table's own columns, `icp_in_scope`, the match columns, points,
/// pass, disqualification and mask, then the tier.
///
/// ## What the warehouse table must look like, and how values are read
///
/// The same columns as the table icpfit scored, with the same conventions as
/// the CSV ingest ([`CsvOptions`]; [`SqlOptions::from_csv_options`] copies
/// the relevant ones):
///
/// * **missing**: SQL NULL; in a column stored as text, also a cell equal to
///   a missing token (`''`, `NA`, `N/A`, `null`, `-`, `none`, `nan` by
///   default) after trimming, ignoring case;
/// * **numeric** columns are of a numeric SQL type; NULL and NaN are missing;
///   values are compared as DOUBLE, like the f64 icpfit parses them to;
/// * **categorical** columns may be of any type: they are cast to text,
///   trimmed and compared exactly (case-sensitive; lower-cased first with
///   [`SqlOptions::fold_case`], as the ingest does);
/// * **flag** columns are BOOLEAN, or text / integers holding `true`/`false`,
///   `yes`/`no`, `y`/`n`, `t`/`f`, `1`/`0` in any case; anything else is
///   missing (the ingest would have refused it);
/// * **tag-set** columns are text, tags joined by `;` (`Salesforce;Snowflake`):
///   as in the ingest, white space around each tag is dropped and empty tags
///   are ignored; membership is tested on the normalised string
///   `;Salesforce;Snowflake;`, so `Snow` never matches `Snowflake`.
///
/// Trimming removes ASCII white space (space, tab, CR, LF, FF); the ingest
/// also trims non-ASCII white space such as U+00A0, which is rare in
/// warehouse data. Case folding uses SQL `LOWER`, which agrees with Rust's
/// `to_lowercase` on ASCII.
///
/// ## Quoting
///
/// Identifiers are left bare when they are plain lower-case names that are
/// not reserved words (so Snowflake resolves `employees` to the usual
/// upper-case `EMPLOYEES`), and double-quoted (BigQuery: back-quoted)
/// otherwise, or always with [`SqlOptions::quote_all`]. String literals are
/// escaped for the dialect (doubled quotes; backslashes escaped where the
/// dialect treats them as escapes). Numbers are written so that the warehouse
/// reads back the very same f64, and cast to DOUBLE.
///
/// ```
/// use icpfit_core::icp::{Criterion, Dialect, Icp, Predicate, Range};
///
/// let icp = Icp::new("Core", "1")
///     .primary(Criterion::new("mid_market", "employees", Predicate::Range(Range::closed(Some(200.0), Some(2000.0)))).points(20.0));
/// let sql = icp.to_sql_query(Dialect::DuckDb, "accounts")?;
/// assert!(sql.contains("employees >= CAST(200 AS DOUBLE) AND employees <= CAST(2000 AS DOUBLE)"));
/// assert!(sql.contains("AS icp_tier"));
/// # Ok::<(), icpfit_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SqlExport<'a> {
    icp: &'a Icp,
    dialect: Dialect,
    options: SqlOptions,
}

/// The fixed output column names.
const IN_SCOPE: &str = "icp_in_scope";
const POINTS: &str = "icp_points";
const TIER: &str = "icp_tier";
const PRIMARY_PASS: &str = "icp_primary_pass";
const DISQUALIFIED: &str = "icp_disqualified";
const MATCHED: &str = "icp_matched";
/// Prefix of the per-criterion match columns.
pub const MATCH_PREFIX: &str = "icp_match_";
/// Most criteria the `icp_matched` BIGINT can hold (bit 63 is the sign).
pub const MAX_MASK_CRITERIA: usize = 63;

/// The flag words of the ingest (`parse_flag` plus `1` / `0`).
const FLAG_TRUE: [&str; 5] = ["true", "yes", "y", "t", "1"];
const FLAG_FALSE: [&str; 5] = ["false", "no", "n", "f", "0"];

impl Icp {
    /// The SQL export builder for `dialect`, with default [`SqlOptions`].
    pub fn sql(&self, dialect: Dialect) -> SqlExport<'_> {
        SqlExport {
            icp: self,
            dialect,
            options: SqlOptions::default(),
        }
    }
    /// A SELECT-list fragment (`expr AS icp_points, …`) computing the scores
    /// over the table's columns, with default [`SqlOptions`]; see
    /// [`SqlExport`] for the columns and the conventions.
    pub fn to_sql(&self, dialect: Dialect) -> Result<String> {
        self.sql(dialect).select_list()
    }
    /// A whole query `SELECT *, <scores> FROM <table>`, with default
    /// [`SqlOptions`]. `table` may be qualified (`analytics.accounts`); each
    /// dot-separated part is quoted as needed.
    pub fn to_sql_query(&self, dialect: Dialect, table: &str) -> Result<String> {
        self.sql(dialect).query(table)
    }
}

impl<'a> SqlExport<'a> {
    /// Builder: options.
    pub fn options(mut self, options: SqlOptions) -> Self {
        self.options = options;
        self
    }
    /// The dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn invalid(&self, criterion: Option<&str>, message: String) -> Error {
        Error::InvalidIcp {
            icp: self.icp.name.clone(),
            criterion: criterion.map(str::to_owned),
            message,
        }
    }

    /// The output columns as self-contained expressions over the table's
    /// columns, in the order of the table above.
    pub fn columns(&self) -> Result<Vec<SqlColumn>> {
        let g = self.generator()?;
        let scope = g.in_scope()?;
        let matches = g.criterion_matches()?;
        let wrap = |e: String| match &scope {
            Some(s) => format!("CASE WHEN {s} THEN {e} END"),
            None => e,
        };
        let parts = g.aggregates(&matches);
        let mut out = vec![SqlColumn {
            name: IN_SCOPE.into(),
            expr: scope.clone().unwrap_or_else(|| "TRUE".into()),
        }];
        out.push(SqlColumn {
            name: POINTS.into(),
            expr: wrap(parts.points.clone()),
        });
        out.push(SqlColumn {
            name: TIER.into(),
            expr: wrap(g.tier(
                &format!("({})", parts.points),
                &parts.pass,
                &parts.disqualified,
            )),
        });
        out.push(SqlColumn {
            name: PRIMARY_PASS.into(),
            expr: wrap(parts.pass),
        });
        out.push(SqlColumn {
            name: DISQUALIFIED.into(),
            expr: wrap(parts.disqualified),
        });
        if let Some(mask) = parts.mask {
            out.push(SqlColumn {
                name: MATCHED.into(),
                expr: wrap(mask),
            });
        }
        for (name, m) in g.match_names().into_iter().zip(matches) {
            out.push(SqlColumn {
                name,
                expr: wrap(m),
            });
        }
        Ok(out)
    }

    /// The SELECT-list fragment: `expr AS name` for every [`column`](Self::columns),
    /// one per line, comma-separated, ready to follow `SELECT *,`.
    pub fn select_list(&self) -> Result<String> {
        let g = self.generator()?;
        let cols = self.columns()?;
        let mut out = String::new();
        for (k, c) in cols.iter().enumerate() {
            if k > 0 {
                out.push_str(",\n");
            }
            let _ = write!(out, "{} AS {}", c.expr, g.alias(&c.name)?);
        }
        Ok(out)
    }

    /// `SELECT *, <scores> FROM <table>`, layered so that each criterion is
    /// evaluated once: the innermost SELECT adds `icp_in_scope`, the next
    /// the match columns, the next points, gates and mask from them, the
    /// outer one the tier.
    pub fn query(&self, table: &str) -> Result<String> {
        let g = self.generator()?;
        let table = g.table_ref(table)?;
        let scope = g.in_scope()?;
        let names = g.match_names();
        let matches = g.criterion_matches()?;
        let in_scope = g.alias(IN_SCOPE)?;
        let wrap = |e: &str| {
            if scope.is_some() {
                format!("CASE WHEN {in_scope} THEN {e} END")
            } else {
                e.to_owned()
            }
        };
        let as_col =
            |e: String, name: &str| -> Result<String> { Ok(format!("{e} AS {}", g.alias(name)?)) };
        let filter = match (&scope, self.options.filter_out_of_scope) {
            (Some(s), true) => format!("\n  WHERE {s}"),
            _ => String::new(),
        };
        let l1 = format!(
            "SELECT *,\n  {}\nFROM {table}{filter}",
            as_col(scope.clone().unwrap_or_else(|| "TRUE".into()), IN_SCOPE)?
        );
        let l2: Vec<String> = names
            .iter()
            .zip(&matches)
            .map(|(name, m)| as_col(wrap(m), name))
            .collect::<Result<_>>()?;
        let refs: Vec<String> = names.iter().map(|n| g.alias(n)).collect::<Result<_>>()?;
        let parts = g.aggregates(&refs);
        let mut l3 = vec![
            as_col(wrap(&parts.points), POINTS)?,
            as_col(wrap(&parts.pass), PRIMARY_PASS)?,
            as_col(wrap(&parts.disqualified), DISQUALIFIED)?,
        ];
        if let Some(mask) = &parts.mask {
            l3.push(as_col(wrap(mask), MATCHED)?);
        }
        let tier = g.tier(
            &g.alias(POINTS)?,
            &g.alias(PRIMARY_PASS)?,
            &g.alias(DISQUALIFIED)?,
        );
        let l4 = as_col(wrap(&tier), TIER)?;
        Ok(format!(
            "SELECT *,\n  {l4}\nFROM (\nSELECT *,\n  {}\nFROM (\nSELECT *,\n  {}\nFROM (\n{l1}\n) AS icp_scoped\n) AS icp_matches\n) AS icp_points",
            l3.join(",\n  "),
            l2.join(",\n  "),
        ))
    }

    fn generator(&self) -> Result<Gen<'_>> {
        self.icp.check()?;
        let n = self.icp.len();
        if self.options.mask && n > MAX_MASK_CRITERIA {
            return Err(self.invalid(
                None,
                format!(
                    "has {n} criteria but the `{MATCHED}` BIGINT bitmask holds at most {MAX_MASK_CRITERIA}; \
                     turn the mask off (SqlOptions::mask = false) and use the `{MATCH_PREFIX}*` columns"
                ),
            ));
        }
        let sep = self.options.tag_separator;
        if sep == '\0' || sep.is_whitespace() {
            return Err(Error::invalid(
                "tag_separator",
                format!("{sep:?} cannot separate tags in SQL"),
            ));
        }
        // Match columns must stay distinct in dialects whose identifiers
        // ignore case (DuckDB, BigQuery, unquoted Snowflake).
        let mut seen: HashMap<String, &str> = HashMap::new();
        for (_, c) in self.icp.criteria() {
            if let Some(first) = seen.insert(c.name.to_lowercase(), &c.name) {
                return Err(self.invalid(
                    Some(&c.name),
                    format!(
                        "its match column would clash with that of `{first}` in SQL, where \
                         identifiers ignore case; rename one of them"
                    ),
                ));
            }
        }
        // The kind of each column, from the predicates that need one: the
        // `is_missing` test reads a column the way its other criteria do.
        let mut kinds: HashMap<&str, Kind> = HashMap::new();
        for (_, c) in self.icp.criteria() {
            if let Some(k) = c.predicate.column_kind() {
                kinds.entry(c.column.as_str()).or_insert(k);
            }
        }
        Ok(Gen {
            export: self,
            d: self.dialect,
            o: &self.options,
            kinds,
        })
    }
}

/// Points, gates and mask as expressions over the match expressions.
struct Aggregates {
    points: String,
    pass: String,
    disqualified: String,
    mask: Option<String>,
}

/// The text generator of one export.
struct Gen<'a> {
    export: &'a SqlExport<'a>,
    d: Dialect,
    o: &'a SqlOptions,
    kinds: HashMap<&'a str, Kind>,
}

impl Gen<'_> {
    fn icp(&self) -> &Icp {
        self.export.icp
    }

    fn err(&self, criterion: Option<&str>, message: String) -> Error {
        self.export.invalid(criterion, message)
    }

    /// Output column names of the match columns, criterion order.
    fn match_names(&self) -> Vec<String> {
        self.icp()
            .criteria()
            .map(|(_, c)| format!("{MATCH_PREFIX}{}", c.name))
            .collect()
    }

    /// An output alias, quoted as needed, within the dialect's length limit.
    fn alias(&self, name: &str) -> Result<String> {
        let criterion = name.strip_prefix(MATCH_PREFIX);
        if let Some(max) = self.d.max_ident_bytes()
            && name.len() > max
        {
            return Err(self.err(
                criterion,
                format!(
                    "the column name `{name}` is longer than the {max} bytes {} keeps; shorten the criterion name",
                    self.d
                ),
            ));
        }
        ident(self.d, name, self.o.quote_all).map_err(|m| self.err(criterion, m))
    }

    fn column(&self, criterion: &str, column: &str) -> Result<String> {
        ident(self.d, column, self.o.quote_all).map_err(|m| self.err(Some(criterion), m))
    }

    fn lit(&self, criterion: Option<&str>, s: &str) -> Result<String> {
        string_lit(self.d, s).map_err(|m| self.err(criterion, m))
    }

    /// `db.schema.table`, each part quoted as needed.
    fn table_ref(&self, table: &str) -> Result<String> {
        let parts: Vec<&str> = table.split('.').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(Error::invalid(
                "table",
                format!("`{table}` is not a table name (`name` or `schema.name`)"),
            ));
        }
        parts
            .iter()
            .map(|p| ident(self.d, p, self.o.quote_all).map_err(|m| Error::invalid("table", m)))
            .collect::<Result<Vec<_>>>()
            .map(|v| v.join("."))
    }

    fn regexp_replace_all(&self, s: &str, pattern: &str, replacement: &str) -> String {
        // Patterns and replacements are fixed ASCII text written here, so
        // quoting them cannot fail.
        let p = string_lit(self.d, pattern).unwrap_or_default();
        let r = string_lit(self.d, replacement).unwrap_or_default();
        match self.d {
            Dialect::DuckDb | Dialect::Postgres => format!("regexp_replace({s}, {p}, {r}, 'g')"),
            Dialect::Snowflake | Dialect::BigQuery => format!("REGEXP_REPLACE({s}, {p}, {r})"),
        }
    }

    fn as_text(&self, x: &str) -> String {
        format!("CAST({x} AS {})", self.d.text())
    }

    /// The cell as text, trimmed when the ingest trims.
    fn trimmed(&self, x: &str) -> String {
        let t = self.as_text(x);
        if self.o.trim {
            self.regexp_replace_all(&t, r"^\s+|\s+$", "")
        } else {
            t
        }
    }

    /// `x` is missing, read as text: NULL or a missing token.
    fn missing_text(&self, x: &str) -> String {
        let tokens: Vec<String> = self
            .o
            .missing_tokens
            .iter()
            .filter_map(|t| string_lit(self.d, &t.to_ascii_lowercase()).ok())
            .collect();
        if tokens.is_empty() {
            format!("{x} IS NULL")
        } else {
            format!(
                "({x} IS NULL OR LOWER({}) IN ({}))",
                self.trimmed(x),
                tokens.join(", ")
            )
        }
    }

    /// `x` is missing, read as a number: NULL or NaN.
    fn missing_number(&self, x: &str) -> String {
        let nan = match self.d {
            Dialect::DuckDb => format!("isnan(CAST({x} AS DOUBLE))"),
            Dialect::Postgres => format!("{x} = CAST('NaN' AS DOUBLE PRECISION)"),
            Dialect::Snowflake => format!("{x} = CAST('NaN' AS DOUBLE)"),
            Dialect::BigQuery => format!("IS_NAN(CAST({x} AS FLOAT64))"),
        };
        format!("({x} IS NULL OR {nan})")
    }

    fn flag_word(&self, x: &str) -> String {
        format!("LOWER({})", self.trimmed(x))
    }

    fn word_list(&self, words: &[&str]) -> String {
        words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `x` is missing, read as a flag: NULL or not a flag word.
    fn missing_flag(&self, x: &str) -> String {
        let all: Vec<&str> = FLAG_TRUE.iter().chain(&FLAG_FALSE).copied().collect();
        format!(
            "({x} IS NULL OR {} NOT IN ({}))",
            self.flag_word(x),
            self.word_list(&all)
        )
    }

    fn missing(&self, column: &str, x: &str) -> String {
        match self.kinds.get(column) {
            Some(Kind::Numeric) => self.missing_number(x),
            Some(Kind::Flag) => self.missing_flag(x),
            _ => self.missing_text(x),
        }
    }

    /// A category as compared: trimmed, lower-cased when folding.
    fn category(&self, x: &str) -> String {
        let t = self.trimmed(x);
        if self.o.fold_case {
            format!("LOWER({t})")
        } else {
            t
        }
    }

    /// The tag string normalised to `;a;b;`: separators with the white space
    /// around them collapsed, so `; a ;b ` reads `;a;b;`.
    fn tag_haystack(&self, x: &str) -> String {
        let sep = self.o.tag_separator;
        let mut esc = String::new();
        if r".^$|?*+()[]{}\".contains(sep) {
            esc.push('\\');
        }
        esc.push(sep);
        let sep_lit = string_lit(self.d, &sep.to_string()).unwrap_or_default();
        let mut cell = self.as_text(x);
        if self.o.fold_case {
            cell = format!("LOWER({cell})");
        }
        let joined = format!("{sep_lit} || {cell} || {sep_lit}");
        self.regexp_replace_all(&joined, &format!(r"\s*{esc}\s*"), &sep.to_string())
    }

    fn contains(&self, haystack: &str, needle: &str) -> String {
        match self.d {
            Dialect::Snowflake => format!("CONTAINS({haystack}, {needle})"),
            _ => format!("strpos({haystack}, {needle}) > 0"),
        }
    }

    /// Whether `tag` can be a tag of the ingest at all: trimmed, non-empty,
    /// without the separator (and lower-case when folding).
    fn possible_tag(&self, tag: &str) -> bool {
        let folded = !self.o.fold_case || tag.to_lowercase() == tag;
        !tag.is_empty() && tag.trim() == tag && !tag.contains(self.o.tag_separator) && folded
    }

    fn tag_tests(&self, name: &str, x: &str, tags: &[String]) -> Result<Vec<Option<String>>> {
        let hay = self.tag_haystack(x);
        let sep = self.o.tag_separator;
        tags.iter()
            .map(|t| {
                if self.possible_tag(t) {
                    let needle = self.lit(Some(name), &format!("{sep}{t}{sep}"))?;
                    Ok(Some(self.contains(&hay, &needle)))
                } else {
                    // No cell can hold it: it matches nothing, as in icpfit.
                    Ok(None)
                }
            })
            .collect()
    }

    fn levels(&self, name: &str, levels: &[String]) -> Result<String> {
        Ok(levels
            .iter()
            .map(|l| self.lit(Some(name), l))
            .collect::<Result<Vec<_>>>()?
            .join(", "))
    }

    fn range(&self, x: &str, r: &Range) -> String {
        let mut parts = Vec::new();
        if let Some(m) = r.min {
            let op = if r.min_inclusive { ">=" } else { ">" };
            parts.push(format!("{x} {op} {}", number(self.d, m)));
        }
        if let Some(m) = r.max {
            let op = if r.max_inclusive { "<=" } else { "<" };
            parts.push(format!("{x} {op} {}", number(self.d, m)));
        }
        if parts.is_empty() {
            "TRUE".into()
        } else {
            parts.join(" AND ")
        }
    }

    /// The row is in scope (None: the ICP has no scope).
    fn in_scope(&self) -> Result<Option<String>> {
        let Some(s) = &self.icp().scope else {
            return Ok(None);
        };
        let x = ident(self.d, &s.column, self.o.quote_all)
            .map_err(|m| self.err(None, format!("scope: {m}")))?;
        let v = string_lit(self.d, &s.value).map_err(|m| self.err(None, format!("scope: {m}")))?;
        Ok(Some(format!(
            "(CASE WHEN {} THEN FALSE WHEN {} = {v} THEN TRUE ELSE FALSE END)",
            self.missing_text(&x),
            self.category(&x)
        )))
    }

    /// Each criterion's match as a non-NULL boolean expression.
    fn criterion_matches(&self) -> Result<Vec<String>> {
        self.icp()
            .criteria()
            .map(|(section, c)| {
                let x = self.column(&c.name, &c.column)?;
                let mm = sql_bool(missing_outcome(c.missing, section, c.points));
                let test = match &c.predicate {
                    Predicate::IsMissing(want) => {
                        let m = self.missing(&c.column, &x);
                        return Ok(if *want { m } else { format!("(NOT {m})") });
                    }
                    Predicate::Flag(want) => {
                        let w = self.flag_word(&x);
                        return Ok(format!(
                            "(CASE WHEN {w} IN ({}) THEN {} WHEN {w} IN ({}) THEN {} ELSE {mm} END)",
                            self.word_list(&FLAG_TRUE),
                            sql_bool(*want),
                            self.word_list(&FLAG_FALSE),
                            sql_bool(!*want),
                        ));
                    }
                    Predicate::Range(r) => self.range(&x, r),
                    Predicate::In(levels) => format!(
                        "{} IN ({})",
                        self.category(&x),
                        self.levels(&c.name, levels)?
                    ),
                    Predicate::NotIn(levels) => format!(
                        "{} NOT IN ({})",
                        self.category(&x),
                        self.levels(&c.name, levels)?
                    ),
                    Predicate::HasAny(tags) => {
                        let tests: Vec<String> = self
                            .tag_tests(&c.name, &x, tags)?
                            .into_iter()
                            .flatten()
                            .collect();
                        if tests.is_empty() {
                            "FALSE".into()
                        } else {
                            tests.join(" OR ")
                        }
                    }
                    Predicate::HasAll(tags) => {
                        let tests = self.tag_tests(&c.name, &x, tags)?;
                        if tests.iter().any(Option::is_none) {
                            "FALSE".into()
                        } else {
                            tests.into_iter().flatten().collect::<Vec<_>>().join(" AND ")
                        }
                    }
                };
                let missing = match &c.predicate {
                    Predicate::Range(_) => self.missing_number(&x),
                    _ => self.missing_text(&x),
                };
                Ok(format!(
                    "(CASE WHEN {missing} THEN {mm} WHEN {test} THEN TRUE ELSE FALSE END)"
                ))
            })
            .collect()
    }

    /// Points, gates and mask over `matches` (expressions or column names,
    /// criterion order). Points are summed in criterion order from 0.0 as
    /// DOUBLE, exactly as icpfit sums its f64.
    fn aggregates(&self, matches: &[String]) -> Aggregates {
        let mut points = format!("CAST(0 AS {})", self.d.double());
        let mut pass = Vec::new();
        let mut disq = Vec::new();
        let mut mask = format!("CAST(0 AS {})", self.d.bigint());
        for (bit, ((section, c), m)) in self.icp().criteria().zip(matches).enumerate() {
            if c.points != 0.0 {
                let _ = write!(
                    points,
                    " + CASE WHEN {m} THEN {} ELSE 0 END",
                    number(self.d, c.points)
                );
            }
            match section {
                Section::Primary => pass.push(m.clone()),
                Section::Negative => disq.push(m.clone()),
                Section::Secondary => {}
            }
            let _ = write!(mask, " + CASE WHEN {m} THEN {} ELSE 0 END", 1u64 << bit);
        }
        Aggregates {
            points,
            pass: if pass.is_empty() {
                "TRUE".into()
            } else {
                format!("({})", pass.join(" AND "))
            },
            disqualified: if disq.is_empty() {
                "FALSE".into()
            } else {
                format!("({})", disq.join(" OR "))
            },
            mask: self.o.mask.then_some(mask),
        }
    }

    /// [`Tiers::tier`](super::Tiers::tier) in SQL, over expressions of the
    /// points, the primary pass and the disqualification.
    fn tier(&self, points: &str, pass: &str, disqualified: &str) -> String {
        let t = &self.icp().tiers;
        let has_primary = !self.icp().primary.is_empty();
        let capped = |tier: Tier| -> String {
            let worst = tier.max(t.if_primary_fails);
            if worst == tier || !has_primary {
                format!("'{tier}'")
            } else {
                format!("CASE WHEN {pass} THEN '{tier}' ELSE '{worst}' END")
            }
        };
        format!(
            "CASE WHEN {disqualified} THEN 'D' WHEN {points} >= {} THEN {} WHEN {points} >= {} THEN {} WHEN {points} >= {} THEN {} ELSE 'D' END",
            number(self.d, t.a),
            capped(Tier::A),
            number(self.d, t.b),
            capped(Tier::B),
            number(self.d, t.c),
            capped(Tier::C),
        )
    }
}

fn sql_bool(b: bool) -> &'static str {
    if b { "TRUE" } else { "FALSE" }
}

/// A finite f64 as a typed DOUBLE literal the warehouse reads back exactly:
/// integers below 2^53 as themselves; other values with at most 15
/// significant digits in plain decimal (a decimal literal of ≤ 15 digits
/// converts to the nearest double even where the engine divides by a power
/// of ten); the rest in scientific notation, which every dialect parses as
/// a double directly (Rust prints the shortest text that round-trips).
pub(crate) fn number(d: Dialect, x: f64) -> String {
    format!("CAST({} AS {})", number_text(x), d.double())
}

fn number_text(x: f64) -> String {
    const EXACT_INT: f64 = 9_007_199_254_740_992.0; // 2^53
    if x.fract() == 0.0 && x.abs() < EXACT_INT {
        return format!("{}", x as i64);
    }
    let plain = format!("{x}");
    let significant = plain
        .chars()
        .filter(char::is_ascii_digit)
        .skip_while(|c| *c == '0')
        .count();
    let a = x.abs();
    if significant <= 15 && (1e-5..1e15).contains(&a) {
        plain
    } else {
        format!("{x:e}")
    }
}

/// Words reserved in at least one of the dialects (or likely to become so):
/// an identifier spelled like one is quoted.
const RESERVED: &[&str] = &[
    "all",
    "alter",
    "analyse",
    "analyze",
    "and",
    "anti",
    "any",
    "array",
    "as",
    "asc",
    "asof",
    "assert_rows_modified",
    "asymmetric",
    "at",
    "authorization",
    "between",
    "binary",
    "both",
    "by",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "connect",
    "connection",
    "constraint",
    "contains",
    "create",
    "cross",
    "cube",
    "current",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "database",
    "default",
    "deferrable",
    "define",
    "delete",
    "desc",
    "describe",
    "distinct",
    "do",
    "drop",
    "else",
    "end",
    "enum",
    "escape",
    "except",
    "exclude",
    "exists",
    "extract",
    "false",
    "fetch",
    "following",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "grouping",
    "groups",
    "hash",
    "having",
    "if",
    "ignore",
    "ilike",
    "in",
    "increment",
    "initially",
    "inner",
    "insert",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "lookup",
    "merge",
    "minus",
    "natural",
    "new",
    "no",
    "not",
    "notnull",
    "null",
    "nulls",
    "of",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "organization",
    "outer",
    "over",
    "overlaps",
    "partition",
    "pivot",
    "placing",
    "positional",
    "preceding",
    "primary",
    "proto",
    "qualify",
    "range",
    "recursive",
    "references",
    "regexp",
    "respect",
    "returning",
    "revoke",
    "right",
    "rlike",
    "rollup",
    "row",
    "rows",
    "sample",
    "select",
    "semi",
    "session_user",
    "set",
    "similar",
    "some",
    "start",
    "struct",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "treat",
    "trigger",
    "true",
    "try_cast",
    "unbounded",
    "union",
    "unique",
    "unnest",
    "unpivot",
    "update",
    "user",
    "using",
    "values",
    "variadic",
    "verbose",
    "when",
    "whenever",
    "where",
    "window",
    "with",
    "within",
];

/// A plain lower-case identifier that no dialect reserves.
fn is_plain(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z' | '_'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && RESERVED.binary_search(&s).is_err()
}

/// An identifier, bare when plain (and `quote_all` is off), else quoted for
/// the dialect.
pub(crate) fn ident(
    d: Dialect,
    name: &str,
    quote_all: bool,
) -> std::result::Result<String, String> {
    if name.is_empty() {
        return Err("an empty name cannot be a SQL identifier".into());
    }
    if name.contains('\0') {
        return Err(format!(
            "`{}` contains a NUL character, which SQL cannot hold",
            name.escape_debug()
        ));
    }
    if !quote_all && is_plain(name) {
        return Ok(name.to_owned());
    }
    Ok(match d {
        Dialect::BigQuery => format!("`{}`", backslash_escaped(name, '`')),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    })
}

/// A string literal for the dialect. Errors on NUL, which no SQL string holds.
pub(crate) fn string_lit(d: Dialect, s: &str) -> std::result::Result<String, String> {
    if s.contains('\0') {
        return Err(format!(
            "`{}` contains a NUL character, which SQL cannot hold",
            s.escape_debug()
        ));
    }
    Ok(match d {
        // Backslashes are plain characters here.
        Dialect::DuckDb => format!("'{}'", s.replace('\'', "''")),
        // Plain with standard_conforming_strings (the default); an escape
        // string E'…' when a backslash occurs, which reads the same under
        // either setting.
        Dialect::Postgres if s.contains('\\') => {
            format!("E'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
        }
        Dialect::Postgres => format!("'{}'", s.replace('\'', "''")),
        // Snowflake reads backslash escapes in single-quoted strings.
        Dialect::Snowflake => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''")),
        Dialect::BigQuery => format!("'{}'", backslash_escaped(s, '\'')),
    })
}

/// GoogleSQL escaping: backslash, the quote, and control characters (which
/// a single-quoted literal cannot hold raw).
fn backslash_escaped(s: &str, quote: char) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
