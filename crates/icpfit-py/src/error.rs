//! Exceptions and the one mapping from core errors to them.
//!
//! Every exception icpfit raises on purpose derives from `IcpfitError`, itself
//! a `ValueError`, so `except ValueError` keeps working for callers that do not
//! know icpfit. File-system failures are the built-in `OSError` subclasses
//! (`FileNotFoundError`, `PermissionError`, `IsADirectoryError`), because that
//! is what Python code already catches for "the file is not there".
//!
//! | exception | raised for |
//! |---|---|
//! | `ParseError` | text that cannot be read: malformed CSV, ragged rows, a value of the wrong type, an empty file, a malformed schema document |
//! | `SchemaError` | a schema that is invalid or contradicts the data, duplicate column names, an Arrow type icpfit cannot use |
//! | `ColumnError` | a column that does not exist (with a suggestion), is of the wrong kind, or has the wrong length; a table scored with a plan compiled for another schema |
//! | `DataError` | well-formed values that break a rule: duplicate ids, unknown outcome values, a one-class target, too much text |
//! | `InsufficientDataError` | too few rows for the statistic asked for |
//! | `IcpError` | an ICP that is malformed (no criteria, duplicate names, tiers out of order) or does not fit a table (unknown column or level, wrong kind, contradictory criteria) |
//! | `ArgumentError` | an argument outside its domain |
//! | `InternalError` | a bug: a Rust panic, caught before it reaches Python |
//!
//! `ColumnError` is deliberately *not* a `KeyError`: `KeyError` quotes its
//! message (`str(KeyError("x"))` is `"'x'"`), which would garble the precise
//! messages, and polars' `ColumnNotFoundError` made the same choice.

use icpfit_core::Error;
use pyo3::create_exception;
use pyo3::exceptions::{
    PyFileNotFoundError, PyIsADirectoryError, PyOSError, PyPermissionError, PyUserWarning,
    PyValueError,
};
use pyo3::prelude::*;
use std::any::Any;
use std::ffi::CString;
use std::panic::{AssertUnwindSafe, catch_unwind};

create_exception!(
    icpfit.exceptions,
    IcpfitError,
    PyValueError,
    "Base class of every error icpfit raises (a ``ValueError``)."
);
create_exception!(
    icpfit.exceptions,
    ParseError,
    IcpfitError,
    "Input text that cannot be read: malformed CSV, a ragged row, a value of the wrong type (with its line and column), an empty file, a malformed schema document."
);
create_exception!(
    icpfit.exceptions,
    SchemaError,
    IcpfitError,
    "A schema that is invalid or contradicts the data, duplicate column names, or an Arrow type icpfit cannot use."
);
create_exception!(
    icpfit.exceptions,
    ColumnError,
    IcpfitError,
    "A column that does not exist (the message suggests the closest name), is of the wrong kind, or has the wrong length. Not a ``KeyError``: see the module docs."
);
create_exception!(
    icpfit.exceptions,
    DataError,
    IcpfitError,
    "Well-formed values that break a rule: a duplicate id, an unknown outcome value, a target with one class, a column too large for the columnar layout."
);
create_exception!(
    icpfit.exceptions,
    InsufficientDataError,
    IcpfitError,
    "Too few rows (accounts) for the statistic asked for."
);
create_exception!(
    icpfit.exceptions,
    IcpError,
    IcpfitError,
    "An ICP that is malformed (no criteria, duplicate criterion names, infinite numbers, tiers out of order) or does not fit a table (unknown column, level or tag, predicate of the wrong kind, contradictory criteria); the message names the ICP and the criterion."
);
create_exception!(
    icpfit.exceptions,
    ArgumentError,
    IcpfitError,
    "An argument outside its domain."
);
create_exception!(
    icpfit.exceptions,
    InternalError,
    IcpfitError,
    "A bug in icpfit: a Rust panic caught at the boundary. Please report it with the message."
);
create_exception!(
    icpfit.exceptions,
    IcpfitWarning,
    PyUserWarning,
    "Something icpfit noticed that is not an error but must not go unsaid (e.g. a column whose every value is missing)."
);

/// Every failure of the binding: a core error, or one that only the binding
/// can meet (an Arrow type, a panic). Converted to a Python exception by the
/// one `From` impl below (a local type, for the orphan rule, as polars'
/// `PyPolarsErr`).
#[derive(Debug)]
pub enum PyIcpfitErr {
    /// An error of `icpfit_core`.
    Core(Error),
    /// An Arrow column whose type has no icpfit column kind.
    UnsupportedArrowType {
        /// The column.
        column: String,
        /// The Arrow data type, as Arrow prints it.
        data_type: String,
    },
    /// A Rust panic, caught.
    Panic(String),
}

impl From<Error> for PyIcpfitErr {
    fn from(e: Error) -> Self {
        Self::Core(e)
    }
}

/// The binding's result type.
pub type BindResult<T> = Result<T, PyIcpfitErr>;

impl std::fmt::Display for PyIcpfitErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Core(e) => e.fmt(f),
            Self::UnsupportedArrowType { column, data_type } => write!(
                f,
                "column `{column}` has Arrow type {data_type}, which icpfit cannot use; supported: \
                 integers and floats (numeric), bool (flag), strings and dictionary-encoded strings \
                 (categorical, or text for the id), lists of strings (tag set), \
                 date32, date64 and timestamp (date), null (all missing)"
            ),
            Self::Panic(m) => write!(f, "internal error (a bug in icpfit; please report it): {m}"),
        }
    }
}

impl From<PyIcpfitErr> for PyErr {
    fn from(err: PyIcpfitErr) -> PyErr {
        let msg = err.to_string();
        match err {
            PyIcpfitErr::Core(e) => core_to_py(e, msg),
            PyIcpfitErr::UnsupportedArrowType { .. } => SchemaError::new_err(msg),
            PyIcpfitErr::Panic(_) => InternalError::new_err(msg),
        }
    }
}

fn core_to_py(e: Error, msg: String) -> PyErr {
    match e {
        Error::Io { path, source } => io_error(path, &source),
        Error::EmptyInput { .. }
        | Error::Csv { .. }
        | Error::RaggedRow { .. }
        | Error::Parse { .. }
        | Error::Document { .. } => ParseError::new_err(msg),
        Error::DuplicateColumn { .. } | Error::InvalidSchema { .. } => SchemaError::new_err(msg),
        Error::UnknownColumn { .. }
        | Error::WrongKind { .. }
        | Error::LengthMismatch { .. }
        | Error::SchemaMismatch { .. } => ColumnError::new_err(msg),
        Error::DuplicateId { .. }
        | Error::UnknownValue { .. }
        | Error::OneClass { .. }
        | Error::Capacity { .. } => DataError::new_err(msg),
        Error::InsufficientData { .. } => InsufficientDataError::new_err(msg),
        Error::InvalidArgument { .. } => ArgumentError::new_err(msg),
        Error::InvalidIcp { .. } => IcpError::new_err(msg),
        // `Error` is `#[non_exhaustive]`: a variant added to the core lands
        // here until it is given its own class above.
        _ => IcpfitError::new_err(msg),
    }
}

/// `FileNotFoundError(errno, strerror, filename)` and friends, built the way
/// Python's own `open()` builds them, so `e.filename` and `e.errno` are set
/// and `str(e)` reads `[Errno 2] No such file or directory: 'deals.csv'`.
fn io_error(path: String, source: &std::io::Error) -> PyErr {
    let strerror = {
        let s = source.to_string();
        // Rust appends " (os error N)"; Python prints the number itself.
        match s.rfind(" (os error ") {
            Some(i) => s[..i].to_owned(),
            None => s,
        }
    };
    match source.raw_os_error() {
        Some(errno) => {
            let args = (errno, strerror, path);
            match source.kind() {
                std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(args),
                std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(args),
                std::io::ErrorKind::IsADirectory => PyIsADirectoryError::new_err(args),
                _ => PyOSError::new_err(args),
            }
        }
        None => PyOSError::new_err(format!("cannot read `{path}`: {strerror}")),
    }
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-text payload".to_owned()
    }
}

/// Runs `f`, turning a panic into [`PyIcpfitErr::Panic`]: no Rust panic
/// crosses into Python (where pyo3 would raise `PanicException`, a
/// `BaseException` that `except Exception` does not catch). Every entry point
/// runs its work through this.
pub fn guard<T>(f: impl FnOnce() -> BindResult<T>) -> BindResult<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(PyIcpfitErr::Panic(panic_message(p))))
}

/// Issues an `IcpfitWarning` at the caller's line.
pub fn warn(py: Python<'_>, message: &str) -> PyResult<()> {
    // ok: every NUL was just replaced.
    let message = CString::new(message.replace('\0', " ")).expect("NULs were replaced");
    PyErr::warn(py, &py.get_type::<IcpfitWarning>(), &message, 1)
}

/// Registers the exception classes on the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("IcpfitError", py.get_type::<IcpfitError>())?;
    m.add("ParseError", py.get_type::<ParseError>())?;
    m.add("SchemaError", py.get_type::<SchemaError>())?;
    m.add("ColumnError", py.get_type::<ColumnError>())?;
    m.add("DataError", py.get_type::<DataError>())?;
    m.add(
        "InsufficientDataError",
        py.get_type::<InsufficientDataError>(),
    )?;
    m.add("IcpError", py.get_type::<IcpError>())?;
    m.add("ArgumentError", py.get_type::<ArgumentError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    m.add("IcpfitWarning", py.get_type::<IcpfitWarning>())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_turns_panics_into_errors() {
        let r: BindResult<()> = guard(|| panic!("boom {}", 42));
        match r {
            Err(PyIcpfitErr::Panic(m)) => assert_eq!(m, "boom 42"),
            other => panic!("expected a caught panic, got {other:?}"),
        }
        assert!(matches!(guard(|| Ok(7)), Ok(7)));
    }

    #[test]
    fn messages_are_the_core_messages() {
        let e = PyIcpfitErr::from(Error::UnknownColumn {
            name: "employes".into(),
            suggestion: Some("employees".into()),
        });
        assert_eq!(
            e.to_string(),
            "no column named `employes`; did you mean `employees`?"
        );
        let e = PyIcpfitErr::UnsupportedArrowType {
            column: "blob".into(),
            data_type: "Binary".into(),
        };
        assert!(
            e.to_string()
                .starts_with("column `blob` has Arrow type Binary")
        );
    }
}
