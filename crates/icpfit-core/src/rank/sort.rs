//! LSD radix sort of f64 keys with a u32 payload: the one sort per numeric
//! column that the ranking reuses for quantile bins, Mann–Whitney, AUC and
//! KS. 8 passes of 8 bits, a pass skipped when every key shares its byte
//! (integer-valued columns skip most of them). Stable; NaN never reaches it.

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

/// Sorts `keys` ascending, permuting `payload` alongside. `scratch_*` are
/// reused buffers (resized here), so a caller sorting many columns
/// allocates once.
pub fn radix_sort_pairs(
    keys: &mut Vec<u64>,
    payload: &mut Vec<u32>,
    scratch_k: &mut Vec<u64>,
    scratch_p: &mut Vec<u32>,
) {
    let n = keys.len();
    debug_assert_eq!(n, payload.len());
    if n < 2 {
        return;
    }
    // All eight histograms in one read pass.
    let mut hist = [[0usize; 256]; 8];
    for &k in keys.iter() {
        for (d, h) in hist.iter_mut().enumerate() {
            h[((k >> (8 * d)) & 0xff) as usize] += 1;
        }
    }
    scratch_k.resize(n, 0);
    scratch_p.resize(n, 0);
    for (d, h) in hist.iter().enumerate() {
        if h.contains(&n) {
            continue; // every key has the same byte here
        }
        let mut offsets = [0usize; 256];
        let mut sum = 0;
        for (o, &c) in offsets.iter_mut().zip(h.iter()) {
            *o = sum;
            sum += c;
        }
        let shift = 8 * d;
        for i in 0..n {
            let k = keys[i];
            let b = ((k >> shift) & 0xff) as usize;
            let dst = offsets[b];
            offsets[b] += 1;
            scratch_k[dst] = k;
            scratch_p[dst] = payload[i];
        }
        std::mem::swap(keys, scratch_k);
        std::mem::swap(payload, scratch_p);
    }
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
        fn radix_equals_stable_std_sort(xs in prop::collection::vec(prop_oneof![
            -1e6f64..1e6, (0i32..20).prop_map(f64::from), Just(0.0), Just(-0.0)], 0..2000)) {
            let mut keys: Vec<u64> = xs.iter().map(|&x| order_key(x)).collect();
            let mut rows: Vec<u32> = (0..xs.len() as u32).collect();
            let (mut sk, mut sp) = (Vec::new(), Vec::new());
            radix_sort_pairs(&mut keys, &mut rows, &mut sk, &mut sp);
            let mut expected: Vec<u32> = (0..xs.len() as u32).collect();
            expected.sort_by(|&a, &b| xs[a as usize].partial_cmp(&xs[b as usize]).unwrap());
            prop_assert_eq!(rows, expected);
        }
    }
}
