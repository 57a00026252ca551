//! Many ICPs over one table (the what-if and pressure-test workload):
//! [`CodedTable`] and [`score_many`].
//!
//! Every column any candidate reads is coded once into compact codes:
//!
//! - a numeric column into *bucket codes*: the candidates' thresholds become
//!   sorted cut points `t₁ < … < t_m` (a closed range `[lo, hi]` contributes
//!   `lo` and `next_up(hi)`), a value's code is the number of cuts `≤ x`, and
//!   NaN is code `m + 1`. Every range criterion of every candidate is
//!   constant on a bucket, so a criterion is a set of codes. With at most
//!   254 cuts per column the codes are one byte (u16 up to 65 534, u32
//!   beyond);
//! - a categorical column into its level codes (missing = one more), one byte
//!   up to 255 levels;
//! - a flag column is already one byte per row;
//! - a tag-set column into one code per distinct tag combination;
//! - a date or text column (only `is_missing` applies) into present/missing.
//!
//! A candidate is then a pass over one-byte codes. The rows are walked in
//! blocks and, within a block, candidate after candidate, so the codes are
//! read from memory once for all candidates. Two paths:
//!
//! - the integer fast path (points that are multiples of 2⁻ˢ, s ≤ 16, with
//!   Σ|points|·2ˢ within an i32: integers, halves, quarters…): a criterion
//!   whose codes form one interval `[lo, lo + w)` — every range, most
//!   category sets — is `code − lo < w` on bytes, sixteen rows per SSE2
//!   instruction, adding its fixed-point points to an i32 per row; a few
//!   intervals are OR-ed; scattered sets and wider codes use a hit table.
//!   Gates are counted (primary matches, negative matches), so no bitset is
//!   built unless asked for. The i32 sum is exact, so once scaled back it
//!   equals the f64 sum of the one-ICP engine bit for bit;
//! - otherwise, per column a lookup table code → matched bits, and the
//!   points read off the bits as the one-ICP engine reads them (per-byte
//!   tables of partial sums, or re-added in criterion order).

use super::isa::dispatch_by_isa;
use super::kernel::{Gates, Geometry, PointTables, closed_bounds, points_in_order};
use super::scores::{CriterionInfo, GATE_DISQUALIFIED, GATE_PRIMARY, OUT_OF_SCOPE};
use super::{FitScores, check_threads, in_pool};
use crate::error::{Error, Result};
use crate::icp::{BoundCriterion, Icp, Levels, Test};
use crate::table::{AccountTable, Column, FLAG_MISSING};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// Options of [`score_many`] and [`CodedTable::score_all`].
#[derive(Debug, Clone, PartialEq)]
pub struct ManyOptions {
    /// How levels and tags absent from the table are treated (default
    /// [`Levels::Lenient`], as for one ICP).
    pub levels: Levels,
    /// Keep each candidate's matched-criteria bitsets (needed by
    /// [`FitScores::explain`]); off by default: a what-if over 100
    /// candidates and a million accounts needs points and tiers, not 800 MB
    /// of bitsets.
    pub matched: bool,
    /// Threads (default: the current rayon pool). Results are identical
    /// whatever the count.
    pub n_threads: Option<usize>,
}

impl Default for ManyOptions {
    fn default() -> Self {
        Self {
            levels: Levels::Lenient,
            matched: false,
            n_threads: None,
        }
    }
}

/// Scores every candidate ICP over `table`, coding the table once (see the
/// [module docs](self)). Points and tiers are identical to scoring each
/// candidate with [`super::score`].
pub fn score_many(
    icps: &[Icp],
    table: &AccountTable,
    opts: &ManyOptions,
) -> Result<Vec<FitScores>> {
    check_threads(opts.n_threads)?;
    in_pool(opts.n_threads, || {
        CodedTable::new(table, icps, opts.levels)?.score_all(
            icps,
            &ManyOptions {
                n_threads: None,
                ..opts.clone()
            },
        )
    })?
}

/// Compact per-row codes of one column.
#[derive(Debug, Clone)]
enum Codes<'t> {
    U8(Cow<'t, [u8]>),
    U16(Vec<u16>),
    /// Codes of more than 65 536 values: raw category codes of a very large
    /// dictionary (index `min(code, n)`), tag combinations, thresholds.
    U32(Cow<'t, [u32]>),
}

/// What a column's codes stand for.
#[derive(Debug, Clone)]
enum Coding {
    /// Bucket `b` holds `cuts[b-1] ≤ x < cuts[b]`; `cuts.len() + 1` is NaN.
    Numeric { cuts: Vec<f64> },
    /// Level codes; `n_levels` is missing.
    Categorical { n_levels: usize },
    /// The flag byte itself (0, 1, [`FLAG_MISSING`]).
    Flag,
    /// One code per distinct tag combination (`None`: missing).
    TagSet { combos: Vec<Option<Vec<u64>>> },
    /// 0 present, 1 missing.
    Presence,
}

#[derive(Debug, Clone)]
struct CodedColumn<'t> {
    coding: Coding,
    codes: Codes<'t>,
    /// Number of distinct code values (the size of a lookup table).
    card: usize,
}

/// A table coded for scoring many candidate ICPs (see the [module docs](self)).
#[derive(Debug, Clone)]
pub struct CodedTable<'t> {
    table: &'t AccountTable,
    columns: Vec<Option<CodedColumn<'t>>>,
}

/// The narrowest codes for `card` distinct values.
fn narrow(values: Vec<u32>, card: usize) -> Codes<'static> {
    if card <= 256 {
        Codes::U8(Cow::Owned(values.into_iter().map(|c| c as u8).collect()))
    } else if card <= 1 << 16 {
        Codes::U16(values.into_iter().map(|c| c as u16).collect())
    } else {
        Codes::U32(Cow::Owned(values))
    }
}

impl<'t> CodedTable<'t> {
    /// Codes every column that a candidate reads, with the thresholds of
    /// all `icps` as cut points. Each candidate is bound to the table (so
    /// errors are those of [`Icp::bind`]).
    pub fn new(table: &'t AccountTable, icps: &[Icp], levels: Levels) -> Result<Self> {
        let n_cols = table.n_cols();
        let mut used = vec![false; n_cols];
        let mut cuts: Vec<Vec<f64>> = vec![Vec::new(); n_cols];
        for icp in icps {
            let bound = icp.bind(table, levels)?;
            for c in bound.criteria.iter().chain(bound.scope.iter()) {
                used[c.column] = true;
                if let Test::Range(r) = &c.test {
                    let (lo, hi) = closed_bounds(r);
                    if lo > f64::NEG_INFINITY {
                        cuts[c.column].push(lo);
                    }
                    if hi < f64::INFINITY {
                        cuts[c.column].push(hi.next_up());
                    }
                }
            }
        }
        let columns = table
            .columns()
            .iter()
            .zip(cuts)
            .enumerate()
            .map(|(j, (col, mut cuts))| {
                used[j].then(|| {
                    cuts.sort_by(f64::total_cmp);
                    cuts.dedup_by(|a, b| a == b);
                    code_column(col, cuts)
                })
            })
            .collect();
        Ok(Self { table, columns })
    }

    /// The table coded.
    pub fn table(&self) -> &'t AccountTable {
        self.table
    }
    /// The cut points of numeric column `name` (`None` when it is not coded
    /// or not numeric).
    pub fn cuts(&self, name: &str) -> Option<&[f64]> {
        let j = self.table.schema().index_of(name).ok()?;
        match &self.columns[j].as_ref()?.coding {
            Coding::Numeric { cuts } => Some(cuts),
            _ => None,
        }
    }
    /// Bytes per row of the codes (the data one candidate pass reads).
    pub fn bytes_per_row(&self) -> usize {
        self.columns
            .iter()
            .flatten()
            .map(|c| match c.codes {
                Codes::U8(_) => 1,
                Codes::U16(_) => 2,
                Codes::U32(_) => 4,
            })
            .sum()
    }

    /// Scores one candidate from the codes.
    pub fn score(&self, icp: &Icp, opts: &ManyOptions) -> Result<FitScores> {
        let mut v = self.score_all(std::slice::from_ref(icp), opts)?;
        // ok: one candidate in, one result out.
        Ok(v.pop().expect("one result per candidate"))
    }

    /// Scores every candidate from the codes; each must only use
    /// thresholds that were coded (those of the ICPs given to [`new`](Self::new)).
    pub fn score_all(&self, icps: &[Icp], opts: &ManyOptions) -> Result<Vec<FitScores>> {
        check_threads(opts.n_threads)?;
        let compiled = icps
            .iter()
            .map(|icp| Candidate::compile(self, icp, opts.levels))
            .collect::<Result<Vec<_>>>()?;
        in_pool(opts.n_threads, || {
            self.run(&compiled, opts.matched, Geometry::CODED)
        })
    }

    pub(crate) fn run(
        &self,
        cands: &[Candidate],
        keep_bits: bool,
        geo: Geometry,
    ) -> Vec<FitScores> {
        let n = self.table.n_rows();
        // Every output is fully written by `run_chunk`, so recycled arrays
        // (stale contents) serve as well as fresh ones.
        let mut outs: Vec<Out> = cands
            .iter()
            .map(|c| {
                let a = super::buffers::take(n, if keep_bits { c.gates.words } else { 0 });
                Out {
                    points: a.points,
                    tier: a.tier,
                    gates: a.gates,
                    matched: keep_bits.then_some(a.matched),
                }
            })
            .collect();
        let n_chunks = n.div_ceil(geo.chunk);
        let mut views: Vec<Vec<View<'_>>> = (0..n_chunks)
            .map(|_| Vec::with_capacity(cands.len()))
            .collect();
        for (o, c) in outs.iter_mut().zip(cands) {
            let w = c.gates.words;
            let mut bits = o.matched.as_mut().map(|m| m.chunks_mut(geo.chunk * w));
            for (v, ((p, t), g)) in views.iter_mut().zip(
                o.points
                    .chunks_mut(geo.chunk)
                    .zip(o.tier.chunks_mut(geo.chunk))
                    .zip(o.gates.chunks_mut(geo.chunk)),
            ) {
                v.push(View {
                    points: p,
                    tier: t,
                    gates: g,
                    matched: bits.as_mut().and_then(Iterator::next),
                });
            }
        }
        views.into_par_iter().enumerate().for_each(|(ci, mut v)| {
            self.run_chunk_on(geo.isa, cands, ci * geo.chunk, &mut v, geo.block)
        });
        outs.into_iter()
            .zip(cands)
            .map(|(o, c)| FitScores {
                icp_name: c.name.clone(),
                icp_version: c.version.clone(),
                tiers: c.gates.tiers.clone(),
                criteria: c.criteria.clone(),
                words: c.gates.words,
                points: o.points,
                tier: o.tier,
                gates: o.gates,
                matched: o.matched,
                tie_break: None,
            })
            .collect()
    }

    dispatch_by_isa!(fn run_chunk_on => CodedTable<'_>, run_chunk(cands: &[Candidate], start: usize, views: &mut [View<'_>], block: usize) -> ());

    /// Scores every candidate over rows `start..`, block after block;
    /// compiled for each instruction-set level (`run_chunk_on`).
    #[inline(always)]
    fn run_chunk(&self, cands: &[Candidate], start: usize, views: &mut [View<'_>], block: usize) {
        let max_words = cands.iter().map(|c| c.gates.words).max().unwrap_or(1);
        let mut scratch = vec![0u64; block * max_words];
        let mut in_scope = vec![false; block];
        let mut acc = FastScratch {
            points: vec![0; block],
            gates: vec![0; block],
            hits: vec![0; block],
        };
        let len = views.first().map_or(0, |v| v.points.len());
        let mut b0 = 0;
        while b0 < len {
            let bl = block.min(len - b0);
            let row0 = start + b0;
            for (c, v) in cands.iter().zip(views.iter_mut()) {
                let w = c.gates.words;
                let pts = &mut v.points[b0..b0 + bl];
                let scope = c.scope.as_ref().map(|(j, hit)| {
                    // ok: candidates only reference coded columns (checked in compile).
                    let col = self.columns[*j].as_ref().expect("coded column");
                    scope_mask(col, hit, row0, &mut in_scope[..bl]);
                    &in_scope[..bl]
                });
                let tier = &mut v.tier[b0..b0 + bl];
                let gates = &mut v.gates[b0..b0 + bl];
                if let Some(f) = &c.fast {
                    let bits = v
                        .matched
                        .as_deref_mut()
                        .map(|m| &mut m[b0 * w..(b0 + bl) * w]);
                    f.run(self, row0, bl, &mut acc, bits, w);
                    f.finish(&c.gates, &acc, pts, tier, gates, scope);
                    if let (Some(m), Some(sc)) = (v.matched.as_deref_mut(), scope) {
                        for (row, inside) in m[b0 * w..(b0 + bl) * w].chunks_exact_mut(w).zip(sc) {
                            if !inside {
                                row.fill(0);
                            }
                        }
                    }
                    continue;
                }
                let bits = match v.matched.as_deref_mut() {
                    Some(m) => &mut m[b0 * w..(b0 + bl) * w],
                    None => &mut scratch[..bl * w],
                };
                bits.fill(0);
                for lut in &c.luts {
                    // ok: as above.
                    let col = self.columns[lut.column].as_ref().expect("coded column");
                    lut.apply(col, row0, bits, w);
                }
                match &c.tables {
                    Some(t) => t.fill(pts, bits, w),
                    None => points_in_order(&c.points, pts, bits, w),
                }
                c.gates.finish(pts, bits, tier, gates, scope);
            }
            b0 += bl;
        }
    }
}

fn code_column(col: &Column, cuts: Vec<f64>) -> CodedColumn<'_> {
    const PAR: usize = 1 << 14;
    match col {
        Column::Numeric(v) => {
            let card = cuts.len() + 2;
            let missing = cuts.len() + 1;
            let code = |x: f64| -> usize {
                if x.is_nan() {
                    missing
                } else {
                    cuts.partition_point(|t| *t <= x)
                }
            };
            let codes = if card <= 256 {
                let mut out = vec![0u8; v.len()];
                out.par_chunks_mut(PAR)
                    .zip(v.par_chunks(PAR))
                    .for_each(|(o, x)| o.iter_mut().zip(x).for_each(|(o, &x)| *o = code(x) as u8));
                Codes::U8(Cow::Owned(out))
            } else {
                let mut out = vec![0u32; v.len()];
                out.par_chunks_mut(PAR)
                    .zip(v.par_chunks(PAR))
                    .for_each(|(o, x)| o.iter_mut().zip(x).for_each(|(o, &x)| *o = code(x) as u32));
                narrow(out, card)
            };
            CodedColumn {
                coding: Coding::Numeric { cuts },
                codes,
                card,
            }
        }
        Column::Categorical(cat) => {
            let n = cat.levels().len();
            let card = n + 1;
            let codes = if card <= 1 << 16 {
                narrow(cat.codes().iter().map(|&c| c.min(n as u32)).collect(), card)
            } else {
                Codes::U32(Cow::Borrowed(cat.codes()))
            };
            CodedColumn {
                coding: Coding::Categorical { n_levels: n },
                codes,
                card,
            }
        }
        Column::Flag(v) => CodedColumn {
            coding: Coding::Flag,
            codes: Codes::U8(Cow::Borrowed(v)),
            card: 256,
        },
        Column::TagSet(ts) => {
            let w = ts.words_per_row();
            let mut seen: FxHashMap<&[u64], u32> = FxHashMap::default();
            let mut combos: Vec<Option<Vec<u64>>> = vec![None];
            let codes: Vec<u32> = (0..ts.valid().len())
                .map(|i| {
                    if !ts.valid().get(i) {
                        return 0;
                    }
                    let row = &ts.bits()[i * w..(i + 1) * w];
                    *seen.entry(row).or_insert_with(|| {
                        combos.push(Some(row.to_vec()));
                        (combos.len() - 1) as u32
                    })
                })
                .collect();
            let card = combos.len();
            CodedColumn {
                coding: Coding::TagSet { combos },
                codes: narrow(codes, card),
                card,
            }
        }
        Column::Date(_) | Column::Text(_) => CodedColumn {
            coding: Coding::Presence,
            codes: Codes::U8(Cow::Owned(
                (0..col.len())
                    .map(|i| u8::from(col.is_missing(i)))
                    .collect(),
            )),
            card: 2,
        },
    }
}

/// Whether criterion `b` matches the rows of code `code` of `col`.
fn hit(col: &CodedColumn<'_>, b: &BoundCriterion, code: usize) -> Option<bool> {
    let miss = b.missing_matches;
    Some(match (&col.coding, &b.test) {
        (Coding::Numeric { cuts }, Test::Range(r)) => {
            if code == cuts.len() + 1 {
                miss
            } else {
                // The bucket's left end (−∞ for bucket 0) stands for all of it.
                let rep = if code == 0 {
                    f64::NEG_INFINITY
                } else {
                    cuts[code - 1]
                };
                let (lo, hi) = closed_bounds(r);
                lo <= rep && rep <= hi
            }
        }
        (Coding::Numeric { cuts }, Test::Missing(want)) => (code == cuts.len() + 1) == *want,
        (Coding::Categorical { n_levels }, Test::Codes(set)) => {
            if code >= *n_levels {
                miss
            } else {
                (set[code / 64] >> (code % 64)) & 1 == 1
            }
        }
        (Coding::Categorical { n_levels }, Test::Missing(want)) => (code >= *n_levels) == *want,
        (Coding::Flag, Test::Flag(f)) => {
            if code == FLAG_MISSING as usize {
                miss
            } else {
                code == *f as usize
            }
        }
        (Coding::Flag, Test::Missing(want)) => (code == FLAG_MISSING as usize) == *want,
        (Coding::TagSet { combos }, Test::TagsAny(mask) | Test::TagsAll(mask)) => {
            match &combos[code] {
                None => miss,
                Some(row) if matches!(b.test, Test::TagsAll(_)) => {
                    row.iter().zip(mask).all(|(x, m)| x & m == *m)
                }
                Some(row) => row.iter().zip(mask).any(|(x, m)| x & m != 0),
            }
        }
        (Coding::TagSet { combos }, Test::Missing(want)) => combos[code].is_none() == *want,
        (Coding::Presence, Test::Missing(want)) => (code == 1) == *want,
        _ => return None,
    })
}

struct Out {
    points: Vec<f64>,
    tier: Vec<u8>,
    gates: Vec<u8>,
    matched: Option<Vec<u64>>,
}

/// One chunk of one candidate's outputs.
struct View<'a> {
    points: &'a mut [f64],
    tier: &'a mut [u8],
    gates: &'a mut [u8],
    matched: Option<&'a mut [u64]>,
}

/// One column's lookup table for one candidate: `bits[w * len + code]` is
/// word `w` of the bits of the column's criteria that rows of `code` match.
/// (Points are read off the bits afterwards.)
struct Lut {
    column: usize,
    len: usize,
    bits: Vec<u64>,
}

impl Lut {
    #[inline(always)]
    fn apply(&self, col: &CodedColumn<'_>, start: usize, bits: &mut [u64], words: usize) {
        let bl = bits.len() / words;
        match &col.codes {
            Codes::U8(c) => {
                let c = &c[start..start + bl];
                if words == 1 {
                    // 256 entries: a byte always indexes in bounds.
                    let b = &self.bits[..256];
                    for (&k, bt) in c.iter().zip(bits.iter_mut()) {
                        *bt |= b[k as usize];
                    }
                } else {
                    self.generic(c.iter().map(|&k| k as usize), bits, words);
                }
            }
            Codes::U16(c) => self.generic(
                c[start..start + bl].iter().map(|&k| k as usize),
                bits,
                words,
            ),
            Codes::U32(c) => {
                let top = self.len - 1;
                self.generic(
                    c[start..start + bl].iter().map(|&k| (k as usize).min(top)),
                    bits,
                    words,
                )
            }
        }
    }

    fn generic(&self, codes: impl Iterator<Item = usize>, bits: &mut [u64], words: usize) {
        for (row, k) in bits.chunks_exact_mut(words).zip(codes) {
            for (w, b) in row.iter_mut().enumerate() {
                *b |= self.bits[w * self.len + k];
            }
        }
    }
}

#[inline(always)]
fn scope_mask(col: &CodedColumn<'_>, hit: &[bool], start: usize, out: &mut [bool]) {
    let bl = out.len();
    let top = hit.len() - 1;
    match &col.codes {
        Codes::U8(c) => out
            .iter_mut()
            .zip(&c[start..start + bl])
            .for_each(|(o, &k)| *o = hit[(k as usize).min(top)]),
        Codes::U16(c) => out
            .iter_mut()
            .zip(&c[start..start + bl])
            .for_each(|(o, &k)| *o = hit[(k as usize).min(top)]),
        Codes::U32(c) => out
            .iter_mut()
            .zip(&c[start..start + bl])
            .for_each(|(o, &k)| *o = hit[(k as usize).min(top)]),
    }
}

/// One candidate compiled to lookup tables over a [`CodedTable`].
pub(crate) struct Candidate {
    name: String,
    version: String,
    criteria: Vec<CriterionInfo>,
    luts: Vec<Lut>,
    scope: Option<(usize, Vec<bool>)>,
    gates: Gates,
    /// Points from the bitsets by byte tables (exactly summable points).
    tables: Option<PointTables>,
    /// Points of each criterion, bit order (for the inexact path).
    points: Vec<f64>,
    /// The integer fast path, when the points allow it.
    fast: Option<Fast>,
}

impl Candidate {
    pub(crate) fn compile(coded: &CodedTable<'_>, icp: &Icp, levels: Levels) -> Result<Self> {
        let bound = icp.bind(coded.table, levels)?;
        let gates = Gates::new(&bound, &icp.tiers);
        let words = gates.words;
        let points: Vec<f64> = bound.criteria.iter().map(|b| b.points).collect();
        let tables = PointTables::new(&points);
        let names = coded.table.schema().fields();
        let not_coded = |b: &BoundCriterion, what: String| Error::InvalidIcp {
            icp: icp.name.clone(),
            criterion: Some(b.name.clone()),
            message: format!("{what}; build the CodedTable with this candidate among its ICPs"),
        };
        let coded_col = |b: &BoundCriterion| {
            coded.columns[b.column].as_ref().ok_or_else(|| {
                not_coded(
                    b,
                    format!("column `{}` was not coded", names[b.column].name),
                )
            })
        };
        let mut luts: Vec<Lut> = Vec::new();
        for b in &bound.criteria {
            let col = coded_col(b)?;
            if let (Test::Range(r), Coding::Numeric { cuts }) = (&b.test, &col.coding) {
                let (lo, hi) = closed_bounds(r);
                let coded_at = |t: f64| {
                    cuts.binary_search_by(|c| c.total_cmp(&t)).is_ok() || cuts.contains(&t)
                };
                if (lo > f64::NEG_INFINITY && !coded_at(lo))
                    || (hi < f64::INFINITY && !coded_at(hi.next_up()))
                {
                    return Err(not_coded(
                        b,
                        format!("its range {r} on `{}` was not coded", names[b.column].name),
                    ));
                }
            }
            let len = match col.codes {
                Codes::U8(_) => 256,
                _ => col.card,
            };
            let k = match luts.iter().position(|l| l.column == b.column) {
                Some(k) => k,
                None => {
                    luts.push(Lut {
                        column: b.column,
                        len,
                        bits: vec![0; len * words],
                    });
                    luts.len() - 1
                }
            };
            let lut = &mut luts[k];
            let (w, bit) = (b.bit / 64, 1u64 << (b.bit % 64));
            for code in 0..col.card {
                let m = hit(col, b, code).ok_or_else(|| {
                    not_coded(
                        b,
                        "its test does not fit the coded column (internal inconsistency)".into(),
                    )
                })?;
                if m {
                    lut.bits[w * len + code] |= bit;
                }
            }
        }
        let scope = match &bound.scope {
            None => None,
            Some(s) => {
                let col = coded_col(s)?;
                let hits = (0..col.card)
                    .map(|code| hit(col, s, code).unwrap_or(false))
                    .chain(std::iter::once(false))
                    .collect();
                Some((s.column, hits))
            }
        };
        let fast = Fast::compile(coded, &bound.criteria)?;
        Ok(Self {
            name: icp.name.clone(),
            version: icp.version.clone(),
            criteria: CriterionInfo::all(icp),
            luts,
            scope,
            gates,
            tables,
            points,
            fast,
        })
    }
}

/// Per-chunk scratch of the integer fast path: fixed-point points, gate
/// counters and one hit byte per row of a block.
struct FastScratch {
    points: Vec<i32>,
    gates: Vec<u32>,
    hits: Vec<u8>,
}

/// How a fast-path criterion finds its rows from the column's codes.
enum FastTest {
    /// Every code matches.
    Always,
    /// One-byte codes in `[lo, lo + width)`: one wrapping subtraction and one
    /// compare per row, sixteen rows per SSE2 instruction.
    Interval { lo: u8, width: u8 },
    /// One-byte codes in a union of a few intervals.
    Intervals(Vec<(u8, u8)>),
    /// A hit byte per code (wider codes, or scattered levels).
    Table(Vec<u8>),
}

struct FastCrit {
    column: usize,
    test: FastTest,
    /// Points in fixed point (`points × 2^s`).
    points: i32,
    /// Gate counter increment: 1 for a primary criterion, 2¹⁶ for a
    /// negative one, 0 for a secondary one.
    gate: u32,
    word: usize,
    bit: u64,
}

/// The integer fast path of a candidate: when every point is a multiple of
/// 2⁻ˢ (s ≤ 16) and Σ|points|·2ˢ fits an i32, a row's points are the i32 sum
/// of `points × 2ˢ` over its matched criteria — exact, so equal bit for bit
/// to the f64 sum in any order once scaled back — and every test on one-byte
/// codes becomes a vectorisable interval compare, with no per-row table
/// lookup. Gates are counted (primary matches in the low 16 bits, negative
/// matches above), so no bitset is needed unless one is asked for.
struct Fast {
    crits: Vec<FastCrit>,
    inv_scale: f64,
    n_primary: u32,
}

impl Fast {
    fn compile(coded: &CodedTable<'_>, criteria: &[BoundCriterion]) -> Result<Option<Self>> {
        let points: Vec<f64> = criteria.iter().map(|b| b.points).collect();
        let Some(shift) = (0..=16).find(|s| {
            let scale = f64::from(1u32 << s);
            points.iter().all(|p| (p * scale).fract() == 0.0)
        }) else {
            return Ok(None);
        };
        let scale = f64::from(1u32 << shift);
        let total: f64 = points.iter().map(|p| p.abs() * scale).sum();
        let n_primary = criteria
            .iter()
            .filter(|b| b.section == crate::icp::Section::Primary)
            .count();
        let n_negative = criteria
            .iter()
            .filter(|b| b.section == crate::icp::Section::Negative)
            .count();
        if total > f64::from(i32::MAX) || n_primary > 0xffff || n_negative > 0xffff {
            return Ok(None);
        }
        let mut crits = Vec::with_capacity(criteria.len());
        for b in criteria {
            // ok: compile() checked every criterion's column is coded first.
            let col = coded.columns[b.column].as_ref().expect("coded column");
            let hits: Vec<bool> = (0..col.card)
                .map(|code| hit(col, b, code).unwrap_or(false))
                .collect();
            let mut runs: Vec<(usize, usize)> = Vec::new();
            for (code, &h) in hits.iter().enumerate() {
                if h {
                    match runs.last_mut() {
                        Some((_, end)) if *end == code => *end += 1,
                        _ => runs.push((code, code + 1)),
                    }
                }
            }
            let one_byte = matches!(col.codes, Codes::U8(_));
            let test = if runs.is_empty() {
                // Matches no row: contributes nothing (a primary one then
                // never passes, which the counters say by themselves).
                continue;
            } else if runs == [(0, col.card)] {
                FastTest::Always
            } else if one_byte && runs.len() == 1 {
                FastTest::Interval {
                    lo: runs[0].0 as u8,
                    width: (runs[0].1 - runs[0].0) as u8,
                }
            } else if one_byte && runs.len() <= 4 {
                FastTest::Intervals(
                    runs.iter()
                        .map(|&(a, e)| (a as u8, (e - a) as u8))
                        .collect(),
                )
            } else {
                let len = if one_byte { 256 } else { col.card };
                let mut t = vec![0u8; len];
                for (slot, &h) in t.iter_mut().zip(&hits) {
                    *slot = u8::from(h);
                }
                FastTest::Table(t)
            };
            crits.push(FastCrit {
                column: b.column,
                test,
                points: (b.points * scale) as i32,
                gate: match b.section {
                    crate::icp::Section::Primary => 1,
                    crate::icp::Section::Negative => 1 << 16,
                    crate::icp::Section::Secondary => 0,
                },
                word: b.bit / 64,
                bit: 1 << (b.bit % 64),
            });
        }
        Ok(Some(Self {
            crits,
            inv_scale: 1.0 / scale,
            n_primary: n_primary as u32,
        }))
    }

    /// Accumulates every criterion over rows `row0..row0 + bl`.
    #[inline(always)]
    fn run(
        &self,
        coded: &CodedTable<'_>,
        row0: usize,
        bl: usize,
        acc: &mut FastScratch,
        mut bits: Option<&mut [u64]>,
        words: usize,
    ) {
        let (pts, gates, hits) = (
            &mut acc.points[..bl],
            &mut acc.gates[..bl],
            &mut acc.hits[..bl],
        );
        pts.fill(0);
        gates.fill(0);
        if let Some(b) = bits.as_deref_mut() {
            b.fill(0);
        }
        for fc in &self.crits {
            // ok: only coded columns reach the fast path.
            let col = coded.columns[fc.column].as_ref().expect("coded column");
            let (p, g) = (fc.points, fc.gate);
            match (&fc.test, &col.codes) {
                (FastTest::Always, _) => hits.fill(1),
                (FastTest::Interval { lo, width }, Codes::U8(c)) => {
                    let (lo, width) = (*lo, *width);
                    let c = &c[row0..row0 + bl];
                    if g == 0 && bits.is_none() {
                        // The common case, fused: no hit buffer at all.
                        for (&k, a) in c.iter().zip(pts.iter_mut()) {
                            *a += if k.wrapping_sub(lo) < width { p } else { 0 };
                        }
                        continue;
                    }
                    for (&k, h) in c.iter().zip(hits.iter_mut()) {
                        *h = u8::from(k.wrapping_sub(lo) < width);
                    }
                }
                (FastTest::Intervals(ivs), Codes::U8(c)) => {
                    let c = &c[row0..row0 + bl];
                    hits.fill(0);
                    for &(lo, width) in ivs {
                        for (&k, h) in c.iter().zip(hits.iter_mut()) {
                            *h |= u8::from(k.wrapping_sub(lo) < width);
                        }
                    }
                }
                (FastTest::Table(t), Codes::U8(c)) => {
                    let t = &t[..256];
                    for (&k, h) in c[row0..row0 + bl].iter().zip(hits.iter_mut()) {
                        *h = t[k as usize];
                    }
                }
                (FastTest::Table(t), Codes::U16(c)) => {
                    for (&k, h) in c[row0..row0 + bl].iter().zip(hits.iter_mut()) {
                        *h = t[k as usize];
                    }
                }
                (FastTest::Table(t), Codes::U32(c)) => {
                    let top = t.len() - 1;
                    for (&k, h) in c[row0..row0 + bl].iter().zip(hits.iter_mut()) {
                        *h = t[(k as usize).min(top)];
                    }
                }
                // Interval tests are only built for one-byte codes.
                (FastTest::Interval { .. } | FastTest::Intervals(_), _) => hits.fill(0),
            }
            for (&h, a) in hits.iter().zip(pts.iter_mut()) {
                *a += (-i32::from(h)) & p;
            }
            if g != 0 {
                for (&h, a) in hits.iter().zip(gates.iter_mut()) {
                    *a += 0u32.wrapping_sub(u32::from(h)) & g;
                }
            }
            if let Some(b) = bits.as_deref_mut() {
                for (i, &h) in hits.iter().enumerate() {
                    b[i * words + fc.word] |= 0u64.wrapping_sub(u64::from(h)) & fc.bit;
                }
            }
        }
    }

    /// Points, tiers and gates from the counters (as [`Gates::finish`] does
    /// from bitsets); rows outside the scope are reset.
    #[inline(always)]
    fn finish(
        &self,
        g: &Gates,
        acc: &FastScratch,
        points: &mut [f64],
        tier: &mut [u8],
        gates: &mut [u8],
        in_scope: Option<&[bool]>,
    ) {
        let t = &g.tiers;
        let cap = t.if_primary_fails.index() as u8;
        for ((((p, tr), gt), &a), &c) in points
            .iter_mut()
            .zip(tier.iter_mut())
            .zip(gates.iter_mut())
            .zip(&acc.points)
            .zip(&acc.gates)
        {
            let x = f64::from(a) * self.inv_scale;
            let pass = c & 0xffff == self.n_primary;
            let dq = c >> 16 != 0;
            let mut k = 3 - u8::from(x >= t.c) - u8::from(x >= t.b) - u8::from(x >= t.a);
            if !pass {
                k = k.max(cap);
            }
            *p = x;
            *tr = if dq { 3 } else { k };
            *gt = (u8::from(pass) * GATE_PRIMARY) | (u8::from(dq) * GATE_DISQUALIFIED);
        }
        if let Some(scope) = in_scope {
            for (i, &inside) in scope.iter().enumerate() {
                if !inside {
                    points[i] = 0.0;
                    tier[i] = OUT_OF_SCOPE;
                    gates[i] = 0;
                }
            }
        }
    }
}
