//! Handlers of the conversions ops: conversions between the value types.

use super::*;

handlers! { r, cx, Conversions;
    @raw
    @ops
    I32TruncF32S => unop!(get_f32, |a| ValRaw::i32(num::i32_trunc_f32_s(a)?));
    I32TruncF32U => unop!(get_f32, |a| ValRaw(num::i32_trunc_f32_u(a)? as u64));
    I32TruncF64S => unop!(get_f64, |a| ValRaw::i32(num::i32_trunc_f64_s(a)?));
    I32TruncF64U => unop!(get_f64, |a| ValRaw(num::i32_trunc_f64_u(a)? as u64));
    I32TruncSatF32S => unop!(get_f32, |a| ValRaw::i32(a as i32));
    I32TruncSatF32U => unop!(get_f32, |a| ValRaw(a as u32 as u64));
    I32TruncSatF64S => unop!(get_f64, |a| ValRaw::i32(a as i32));
    I32TruncSatF64U => unop!(get_f64, |a| ValRaw(a as u32 as u64));
    I64TruncF32S => unop!(get_f32, |a| ValRaw::i64(num::i64_trunc_f32_s(a)?));
    I64TruncF32U => unop!(get_f32, |a| ValRaw(num::i64_trunc_f32_u(a)?));
    I64TruncF64S => unop!(get_f64, |a| ValRaw::i64(num::i64_trunc_f64_s(a)?));
    I64TruncF64U => unop!(get_f64, |a| ValRaw(num::i64_trunc_f64_u(a)?));
    I64TruncSatF32S => unop!(get_f32, |a| ValRaw::i64(a as i64));
    I64TruncSatF32U => unop!(get_f32, |a| ValRaw(a as u64));
    I64TruncSatF64S => unop!(get_f64, |a| ValRaw::i64(a as i64));
    I64TruncSatF64U => unop!(get_f64, |a| ValRaw(a as u64));
    F32ConvertI32U => unop!(get_u32, |a| f32v(a as f32));
    F32ConvertI64S => unop!(get_i64, |a| f32v(a as f32));
    F32ConvertI64U => unop!(get_i64, |a| f32v(num::f32_convert_u64(a as u64)));
    F64ConvertI64S => unop!(get_i64, |a| f64v(a as f64));
    F64ConvertI64U => unop!(get_i64, |a| f64v(a as u64 as f64));
    I32WrapI64 => unop!(get_u32, |a| ValRaw(a as u64));
    I64ExtendI32S => unop!(get_i32, |a| ValRaw::i64(a as i64));
    I64ExtendI32U => unop!(get_u32, |a| ValRaw(a as u64));
    F64ConvertI32S => unop!(get_i32, |a| f64v(a as f64));
    F64ConvertI32U => unop!(get_u32, |a| f64v(a as f64));
    F32ConvertI32S => unop!(get_i32, |a| f32v(a as f32));
    F64PromoteF32 => unop!(get_f32, |a| f64v(a as f64));
    F32DemoteF64 => unop!(get_f64, |a| f32v(a as f32));
}
