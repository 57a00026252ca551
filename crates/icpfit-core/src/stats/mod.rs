//! Statistics kernels (being written).
pub mod binning;
pub mod woe;
