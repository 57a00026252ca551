//! The schema: per column its name, [`Kind`], [`Role`] and [`Dimension`].
//!
//! Roles and dimensions can be declared in a schema document (TOML or JSON,
//! see [`SchemaSpec`]) or are inferred from the column name with the defaults
//! of [`default_role`] and [`default_dimension`], which know the usual CRM
//! and customer-success export names.

use super::column::Kind;
use crate::error::{Error, Result, suggest};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a column is for in the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Identifies the account (unique; never analysed).
    Id,
    /// Describes the account: a candidate ICP criterion.
    Attribute,
    /// Something that happened (won/lost, churn, NRR, NPS...): a target, never a criterion.
    Outcome,
    /// Kept in the table, left out of the analysis.
    Ignore,
}

/// Which family of ICP criteria an attribute belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Industry, size, revenue, region, age.
    Firmographic,
    /// The tools the account runs.
    Technographic,
    /// How the account bought: source, product, use case, cycle, deal terms.
    Behavioral,
    /// Values, priorities, buying culture.
    Psychographic,
    /// Company or deal stage (funding, maturity).
    Stage,
    /// Anything else.
    Other,
}

impl Role {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Id => "id",
            Role::Attribute => "attribute",
            Role::Outcome => "outcome",
            Role::Ignore => "ignore",
        }
    }
}

impl Dimension {
    /// Stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Firmographic => "firmographic",
            Dimension::Technographic => "technographic",
            Dimension::Behavioral => "behavioral",
            Dimension::Psychographic => "psychographic",
            Dimension::Stage => "stage",
            Dimension::Other => "other",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One column's description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// Column name, as in the header.
    pub name: String,
    /// Type.
    pub kind: Kind,
    /// Role in the analysis.
    pub role: Role,
    /// ICP dimension.
    pub dimension: Dimension,
}

/// The fields of a table, in column order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Schema {
    fields: Vec<Field>,
}

impl Schema {
    pub(crate) fn new(fields: Vec<Field>) -> Self {
        Self { fields }
    }
    /// All fields.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }
    /// Number of columns.
    pub fn len(&self) -> usize {
        self.fields.len()
    }
    /// `true` when there are no columns.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
    /// Position of a column.
    pub fn index_of(&self, name: &str) -> Result<usize> {
        self.fields
            .iter()
            .position(|f| f.name == name)
            .ok_or_else(|| Error::UnknownColumn {
                name: name.to_owned(),
                suggestion: suggest(name, self.fields.iter().map(|f| f.name.as_str())),
            })
    }
    /// A field by name.
    pub fn field(&self, name: &str) -> Result<&Field> {
        Ok(&self.fields[self.index_of(name)?])
    }
    /// The fields with a given role.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(move |f| f.role == role)
    }
    /// The id column, if any.
    pub fn id_column(&self) -> Option<&Field> {
        self.with_role(Role::Id).next()
    }
    pub(crate) fn field_mut(&mut self, i: usize) -> &mut Field {
        &mut self.fields[i]
    }
}

/// What a user may declare about one column; anything left out is inferred.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// Column name, as in the header.
    pub name: String,
    /// Type (inferred from the values when absent).
    #[serde(default)]
    pub kind: Option<Kind>,
    /// Role (from the name when absent).
    #[serde(default)]
    pub role: Option<Role>,
    /// Dimension (from the name when absent).
    #[serde(default)]
    pub dimension: Option<Dimension>,
}

/// A schema document:
///
/// ```toml
/// [[columns]]
/// name = "employees"
/// kind = "numeric"
/// dimension = "firmographic"
///
/// [[columns]]
/// name = "owner_rep"
/// role = "ignore"
/// ```
///
/// Columns of the data that the document does not name are inferred, unless
/// `strict = true`, in which case they are an error (so are columns the
/// document names that the data lacks, always).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaSpec {
    /// The declared columns.
    #[serde(default)]
    pub columns: Vec<ColumnSpec>,
    /// Whether every column of the data must be declared.
    #[serde(default)]
    pub strict: bool,
}

impl SchemaSpec {
    /// Parses a TOML schema document; errors give line and column.
    pub fn from_toml(text: &str) -> Result<Self> {
        toml::from_str(text).map_err(|e| Error::Document {
            what: "schema TOML".into(),
            message: e.to_string(),
        })
    }
    /// Parses a JSON schema document; errors give line and column.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::Document {
            what: "schema JSON".into(),
            message: e.to_string(),
        })
    }
    /// Reads a `.toml` or `.json` schema file (by extension; TOML otherwise).
    pub fn from_path(path: impl AsRef<std::path::Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let parsed = if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            Self::from_json(&text)
        } else {
            Self::from_toml(&text)
        };
        parsed.map_err(|e| match e {
            Error::Document { message, .. } => Error::Document {
                what: format!("schema file `{}`", path.display()),
                message,
            },
            other => other,
        })
    }
    /// The declaration of a column, if any.
    pub fn get(&self, name: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.name == name)
    }
    /// Checks the document against a header: every declared column exists
    /// (with a suggestion), no column is declared twice, and in strict mode
    /// every header column is declared.
    pub fn check_against(&self, header: &[String]) -> Result<()> {
        for (i, c) in self.columns.iter().enumerate() {
            if self.columns[..i].iter().any(|d| d.name == c.name) {
                return Err(Error::InvalidSchema {
                    message: format!("column `{}` is declared twice", c.name),
                });
            }
            if !header.contains(&c.name) {
                return Err(Error::InvalidSchema {
                    message: format!(
                        "column `{}` is declared but not in the data{}",
                        c.name,
                        suggest(&c.name, header.iter().map(String::as_str))
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_default()
                    ),
                });
            }
        }
        if self.strict
            && let Some(h) = header.iter().find(|h| self.get(h).is_none())
        {
            return Err(Error::InvalidSchema {
                message: format!("column `{h}` is not declared and the schema is strict"),
            });
        }
        Ok(())
    }
}

fn normalized(name: &str) -> String {
    name.trim().to_lowercase().replace([' ', '-', '.'], "_")
}

/// Whether `name` is one of `words`, or starts with `word_` or ends with
/// `_word` (without building those strings: this runs for every column and
/// word on every call that reads a frame).
fn matches_any(name: &str, words: &[&str]) -> bool {
    words.iter().any(|w| {
        name == *w
            || name
                .strip_prefix(w)
                .is_some_and(|rest| rest.starts_with('_'))
            || name.strip_suffix(w).is_some_and(|rest| rest.ends_with('_'))
    })
}

/// Role from a column name: `id`, `account_id`, `*_id` of the account are
/// ids; outcomes are what happened after the sale or the deal's result
/// (outcome, stage result, won, loss reason, competitor, retention status,
/// churn, current ARR, NRR/GRR, NPS/CSAT, tickets, time to value, fit tag,
/// health); everything else is an attribute.
pub fn default_role(name: &str) -> Role {
    let n = normalized(name);
    if matches!(
        n.as_str(),
        "id" | "account_id" | "account" | "deal_id" | "opportunity_id" | "company_id"
    ) {
        return Role::Id;
    }
    const OUTCOMES: &[&str] = &[
        "outcome",
        "deal_outcome",
        "won",
        "is_won",
        "result",
        "loss_reason",
        "lost_reason",
        "competitor",
        "lost_to",
        "retention_status",
        "retention",
        "churned",
        "churn",
        "current_arr",
        "nrr",
        "grr",
        "expansion_ratio",
        "nps",
        "csat",
        "support_tickets",
        "tickets",
        "tickets_per_seat",
        "time_to_value_days",
        "time_to_first_value_days",
        "time_to_value",
        "fit_tag",
        "fit_tag_90d",
        "health",
        "health_score",
        "champion_changed",
        "adoption_90d",
        "close_date",
        "closed_at",
        // Known only for customers (won deals): as attributes they would leak the outcome.
        "start_arr",
        "starting_arr",
    ];
    if OUTCOMES.contains(&n.as_str()) {
        Role::Outcome
    } else {
        Role::Attribute
    }
}

/// Dimension from a column name (see the lists in the source; unknown names
/// are [`Dimension::Other`]).
pub fn default_dimension(name: &str) -> Dimension {
    let n = normalized(name);
    const FIRMO: &[&str] = &[
        "industry",
        "sub_industry",
        "subindustry",
        "vertical",
        "sector",
        "employees",
        "employee_count",
        "headcount",
        "seats",
        "revenue",
        "annual_revenue",
        "arr",
        "region",
        "country",
        "geo",
        "geography",
        "hq",
        "founded",
        "founded_year",
        "founding_year",
        "company_age",
        "ownership",
        "size",
        "segment",
        "cs_team_size",
    ];
    const TECHNO: &[&str] = &[
        "tech_stack",
        "techstack",
        "technologies",
        "stack",
        "crm",
        "tools",
        "integrations",
        "cloud",
        "data_warehouse",
    ];
    const BEHAV: &[&str] = &[
        "lead_source",
        "source",
        "channel",
        "product",
        "plan",
        "plan_tier",
        "package",
        "use_case",
        "cycle_days",
        "sales_cycle_days",
        "acv",
        "discount",
        "contract_length",
        "contract_months",
        "touchpoints",
        "ae",
        "owner",
        "rep",
        "owner_rep",
        "sales_rep",
    ];
    const PSYCHO: &[&str] = &[
        "priority",
        "priorities",
        "buying_culture",
        "risk_appetite",
        "persona",
        "values",
        "intent",
    ];
    const STAGE: &[&str] = &[
        "funding_stage",
        "funding",
        "stage",
        "company_stage",
        "maturity",
        "growth_stage",
    ];
    if FIRMO.iter().any(|w| n == *w) || matches_any(&n, &["employees", "revenue", "industry"]) {
        Dimension::Firmographic
    } else if TECHNO.iter().any(|w| n == *w) || matches_any(&n, &["tech", "stack"]) {
        Dimension::Technographic
    } else if BEHAV.iter().any(|w| n == *w) {
        Dimension::Behavioral
    } else if PSYCHO.iter().any(|w| n == *w) {
        Dimension::Psychographic
    } else if STAGE.iter().any(|w| n == *w) {
        Dimension::Stage
    } else {
        Dimension::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crm_names_get_sensible_defaults() {
        assert_eq!(default_role("account_id"), Role::Id);
        assert_eq!(default_role("Loss Reason"), Role::Outcome);
        assert_eq!(default_role("employees"), Role::Attribute);
        assert_eq!(default_dimension("employees"), Dimension::Firmographic);
        assert_eq!(default_dimension("tech_stack"), Dimension::Technographic);
        assert_eq!(default_dimension("lead_source"), Dimension::Behavioral);
        assert_eq!(default_dimension("funding_stage"), Dimension::Stage);
        assert_eq!(default_dimension("noise_1"), Dimension::Other);
    }

    proptest::proptest! {
        /// A name matches a word exactly, as `word_…` or as `…_word`: the
        /// definition, spelled with the strings it once built.
        #[test]
        fn names_match_words_as_defined(
            name in "[a-c_]{0,6}",
            words in proptest::collection::vec("[a-c_]{0,3}", 0..4),
        ) {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let defined = words.iter().any(|w| {
                name == *w || name.starts_with(&format!("{w}_")) || name.ends_with(&format!("_{w}"))
            });
            proptest::prop_assert_eq!(matches_any(&name, &words), defined);
        }
    }

    #[test]
    fn schema_documents_parse_and_fail_precisely() {
        let spec = SchemaSpec::from_toml(
            "[[columns]]\nname = \"employees\"\nkind = \"numeric\"\n\n[[columns]]\nname = \"rep\"\nrole = \"ignore\"\n",
        )
        .unwrap();
        assert_eq!(spec.get("rep").unwrap().role, Some(Role::Ignore));
        let json =
            SchemaSpec::from_json(r#"{"columns":[{"name":"x","kind":"flag"}],"strict":true}"#)
                .unwrap();
        assert!(json.strict);
        let err = SchemaSpec::from_toml("[[columns]]\nname = \"x\"\nkind = \"number\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("number"), "{err}");
        let err = SchemaSpec::from_json(r#"{"columns":[{"name":"x","colour":1}]}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("colour") && err.contains("line 1"), "{err}");
    }

    #[test]
    fn schema_checks_name_the_column() {
        let header: Vec<String> = ["employees", "industry"].map(String::from).to_vec();
        let spec = SchemaSpec {
            columns: vec![ColumnSpec {
                name: "employes".into(),
                ..Default::default()
            }],
            strict: false,
        };
        let err = spec.check_against(&header).unwrap_err().to_string();
        assert!(
            err.contains("`employes` is declared but not in the data; did you mean `employees`?"),
            "{err}"
        );
        let strict = SchemaSpec {
            columns: vec![ColumnSpec {
                name: "employees".into(),
                ..Default::default()
            }],
            strict: true,
        };
        assert!(
            strict
                .check_against(&header)
                .unwrap_err()
                .to_string()
                .contains("`industry` is not declared")
        );
    }
}
