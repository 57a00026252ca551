//! Deterministic synthetic CRM generator with a planted truth (being written).
