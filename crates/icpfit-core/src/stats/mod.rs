//! Statistics kernels (being written).
pub mod binning;
