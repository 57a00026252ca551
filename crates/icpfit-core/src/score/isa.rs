//! Which x86-64 instruction set the scoring kernel is compiled for, chosen
//! at run time.
//!
//! Both scoring engines' chunk loops (one ICP: `kernel`; many candidates:
//! `coded`) are written once, in portable Rust, and compiled three times
//! ([`dispatch_by_isa`]):
//! for the x86-64 baseline (SSE2, what a wheel targets), for AVX2 and for
//! AVX-512 (the x86-64-v3 and v4 levels). Each criterion's pass is a
//! compare (or lookup) per row narrowed to one bit of a byte; with AVX-512
//! a compare writes a mask register and the narrowing is one instruction,
//! so the core issues far fewer instructions per byte of input and keeps
//! more loads in flight. Measured, 1M rows × 20 criteria: 16.6 → 12.4 ms on
//! one thread, 9.2 → 7.0 ms on two (criterion, `score_1M_x_20`); 100
//! candidates over them 614 → 428–471 ms on two. numpy and polars dispatch
//! the same way. Every level gives bit-identical results
//! (the tests run each level the CPU has against the scalar definition).

/// The environment variable that caps the level scoring runs at
/// (`baseline`, `avx2` or `avx512`; unset or another value: the best the
/// CPU has). For comparing levels on one machine, and for reproducing a
/// result from a machine without AVX.
pub const ISA_VARIABLE: &str = "ICPFIT_ISA";

/// The instruction-set level scoring runs at in this process: `avx512`,
/// `avx2` or `baseline` (see [`ISA_VARIABLE`]).
pub fn instruction_set() -> &'static str {
    Isa::Auto.name()
}

/// An instruction-set level for the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isa {
    /// The best level this CPU has ([`Isa::detected`]).
    Auto,
    /// The target's baseline (SSE2 on x86-64; the only level elsewhere).
    Baseline,
    /// AVX2, FMA, BMI1/2, LZCNT, POPCNT (x86-64-v3).
    Avx2,
    /// x86-64-v3 plus AVX-512 F/BW/CD/DQ/VL (x86-64-v4).
    Avx512,
}

impl Isa {
    /// The best level this CPU supports, capped by the environment variable
    /// [`ISA_VARIABLE`] when it names a level (detected once per process:
    /// every scoring chunk asks).
    pub(crate) fn detected() -> Isa {
        static DETECTED: std::sync::OnceLock<Isa> = std::sync::OnceLock::new();
        *DETECTED.get_or_init(|| {
            let best = Isa::detect();
            match std::env::var(ISA_VARIABLE)
                .ok()
                .and_then(|v| Isa::parse(&v))
            {
                Some(cap) => cap.min_level(best),
                None => best,
            }
        })
    }

    /// A level by its name (`baseline`, `avx2`, `avx512`; any case).
    fn parse(name: &str) -> Option<Isa> {
        match name.trim().to_ascii_lowercase().as_str() {
            "baseline" => Some(Isa::Baseline),
            "avx2" => Some(Isa::Avx2),
            "avx512" => Some(Isa::Avx512),
            _ => None,
        }
    }

    /// The level's name, as [`ISA_VARIABLE`] takes it.
    pub(crate) fn name(self) -> &'static str {
        match self.resolve() {
            Isa::Avx512 => "avx512",
            Isa::Avx2 => "avx2",
            Isa::Auto | Isa::Baseline => "baseline",
        }
    }

    fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            let v3 = std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
                && std::arch::is_x86_feature_detected!("bmi1")
                && std::arch::is_x86_feature_detected!("bmi2")
                && std::arch::is_x86_feature_detected!("lzcnt")
                && std::arch::is_x86_feature_detected!("popcnt");
            let v4 = v3
                && std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512bw")
                && std::arch::is_x86_feature_detected!("avx512cd")
                && std::arch::is_x86_feature_detected!("avx512dq")
                && std::arch::is_x86_feature_detected!("avx512vl");
            if v4 {
                return Isa::Avx512;
            }
            if v3 {
                return Isa::Avx2;
            }
        }
        Isa::Baseline
    }

    /// The level to run: `Auto` resolved, and a level this CPU lacks
    /// lowered to the best it has — so a resolved level is always safe to
    /// run (the kernel's dispatch relies on it).
    pub(crate) fn resolve(self) -> Isa {
        let best = Isa::detected();
        match self {
            Isa::Auto => best,
            Isa::Baseline => Isa::Baseline,
            wanted => wanted.min_level(best),
        }
    }

    /// Every level this CPU can run, lowest first.
    #[cfg(test)]
    pub(crate) fn available() -> Vec<Isa> {
        [Isa::Baseline, Isa::Avx2, Isa::Avx512]
            .into_iter()
            .filter(|&l| l.resolve() == l)
            .collect()
    }

    fn rank(self) -> u8 {
        match self {
            Isa::Auto | Isa::Baseline => 0,
            Isa::Avx2 => 1,
            Isa::Avx512 => 2,
        }
    }

    fn min_level(self, other: Isa) -> Isa {
        if self.rank() <= other.rank() {
            self
        } else {
            other
        }
    }
}

/// Inside an `impl`, defines `fn $on(&self, isa: Isa, args…) -> R`: method
/// `$inner` (which must be `#[inline(always)]`, as must the hot functions
/// it calls) run as compiled for `isa` — the baseline, or one of two
/// `#[target_feature]` copies of it that this macro also defines. The
/// copies are never inlined, so that a small step dispatched from inside
/// a big loop ([`super::kernel`]'s null fix-up) is optimised on its own.
macro_rules! dispatch_by_isa {
    ($vis:vis fn $on:ident => $this:ty, $inner:ident($($arg:ident: $ty:ty),*) -> $ret:ty) => {
        $vis fn $on(&self, isa: $crate::score::isa::Isa, $($arg: $ty),*) -> $ret {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
                #[inline(never)]
                fn avx2(this: &$this, $($arg: $ty),*) -> $ret {
                    this.$inner($($arg),*)
                }
                #[target_feature(
                    enable = "avx2,fma,bmi1,bmi2,lzcnt,popcnt,avx512f,avx512bw,avx512cd,avx512dq,avx512vl"
                )]
                #[inline(never)]
                fn avx512(this: &$this, $($arg: $ty),*) -> $ret {
                    this.$inner($($arg),*)
                }
                match isa.resolve() {
                    // SAFETY: a resolved `Isa` names only features this CPU
                    // was detected to have (`Isa::resolve`), which is all
                    // that calling a `#[target_feature]` function requires.
                    #[allow(unsafe_code)]
                    $crate::score::isa::Isa::Avx512 => return unsafe { avx512(self, $($arg),*) },
                    #[allow(unsafe_code)]
                    $crate::score::isa::Isa::Avx2 => return unsafe { avx2(self, $($arg),*) },
                    _ => {}
                }
            }
            let _ = isa;
            self.$inner($($arg),*)
        }
    };
}
pub(crate) use dispatch_by_isa;

#[cfg(test)]
mod tests {
    use super::Isa;

    #[test]
    fn resolved_levels_never_exceed_the_cpu() {
        let best = Isa::detected();
        assert_ne!(best, Isa::Auto);
        assert_eq!(Isa::Auto.resolve(), best);
        assert_eq!(Isa::Baseline.resolve(), Isa::Baseline);
        for wanted in [Isa::Avx2, Isa::Avx512] {
            assert!(wanted.resolve().rank() <= best.rank());
        }
        for level in [Isa::Baseline, Isa::Avx2, Isa::Avx512] {
            assert_eq!(
                Isa::parse(&level.name().to_uppercase()),
                Some(level.resolve())
            );
        }
        assert_eq!(Isa::parse("sse9"), None);
        assert_eq!(super::instruction_set(), best.name());
        let levels = Isa::available();
        assert_eq!(levels.first(), Some(&Isa::Baseline));
        assert_eq!(levels.last(), Some(&best));
    }
}
