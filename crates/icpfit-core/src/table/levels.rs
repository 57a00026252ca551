//! Category strings → dense codes, with levels in sorted order.
//!
//! Every reader (CSV, Arrow, records) interns categories and tags the same
//! way: codes in first-seen order while scanning (one hash lookup per cell),
//! then renumbered so that levels are sorted and therefore independent of
//! row order or of an Arrow dictionary's layout.

use std::borrow::Cow;

use super::MISSING_CODE;

/// Interns strings; [`Interner::finish`] gives the sorted levels and the
/// first-seen → sorted code map.
#[derive(Debug, Default)]
pub struct Interner<'a> {
    // FxHash: several times faster than SipHash on short category strings,
    // and the keys are the user's own data (no untrusted-collision concern).
    index: rustc_hash::FxHashMap<Cow<'a, str>, u32>,
    levels: Vec<Cow<'a, str>>,
}

impl<'a> Interner<'a> {
    /// The code of `s`, in first-seen order.
    #[inline]
    pub fn code(&mut self, s: impl Into<Cow<'a, str>>) -> u32 {
        let s = s.into();
        if let Some(&c) = self.index.get(&s) {
            return c;
        }
        let c = self.levels.len() as u32;
        self.index.insert(s.clone(), c);
        self.levels.push(s);
        c
    }
    /// Number of distinct strings seen.
    pub fn len(&self) -> usize {
        self.levels.len()
    }
    /// `true` before the first string.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }
    /// Sorted levels and the first-seen → sorted code map.
    pub fn finish(self) -> (Vec<String>, Vec<u32>) {
        let mut order: Vec<u32> = (0..self.levels.len() as u32).collect();
        order.sort_by(|&a, &b| self.levels[a as usize].cmp(&self.levels[b as usize]));
        let mut remap = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        let levels = order
            .iter()
            .map(|&o| self.levels[o as usize].to_string())
            .collect();
        (levels, remap)
    }
}

/// Renumbers first-seen codes with the map of [`Interner::finish`];
/// [`MISSING_CODE`] stays missing.
pub fn remap_codes(codes: &mut [u32], remap: &[u32]) {
    for c in codes.iter_mut().filter(|c| **c != MISSING_CODE) {
        *c = remap[*c as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_sorted_whatever_the_order_seen() {
        let mut i = Interner::default();
        let mut codes: Vec<u32> = ["retail", "fintech", "retail", "edu"]
            .into_iter()
            .map(|s| i.code(s))
            .collect();
        codes.push(MISSING_CODE);
        assert_eq!(codes, [0, 1, 0, 2, MISSING_CODE]);
        let (levels, remap) = i.finish();
        assert_eq!(levels, ["edu", "fintech", "retail"]);
        remap_codes(&mut codes, &remap);
        assert_eq!(codes, [2, 1, 2, 0, MISSING_CODE]);
    }

    #[test]
    fn owned_and_borrowed_strings_are_one_level() {
        let mut i = Interner::default();
        let a = i.code("saas");
        let b = i.code(String::from("saas"));
        assert_eq!((a, b, i.len()), (0, 0, 1));
    }
}
