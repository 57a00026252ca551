//! The stable lower-case names of kinds, roles and dimensions, parsed back.
//!
//! The lists are checked against the enums by exhaustive matches in the
//! tests, so a variant added to the core fails to compile here until it is
//! listed.

use icpfit_core::Error;
use icpfit_core::table::{Dimension, Kind, Role};

/// Every kind.
pub const KINDS: [Kind; 6] = [
    Kind::Numeric,
    Kind::Categorical,
    Kind::Flag,
    Kind::TagSet,
    Kind::Date,
    Kind::Text,
];
/// Every role.
pub const ROLES: [Role; 4] = [Role::Id, Role::Attribute, Role::Outcome, Role::Ignore];
/// Every dimension.
pub const DIMENSIONS: [Dimension; 6] = [
    Dimension::Firmographic,
    Dimension::Technographic,
    Dimension::Behavioral,
    Dimension::Psychographic,
    Dimension::Stage,
    Dimension::Other,
];

fn parse<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    what: &str,
    column: &str,
    value: &str,
) -> Result<T, Error> {
    let v = value.trim().to_lowercase().replace([' ', '-'], "_");
    all.iter()
        .copied()
        .find(|&x| name(x) == v || (what == "kind" && v == "tagset" && name(x) == "tag_set"))
        .ok_or_else(|| Error::InvalidSchema {
            message: format!(
                "column `{column}`: unknown {what} `{value}`; expected one of {}",
                all.iter().map(|&x| name(x)).collect::<Vec<_>>().join(", ")
            ),
        })
}

/// A kind from its name (`numeric`, `categorical`, `flag`, `tag_set`, `date`, `text`).
pub fn kind(column: &str, value: &str) -> Result<Kind, Error> {
    parse(&KINDS, Kind::as_str, "kind", column, value)
}
/// A role from its name (`id`, `attribute`, `outcome`, `ignore`).
pub fn role(column: &str, value: &str) -> Result<Role, Error> {
    parse(&ROLES, Role::as_str, "role", column, value)
}
/// A dimension from its name.
pub fn dimension(column: &str, value: &str) -> Result<Dimension, Error> {
    parse(&DIMENSIONS, Dimension::as_str, "dimension", column, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Exhaustive matches: adding a variant to the core breaks these until the
    // lists above are updated.
    fn kind_index(k: Kind) -> usize {
        match k {
            Kind::Numeric => 0,
            Kind::Categorical => 1,
            Kind::Flag => 2,
            Kind::TagSet => 3,
            Kind::Date => 4,
            Kind::Text => 5,
        }
    }
    fn role_index(r: Role) -> usize {
        match r {
            Role::Id => 0,
            Role::Attribute => 1,
            Role::Outcome => 2,
            Role::Ignore => 3,
        }
    }
    fn dimension_index(d: Dimension) -> usize {
        match d {
            Dimension::Firmographic => 0,
            Dimension::Technographic => 1,
            Dimension::Behavioral => 2,
            Dimension::Psychographic => 3,
            Dimension::Stage => 4,
            Dimension::Other => 5,
        }
    }

    #[test]
    fn every_name_round_trips() {
        for (i, k) in KINDS.iter().enumerate() {
            assert_eq!(kind_index(*k), i);
            assert_eq!(kind("c", k.as_str()).unwrap(), *k);
        }
        for (i, r) in ROLES.iter().enumerate() {
            assert_eq!(role_index(*r), i);
            assert_eq!(role("c", r.as_str()).unwrap(), *r);
        }
        for (i, d) in DIMENSIONS.iter().enumerate() {
            assert_eq!(dimension_index(*d), i);
            assert_eq!(dimension("c", d.as_str()).unwrap(), *d);
        }
        assert_eq!(kind("c", "Tag-Set").unwrap(), Kind::TagSet);
        assert_eq!(kind("c", "tagset").unwrap(), Kind::TagSet);
    }

    #[test]
    fn unknown_names_list_the_accepted_ones() {
        let e = role("won", "target").unwrap_err().to_string();
        assert_eq!(
            e,
            "invalid schema: column `won`: unknown role `target`; expected one of id, attribute, outcome, ignore"
        );
    }
}
