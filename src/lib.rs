pub use icpfit_core::*;
