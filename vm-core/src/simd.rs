//! The semantics of every 128-bit SIMD and relaxed-SIMD op, in plain Rust
//! that builds for any target: one function per op, named after it
//! (`I32x4AddSatS` -> `i32x4_add_sat_s`, see `for_each_simd!`), taking
//! and returning `v128` values as `V`, their 16 bytes as in memory (lane
//! 0 first). The interpreter's handlers call these; the signature of each
//! follows the op's shape:
//!
//! | shape | signature |
//! |---|---|
//! | `Unary`, `UnaryF` | `fn(V) -> V` |
//! | `Binary`, `BinaryF` | `fn(V, V) -> V` |
//! | `Ternary` | `fn(V, V, V) -> V` |
//! | `Test` | `fn(V) -> u32` |
//! | `Shift` | `fn(V, u32) -> V` |
//! | `Splat` | `fn(bits: u64) -> V` (the scalar's `ValRaw` bits) |
//! | `Extract` | `fn(V, lane: u8) -> u64` (`ValRaw` bits) |
//! | `Replace` | `fn(V, bits: u64, lane: u8) -> V` |
//! | `Shuffle` | `fn(V, V, lanes: V) -> V` |
//! | `Load` | `fn(bytes: V) -> V` (the op's bytes first; it ignores the rest) |
//! | `Store` | `fn(V) -> V` (the bytes to write) |
//! | `LoadLane` | `fn(V, bits: u64, lane: u8) -> V` |
//! | `StoreLane` | `fn(V, lane: u8) -> u64` |
//!
//! Lane indices are validated; they are masked anyway so that no input
//! can index out of bounds.
//!
//! **Relaxed SIMD** makes one choice everywhere, so results never depend
//! on the host: each relaxed op computes what its deterministic relative
//! does (`relaxed_swizzle` is `swizzle`, `relaxed_trunc` saturates,
//! `relaxed_laneselect` is `bitselect`, `relaxed_min`/`max` are `min`/`max`,
//! `relaxed_q15mulr` saturates), `relaxed_madd`/`nmadd` are fused
//! (one rounding), and the `i7x16` dot products treat both operands as
//! signed, wrapping the 16-bit sums.

use crate::num;

/// A `v128` value: its 16 bytes in memory order (little-endian lanes,
/// lane 0 first). A byte array rather than a `u128`: read from and written
/// to memory as an array, lane-wise Rust over it compiles to one vector
/// instruction (`paddusb`), where a `u128` went through general registers
/// and came apart byte by byte (the interpreter's `i8x16.add_sat_u` was
/// 190 instructions on x86-64, now 4).
pub type V = [u8; 16];

/// The `v128` whose lane 0 is in the low bits of `x`.
#[inline(always)]
pub const fn from_bits(x: u128) -> V {
    x.to_le_bytes()
}

/// `v`'s bits, lane 0 in the low bits.
#[inline(always)]
pub const fn bits(v: V) -> u128 {
    u128::from_le_bytes(v)
}

macro_rules! lanes {
    ($($get:ident $put:ident: $t:ty, $n:literal;)*) => {$(
        #[inline(always)]
        #[allow(unnecessary_transmutes, clippy::useless_transmute, clippy::allow_attributes, reason = "the u8 instance is the identity")]
        fn $get(v: V) -> [$t; $n] {
            #[cfg(target_endian = "little")]
            {
                // SAFETY: `[$t; $n]` is 16 bytes like `V`, every bit pattern
                // is a valid `$t`, and on a little-endian target lane 0 is
                // the first bytes.
                unsafe { core::mem::transmute::<V, [$t; $n]>(v) }
            }
            #[cfg(not(target_endian = "little"))]
            {
                core::array::from_fn(|i| {
                    const W: usize = 16 / $n;
                    let mut x = [0u8; W];
                    x.copy_from_slice(&v[i * W..i * W + W]);
                    <$t>::from_le_bytes(x)
                })
            }
        }
        #[inline(always)]
        #[allow(unnecessary_transmutes, clippy::useless_transmute, clippy::allow_attributes, reason = "the u8 instance is the identity")]
        fn $put(l: [$t; $n]) -> V {
            #[cfg(target_endian = "little")]
            {
                // SAFETY: as in the getter; every bit pattern is a byte.
                unsafe { core::mem::transmute::<[$t; $n], V>(l) }
            }
            #[cfg(not(target_endian = "little"))]
            {
                const W: usize = 16 / $n;
                let mut b = [0u8; 16];
                for (i, x) in l.iter().enumerate() {
                    b[i * W..i * W + W].copy_from_slice(&x.to_le_bytes());
                }
                b
            }
        }
    )*};
}
lanes! {
    i8s from_i8s: i8, 16;
    u8s from_u8s: u8, 16;
    i16s from_i16s: i16, 8;
    u16s from_u16s: u16, 8;
    i32s from_i32s: i32, 4;
    u32s from_u32s: u32, 4;
    i64s from_i64s: i64, 2;
    u64s from_u64s: u64, 2;
    f32s from_f32s: f32, 4;
    f64s from_f64s: f64, 2;
}

/// Lane-wise map of one operand.
macro_rules! map1 {
    ($v:expr, $get:ident, $put:ident, |$a:ident| $e:expr) => {{
        let a = $get($v);
        $put(core::array::from_fn(|i| {
            let $a = a[i];
            $e
        }))
    }};
}

/// Lane-wise map of two operands.
macro_rules! map2 {
    ($x:expr, $y:expr, $get:ident, $put:ident, |$a:ident, $b:ident| $e:expr) => {{
        let (a, b) = ($get($x), $get($y));
        $put(core::array::from_fn(|i| {
            let ($a, $b) = (a[i], b[i]);
            $e
        }))
    }};
}

/// All ones for true, zero for false, in a lane of type `$t`.
macro_rules! mask {
    ($c:expr, $t:ty) => {
        if $c { !0 as $t } else { 0 as $t }
    };
}

// --- Memory ---

/// The identity: `v128.load` and `v128.store` move the bytes as they are,
/// and `v128.const` is its immediate.
#[inline]
pub fn v128_load(bytes: V) -> V {
    bytes
}
pub use v128_load as v128_const;
pub use v128_load as v128_store;

// `v128.loadNxM` widens the lanes of the 8 bytes read (the low half, the
// rest zero): what `extend_low` does to a vector. (Assembled lane by lane
// from the bytes, it was three times the instructions.)
pub use i16x8_extend_low_i8x16_s as v128_load8x8_s;
pub use i16x8_extend_low_i8x16_u as v128_load8x8_u;
pub use i32x4_extend_low_i16x8_s as v128_load16x4_s;
pub use i32x4_extend_low_i16x8_u as v128_load16x4_u;
pub use i64x2_extend_low_i32x4_s as v128_load32x2_s;
pub use i64x2_extend_low_i32x4_u as v128_load32x2_u;
#[inline]
pub fn v128_load8_splat(bytes: V) -> V {
    i8x16_splat(u64s(bytes)[0])
}
#[inline]
pub fn v128_load16_splat(bytes: V) -> V {
    i16x8_splat(u64s(bytes)[0])
}
#[inline]
pub fn v128_load32_splat(bytes: V) -> V {
    i32x4_splat(u64s(bytes)[0])
}
#[inline]
pub fn v128_load64_splat(bytes: V) -> V {
    i64x2_splat(u64s(bytes)[0])
}
#[inline]
pub fn v128_load32_zero(bytes: V) -> V {
    from_u32s([u32s(bytes)[0], 0, 0, 0])
}
#[inline]
pub fn v128_load64_zero(bytes: V) -> V {
    from_u64s([u64s(bytes)[0], 0])
}

// --- Constants, shuffles, splats and lanes ---

/// Lanes of `a` then `b` picked by `lanes` (each below 32; masked).
#[inline(always)]
pub fn i8x16_shuffle(a: V, b: V, lanes: V) -> V {
    #[cfg(target_arch = "x86_64")]
    if x86::has_ssse3() {
        // SAFETY: the CPU has SSSE3 (checked just above).
        return unsafe { x86::shuffle(a, b, lanes) };
    }
    shuffle_portable(a, b, lanes)
}

#[inline(always)]
fn shuffle_portable(a: V, b: V, lanes: V) -> V {
    // From one 32-byte table, without a branch per lane: the lane-by-lane
    // `if k < 16 { a[k] } else { b[k - 16] }` compiled to 240 instructions
    // in the interpreter's handler, the table to 120.
    let mut t = [0u8; 32];
    t[..16].copy_from_slice(&a);
    t[16..].copy_from_slice(&b);
    core::array::from_fn(|i| t[(lanes[i] & 31) as usize])
}

/// Lanes of `a` picked by `s`; an index of 16 or more gives 0.
#[inline(always)]
pub fn i8x16_swizzle(a: V, s: V) -> V {
    #[cfg(target_arch = "x86_64")]
    if x86::has_ssse3() {
        // SAFETY: the CPU has SSSE3 (checked just above).
        return unsafe { x86::swizzle(a, s) };
    }
    swizzle_portable(a, s)
}

#[inline(always)]
fn swizzle_portable(a: V, s: V) -> V {
    // The table's zero half gives the zeros.
    let mut t = [0u8; 32];
    t[..16].copy_from_slice(&a);
    core::array::from_fn(|i| t[s[i].min(16) as usize])
}

/// x86-64 paths. Widening with SSE2 (every x86-64). Byte shuffles with
/// SSSE3's `pshufb`, when the CPU has it (nearly every
/// x86-64 since 2006, but not the target's baseline, so it is detected at
/// run time, once): the interpreter's `i8x16.shuffle` handler went from
/// 120 instructions (the portable table) to about 30. The instruction is
/// written with `asm!`: a `#[target_feature]` function is never inlined
/// into a handler, and a handler that calls out with its operands on the
/// stack no longer ends in a tail call, so the interpreter's native stack
/// grew with every instruction.
#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::V;
    use core::arch::x86_64::*;
    use core::sync::atomic::{AtomicU8, Ordering};

    /// 0: not detected yet; 1: no SSSE3; 2: SSSE3.
    static SSSE3: AtomicU8 = AtomicU8::new(0);

    #[inline(always)]
    pub(super) fn has_ssse3() -> bool {
        match SSSE3.load(Ordering::Relaxed) {
            0 => detect(),
            v => v == 2,
        }
    }

    #[cold]
    #[inline(never)]
    fn detect() -> bool {
        #[allow(unused_unsafe, clippy::allow_attributes, reason = "__cpuid is safe in newer Rust")]
        // SAFETY: CPUID leaf 1 exists on every x86-64 CPU.
        let yes = cfg!(target_feature = "ssse3") || unsafe { __cpuid(1) }.ecx & (1 << 9) != 0;
        SSSE3.store(if yes { 2 } else { 1 }, Ordering::Relaxed);
        yes
    }

    /// `pshufb`: the bytes of `a` at the low 4 bits of each byte of `k`,
    /// 0 where that byte's top bit is set.
    ///
    /// # Safety
    /// The CPU has SSSE3.
    #[inline(always)]
    unsafe fn pshufb(a: __m128i, k: __m128i) -> __m128i {
        let mut r = a;
        // SAFETY: SSSE3 per the contract; registers only.
        unsafe {
            core::arch::asm!("pshufb {r}, {k}", r = inout(xmm_reg) r, k = in(xmm_reg) k, options(pure, nomem, nostack));
        }
        r
    }

    #[inline(always)]
    fn load(v: V) -> __m128i {
        // SAFETY: `V` is 16 bytes; SSE2 is part of every x86-64.
        unsafe { _mm_loadu_si128(v.as_ptr().cast()) }
    }

    #[inline(always)]
    fn store(v: __m128i) -> V {
        let mut out = [0u8; 16];
        // SAFETY: as in `load`.
        unsafe { _mm_storeu_si128(out.as_mut_ptr().cast(), v) };
        out
    }

    /// The low (or `HIGH`) half of the `W`-bit lanes of `a`, widened to
    /// twice the width, sign- or zero-extended: interleaved with the lanes'
    /// signs or with zeros.
    #[inline(always)]
    pub(super) fn widen<const W: u32, const HIGH: bool, const SIGNED: bool>(a: V) -> V {
        let a = load(a);
        // SAFETY: SSE2 is part of every x86-64.
        unsafe {
            let zero = _mm_setzero_si128();
            let top = match (SIGNED, W) {
                (false, _) => zero,
                (true, 8) => _mm_cmpgt_epi8(zero, a),
                (true, 16) => _mm_cmpgt_epi16(zero, a),
                (true, _) => _mm_cmpgt_epi32(zero, a),
            };
            store(match (HIGH, W) {
                (false, 8) => _mm_unpacklo_epi8(a, top),
                (true, 8) => _mm_unpackhi_epi8(a, top),
                (false, 16) => _mm_unpacklo_epi16(a, top),
                (true, 16) => _mm_unpackhi_epi16(a, top),
                (false, _) => _mm_unpacklo_epi32(a, top),
                (true, _) => _mm_unpackhi_epi32(a, top),
            })
        }
    }

    /// # Safety
    /// The CPU has SSSE3.
    #[inline(always)]
    pub(super) unsafe fn shuffle(a: V, b: V, lanes: V) -> V {
        // Indices 0..16 pick from `a` (and, less 16, have the top bit set
        // for `b`), 16..32 from `b` (and, plus 0x70 with saturation, have
        // it set for `a`).
        // SAFETY: SSE2 is part of every x86-64; SSSE3 per the contract.
        unsafe {
            let k = _mm_and_si128(load(lanes), _mm_set1_epi8(31));
            let from_a = pshufb(load(a), _mm_adds_epu8(k, _mm_set1_epi8(0x70)));
            let from_b = pshufb(load(b), _mm_sub_epi8(k, _mm_set1_epi8(16)));
            store(_mm_or_si128(from_a, from_b))
        }
    }

    /// # Safety
    /// The CPU has SSSE3.
    #[inline(always)]
    pub(super) unsafe fn swizzle(a: V, s: V) -> V {
        // Indices of 16 and more, plus 0x70 with saturation, have the top
        // bit set and give 0.
        // SAFETY: SSE2 is part of every x86-64; SSSE3 per the contract.
        unsafe { store(pshufb(load(a), _mm_adds_epu8(load(s), _mm_set1_epi8(0x70)))) }
    }
}

#[inline]
pub fn i8x16_splat(x: u64) -> V {
    from_u8s([x as u8; 16])
}
#[inline]
pub fn i16x8_splat(x: u64) -> V {
    from_u16s([x as u16; 8])
}
#[inline]
pub fn i32x4_splat(x: u64) -> V {
    from_u32s([x as u32; 4])
}
#[inline]
pub fn i64x2_splat(x: u64) -> V {
    from_u64s([x; 2])
}

#[inline]
pub fn i8x16_extract_lane_s(v: V, lane: u8) -> u64 {
    i8s(v)[(lane & 15) as usize] as i32 as u32 as u64
}
#[inline]
pub fn i8x16_extract_lane_u(v: V, lane: u8) -> u64 {
    u8s(v)[(lane & 15) as usize] as u64
}
#[inline]
pub fn i16x8_extract_lane_s(v: V, lane: u8) -> u64 {
    i16s(v)[(lane & 7) as usize] as i32 as u32 as u64
}
#[inline]
pub fn i16x8_extract_lane_u(v: V, lane: u8) -> u64 {
    u16s(v)[(lane & 7) as usize] as u64
}
#[inline]
pub fn i32x4_extract_lane(v: V, lane: u8) -> u64 {
    u32s(v)[(lane & 3) as usize] as u64
}
#[inline]
pub fn i64x2_extract_lane(v: V, lane: u8) -> u64 {
    u64s(v)[(lane & 1) as usize]
}

#[inline]
pub fn i8x16_replace_lane(v: V, x: u64, lane: u8) -> V {
    let mut l = u8s(v);
    l[(lane & 15) as usize] = x as u8;
    from_u8s(l)
}
#[inline]
pub fn i16x8_replace_lane(v: V, x: u64, lane: u8) -> V {
    let mut l = u16s(v);
    l[(lane & 7) as usize] = x as u16;
    from_u16s(l)
}
#[inline]
pub fn i32x4_replace_lane(v: V, x: u64, lane: u8) -> V {
    let mut l = u32s(v);
    l[(lane & 3) as usize] = x as u32;
    from_u32s(l)
}
#[inline]
pub fn i64x2_replace_lane(v: V, x: u64, lane: u8) -> V {
    let mut l = u64s(v);
    l[(lane & 1) as usize] = x;
    from_u64s(l)
}

// Ops that compute what another op computes (lane loads and stores are
// lane replacements and extractions; float lanes move as integer bits;
// relaxed ops are their deterministic relatives).
pub use i8x16_extract_lane_u as v128_store8_lane;
pub use i8x16_replace_lane as v128_load8_lane;
pub use i8x16_swizzle as i8x16_relaxed_swizzle;
pub use i16x8_extract_lane_u as v128_store16_lane;
pub use i16x8_q15_mulr_sat_s as i16x8_relaxed_q15mulr_s;
pub use i16x8_replace_lane as v128_load16_lane;
pub use i32x4_extract_lane as f32x4_extract_lane;
pub use i32x4_extract_lane as v128_store32_lane;
pub use i32x4_replace_lane as v128_load32_lane;
pub use i32x4_replace_lane as f32x4_replace_lane;
pub use i32x4_splat as f32x4_splat;
pub use i32x4_trunc_sat_f32x4_s as i32x4_relaxed_trunc_f32x4_s;
pub use i32x4_trunc_sat_f32x4_u as i32x4_relaxed_trunc_f32x4_u;
pub use i32x4_trunc_sat_f64x2_s_zero as i32x4_relaxed_trunc_f64x2_s_zero;
pub use i32x4_trunc_sat_f64x2_u_zero as i32x4_relaxed_trunc_f64x2_u_zero;
pub use i64x2_extract_lane as v128_store64_lane;
pub use i64x2_extract_lane as f64x2_extract_lane;
pub use i64x2_replace_lane as v128_load64_lane;
pub use i64x2_replace_lane as f64x2_replace_lane;
pub use i64x2_splat as f64x2_splat;
pub use v128_bitselect as i8x16_relaxed_laneselect;
pub use v128_bitselect as i16x8_relaxed_laneselect;
pub use v128_bitselect as i32x4_relaxed_laneselect;
pub use v128_bitselect as i64x2_relaxed_laneselect;

// --- Bitwise ---

#[inline]
pub fn v128_not(a: V) -> V {
    map1!(a, u64s, from_u64s, |x| !x)
}
#[inline]
pub fn v128_and(a: V, b: V) -> V {
    map2!(a, b, u64s, from_u64s, |x, y| x & y)
}
#[inline]
pub fn v128_and_not(a: V, b: V) -> V {
    map2!(a, b, u64s, from_u64s, |x, y| x & !y)
}
#[inline]
pub fn v128_or(a: V, b: V) -> V {
    map2!(a, b, u64s, from_u64s, |x, y| x | y)
}
#[inline]
pub fn v128_xor(a: V, b: V) -> V {
    map2!(a, b, u64s, from_u64s, |x, y| x ^ y)
}
#[inline]
pub fn v128_bitselect(a: V, b: V, c: V) -> V {
    let (a, b, c) = (u64s(a), u64s(b), u64s(c));
    from_u64s(core::array::from_fn(|i| (a[i] & c[i]) | (b[i] & !c[i])))
}
#[inline]
pub fn v128_any_true(a: V) -> u32 {
    let a = u64s(a);
    (a[0] | a[1] != 0) as u32
}

// --- Integer lanes ---

/// The ops every integer lane shape has, in a module per shape (`i32x4::add`),
/// for lanes `$s` (signed) and `$u` (unsigned of the same width).
macro_rules! int_ops {
    ($($p:ident: $s:ty, $u:ty, $gs:ident $ps:ident $gu:ident $pu:ident, $bits:literal;)*) => {$(
        pub mod $p {
            use super::*;
            #[inline]
            pub fn add(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| x.wrapping_add(y))
            }
            #[inline]
            pub fn sub(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| x.wrapping_sub(y))
            }
            #[inline]
            pub fn mul(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| x.wrapping_mul(y))
            }
            #[inline]
            pub fn neg(a: V) -> V {
                map1!(a, $gu, $pu, |x| x.wrapping_neg())
            }
            #[inline]
            pub fn abs(a: V) -> V {
                map1!(a, $gs, $ps, |x| x.wrapping_abs())
            }
            #[inline]
            pub fn eq(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| mask!(x == y, $u))
            }
            #[inline]
            pub fn ne(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| mask!(x != y, $u))
            }
            #[inline]
            pub fn lt_s(a: V, b: V) -> V {
                map2!(a, b, $gs, $ps, |x, y| mask!(x < y, $s))
            }
            #[inline]
            pub fn lt_u(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| mask!(x < y, $u))
            }
            #[inline]
            pub fn gt_s(a: V, b: V) -> V {
                map2!(a, b, $gs, $ps, |x, y| mask!(x > y, $s))
            }
            #[inline]
            pub fn gt_u(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| mask!(x > y, $u))
            }
            #[inline]
            pub fn le_s(a: V, b: V) -> V {
                map2!(a, b, $gs, $ps, |x, y| mask!(x <= y, $s))
            }
            #[inline]
            pub fn le_u(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| mask!(x <= y, $u))
            }
            #[inline]
            pub fn ge_s(a: V, b: V) -> V {
                map2!(a, b, $gs, $ps, |x, y| mask!(x >= y, $s))
            }
            #[inline]
            pub fn ge_u(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| mask!(x >= y, $u))
            }
            #[inline]
            pub fn min_s(a: V, b: V) -> V {
                map2!(a, b, $gs, $ps, |x, y| x.min(y))
            }
            #[inline]
            pub fn min_u(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| x.min(y))
            }
            #[inline]
            pub fn max_s(a: V, b: V) -> V {
                map2!(a, b, $gs, $ps, |x, y| x.max(y))
            }
            #[inline]
            pub fn max_u(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| x.max(y))
            }
            #[inline]
            pub fn add_sat_s(a: V, b: V) -> V {
                map2!(a, b, $gs, $ps, |x, y| x.saturating_add(y))
            }
            #[inline]
            pub fn add_sat_u(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| x.saturating_add(y))
            }
            #[inline]
            pub fn sub_sat_s(a: V, b: V) -> V {
                map2!(a, b, $gs, $ps, |x, y| x.saturating_sub(y))
            }
            #[inline]
            pub fn sub_sat_u(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| x.saturating_sub(y))
            }
            #[inline]
            pub fn avgr_u(a: V, b: V) -> V {
                map2!(a, b, $gu, $pu, |x, y| (x as u64 + y as u64).div_ceil(2) as $u)
            }
            #[inline]
            pub fn shl(a: V, n: u32) -> V {
                map1!(a, $gu, $pu, |x| x.wrapping_shl(n % $bits))
            }
            #[inline]
            pub fn shr_s(a: V, n: u32) -> V {
                map1!(a, $gs, $ps, |x| x.wrapping_shr(n % $bits))
            }
            #[inline]
            pub fn shr_u(a: V, n: u32) -> V {
                map1!(a, $gu, $pu, |x| x.wrapping_shr(n % $bits))
            }
            #[inline]
            pub fn all_true(a: V) -> u32 {
                $gu(a).iter().all(|&x| x != 0) as u32
            }
            #[inline]
            pub fn bitmask(a: V) -> u32 {
                $gs(a).iter().enumerate().fold(0, |m, (i, &x)| m | (((x < 0) as u32) << i))
            }
        }
    )*};
}

int_ops! {
    i8x16: i8, u8, i8s from_i8s u8s from_u8s, 8;
    i16x8: i16, u16, i16s from_i16s u16s from_u16s, 16;
    i32x4: i32, u32, i32s from_i32s u32s from_u32s, 32;
    i64x2: i64, u64, i64s from_i64s u64s from_u64s, 64;
}

// Each op's function, named after it (`i32x4_add` is `i32x4::add`).
pub use self::i8x16::{
    abs as i8x16_abs, add as i8x16_add, add_sat_s as i8x16_add_sat_s, add_sat_u as i8x16_add_sat_u,
    all_true as i8x16_all_true, avgr_u as i8x16_avgr_u, bitmask as i8x16_bitmask, eq as i8x16_eq, ge_s as i8x16_ge_s,
    ge_u as i8x16_ge_u, gt_s as i8x16_gt_s, gt_u as i8x16_gt_u, le_s as i8x16_le_s, le_u as i8x16_le_u,
    lt_s as i8x16_lt_s, lt_u as i8x16_lt_u, max_s as i8x16_max_s, max_u as i8x16_max_u, min_s as i8x16_min_s,
    min_u as i8x16_min_u, ne as i8x16_ne, neg as i8x16_neg, shl as i8x16_shl, shr_s as i8x16_shr_s,
    shr_u as i8x16_shr_u, sub as i8x16_sub, sub_sat_s as i8x16_sub_sat_s, sub_sat_u as i8x16_sub_sat_u,
};
pub use self::i16x8::{
    abs as i16x8_abs, add as i16x8_add, add_sat_s as i16x8_add_sat_s, add_sat_u as i16x8_add_sat_u,
    all_true as i16x8_all_true, avgr_u as i16x8_avgr_u, bitmask as i16x8_bitmask, eq as i16x8_eq, ge_s as i16x8_ge_s,
    ge_u as i16x8_ge_u, gt_s as i16x8_gt_s, gt_u as i16x8_gt_u, le_s as i16x8_le_s, le_u as i16x8_le_u,
    lt_s as i16x8_lt_s, lt_u as i16x8_lt_u, max_s as i16x8_max_s, max_u as i16x8_max_u, min_s as i16x8_min_s,
    min_u as i16x8_min_u, mul as i16x8_mul, ne as i16x8_ne, neg as i16x8_neg, shl as i16x8_shl, shr_s as i16x8_shr_s,
    shr_u as i16x8_shr_u, sub as i16x8_sub, sub_sat_s as i16x8_sub_sat_s, sub_sat_u as i16x8_sub_sat_u,
};
pub use self::i32x4::{
    abs as i32x4_abs, add as i32x4_add, all_true as i32x4_all_true, bitmask as i32x4_bitmask, eq as i32x4_eq,
    ge_s as i32x4_ge_s, ge_u as i32x4_ge_u, gt_s as i32x4_gt_s, gt_u as i32x4_gt_u, le_s as i32x4_le_s,
    le_u as i32x4_le_u, lt_s as i32x4_lt_s, lt_u as i32x4_lt_u, max_s as i32x4_max_s, max_u as i32x4_max_u,
    min_s as i32x4_min_s, min_u as i32x4_min_u, mul as i32x4_mul, ne as i32x4_ne, neg as i32x4_neg, shl as i32x4_shl,
    shr_s as i32x4_shr_s, shr_u as i32x4_shr_u, sub as i32x4_sub,
};
pub use self::i64x2::{
    abs as i64x2_abs, add as i64x2_add, all_true as i64x2_all_true, bitmask as i64x2_bitmask, eq as i64x2_eq,
    ge_s as i64x2_ge_s, gt_s as i64x2_gt_s, le_s as i64x2_le_s, lt_s as i64x2_lt_s, mul as i64x2_mul, ne as i64x2_ne,
    neg as i64x2_neg, shl as i64x2_shl, shr_s as i64x2_shr_s, shr_u as i64x2_shr_u, sub as i64x2_sub,
};

#[inline]
pub fn i8x16_popcnt(a: V) -> V {
    map1!(a, u8s, from_u8s, |x| x.count_ones() as u8)
}

/// Narrowing with signed or unsigned saturation: `a`'s lanes, then `b`'s.
macro_rules! narrow {
    ($($name:ident: $get:ident => $put:ident, $t:ty, $n:literal;)*) => {$(
        #[inline]
        pub fn $name(a: V, b: V) -> V {
            let (a, b) = ($get(a), $get(b));
            $put(core::array::from_fn(|i| {
                let x = if i < $n / 2 { a[i] } else { b[i - $n / 2] };
                x.clamp(<$t>::MIN as _, <$t>::MAX as _) as $t
            }))
        }
    )*};
}
narrow! {
    i8x16_narrow_i16x8_s: i16s => from_i8s, i8, 16;
    i8x16_narrow_i16x8_u: i16s => from_u8s, u8, 16;
    i16x8_narrow_i32x4_s: i32s => from_i16s, i16, 8;
    i16x8_narrow_i32x4_u: i32s => from_u16s, u16, 8;
}

/// Widening of the low or high half of the lanes (from lane `$half`) to
/// lanes of `$to`; with SSE2 on x86-64, one unpack with zeros or with the
/// lanes' signs: lane by lane, LLVM took the 8 bytes of a
/// `v128.load8x8_u` apart one by one (40 instructions for one `punpcklbw`).
macro_rules! extend {
    ($($name:ident: $get:ident => $put:ident, $to:ty, $half:literal;)*) => {$(
        #[inline]
        pub fn $name(a: V) -> V {
            #[cfg(target_arch = "x86_64")]
            {
                // From lanes half `$to`'s width, signed as `$to` is.
                x86::widen::<{ (core::mem::size_of::<$to>() * 4) as u32 }, { $half != 0 }, { <$to>::MIN != 0 }>(a)
            }
            #[cfg(not(target_arch = "x86_64"))]
            {
                let a = $get(a);
                $put(core::array::from_fn(|i| a[i + $half] as $to))
            }
        }
    )*};
}
extend! {
    i16x8_extend_low_i8x16_s: i8s => from_i16s, i16, 0;
    i16x8_extend_high_i8x16_s: i8s => from_i16s, i16, 8;
    i16x8_extend_low_i8x16_u: u8s => from_u16s, u16, 0;
    i16x8_extend_high_i8x16_u: u8s => from_u16s, u16, 8;
    i32x4_extend_low_i16x8_s: i16s => from_i32s, i32, 0;
    i32x4_extend_high_i16x8_s: i16s => from_i32s, i32, 4;
    i32x4_extend_low_i16x8_u: u16s => from_u32s, u32, 0;
    i32x4_extend_high_i16x8_u: u16s => from_u32s, u32, 4;
    i64x2_extend_low_i32x4_s: i32s => from_i64s, i64, 0;
    i64x2_extend_high_i32x4_s: i32s => from_i64s, i64, 2;
    i64x2_extend_low_i32x4_u: u32s => from_u64s, u64, 0;
    i64x2_extend_high_i32x4_u: u32s => from_u64s, u64, 2;
}

/// Widening multiplication of the low or high half of the lanes.
macro_rules! extmul {
    ($($name:ident: $get:ident => $put:ident, $to:ty, $half:literal;)*) => {$(
        #[inline]
        pub fn $name(a: V, b: V) -> V {
            let (a, b) = ($get(a), $get(b));
            $put(core::array::from_fn(|i| (a[i + $half] as $to).wrapping_mul(b[i + $half] as $to)))
        }
    )*};
}
extmul! {
    i16x8_ext_mul_low_i8x16_s: i8s => from_i16s, i16, 0;
    i16x8_ext_mul_high_i8x16_s: i8s => from_i16s, i16, 8;
    i16x8_ext_mul_low_i8x16_u: u8s => from_u16s, u16, 0;
    i16x8_ext_mul_high_i8x16_u: u8s => from_u16s, u16, 8;
    i32x4_ext_mul_low_i16x8_s: i16s => from_i32s, i32, 0;
    i32x4_ext_mul_high_i16x8_s: i16s => from_i32s, i32, 4;
    i32x4_ext_mul_low_i16x8_u: u16s => from_u32s, u32, 0;
    i32x4_ext_mul_high_i16x8_u: u16s => from_u32s, u32, 4;
    i64x2_ext_mul_low_i32x4_s: i32s => from_i64s, i64, 0;
    i64x2_ext_mul_high_i32x4_s: i32s => from_i64s, i64, 2;
    i64x2_ext_mul_low_i32x4_u: u32s => from_u64s, u64, 0;
    i64x2_ext_mul_high_i32x4_u: u32s => from_u64s, u64, 2;
}

/// Sums of adjacent pairs, widened.
macro_rules! extadd {
    ($($name:ident: $get:ident => $put:ident, $to:ty;)*) => {$(
        #[inline]
        pub fn $name(a: V) -> V {
            let a = $get(a);
            $put(core::array::from_fn(|i| (a[2 * i] as $to).wrapping_add(a[2 * i + 1] as $to)))
        }
    )*};
}
extadd! {
    i16x8_ext_add_pairwise_i8x16_s: i8s => from_i16s, i16;
    i16x8_ext_add_pairwise_i8x16_u: u8s => from_u16s, u16;
    i32x4_ext_add_pairwise_i16x8_s: i16s => from_i32s, i32;
    i32x4_ext_add_pairwise_i16x8_u: u16s => from_u32s, u32;
}

#[inline]
pub fn i16x8_q15_mulr_sat_s(a: V, b: V) -> V {
    map2!(a, b, i16s, from_i16s, |x, y| ((x as i32 * y as i32 + 0x4000) >> 15).clamp(-32768, 32767) as i16)
}

#[inline]
pub fn i32x4_dot_i16x8_s(a: V, b: V) -> V {
    let (a, b) = (i16s(a), i16s(b));
    from_i32s(core::array::from_fn(|i| {
        (a[2 * i] as i32 * b[2 * i] as i32).wrapping_add(a[2 * i + 1] as i32 * b[2 * i + 1] as i32)
    }))
}
#[inline]
pub fn i16x8_relaxed_dot_i8x16_i7x16_s(a: V, b: V) -> V {
    let (a, b) = (i8s(a), i8s(b));
    from_i16s(core::array::from_fn(|i| {
        (a[2 * i] as i16 * b[2 * i] as i16).wrapping_add(a[2 * i + 1] as i16 * b[2 * i + 1] as i16)
    }))
}
#[inline]
pub fn i32x4_relaxed_dot_i8x16_i7x16_add_s(a: V, b: V, c: V) -> V {
    // The 16-bit pair sums of `i16x8_relaxed_dot_i8x16_i7x16_s`, two by two.
    let (pairs, c) = (i16s(i16x8_relaxed_dot_i8x16_i7x16_s(a, b)), i32s(c));
    from_i32s(core::array::from_fn(|i| (pairs[2 * i] as i32).wrapping_add(pairs[2 * i + 1] as i32).wrapping_add(c[i])))
}

// --- Float lanes ---

macro_rules! float_ops {
    ($($p:ident: $f:ty, $quiet:expr, $get:ident, $put:ident, $first_nan:path, $min:path, $max:path, $ceil:path, $floor:path, $trunc:path, $nearest:path,
       x86 $vt:ident $unord:ident $movemask:ident $or:ident $and:ident $andnot:ident,
       arith [$($name:ident $intrinsic:ident $op:tt),*];)*) => {$(
        pub mod $p {
            use super::*;
            /// `x op y` lane by lane, with the NaN each lane gives made
            /// explicit: the first NaN operand, quieted (what x86's SSE
            /// instructions give, which the JIT emits), or the NaN the
            /// operation made (`inf - inf`). Left to the Rust compiler, the
            /// NaN of `x + y` depended on the operand order it chose (it
            /// commutes `+` and `*`). The lanes are computed first and
            /// mended only if one is a NaN, so the common case stays a
            /// vector instruction. (The x86-64 build uses `arith_x86`; unit
            /// tests hold the two to the same bits.)
            #[cfg(any(test, not(target_arch = "x86_64")))]
            #[inline(always)]
            pub(super) fn arith(a: V, b: V, op: impl Fn($f, $f) -> $f) -> V {
                let (x, y) = ($get(a), $get(b));
                let r: [$f; 16 / core::mem::size_of::<$f>()] = core::array::from_fn(|i| op(x[i], y[i]));
                if r.iter().fold(false, |nan, v| nan | v.is_nan()) {
                    return $put(core::array::from_fn(|i| nan_first(x[i], y[i], r[i])));
                }
                $put(r)
            }
            #[cfg(any(test, not(target_arch = "x86_64")))]
            #[cold]
            fn nan_first(x: $f, y: $f, r: $f) -> $f {
                if r.is_nan() && (x.is_nan() || y.is_nan()) { $first_nan(x, y) } else { r }
            }
            /// On x86-64, `arith` with SSE2 (part of every x86-64): one
            /// vector instruction, and `nan_first`'s rule in vector
            /// instructions when a lane is a NaN (a NaN result comes from a
            /// NaN operand or from the operation itself: the first NaN
            /// operand, quieted, else the result). Portable Rust compiled
            /// to four scalar operations and four NaN tests (simd_mandel in
            /// the interpreter: 42% more instructions); with the portable
            /// code as the NaN path, the result went through general
            /// registers and six were saved on every call.
            #[cfg(target_arch = "x86_64")]
            #[inline(always)]
            fn arith_x86(
                a: V,
                b: V,
                vector: fn(core::arch::x86_64::$vt, core::arch::x86_64::$vt) -> core::arch::x86_64::$vt,
            ) -> V {
                use core::arch::x86_64::*;
                const LANES: usize = 16 / core::mem::size_of::<$f>();
                const BITS: usize = 128 / LANES;
                const QUIET: V = {
                    let mut q = 0u128;
                    let mut i = 0;
                    while i < LANES {
                        q |= ($quiet as u128) << (BITS * i);
                        i += 1;
                    }
                    from_bits(q)
                };
                // SAFETY: `V` and the SSE vector type are both 16 bytes of
                // plain bits; SSE and SSE2 are part of every x86-64 target.
                unsafe {
                    let (x, y) = (core::mem::transmute::<V, $vt>(a), core::mem::transmute::<V, $vt>(b));
                    let mut r = vector(x, y);
                    if $movemask($unord(r, r)) != 0 {
                        let quiet = core::mem::transmute::<V, $vt>(QUIET);
                        let (xn, yn) = ($unord(x, x), $unord(y, y));
                        let pick = |m: $vt, t: $vt, f: $vt| $or($and(m, t), $andnot(m, f));
                        r = pick(xn, $or(x, quiet), pick(yn, $or(y, quiet), r));
                    }
                    core::mem::transmute::<$vt, V>(r)
                }
            }
            $(
                #[inline]
                pub fn $name(a: V, b: V) -> V {
                    #[cfg(target_arch = "x86_64")]
                    {
                        // SAFETY: SSE and SSE2 are part of every x86-64 target.
                        arith_x86(a, b, |x, y| unsafe { core::arch::x86_64::$intrinsic(x, y) })
                    }
                    #[cfg(not(target_arch = "x86_64"))]
                    {
                        arith(a, b, |x, y| x $op y)
                    }
                }
            )*
            #[inline]
            pub fn min(a: V, b: V) -> V { map2!(a, b, $get, $put, |x, y| $min(x, y)) }
            #[inline]
            pub fn max(a: V, b: V) -> V { map2!(a, b, $get, $put, |x, y| $max(x, y)) }
            #[inline]
            pub fn pmin(a: V, b: V) -> V { map2!(a, b, $get, $put, |x, y| if y < x { y } else { x }) }
            #[inline]
            pub fn pmax(a: V, b: V) -> V { map2!(a, b, $get, $put, |x, y| if x < y { y } else { x }) }
            #[inline]
            pub fn sqrt(a: V) -> V { map1!(a, $get, $put, |x| x.sqrt()) }
            #[inline]
            pub fn ceil(a: V) -> V { map1!(a, $get, $put, |x| $ceil(x)) }
            #[inline]
            pub fn floor(a: V) -> V { map1!(a, $get, $put, |x| $floor(x)) }
            #[inline]
            pub fn trunc(a: V) -> V { map1!(a, $get, $put, |x| $trunc(x)) }
            #[inline]
            pub fn nearest(a: V) -> V { map1!(a, $get, $put, |x| $nearest(x)) }
            #[inline]
            pub fn madd(a: V, b: V, c: V) -> V {
                let (a, b, c) = ($get(a), $get(b), $get(c));
                $put(core::array::from_fn(|i| a[i].mul_add(b[i], c[i])))
            }
            #[inline]
            pub fn nmadd(a: V, b: V, c: V) -> V {
                let (a, b, c) = ($get(a), $get(b), $get(c));
                $put(core::array::from_fn(|i| (-a[i]).mul_add(b[i], c[i])))
            }
        }
    )*};
}
float_ops! {
    f32x4: f32, 0x0040_0000, f32s, from_f32s, num::f32_first_nan, num::f32_min, num::f32_max, num::f32_ceil, num::f32_floor, num::f32_trunc, num::f32_nearest,
        x86 __m128 _mm_cmpunord_ps _mm_movemask_ps _mm_or_ps _mm_and_ps _mm_andnot_ps,
        arith [add _mm_add_ps +, sub _mm_sub_ps -, mul _mm_mul_ps *, div _mm_div_ps /];
    f64x2: f64, 0x0008_0000_0000_0000, f64s, from_f64s, num::f64_first_nan, num::f64_min, num::f64_max, num::f64_ceil, num::f64_floor, num::f64_trunc, num::f64_nearest,
        x86 __m128d _mm_cmpunord_pd _mm_movemask_pd _mm_or_pd _mm_and_pd _mm_andnot_pd,
        arith [add _mm_add_pd +, sub _mm_sub_pd -, mul _mm_mul_pd *, div _mm_div_pd /];
}

/// `Config::canonicalize_nans`: NaN lanes become the canonical NaN.
#[inline]
pub fn f32x4_canon_nan(a: V) -> V {
    map1!(a, f32s, from_f32s, |x| num::f32_canon_nan(x))
}

/// As `f32x4_canon_nan`.
#[inline]
pub fn f64x2_canon_nan(a: V) -> V {
    map1!(a, f64s, from_f64s, |x| num::f64_canon_nan(x))
}

/// Sign-bit operations on float lanes (bitwise: NaNs pass unchanged).
macro_rules! float_bits {
    ($($abs:ident $neg:ident: $get:ident $put:ident, $sign:expr;)*) => {$(
        #[inline]
        pub fn $abs(a: V) -> V { map1!(a, $get, $put, |x| x & !$sign) }
        #[inline]
        pub fn $neg(a: V) -> V { map1!(a, $get, $put, |x| x ^ $sign) }
    )*};
}
float_bits! {
    f32x4_abs f32x4_neg: u32s from_u32s, 1u32 << 31;
    f64x2_abs f64x2_neg: u64s from_u64s, 1u64 << 63;
}

/// Float comparisons: all-ones lanes where they hold.
macro_rules! float_cmp {
    ($($name:ident: $get:ident => $put:ident, $t:ty, |$a:ident, $b:ident| $e:expr;)*) => {$(
        #[inline]
        pub fn $name(x: V, y: V) -> V {
            let (x, y) = ($get(x), $get(y));
            $put(core::array::from_fn(|i| {
                let ($a, $b) = (x[i], y[i]);
                mask!($e, $t)
            }))
        }
    )*};
}
float_cmp! {
    f32x4_eq: f32s => from_u32s, u32, |a, b| a == b;
    f32x4_ne: f32s => from_u32s, u32, |a, b| a != b;
    f32x4_lt: f32s => from_u32s, u32, |a, b| a < b;
    f32x4_gt: f32s => from_u32s, u32, |a, b| a > b;
    f32x4_le: f32s => from_u32s, u32, |a, b| a <= b;
    f32x4_ge: f32s => from_u32s, u32, |a, b| a >= b;
    f64x2_eq: f64s => from_u64s, u64, |a, b| a == b;
    f64x2_ne: f64s => from_u64s, u64, |a, b| a != b;
    f64x2_lt: f64s => from_u64s, u64, |a, b| a < b;
    f64x2_gt: f64s => from_u64s, u64, |a, b| a > b;
    f64x2_le: f64s => from_u64s, u64, |a, b| a <= b;
    f64x2_ge: f64s => from_u64s, u64, |a, b| a >= b;
}

pub use self::f32x4::{
    add as f32x4_add, ceil as f32x4_ceil, div as f32x4_div, floor as f32x4_floor, madd as f32x4_relaxed_madd,
    max as f32x4_max, max as f32x4_relaxed_max, min as f32x4_min, min as f32x4_relaxed_min, mul as f32x4_mul,
    nearest as f32x4_nearest, nmadd as f32x4_relaxed_nmadd, pmax as f32x4_p_max, pmin as f32x4_p_min,
    sqrt as f32x4_sqrt, sub as f32x4_sub, trunc as f32x4_trunc,
};
pub use self::f64x2::{
    add as f64x2_add, ceil as f64x2_ceil, div as f64x2_div, floor as f64x2_floor, madd as f64x2_relaxed_madd,
    max as f64x2_max, max as f64x2_relaxed_max, min as f64x2_min, min as f64x2_relaxed_min, mul as f64x2_mul,
    nearest as f64x2_nearest, nmadd as f64x2_relaxed_nmadd, pmax as f64x2_p_max, pmin as f64x2_p_min,
    sqrt as f64x2_sqrt, sub as f64x2_sub, trunc as f64x2_trunc,
};

// --- Conversions ---

#[inline]
pub fn i32x4_trunc_sat_f32x4_s(a: V) -> V {
    let a = f32s(a);
    from_i32s(core::array::from_fn(|i| a[i] as i32))
}
#[inline]
pub fn i32x4_trunc_sat_f32x4_u(a: V) -> V {
    let a = f32s(a);
    from_u32s(core::array::from_fn(|i| a[i] as u32))
}
#[inline]
pub fn i32x4_trunc_sat_f64x2_s_zero(a: V) -> V {
    let a = f64s(a);
    from_i32s(core::array::from_fn(|i| if i < 2 { a[i] as i32 } else { 0 }))
}
#[inline]
pub fn i32x4_trunc_sat_f64x2_u_zero(a: V) -> V {
    let a = f64s(a);
    from_u32s(core::array::from_fn(|i| if i < 2 { a[i] as u32 } else { 0 }))
}
#[inline]
pub fn f32x4_convert_i32x4_s(a: V) -> V {
    let a = i32s(a);
    from_f32s(core::array::from_fn(|i| a[i] as f32))
}
#[inline]
pub fn f32x4_convert_i32x4_u(a: V) -> V {
    let a = u32s(a);
    from_f32s(core::array::from_fn(|i| a[i] as f32))
}
#[inline]
pub fn f64x2_convert_low_i32x4_s(a: V) -> V {
    let a = i32s(a);
    from_f64s(core::array::from_fn(|i| a[i] as f64))
}
#[inline]
pub fn f64x2_convert_low_i32x4_u(a: V) -> V {
    let a = u32s(a);
    from_f64s(core::array::from_fn(|i| a[i] as f64))
}
#[inline]
pub fn f32x4_demote_f64x2_zero(a: V) -> V {
    let a = f64s(a);
    from_f32s(core::array::from_fn(|i| if i < 2 { a[i] as f32 } else { 0.0 }))
}
#[inline]
pub fn f64x2_promote_low_f32x4(a: V) -> V {
    let a = f32s(a);
    from_f64s(core::array::from_fn(|i| a[i] as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A xorshift generator of test operands.
    fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
        move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        }
    }

    /// The float arithmetic each build uses (SSE2 on x86-64) gives the
    /// bits of the portable definition, NaN payloads included.
    #[test]
    fn float_arithmetic_matches_the_portable_definition() {
        let f32s = [
            0x7fc0_0000u32,
            0xffc0_0000,
            0x7fa0_0001,
            0xff81_2345,
            0x7f80_0000,
            0xff80_0000,
            0,
            0x8000_0000,
            0x3fc0_0000,
            0x0000_0001,
        ];
        let f64s = [
            0x7ff8_0000_0000_0000u64,
            0xfff4_0000_0000_0001,
            0x7ff0_0000_0000_0000,
            0xfff0_0000_0000_0000,
            0,
            0x8000_0000_0000_0000,
            0x3ff8_0000_0000_0000,
        ];
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let a = from_bits((0..4).fold(0u128, |v, k| v | (f32s[next() as usize % f32s.len()] as u128) << (32 * k)));
            let b = from_bits((0..4).fold(0u128, |v, k| v | (f32s[next() as usize % f32s.len()] as u128) << (32 * k)));
            assert_eq!(f32x4_add(a, b), f32x4::arith(a, b, |x, y| x + y), "{a:x?} + {b:x?}");
            assert_eq!(f32x4_sub(a, b), f32x4::arith(a, b, |x, y| x - y), "{a:x?} - {b:x?}");
            assert_eq!(f32x4_mul(a, b), f32x4::arith(a, b, |x, y| x * y), "{a:x?} * {b:x?}");
            assert_eq!(f32x4_div(a, b), f32x4::arith(a, b, |x, y| x / y), "{a:x?} / {b:x?}");
            let c = from_bits(
                (f64s[next() as usize % f64s.len()] as u128) | (f64s[next() as usize % f64s.len()] as u128) << 64,
            );
            let d = from_bits(
                (f64s[next() as usize % f64s.len()] as u128) | (f64s[next() as usize % f64s.len()] as u128) << 64,
            );
            assert_eq!(f64x2_add(c, d), f64x2::arith(c, d, |x, y| x + y), "{c:x?} + {d:x?}");
            assert_eq!(f64x2_sub(c, d), f64x2::arith(c, d, |x, y| x - y), "{c:x?} - {d:x?}");
            assert_eq!(f64x2_mul(c, d), f64x2::arith(c, d, |x, y| x * y), "{c:x?} * {d:x?}");
            assert_eq!(f64x2_div(c, d), f64x2::arith(c, d, |x, y| x / y), "{c:x?} / {d:x?}");
        }
    }

    /// The SSSE3 shuffles give the portable table's bytes, on indices of
    /// every range (swizzle's from 16 up give 0).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn byte_shuffles_match_the_portable_definition() {
        if !x86::has_ssse3() {
            return;
        }
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..5_000 {
            let (a, b) = (from_bits((next() as u128) << 64 | next() as u128), from_bits(next() as u128));
            let lanes = from_bits((next() as u128) << 64 | next() as u128);
            let small = core::array::from_fn(|i| lanes[i] % 40);
            for k in [lanes, small] {
                // SAFETY: SSSE3 was detected above.
                assert_eq!(unsafe { x86::shuffle(a, b, k) }, shuffle_portable(a, b, k), "{k:?}");
                // SAFETY: as above.
                assert_eq!(unsafe { x86::swizzle(a, k) }, swizzle_portable(a, k), "{k:?}");
            }
        }
    }

    #[test]
    fn lanes_are_little_endian() {
        let v = from_i32s([1, -2, 3, -4]);
        assert_eq!(bits(v) as u32, 1);
        assert_eq!(i32x4_extract_lane(v, 1) as u32 as i32, -2);
        assert_eq!(i32s(i32x4_add(v, v)), [2, -4, 6, -8]);
    }

    #[test]
    fn hand_checked_values() {
        // Saturating narrow: 300 -> 127 (signed), -5 -> 0 (unsigned).
        let a = from_i16s([300, -5, 0, 0, 0, 0, 0, 0]);
        assert_eq!(i8s(i8x16_narrow_i16x8_s(a, [0; 16]))[..2], [127, -5]);
        assert_eq!(u8s(i8x16_narrow_i16x8_u(a, [0; 16]))[..2], [255, 0]);
        // q15mulr_sat: -32768 * -32768 saturates.
        let m = from_i16s([-32768; 8]);
        assert_eq!(i16s(i16x8_q15_mulr_sat_s(m, m))[0], 32767);
        // Shifts take the count modulo the lane width.
        assert_eq!(u8s(i8x16_shl(i8x16_splat(1), 9))[0], 2);
        // Bitmask takes each lane's sign.
        assert_eq!(i32x4_bitmask(from_i32s([-1, 0, -7, 5])), 0b0101);
        // Swizzle: out-of-range indices give 0.
        let t = from_u8s(core::array::from_fn(|i| i as u8 + 10));
        assert_eq!(
            u8s(i8x16_swizzle(t, from_u8s([15, 16, 0, 255, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])))[..4],
            [25, 0, 10, 0]
        );
        // Float min is -0 for (+0, -0), and pmin is the first operand.
        let z = from_f32s([0.0, -0.0, 0.0, 0.0]);
        let nz = from_f32s([-0.0, 0.0, 0.0, 0.0]);
        assert_eq!(u32s(f32x4_min(z, nz))[0], 0x8000_0000);
        assert_eq!(u32s(f32x4_p_min(z, nz))[0], 0);
        // Saturating truncation: NaN -> 0, large -> max.
        let f = from_f32s([f32::NAN, 1e10, -1e10, -1.5]);
        assert_eq!(i32s(i32x4_trunc_sat_f32x4_s(f)), [0, i32::MAX, i32::MIN, -1]);
        // Dot product of i16 pairs.
        let d = i32x4_dot_i16x8_s(from_i16s([1, 2, 3, 4, 5, 6, 7, 8]), from_i16s([1; 8]));
        assert_eq!(i32s(d), [3, 7, 11, 15]);
    }
}
