//! Statistics kernels (being written).
pub mod binning;
pub mod logistic;
pub mod woe;
