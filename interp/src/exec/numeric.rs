//! Handlers of the numeric ops: integer and float arithmetic and comparisons.

use super::*;

/// The (low, high) `i64` pair in slots `lo` and `hi`.
macro_rules! pair {
    ($r:ident, $lo:expr, $hi:expr) => {
        (get!($r, $lo).get_u64(), get!($r, $hi).get_u64())
    };
}

/// Writes a (low, high) `i64` pair to slot `dst` and the one after it.
macro_rules! set_pair {
    ($r:ident, $dst:expr, $v:expr) => {{
        let (lo, hi): (u64, u64) = $v;
        set!($r, $dst, ValRaw(lo));
        set!($r, Slot($dst.0 + 1), ValRaw(hi));
    }};
}

handlers! { r, cx, Numeric;
    F32x4CanonNan => {
        let o = operands!(r, F32x4CanonNan);
        let v = tandem_vm_core::simd::f32x4_canon_nan(vget!(r, o.src));
        vset!(r, o.dst, v);
    };
    F64x2CanonNan => {
        let o = operands!(r, F64x2CanonNan);
        let v = tandem_vm_core::simd::f64x2_canon_nan(vget!(r, o.src));
        vset!(r, o.dst, v);
    };
    I64Add128 => {
        let o = operands!(r, I64Add128);
        let (a, b) = (pair!(r, o.a_lo, o.a_hi), pair!(r, o.b_lo, o.b_hi));
        set_pair!(r, o.dst, num::i64_add128(a, b));
    };
    I64Sub128 => {
        let o = operands!(r, I64Sub128);
        let (a, b) = (pair!(r, o.a_lo, o.a_hi), pair!(r, o.b_lo, o.b_hi));
        set_pair!(r, o.dst, num::i64_sub128(a, b));
    };
    I64MulWideS => {
        let o = operands!(r, I64MulWideS);
        set_pair!(r, o.dst, num::i64_mul_wide_s(get!(r, o.lhs).get_i64(), get!(r, o.rhs).get_i64()));
    };
    I64MulWideU => {
        let o = operands!(r, I64MulWideU);
        set_pair!(r, o.dst, num::i64_mul_wide_u(get!(r, o.lhs).get_u64(), get!(r, o.rhs).get_u64()));
    };
    @raw
    @ops
    I32DivS => binop!(get_i32, |a, b| ValRaw::i32(num::i32_div_s(a, b)?));
    I32DivU => binop!(get_u32, |a, b| ValRaw(num::i32_div_u(a, b)? as u64));
    I32RemS => binop!(get_i32, |a, b| ValRaw::i32(num::i32_rem_s(a, b)?));
    I32RemU => binop!(get_u32, |a, b| ValRaw(num::i32_rem_u(a, b)? as u64));
    I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS | I32GeU => cmp!(get_i32, holds_i32);
    I32Clz => unop!(get_u32, |a| ValRaw(a.leading_zeros() as u64));
    I32Ctz => unop!(get_u32, |a| ValRaw(a.trailing_zeros() as u64));
    I32Popcnt => unop!(get_u32, |a| ValRaw(a.count_ones() as u64));
    I64DivS => binop!(get_i64, |a, b| ValRaw::i64(num::i64_div_s(a, b)?));
    I64DivU => binop!(get_i64, |a, b| ValRaw(num::i64_div_u(a as u64, b as u64)?));
    I64RemS => binop!(get_i64, |a, b| ValRaw::i64(num::i64_rem_s(a, b)?));
    I64RemU => binop!(get_i64, |a, b| ValRaw(num::i64_rem_u(a as u64, b as u64)?));
    I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS | I64GeU => cmp!(get_i64, holds_i64);
    I64Clz => unop!(get_i64, |a| ValRaw(a.leading_zeros() as u64));
    I64Ctz => unop!(get_i64, |a| ValRaw(a.trailing_zeros() as u64));
    I64Popcnt => unop!(get_i64, |a| ValRaw(a.count_ones() as u64));
    I64Extend8S => unop!(get_i64, |a| ValRaw::i64(a as i8 as i64));
    I64Extend16S => unop!(get_i64, |a| ValRaw::i64(a as i16 as i64));
    I64Extend32S => unop!(get_i64, |a| ValRaw::i64(a as i32 as i64));
    F32Min => binop!(get_f32, |a, b| f32v(num::f32_min(a, b)));
    F32Max => binop!(get_f32, |a, b| f32v(num::f32_max(a, b)));
    F32Copysign => binop!(get_f32, |a, b| f32v(a.copysign(b)));
    F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge => cmp!(get_f32, holds_f32);
    F32Ceil => unop!(get_f32, |a| f32v(num::f32_ceil(a)));
    F32Floor => unop!(get_f32, |a| f32v(num::f32_floor(a)));
    F32Trunc => unop!(get_f32, |a| f32v(num::f32_trunc(a)));
    F32Nearest => unop!(get_f32, |a| f32v(num::f32_nearest(a)));
    F64Min => binop!(get_f64, |a, b| f64v(num::f64_min(a, b)));
    F64Max => binop!(get_f64, |a, b| f64v(num::f64_max(a, b)));
    F64Copysign => binop!(get_f64, |a, b| f64v(a.copysign(b)));
    F64Eq | F64Ne | F64Lt | F64Gt | F64Le | F64Ge => cmp!(get_f64, holds_f64);
    F64Ceil => unop!(get_f64, |a| f64v(num::f64_ceil(a)));
    F64Floor => unop!(get_f64, |a| f64v(num::f64_floor(a)));
    F64Trunc => unop!(get_f64, |a| f64v(num::f64_trunc(a)));
    F64Nearest => unop!(get_f64, |a| f64v(num::f64_nearest(a)));
    F32CanonNan => unop!(get_f32, |a| f32v(num::f32_canon_nan(a)));
    F64CanonNan => unop!(get_f64, |a| f64v(num::f64_canon_nan(a)));
    I32Add => binop!(get_i32, |a, b| ValRaw::i32(a.wrapping_add(b)));
    I32Mul => binop!(get_i32, |a, b| ValRaw::i32(a.wrapping_mul(b)));
    I32And => binop!(get_u32, |a, b| ValRaw((a & b) as u64));
    I32Or => binop!(get_u32, |a, b| ValRaw((a | b) as u64));
    I32Xor => binop!(get_u32, |a, b| ValRaw((a ^ b) as u64));
    I32Sub => binop!(get_i32, |a, b| ValRaw::i32(a.wrapping_sub(b)));
    I32Shl => binop!(get_u32, |a, b| ValRaw(a.wrapping_shl(b) as u64));
    I32ShrS => binop!(get_i32, |a, b| ValRaw::i32(a.wrapping_shr(b as u32)));
    I32ShrU => binop!(get_u32, |a, b| ValRaw(a.wrapping_shr(b) as u64));
    I32Rotl => binop!(get_u32, |a, b| ValRaw(a.rotate_left(b & 31) as u64));
    I32Rotr => binop!(get_u32, |a, b| ValRaw(a.rotate_right(b & 31) as u64));
    I32AddImm => immop!(get_i32, |a, imm| ValRaw::i32(a.wrapping_add(imm as i32)));
    I64Add => binop!(get_i64, |a, b| ValRaw::i64(a.wrapping_add(b)));
    I64Mul => binop!(get_i64, |a, b| ValRaw::i64(a.wrapping_mul(b)));
    I64And => binop!(get_i64, |a, b| ValRaw::i64(a & b));
    I64Or => binop!(get_i64, |a, b| ValRaw::i64(a | b));
    I64Xor => binop!(get_i64, |a, b| ValRaw::i64(a ^ b));
    I64Sub => binop!(get_i64, |a, b| ValRaw::i64(a.wrapping_sub(b)));
    I64Shl => binop!(get_i64, |a, b| ValRaw::i64(a.wrapping_shl(b as u32)));
    I64ShrS => binop!(get_i64, |a, b| ValRaw::i64(a.wrapping_shr(b as u32)));
    I64ShrU => binop!(get_i64, |a, b| ValRaw((a as u64).wrapping_shr(b as u32)));
    I64Rotl => binop!(get_i64, |a, b| ValRaw((a as u64).rotate_left((b & 63) as u32)));
    I64Rotr => binop!(get_i64, |a, b| ValRaw((a as u64).rotate_right((b & 63) as u32)));
    I64AddImm => immop!(get_u64, |a, imm| ValRaw(a.wrapping_add(imm)));
    F32Add => binop!(get_f32, |a, b| f32v(a + b));
    F32Mul => binop!(get_f32, |a, b| f32v(a * b));
    F32Sub => binop!(get_f32, |a, b| f32v(a - b));
    F32Div => binop!(get_f32, |a, b| f32v(a / b));
    F64Add => binop!(get_f64, |a, b| f64v(a + b));
    F64Mul => binop!(get_f64, |a, b| f64v(a * b));
    F64Sub => binop!(get_f64, |a, b| f64v(a - b));
    F64Div => binop!(get_f64, |a, b| f64v(a / b));
    F64SubRev => binop!(get_f64, |a, b| f64v(b - a));
    F64DivRev => binop!(get_f64, |a, b| f64v(b / a));
    I32Eqz => unop!(get_u32, |a| ValRaw((a == 0) as u64));
    I64Eqz => unop!(get_i64, |a| ValRaw((a == 0) as u64));
    I32Extend8S => unop!(get_u32, |a| ValRaw::i32(a as i8 as i32));
    I32Extend16S => unop!(get_u32, |a| ValRaw::i32(a as i16 as i32));
    F32Abs => unop!(get_f32, |a| f32v(a.abs()));
    F32Neg => unop!(get_f32, |a| f32v(-a));
    F32Sqrt => unop!(get_f32, |a| f32v(a.sqrt()));
    F64Abs => unop!(get_f64, |a| f64v(a.abs()));
    F64Neg => unop!(get_f64, |a| f64v(-a));
    F64Sqrt => unop!(get_f64, |a| f64v(a.sqrt()));
}
