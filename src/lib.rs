#![doc = include_str!("../README.md")]
//!
//! The facade crate: everything lives in [`icpfit_core`], re-exported here so
//! that a Rust service depends on `icpfit` alone.

pub use icpfit_core::*;
