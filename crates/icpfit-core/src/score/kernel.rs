//! The hot loop of single-ICP scoring: criterion at a time over blocks of
//! rows, columnar, branch-light, allocation-free per row.
//!
//! The table is cut into fixed-size *chunks* (the unit of parallelism: one
//! rayon task each, so the result cannot depend on the thread count). Within
//! a chunk every criterion streams its column over the chunk's *byte plane*
//! (one byte per row holding the bits of eight criteria: 64 KiB for 64 Ki
//! rows, in L2), OR-ing in its bit; the planes are then packed into each
//! row's matched words. Long runs per column matter more than L1 residency: the scoring is bound
//! by memory bandwidth, and the hardware prefetchers keep up with one long
//! sequential stream at a time far better than with twenty short ones
//! (measured: 1 Ki-row blocks reach ~40 % of a streaming read, 64 Ki-row
//! blocks ~65 %, single-threaded).
//!
//! Points are then read off the planes: when the ICP's points are exactly
//! summable (integers, halves…: see [`exactly_summable`]) by per-byte tables
//! of partial sums indexed by the planes, otherwise each criterion also adds its points (`+ p` or
//! `+ 0`) in criterion order. Either way the sum is bit-identical to the
//! scalar definition in [`crate::icp::bind`].
//!
//! Ranges are normalised to closed intervals `lo ≤ x ≤ hi` (an open end is
//! moved to the next representable float, an absent one to ±∞), so one
//! vectorisable loop covers every range; a category test is a table lookup
//! per key (up to 63 levels a 64-word table of the criterion's pre-shifted
//! bit, built per block from a u64 set; larger dictionaries a table per
//! level), flags too; tags are a word-wise AND with the criterion's mask.
//!
//! The chunk loop is compiled for the baseline, AVX2 and AVX-512 and picked
//! at run time ([`super::isa`]).

use super::borrowed::{BorrowedColumn, Key, KeyPiece, Keys, Piece, Validity, with_keys};
use super::isa::{Isa, dispatch_by_isa};
use super::scores::{GATE_DISQUALIFIED, GATE_PRIMARY, OUT_OF_SCOPE};
use crate::error::{Error, Result};
use crate::icp::{BoundCriterion, BoundIcp, Range, Section, Test, Tiers};
use crate::table::{Bitmap, Column, DATE_MISSING, FLAG_MISSING, MISSING_CODE};
use rayon::prelude::*;

/// Rows per parallel task. Fixed, so that the work split, and therefore the
/// result, is the same whatever the thread count; 16 tasks for a million rows.
pub(crate) const CHUNK: usize = 1 << 16;
/// Rows per inner block: the whole chunk (see the module docs).
pub(crate) const BLOCK: usize = 1 << 16;

/// Chunk and block sizes and the instruction-set level (tests shrink the
/// sizes to exercise the boundaries on small tables and run every level;
/// the results depend on none of them).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
    pub chunk: usize,
    pub block: usize,
    pub isa: Isa,
}

impl Geometry {
    pub(crate) const DEFAULT: Geometry = Geometry {
        chunk: CHUNK,
        block: BLOCK,
        isa: Isa::Auto,
    };
    /// The many-candidate engine walks blocks of 4 Ki rows, candidate after
    /// candidate, so the block's one-byte codes (80 KiB for 20 columns) are
    /// read from memory once and from L2 by every candidate.
    pub(crate) const CODED: Geometry = Geometry {
        chunk: 1 << 14,
        block: 1 << 12,
        isa: Isa::Auto,
    };
}

/// A range as the closed interval `[lo, hi]` that holds exactly the same
/// non-missing values: `x > m` is `x ≥ next_up(m)`, `x < m` is
/// `x ≤ next_down(m)`, an absent bound is ±∞.
pub(crate) fn closed_bounds(r: &Range) -> (f64, f64) {
    let lo = match r.min {
        None => f64::NEG_INFINITY,
        Some(m) if r.min_inclusive => m,
        Some(m) => m.next_up(),
    };
    let hi = match r.max {
        None => f64::INFINITY,
        Some(m) if r.max_inclusive => m,
        Some(m) => m.next_down(),
    };
    (lo, hi)
}

/// The result arrays of a scoring run.
pub(crate) struct Output {
    pub points: Vec<f64>,
    pub tier: Vec<u8>,
    pub gates: Vec<u8>,
    pub matched: Vec<u64>,
}

/// What every engine needs to turn points and bitsets into tiers and gates.
#[derive(Debug, Clone)]
pub(crate) struct Gates {
    /// u64 words of matched bits per row.
    pub words: usize,
    /// Bits of the primary criteria, per word.
    pub primary: Vec<u64>,
    /// Bits of the negative criteria, per word.
    pub negative: Vec<u64>,
    /// Tier thresholds.
    pub tiers: Tiers,
}

impl Gates {
    pub(crate) fn new(bound: &BoundIcp, tiers: &Tiers) -> Self {
        let words = bound.criteria.len().div_ceil(64).max(1);
        let mut primary = vec![0u64; words];
        let mut negative = vec![0u64; words];
        for c in &bound.criteria {
            let (w, b) = (c.bit / 64, 1u64 << (c.bit % 64));
            match c.section {
                Section::Primary => primary[w] |= b,
                Section::Negative => negative[w] |= b,
                Section::Secondary => {}
            }
        }
        Self {
            words,
            primary,
            negative,
            tiers: tiers.clone(),
        }
    }

    /// Tiers and gates of a block from its points and row-major bitsets;
    /// rows outside the scope are reset (no points, no matches, no tier).
    /// Equal to [`Tiers::tier`] row by row, written without branches:
    /// `3 − [p ≥ c] − [p ≥ b] − [p ≥ a]` (thresholds are ordered), then the
    /// primary cap, then D when disqualified.
    #[inline(always)]
    pub(crate) fn finish(
        &self,
        points: &mut [f64],
        bits: &mut [u64],
        tier: &mut [u8],
        gates: &mut [u8],
        in_scope: Option<&[bool]>,
    ) {
        let t = &self.tiers;
        let cap = t.if_primary_fails.index() as u8;
        let by_points = |p: f64| 3 - u8::from(p >= t.c) - u8::from(p >= t.b) - u8::from(p >= t.a);
        if self.words == 1 {
            let (pm, nm) = (self.primary[0], self.negative[0]);
            for (((p, b), t), g) in points
                .iter()
                .zip(bits.iter())
                .zip(tier.iter_mut())
                .zip(gates.iter_mut())
            {
                let pass = *b & pm == pm;
                let dq = *b & nm != 0;
                let mut k = by_points(*p);
                if !pass {
                    k = k.max(cap);
                }
                *t = if dq { 3 } else { k };
                *g = (u8::from(pass) * GATE_PRIMARY) | (u8::from(dq) * GATE_DISQUALIFIED);
            }
        } else {
            let w = self.words;
            for (i, ((p, t), g)) in points
                .iter()
                .zip(tier.iter_mut())
                .zip(gates.iter_mut())
                .enumerate()
            {
                let row = &bits[i * w..(i + 1) * w];
                let pass = row.iter().zip(&self.primary).all(|(b, m)| b & m == *m);
                let dq = row.iter().zip(&self.negative).any(|(b, m)| b & m != 0);
                let mut k = by_points(*p);
                if !pass {
                    k = k.max(cap);
                }
                *t = if dq { 3 } else { k };
                *g = (u8::from(pass) * GATE_PRIMARY) | (u8::from(dq) * GATE_DISQUALIFIED);
            }
        }
        if let Some(scope) = in_scope {
            let w = self.words;
            for (i, &inside) in scope.iter().enumerate() {
                if !inside {
                    points[i] = 0.0;
                    bits[i * w..(i + 1) * w].fill(0);
                    tier[i] = OUT_OF_SCOPE;
                    gates[i] = 0;
                }
            }
        }
    }
}

/// Per-byte tables of points: when every partial sum of the criteria's
/// points is exact in f64 ([`exactly_summable`]), a row's points are the
/// sum over the bytes of its matched bitset of `table[byte index][byte]` —
/// three lookups for 20 criteria instead of an addition per criterion — and
/// equal, bit for bit, to adding the points criterion by criterion.
#[derive(Debug, Clone)]
pub(crate) struct PointTables {
    tables: Vec<[f64; 256]>,
}

/// Whether every partial sum of these points is exact in f64, whatever the
/// order of addition: all are multiples of 2⁻¹⁶ and Σ|p| ≤ 2³⁶, so every
/// partial sum is an integer multiple of 2⁻¹⁶ of magnitude below 2⁵² of
/// them. Integers, halves and quarters qualify; 0.1 does not.
pub(crate) fn exactly_summable(points: &[f64]) -> bool {
    let scale = 65536.0;
    points.iter().all(|p| (p * scale).fract() == 0.0)
        && points.iter().map(|p| p.abs()).sum::<f64>() <= (1u64 << 36) as f64
}

impl PointTables {
    /// The tables for criteria with these points (bit order), or `None` when
    /// the points are not exactly summable in any order.
    pub(crate) fn new(points: &[f64]) -> Option<Self> {
        if !exactly_summable(points) {
            return None;
        }
        let tables = points
            .chunks(8)
            .map(|group| {
                let mut t = [0.0; 256];
                for (byte, slot) in t.iter_mut().enumerate() {
                    *slot = group
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| (byte >> k) & 1 == 1)
                        // From +0.0, as a row's points start (an empty
                        // `sum` is −0.0).
                        .fold(0.0, |s, (_, p)| s + p);
                }
                t
            })
            .collect();
        Some(Self { tables })
    }

    /// Points of each row from byte planes (plane `k`, at `k * block`, holds
    /// the bits of criteria `8k..8k + 8`): the same sums as [`fill`](Self::fill).
    #[inline(always)]
    pub(crate) fn fill_from_planes(&self, points: &mut [f64], planes: &[u8], block: usize) {
        for (k, (t, plane)) in self
            .tables
            .iter()
            .zip(planes.chunks_exact(block))
            .enumerate()
        {
            let plane = &plane[..points.len()];
            if k == 0 {
                for (p, &b) in points.iter_mut().zip(plane) {
                    *p = t[b as usize];
                }
            } else {
                for (p, &b) in points.iter_mut().zip(plane) {
                    *p += t[b as usize];
                }
            }
        }
        if self.tables.is_empty() {
            points.fill(0.0);
        }
    }

    /// Points of each row from its row-major bitset of `words` words.
    #[inline(always)]
    pub(crate) fn fill(&self, points: &mut [f64], bits: &[u64], words: usize) {
        if words == 1 {
            for (p, &b) in points.iter_mut().zip(bits) {
                let mut s = 0.0;
                for (j, t) in self.tables.iter().enumerate() {
                    s += t[((b >> (8 * j)) & 0xff) as usize];
                }
                *p = s;
            }
        } else {
            for (p, row) in points.iter_mut().zip(bits.chunks_exact(words)) {
                let mut s = 0.0;
                for (j, t) in self.tables.iter().enumerate() {
                    s += t[((row[j / 8] >> (8 * (j % 8))) & 0xff) as usize];
                }
                *p = s;
            }
        }
    }
}

/// Points of each row re-added from its bitset in criterion order: the
/// definition's order, for points that are not exactly summable. (Adding
/// `+0.0` for an unmatched criterion never changes a sum that starts at
/// `+0.0`, so skipping them gives the same bits.)
#[inline(always)]
pub(crate) fn points_in_order(by_bit: &[f64], points: &mut [f64], bits: &[u64], words: usize) {
    for (p, row) in points.iter_mut().zip(bits.chunks_exact(words)) {
        let mut s = 0.0;
        for (k, &word) in row.iter().enumerate() {
            let mut b = word;
            while b != 0 {
                s += by_bit[k * 64 + b.trailing_zeros() as usize];
                b &= b - 1;
            }
        }
        *p = s;
    }
}

/// A column as the kernel reads it: a table's own, or one lent by a frame.
#[derive(Clone, Copy)]
pub(crate) enum Source<'t> {
    Native(&'t Column),
    Borrowed(&'t BorrowedColumn<'t>),
}

/// Pieces of a column with the row each starts at.
type Pieces<'t, P> = Vec<(usize, P)>;

/// The part of rows `start..start + len` that each piece holds: the piece,
/// the rows within it, and where they start within the block.
fn segments<'p, P>(
    pieces: &'p [(usize, P)],
    len_of: impl Fn(&P) -> usize + 'p,
    start: usize,
    len: usize,
) -> impl Iterator<Item = (&'p P, std::ops::Range<usize>, usize)> + 'p {
    let end = start + len;
    pieces.iter().filter_map(move |(s, p)| {
        let (lo, hi) = ((*s).max(start), (s + len_of(p)).min(end));
        (lo < hi).then(|| (p, lo - s..hi - s, lo - start))
    })
}

/// The outcome of each dictionary entry (or level) of a categorical test:
/// up to 63 entries, bit `min(slot, 63)` of a u64 (bits from the entry
/// count up, slot 63 included, being the outcome of a missing value);
/// more, a table of `bit`-or-0 with the missing outcome in the last slot.
enum KeySet {
    Small(u64),
    Table(Vec<u8>),
}

impl KeySet {
    /// `hit(Some(level))` for each entry's level, `hit(None)` for missing.
    fn new(
        levels: &mut dyn ExactSizeIterator<Item = u32>,
        bit: u8,
        hit: &dyn Fn(Option<usize>) -> bool,
    ) -> Self {
        let n = levels.len();
        let of = |l: u32| hit((l != MISSING_CODE).then_some(l as usize));
        if n <= 63 {
            let miss = u64::from(hit(None));
            let mut set = if miss == 1 { !0u64 << n } else { 0 };
            for (k, l) in levels.enumerate() {
                set |= u64::from(of(l)) << k;
            }
            KeySet::Small(set)
        } else {
            let mut hits: Vec<u8> = levels.map(|l| if of(l) { bit } else { 0 }).collect();
            hits.push(if hit(None) { bit } else { 0 });
            KeySet::Table(hits)
        }
    }
}

/// A criterion's test bound to its column's storage.
enum OpTest<'t> {
    /// `lo ≤ x ≤ hi`; NaN (or a null) gives `missing`. `finite_unknown`:
    /// borrowed values, which may hold a ±∞ (reported, then refused).
    Range {
        pieces: Pieces<'t, Piece<'t, f64>>,
        lo: f64,
        hi: f64,
        missing: bool,
        finite_unknown: bool,
    },
    /// `x is missing` equals `want`.
    NanIs {
        pieces: Pieces<'t, Piece<'t, f64>>,
        want: bool,
    },
    /// Borrowed integers: `lo ≤ x as f64 ≤ hi`; a null gives `missing`.
    IntRange {
        pieces: Pieces<'t, Piece<'t, i64>>,
        lo: f64,
        hi: f64,
        missing: bool,
    },
    /// Borrowed integers: `x is missing` (a null) equals `want`.
    NullIs {
        pieces: Pieces<'t, Piece<'t, i64>>,
        want: bool,
    },
    /// Category keys, looked up in their dictionary's [`KeySet`];
    /// `missing` is the outcome of a null.
    Keys {
        pieces: Pieces<'t, KeyPiece<'t>>,
        sets: Vec<KeySet>,
        missing: bool,
    },
    /// Flag bytes looked up in a 256-entry table of bits.
    Bytes {
        values: &'t [u8],
        hits: Box<[u8; 256]>,
    },
    /// Dates: `x == DATE_MISSING` equals `want`.
    DateMissing { values: &'t [i32], want: bool },
    /// Validity bitmaps (text, tag sets): `!valid` equals `want`.
    Invalid { valid: &'t Bitmap, want: bool },
    /// Tag-set row words AND mask: any (`all == false`) or all bits present.
    Tags {
        bits: &'t [u64],
        words: usize,
        valid: &'t Bitmap,
        mask: Vec<u64>,
        all: bool,
        missing: bool,
    },
}

/// One criterion ready to run: its test, its points, and its bit: bit
/// `bit` of byte plane `plane` (see [`Kernel::run_chunk`]).
struct Op<'t> {
    test: OpTest<'t>,
    points: f64,
    plane: usize,
    bit: u8,
}

fn mismatch(icp: &str, b: &BoundCriterion) -> Error {
    Error::InvalidIcp {
        icp: icp.to_owned(),
        criterion: Some(b.name.clone()),
        message: "its bound test does not fit its column (internal inconsistency)".into(),
    }
}

/// Numeric values as pieces (a table's own: one piece, known finite).
fn number_pieces<'t>(src: Source<'t>) -> Option<(Pieces<'t, Piece<'t, f64>>, bool)> {
    match src {
        Source::Native(Column::Numeric(v))
        | Source::Borrowed(BorrowedColumn::Owned(Column::Numeric(v))) => Some((
            vec![(
                0,
                Piece {
                    values: v,
                    valid: None,
                },
            )],
            false,
        )),
        Source::Borrowed(BorrowedColumn::Numbers(pieces)) => Some((with_starts(pieces), true)),
        _ => None,
    }
}

/// Borrowed integer values as pieces.
fn integer_pieces<'t>(src: Source<'t>) -> Option<Pieces<'t, Piece<'t, i64>>> {
    match src {
        Source::Borrowed(BorrowedColumn::Integers(pieces)) => Some(with_starts(pieces)),
        _ => None,
    }
}

/// Each piece with the row it starts at.
fn with_starts<'t, T: Copy>(pieces: &[Piece<'t, T>]) -> Pieces<'t, Piece<'t, T>> {
    let mut start = 0;
    pieces
        .iter()
        .map(|p| {
            start += p.len();
            (start - p.len(), *p)
        })
        .collect()
}

/// The native column behind a source, when it is one.
fn native<'t>(src: Source<'t>) -> Option<&'t Column> {
    match src {
        Source::Native(c) | Source::Borrowed(BorrowedColumn::Owned(c)) => Some(c),
        Source::Borrowed(_) => None,
    }
}

impl<'t> Op<'t> {
    fn new(
        icp: &str,
        b: &BoundCriterion,
        src: Source<'t>,
        points: f64,
        bit: usize,
    ) -> Result<Self> {
        let (plane, bit) = (bit / 8, 1u8 << (bit % 8));
        let miss = b.missing_matches;
        // A categorical test: `hit(Some(level))`, `hit(None)` for missing.
        let keys = |hit: &dyn Fn(Option<usize>) -> bool| -> Option<OpTest<'t>> {
            let missing = hit(None);
            Some(match src {
                Source::Borrowed(BorrowedColumn::Codes(c)) => {
                    let mut start = 0;
                    let pieces = c
                        .pieces
                        .iter()
                        .map(|p| {
                            start += p.keys.len();
                            (start - p.keys.len(), *p)
                        })
                        .collect();
                    let sets = c
                        .to_level
                        .iter()
                        .map(|map| KeySet::new(&mut map.iter().copied(), bit, hit))
                        .collect();
                    OpTest::Keys {
                        pieces,
                        sets,
                        missing,
                    }
                }
                _ => {
                    let Some(Column::Categorical(cat)) = native(src) else {
                        return None;
                    };
                    let n = cat.levels().len() as u32;
                    let piece = KeyPiece {
                        keys: Keys::U32(cat.codes()),
                        valid: None,
                        dictionary: 0,
                    };
                    OpTest::Keys {
                        pieces: vec![(0, piece)],
                        sets: vec![KeySet::new(&mut (0..n), bit, hit)],
                        missing,
                    }
                }
            })
        };
        let bytes = |values: &'t [u8], hit: &dyn Fn(u8) -> bool| -> OpTest<'t> {
            let mut hits = Box::new([0u8; 256]);
            for v in 0..=255u8 {
                if hit(v) {
                    hits[v as usize] = bit;
                }
            }
            OpTest::Bytes { values, hits }
        };
        // Borrowed integers: a range or a missing test, read as f64.
        let on_integers = integer_pieces(src).map(|pieces| match &b.test {
            Test::Range(r) => {
                let (lo, hi) = closed_bounds(r);
                Some(OpTest::IntRange {
                    pieces,
                    lo,
                    hi,
                    missing: miss,
                })
            }
            Test::Missing(want) => Some(OpTest::NullIs {
                pieces,
                want: *want,
            }),
            _ => None,
        });
        let op = |test: Option<OpTest<'t>>| -> Result<Self> {
            Ok(Self {
                test: test.ok_or_else(|| mismatch(icp, b))?,
                points,
                plane,
                bit,
            })
        };
        if let Some(test) = on_integers {
            return op(test);
        }
        let test = match (&b.test, native(src)) {
            (Test::Range(r), _) => number_pieces(src).map(|(pieces, finite_unknown)| {
                let (lo, hi) = closed_bounds(r);
                OpTest::Range {
                    pieces,
                    lo,
                    hi,
                    missing: miss,
                    finite_unknown,
                }
            }),
            (Test::Missing(want), _) if number_pieces(src).is_some() => {
                number_pieces(src).map(|(pieces, _)| OpTest::NanIs {
                    pieces,
                    want: *want,
                })
            }
            (Test::Codes(set), _) => keys(&|level| match level {
                None => miss,
                Some(k) => (set[k / 64] >> (k % 64)) & 1 == 1,
            }),
            (Test::Missing(want), Some(Column::Categorical(_))) | (Test::Missing(want), None) => {
                keys(&|level| level.is_none() == *want)
            }
            (Test::Flag(f), Some(Column::Flag(values))) => Some(bytes(values, &|v| {
                if v == FLAG_MISSING { miss } else { v == *f }
            })),
            (Test::Missing(want), Some(Column::Flag(values))) => {
                Some(bytes(values, &|v| (v == FLAG_MISSING) == *want))
            }
            (Test::TagsAny(mask) | Test::TagsAll(mask), Some(Column::TagSet(ts))) => {
                Some(OpTest::Tags {
                    bits: ts.bits(),
                    words: ts.words_per_row(),
                    valid: ts.valid(),
                    mask: mask.clone(),
                    all: matches!(b.test, Test::TagsAll(_)),
                    missing: miss,
                })
            }
            (Test::Missing(want), Some(Column::TagSet(ts))) => Some(OpTest::Invalid {
                valid: ts.valid(),
                want: *want,
            }),
            (Test::Missing(want), Some(Column::Text(t))) => Some(OpTest::Invalid {
                valid: t.valid(),
                want: *want,
            }),
            (Test::Missing(want), Some(Column::Date(values))) => Some(OpTest::DateMissing {
                values,
                want: *want,
            }),
            _ => None,
        };
        op(test)
    }

    /// Whether a row may be null by its validity bitmap (then the points
    /// are not added criterion by criterion but read off the bitsets).
    fn has_validity(&self) -> bool {
        match &self.test {
            OpTest::Range { pieces, .. } | OpTest::NanIs { pieces, .. } => {
                pieces.iter().any(|(_, p)| p.valid.is_some())
            }
            OpTest::IntRange { pieces, .. } | OpTest::NullIs { pieces, .. } => {
                pieces.iter().any(|(_, p)| p.valid.is_some())
            }
            OpTest::Keys { pieces, .. } => pieces.iter().any(|(_, p)| p.valid.is_some()),
            _ => false,
        }
    }

    /// Sets this criterion's bit of the rows of `bits` (a segment of the
    /// block, rows `rows` of its piece) that are null by `valid` to
    /// `outcome` ([`NullFix`], compiled for `isa`).
    #[inline(always)]
    fn fix_nulls(
        &self,
        isa: Isa,
        valid: Option<Validity<'_>>,
        rows: std::ops::Range<usize>,
        bits: &mut [u8],
        outcome: bool,
    ) {
        let Some(valid) = valid else { return };
        let fix = NullFix {
            valid,
            first: rows.start,
            keep: !self.bit,
            set: if outcome { self.bit } else { 0 },
        };
        fix.run_on(isa, bits);
    }

    /// Adds this criterion's bit (and, when `P`, its points) to rows
    /// `start..start + bits.len()`. `P` is never asked of a test with a
    /// validity bitmap ([`has_validity`](Self::has_validity)). Returns
    /// whether a borrowed value was ±∞.
    #[inline(always)]
    fn apply<const P: bool>(
        &self,
        isa: Isa,
        start: usize,
        points: &mut [f64],
        bits: &mut [u8],
    ) -> bool {
        let len = bits.len();
        let (p, bit) = (self.points, self.bit);
        // The same loop shape for every test: `m` per row, then bit and points.
        macro_rules! each {
            ($values:expr, $points:expr, $bits:expr, |$v:pat_param| $m:expr) => {
                if P {
                    for (($v, pt), b) in $values.zip($points.iter_mut()).zip($bits.iter_mut()) {
                        let m: bool = $m;
                        *pt += if m { p } else { 0.0 };
                        *b |= if m { bit } else { 0 };
                    }
                } else {
                    for ($v, b) in $values.zip($bits.iter_mut()) {
                        let m: bool = $m;
                        *b |= if m { bit } else { 0 };
                    }
                }
            };
        }
        // The block's points and bits of a segment (no points unless `P`).
        macro_rules! outputs {
            ($out:expr, $n:expr) => {{
                let pts: &mut [f64] = if P {
                    &mut points[$out..$out + $n]
                } else {
                    &mut []
                };
                (pts, &mut bits[$out..$out + $n])
            }};
        }
        let mut infinite = false;
        match &self.test {
            OpTest::Range {
                pieces,
                lo,
                hi,
                missing,
                finite_unknown,
            } => {
                let (lo, hi) = (*lo, *hi);
                for (piece, rows, out) in segments(pieces, Piece::len, start, len) {
                    let (pts, bs) = outputs!(out, rows.len());
                    let x = piece.values[rows.clone()].iter().copied();
                    // Non-short-circuit operators, so that the loop
                    // vectorises; borrowed values are looked at for ±∞ in
                    // the same pass ([`infinity_distance`]).
                    let mut least = u64::MAX;
                    match (*missing, *finite_unknown) {
                        (true, false) => {
                            each!(x, pts, bs, |v| ((v >= lo) & (v <= hi)) | v.is_nan())
                        }
                        (false, false) => each!(x, pts, bs, |v| (v >= lo) & (v <= hi)),
                        (true, true) => each!(x, pts, bs, |v| {
                            least = least.min(infinity_distance(v));
                            ((v >= lo) & (v <= hi)) | v.is_nan()
                        }),
                        (false, true) => each!(x, pts, bs, |v| {
                            least = least.min(infinity_distance(v));
                            (v >= lo) & (v <= hi)
                        }),
                    }
                    infinite |= least == 0;
                    self.fix_nulls(isa, piece.valid, rows, bs, *missing);
                }
            }
            OpTest::NanIs { pieces, want } => {
                for (piece, rows, out) in segments(pieces, Piece::len, start, len) {
                    let (pts, bs) = outputs!(out, rows.len());
                    let x = piece.values[rows.clone()].iter().copied();
                    each!(x, pts, bs, |v| v.is_nan() == *want);
                    self.fix_nulls(isa, piece.valid, rows, bs, *want);
                }
            }
            OpTest::IntRange {
                pieces,
                lo,
                hi,
                missing,
            } => {
                let (lo, hi) = (*lo, *hi);
                for (piece, rows, out) in segments(pieces, Piece::len, start, len) {
                    let (pts, bs) = outputs!(out, rows.len());
                    let x = piece.values[rows.clone()].iter().map(|&v| v as f64);
                    each!(x, pts, bs, |v| (v >= lo) & (v <= hi));
                    self.fix_nulls(isa, piece.valid, rows, bs, *missing);
                }
            }
            OpTest::NullIs { pieces, want } => {
                for (piece, rows, out) in segments(pieces, Piece::len, start, len) {
                    let (pts, bs) = outputs!(out, rows.len());
                    each!(rows.clone(), pts, bs, |_r| !*want);
                    self.fix_nulls(isa, piece.valid, rows, bs, *want);
                }
            }
            OpTest::Keys {
                pieces,
                sets,
                missing,
            } => {
                for (piece, rows, out) in
                    segments(pieces, |k: &KeyPiece<'_>| k.keys.len(), start, len)
                {
                    let (pts, bs) = outputs!(out, rows.len());
                    let set = &sets[piece.dictionary];
                    with_keys!(piece.keys, |keys| {
                        key_loop::<_, P>(&keys[rows.clone()], set, bit, p, pts, bs)
                    });
                    self.fix_nulls(isa, piece.valid, rows, bs, *missing);
                }
            }
            OpTest::Bytes { values, hits } => {
                let c = &values[start..start + len];
                if P {
                    for ((&v, pt), b) in c.iter().zip(points.iter_mut()).zip(bits.iter_mut()) {
                        let h = hits[v as usize];
                        *pt += if h != 0 { p } else { 0.0 };
                        *b |= h;
                    }
                } else {
                    for (&v, b) in c.iter().zip(bits.iter_mut()) {
                        *b |= hits[v as usize];
                    }
                }
            }
            OpTest::DateMissing { values, want } => {
                let x = values[start..start + len].iter().copied();
                each!(x, points, bits, |v| (v == DATE_MISSING) == *want)
            }
            OpTest::Invalid { valid, want } => {
                each!(start..start + len, points, bits, |r| valid.get(r) != *want)
            }
            OpTest::Tags {
                bits: rows,
                words,
                valid,
                mask,
                all,
                missing,
            } => {
                let w = *words;
                let vw = valid.words();
                let rows = &rows[start * w..(start + len) * w];
                for (i, (row, b)) in rows.chunks_exact(w).zip(bits.iter_mut()).enumerate() {
                    let r = start + i;
                    let ok = (vw[r / 64] >> (r % 64)) & 1 == 1;
                    let hit = if *all {
                        row.iter().zip(mask).all(|(x, m)| x & m == *m)
                    } else {
                        row.iter().zip(mask).any(|(x, m)| x & m != 0)
                    };
                    let m = if ok { hit } else { *missing };
                    if P {
                        points[i] += if m { p } else { 0.0 };
                    }
                    *b |= if m { bit } else { 0 };
                }
            }
        }
        infinite
    }
}

/// Zero exactly when `v` is ±∞: its bits past the sign XOR those of ∞.
/// The kernel looks for ±∞ in borrowed numbers as the least of these over
/// a run: an unsigned-minimum reduction, which vectorises to two vector
/// instructions per eight values (a ternary-logic XOR-AND and a minimum).
/// `v.abs() == ∞` OR-ed over the run took three (AND, compare, mask OR), the
/// OR on the mask registers that the range test itself keeps busy.
#[inline(always)]
fn infinity_distance(v: f64) -> u64 {
    (v.to_bits() ^ f64::INFINITY.to_bits()) & !(1 << 63)
}

/// Sets one criterion's bit of the null rows of a segment of a byte plane:
/// `bits[j] = (bits[j] & keep) | set` for every row `first + j` that
/// `valid` says is null.
///
/// Whole words of 64 rows are blended as one 64-byte vector
/// ([`blend_nulls`]), whatever their nulls; only the last, partial word
/// is fixed null by null. Fixing every null on its own, as this once did,
/// cost a third of the single-thread scoring time of twelve float columns
/// with 5 % nulls. Compiled apart for each instruction-set level: inlined
/// into the kernel's chunk loop, the blend was not vectorised.
struct NullFix<'v> {
    valid: Validity<'v>,
    first: usize,
    keep: u8,
    set: u8,
}

impl NullFix<'_> {
    dispatch_by_isa!(fn run_on => NullFix<'_>, run(bits: &mut [u8]) -> ());

    #[inline(always)]
    fn run(&self, bits: &mut [u8]) {
        let (keep, set) = (self.keep, self.set);
        let end = self.first + bits.len();
        let mut words = bits.chunks_exact_mut(64);
        let mut first = self.first;
        for word in &mut words {
            if let Ok(word) = <&mut [u8; 64]>::try_from(word) {
                blend_nulls(self.valid.word(first), word, keep, set);
            }
            first += 64;
        }
        let tail = words.into_remainder();
        for (i, mut unset) in self.valid.null_words(first..end) {
            while unset != 0 {
                let k = i - first + unset.trailing_zeros() as usize;
                tail[k] = (tail[k] & keep) | set;
                unset &= unset - 1;
            }
        }
    }
}

/// `bytes[j] = (bytes[j] & keep) | set` for every row `j` whose bit of
/// `valid` is clear (a null). Written so that it vectorises without
/// intrinsics: each validity byte is spread over the eight bytes of its
/// rows (multiplied into every byte, then each byte keeps its own bit), and
/// the blend is a byte loop. With AVX-512 this compiles to a broadcast, a
/// shuffle, a test into a mask register and one masked store; with AVX2 to
/// about thirty instructions per 64 rows.
#[inline(always)]
fn blend_nulls(valid: u64, bytes: &mut [u8; 64], keep: u8, set: u8) {
    let mut spread = [0u8; 64];
    for (k, lane) in spread.chunks_exact_mut(8).enumerate() {
        let byte = (valid >> (8 * k)) & 0xff;
        let bits = byte.wrapping_mul(0x0101_0101_0101_0101) & 0x8040_2010_0804_0201;
        lane.copy_from_slice(&bits.to_le_bytes());
    }
    for (b, s) in bytes.iter_mut().zip(spread) {
        let null = u8::from(s == 0).wrapping_neg();
        *b = (*b & (keep | !null)) | (set & null);
    }
}

/// One categorical test over a run of keys of any width: a lookup per key
/// of the criterion's bit (or 0) in a table of the dictionary's entries,
/// the last slot standing for every key past them (missing).
#[inline(always)]
fn key_loop<K: Key, const P: bool>(
    keys: &[K],
    set: &KeySet,
    bit: u8,
    p: f64,
    points: &mut [f64],
    bits: &mut [u8],
) {
    // Up to 63 entries the set is a u64, spread here into 64 pre-shifted
    // bytes: a load per key instead of a variable shift (two µops without
    // BMI2; measured 5–8 % of the whole single-thread scoring time).
    let mut lut = [0u8; 64];
    let table: &[u8] = match set {
        KeySet::Small(set) => {
            for (s, l) in lut.iter_mut().enumerate() {
                *l = ((set >> s) & 1) as u8 * bit;
            }
            &lut
        }
        KeySet::Table(hits) => hits,
    };
    let n = table.len() - 1;
    let table = &table[..=n];
    // Tables of up to 2^31 slots (all, in practice) are indexed in 32 bits.
    match u32::try_from(n) {
        Ok(n32) if n32 <= i32::MAX as u32 => {
            lookups::<K, P>(keys, table, |k| k.slot_narrow(n32), p, points, bits)
        }
        _ => lookups::<K, P>(keys, table, |k| k.slot(n), p, points, bits),
    }
}

/// `bits[i] |= table[slot(keys[i])]`, and the points when `P`.
#[inline(always)]
fn lookups<K: Key, const P: bool>(
    keys: &[K],
    table: &[u8],
    slot: impl Fn(K) -> usize,
    p: f64,
    points: &mut [f64],
    bits: &mut [u8],
) {
    if P {
        for ((&k, pt), b) in keys.iter().zip(points.iter_mut()).zip(bits.iter_mut()) {
            let h = table[slot(k)];
            *pt += if h != 0 { p } else { 0.0 };
            *b |= h;
        }
    } else {
        or_lookups(keys, table, slot, bits);
    }
}

/// `bits[i] |= table[slot(keys[i])]`, 32 rows
/// at a time: the lookups are scalar loads into a local array, OR-ed into
/// the rows as one vector. Written row by row, unsigned keys compiled to a
/// byte read-modify-write per row (measured: a quarter of the time of a
/// 20-criterion ICP with eight category tests).
#[inline(always)]
fn or_lookups<K: Key>(keys: &[K], table: &[u8], slot: impl Fn(K) -> usize, bits: &mut [u8]) {
    const LANES: usize = 32;
    let mut key_chunks = keys.chunks_exact(LANES);
    let mut bit_chunks = bits.chunks_exact_mut(LANES);
    for (k, b) in (&mut key_chunks).zip(&mut bit_chunks) {
        let mut got = [0u8; LANES];
        for (g, &key) in got.iter_mut().zip(k) {
            *g = table[slot(key)];
        }
        for (x, g) in b.iter_mut().zip(got) {
            *x |= g;
        }
    }
    for (&key, x) in key_chunks
        .remainder()
        .iter()
        .zip(bit_chunks.into_remainder())
    {
        *x |= table[slot(key)];
    }
}

/// A bound ICP ready to run over its table.
pub(crate) struct Kernel<'t> {
    ops: Vec<Op<'t>>,
    scope: Option<Op<'t>>,
    gates: Gates,
    /// Points from the bitsets by byte tables (exactly summable points), or
    /// added criterion by criterion (`None`).
    tables: Option<PointTables>,
    /// Each criterion's points, by bit: re-added from the bitsets in
    /// criterion order when neither tables nor criterion-by-criterion
    /// adding apply (points not exactly summable, and a validity bitmap
    /// that can still change a row's bit after its criterion ran).
    by_bit: Vec<f64>,
    /// Whether some criterion reads a validity bitmap.
    validity: bool,
    n_rows: usize,
}

impl<'t> Kernel<'t> {
    /// The kernel of `bound` over `columns` (the table's, by index) of
    /// `n_rows` rows.
    pub(crate) fn new(
        icp: &str,
        bound: &BoundIcp,
        tiers: &Tiers,
        columns: &[Source<'t>],
        n_rows: usize,
    ) -> Result<Self> {
        let ops = bound
            .criteria
            .iter()
            .map(|b| Op::new(icp, b, columns[b.column], b.points, b.bit))
            .collect::<Result<Vec<_>>>()?;
        let scope = bound
            .scope
            .as_ref()
            .map(|s| Op::new(icp, s, columns[s.column], 0.0, 0))
            .transpose()?;
        let by_bit: Vec<f64> = bound.criteria.iter().map(|b| b.points).collect();
        let validity = ops.iter().chain(&scope).any(Op::has_validity);
        Ok(Self {
            ops,
            scope,
            gates: Gates::new(bound, tiers),
            tables: PointTables::new(&by_bit),
            by_bit,
            validity,
            n_rows,
        })
    }

    pub(crate) fn words(&self) -> usize {
        self.gates.words
    }

    /// Whether points are added criterion by criterion (else read off the
    /// bitsets, by tables or in criterion order).
    fn add_points(&self) -> bool {
        self.tables.is_none() && !self.validity
    }

    /// Scores every row, in parallel over fixed chunks (on the current rayon
    /// pool), into arrays from the recycling pool ([`super::buffers`]) or
    /// fresh zeroed ones (which `run_chunk` then need not clear).
    /// Also says whether a borrowed value was ±∞ (the caller refuses it).
    pub(crate) fn run(&self, geo: Geometry) -> (Output, bool) {
        let a = super::buffers::take(self.n_rows, self.gates.words);
        let mut out = Output {
            points: a.points,
            tier: a.tier,
            gates: a.gates,
            matched: a.matched,
        };
        let infinite = self.run_in(geo, &mut out, a.reused);
        (out, infinite)
    }

    /// Scores every row into `out`, reusing its buffers (resized to the
    /// table): no fresh memory, so no page faults, at the price of clearing
    /// each chunk's bitsets just before it is scored (in cache).
    pub(crate) fn run_into(&self, geo: Geometry, out: &mut Output) -> bool {
        let n = self.n_rows;
        let w = self.gates.words;
        out.points.resize(n, 0.0);
        out.tier.resize(n, 0);
        out.gates.resize(n, 0);
        out.matched.resize(n * w, 0);
        self.run_in(geo, out, true)
    }

    fn run_in(&self, geo: Geometry, out: &mut Output, clear: bool) -> bool {
        let w = self.gates.words;
        let isa = geo.isa.resolve();
        if out.points.len() <= geo.chunk {
            // One chunk: scored on this thread. Handing it to the pool (a
            // wake-up and a wait) cost a third of scoring 1,000 rows.
            let chunk = Chunk {
                isa,
                start: 0,
                points: &mut out.points,
                tier: &mut out.tier,
                gates: &mut out.gates,
                matched: &mut out.matched,
            };
            return self.run_chunk_on(isa, chunk, geo.block, clear);
        }
        out.points
            .par_chunks_mut(geo.chunk)
            .zip(out.tier.par_chunks_mut(geo.chunk))
            .zip(out.gates.par_chunks_mut(geo.chunk))
            .zip(out.matched.par_chunks_mut(geo.chunk * w))
            .enumerate()
            .map(|(ci, (((p, t), g), m))| {
                let chunk = Chunk {
                    isa,
                    start: ci * geo.chunk,
                    points: p,
                    tier: t,
                    gates: g,
                    matched: m,
                };
                self.run_chunk_on(isa, chunk, geo.block, clear)
            })
            .reduce(|| false, |a, b| a | b)
    }

    dispatch_by_isa!(fn run_chunk_on => Kernel<'_>, run_chunk(chunk: Chunk<'_>, block: usize, clear: bool) -> bool);

    /// Scores rows `start..start + points.len()`; the outputs are zero
    /// unless `clear` (then the points are cleared first when criteria add
    /// them; the bitsets are always overwritten whole).
    /// Returns whether a borrowed value was ±∞.
    ///
    /// Criteria write their bits into *byte planes*: plane `k` holds, per
    /// row, the bits of criteria `8k..8k + 8`. A criterion's read-modify-write
    /// of its row's result is one byte, not one word: eight times less cache
    /// traffic over the 20 passes of a block, and a compare narrowed to a byte
    /// is what wide vectors do well (with the AVX-512 build: 1M × 20 on one
    /// thread 16.6 → 12.5 ms, where the word-wide version gained little from
    /// wider vectors). The planes are then packed into each row's words, and
    /// are exactly the per-byte indices of the point tables.
    #[inline(always)]
    fn run_chunk(&self, chunk: Chunk<'_>, block: usize, clear: bool) -> bool {
        let Chunk {
            isa,
            start,
            points,
            tier,
            gates,
            matched,
        } = chunk;
        let w = self.gates.words;
        let mut infinite = false;
        // Per-chunk scratch (never per row): the byte planes and the scope's.
        let n_planes = self.ops.len().div_ceil(8).max(1);
        let mut planes = vec![0u8; n_planes * block];
        let mut scope_plane = if self.scope.is_some() {
            vec![0u8; block]
        } else {
            Vec::new()
        };
        let mut in_scope = if self.scope.is_some() {
            vec![false; block]
        } else {
            Vec::new()
        };
        let add = self.add_points();
        let len = points.len();
        let mut b0 = 0;
        while b0 < len {
            let bl = block.min(len - b0);
            let row0 = start + b0;
            // Fresh outputs are zeroed (see `run`); reused ones are cleared.
            let pts = &mut points[b0..b0 + bl];
            let bits = &mut matched[b0 * w..(b0 + bl) * w];
            if clear && add {
                pts.fill(0.0);
            }
            planes.fill(0);
            for op in &self.ops {
                let plane = &mut planes[op.plane * block..op.plane * block + bl];
                infinite |= if add {
                    op.apply::<true>(isa, row0, pts, plane)
                } else {
                    op.apply::<false>(isa, row0, pts, plane)
                };
            }
            pack_planes(&planes, block, bl, bits, w);
            if let Some(t) = &self.tables {
                t.fill_from_planes(pts, &planes, block);
            } else if !add {
                points_in_order(&self.by_bit, pts, bits, w);
            }
            let scope = match &self.scope {
                Some(op) => {
                    let sp = &mut scope_plane[..bl];
                    sp.fill(0);
                    infinite |= op.apply::<false>(isa, row0, &mut [], sp);
                    for (o, b) in in_scope.iter_mut().zip(sp.iter()) {
                        *o = *b != 0;
                    }
                    Some(&in_scope[..bl])
                }
                None => None,
            };
            self.gates.finish(
                pts,
                bits,
                &mut tier[b0..b0 + bl],
                &mut gates[b0..b0 + bl],
                scope,
            );
            b0 += bl;
        }
        infinite
    }
}

/// One parallel task's rows and their outputs.
struct Chunk<'o> {
    /// The instruction-set level this chunk runs at (resolved), for the
    /// steps compiled apart ([`NullFix`]).
    isa: Isa,
    /// The first row.
    start: usize,
    points: &'o mut [f64],
    tier: &'o mut [u8],
    gates: &'o mut [u8],
    matched: &'o mut [u64],
}

/// Packs the first `bl` rows of byte planes (plane `k` at `k * block`) into
/// row-major words of `w` words per row: byte `k % 8` of word `k / 8`.
#[inline(always)]
fn pack_planes(planes: &[u8], block: usize, bl: usize, bits: &mut [u64], w: usize) {
    for (k, plane) in planes.chunks_exact(block).enumerate() {
        let (word, shift, plane) = (k / 8, 8 * (k % 8) as u32, &plane[..bl]);
        if w == 1 {
            put_plane(bits[..bl].iter_mut(), plane, shift);
        } else {
            put_plane(bits.chunks_exact_mut(w).map(|r| &mut r[word]), plane, shift);
        }
    }
}

/// Puts a plane's bytes at `shift` of their rows' words: the first plane of
/// a word sets it (outputs may hold a previous scoring), the others OR in.
#[inline(always)]
fn put_plane<'b>(words: impl Iterator<Item = &'b mut u64>, plane: &[u8], shift: u32) {
    if shift == 0 {
        for (b, &x) in words.zip(plane) {
            *b = u64::from(x);
        }
    } else {
        for (b, &x) in words.zip(plane) {
            *b |= u64::from(x) << shift;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Isa, NullFix, Validity, infinity_distance};
    use proptest::prelude::*;

    proptest! {
        /// Zero for ±∞ and for nothing else: any bit pattern (every NaN
        /// payload and sign, subnormals, ±0, ±MAX) is ∞ exactly when
        /// `is_infinite` says so.
        #[test]
        fn infinity_distance_is_zero_exactly_at_infinity(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            prop_assert_eq!(infinity_distance(v) == 0, v.is_infinite(), "{:#x}", bits);
        }
    }

    #[test]
    fn infinity_distance_at_the_edges() {
        for v in [f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(infinity_distance(v), 0);
        }
        for v in [
            f64::NAN,
            -f64::NAN,
            f64::MAX,
            f64::MIN,
            0.0,
            -0.0,
            f64::MIN_POSITIVE / 2.0,
        ] {
            assert_ne!(infinity_distance(v), 0, "{v}");
        }
    }

    proptest! {
        /// The blend sets a criterion's bit of exactly the null rows, at any
        /// bit offset and length and at every level this CPU has, and leaves
        /// the other bits of every byte alone.
        #[test]
        fn null_fix_sets_exactly_the_null_rows(
            bitmap in proptest::collection::vec(any::<u8>(), 4..40),
            plane in proptest::collection::vec(any::<u8>(), 0..300),
            offset in 0usize..24,
            bit in 0u32..8,
            outcome in any::<bool>(),
        ) {
            let len = plane.len().min((bitmap.len() * 8).saturating_sub(offset));
            let valid = Validity::new(&bitmap, offset, len).unwrap();
            let bit = 1u8 << bit;
            let set = if outcome { bit } else { 0 };
            let want: Vec<u8> = (0..len)
                .map(|i| if valid.get(i) { plane[i] } else { (plane[i] & !bit) | set })
                .collect();
            for isa in Isa::available() {
                let mut got = plane[..len].to_vec();
                NullFix { valid, first: 0, keep: !bit, set }.run_on(isa, &mut got);
                prop_assert_eq!(&got, &want, "{:?}", isa);
            }
        }
    }
}
