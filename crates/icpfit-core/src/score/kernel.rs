//! The hot loop of single-ICP scoring: criterion at a time over blocks of
//! rows, columnar, branch-light, allocation-free per row.
//!
//! The table is cut into fixed-size *chunks* (the unit of parallelism: one
//! rayon task each, so the result cannot depend on the thread count) and each
//! chunk into *blocks* small enough that the block's points and matched
//! bitsets stay in L1 while every criterion streams its column over them.
//! Each criterion adds its points (`+ p` or `+ 0`) in criterion order, so the
//! sum is bit-identical to the scalar definition in [`crate::icp::bind`].
//!
//! Ranges are normalised to closed intervals `lo ≤ x ≤ hi` (an open end is
//! moved to the next representable float, an absent one to ±∞), so one
//! vectorisable loop covers every range; categories and flags are one table
//! lookup per row; tags are a word-wise AND with the criterion's mask.

use super::scores::{GATE_DISQUALIFIED, GATE_PRIMARY, OUT_OF_SCOPE};
use crate::error::{Error, Result};
use crate::icp::{BoundCriterion, BoundIcp, Range, Section, Test, Tiers};
use crate::table::{AccountTable, Bitmap, Column, DATE_MISSING, FLAG_MISSING};
use rayon::prelude::*;

/// Rows per parallel task. Fixed, so that the work split, and therefore the
/// result, is the same whatever the thread count.
pub(crate) const CHUNK: usize = 1 << 14;
/// Rows per inner block: 1024 rows of points and bitsets are 16 KiB, which
/// stay in L1 while the criteria stream their columns.
pub(crate) const BLOCK: usize = 1 << 10;

/// Chunk and block sizes (tests shrink them to exercise the boundaries on
/// small tables; the results do not depend on them).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
    pub chunk: usize,
    pub block: usize,
}

impl Geometry {
    pub(crate) const DEFAULT: Geometry = Geometry {
        chunk: CHUNK,
        block: BLOCK,
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

/// A criterion's test bound to its column's storage.
enum OpTest<'t> {
    /// `lo ≤ x ≤ hi`; NaN gives `missing`.
    Range {
        values: &'t [f64],
        lo: f64,
        hi: f64,
        missing: bool,
    },
    /// `x is NaN` equals `want`.
    NanIs { values: &'t [f64], want: bool },
    /// Category codes looked up in per-code tables; index `min(code, n)`,
    /// slot `n` being the missing code.
    Codes {
        codes: &'t [u32],
        points: Vec<f64>,
        bits: Vec<u64>,
    },
    /// Flag bytes looked up in 256-entry tables.
    Bytes {
        values: &'t [u8],
        points: Box<[f64; 256]>,
        bits: Box<[u64; 256]>,
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

/// One criterion ready to run: its test, its points, and its bit.
struct Op<'t> {
    test: OpTest<'t>,
    points: f64,
    word: usize,
    bit: u64,
}

fn mismatch(icp: &str, b: &BoundCriterion) -> Error {
    Error::InvalidIcp {
        icp: icp.to_owned(),
        criterion: Some(b.name.clone()),
        message: "its bound test does not fit its column (internal inconsistency)".into(),
    }
}

impl<'t> Op<'t> {
    fn new(
        icp: &str,
        b: &BoundCriterion,
        col: &'t Column,
        points: f64,
        bit: usize,
    ) -> Result<Self> {
        let (word, bit) = (bit / 64, 1u64 << (bit % 64));
        let miss = b.missing_matches;
        let table = |hit: &dyn Fn(usize) -> bool, n: usize| -> (Vec<f64>, Vec<u64>) {
            (0..n)
                .map(|k| if hit(k) { (points, bit) } else { (0.0, 0) })
                .unzip()
        };
        let bytes = |values: &'t [u8], hit: &dyn Fn(u8) -> bool| -> OpTest<'t> {
            let mut pt_of = Box::new([0.0; 256]);
            let mut bit_of = Box::new([0u64; 256]);
            for v in 0..=255u8 {
                if hit(v) {
                    pt_of[v as usize] = points;
                    bit_of[v as usize] = bit;
                }
            }
            OpTest::Bytes {
                values,
                points: pt_of,
                bits: bit_of,
            }
        };
        let test = match (&b.test, col) {
            (Test::Range(r), Column::Numeric(values)) => {
                let (lo, hi) = closed_bounds(r);
                OpTest::Range {
                    values,
                    lo,
                    hi,
                    missing: miss,
                }
            }
            (Test::Missing(want), Column::Numeric(values)) => OpTest::NanIs {
                values,
                want: *want,
            },
            (Test::Codes(set), Column::Categorical(cat)) => {
                let n = cat.levels().len();
                let (points, bits) = table(
                    &|k| {
                        if k == n {
                            miss
                        } else {
                            (set[k / 64] >> (k % 64)) & 1 == 1
                        }
                    },
                    n + 1,
                );
                OpTest::Codes {
                    codes: cat.codes(),
                    points,
                    bits,
                }
            }
            (Test::Missing(want), Column::Categorical(cat)) => {
                let n = cat.levels().len();
                let (points, bits) = table(&|k| (k == n) == *want, n + 1);
                OpTest::Codes {
                    codes: cat.codes(),
                    points,
                    bits,
                }
            }
            (Test::Flag(f), Column::Flag(values)) => bytes(values, &|v| {
                if v == FLAG_MISSING { miss } else { v == *f }
            }),
            (Test::Missing(want), Column::Flag(values)) => {
                bytes(values, &|v| (v == FLAG_MISSING) == *want)
            }
            (Test::TagsAny(mask) | Test::TagsAll(mask), Column::TagSet(ts)) => OpTest::Tags {
                bits: ts.bits(),
                words: ts.words_per_row(),
                valid: ts.valid(),
                mask: mask.clone(),
                all: matches!(b.test, Test::TagsAll(_)),
                missing: miss,
            },
            (Test::Missing(want), Column::TagSet(ts)) => OpTest::Invalid {
                valid: ts.valid(),
                want: *want,
            },
            (Test::Missing(want), Column::Text(t)) => OpTest::Invalid {
                valid: t.valid(),
                want: *want,
            },
            (Test::Missing(want), Column::Date(values)) => OpTest::DateMissing {
                values,
                want: *want,
            },
            _ => return Err(mismatch(icp, b)),
        };
        Ok(Self {
            test,
            points,
            word,
            bit,
        })
    }

    /// Adds this criterion to rows `start..start + points.len()`.
    #[inline]
    fn apply(&self, start: usize, points: &mut [f64], bits: &mut [u64]) {
        let len = points.len();
        let (p, bit) = (self.points, self.bit);
        match &self.test {
            OpTest::Range {
                values,
                lo,
                hi,
                missing,
            } => {
                let x = &values[start..start + len];
                if *missing {
                    range::<true>(x, *lo, *hi, p, bit, points, bits)
                } else {
                    range::<false>(x, *lo, *hi, p, bit, points, bits)
                }
            }
            OpTest::NanIs { values, want } => {
                let x = &values[start..start + len];
                for ((v, pt), b) in x.iter().zip(points.iter_mut()).zip(bits.iter_mut()) {
                    let m = v.is_nan() == *want;
                    *pt += if m { p } else { 0.0 };
                    *b |= if m { bit } else { 0 };
                }
            }
            OpTest::Codes {
                codes,
                points: pt_of,
                bits: bit_of,
            } => {
                let n = pt_of.len() - 1;
                let (pt_of, bit_of) = (&pt_of[..=n], &bit_of[..=n]);
                let c = &codes[start..start + len];
                for ((&code, pt), b) in c.iter().zip(points.iter_mut()).zip(bits.iter_mut()) {
                    let k = (code as usize).min(n);
                    *pt += pt_of[k];
                    *b |= bit_of[k];
                }
            }
            OpTest::Bytes {
                values,
                points: pt_of,
                bits: bit_of,
            } => {
                let c = &values[start..start + len];
                for ((&v, pt), b) in c.iter().zip(points.iter_mut()).zip(bits.iter_mut()) {
                    *pt += pt_of[v as usize];
                    *b |= bit_of[v as usize];
                }
            }
            OpTest::DateMissing { values, want } => {
                let x = &values[start..start + len];
                for ((&v, pt), b) in x.iter().zip(points.iter_mut()).zip(bits.iter_mut()) {
                    let m = (v == DATE_MISSING) == *want;
                    *pt += if m { p } else { 0.0 };
                    *b |= if m { bit } else { 0 };
                }
            }
            OpTest::Invalid { valid, want } => {
                for (i, (pt, b)) in points.iter_mut().zip(bits.iter_mut()).enumerate() {
                    let m = valid.get(start + i) != *want;
                    *pt += if m { p } else { 0.0 };
                    *b |= if m { bit } else { 0 };
                }
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
                for (i, ((row, pt), b)) in rows
                    .chunks_exact(w)
                    .zip(points.iter_mut())
                    .zip(bits.iter_mut())
                    .enumerate()
                {
                    let r = start + i;
                    let ok = (vw[r / 64] >> (r % 64)) & 1 == 1;
                    let hit = if *all {
                        row.iter().zip(mask).all(|(x, m)| x & m == *m)
                    } else {
                        row.iter().zip(mask).any(|(x, m)| x & m != 0)
                    };
                    let m = if ok { hit } else { *missing };
                    *pt += if m { p } else { 0.0 };
                    *b |= if m { bit } else { 0 };
                }
            }
        }
    }
}

/// `lo ≤ x ≤ hi` over a block; NaN compares false, so missing values take
/// `MISS`. Written with non-short-circuit operators so that it vectorises.
#[inline(always)]
fn range<const MISS: bool>(
    x: &[f64],
    lo: f64,
    hi: f64,
    p: f64,
    bit: u64,
    points: &mut [f64],
    bits: &mut [u64],
) {
    for ((&v, pt), b) in x.iter().zip(points.iter_mut()).zip(bits.iter_mut()) {
        let m = ((v >= lo) & (v <= hi)) | (MISS & v.is_nan());
        *pt += if m { p } else { 0.0 };
        *b |= if m { bit } else { 0 };
    }
}

/// A bound ICP ready to run over its table.
pub(crate) struct Kernel<'t> {
    ops: Vec<Op<'t>>,
    scope: Option<Op<'t>>,
    gates: Gates,
    n_rows: usize,
}

impl<'t> Kernel<'t> {
    pub(crate) fn new(
        icp: &str,
        bound: &BoundIcp,
        tiers: &Tiers,
        table: &'t AccountTable,
    ) -> Result<Self> {
        let ops = bound
            .criteria
            .iter()
            .map(|b| Op::new(icp, b, &table.columns()[b.column], b.points, b.bit))
            .collect::<Result<Vec<_>>>()?;
        let scope = bound
            .scope
            .as_ref()
            .map(|s| Op::new(icp, s, &table.columns()[s.column], 0.0, 0))
            .transpose()?;
        Ok(Self {
            ops,
            scope,
            gates: Gates::new(bound, tiers),
            n_rows: table.n_rows(),
        })
    }

    pub(crate) fn words(&self) -> usize {
        self.gates.words
    }

    /// Scores every row, in parallel over fixed chunks (on the current rayon
    /// pool).
    pub(crate) fn run(&self, geo: Geometry) -> Output {
        let n = self.n_rows;
        let w = self.gates.words;
        let mut out = Output {
            points: vec![0.0; n],
            tier: vec![0; n],
            gates: vec![0; n],
            matched: vec![0; n * w],
        };
        out.points
            .par_chunks_mut(geo.chunk)
            .zip(out.tier.par_chunks_mut(geo.chunk))
            .zip(out.gates.par_chunks_mut(geo.chunk))
            .zip(out.matched.par_chunks_mut(geo.chunk * w))
            .enumerate()
            .for_each(|(ci, (((p, t), g), m))| {
                self.run_chunk(ci * geo.chunk, p, t, g, m, geo.block)
            });
        out
    }

    fn run_chunk(
        &self,
        start: usize,
        points: &mut [f64],
        tier: &mut [u8],
        gates: &mut [u8],
        matched: &mut [u64],
        block: usize,
    ) {
        let w = self.gates.words;
        // Per-chunk scratch (never per row): column-major bit words when a
        // row needs more than one, and the scope mask.
        let mut scratch = if w > 1 {
            vec![0u64; w * block]
        } else {
            Vec::new()
        };
        let mut scope_bits = if self.scope.is_some() {
            vec![0u64; block]
        } else {
            Vec::new()
        };
        let mut scope_pts = if self.scope.is_some() {
            vec![0.0f64; block]
        } else {
            Vec::new()
        };
        let mut in_scope = if self.scope.is_some() {
            vec![false; block]
        } else {
            Vec::new()
        };
        let len = points.len();
        let mut b0 = 0;
        while b0 < len {
            let bl = block.min(len - b0);
            let row0 = start + b0;
            let pts = &mut points[b0..b0 + bl];
            let bits = &mut matched[b0 * w..(b0 + bl) * w];
            pts.fill(0.0);
            if w == 1 {
                bits.fill(0);
                for op in &self.ops {
                    op.apply(row0, pts, bits);
                }
            } else {
                scratch.fill(0);
                for op in &self.ops {
                    let col = &mut scratch[op.word * block..op.word * block + bl];
                    op.apply(row0, pts, col);
                }
                for (i, row) in bits.chunks_exact_mut(w).enumerate() {
                    for (k, x) in row.iter_mut().enumerate() {
                        *x = scratch[k * block + i];
                    }
                }
            }
            let scope = match &self.scope {
                Some(op) => {
                    let (sb, sp) = (&mut scope_bits[..bl], &mut scope_pts[..bl]);
                    sb.fill(0);
                    op.apply(row0, sp, sb);
                    for (o, b) in in_scope.iter_mut().zip(sb.iter()) {
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
    }
}
