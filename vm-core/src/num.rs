//! The interpreter's numeric semantics where Wasm's meaning differs from
//! Rust's defaults (division, truncation, min/max, rounding). The JIT emits
//! the same checks inline; the spec suite in every tier mode holds the two
//! to the same results.

use crate::trap::TrapCode;

macro_rules! int_div {
    ($($name_s:ident $name_u:ident $rem_s:ident $rem_u:ident : $s:ty, $u:ty;)*) => {$(
        #[inline]
        pub fn $name_s(a: $s, b: $s) -> Result<$s, TrapCode> {
            if b == 0 {
                return Err(TrapCode::IntegerDivisionByZero);
            }
            a.checked_div(b).ok_or(TrapCode::IntegerOverflow)
        }
        #[inline]
        pub fn $name_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            a.checked_div(b).ok_or(TrapCode::IntegerDivisionByZero)
        }
        #[inline]
        pub fn $rem_s(a: $s, b: $s) -> Result<$s, TrapCode> {
            if b == 0 {
                return Err(TrapCode::IntegerDivisionByZero);
            }
            Ok(a.wrapping_rem(b))
        }
        #[inline]
        pub fn $rem_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            a.checked_rem(b).ok_or(TrapCode::IntegerDivisionByZero)
        }
    )*};
}
int_div! {
    i32_div_s i32_div_u i32_rem_s i32_rem_u: i32, u32;
    i64_div_s i64_div_u i64_rem_s i64_rem_u: i64, u64;
}

macro_rules! float_minmax {
    ($($min:ident $max:ident $first_nan:ident : $f:ty, $quiet:expr;)*) => {$(
        /// The NaN of an op with a NaN operand (`a` or `b` is one): the
        /// first NaN operand, quieted (what x86's SSE instructions give, and so the JIT). Spelt
        /// out: left to the compiler, `a + b` may be commuted.
        #[cold]
        pub fn $first_nan(a: $f, b: $f) -> $f {
            let n = if a.is_nan() { a } else { b };
            <$f>::from_bits(n.to_bits() | $quiet)
        }
        /// Wasm `min`: NaN if either operand is NaN, and -0 < +0.
        #[inline]
        pub fn $min(a: $f, b: $f) -> $f {
            if a.is_nan() || b.is_nan() {
                return $first_nan(a, b);
            }
            if a == b {
                return <$f>::from_bits(a.to_bits() | b.to_bits());
            }
            if a < b { a } else { b }
        }
        /// Wasm `max`: NaN if either operand is NaN, and +0 > -0.
        #[inline]
        pub fn $max(a: $f, b: $f) -> $f {
            if a.is_nan() || b.is_nan() {
                return $first_nan(a, b);
            }
            if a == b {
                return <$f>::from_bits(a.to_bits() & b.to_bits());
            }
            if a > b { a } else { b }
        }
    )*};
}
float_minmax! {
    f32_min f32_max f32_first_nan: f32, 0x0040_0000;
    f64_min f64_max f64_first_nan: f64, 0x0008_0000_0000_0000;
}

/// `Config::canonicalize_nans`: a NaN becomes the canonical NaN (positive,
/// quiet, zero payload); other values pass unchanged.
#[inline]
pub fn f32_canon_nan(a: f32) -> f32 {
    if a.is_nan() { f32::from_bits(0x7fc0_0000) } else { a }
}

/// As `f32_canon_nan`.
#[inline]
pub fn f64_canon_nan(a: f64) -> f64 {
    if a.is_nan() { f64::from_bits(0x7ff8_0000_0000_0000) } else { a }
}

macro_rules! rounding {
    ($($name:ident: $f:ty, $quiet:expr, $method:ident;)*) => {$(
        /// Wasm rounding: a NaN operand gives a quiet NaN (the platform's
        /// library routine may hand a signalling NaN back unchanged).
        #[inline]
        pub fn $name(a: $f) -> $f {
            if a.is_nan() {
                return <$f>::from_bits(a.to_bits() | $quiet);
            }
            a.$method()
        }
    )*};
}
rounding! {
    f32_ceil: f32, 0x0040_0000, ceil;
    f32_floor: f32, 0x0040_0000, floor;
    f32_trunc: f32, 0x0040_0000, trunc;
    f32_nearest: f32, 0x0040_0000, round_ties_even;
    f64_ceil: f64, 0x0008_0000_0000_0000, ceil;
    f64_floor: f64, 0x0008_0000_0000_0000, floor;
    f64_trunc: f64, 0x0008_0000_0000_0000, trunc;
    f64_nearest: f64, 0x0008_0000_0000_0000, round_ties_even;
}

macro_rules! trunc {
    ($($name:ident: $f:ty => $i:ty, $lo:expr, $hi:expr;)*) => {$(
        /// Trapping float-to-int truncation: NaN and out-of-range values trap.
        #[inline]
        pub fn $name(x: $f) -> Result<$i, TrapCode> {
            if x.is_nan() {
                return Err(TrapCode::BadConversionToInteger);
            }
            let x = x as f64;
            // `lo` and `hi` are exclusive bounds, exact in f64.
            if x > $lo && x < $hi {
                Ok(x as $i)
            } else {
                Err(TrapCode::IntegerOverflow)
            }
        }
    )*};
}
trunc! {
    i32_trunc_f32_s: f32 => i32, -2147483649.0, 2147483648.0;
    i32_trunc_f32_u: f32 => u32, -1.0, 4294967296.0;
    i32_trunc_f64_s: f64 => i32, -2147483649.0, 2147483648.0;
    i32_trunc_f64_u: f64 => u32, -1.0, 4294967296.0;
    i64_trunc_f32_u: f32 => u64, -1.0, 18446744073709551616.0;
    i64_trunc_f64_u: f64 => u64, -1.0, 18446744073709551616.0;
}

/// Trapping f32 -> i64 (signed): the lower bound is inclusive.
#[inline]
pub fn i64_trunc_f32_s(x: f32) -> Result<i64, TrapCode> {
    i64_trunc_f64_s(x as f64)
}

/// Trapping f64 -> i64 (signed): the lower bound -2^63 is inclusive.
#[inline]
pub fn i64_trunc_f64_s(x: f64) -> Result<i64, TrapCode> {
    if x.is_nan() {
        return Err(TrapCode::BadConversionToInteger);
    }
    if (-9223372036854775808.0..9223372036854775808.0).contains(&x) {
        Ok(x as i64)
    } else {
        Err(TrapCode::IntegerOverflow)
    }
}

/// Unsigned u64 -> f32 with a single rounding.
#[inline]
pub fn f32_convert_u64(x: u64) -> f32 {
    x as f32
}

// --- Wide arithmetic: 128-bit values as (low, high) `i64` halves ---

fn join128(x: (u64, u64)) -> u128 {
    x.0 as u128 | (x.1 as u128) << 64
}

fn split128(x: u128) -> (u64, u64) {
    (x as u64, (x >> 64) as u64)
}

/// `i64.add128`: the 128-bit sum, wrapping.
pub fn i64_add128(a: (u64, u64), b: (u64, u64)) -> (u64, u64) {
    split128(join128(a).wrapping_add(join128(b)))
}

/// `i64.sub128`: the 128-bit difference, wrapping.
pub fn i64_sub128(a: (u64, u64), b: (u64, u64)) -> (u64, u64) {
    split128(join128(a).wrapping_sub(join128(b)))
}

/// `i64.mul_wide_s`: the signed 128-bit product.
pub fn i64_mul_wide_s(a: i64, b: i64) -> (u64, u64) {
    split128((a as i128 * b as i128) as u128)
}

/// `i64.mul_wide_u`: the unsigned 128-bit product.
pub fn i64_mul_wide_u(a: u64, b: u64) -> (u64, u64) {
    split128(a as u128 * b as u128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_traps() {
        assert_eq!(i32_div_s(i32::MIN, -1), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_div_s(1, 0), Err(TrapCode::IntegerDivisionByZero));
        assert_eq!(i32_rem_s(i32::MIN, -1), Ok(0));
        assert_eq!(i64_div_u(7, 2), Ok(3));
        assert_eq!(i64_rem_u(7, 0), Err(TrapCode::IntegerDivisionByZero));
    }

    #[test]
    fn min_max_zero_and_nan() {
        assert!(f32_min(0.0, -0.0).is_sign_negative());
        assert!(f32_max(-0.0, 0.0).is_sign_positive());
        assert!(f64_min(1.0, f64::NAN).is_nan());
        assert_eq!(f64_max(1.0, 2.0), 2.0);
    }

    #[test]
    fn truncation_bounds() {
        assert_eq!(i32_trunc_f32_s(-2147483648.0), Ok(i32::MIN));
        assert_eq!(i32_trunc_f32_s(2147483648.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_trunc_f64_s(-2147483648.9), Ok(i32::MIN));
        assert_eq!(i32_trunc_f64_s(-2147483649.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(i32_trunc_f64_u(f64::NAN), Err(TrapCode::BadConversionToInteger));
        assert_eq!(i64_trunc_f64_s(-9223372036854775808.0), Ok(i64::MIN));
        assert_eq!(i64_trunc_f64_s(9223372036854775808.0), Err(TrapCode::IntegerOverflow));
        assert_eq!(i64_trunc_f32_u(18446742974197923840.0), Ok(18446742974197923840));
        assert_eq!(f32_nearest(2.5), 2.0);
        assert_eq!(f64_nearest(-3.5), -4.0);
        let snan = f32::from_bits(0x7fa0_0000);
        assert_eq!(f32_floor(snan).to_bits(), 0x7fe0_0000);
        assert_eq!(f64_trunc(f64::from_bits(0xfff4_0000_0000_0000)).to_bits(), 0xfffc_0000_0000_0000);
    }
}
