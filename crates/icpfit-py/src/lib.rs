//! # icpfit-py
//!
//! The Python extension module `icpfit._icpfit`: converts, releases the GIL,
//! calls `icpfit-core`, converts back. No domain logic lives here.
//!
//! - [`table`]: `Table`, `Field`, `TableSummary`, `read_csv`;
//! - [`rank`]: `rank`, `Ranking`;
//! - [`review`]: `draft_icp`, `pressure_test` / `PressureTest`, `review` / `Review`;
//! - [`icp`]: `Icp` (documents, SQL export, validation, scoring);
//! - [`score`]: `FitScores`, `Reasons`, `score_many`, `instruction_set`;
//! - [`cohort`]: `quality`, `cohorts`, `profile`, `QualityScores`, `Cohort`, `Profile`;
//! - [`arrow_in`] / [`arrow_out`]: Arrow ↔ core columns, pure Rust;
//! - [`borrow_in`]: Arrow columns scored where they lie, pure Rust;
//! - [`error`]: the exception classes and the one mapping from core errors;
//! - [`names`]: kind / role / dimension names.
//!
//! Every entry point runs its work through [`error::guard`], so a Rust panic
//! becomes `icpfit.InternalError` instead of reaching Python.

pub mod arrow_in;
pub mod arrow_out;
pub mod borrow_in;
pub mod cohort;
pub mod error;
pub mod icp;
pub mod names;
mod numpy_in;
mod numpy_lent;
pub mod rank;
pub mod review;
pub mod score;
pub mod table;

use pyo3::prelude::*;

/// The native part of icpfit. Import `icpfit`, not this module.
#[pymodule]
fn _icpfit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<table::PyTable>()?;
    m.add_class::<table::PyField>()?;
    m.add_class::<table::PyTableSummary>()?;
    m.add_function(wrap_pyfunction!(table::read_csv, m)?)?;
    m.add_class::<rank::PyRanking>()?;
    m.add_function(wrap_pyfunction!(rank::rank, m)?)?;
    m.add_class::<icp::PyIcp>()?;
    m.add_class::<review::PyPressureTest>()?;
    m.add_class::<review::PyReview>()?;
    m.add_function(wrap_pyfunction!(review::draft_icp, m)?)?;
    m.add_function(wrap_pyfunction!(review::pressure_test, m)?)?;
    m.add_function(wrap_pyfunction!(review::review, m)?)?;
    m.add_class::<score::PyFitScores>()?;
    m.add_class::<score::PyReasons>()?;
    m.add_function(wrap_pyfunction!(score::score_many, m)?)?;
    m.add_function(wrap_pyfunction!(score::instruction_set, m)?)?;
    m.add_class::<cohort::PyQualityScores>()?;
    m.add_class::<cohort::PyCohort>()?;
    m.add_class::<cohort::PyProfile>()?;
    m.add_function(wrap_pyfunction!(cohort::quality, m)?)?;
    m.add_function(wrap_pyfunction!(cohort::cohorts, m)?)?;
    m.add_function(wrap_pyfunction!(cohort::profile, m)?)?;
    // A test hook, kept out of `__all__`.
    m.setattr(
        "_panic_for_tests",
        wrap_pyfunction!(table::_panic_for_tests, m)?,
    )?;
    error::register(m)?;
    Ok(())
}
