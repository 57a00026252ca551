//! The one error type of the core. Every variant says *where* (file, 1-based
//! line, column, criterion) and *what* (the offending value, what was
//! expected), so that a message read in a notebook or a service log is enough
//! to fix the input.

use std::fmt;

/// Result alias used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where a value came from: a file and a 1-based line, or a row of an
/// in-memory input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, when the input was read from one.
    pub path: Option<String>,
    /// 1-based line of a text input (the header is line 1), or 0-based row of
    /// an in-memory input when `is_row` is set.
    pub line: u64,
    /// `true` when `line` is a 0-based row index rather than a text line.
    pub is_row: bool,
}

impl Location {
    /// A 1-based line of a text input.
    pub fn line(path: Option<&str>, line: u64) -> Self {
        Self {
            path: path.map(str::to_owned),
            line,
            is_row: false,
        }
    }
    /// A 0-based row of an in-memory input.
    pub fn row(row: usize) -> Self {
        Self {
            path: None,
            line: row as u64,
            is_row: true,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.path {
            write!(f, "{p}: ")?;
        }
        if self.is_row {
            write!(f, "row {}", self.line)
        } else {
            write!(f, "line {}", self.line)
        }
    }
}

/// Everything that can go wrong in icpfit-core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened or read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
    /// The input has no header at all (an empty file).
    #[error("{what} is empty: expected a header line naming the columns")]
    EmptyInput {
        /// The file or input that was empty.
        what: String,
    },
    /// Malformed CSV (e.g. invalid UTF-8 or an unterminated quote).
    #[error("{at}: malformed CSV: {message}")]
    Csv {
        /// Where.
        at: Location,
        /// What the CSV reader said.
        message: String,
    },
    /// A row has more or fewer fields than the header.
    #[error("{at}: expected {expected} fields as in the header, found {found}")]
    RaggedRow {
        /// Where.
        at: Location,
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        found: usize,
    },
    /// Two columns share a name.
    #[error("column `{name}` appears more than once in the header")]
    DuplicateColumn {
        /// The repeated name.
        name: String,
    },
    /// Two rows share an account id.
    #[error("{at}, column `{column}`: duplicate id `{value}` (first seen at {first})")]
    DuplicateId {
        /// Where the second occurrence is.
        at: Location,
        /// The id column.
        column: String,
        /// The repeated id.
        value: String,
        /// Where the first occurrence is.
        first: Location,
    },
    /// A value that does not parse as the column's type.
    #[error("{at}, column `{column}`: expected {expected}, found `{value}`")]
    Parse {
        /// Where.
        at: Location,
        /// The column.
        column: String,
        /// The offending value, as written.
        value: String,
        /// What was expected ("a number", "a date YYYY-MM-DD", ...).
        expected: String,
    },
    /// A raw value that maps to none of an outcome's accepted values.
    #[error("{at}, column `{column}`: `{value}` is not a known {kind}; accepted: {}", accepted.join(", "))]
    UnknownValue {
        /// Where.
        at: Location,
        /// The column.
        column: String,
        /// What was being parsed ("deal outcome", "retention status", ...).
        kind: String,
        /// The offending value.
        value: String,
        /// The accepted spellings.
        accepted: Vec<String>,
    },
    /// A column name that the table does not have.
    #[error("no column named `{name}`{}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownColumn {
        /// The name asked for.
        name: String,
        /// The closest existing name, if any is close.
        suggestion: Option<String>,
    },
    /// A column used as a type it does not have.
    #[error("column `{column}` is {found}, expected {expected}")]
    WrongKind {
        /// The column.
        column: String,
        /// The kind the operation needs.
        expected: String,
        /// The column's kind.
        found: String,
    },
    /// Columns of different lengths, or a vector that does not match the table.
    #[error("`{what}` has {found} values, expected {expected}")]
    LengthMismatch {
        /// What was too long or short.
        what: String,
        /// The expected length.
        expected: usize,
        /// The actual length.
        found: usize,
    },
    /// A schema (file or value) that is malformed or contradicts the data.
    #[error("invalid schema: {message}")]
    InvalidSchema {
        /// What is wrong, naming the column.
        message: String,
    },
    /// A text document (JSON / TOML) that does not parse.
    #[error("{what}: {message}")]
    Document {
        /// The document ("schema file `s.toml`", "ICP JSON", ...).
        what: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// Too little data for the statistic asked for.
    #[error("{what}: needs at least {min}, got {n}")]
    InsufficientData {
        /// What could not be computed.
        what: String,
        /// How many there were.
        n: usize,
        /// How many are needed.
        min: usize,
    },
    /// A binary target whose rows all fall in one class.
    #[error("target `{target}` has only one class ({class}): nothing to separate")]
    OneClass {
        /// The target.
        target: String,
        /// The only class present.
        class: String,
    },
    /// An argument outside its domain.
    #[error("invalid `{name}`: {message}")]
    InvalidArgument {
        /// The argument.
        name: String,
        /// Why.
        message: String,
    },
    /// An ICP that is malformed or does not fit the table it is applied to.
    #[error("ICP `{icp}`{}: {message}", criterion.as_ref().map(|c| format!(", criterion `{c}`")).unwrap_or_default())]
    InvalidIcp {
        /// The ICP's name.
        icp: String,
        /// The criterion at fault, if one is.
        criterion: Option<String>,
        /// What is wrong and, where possible, how to fix it.
        message: String,
    },
    /// A table scored with a plan compiled for a schema it does not match:
    /// a column the plan needs is absent or of another kind.
    #[error(
        "ICP `{icp}`, criterion `{criterion}`: the scoring plan needs column `{column}` as {expected}, but the table {found}"
    )]
    SchemaMismatch {
        /// The ICP's name.
        icp: String,
        /// The criterion (or `scope`) that needs the column.
        criterion: String,
        /// The column.
        column: String,
        /// The kind the plan was compiled for.
        expected: String,
        /// What the table has instead ("has no such column", "has it as categorical").
        found: String,
    },
    /// A value too large for the columnar layout (e.g. > 4 GiB of text in one column).
    #[error("column `{column}`: {message}")]
    Capacity {
        /// The column.
        column: String,
        /// What overflowed.
        message: String,
    },
}

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidArgument {
            name: name.into(),
            message: message.into(),
        }
    }
}

/// The candidate closest to `name` by edit distance, if it is close enough to
/// be a plausible typo (distance at most a third of the name's length, min 2).
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lname = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (levenshtein(&lname, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_owned())
}

/// Levenshtein edit distance over chars (small strings only; not a hot path).
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_only() {
        let cols = ["industry", "employees", "sector"];
        assert_eq!(suggest("employes", cols).as_deref(), Some("employees"));
        assert_eq!(suggest("Industry", cols).as_deref(), Some("industry"));
        assert_eq!(suggest("revenue", cols), None);
    }

    #[test]
    fn messages_say_where_and_what() {
        let e = Error::Parse {
            at: Location::line(Some("deals.csv"), 17),
            column: "employees".into(),
            value: "12k".into(),
            expected: "a number".into(),
        };
        assert_eq!(
            e.to_string(),
            "deals.csv: line 17, column `employees`: expected a number, found `12k`"
        );
        let e = Error::UnknownColumn {
            name: "employes".into(),
            suggestion: Some("employees".into()),
        };
        assert_eq!(
            e.to_string(),
            "no column named `employes`; did you mean `employees`?"
        );
    }
}
