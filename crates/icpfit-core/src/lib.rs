//! # icpfit-core
//!
//! All domain logic of icpfit, with no Python and no Arrow: a columnar
//! [`table::AccountTable`] of deals and customers, typed [`outcome`]s, a
//! deterministic synthetic CRM generator with a planted truth ([`synth`]),
//! the statistics kernels ([`stats`]) and the predictor ranking ([`rank`]).
//! The customer-success loop of the quarterly review: 90-day fit tags, flags
//! and the watch list ([`signals`]), retention economics and the NRR cost of
//! bad fit ([`retention`]), seed 002's ICP symptoms ([`symptoms`]) and
//! pipeline drift and ICP conformance ([`drift`]).
//!
//! ```
//! use icpfit_core::table::{AccountTable, CsvOptions};
//!
//! let csv = "account_id,industry,employees,outcome\n\
//!            a1,fintech,120,won\n\
//!            a2,retail,35,lost\n";
//! let table = AccountTable::from_csv_reader(csv.as_bytes(), &CsvOptions::default())?;
//! assert_eq!(table.n_rows(), 2);
//! assert_eq!(table.numeric("employees")?, &[120.0, 35.0]);
//! # Ok::<(), icpfit_core::Error>(())
//! ```
#![warn(missing_docs)]

pub mod cohort;
pub mod drift;
pub mod error;
pub mod evaluate;
pub mod evidence;
pub mod icp;
pub mod induce;
pub mod losses;
pub mod outcome;
pub mod profile;
pub mod quality;
pub mod rank;
pub mod retention;
pub mod review;
pub mod score;
pub mod signals;
pub mod stats;
pub mod symptoms;
pub mod synth;
pub mod table;
pub mod themes;

pub use error::{Error, Result};
pub use evidence::EvidenceLevel;
pub use table::{AccountTable, Column, CsvOptions, Schema};
