//! The random source of one row block, with the few distributions the
//! generator needs written out, so that the output depends only on the
//! ChaCha8 stream (not on a distribution crate's sampling algorithm).

use rand::{Rng as _, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A ChaCha8 stream dedicated to one block of rows.
pub(crate) struct BlockRng {
    rng: ChaCha8Rng,
    /// The second normal of the last Box–Muller pair, not yet used.
    spare: Option<f64>,
}

impl BlockRng {
    /// The stream of block `block` under `seed`: the same pair gives the same
    /// numbers on any machine and any thread.
    pub(crate) fn new(seed: u64, block: u64) -> Self {
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        r.set_stream(block);
        Self {
            rng: r,
            spare: None,
        }
    }

    /// Uniform in `[0, 1)`, 53 random bits.
    #[inline]
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[lo, hi)`.
    #[inline]
    pub(crate) fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// `true` with probability `p`.
    #[inline]
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Uniform integer in `0..n` (`n > 0`), by 128-bit multiply.
    #[inline]
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.rng.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform integer in `lo..=hi`.
    #[inline]
    pub(crate) fn int_in(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }

    /// An index drawn with the given weights (which sum to 1).
    #[inline]
    pub(crate) fn pick(&mut self, weights: &[f64]) -> usize {
        let mut u = self.uniform();
        for (i, &w) in weights.iter().enumerate() {
            if u < w {
                return i;
            }
            u -= w;
        }
        // Rounding left a sliver: the last level with positive weight.
        weights.iter().rposition(|&w| w > 0.0).unwrap_or(0)
    }

    /// Standard normal (Box–Muller: a pair of uniforms gives two normals,
    /// the second is kept for the next call).
    #[inline]
    pub(crate) fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let u1 = 1.0 - self.uniform(); // (0, 1]
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let (s, c) = (std::f64::consts::TAU * u2).sin_cos();
        self.spare = Some(r * s);
        r * c
    }

    /// Gamma(shape, 1), Marsaglia–Tsang (shape ≥ 1; boosted below 1).
    pub(crate) fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let u = 1.0 - self.uniform();
            return self.gamma(shape + 1.0) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = 1.0 - self.uniform();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    /// Beta(a, b).
    pub(crate) fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        let y = self.gamma(b);
        x / (x + y)
    }
}

/// `x` rounded to `decimals` decimals.
#[inline]
pub(crate) fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}
