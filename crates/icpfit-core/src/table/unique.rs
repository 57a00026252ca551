//! The unique-id check: the first id that repeats, found in parallel.
//!
//! One hash table of a million ids is a million cache misses. Instead each
//! id is hashed once (in parallel), rows are bucketed by the hash's top
//! bits, and each bucket — small enough to stay in cache — is checked on its
//! own thread. Buckets keep row order, so each finds its earliest repeat;
//! the earliest over all buckets is the error, exactly the one a single
//! pass in row order would report.

use super::{AccountTable, Column};
use crate::error::{Error, Location, Result};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// Number of buckets (a power of two), by the top bits of the hash.
const BUCKET_BITS: u32 = 8;

/// A string with its hash already computed: hashing it again only passes
/// the number on.
struct Prehashed<'a> {
    hash: u64,
    value: &'a [u8],
}

impl Hash for Prehashed<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}
impl PartialEq for Prehashed<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.value == other.value
    }
}
impl Eq for Prehashed<'_> {}

/// Passes a `u64` through unchanged.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else in, to stay correct.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The first repeated id as [`Error::DuplicateId`], located by `at(row)`.
pub(crate) fn check_unique_ids(table: &AccountTable, at: &dyn Fn(usize) -> Location) -> Result<()> {
    let Some(field) = table.schema().id_column() else {
        return Ok(());
    };
    let col = table.column(&field.name)?;
    let n = table.n_rows();
    // Ids as text: borrowed from a text column, displayed otherwise.
    let shown: Vec<Option<String>> = match col {
        Column::Text(_) => Vec::new(),
        _ => (0..n)
            .into_par_iter()
            .map(|i| col.display_value(i))
            .collect(),
    };
    let value = |i: usize| -> Option<&[u8]> {
        match col {
            Column::Text(t) => t.valid().get(i).then(|| t.bytes_of(i)),
            _ => shown[i].as_deref().map(str::as_bytes),
        }
    };
    let hashes: Vec<u64> = (0..n)
        .into_par_iter()
        .map(|i| {
            value(i).map_or(0, |v| {
                let mut h = rustc_hash::FxHasher::default();
                h.write(v);
                h.finish()
            })
        })
        .collect();
    // Rows by bucket, in row order within each bucket (a counting sort).
    let bucket = |h: u64| (h >> (64 - BUCKET_BITS)) as usize;
    let mut starts = vec![0usize; (1 << BUCKET_BITS) + 1];
    for (i, &h) in hashes.iter().enumerate() {
        if !col.is_missing(i) {
            starts[bucket(h) + 1] += 1;
        }
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    let mut next = starts.clone();
    let mut keyed = vec![(0u64, 0usize); starts[starts.len() - 1]];
    for (i, &h) in hashes.iter().enumerate() {
        if !col.is_missing(i) {
            let b = bucket(h);
            keyed[next[b]] = (h, i);
            next[b] += 1;
        }
    }
    let first_repeat = starts
        .par_windows(2)
        .filter_map(|w| earliest_repeat(&keyed[w[0]..w[1]], &value))
        .min();
    match first_repeat {
        Some((i, first)) => Err(Error::DuplicateId {
            at: at(i),
            column: field.name.clone(),
            value: String::from_utf8_lossy(value(i).unwrap_or_default()).into_owned(),
            first: at(first),
        }),
        None => Ok(()),
    }
}

/// The earliest repeat `(row, first row)` among `(hash, row)` pairs in row
/// order. Values are read only when two hashes agree: a repeat, or (once in
/// billions) a collision, after which the values themselves decide.
fn earliest_repeat<'v>(
    keyed: &[(u64, usize)],
    value: &dyn Fn(usize) -> Option<&'v [u8]>,
) -> Option<(usize, usize)> {
    let mut seen: HashMap<u64, usize, BuildHasherDefault<PassThrough>> =
        HashMap::with_capacity_and_hasher(keyed.len(), Default::default());
    for &(hash, i) in keyed {
        if let Some(&first) = seen.get(&hash) {
            if value(i) == value(first) {
                return Some((i, first));
            }
            return earliest_repeat_by_value(keyed, value);
        }
        seen.insert(hash, i);
    }
    None
}

/// [`earliest_repeat`] keyed by the values, for a bucket with a collision.
fn earliest_repeat_by_value<'v>(
    keyed: &[(u64, usize)],
    value: &dyn Fn(usize) -> Option<&'v [u8]>,
) -> Option<(usize, usize)> {
    let mut seen: HashMap<Prehashed<'v>, usize, BuildHasherDefault<PassThrough>> =
        HashMap::with_capacity_and_hasher(keyed.len(), Default::default());
    keyed.iter().find_map(|&(hash, i)| {
        let key = Prehashed {
            hash,
            value: value(i).unwrap_or_default(),
        };
        seen.insert(key, i).map(|first| (i, first))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two different ids given the same hash (as a collision would) are not
    /// a repeat; a true repeat after them still is.
    #[test]
    fn a_hash_collision_is_decided_by_the_values() {
        let values: Vec<&[u8]> = vec![b"a", b"b", b"c", b"b"];
        let value = |i: usize| Some(values[i]);
        let keyed = [(7, 0), (7, 1), (9, 2), (7, 3)];
        assert_eq!(earliest_repeat(&keyed, &value), Some((3, 1)));
        assert_eq!(earliest_repeat(&keyed[..3], &value), None);
    }
}
