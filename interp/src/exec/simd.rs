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

/// The host address of memory op `o` of `$Op`, bounds-checked (SIMD ops
/// have no accumulator forms: the address comes from its slot).
macro_rules! simd_ea {
    ($r:ident, $cx:ident, $Op:ident, $o:ident) => {
        access!($r, $cx, $Op, $o, 0, access_size!($Op) as u64)
    };
}

/// One handler body per shape (see `tandem_vm_core::simd` for the
/// functions' signatures).
macro_rules! simd_body {
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Load,) => {{
        let o = operands!($r, $Op);
        let ea = simd_ea!($r, $cx, $Op, o);
        let mut b = [0u8; 16];
        core::ptr::copy_nonoverlapping(ea, b.as_mut_ptr(), access_size!($Op));
        vset!($r, o.dst, simd::$f(b));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, Store,) => {{
        let o = operands!($r, $Op);
        let ea = simd_ea!($r, $cx, $Op, o);
        let b = simd::$f(vget!($r, o.value));
        core::ptr::copy_nonoverlapping(b.as_ptr(), ea, access_size!($Op));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, LoadLane, $n:literal) => {{
        let o = operands!($r, $Op);
        let ea = simd_ea!($r, $cx, $Op, o);
        let mut b = [0u8; 8];
        core::ptr::copy_nonoverlapping(ea, b.as_mut_ptr(), access_size!($Op));
        vset!($r, o.dst, simd::$f(vget!($r, o.src), u64::from_le_bytes(b), o.lane.0));
    }};
    ($r:ident, $cx:ident, $Op:ident, $f:ident, StoreLane, $n:literal) => {{
        let o = operands!($r, $Op);
        let ea = simd_ea!($r, $cx, $Op, o);
        let b = simd::$f(vget!($r, o.value), o.lane.0).to_le_bytes();
        core::ptr::copy_nonoverlapping(b.as_ptr(), ea, access_size!($Op));
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

/// The handlers of the multiply-then-add ops (`F32x4MulAdd`...; see
/// `for_each_mul_then!`): the product of `a` and `b`, then the second op of
/// it and `c`, the product first or second.
macro_rules! mul_then_handlers {
    ($($name:ident $mul:ident $then:ident $at:ident;)*) => {
        $( handler_fn!(r, cx, $name, mul_then!(r, $name, $mul, $then, $at)); )*
    };
}

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

/// The handlers of the test-and-branch ops (`BrV128AnyTrueNz`...; see
/// `for_each_branch_test!`).
macro_rules! branch_test_handlers {
    ($($name:ident $test:ident;)*) => {$(
        handler_fn!(r, cx, $name, {
            let o = operands!(r, $name);
            let v = simd::$test(vget!(r, o.src));
            branch_if!(r, cx, o, cond!($name).holds_u64(v as u64, 0));
        });
    )*};
}

macro_rules! simd_handlers {
    ($($name:ident $f:ident $shape:ident ($($x:tt)*);)*) => {
        $(
            const _: () = assert!(
                matches!(Opcode::$name.group(), Group::Simd),
                concat!(stringify!($name), " belongs to another group's file"),
            );
            handler_fn!(r, cx, $name, simd_body!(r, cx, $name, $f, $shape, $($x)*));
        )*
    };
}

#[allow(non_snake_case, unused_mut, unused_unsafe, clippy::redundant_closure_call, clippy::allow_attributes)]
#[expect(clippy::too_many_arguments, reason = "a handler takes the interpreter's registers as arguments")]
pub(super) mod h {
    use super::*;
    tandem_vm_core::for_each_simd!(simd_handlers);
    tandem_vm_core::for_each_simd_twin!(simd_handlers);
    tandem_vm_core::for_each_mul_then!(mul_then_handlers);
    tandem_vm_core::for_each_branch_test!(branch_test_handlers);
}
