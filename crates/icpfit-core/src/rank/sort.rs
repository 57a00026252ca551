//! Order-preserving u64 keys for f64 values: sorting the integer keys with
//! the standard library's unstable sort (ipnsort) is several times faster
//! than comparing floats, and measured faster here than a hand-written LSD
//! radix sort, which this module therefore does not have.

/// Maps an f64 to a u64 whose unsigned order is the numeric order
/// (-0.0 and 0.0 map to the same key, so they tie as they compare).
#[inline]
pub fn order_key(x: f64) -> u64 {
    let x = if x == 0.0 { 0.0 } else { x };
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Inverse of [`order_key`].
#[inline]
pub fn from_order_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// Merges two ascending key arrays (positives, negatives) into the pooled
/// ascending values and their labels (`true` = positive). Stable: at equal
/// values positives come first; the rank kernels only look at tie runs, so
/// the order inside a run does not matter.
pub fn merge_labeled(pos: &[u64], neg: &[u64]) -> (Vec<f64>, Vec<bool>) {
    let n = pos.len() + neg.len();
    let mut values = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    let (mut i, mut j) = (0, 0);
    while i < pos.len() && j < neg.len() {
        if pos[i] <= neg[j] {
            values.push(from_order_key(pos[i]));
            labels.push(true);
            i += 1;
        } else {
            values.push(from_order_key(neg[j]));
            labels.push(false);
            j += 1;
        }
    }
    for &k in &pos[i..] {
        values.push(from_order_key(k));
        labels.push(true);
    }
    for &k in &neg[j..] {
        values.push(from_order_key(k));
        labels.push(false);
    }
    (values, labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys_order_like_floats() {
        let xs = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -0.0,
            0.0,
            1e-300,
            3.0,
            f64::INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(order_key(w[0]) <= order_key(w[1]), "{w:?}");
        }
        assert_eq!(order_key(-0.0), order_key(0.0));
        for x in xs {
            assert_eq!(from_order_key(order_key(x)), if x == 0.0 { 0.0 } else { x });
        }
    }

    proptest! {
        #[test]
        fn merge_of_sorted_keys_is_the_sorted_pool(
            pos in prop::collection::vec(prop_oneof![-1e6f64..1e6, (0i32..20).prop_map(f64::from)], 0..500),
            neg in prop::collection::vec(prop_oneof![-1e6f64..1e6, (0i32..20).prop_map(f64::from)], 0..500),
        ) {
            let mut pk: Vec<u64> = pos.iter().map(|&x| order_key(x)).collect();
            let mut nk: Vec<u64> = neg.iter().map(|&x| order_key(x)).collect();
            pk.sort_unstable();
            nk.sort_unstable();
            let (values, labels) = merge_labeled(&pk, &nk);
            let mut expected: Vec<f64> = pos.iter().chain(&neg).copied().collect();
            expected.sort_by(f64::total_cmp);
            prop_assert_eq!(&values, &expected);
            prop_assert_eq!(labels.iter().filter(|&&l| l).count(), pos.len());
        }
    }
}
