//! # icpfit-core (skeleton)
#![warn(missing_docs)]

pub mod error;
pub mod evidence;
pub mod stats;

pub use error::{Error, Result};
pub use evidence::EvidenceLevel;
