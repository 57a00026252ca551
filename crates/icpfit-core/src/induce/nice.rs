//! Round thresholds found in data to numbers a person would write: 196.5
//! employees becomes 200, 2,034 becomes 2,000, 47.5 becomes 50.

/// Mantissas of "nice" numbers in each decade.
const LADDER: [f64; 11] = [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.5, 8.0, 10.0];

/// The nice number closest to `x` in relative terms: a mantissa of
/// [`LADDER`] times a power of ten (0 and non-finite values unchanged;
/// the sign is kept).
pub fn nice(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let sign = x.signum();
    let a = x.abs();
    let decade = 10f64.powf(a.log10().floor());
    let m = a / decade;
    let best = LADDER
        .iter()
        .copied()
        .min_by(|p, q| ((p - m).abs() / p).total_cmp(&((q - m).abs() / q)))
        .unwrap_or(1.0);
    // Round the product to 12 significant digits so 0.1 × 3 prints as 0.3.
    let v = best * decade;
    let scale = 10f64.powi(11 - v.log10().floor() as i32);
    sign * (v * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::nice;

    #[test]
    fn thresholds_become_round() {
        assert_eq!(nice(196.5), 200.0);
        assert_eq!(nice(2034.0), 2000.0);
        assert_eq!(nice(47.5), 50.0);
        assert_eq!(nice(71.0), 75.0);
        assert_eq!(nice(0.27), 0.25);
        assert_eq!(nice(0.31), 0.3);
        assert_eq!(nice(-1180.0), -1000.0);
        assert_eq!(nice(0.0), 0.0);
        assert!(nice(f64::NAN).is_nan());
    }
}
