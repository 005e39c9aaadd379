//! Handlers of the SIMD ops: one per op, generated from the op list
//! (`for_each_simd!`) by shape, each calling the op's function in
//! `tandem_vm_core::simd`, where its semantics live. A `v128` sits in two
//! consecutive slots, low half first (`vget!`, `vset!`).

use super::*;
use tandem_vm_core::bytecode::MemUse;
use tandem_vm_core::simd;

/// The bytes op `$Op` reads or writes (its `MemUse`).
macro_rules! access_size {
    ($Op:ident) => {
        const {
            match Opcode::$Op.memory_use() {
                Some(MemUse::Load(n) | MemUse::Store(n)) => n as usize,
                _ => 0,
            }
        }
    };
}

/// The effective address of memory op `o` of `$Op`, bounds-checked.
macro_rules! simd_ea {
    ($r:ident, $cx:ident, $Op:ident, $o:ident) => {
        bulk::access($cx.mem_len, get!($r, $o.addr).get_u32(), $o.offset, access_size!($Op) as u64)?
    };
}

/// One handler body per shape (see `tandem_vm_core::simd` for the
/// functions' signatures).
macro_rules! simd_body {
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Load,) => {{
        let o = operands!($r, $Op);
        let ea = simd_ea!($r, $cx, $Op, o);
        let mut b = [0u8; 16];
        core::ptr::copy_nonoverlapping($r.mem_base.add(ea), b.as_mut_ptr(), access_size!($Op));
        vset!($r, o.dst, simd::$f(b));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Store,) => {{
        let o = operands!($r, $Op);
        let ea = simd_ea!($r, $cx, $Op, o);
        let b = simd::$f(vget!($r, o.value));
        core::ptr::copy_nonoverlapping(b.as_ptr(), $r.mem_base.add(ea), access_size!($Op));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, LoadLane, $n:literal) => {{
        let o = operands!($r, $Op);
        let ea = simd_ea!($r, $cx, $Op, o);
        let mut b = [0u8; 8];
        core::ptr::copy_nonoverlapping($r.mem_base.add(ea), b.as_mut_ptr(), access_size!($Op));
        vset!($r, o.dst, simd::$f(vget!($r, o.src), u64::from_le_bytes(b), o.lane.0));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, StoreLane, $n:literal) => {{
        let o = operands!($r, $Op);
        let ea = simd_ea!($r, $cx, $Op, o);
        let b = simd::$f(vget!($r, o.value), o.lane.0).to_le_bytes();
        core::ptr::copy_nonoverlapping(b.as_ptr(), $r.mem_base.add(ea), access_size!($Op));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Const,) => {{
        let o = operands!($r, $Op);
        vset!($r, o.dst, simd::$f(simd::from_bits(o.imm)));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Shuffle,) => {{
        let o = operands!($r, $Op);
        vset!($r, o.dst, simd::$f(vget!($r, o.lhs), vget!($r, o.rhs), simd::from_bits(o.imm)));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Unary,) => {{
        let o = operands!($r, $Op);
        vset!($r, o.dst, simd::$f(vget!($r, o.src)));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, UnaryF,) => {
        simd_body!($r, $cx, $Op, $f, Unary,)
    };
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Binary,) => {{
        let o = operands!($r, $Op);
        vset!($r, o.dst, simd::$f(vget!($r, o.lhs), vget!($r, o.rhs)));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, BinaryF,) => {
        simd_body!($r, $cx, $Op, $f, Binary,)
    };
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Ternary,) => {{
        let o = operands!($r, $Op);
        vset!($r, o.dst, simd::$f(vget!($r, o.a), vget!($r, o.b), vget!($r, o.c)));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Test,) => {{
        let o = operands!($r, $Op);
        set!($r, o.dst, ValRaw(simd::$f(vget!($r, o.src)) as u64));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Shift,) => {{
        let o = operands!($r, $Op);
        vset!($r, o.dst, simd::$f(vget!($r, o.lhs), get!($r, o.rhs).get_u32()));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Splat, $t:ident) => {{
        let o = operands!($r, $Op);
        vset!($r, o.dst, simd::$f(get!($r, o.src).0));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Extract, $t:ident $n:literal) => {{
        let o = operands!($r, $Op);
        set!($r, o.dst, ValRaw(simd::$f(vget!($r, o.src), o.lane.0)));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Replace, $t:ident $n:literal) => {{
        let o = operands!($r, $Op);
        vset!($r, o.dst, simd::$f(vget!($r, o.lhs), get!($r, o.rhs).0, o.lane.0));
    }};
}

/// A fused multiply-then-add op (`F32x4MulAdd`...): the product of `a` and
/// `b` by `$mul`, then `$then` of it and `c`, the product first or second.
macro_rules! mul_then {
    ($r:ident, $Op:ident, $mul:ident, $then:ident, first) => {{
        let o = operands!($r, $Op);
        let p = simd::$mul(vget!($r, o.a), vget!($r, o.b));
        vset!($r, o.dst, simd::$then(p, vget!($r, o.c)));
    }};
    ($r:ident, $Op:ident, $mul:ident, $then:ident, second) => {{
        let o = operands!($r, $Op);
        let p = simd::$mul(vget!($r, o.a), vget!($r, o.b));
        vset!($r, o.dst, simd::$then(vget!($r, o.c), p));
    }};
}

/// A vector test and the branch on its result (`BrV128AnyTrueNz`...).
macro_rules! br_test {
    ($r:ident, $cx:ident, $Op:ident, $f:ident) => {{
        let o = operands!($r, $Op);
        let v = simd::$f(vget!($r, o.src));
        branch_if!($r, $cx, o, cond!($Op).holds_u64(v as u64, 0));
    }};
}

macro_rules! simd_handlers {
    ($($name:ident $f:ident $shape:ident ($($x:tt)*);)*) => {
        $(
            const _: () = assert!(
                matches!(Opcode::$name.group(), Group::Simd),
                concat!(stringify!($name), " belongs to another group's file"),
            );
        )*
        #[allow(non_snake_case, unused_mut, unused_unsafe, clippy::redundant_closure_call, clippy::allow_attributes)]
        #[expect(clippy::too_many_arguments, reason = "a handler takes the interpreter's registers as arguments")]
        pub(super) mod h {
            use super::*;
            $( handler_fn!(r, cx, $name, simd_body!(r, cx, $name, $f, $shape, $($x)*)); )*
            handler_fn!(r, cx, F32x4MulAdd, mul_then!(r, F32x4MulAdd, f32x4_mul, f32x4_add, first));
            handler_fn!(r, cx, F32x4AddMul, mul_then!(r, F32x4AddMul, f32x4_mul, f32x4_add, second));
            handler_fn!(r, cx, F32x4MulSub, mul_then!(r, F32x4MulSub, f32x4_mul, f32x4_sub, first));
            handler_fn!(r, cx, F32x4SubMul, mul_then!(r, F32x4SubMul, f32x4_mul, f32x4_sub, second));
            handler_fn!(r, cx, F64x2MulAdd, mul_then!(r, F64x2MulAdd, f64x2_mul, f64x2_add, first));
            handler_fn!(r, cx, F64x2AddMul, mul_then!(r, F64x2AddMul, f64x2_mul, f64x2_add, second));
            handler_fn!(r, cx, F64x2MulSub, mul_then!(r, F64x2MulSub, f64x2_mul, f64x2_sub, first));
            handler_fn!(r, cx, F64x2SubMul, mul_then!(r, F64x2SubMul, f64x2_mul, f64x2_sub, second));
            handler_fn!(r, cx, I32x4MulAdd, mul_then!(r, I32x4MulAdd, i32x4_mul, i32x4_add, first));
            handler_fn!(r, cx, I16x8MulAdd, mul_then!(r, I16x8MulAdd, i16x8_mul, i16x8_add, first));
            handler_fn!(r, cx, BrV128AnyTrueNz, br_test!(r, cx, BrV128AnyTrueNz, v128_any_true));
            handler_fn!(r, cx, BrV128AnyTrueZ, br_test!(r, cx, BrV128AnyTrueZ, v128_any_true));
            handler_fn!(r, cx, BrI8x16AllTrueNz, br_test!(r, cx, BrI8x16AllTrueNz, i8x16_all_true));
            handler_fn!(r, cx, BrI8x16AllTrueZ, br_test!(r, cx, BrI8x16AllTrueZ, i8x16_all_true));
            handler_fn!(r, cx, BrI16x8AllTrueNz, br_test!(r, cx, BrI16x8AllTrueNz, i16x8_all_true));
            handler_fn!(r, cx, BrI16x8AllTrueZ, br_test!(r, cx, BrI16x8AllTrueZ, i16x8_all_true));
            handler_fn!(r, cx, BrI32x4AllTrueNz, br_test!(r, cx, BrI32x4AllTrueNz, i32x4_all_true));
            handler_fn!(r, cx, BrI32x4AllTrueZ, br_test!(r, cx, BrI32x4AllTrueZ, i32x4_all_true));
            handler_fn!(r, cx, BrI64x2AllTrueNz, br_test!(r, cx, BrI64x2AllTrueNz, i64x2_all_true));
            handler_fn!(r, cx, BrI64x2AllTrueZ, br_test!(r, cx, BrI64x2AllTrueZ, i64x2_all_true));
        }
    };
}

tandem_vm_core::for_each_simd!(simd_handlers);
