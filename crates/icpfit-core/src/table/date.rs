//! ISO calendar dates as days since 1970-01-01 (proleptic Gregorian), the
//! algorithm of H. Hinnant's `days_from_civil`. Hand-written because it is
//! ten lines and pulling a date crate for it would dwarf the use.

/// Parses `YYYY-MM-DD` (a trailing `THH:MM:SS…` time part is accepted and
/// ignored). `None` when not a valid calendar date.
pub fn parse_iso(s: &str) -> Option<i32> {
    let date = s.split_once(['T', ' ']).map_or(s, |(d, _)| d);
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = date[0..4].parse().ok()?;
    let m: u32 = date[5..7].parse().ok()?;
    let d: u32 = date[8..10].parse().ok()?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a valid date.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

/// The (year, month, day) of a day number.
pub fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `YYYY-MM-DD` of a day number.
pub fn format_iso(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Calendar quarter label (`2025-Q3`) of a day number.
pub fn quarter_label(days: i32) -> String {
    let (y, m, _) = civil_from_days(days);
    format!("{y}-Q{}", (m - 1) / 3 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(parse_iso("1970-01-01"), Some(0));
        assert_eq!(parse_iso("2000-03-01"), Some(11_017));
        assert_eq!(parse_iso("2024-02-29T10:00:00Z"), Some(19_782));
        assert_eq!(parse_iso("2023-02-29"), None);
        assert_eq!(parse_iso("2023-13-01"), None);
        assert_eq!(parse_iso("01/02/2023"), None);
        assert_eq!(quarter_label(19_782), "2024-Q1");
    }

    #[test]
    fn round_trip_over_centuries() {
        for z in (-200_000..200_000).step_by(37) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
            assert_eq!(parse_iso(&format_iso(z)), Some(z));
        }
    }
}
