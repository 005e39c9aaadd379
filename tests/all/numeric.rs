//! Every numeric operator, in the interpreter and in the JIT, against a
//! plain-Rust reference (proptest): integer wrap-around and traps, float
//! rounding, conversions and their traps, and NaN bit patterns as the spec
//! allows them (bit-exact for `abs`/`neg`/`copysign`/reinterpret, otherwise a
//! canonical NaN when every NaN input is canonical, else an arithmetic one).
//!
//! Each operator is exported in several forms, because the translator and
//! the JIT treat them differently: both operands as parameters, the right or
//! the left one a constant (constant slots, which Cranelift folds), every
//! operand a constant (folded completely), and for comparisons the form
//! fused into a conditional branch.

use proptest::prelude::*;
use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};
use tandem::{Config, Engine, Instance, Module, Store, Tier, TrapCode, Val};

#[derive(Clone, Copy, Debug, PartialEq)]
enum T {
    I32,
    I64,
    F32,
    F64,
}

type Outcome = Result<u64, TrapCode>;

/// One operator: its text name, operand and result types, whether a NaN
/// result must be bit-exact, and the reference.
struct NumOp {
    name: &'static str,
    params: &'static [T],
    result: T,
    exact: bool,
    eval: fn(&[u64]) -> Outcome,
}

fn f32v(b: u64) -> f32 {
    f32::from_bits(b as u32)
}
fn f64v(b: u64) -> f64 {
    f64::from_bits(b)
}
fn i32v(b: u64) -> i32 {
    b as u32 as i32
}
fn from_f32(x: f32) -> Outcome {
    Ok(x.to_bits() as u64)
}
fn from_f64(x: f64) -> Outcome {
    Ok(x.to_bits())
}
fn from_i32(x: i32) -> Outcome {
    Ok(x as u32 as u64)
}
fn from_bool(x: bool) -> Outcome {
    Ok(x as u64)
}

/// `x` truncated if it lies in `lo < trunc(x) < hi` (bounds exclusive, in
/// f64, where every f32 and every bound below is exact).
fn trunc_in(x: f64, lo: f64, hi: f64) -> Result<f64, TrapCode> {
    if x.is_nan() {
        return Err(TrapCode::BadConversionToInteger);
    }
    let t = x.trunc();
    if t > lo && t < hi { Ok(t) } else { Err(TrapCode::IntegerOverflow) }
}
const I32_LO: f64 = -2147483649.0;
const I32_HI: f64 = 2147483648.0;
const U32_HI: f64 = 4294967296.0;
const I64_LO: f64 = -9223372036854777856.0; // the f64 below -2^63
const I64_HI: f64 = 9223372036854775808.0;
const U64_HI: f64 = 18446744073709551616.0;

/// Wasm `min`/`max` for one float width: NaN if either operand is, and
/// -0 below +0 (Rust's `min`/`max` ignore NaNs and do not order zeros).
macro_rules! wasm_min_max {
    ($t:ty, $min:ident, $max:ident) => {
        fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                <$t>::NAN
            } else if a == b {
                <$t>::from_bits(a.to_bits() | b.to_bits()) // -0 wins
            } else {
                a.min(b)
            }
        }
        fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                <$t>::NAN
            } else if a == b {
                <$t>::from_bits(a.to_bits() & b.to_bits()) // +0 wins
            } else {
                a.max(b)
            }
        }
    };
}
wasm_min_max!(f32, fmin32, fmax32);
wasm_min_max!(f64, fmin64, fmax64);

macro_rules! op {
    (exact $name:expr, [$($p:ident),*] -> $r:ident, $eval:expr) => {
        NumOp { name: $name, params: &[$(T::$p),*], result: T::$r, exact: true, eval: $eval }
    };
    ($name:expr, [$($p:ident),*] -> $r:ident, $eval:expr) => {
        NumOp { name: $name, params: &[$(T::$p),*], result: T::$r, exact: false, eval: $eval }
    };
}

/// The 20 arithmetic and comparison operators of one float width: `$get`
/// reads an operand's bits as `$w`, `$put` writes a result.
macro_rules! float_ops {
    ($w:literal, $t:ident, $get:ident, $put:ident, $min:ident, $max:ident) => {
        vec![
            op!(concat!($w, ".add"), [$t, $t] -> $t, |a| $put($get(a[0]) + $get(a[1]))),
            op!(concat!($w, ".sub"), [$t, $t] -> $t, |a| $put($get(a[0]) - $get(a[1]))),
            op!(concat!($w, ".mul"), [$t, $t] -> $t, |a| $put($get(a[0]) * $get(a[1]))),
            op!(concat!($w, ".div"), [$t, $t] -> $t, |a| $put($get(a[0]) / $get(a[1]))),
            op!(concat!($w, ".min"), [$t, $t] -> $t, |a| $put($min($get(a[0]), $get(a[1])))),
            op!(concat!($w, ".max"), [$t, $t] -> $t, |a| $put($max($get(a[0]), $get(a[1])))),
            // Rust's copysign, abs and neg touch only the sign bit, NaNs included.
            op!(exact concat!($w, ".copysign"), [$t, $t] -> $t, |a| $put($get(a[0]).copysign($get(a[1])))),
            op!(concat!($w, ".eq"), [$t, $t] -> I32, |a| from_bool($get(a[0]) == $get(a[1]))),
            op!(concat!($w, ".ne"), [$t, $t] -> I32, |a| from_bool($get(a[0]) != $get(a[1]))),
            op!(concat!($w, ".lt"), [$t, $t] -> I32, |a| from_bool($get(a[0]) < $get(a[1]))),
            op!(concat!($w, ".gt"), [$t, $t] -> I32, |a| from_bool($get(a[0]) > $get(a[1]))),
            op!(concat!($w, ".le"), [$t, $t] -> I32, |a| from_bool($get(a[0]) <= $get(a[1]))),
            op!(concat!($w, ".ge"), [$t, $t] -> I32, |a| from_bool($get(a[0]) >= $get(a[1]))),
            op!(exact concat!($w, ".abs"), [$t] -> $t, |a| $put($get(a[0]).abs())),
            op!(exact concat!($w, ".neg"), [$t] -> $t, |a| $put(-$get(a[0]))),
            op!(concat!($w, ".ceil"), [$t] -> $t, |a| $put($get(a[0]).ceil())),
            op!(concat!($w, ".floor"), [$t] -> $t, |a| $put($get(a[0]).floor())),
            op!(concat!($w, ".trunc"), [$t] -> $t, |a| $put($get(a[0]).trunc())),
            op!(concat!($w, ".nearest"), [$t] -> $t, |a| $put($get(a[0]).round_ties_even())),
            op!(concat!($w, ".sqrt"), [$t] -> $t, |a| $put($get(a[0]).sqrt())),
        ]
    };
}

fn ops() -> Vec<NumOp> {
    use TrapCode::{IntegerDivisionByZero as DivZero, IntegerOverflow as Overflow};
    vec![
        // --- i32 ---
        op!("i32.add", [I32, I32] -> I32, |a| from_i32(i32v(a[0]).wrapping_add(i32v(a[1])))),
        op!("i32.sub", [I32, I32] -> I32, |a| from_i32(i32v(a[0]).wrapping_sub(i32v(a[1])))),
        op!("i32.mul", [I32, I32] -> I32, |a| from_i32(i32v(a[0]).wrapping_mul(i32v(a[1])))),
        op!("i32.div_s", [I32, I32] -> I32, |a| match (i32v(a[0]), i32v(a[1])) {
            (_, 0) => Err(DivZero),
            (i32::MIN, -1) => Err(Overflow),
            (x, y) => from_i32(x / y),
        }),
        op!("i32.div_u", [I32, I32] -> I32, |a| match (a[0] as u32, a[1] as u32) {
            (_, 0) => Err(DivZero),
            (x, y) => Ok((x / y) as u64),
        }),
        op!("i32.rem_s", [I32, I32] -> I32, |a| match (i32v(a[0]), i32v(a[1])) {
            (_, 0) => Err(DivZero),
            (x, y) => from_i32(x.wrapping_rem(y)),
        }),
        op!("i32.rem_u", [I32, I32] -> I32, |a| match (a[0] as u32, a[1] as u32) {
            (_, 0) => Err(DivZero),
            (x, y) => Ok((x % y) as u64),
        }),
        op!("i32.and", [I32, I32] -> I32, |a| Ok((a[0] & a[1]) as u32 as u64)),
        op!("i32.or", [I32, I32] -> I32, |a| Ok((a[0] | a[1]) as u32 as u64)),
        op!("i32.xor", [I32, I32] -> I32, |a| Ok((a[0] ^ a[1]) as u32 as u64)),
        op!("i32.shl", [I32, I32] -> I32, |a| Ok((a[0] as u32).wrapping_shl(a[1] as u32) as u64)),
        op!("i32.shr_s", [I32, I32] -> I32, |a| from_i32(i32v(a[0]).wrapping_shr(a[1] as u32))),
        op!("i32.shr_u", [I32, I32] -> I32, |a| Ok((a[0] as u32).wrapping_shr(a[1] as u32) as u64)),
        op!("i32.rotl", [I32, I32] -> I32, |a| Ok((a[0] as u32).rotate_left(a[1] as u32 % 32) as u64)),
        op!("i32.rotr", [I32, I32] -> I32, |a| Ok((a[0] as u32).rotate_right(a[1] as u32 % 32) as u64)),
        op!("i32.eq", [I32, I32] -> I32, |a| from_bool(a[0] as u32 == a[1] as u32)),
        op!("i32.ne", [I32, I32] -> I32, |a| from_bool(a[0] as u32 != a[1] as u32)),
        op!("i32.lt_s", [I32, I32] -> I32, |a| from_bool(i32v(a[0]) < i32v(a[1]))),
        op!("i32.lt_u", [I32, I32] -> I32, |a| from_bool((a[0] as u32) < a[1] as u32)),
        op!("i32.gt_s", [I32, I32] -> I32, |a| from_bool(i32v(a[0]) > i32v(a[1]))),
        op!("i32.gt_u", [I32, I32] -> I32, |a| from_bool(a[0] as u32 > a[1] as u32)),
        op!("i32.le_s", [I32, I32] -> I32, |a| from_bool(i32v(a[0]) <= i32v(a[1]))),
        op!("i32.le_u", [I32, I32] -> I32, |a| from_bool(a[0] as u32 <= a[1] as u32)),
        op!("i32.ge_s", [I32, I32] -> I32, |a| from_bool(i32v(a[0]) >= i32v(a[1]))),
        op!("i32.ge_u", [I32, I32] -> I32, |a| from_bool(a[0] as u32 >= a[1] as u32)),
        op!("i32.clz", [I32] -> I32, |a| Ok((a[0] as u32).leading_zeros() as u64)),
        op!("i32.ctz", [I32] -> I32, |a| Ok((a[0] as u32).trailing_zeros() as u64)),
        op!("i32.popcnt", [I32] -> I32, |a| Ok((a[0] as u32).count_ones() as u64)),
        op!("i32.eqz", [I32] -> I32, |a| from_bool(a[0] as u32 == 0)),
        op!("i32.extend8_s", [I32] -> I32, |a| from_i32(a[0] as i8 as i32)),
        op!("i32.extend16_s", [I32] -> I32, |a| from_i32(a[0] as i16 as i32)),
        // --- i64 ---
        op!("i64.add", [I64, I64] -> I64, |a| Ok(a[0].wrapping_add(a[1]))),
        op!("i64.sub", [I64, I64] -> I64, |a| Ok(a[0].wrapping_sub(a[1]))),
        op!("i64.mul", [I64, I64] -> I64, |a| Ok(a[0].wrapping_mul(a[1]))),
        op!("i64.div_s", [I64, I64] -> I64, |a| match (a[0] as i64, a[1] as i64) {
            (_, 0) => Err(DivZero),
            (i64::MIN, -1) => Err(Overflow),
            (x, y) => Ok((x / y) as u64),
        }),
        op!("i64.div_u", [I64, I64] -> I64, |a| a[0].checked_div(a[1]).ok_or(DivZero)),
        op!("i64.rem_s", [I64, I64] -> I64, |a| match (a[0] as i64, a[1] as i64) {
            (_, 0) => Err(DivZero),
            (x, y) => Ok(x.wrapping_rem(y) as u64),
        }),
        op!("i64.rem_u", [I64, I64] -> I64, |a| a[0].checked_rem(a[1]).ok_or(DivZero)),
        op!("i64.and", [I64, I64] -> I64, |a| Ok(a[0] & a[1])),
        op!("i64.or", [I64, I64] -> I64, |a| Ok(a[0] | a[1])),
        op!("i64.xor", [I64, I64] -> I64, |a| Ok(a[0] ^ a[1])),
        op!("i64.shl", [I64, I64] -> I64, |a| Ok(a[0].wrapping_shl(a[1] as u32))),
        op!("i64.shr_s", [I64, I64] -> I64, |a| Ok((a[0] as i64).wrapping_shr(a[1] as u32) as u64)),
        op!("i64.shr_u", [I64, I64] -> I64, |a| Ok(a[0].wrapping_shr(a[1] as u32))),
        op!("i64.rotl", [I64, I64] -> I64, |a| Ok(a[0].rotate_left((a[1] % 64) as u32))),
        op!("i64.rotr", [I64, I64] -> I64, |a| Ok(a[0].rotate_right((a[1] % 64) as u32))),
        op!("i64.eq", [I64, I64] -> I32, |a| from_bool(a[0] == a[1])),
        op!("i64.ne", [I64, I64] -> I32, |a| from_bool(a[0] != a[1])),
        op!("i64.lt_s", [I64, I64] -> I32, |a| from_bool((a[0] as i64) < a[1] as i64)),
        op!("i64.lt_u", [I64, I64] -> I32, |a| from_bool(a[0] < a[1])),
        op!("i64.gt_s", [I64, I64] -> I32, |a| from_bool(a[0] as i64 > a[1] as i64)),
        op!("i64.gt_u", [I64, I64] -> I32, |a| from_bool(a[0] > a[1])),
        op!("i64.le_s", [I64, I64] -> I32, |a| from_bool(a[0] as i64 <= a[1] as i64)),
        op!("i64.le_u", [I64, I64] -> I32, |a| from_bool(a[0] <= a[1])),
        op!("i64.ge_s", [I64, I64] -> I32, |a| from_bool(a[0] as i64 >= a[1] as i64)),
        op!("i64.ge_u", [I64, I64] -> I32, |a| from_bool(a[0] >= a[1])),
        op!("i64.clz", [I64] -> I64, |a| Ok(a[0].leading_zeros() as u64)),
        op!("i64.ctz", [I64] -> I64, |a| Ok(a[0].trailing_zeros() as u64)),
        op!("i64.popcnt", [I64] -> I64, |a| Ok(a[0].count_ones() as u64)),
        op!("i64.eqz", [I64] -> I32, |a| from_bool(a[0] == 0)),
        op!("i64.extend8_s", [I64] -> I64, |a| Ok(a[0] as i8 as i64 as u64)),
        op!("i64.extend16_s", [I64] -> I64, |a| Ok(a[0] as i16 as i64 as u64)),
        op!("i64.extend32_s", [I64] -> I64, |a| Ok(a[0] as i32 as i64 as u64)),
    ]
    .into_iter()
    .chain(float_ops!("f32", F32, f32v, from_f32, fmin32, fmax32))
    .chain(float_ops!("f64", F64, f64v, from_f64, fmin64, fmax64))
    .chain([
        // --- conversions ---
        op!("i32.wrap_i64", [I64] -> I32, |a| Ok(a[0] as u32 as u64)),
        op!("i64.extend_i32_s", [I32] -> I64, |a| Ok(i32v(a[0]) as i64 as u64)),
        op!("i64.extend_i32_u", [I32] -> I64, |a| Ok(a[0] as u32 as u64)),
        op!("i32.trunc_f32_s", [F32] -> I32, |a| trunc_in(f32v(a[0]) as f64, I32_LO, I32_HI).map(|t| t as i32 as u32 as u64)),
        op!("i32.trunc_f32_u", [F32] -> I32, |a| trunc_in(f32v(a[0]) as f64, -1.0, U32_HI).map(|t| t as u32 as u64)),
        op!("i32.trunc_f64_s", [F64] -> I32, |a| trunc_in(f64v(a[0]), I32_LO, I32_HI).map(|t| t as i32 as u32 as u64)),
        op!("i32.trunc_f64_u", [F64] -> I32, |a| trunc_in(f64v(a[0]), -1.0, U32_HI).map(|t| t as u32 as u64)),
        op!("i64.trunc_f32_s", [F32] -> I64, |a| trunc_in(f32v(a[0]) as f64, I64_LO, I64_HI).map(|t| t as i64 as u64)),
        op!("i64.trunc_f32_u", [F32] -> I64, |a| trunc_in(f32v(a[0]) as f64, -1.0, U64_HI).map(|t| t as u64)),
        op!("i64.trunc_f64_s", [F64] -> I64, |a| trunc_in(f64v(a[0]), I64_LO, I64_HI).map(|t| t as i64 as u64)),
        op!("i64.trunc_f64_u", [F64] -> I64, |a| trunc_in(f64v(a[0]), -1.0, U64_HI).map(|t| t as u64)),
        // Rust's float-to-int `as` saturates and maps NaN to 0: the sat ops.
        op!("i32.trunc_sat_f32_s", [F32] -> I32, |a| from_i32(f32v(a[0]) as i32)),
        op!("i32.trunc_sat_f32_u", [F32] -> I32, |a| Ok(f32v(a[0]) as u32 as u64)),
        op!("i32.trunc_sat_f64_s", [F64] -> I32, |a| from_i32(f64v(a[0]) as i32)),
        op!("i32.trunc_sat_f64_u", [F64] -> I32, |a| Ok(f64v(a[0]) as u32 as u64)),
        op!("i64.trunc_sat_f32_s", [F32] -> I64, |a| Ok(f32v(a[0]) as i64 as u64)),
        op!("i64.trunc_sat_f32_u", [F32] -> I64, |a| Ok(f32v(a[0]) as u64)),
        op!("i64.trunc_sat_f64_s", [F64] -> I64, |a| Ok(f64v(a[0]) as i64 as u64)),
        op!("i64.trunc_sat_f64_u", [F64] -> I64, |a| Ok(f64v(a[0]) as u64)),
        // Rust's int-to-float `as` rounds to nearest, ties to even: as Wasm.
        op!("f32.convert_i32_s", [I32] -> F32, |a| from_f32(i32v(a[0]) as f32)),
        op!("f32.convert_i32_u", [I32] -> F32, |a| from_f32(a[0] as u32 as f32)),
        op!("f32.convert_i64_s", [I64] -> F32, |a| from_f32(a[0] as i64 as f32)),
        op!("f32.convert_i64_u", [I64] -> F32, |a| from_f32(a[0] as f32)),
        op!("f64.convert_i32_s", [I32] -> F64, |a| from_f64(i32v(a[0]) as f64)),
        op!("f64.convert_i32_u", [I32] -> F64, |a| from_f64(a[0] as u32 as f64)),
        op!("f64.convert_i64_s", [I64] -> F64, |a| from_f64(a[0] as i64 as f64)),
        op!("f64.convert_i64_u", [I64] -> F64, |a| from_f64(a[0] as f64)),
        op!("f32.demote_f64", [F64] -> F32, |a| from_f32(f64v(a[0]) as f32)),
        op!("f64.promote_f32", [F32] -> F64, |a| from_f64(f32v(a[0]) as f64)),
        op!(exact "i32.reinterpret_f32", [F32] -> I32, |a| Ok(a[0] as u32 as u64)),
        op!(exact "i64.reinterpret_f64", [F64] -> I64, |a| Ok(a[0])),
        op!(exact "f32.reinterpret_i32", [I32] -> F32, |a| Ok(a[0] as u32 as u64)),
        op!(exact "f64.reinterpret_i64", [I64] -> F64, |a| Ok(a[0])),
    ])
    .collect()
}

/// Values that sit on an edge of some operator, per type (as bits).
fn specials(ty: T) -> Vec<u64> {
    let f32s = |xs: &[f32]| xs.iter().map(|x| x.to_bits() as u64).collect::<Vec<_>>();
    let f64s = |xs: &[f64]| xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    match ty {
        T::I32 => [0i32, 1, -1, 2, 7, 31, 32, 33, i32::MIN, i32::MAX, i32::MIN + 1, 0x80, 0x8000]
            .iter()
            .map(|&x| x as u32 as u64)
            .collect(),
        T::I64 => [0i64, 1, -1, 2, 7, 63, 64, 65, i64::MIN, i64::MAX, i64::MIN + 1, 0x8000_0000, 0x1_0000_0000]
            .iter()
            .map(|&x| x as u64)
            .collect(),
        T::F32 => {
            let mut v = f32s(&[
                0.0,
                -0.0,
                1.0,
                -1.0,
                0.5,
                -0.5,
                1.5,
                2.5,
                -2.5,
                -0.9999999,
                f32::INFINITY,
                f32::NEG_INFINITY,
                f32::MAX,
                f32::MIN,
                f32::MIN_POSITIVE,
                1e-45,
                2147483648.0,
                -2147483648.0,
                2147483520.0,
                -2147483904.0,
                4294967296.0,
                4294967040.0,
                9223372036854775808.0,
                -9223372036854775808.0,
                18446744073709551616.0,
            ]);
            // NaNs: canonical (both signs), arithmetic with a payload, signalling.
            v.extend([0x7fc0_0000, 0xffc0_0000, 0x7fc0_0001, 0xffe0_1234, 0x7f80_0001, 0xffa0_0000]);
            v
        }
        T::F64 => {
            let mut v = f64s(&[
                0.0,
                -0.0,
                1.0,
                -1.0,
                0.5,
                -0.5,
                1.5,
                2.5,
                -2.5,
                -0.9999999999999999,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::MAX,
                f64::MIN,
                f64::MIN_POSITIVE,
                5e-324,
                2147483647.9,
                2147483648.0,
                -2147483648.9,
                -2147483649.0,
                4294967295.9,
                4294967296.0,
                9223372036854775808.0,
                -9223372036854775808.0,
                -9223372036854777856.0,
                18446744073709549568.0,
                18446744073709551616.0,
            ]);
            v.extend([
                0x7ff8_0000_0000_0000,
                0xfff8_0000_0000_0000,
                0x7ff8_0000_0000_0001,
                0xfffc_0000_1234_0000,
                0x7ff0_0000_0000_0001,
                0xfff4_0000_0000_0000,
            ]);
            v
        }
    }
}

/// Operand bits for `ty`: random bits, edge values, and (for floats)
/// ordinary numbers near the integer conversion ranges.
fn operand(ty: T) -> BoxedStrategy<u64> {
    let edges = proptest::sample::select(specials(ty));
    match ty {
        T::I32 => prop_oneof![3 => any::<u32>().prop_map(u64::from), 2 => edges, 1 => (-40i32..40).prop_map(|x| x as u32 as u64)]
            .boxed(),
        T::I64 => prop_oneof![3 => any::<u64>(), 2 => edges, 1 => (-70i64..70).prop_map(|x| x as u64)].boxed(),
        T::F32 => prop_oneof![
            2 => any::<u32>().prop_map(u64::from),
            2 => edges,
            2 => (-2e19f32..2e19).prop_map(|x| x.to_bits() as u64),
            1 => (-10f32..10.0).prop_map(|x| x.to_bits() as u64),
        ]
        .boxed(),
        T::F64 => prop_oneof![
            2 => any::<u64>(),
            2 => edges,
            2 => (-2e19f64..2e19).prop_map(f64::to_bits),
            1 => (-10f64..10.0).prop_map(f64::to_bits),
        ]
        .boxed(),
    }
}

fn ty_name(ty: T) -> &'static str {
    match ty {
        T::I32 => "i32",
        T::I64 => "i64",
        T::F32 => "f32",
        T::F64 => "f64",
    }
}

/// A `T.const` instruction for `bits`, exact for every NaN payload.
fn constant(ty: T, bits: u64) -> String {
    fn float(nan: bool, neg: bool, payload: u64, inf: bool, decimal: String) -> String {
        let sign = if neg { "-" } else { "" };
        if nan {
            format!("{sign}nan:0x{payload:x}")
        } else if inf {
            format!("{sign}inf")
        } else {
            decimal
        }
    }
    let text = match ty {
        T::I32 => (bits as u32 as i32).to_string(),
        T::I64 => (bits as i64).to_string(),
        T::F32 => {
            let x = f32v(bits);
            float(x.is_nan(), x.is_sign_negative(), bits & 0x7f_ffff, x.is_infinite(), format!("{x:?}"))
        }
        T::F64 => {
            let x = f64v(bits);
            float(x.is_nan(), x.is_sign_negative(), bits & 0xf_ffff_ffff_ffff, x.is_infinite(), format!("{x:?}"))
        }
    };
    format!("{}.const {text}", ty_name(ty))
}

/// Which operands of an export are constants (`None`: a parameter).
type Form = Vec<Option<u64>>;

/// A few constants per operand type for the constant forms (fewer than
/// `specials`, to keep the module small).
fn form_constants(ty: T) -> Vec<u64> {
    let all = specials(ty);
    let picks: &[usize] = match ty {
        T::I32 | T::I64 => &[0, 1, 2, 5, 6, 8, 9],
        T::F32 => &[1, 5, 10, 16, 19, 25, 27],
        T::F64 => &[1, 5, 10, 17, 19, 27, 29],
    };
    picks.iter().map(|&i| all[i]).collect()
}

/// Every form each operator is exported in.
fn forms(op: &NumOp) -> Vec<Form> {
    let mut out = vec![vec![None; op.params.len()]];
    for (i, &ty) in op.params.iter().enumerate() {
        for c in form_constants(ty) {
            let mut f = vec![None; op.params.len()];
            f[i] = Some(c);
            out.push(f);
        }
    }
    if op.params.len() == 2 {
        // Both constant: pairs of edges, folded at compile time.
        for (a, b) in form_constants(op.params[0]).into_iter().zip(form_constants(op.params[1]).into_iter().rev()) {
            out.push(vec![Some(a), Some(b)]);
        }
    }
    out
}

fn is_comparison(op: &NumOp) -> bool {
    op.result == T::I32
        && op.params.len() == 2
        && ["eq", "ne", "lt", "gt", "le", "ge"].iter().any(|c| op.name.split('.').nth(1).unwrap().starts_with(c))
        || op.name.ends_with(".eqz")
}

/// The module: per operator and form, `op/k` computes the operator on its
/// parameters or constants; a comparison also gets `op/k/br`, which
/// branches on it.
fn module_text(ops: &[NumOp]) -> (String, Vec<(usize, Form, bool, String)>) {
    let mut text = String::from("(module\n");
    let mut exports = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        for (k, form) in forms(op).into_iter().enumerate() {
            let params: Vec<&str> =
                op.params.iter().zip(&form).filter(|(_, c)| c.is_none()).map(|(t, _)| ty_name(*t)).collect();
            let mut param_no = 0;
            let operands: Vec<String> = op
                .params
                .iter()
                .zip(&form)
                .map(|(&t, c)| match c {
                    Some(bits) => constant(t, *bits),
                    None => {
                        param_no += 1;
                        format!("local.get {}", param_no - 1)
                    }
                })
                .collect();
            let sig = format!("(param {}) (result {})", params.join(" "), ty_name(op.result));
            let body = format!("{} {}", operands.join(" "), op.name);
            let name = format!("{}/{k}", op.name);
            text += &format!("  (func (export \"{name}\") {sig} {body})\n");
            exports.push((i, form.clone(), false, name.clone()));
            if is_comparison(op) {
                // Branch-fused: 1 if the comparison holds, else 0.
                text += &format!(
                    "  (func (export \"{name}/br\") {sig} (block (result i32) i32.const 1 {body} br_if 0 drop i32.const 0))\n"
                );
                exports.push((i, form, true, format!("{name}/br")));
            }
        }
    }
    text += ")";
    (text, exports)
}

fn to_val(ty: T, bits: u64) -> Val {
    match ty {
        T::I32 => Val::I32(bits as u32 as i32),
        T::I64 => Val::I64(bits as i64),
        T::F32 => Val::F32(bits as u32),
        T::F64 => Val::F64(bits),
    }
}

fn from_val(v: &Val) -> u64 {
    match *v {
        Val::I32(x) => x as u32 as u64,
        Val::I64(x) => x as u64,
        Val::F32(x) => x as u64,
        Val::F64(x) => x,
        _ => u64::MAX,
    }
}

/// NaN layout of a float type: (exponent mask, quiet bit, sign bit).
fn nan_bits(ty: T) -> Option<(u64, u64, u64)> {
    match ty {
        T::F32 => Some((0x7f80_0000, 0x0040_0000, 0x8000_0000)),
        T::F64 => Some((0x7ff0_0000_0000_0000, 0x0008_0000_0000_0000, 1 << 63)),
        _ => None,
    }
}

fn is_nan(ty: T, bits: u64) -> bool {
    nan_bits(ty).is_some_and(|(exp, _, sign)| bits & exp == exp && bits & !(exp | sign) != 0)
}

/// Does `got` satisfy the spec, given the reference result `want`? NaN
/// results: any canonical NaN if every NaN operand is canonical, else any
/// arithmetic (quiet) NaN; bit-exact for the `exact` operators.
fn conforms(op: &NumOp, args: &[u64], want: Outcome, got: Outcome) -> bool {
    match (want, got) {
        (Ok(w), Ok(g)) if !op.exact && is_nan(op.result, w) => {
            let (exp, quiet, sign) = nan_bits(op.result).unwrap();
            let canonical = |ty: T, b: u64| nan_bits(ty).is_some_and(|(e, q, s)| b & !s == e | q);
            let inputs_canonical = op.params.iter().zip(args).all(|(&t, &a)| !is_nan(t, a) || canonical(t, a));
            let payload = g & !(exp | sign);
            is_nan(op.result, g) && if inputs_canonical { payload == quiet } else { payload & quiet != 0 }
        }
        (w, g) => w == g,
    }
}

struct Tierd {
    store: Store<()>,
    instance: Instance,
}

fn instantiate(tier: Tier, text: &str) -> Tierd {
    let mut cfg = Config::new();
    cfg.tier(tier);
    let engine = Engine::new(&cfg);
    let module = Module::new(&engine, text).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    Tierd { store, instance }
}

fn tiers() -> Vec<Tier> {
    if cfg!(feature = "jit") { vec![Tier::Interp, Tier::Jit] } else { vec![Tier::Interp] }
}

#[test]
fn every_numeric_operator_matches_the_reference_in_every_tier() {
    let ops = ops();
    let (text, exports) = module_text(&ops);
    let engines: Vec<(Tier, Tierd)> = tiers().into_iter().map(|t| (t, instantiate(t, &text))).collect();
    let engines = std::cell::RefCell::new(engines);
    let mut checked = 0usize;
    for (i, form, branch, name) in &exports {
        let op = &ops[*i];
        let free: Vec<T> = op.params.iter().zip(form).filter(|(_, c)| c.is_none()).map(|(t, _)| *t).collect();
        // Parameter-only forms get the most cases; constant forms fewer.
        let cases = if free.len() == op.params.len() { 2000 } else { 64 };
        let strategy: Vec<BoxedStrategy<u64>> = free.iter().map(|&t| operand(t)).collect();
        let mut runner = TestRunner::new(RunnerConfig { cases, failure_persistence: None, ..RunnerConfig::default() });
        let result = runner.run(&strategy, |params| {
            let mut it = params.iter();
            let args: Vec<u64> = form.iter().map(|c| c.unwrap_or_else(|| *it.next().unwrap())).collect();
            let want = (op.eval)(&args);
            for (tier, e) in engines.borrow_mut().iter_mut() {
                let f = e.instance.get_func(&mut e.store, name).unwrap();
                let vals: Vec<Val> = free.iter().zip(&params).map(|(&t, &b)| to_val(t, b)).collect();
                let result_ty = if *branch { T::I32 } else { op.result };
                let mut out = [to_val(result_ty, 0)];
                let got = match f.call(&mut e.store, &vals, &mut out) {
                    Ok(()) => Ok(from_val(&out[0])),
                    Err(err) => Err(err.trap_code().ok_or_else(|| TestCaseError::fail(format!("{err}")))?),
                };
                if !conforms(op, &args, want, got) {
                    return Err(TestCaseError::fail(format!(
                        "{name} in {tier:?}: args {args:#x?} gave {got:#x?}, the reference {want:#x?}"
                    )));
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        checked += 1;
    }
    // Wasm 2.0 has 136 numeric operators besides the constants.
    assert_eq!(ops.len(), 136);
    assert!(checked > 2000, "{checked} exports checked");
}

#[test]
fn the_reference_itself_on_hand_checked_values() {
    let ops = ops();
    let eval = |name: &str, args: &[u64]| (ops.iter().find(|o| o.name == name).unwrap().eval)(args);
    assert_eq!(eval("i32.div_s", &[i32::MIN as u32 as u64, u32::MAX as u64]), Err(TrapCode::IntegerOverflow));
    assert_eq!(eval("i32.rem_s", &[i32::MIN as u32 as u64, u32::MAX as u64]), Ok(0));
    assert_eq!(eval("i32.shl", &[1, 33]), Ok(2));
    assert_eq!(eval("i64.rotr", &[1, 65]), Ok(1 << 63));
    assert_eq!(eval("i32.trunc_f32_s", &[(-2147483648.0f32).to_bits() as u64]), Ok(0x8000_0000));
    assert_eq!(eval("i32.trunc_f32_s", &[2147483648.0f32.to_bits() as u64]), Err(TrapCode::IntegerOverflow));
    assert_eq!(eval("i32.trunc_f64_u", &[(-0.9f64).to_bits()]), Ok(0));
    assert_eq!(eval("i32.trunc_f64_u", &[(-1.0f64).to_bits()]), Err(TrapCode::IntegerOverflow));
    assert_eq!(eval("i64.trunc_f64_s", &[(-9223372036854775808.0f64).to_bits()]), Ok(1 << 63));
    assert_eq!(eval("i64.trunc_f64_u", &[f64::NAN.to_bits()]), Err(TrapCode::BadConversionToInteger));
    assert_eq!(eval("i32.trunc_sat_f32_u", &[(-5.0f32).to_bits() as u64]), Ok(0));
    assert_eq!(eval("f32.nearest", &[2.5f32.to_bits() as u64]), Ok(2.0f32.to_bits() as u64));
    assert_eq!(eval("f64.min", &[0, (-0.0f64).to_bits()]), Ok((-0.0f64).to_bits()));
    assert_eq!(eval("f64.max", &[0, (-0.0f64).to_bits()]), Ok(0));
    assert_eq!(eval("f32.neg", &[0x7fc0_0001]), Ok(0xffc0_0001));
    assert_eq!(eval("f32.convert_i64_u", &[u64::MAX]), Ok(18446744073709551616.0f32.to_bits() as u64));
    // The NaN rule: canonical in, canonical out; a payload in, quiet out.
    let add = ops.iter().find(|o| o.name == "f32.add").unwrap();
    let nan = f32::NAN.to_bits() as u64;
    assert!(conforms(add, &[nan, 0], Ok(nan), Ok(0xffc0_0000)));
    assert!(!conforms(add, &[nan, 0], Ok(nan), Ok(0x7fc0_0001)));
    assert!(conforms(add, &[0x7f80_0001, 0], Ok(nan), Ok(0x7fc0_0001)));
    assert!(!conforms(add, &[0x7f80_0001, 0], Ok(nan), Ok(0x7f80_0001)), "a signalling NaN result");
}
