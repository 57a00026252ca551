//! Statistics kernels (being written).
