//! Recycled result buffers.
//!
//! Scoring a million rows writes 18 MB of results. Fresh memory of that size
//! comes from the operating system as untouched pages, and the first write
//! to each 4 KiB page traps into the kernel to map and zero it: measured, a
//! third of the time of scoring a million rows on one thread (25.7 ms with
//! fresh arrays, 17.0 ms with reused ones). So the arrays of a dropped
//! [`FitScores`] go back to a small pool and the next scoring takes them
//! from there, already mapped — what a retaining allocator (jemalloc, which
//! polars ships) does for every allocation, done here for the few large
//! arrays that matter.
//!
//! The pool is bounded ([`MAX_BYTES`] in all, [`MAX_PER_KIND`] arrays of
//! each element type) and [`release_buffers`] empties it. Results never
//! depend on it: reused arrays are cleared (or fully overwritten) before
//! they are scored into.

use super::FitScores;
use std::sync::{Mutex, PoisonError};

/// Most bytes the pool keeps.
pub const MAX_BYTES: usize = 256 << 20;
/// Most arrays of one element type the pool keeps.
pub const MAX_PER_KIND: usize = 4;

#[derive(Default)]
struct Pool {
    f64s: Vec<Vec<f64>>,
    u64s: Vec<Vec<u64>>,
    u8s: Vec<Vec<u8>>,
    bytes: usize,
}

static POOL: Mutex<Pool> = Mutex::new(Pool {
    f64s: Vec::new(),
    u64s: Vec::new(),
    u8s: Vec::new(),
    bytes: 0,
});

fn with_pool<T>(f: impl FnOnce(&mut Pool) -> T) -> T {
    f(&mut POOL.lock().unwrap_or_else(PoisonError::into_inner))
}

/// The smallest kept array of capacity ≥ `n`, taken out of `kept`.
fn take_from<T>(kept: &mut Vec<Vec<T>>, bytes: &mut usize, n: usize) -> Option<Vec<T>> {
    let (k, _) = kept
        .iter()
        .enumerate()
        .filter(|(_, v)| v.capacity() >= n)
        .min_by_key(|(_, v)| v.capacity())?;
    let v = kept.swap_remove(k);
    *bytes -= v.capacity() * std::mem::size_of::<T>();
    Some(v)
}

fn give_to<T>(kept: &mut Vec<Vec<T>>, bytes: &mut usize, v: Vec<T>) {
    let size = v.capacity() * std::mem::size_of::<T>();
    // Small arrays are cheap to allocate: only large ones are worth keeping.
    if size < 1 << 20 || *bytes + size > MAX_BYTES {
        return;
    }
    if kept.len() >= MAX_PER_KIND {
        // Keep the largest ones: they serve every smaller request too.
        let Some((k, smallest)) = kept.iter().enumerate().min_by_key(|(_, v)| v.capacity()) else {
            return;
        };
        if smallest.capacity() >= v.capacity() {
            return;
        }
        *bytes -= smallest.capacity() * std::mem::size_of::<T>();
        kept.swap_remove(k);
    }
    *bytes += size;
    kept.push(v);
}

/// Result arrays of `n` rows and `words` bitset words per row; `reused`
/// says whether any came from the pool (their contents are then stale and
/// must be cleared or overwritten).
pub(crate) struct Arrays {
    pub points: Vec<f64>,
    pub tier: Vec<u8>,
    pub gates: Vec<u8>,
    pub matched: Vec<u64>,
    pub reused: bool,
}

/// Takes (or allocates, zeroed) the arrays for one scoring run.
pub(crate) fn take(n: usize, words: usize) -> Arrays {
    let (points, tier, gates, matched) = with_pool(|p| {
        let points = take_from(&mut p.f64s, &mut p.bytes, n);
        let tier = take_from(&mut p.u8s, &mut p.bytes, n);
        let gates = take_from(&mut p.u8s, &mut p.bytes, n);
        let matched = take_from(&mut p.u64s, &mut p.bytes, n * words);
        (points, tier, gates, matched)
    });
    let reused = points.is_some() || tier.is_some() || gates.is_some() || matched.is_some();
    fn sized<T: Copy + Default>(v: Option<Vec<T>>, n: usize) -> Vec<T> {
        match v {
            Some(mut v) => {
                // Stale contents are overwritten by the kernel; `resize`
                // only writes the part beyond the old length.
                v.resize(n, T::default());
                v.truncate(n);
                v
            }
            None => vec![T::default(); n],
        }
    }
    Arrays {
        points: sized(points, n),
        tier: sized(tier, n),
        gates: sized(gates, n),
        matched: sized(matched, n * words),
        reused,
    }
}

/// Gives the arrays of dropped scores back to the pool.
pub(crate) fn recycle(s: &mut FitScores) {
    let points = std::mem::take(&mut s.points);
    let tier = std::mem::take(&mut s.tier);
    let gates = std::mem::take(&mut s.gates);
    let matched = s.matched.take();
    if points.capacity() == 0 && tier.capacity() == 0 && matched.is_none() {
        return;
    }
    with_pool(|p| {
        give_to(&mut p.f64s, &mut p.bytes, points);
        give_to(&mut p.u8s, &mut p.bytes, tier);
        give_to(&mut p.u8s, &mut p.bytes, gates);
        if let Some(m) = matched {
            give_to(&mut p.u64s, &mut p.bytes, m);
        }
    });
}

/// Frees every array the pool keeps (see the [module docs](self)); returns
/// the bytes released.
pub fn release_buffers() -> usize {
    with_pool(|p| {
        let bytes = p.bytes;
        *p = Pool::default();
        bytes
    })
}

/// Bytes the pool keeps now.
pub fn pooled_bytes() -> usize {
    with_pool(|p| p.bytes)
}
